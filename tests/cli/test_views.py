"""``cspo-viewer views`` and ``export --saved-view``: a briefing saved once is rebuilt by
name, the command line overriding it option by option; bad names are one sentence and
exit 2 with every file left as it was."""

from __future__ import annotations

import json
import sqlite3

from cspo_viewer.cli import main
from cspo_viewer.data.saved_views import SavedView, save_view
from tests.conftest import sha256

JAPAN = [
    "--nation",
    "Japan",
    "--group-by",
    "nation",
    "--title",
    "Japan & <CSpO>",
    "--marking",
    "OFFICIAL",
    "--size",
    "640x360",
    "--format",
    "svg",
    "--label",
    "2023-12-05-japan-joins",
]
GENERATED = ["--generated", "2025-01-15"]


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def saved(capsys, db, *args: str) -> None:
    code, _, err = cli(capsys, "views", "save", "Japan Q3", "--db", str(db), *JAPAN, *args)
    assert code == 0, err


def test_save_list_show_and_json(db_copy, capsys):
    saved(capsys, db_copy)
    code, out, _ = cli(capsys, "views", "list", "--db", str(db_copy))
    assert code == 0 and out == "Japan Q3\tNations: Japan · Themes: all\n"
    code, out, _ = cli(capsys, "views", "list", "--json", "--db", str(db_copy))
    [listed] = json.loads(out)
    assert listed["name"] == "Japan Q3" and listed["grouping"] == "nation"
    assert listed["pins"] == ["2023-12-05-japan-joins"] and listed["created"].endswith("Z")
    code, out, _ = cli(capsys, "views", "show", "Japan Q3", "--db", str(db_copy))
    shown = dict(line.split(":", 1) for line in out.splitlines())
    assert shown["lanes"].strip() == "by nation" and shown["size"].strip() == "640x360"
    assert shown["labelled"].strip() == "2023-12-05-japan-joins"
    assert "--nation JPN --group-by nation --title 'Japan & <CSpO>'" in shown["as export"]
    code, out, _ = cli(capsys, "views", "show", "Japan Q3", "--json", "--db", str(db_copy))
    data = json.loads(out)
    assert data["filter"]["nations"] == ["JPN"] and data["format"] == "svg"
    assert data["title"] == "Japan & <CSpO>" and data["marking"] == "OFFICIAL"
    conn = sqlite3.connect(db_copy)
    [(name, settings)] = conn.execute("SELECT name, settings FROM views").fetchall()
    conn.close()
    assert name == "Japan Q3" and json.loads(settings)["size"] == [640, 360]


def test_export_saved_view_draws_the_same_file_as_the_full_command(qapp, db_copy, tmp_path, capsys):
    saved(capsys, db_copy)
    by_name, in_full = tmp_path / "by-name.svg", tmp_path / "in-full.svg"
    db = ["--db", str(db_copy)]
    code, out, err = cli(
        capsys, "export", *db, "--saved-view", "Japan Q3", "--out", str(by_name), *GENERATED
    )
    assert code == 0, err
    assert out.strip() == f"wrote {by_name} (640x360, 6 events)"
    words = [
        "--nation", "Japan", "--group-by", "nation", "--title", "Japan & <CSpO>",
        "--marking", "OFFICIAL", "--width", "640", "--height", "360",
        "--label", "2023-12-05-japan-joins",
    ]  # fmt: skip
    code, _, err = cli(capsys, "export", *db, *words, "--out", str(in_full), *GENERATED)
    assert code == 0, err
    assert by_name.read_text() == in_full.read_text()
    assert "Japan &amp; &lt;CSpO&gt;" in by_name.read_text()


def test_options_given_override_the_saved_ones_one_by_one(qapp, db_copy, tmp_path, capsys):
    saved(capsys, db_copy)
    target = tmp_path / "override.svg"
    code, out, err = cli(
        capsys,
        "export",
        "--db",
        str(db_copy),
        "--saved-view",
        "Japan Q3",
        "--marking",
        "SECRET",
        "--width",
        "800",
        "--from",
        "2024",
        "--out",
        str(target),
        *GENERATED,
    )
    assert code == 0, err
    text = target.read_text()
    assert "SECRET" in text and "OFFICIAL" not in text
    assert "Japan &amp; &lt;CSpO&gt;" in text  # the saved title stays
    # Japan's 2024 events only (the saved nation, the typed start), 800 wide, saved height.
    assert out.strip() == f"wrote {target} (800x360, 4 events)"


def test_without_out_the_file_is_named_after_the_view(qapp, db_copy, tmp_path, capsys, monkeypatch):
    saved(capsys, db_copy)
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "export", "--db", str(db_copy), "--saved-view", "Japan Q3")
    assert code == 0, err
    assert out.startswith("wrote Japan-Q3.svg (640x360")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Japan-Q3.svg", db_copy.name]


def test_a_saved_range_of_dates_is_the_exported_range(qapp, db_copy, tmp_path, capsys):
    view = SavedView("Last year", date_range=("2024-01-01", "2024-12-31"), size=(640, 360))
    save_view(db_copy, view)
    target = tmp_path / "range.svg"
    code, out, err = cli(
        capsys, "export", "--db", str(db_copy), "--saved-view", "Last year", "--out", str(target)
    )
    assert code == 0, err
    assert "Combined Space Operations Initiative, 2024" in target.read_text()
    # As many events as `list --from 2024 --to 2024` names (counted in the record).
    listed = cli(capsys, "list", "--db", str(db_copy), "--from", "2024", "--to", "2024", "--json")
    in_2024 = len(json.loads(listed[1]))
    assert in_2024 > 0
    assert out.strip() == f"wrote {target} (640x360, {in_2024} events)"


def test_unknown_names_are_one_sentence_listing_the_saved_ones(db_copy, tmp_path, capsys):
    saved(capsys, db_copy)
    before = sha256(db_copy)
    for args in (
        ["export", "--saved-view", "Norway", "--out", str(tmp_path / "x.png")],
        ["views", "show", "Norway"],
        ["views", "delete", "Norway"],
        ["views", "rename", "Norway", "Sweden"],
    ):
        code, out, err = cli(capsys, *args, "--db", str(db_copy))
        assert code == 2 and out == ""
        assert err == (
            "cspo-viewer: error: no saved view named 'Norway'; the saved views are 'Japan Q3'\n"
        )
    assert list(tmp_path.iterdir()) == [db_copy] and sha256(db_copy) == before


def test_rename_delete_and_replace(db_copy, capsys):
    saved(capsys, db_copy)
    code, _, err = cli(capsys, "views", "save", "Japan Q3", "--db", str(db_copy))
    assert code == 2 and "'Japan Q3' already exists; nothing was saved" in err
    code, out, _ = cli(capsys, "views", "save", "Japan Q3", "--force", "--db", str(db_copy))
    assert code == 0 and out.startswith("replaced view 'Japan Q3'")
    assert cli(capsys, "views", "rename", "Japan Q3", "Japan Q4", "--db", str(db_copy))[0] == 0
    code, out, _ = cli(capsys, "views", "list", "--db", str(db_copy))
    assert out == "Japan Q4\tNations: all · Themes: all\n"
    assert cli(capsys, "views", "delete", "Japan Q4", "--db", str(db_copy))[0] == 0
    code, out, err = cli(capsys, "views", "list", "--db", str(db_copy))
    assert (code, out) == (0, "") and "no saved views" in err


def test_the_bundled_record_and_bad_values_are_refused(bundled_db, db_copy, capsys):
    before = sha256(bundled_db)
    code, _, err = cli(capsys, "views", "save", "Mine")
    assert code == 2 and "bundled" in err and sha256(bundled_db) == before
    copy_before = sha256(db_copy)
    for args, problem in (
        (["--size", "big"], "invalid --size 'big'; use WIDTHxHEIGHT"),
        (["--size", "100x100"], "the width 100 px is out of range"),
        (["--label", "no-such-event"], "--label 'no-such-event': no event with that id"),
        (["--nation", "Atlantis"], "unknown nation 'Atlantis'"),
        (["--group-by", "year"], "unknown grouping 'year'; use kind, nation or theme"),
        (["--format", "gif"], "unknown --format 'gif'; use one of png, svg, pdf, pptx"),
    ):
        code, _, err = cli(capsys, "views", "save", "Mine", "--db", str(db_copy), *args)
        assert code == 2 and problem in err and len(err.splitlines()) == 1
    assert sha256(db_copy) == copy_before


def test_export_without_out_or_view_says_what_it_needs(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, "export", "--nation", "Japan")
    assert code == 2
    assert err == "cspo-viewer: error: export needs --out FILE (or --saved-view NAME)\n"
    assert list(tmp_path.iterdir()) == []


def test_registering_saved_views_loads_neither_the_export_nor_the_write_path():
    """Every command parses with ``views`` and ``--saved-view`` registered: ``list`` must
    still start without numpy, the export's drawing code or the editing code."""
    import subprocess
    import sys

    code = (
        "import sys, cspo_viewer.cli as c; c.build_parser(); "
        "print(sorted(m for m in ('numpy', 'cspo_viewer.export', 'cspo_viewer.data.edits',"
        " 'cspo_viewer.data.saved_views') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
