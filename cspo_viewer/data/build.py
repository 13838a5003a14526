"""Build the shipped SQLite file from the reviewable text data in ``db/src/``.

The JSON files are what people review in pull requests; the ``.db`` is derived. A build
writes a new file beside the target and renames it into place (``file_output``), so a
failed build never leaves a half-written database, and the tests compare the shipped file
with a fresh build so the two cannot drift.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported in new_database: reading never needs it
    import sqlite_utils

from cspo_viewer.data import schema
from cspo_viewer.data.browse import create_browsing_views
from cspo_viewer.data.columns import EVENT_COLUMNS, QUOTE_COLUMNS, SOURCE_COLUMNS
from cspo_viewer.data.dates import split_source_date
from cspo_viewer.data.file_output import replacing

SOURCE_TEXTS = "source_texts"
"""``db/src/source_texts/<source id>.txt``: the text of an official document we hold, stored
in ``sources.text`` so that quotes citing it are checked verbatim (``db check``). News
articles are cited by address only; their text is not copied into the shipped record."""


def load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def load_src(src_dir: Path) -> dict[str, Any]:
    """Read ``db/src``: nations, themes, sources and events (statement texts inlined)."""
    events = load_json(src_dir / "events.json")
    for event in events:
        rel = event.pop("statement_file", None)
        if rel:
            try:
                text = (src_dir / rel).read_text(encoding="utf-8")
            except (FileNotFoundError, IsADirectoryError):
                raise ValueError(
                    f"event {event.get('id')} names the statement file {rel}, which is not"
                    f" in {src_dir}"
                ) from None
            event["statement_text"] = text.strip()
    sources = load_json(src_dir / "sources.json")
    for source in sources:
        text_file = src_dir / SOURCE_TEXTS / f"{source['id']}.txt"
        if text_file.is_file():
            source["text"] = text_file.read_text(encoding="utf-8")
    return {
        "nations": load_json(src_dir / "nations.json"),
        "themes": load_json(src_dir / "themes.json"),
        "sources": sources,
        "events": events,
    }


def insert_reference(
    db: sqlite_utils.Database,
    nations: Iterable[Mapping[str, Any]],
    themes: Iterable[Mapping[str, Any]],
    sources: Iterable[Mapping[str, Any]],
) -> None:
    """Nations with their memberships, themes, and sources."""
    nations = list(nations)
    db.table("nations").insert_all(
        {"code": n["code"], "name": n["name"], "alpha2": n.get("alpha2")} for n in nations
    )
    db.table("themes").insert_all(
        {"id": t["id"], "label": t["label"], "description": t.get("description")} for t in themes
    )
    insert_sources(db.conn, sources)
    db.table("memberships").insert_all(
        {
            "nation_code": n["code"],
            "joined": n["joined"],
            "joined_precision": n.get("joined_precision", "day"),
            "source_id": n.get("membership_source_id"),
            "note": n.get("membership_note"),
        }
        for n in nations
        if n.get("joined")
    )


def insert_sources(
    conn: sqlite3.Connection, sources: Iterable[Mapping[str, Any]], *, replace: bool = False
) -> None:
    """Sources as ``sources.json`` gives them; a date that is not ISO is refused (it
    belongs in ``date_note``), so the file and the schema's promise cannot part."""
    columns = (*SOURCE_COLUMNS, "text")  # text: v3; import and dump do not exchange it (yet)
    conn.executemany(
        f"INSERT {'OR REPLACE ' if replace else ''}INTO sources ({', '.join(columns)})"
        f" VALUES ({', '.join('?' * len(columns))})",
        ([row.get(c) for c in columns] for row in _checked_sources(sources)),
    )


def update_sources(conn: sqlite3.Connection, sources: Iterable[Mapping[str, Any]]) -> None:
    """Overwrite the details (``SOURCE_COLUMNS``) of sources, adding those not stored; a
    stored source's ``text`` is kept, as the file does not carry it."""
    names = ", ".join(SOURCE_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in SOURCE_COLUMNS if c != "id")
    conn.executemany(
        f"INSERT INTO sources ({names}) VALUES ({', '.join('?' * len(SOURCE_COLUMNS))})"
        f" ON CONFLICT (id) DO UPDATE SET {updates}",
        ([row[c] for c in SOURCE_COLUMNS] for row in _checked_sources(sources)),
    )


def _checked_sources(sources: Iterable[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """Each source with every column of ``sources`` (None where it gives none), its date
    checked (see ``insert_sources``)."""
    for s in sources:
        row = {c: s.get(c) for c in SOURCE_COLUMNS}
        row["text"] = s.get("text")
        if row["date"] is not None and split_source_date(row["date"]) != (row["date"], None):
            raise ValueError(
                f"source {row['id']} has the date {row['date']!r}: write YYYY, YYYY-MM or"
                " YYYY-MM-DD, and put anything else in date_note"
            )
        yield row


def insert_events(
    conn: sqlite3.Connection, events: Iterable[Mapping[str, Any]], *, batch_size: int = 2000
) -> int:
    """Insert events with their nations, themes, sources and quotes; return the count.

    Each event mapping uses canonical ids: ``nations`` are alpha-3 codes, ``themes`` slugs,
    ``sources`` source ids, ``quotes`` dicts with ``QUOTE_COLUMNS``. Rows go in by batch
    so that 100,000 events stream through with bounded memory.
    """
    n = 0
    batch: list[Mapping[str, Any]] = []
    for event in events:
        batch.append(event)
        if len(batch) >= batch_size:
            n += _insert_batch(conn, batch)
            batch = []
    if batch:
        n += _insert_batch(conn, batch)
    return n


def _insert_batch(conn: sqlite3.Connection, batch: list[Mapping[str, Any]]) -> int:
    _insert_staged(
        conn, "events", EVENT_COLUMNS, ([e.get(c) for c in EVENT_COLUMNS] for e in batch)
    )
    conn.executemany(
        "INSERT INTO event_nations (event_id, nation_code) VALUES (?, ?)",
        ((e["id"], code) for e in batch for code in e.get("nations", ())),
    )
    conn.executemany(
        "INSERT INTO event_themes (event_id, theme_id) VALUES (?, ?)",
        ((e["id"], t) for e in batch for t in e.get("themes", ())),
    )
    conn.executemany(
        "INSERT INTO event_sources (event_id, source_id) VALUES (?, ?)",
        ((e["id"], s) for e in batch for s in e.get("sources", ())),
    )
    _insert_staged(
        conn,
        "quotes",
        ("event_id", *QUOTE_COLUMNS),
        ([e["id"], *(q.get(c) for c in QUOTE_COLUMNS)] for e in batch for q in e.get("quotes", ())),
    )
    return len(batch)


def _insert_staged(
    conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert ``rows`` into ``table`` (one with full-text triggers) as ONE statement.

    The rows are first put in a temporary table of this connection (``temp`` is never
    the database file) and then copied by one ``INSERT ... SELECT``. The schema's
    triggers run for each row as before and keep the full-text index, but FTS5 writes
    its pending terms to disk at every statement's savepoint: inserted by ``executemany``,
    a statement per row, that made a tiny index segment per row to be merged again
    (most of an import's writing time). Nothing of the schema
    changes, and a refusal (a foreign key, a repeated id) is raised by the one statement,
    rolling back the rows of the batch with it.
    """
    staged = f"staged_{table}"
    names = ", ".join(columns)
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {staged} ({names})")
    conn.execute(f"DELETE FROM temp.{staged}")  # left by a batch that failed, if any
    conn.executemany(
        f"INSERT INTO temp.{staged} ({names}) VALUES ({', '.join('?' * len(columns))})", rows
    )
    conn.execute(
        f"INSERT INTO main.{table} ({names}) SELECT {names} FROM temp.{staged} ORDER BY rowid"
    )
    conn.execute(f"DELETE FROM temp.{staged}")


def new_database(path: Path) -> sqlite_utils.Database:
    """An empty database at ``path`` (which must not hold data) with the full schema."""
    import sqlite_utils

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    db = sqlite_utils.Database(conn)
    with conn:
        schema.create_schema(db)
    return db


def build_database(src_dir: Path, out: Path) -> int:
    """Build ``out`` from ``src_dir`` atomically; return the number of events."""
    data = load_src(src_dir)
    with replacing(out, ".db") as tmp:
        tmp.unlink()
        db = new_database(tmp)
        try:
            with db.conn:
                insert_reference(db, data["nations"], data["themes"], data["sources"])
                n = insert_events(db.conn, data["events"])
                create_browsing_views(db.conn)  # not schema: see data/browse.py
            problems = check_foreign_keys(db.conn)
            if problems:
                raise ValueError("; ".join(problems))
            db.conn.execute("VACUUM")
        finally:
            db.conn.close()
    return n


def init_database(src_dir: Path, out: Path) -> None:
    """A new database holding only reference rows (nations, memberships, themes, kinds).

    Refuses to touch an existing file: ``db init`` is for starting a timeline of your own.
    """
    if out.exists():
        raise FileExistsError(f"{out} already exists; db init only creates new databases")
    data = load_src(src_dir)
    membership_sources = {n.get("membership_source_id") for n in data["nations"]}
    with replacing(out, ".db") as tmp:
        tmp.unlink()
        db = new_database(tmp)
        try:
            with db.conn:
                insert_reference(
                    db,
                    data["nations"],
                    data["themes"],
                    [s for s in data["sources"] if s["id"] in membership_sources],
                )
                create_browsing_views(db.conn)  # not schema: see data/browse.py
        finally:
            db.conn.close()


def check_foreign_keys(conn: sqlite3.Connection) -> list[str]:
    return [
        f"{table} row {rowid} points to a missing {parent}"
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")
    ]
