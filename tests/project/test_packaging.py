"""Packaging promises: a LICENSE, true metadata, dump and db build never overwrite by surprise."""

from __future__ import annotations

import shutil
import sys
import tomllib

from cspo_viewer import paths
from cspo_viewer.cli import main
from tests.conftest import REPO, sha256


def test_license_file_is_the_mit_license_the_metadata_declares():
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["license"] == {"text": "MIT"}
    assert "License :: OSI Approved :: MIT License" in project["classifiers"]
    text = (REPO / "LICENSE").read_text("utf-8")
    assert text.startswith("MIT License\n") and "Permission is hereby granted" in text


def test_dump_refuses_an_existing_file_without_force(tmp_path, capsys):
    out = tmp_path / "all.json"
    out.write_text("my notes\n")
    assert main(["dump", "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"cspo-viewer: error: {out} already exists; use --force to overwrite it\n"
    )
    assert out.read_text() == "my notes\n"
    assert main(["dump", "--out", str(out), "--force"]) == 0
    assert out.read_text().startswith('{"format": "cspo-viewer/events"')


def test_db_build_in_an_installed_copy_refuses_to_rewrite_the_package(
    tmp_path, monkeypatch, capsys
):
    installed = tmp_path / "site-packages" / "cspo_viewer" / "_bundled"
    shutil.copytree(REPO / "db", installed / "db")
    monkeypatch.setattr(paths, "_BUNDLED", installed)
    assert paths.is_installed_package()
    before = sha256(installed / "db" / "cspo.db")
    assert main(["db", "build"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "write your own: cspo-viewer db build --out cspo.db" in err
    assert sha256(installed / "db" / "cspo.db") == before
    monkeypatch.chdir(tmp_path)
    assert main(["db", "build", "--out", "cspo.db"]) == 0
    assert (tmp_path / "cspo.db").stat().st_size > 0


def test_a_source_checkout_is_not_an_installed_package():
    assert not paths.is_installed_package()


def test_without_datasette_one_sentence_names_the_install_line(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "datasette", None)
    monkeypatch.setitem(sys.modules, "datasette.app", None)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "cspo-viewer: error: cspo-viewer serve needs Datasette, which is not installed; "
        "run: pip install 'cspo-viewer[serve]'\n"
    )
