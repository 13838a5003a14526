"""The ``cspo-viewer`` command: parse arguments, call the layers below, map errors to exit 2.

With no subcommand it opens the main window (``--screenshot`` renders it to a PNG and
exits). Qt is imported only by the commands that draw, so ``list``, ``db`` and ``dump``
start fast and run anywhere.
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from collections.abc import Sequence

from cspo_viewer import __version__
from cspo_viewer.commands import (
    compare,
    database,
    desktop,
    export,
    history,
    interchange,
    listing,
    serve,
    views,
)
from cspo_viewer.commands.common import add_db_argument, skipped_notes
from cspo_viewer.commands.filter_args import add_filter_arguments
from cspo_viewer.data.db_file import DatabaseError, one_line, sqlite_message
from cspo_viewer.data.filters import FilterError
from cspo_viewer.errors import UserError
from cspo_viewer.model.options import GROUPINGS

log = logging.getLogger("cspo_viewer")

COMMAND_MODULES = [listing, database, compare, history, views, export, interchange, serve]
"""Each has ``register(subparsers)``; the order is the order in ``--help``."""


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
        choices=GROUPINGS,
        default=None,
        help="lanes by event kind (default), nation or theme",
    )
    window.add_argument("--size", metavar="WxH", help="window size, e.g. 1600x1000")
    add_filter_arguments(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    for parent in (parser, *subparsers.choices.values()):
        _add_verbose(parent, suppress=parent is not parser)
    return parser


def _add_verbose(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """``--verbose``, before or after the command name (``suppress``: a command's copy
    does not reset a value given before it)."""
    parser.add_argument(
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="say on stderr what the program does (opening, reading, writing, committing)",
    )


def _start_logging(verbose: bool) -> None:
    """What the program does, through ``logging``, on stderr when ``--verbose`` asks."""
    for old in [h for h in log.handlers if getattr(h, "cspo_cli", False)]:
        log.removeHandler(old)  # main() runs more than once in a process (tests)
    handler = logging.StreamHandler(sys.stderr)
    handler.cspo_cli = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("cspo-viewer: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO if verbose else logging.WARNING)
    log.propagate = False  # the package's own messages; a host application's logging is left alone
    log.info("cspo-viewer %s, Python %s", __version__, sys.version.split()[0])


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _start_logging(args.verbose)
    log.info("command: %s", args.command or "window")
    try:
        try:
            if args.install_desktop_entry:
                return desktop.install(args)
            code = _run_window(args) if args.command is None else int(args.func(args))
            sys.stdout.flush()  # a full disk under stdout is reported here, not at exit
            return code
        finally:
            for note in skipped_notes():
                print(f"cspo-viewer: note: {note}", file=sys.stderr)
    except UserError as exc:
        print(f"cspo-viewer: error: {exc}", file=sys.stderr)
        return 2
    except (DatabaseError, FilterError) as exc:
        print(f"cspo-viewer: error: {one_line(exc)}", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:  # met after the checks on open: a lock, a full disk, a bad page
        where = getattr(args, "db", None) or "the database"
        print(f"cspo-viewer: error: {sqlite_message(where, exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `cspo-viewer list | head`
        _quiet_stdout()
        return 0
    except OSError as exc:  # `list > /dev/full`, a full disk under a file being written
        _quiet_stdout()
        print(f"cspo-viewer: error: {_os_message(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _os_message(exc: OSError) -> str:
    """An operating-system refusal in one sentence, naming the file when one is known."""
    reason = exc.strerror or one_line(exc)
    if exc.filename:
        return f"{exc.filename}: {reason}."
    return f"cannot write the output: {reason}."


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's own flush at exit, failing
    again on a full disk or closed pipe, does not print a second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _run_window(args: argparse.Namespace) -> int:
    """The window's code (and Qt) loads only when the window is asked for."""
    from cspo_viewer.ui.app import run_window

    return run_window(args)


if __name__ == "__main__":
    raise SystemExit(main())
