"""Start the window: check the platform, open the database, apply arguments, run or shoot.

Qt aborts the whole process when its xcb platform plugin lacks system libraries, with a
message few analysts can act on. We look for those libraries first and print the one
``apt-get install`` line that fixes it. ``--screenshot`` renders the window to a PNG and
exits; it needs no display (it falls back to the offscreen platform).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cspo_viewer.commands.common import open_from_args
from cspo_viewer.data.db_file import DatabaseError
from cspo_viewer.data.store import Store, open_store
from cspo_viewer.errors import UserError

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-image": "libxcb-image0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-shape": "libxcb-shape0",
    "xcb-xinerama": "libxcb-xinerama0",
    "xcb-xkb": "libxcb-xkb1",
    "EGL": "libegl1",
    "fontconfig": "libfontconfig1",
}
SETTINGS_ENV = "CSPO_VIEWER_SETTINGS"
"""Path of an ini file to use for remembered state instead of the user's (tests, kiosks)."""


def missing_xcb_packages() -> list[str]:
    """Debian packages whose libraries Qt's xcb plugin needs but the system lacks."""
    import ctypes.util  # ~6 ms; only an X11 launch asks (not --screenshot, not offscreen)

    return [pkg for lib, pkg in XCB_LIBRARIES.items() if ctypes.util.find_library(lib) is None]


def choose_platform(screenshot: bool) -> None:
    """Pick a Qt platform that will start, or raise ``UserError`` saying what to install."""
    if os.environ.get("QT_QPA_PLATFORM") or sys.platform != "linux":
        return
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if screenshot and not has_display:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return
    if not has_display:
        raise UserError(
            "no display found (DISPLAY is not set). Run it in a desktop session, or use "
            "--screenshot FILE.png or `cspo-viewer export` without a display."
        )
    if os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("DISPLAY"):
        return
    missing = missing_xcb_packages()
    if missing:
        if screenshot:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
            return
        raise UserError(
            "Qt's X11 (xcb) platform needs system libraries that are missing. Install them "
            f"with:\n    sudo apt-get install -y {' '.join(missing)}\n"
            "(or use --screenshot / `cspo-viewer export`, which need no display)."
        )


def parse_size(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UserError(f"invalid --size {text!r}; use WIDTHxHEIGHT, e.g. 1600x1000") from None
    if not (320 <= w <= 10000 and 240 <= h <= 10000):
        raise UserError(f"--size {text} is out of range (320x240 to 10000x10000)")
    return w, h


def _filter_given(args: argparse.Namespace) -> bool:
    return any(
        getattr(args, name, None)
        for name in ("nation", "theme", "kind", "date_from", "date_to", "search")
    ) or any(getattr(args, name, "any") != "any" for name in ("match_nations", "match_themes"))


def run_window(args: argparse.Namespace) -> int:
    """Open the main window on ``--db`` (or the bundled database) in the state asked for."""
    from cspo_viewer.commands.filter_args import filter_from_args
    from cspo_viewer.data.table import read_in_background

    size = parse_size(getattr(args, "size", None))
    screenshot = getattr(args, "screenshot", None)
    if screenshot and not str(screenshot).lower().endswith(".png"):
        raise UserError(f"--screenshot needs a .png file name, not {screenshot!r}")
    store = open_from_args(args)  # a bad database is reported before Qt starts
    filter_from_args(args, store.vocabulary)  # so is a bad filter
    read_in_background(store)  # SQLite reads the events while Qt loads and builds
    choose_platform(bool(screenshot))

    import PySide6  # noqa: F401 - PySide6 before pyqtgraph (pyqtgraph #1614)
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from cspo_viewer import DESKTOP_ID
    from cspo_viewer.ui.controller import Controller
    from cspo_viewer.ui.main_window import MainWindow

    _quiet_offscreen_warnings()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("cspo-viewer")
    app.setOrganizationName("cspo-viewer")
    # Taskbars group the window under the menu entry (a static of QGuiApplication).
    QApplication.setDesktopFileName(DESKTOP_ID)
    settings_file = os.environ.get(SETTINGS_ENV)
    settings = (
        QSettings(settings_file, QSettings.Format.IniFormat) if settings_file else QSettings()
    )
    reopen_note = None
    if not screenshot and getattr(args, "db", None) is None:
        store, reopen_note = _reopen_last(store, settings)
    flt = filter_from_args(args, store.vocabulary)
    select = getattr(args, "select", None)
    if select and store.event_detail(select) is None:
        raise UserError(f"no event with id {select!r} (see `cspo-viewer list --json` for ids)")
    controller = Controller(store)
    # A screenshot shows exactly what the arguments say, never remembered state.
    window = MainWindow(controller, settings, remember=not screenshot)
    note = store.skipped_note() or reopen_note
    if note:  # rows of a foreign-written database left out: say so where a person looks
        controller.message.emit(note)
    if getattr(args, "group_by", None):
        controller.set_grouping(args.group_by)
    if not flt.is_empty or _filter_given(args):
        controller.set_filter(flt)
    if size:
        window.resize(*size)
    if select:
        controller.select(select)
    if screenshot:
        return _screenshot(app, window, Path(screenshot), size)
    window.show()
    return int(app.exec())


def _reopen_last(store: Store, settings: QSettings) -> tuple[Store, str | None]:
    """The database the window had open last (the analyst's own record), in place of
    the bundled one; one that cannot be opened any more leaves the bundled one open and
    says why."""
    from cspo_viewer.ui.edit_actions import last_database

    last = last_database(settings)
    if last is None or last.resolve() == store.path.resolve():
        return store, None
    try:
        reopened = open_store(last)
    except DatabaseError as exc:
        return store, f"Could not reopen {last}: {exc}"
    store.close()
    return reopened, None


def _quiet_offscreen_warnings() -> None:
    """The offscreen platform warns that it cannot propagate size hints on every shown
    window; that says nothing to a user making a screenshot, so drop just that line."""
    from PySide6.QtCore import qInstallMessageHandler

    previous = None

    def handler(mode, context, message):
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(handler)


def _screenshot(app, window, target: Path, size: tuple[int, int] | None) -> int:
    """Render the whole window to ``target``, whole or not at all (``file_output``)."""
    from cspo_viewer.data.file_output import check_folder, output_error, write_bytes
    from cspo_viewer.export.picture import png_bytes

    if target.is_dir():
        raise UserError(f"cannot write {target}: it is a folder")
    check_folder(target)
    window.show()
    if size:
        window.resize(*size)
    for _ in range(5):
        app.processEvents()
    pixmap = window.grab()
    # Encoded in memory, as every PNG we write (the export's zlib level: Qt's default
    # level took longer than the rest of the screenshot), and written by us: a full disk
    # is then one sentence, where Qt's PNG writer printed its own "libpng error" first.
    encoded = png_bytes(pixmap.toImage())
    try:
        write_bytes(target, encoded)
    except OSError as exc:
        raise output_error(target, exc) from None
    window.close()
    print(f"wrote {target} ({pixmap.width()}x{pixmap.height()})")
    return 0
