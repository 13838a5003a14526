"""The ``cspo-viewer`` command: parse arguments, call the layers below, map errors to exit 2.

With no subcommand it opens the main window (``--screenshot`` renders it to a PNG and
exits). Qt is imported only by the commands that draw, so ``list``, ``db`` and ``dump``
start fast and run anywhere.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Sequence

from cspo_viewer import __version__
from cspo_viewer.commands import database, desktop, listing
from cspo_viewer.commands.common import add_db_argument
from cspo_viewer.data.filters import FilterError, add_filter_arguments
from cspo_viewer.data.store import DatabaseError, damaged_message
from cspo_viewer.errors import UserError

COMMAND_MODULES = [listing, database]
"""Each has ``register(subparsers)``; the order is the order in ``--help``."""


def _optional_modules() -> list[object]:
    """Command groups that arrive with later features; absent ones are simply not offered."""
    import importlib

    found = []
    for name in ("export", "interchange", "serve"):
        try:
            found.append(importlib.import_module(f"cspo_viewer.commands.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"cspo_viewer.commands.{name}":
                raise
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cspo-viewer",
        description="Timeline viewer for the Combined Space Operations (CSpO) Initiative.",
        epilog="Run without a command to open the window on the bundled database.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_db_argument(parser)
    desktop.add_arguments(parser)
    window = parser.add_argument_group("window")
    window.add_argument(
        "--screenshot", metavar="FILE.png", help="render the main window to FILE.png and exit"
    )
    window.add_argument("--select", metavar="EVENT_ID", help="select this event")
    window.add_argument(
        "--group-by",
        choices=("kind", "nation", "theme"),
        default=None,
        help="lanes by event kind (default), nation or theme",
    )
    window.add_argument("--size", metavar="WxH", help="window size, e.g. 1600x1000")
    add_filter_arguments(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in [*COMMAND_MODULES, *_optional_modules()]:
        module.register(subparsers)  # type: ignore[attr-defined]
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.install_desktop_entry:
            return desktop.install(args)
        if args.command is None:
            return _run_window(args)
        return int(args.func(args))
    except (UserError, DatabaseError, FilterError) as exc:
        print(f"cspo-viewer: error: {exc}", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as exc:  # a bad page met after the checks on open
        where = getattr(args, "db", None) or "the database"
        print(f"cspo-viewer: error: {damaged_message(where, exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `cspo-viewer list | head`
        return 0
    except KeyboardInterrupt:
        return 130


def _run_window(args: argparse.Namespace) -> int:
    try:
        from cspo_viewer.ui.app import run_window
    except ModuleNotFoundError as exc:
        if exc.name != "cspo_viewer.ui.app":
            raise
        # Until the main window lands, the bare command prints the event list.
        args.json = False
        return listing.run(args)
    return run_window(args)


if __name__ == "__main__":
    raise SystemExit(main())
