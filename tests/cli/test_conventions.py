"""Command-line conventions (issue 22, item 12): --verbose logs through logging what the
program does, and --theme's help lists the values it takes."""

from __future__ import annotations

import json

import pytest

from cspo_viewer import paths
from cspo_viewer.cli import main
from cspo_viewer.data.schema import SCHEMA_VERSION
from tests.interchange_support import fresh_db


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_says_what_an_import_does(tmp_path, capsys, where):
    db = fresh_db(tmp_path)
    src = tmp_path / "one.json"
    event = {"date": "2020-01-01", "title": "T", "nations": ["AUS"], "sources": [{"title": "S"}]}
    src.write_text(json.dumps({"events": [event]}), encoding="utf-8")
    args = ["import", str(src), "--db", str(db)]
    assert main(["--verbose", *args] if where == "before" else [*args, "--verbose"]) == 0
    err = capsys.readouterr().err
    for step in (
        "cspo-viewer: command: import",
        f"cspo-viewer: reading {src} as json",
        f"cspo-viewer: opened {db} (schema v{SCHEMA_VERSION}, writable)",
        "cspo-viewer: compared: 1 to add, 0 to change",
        "cspo-viewer: writing into",
        "cspo-viewer: committed: 1 added, 0 changed",
    ):
        assert step in err, step


def test_without_verbose_nothing_is_logged(capsys):
    assert main(["list", "--nation", "Japan"]) == 0
    err = capsys.readouterr().err
    assert "opened" not in err and "command:" not in err


def test_theme_help_lists_the_valid_values(capsys):
    with pytest.raises(SystemExit):
        main(["list", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    themes = json.loads((paths.data_src_dir() / "themes.json").read_text(encoding="utf-8"))
    assert len(themes) == 10
    for theme in themes:
        assert theme["id"] in out, theme["id"]
