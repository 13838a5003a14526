"""Refusals that name what is wrong and give advice that works (issue 22, items 3, 4, 7)."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from cspo_viewer.cli import main
from tests.interchange_support import fresh_db


def one_json_event(folder: Path, **fields) -> Path:
    event = {"date": "2020-01-01", "title": "T", "nations": ["AUS"], "sources": [{"title": "S"}]}
    path = folder / "one.json"
    path.write_text(json.dumps({"events": [{**event, **fields}]}), encoding="utf-8")
    return path


def test_a_trigger_calling_load_extension_is_named_with_the_real_reason(tmp_path, capsys):
    db = fresh_db(tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TRIGGER sideload AFTER INSERT ON events"
            " BEGIN SELECT load_extension('/tmp/nothing.so'); END"
        )
    before = db.read_bytes()
    assert main(["import", str(one_json_event(tmp_path)), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "(sideload)" in err and "load_extension()" in err
    assert "full-text index" not in err
    assert "nothing was loaded" in err and "nothing was imported" in err
    assert db.read_bytes() == before


def test_an_empty_file_is_told_what_to_do_that_works(tmp_path, capsys):
    empty = tmp_path / "x.db"
    empty.touch()
    assert main(["list", "--db", str(empty)]) == 2
    err = capsys.readouterr().err
    assert "is empty" in err and "remove the empty file, then create one" in err
    empty.unlink()  # the advice, followed
    assert main(["db", "init", "--db", str(empty)]) == 0


def test_a_fifo_is_called_a_named_pipe(tmp_path, capsys):
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    assert main(["list", "--db", str(fifo)]) == 2
    err = capsys.readouterr().err
    assert "is a named pipe (FIFO), not a database file" in err
    assert "empty" not in err and "db init" not in err


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_is_called_a_device(device, capsys):
    assert main(["list", "--db", device]) == 2
    err = capsys.readouterr().err
    assert f"{device} is a device, not a database file" in err
    assert "empty" not in err and "db init" not in err


def test_a_five_thousand_digit_number_is_named_without_python_advice(tmp_path, capsys):
    db = fresh_db(tmp_path)
    src = tmp_path / "long.json"
    src.write_text(
        '{"events": [\n{"date": "2020-01-01", "title": "T", "nations": ["AUS"],'
        ' "sources": [{"title": "S"}], "extra": ' + "9" * 5000 + "}]}",
        encoding="utf-8",
    )
    assert main(["import", str(src), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "a number of 5,000 digits on line 2" in err
    assert "sys." not in err and "set_int_max_str_digits" not in err


def test_a_lone_surrogate_is_not_called_a_control_character(tmp_path, capsys):
    db = fresh_db(tmp_path)
    src = tmp_path / "half.json"
    src.write_text(
        '{"events": [{"date": "2020-01-01", "title": "T\\ud800x", "nations": ["AUS"],'
        ' "sources": [{"title": "S", "publisher": "P\\udc00"}]}]}',
        encoding="utf-8",
    )
    assert main(["import", str(src), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "events[0].title: contains U+D800, half of a surrogate pair" in err
    assert "control character" not in err
