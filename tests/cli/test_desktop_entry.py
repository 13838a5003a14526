"""The Linux desktop entry and the one product name: menu entry, icon, window, About."""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cspo_viewer import DESKTOP_ID, PRODUCT_NAME, paths
from cspo_viewer.cli import main
from tests.conftest import REPO


def read_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def install(tmp_path: Path, monkeypatch, capsys) -> tuple[Path, Path]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    assert main(["--install-desktop-entry"]) == 0
    entry = tmp_path / "share" / "applications" / f"{DESKTOP_ID}.desktop"
    icon = tmp_path / "share" / "icons" / "hicolor" / "scalable" / "apps" / f"{DESKTOP_ID}.svg"
    out = capsys.readouterr().out
    assert out == f"installed {entry}\ninstalled {icon}\n"
    return entry, icon


def test_install_writes_the_entry_and_icon_under_xdg_data_home(tmp_path, monkeypatch, capsys):
    entry, icon = install(tmp_path, monkeypatch, capsys)
    fields = read_entry(entry)
    assert fields["Type"] == "Application"
    assert fields["Name"] == PRODUCT_NAME == "CSpO Viewer"
    assert fields["Icon"] == DESKTOP_ID and fields["StartupWMClass"] == DESKTOP_ID
    assert fields["Terminal"] == "false"
    assert "Combined Space Operations" in fields["Comment"]
    assert fields["Categories"].split(";")[:2] == ["Office", "Viewer"]
    python = os.path.abspath(sys.executable)
    assert shlex.split(fields["Exec"]) == [python, "-m", "cspo_viewer", "--desktop-open", "%f"]
    assert fields["TryExec"] == python
    assert "application/vnd.sqlite3" in fields["MimeType"].split(";")
    assert icon.read_bytes() == (paths.resources_dir() / "icons" / "cspo-viewer.svg").read_bytes()
    assert oct(entry.stat().st_mode & 0o777) != "0o600"  # readable like any other entry
    # installing again replaces the files with the same content
    before = entry.read_bytes()
    install(tmp_path, monkeypatch, capsys)
    assert entry.read_bytes() == before


def test_the_installed_entry_runs_the_program(tmp_path, monkeypatch, capsys):
    entry, _ = install(tmp_path, monkeypatch, capsys)
    command = shlex.split(read_entry(entry)["Exec"])
    # %f is the file the desktop was asked to open (issue 22): here, a .db of one's own
    mine = tmp_path / "mine.db"
    mine.write_bytes(paths.bundled_db_path().read_bytes())
    opened = [str(mine) if arg == "%f" else arg for arg in command]
    result = subprocess.run(
        [*opened, "list", "--nation", "Japan"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Japan" in result.stdout


def test_the_entry_started_without_a_file_opens_the_bundled_database(tmp_path, monkeypatch, capsys):
    entry, _ = install(tmp_path, monkeypatch, capsys)
    command = [a for a in shlex.split(read_entry(entry)["Exec"]) if a != "%f"]  # as the spec says
    shot = tmp_path / "shot.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [*command, "--screenshot", str(shot), "--size", "800x600"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert shot.stat().st_size > 0


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
def test_entries_pass_desktop_file_validate(tmp_path, monkeypatch, capsys):
    entry, _ = install(tmp_path, monkeypatch, capsys)
    shipped = REPO / "resources" / "desktop" / f"{DESKTOP_ID}.desktop"
    for path in (entry, shipped):
        result = subprocess.run(
            ["desktop-file-validate", str(path)], capture_output=True, text=True, timeout=30
        )
        assert result.returncode == 0 and result.stdout == "", result.stdout


def test_quoting_of_an_interpreter_path_with_spaces():
    from cspo_viewer.commands.desktop import desktop_entry

    fields = {
        k: v
        for k, _, v in (
            line.partition("=") for line in desktop_entry("/opt/my apps/bin/python").splitlines()
        )
    }
    assert fields["Exec"] == '"/opt/my apps/bin/python" -m cspo_viewer --desktop-open %f'


def test_an_unwritable_data_home_is_one_sentence(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    assert main(["--install-desktop-entry"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write the desktop entry to" in err


def test_window_title_about_and_desktop_file_name_use_the_product_name(qtbot, tmp_path):
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QMessageBox

    out = tmp_path / "shot.png"
    assert main(["--screenshot", str(out), "--size", "800x600"]) == 0
    assert QGuiApplication.desktopFileName() == DESKTOP_ID
    from PySide6.QtCore import QSettings

    from cspo_viewer.data.store import open_store
    from cspo_viewer.ui.controller import Controller
    from cspo_viewer.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Controller(open_store(paths.bundled_db_path())), settings, remember=False)
    qtbot.addWidget(window)
    assert window.windowTitle().startswith(f"{PRODUCT_NAME} — ")
    shown = []
    original = QMessageBox.about
    QMessageBox.about = staticmethod(lambda parent, title, text: shown.append((title, text)))
    try:
        [about] = [
            a
            for menu in window.menuBar().actions()
            for a in menu.menu().actions()
            if a.text().replace("&", "") == f"About {PRODUCT_NAME}"
        ]
        about.trigger()
    finally:
        QMessageBox.about = original
    [(title, text)] = shown
    assert title == f"About {PRODUCT_NAME}" and text.startswith(f"<b>{PRODUCT_NAME}</b>")


def test_readme_and_entry_name_the_product_the_same_way():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# {PRODUCT_NAME}\n")
    assert "CSpO Timeline" not in readme
    shipped = read_entry(REPO / "resources" / "desktop" / f"{DESKTOP_ID}.desktop")
    assert shipped["Name"] == PRODUCT_NAME
