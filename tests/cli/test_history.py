"""`cspo-viewer history`: the recorded changes, newest first, for people and for scripts."""

from __future__ import annotations

import json

from cspo_viewer.cli import main
from cspo_viewer.data.interchange import ImportOptions, import_file
from tests.interchange_support import FIXTURES


def test_history_lists_an_import_newest_first_and_as_json(db_copy, capsys):
    import_file(db_copy, FIXTURES / "interchange" / "valid.json", ImportOptions())
    assert main(["history", "--db", str(db_copy)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(" imported " in line and "from valid.json" in line for line in lines)
    assert main(["history", "--db", str(db_copy), "--json"]) == 0
    changes = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in changes] == sorted((c["id"] for c in changes), reverse=True)
    first = changes[-1]
    assert first["action"] == "import" and first["origin"] == "valid.json"
    assert first["before"] is None and first["after"]["id"] == first["event_id"]
    assert first["at"].endswith("Z")


def test_history_of_one_event_and_of_an_unknown_one(db_copy, capsys):
    assert main(["history", "2024-12-06-florence-joint-statement", "--db", str(db_copy)]) == 0
    assert capsys.readouterr().out == "no changes recorded\n"
    assert main(["history", "no-such-event", "--db", str(db_copy)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no event with id 'no-such-event'" in err


def test_history_of_an_older_file_read_as_it_is(tmp_path, bundled_db, capsys):
    from tests.data.test_migrate import make_v2

    v2 = make_v2(bundled_db, tmp_path / "old.db")
    assert main(["history", "--db", str(v2)]) == 0
    assert capsys.readouterr().out == "no changes recorded\n"


def test_a_change_row_another_program_wrote_badly_is_listed_not_fatal(db_copy, capsys):
    import sqlite3

    conn = sqlite3.connect(db_copy)
    with conn:
        conn.execute(
            "INSERT INTO changes (at, who, action, event_id, before, after, origin)"
            " VALUES ('2026-01-01T00:00:00Z', 'x', 'edit', 'e1', '{not json', 42, 'window')"
        )
    conn.close()
    assert main(["history", "--db", str(db_copy)]) == 0
    assert "edited" in capsys.readouterr().out
    assert main(["history", "--db", str(db_copy), "--json"]) == 0
    [change] = json.loads(capsys.readouterr().out)
    assert change["before"] == {"unreadable": "{not json"}


def test_history_lines_carry_no_terminal_controls(db_copy, capsys):
    """The form refuses control characters; another program's row may still hold them."""
    import sqlite3

    hostile = "Evil\x1b]0;pwned\x07 title\nsecond line \u202egnp.exe"
    conn = sqlite3.connect(db_copy)
    with conn:
        conn.execute(
            "INSERT INTO changes (at, who, action, event_id, before, after, origin)"
            " VALUES ('2026-01-01T00:00:00Z', 'x', 'add', 'e1', NULL, ?, 'window')",
            [json.dumps({"title": hostile})],
        )
    conn.close()
    assert main(["history", "--db", str(db_copy)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "[U+202E]" in out
    assert len(out.splitlines()) == 1
