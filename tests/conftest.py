"""Shared fixtures. Qt runs offscreen in tests: no display in CI (set before Qt loads)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import pytest

from cspo_viewer import paths
from tests.paths import REPO

SHARED = REPO.parent / "shared"


@pytest.fixture(autouse=True)
def no_unexpected_modal_dialogs(monkeypatch):
    """A message box nobody answers would hang the run until CI's time limit; fail fast.
    Tests that expect one patch these again with their own recorder."""
    import sys

    widgets = sys.modules.get("PySide6.QtWidgets")
    if widgets is None:
        return

    def refuse(*args, **kwargs):
        raise AssertionError(f"unexpected modal dialog: {args[1:3]}")

    for name in ("warning", "critical", "information", "question", "about"):
        monkeypatch.setattr(widgets.QMessageBox, name, refuse)


@pytest.fixture(scope="session")
def bundled_db() -> Path:
    return paths.bundled_db_path()


@pytest.fixture
def db_copy(tmp_path: Path, bundled_db: Path) -> Path:
    """A writable copy of the bundled database."""
    target = tmp_path / "copy.db"
    shutil.copyfile(bundled_db, target)
    return target


@pytest.fixture
def store(bundled_db: Path):
    from cspo_viewer.data.store import open_store

    with open_store(bundled_db) as s:
        yield s


@pytest.fixture
def controller(bundled_db: Path):
    """The window's state object over the bundled database (imports Qt on first use)."""
    from cspo_viewer.data.store import open_store
    from cspo_viewer.ui.controller import Controller

    c = Controller(open_store(bundled_db))
    yield c
    c.store.close()


@pytest.fixture
def panel(qtbot, controller):
    """The filter panel on its own, bound to ``controller``."""
    from cspo_viewer.ui.filter_panel import FilterPanel

    p = FilterPanel()
    qtbot.addWidget(p)
    p.bind(controller)
    return p


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


FRESH_SETTINGS = "fresh"
"""``open_window(settings=FRESH_SETTINGS)``: an empty ini file of the test's own."""


@pytest.fixture
def open_window(qtbot, tmp_path: Path):
    """Opens main windows as the program does, on any database; what differs between test
    files (size, settings, whether it is shown, remembering) is a parameter. Every window
    opened is closed, with its database, when the test ends.

    ``settings``: ``FRESH_SETTINGS``, ``None`` (none at all), a path to an ini file, or a
    ``QSettings``. ``size``: ``None`` keeps Qt's default size."""
    from PySide6.QtCore import QSettings

    from cspo_viewer.data.store import open_store
    from cspo_viewer.ui.controller import Controller
    from cspo_viewer.ui.main_window import MainWindow

    opened: list[MainWindow] = []

    def open_(
        db: Path,
        *,
        size: tuple[int, int] | None = (1600, 1000),
        settings: object = FRESH_SETTINGS,
        show: bool = True,
        remember: bool = False,
    ) -> MainWindow:
        if settings == FRESH_SETTINGS:
            settings = tmp_path / "settings.ini"
        if isinstance(settings, (str, Path)):
            settings = QSettings(str(settings), QSettings.Format.IniFormat)
        window = MainWindow(Controller(open_store(db)), settings, remember=remember)
        qtbot.addWidget(window)
        opened.append(window)
        if size is not None:
            window.resize(*size)
        if show:
            window.show()
            qtbot.waitExposed(window)
            window.timeline.repaint()
        return window

    yield open_
    for window in opened:
        window.close()
        window.controller.store.close()


@pytest.fixture
def window(open_window, bundled_db: Path):
    """The main window on the bundled database, shown at 1600x1000 with fresh settings."""
    return open_window(bundled_db)
