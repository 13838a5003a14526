"""An import stopped by a file-size limit (``ulimit -f``) leaves the database byte for
byte as it was, with no journal beside it (issue 22, item 2)."""

from __future__ import annotations

import hashlib
import json
import resource
import subprocess
import sys
from pathlib import Path

from tests.interchange_support import fresh_db


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_import_past_the_file_size_limit_leaves_the_file_as_it_was(tmp_path):
    db = fresh_db(tmp_path)
    before, size = digest(db), db.stat().st_size
    events = [
        {
            "date": f"2020-01-{1 + i % 28:02d}",
            "title": f"Event {i} " + "x" * 400,
            "summary": "y" * 800,
            "nations": ["AUS"],
            "sources": [{"title": "S"}],
        }
        for i in range(3000)
    ]
    src = tmp_path / "big.json"
    src.write_text(json.dumps({"events": events}), encoding="utf-8")
    limit = size + 1_000_000  # room for the journal, not for the events

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    run = subprocess.run(
        [sys.executable, "-m", "cspo_viewer", "import", str(src), "--db", str(db)],
        capture_output=True,
        text=True,
        preexec_fn=small_files,
        timeout=300,
    )
    assert run.returncode == 2, run.stderr
    assert "set by ulimit -f" in run.stderr and "nothing was imported" in run.stderr
    assert "Traceback" not in run.stderr
    assert not Path(f"{db}-journal").exists()
    assert (db.stat().st_size, digest(db)) == (size, before)
