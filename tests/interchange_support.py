"""Helpers shared by the interchange tests (no tests here): fresh databases, dumps, fixtures."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from cspo_viewer import paths
from cspo_viewer.data.build import init_database
from cspo_viewer.data.filters import EventFilter
from cspo_viewer.data.interchange import dump, dump_records
from cspo_viewer.data.store import open_store
from tests.paths import FIXTURES as FIXTURES

_TEMPLATE: dict[str, Path] = {}


def fresh_db(folder: Path, name: str = "fresh.db") -> Path:
    """A new ``db init`` database (reference rows only), copied from one made per session."""
    if "db" not in _TEMPLATE or not _TEMPLATE["db"].exists():
        template = Path(folder).parent / "template-init.db"
        if not template.exists():
            init_database(paths.data_src_dir(), template)
        _TEMPLATE["db"] = template
    target = Path(folder) / name
    shutil.copyfile(_TEMPLATE["db"], target)
    return target


def dump_text(db: Path, fmt: str = "json") -> str:
    """The whole database as ``cspo-viewer dump`` writes it."""
    out = io.StringIO()
    with open_store(db) as store:
        dump(store, EventFilter(), fmt, out)  # type: ignore[arg-type]
    return out.getvalue()


def records(db: Path) -> list[dict]:
    """Every event in ``list --json`` shape, with ``evidence``."""
    with open_store(db) as store:
        return list(dump_records(store, EventFilter()))


def big_csv(path: Path, n: int = 12_000, *, summary: str = "") -> Path:
    """Enough rows for many batches, so that a crash or a cancel lands mid-import."""
    lines = ["date,title,nations,source_title,summary"]
    lines += [
        f"2020-01-{1 + i % 28:02d},Event number {i},AUS;CAN,Bulk source,{summary}" for i in range(n)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def leftovers(db: Path) -> list[Path]:
    """Files beside the database other than SQLite's own: an import never makes any."""
    sqlite_own = {db.name, f"{db.name}-journal", f"{db.name}-wal", f"{db.name}-shm"}
    return [p for p in db.parent.iterdir() if p.name.startswith(f".{db.name}")] + [
        p for p in db.parent.iterdir() if p.name.startswith(db.name) and p.name not in sqlite_own
    ]
