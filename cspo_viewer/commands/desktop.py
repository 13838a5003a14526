"""``cspo-viewer --install-desktop-entry``: a menu entry and icon for Linux desktops.

pip installs no menu entries, so this writes the shipped ``cspo-viewer.desktop`` to
``$XDG_DATA_HOME/applications`` and the icon to the hicolor theme under
``$XDG_DATA_HOME/icons`` (``~/.local/share`` when unset), as the XDG specifications say.
``Exec`` runs this very interpreter (``python -m cspo_viewer``), so the entry works for a
virtual environment that is not on the desktop's ``PATH``, and opens a ``.db`` file the
desktop gives it (``%f``; ``MimeType=application/vnd.sqlite3``). The window sets the same
desktop file name (``QGuiApplication.setDesktopFileName``), which is how the taskbar
groups its windows under this entry.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cspo_viewer import DESKTOP_ID, PRODUCT_NAME, paths
from cspo_viewer.data.file_output import write_bytes
from cspo_viewer.errors import UserError

OPEN_OPTION = "--desktop-open"
"""What the entry's ``Exec`` puts before ``%f``: the desktop removes ``%f`` when no file
was given, and an option that may stand alone then opens the bundled database, where
``--db`` alone would be an error."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help=f"add {PRODUCT_NAME} to your desktop's application menu ($XDG_DATA_HOME) and exit",
    )
    parser.add_argument(  # --db for the desktop entry: a .db file opened from the desktop
        OPEN_OPTION, dest="db", nargs="?", type=Path, const=None, help=argparse.SUPPRESS
    )


def data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME", "")
    # The spec: a relative value is invalid and is ignored.
    if value and Path(value).is_absolute():
        return Path(value)
    return Path.home() / ".local" / "share"


def _exec_quote(arg: str) -> str:
    """One argument of an ``Exec`` line, quoted as the Desktop Entry spec asks."""
    arg = arg.replace("%", "%%")
    if arg and not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`"):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    # The string escape (a backslash doubled) applies on top of the Exec quoting.
    return f'"{escaped}"'.replace("\\", "\\\\")


def desktop_entry(python: str) -> str:
    """The shipped entry with ``Exec``/``TryExec`` pointing at ``python -m cspo_viewer``."""
    template = (paths.resources_dir() / "desktop" / f"{DESKTOP_ID}.desktop").read_text("utf-8")
    lines = []
    for line in template.splitlines():
        if line.startswith("Exec="):
            program = " ".join(_exec_quote(a) for a in (python, "-m", "cspo_viewer"))
            line = f"Exec={program} {OPEN_OPTION} %f"  # a .db file given by the desktop
        elif line.startswith("TryExec="):
            line = f"TryExec={python}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def install(args: argparse.Namespace) -> int:
    home = data_home()
    entry = home / "applications" / f"{DESKTOP_ID}.desktop"
    icon = home / "icons" / "hicolor" / "scalable" / "apps" / f"{DESKTOP_ID}.svg"
    svg = (paths.resources_dir() / "icons" / f"{DESKTOP_ID}.svg").read_bytes()
    try:
        for target, data in (
            (icon, svg),
            (entry, desktop_entry(os.path.abspath(sys.executable)).encode("utf-8")),
        ):
            target.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(target, data)
    except OSError as exc:
        where = exc.filename or home
        raise UserError(f"cannot write the desktop entry to {where} ({exc.strerror})") from None
    print(f"installed {entry}")
    print(f"installed {icon}")
    return 0
