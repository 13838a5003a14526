"""``cspo-viewer import`` and ``cspo-viewer dump``: move events in and out of a database."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from cspo_viewer.commands.common import add_db_argument, db_path, open_from_args
from cspo_viewer.commands.filter_args import add_filter_arguments, filter_from_args
from cspo_viewer.data.file_output import check_folder, open_replacing, output_error
from cspo_viewer.data.interchange_choices import FORMATS, ON_CONFLICT, SHEETS_CANNOT_CARRY
from cspo_viewer.errors import UserError

if TYPE_CHECKING:
    from cspo_viewer.data.interchange import ImportReport, Progress

# The readers, the validator and the writers (``data.interchange``) load when ``import``
# or ``dump`` runs: registering these commands needs only their choices, and every other
# command (and the window, through ``cli``) would otherwise load them at start.

IMPORT_EPILOG = """\
All or nothing: every event is checked first, and if any is rejected nothing is written
and the exit code is 2, with each problem listed by CSV row (the header is row 1) or JSON
path. Events already in the database with the same content are left alone, so importing
a file twice adds nothing. An event whose id exists with different content is kept as it
is (skip, the default), overwritten (replace) or counts as a problem (fail). The events
are written into the database itself in one SQLite transaction; a database another
program is writing is waited for 5 seconds, then refused (exit 2: try again).

Formats are recognised by content: our JSON (as written by dump or list --json), CSV with
a header row (date, title, kind, nations and themes separated by ';', summary,
source_title, source_url, ...), Knight Lab TimelineJS JSON, and TimelineJS's Google
Sheets template saved as CSV (Year, Month, Day, Headline, Text, Group, Type, ...). FILE -
reads standard input. JSON files are read whole
and may be at most 64 MiB; CSV has no such limit. Events of a file that
names no sources (TimelineJS never does) cite the file itself as their source.
"""


def register(subparsers: Any) -> None:
    imp = subparsers.add_parser(
        "import",
        help="add events from a JSON, CSV or TimelineJS file (all or nothing)",
        description="Check every event of FILE and add them to the database, all or nothing.",
        epilog=IMPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp.add_argument(
        "file", type=Path, metavar="FILE", help="the file to import (- reads standard input)"
    )
    add_db_argument(imp, suppress=True)
    imp.add_argument("--dry-run", action="store_true", help="check and preview only; write nothing")
    imp.add_argument(
        "--on-conflict",
        choices=ON_CONFLICT,
        default="skip",
        help="an existing event with different content: keep it (skip, default), "
        "overwrite it (replace) or reject the import (fail)",
    )
    imp.add_argument(
        "--map-group",
        choices=("kind", "theme"),
        default=None,
        help="TimelineJS groups that are neither a kind nor a theme here become new kinds "
        "or new themes (default: kind 'other')",
    )
    imp.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="read FILE as this format (default: recognise it by content)",
    )
    imp.add_argument(
        "--source-title",
        metavar="TEXT",
        help="title to cite for events of a file that names no sources "
        "(default: the file's own title, else its name)",
    )
    imp.add_argument(
        "--progress",
        action="store_true",
        help="show a progress bar even when stderr is not a terminal",
    )
    imp.set_defaults(func=run_import)

    out = subparsers.add_parser(
        "dump",
        help="write matching events as JSON, CSV or TimelineJS",
        description="Write the events that match a filter, with everything needed to import "
        "them again (JSON, CSV) or to open them in TimelineJS.",
    )
    out.add_argument(
        "--format",
        choices=FORMATS,
        default="json",
        help="default: json. json, csv and timelinejs carry the whole record (timelinejs in a "
        "field TimelineJS ignores), so importing the dump gives back the same events. "
        f"timelinejs-csv, Knight Lab's Sheets template, {SHEETS_CANNOT_CARRY}",
    )
    out.add_argument(
        "--out", type=Path, metavar="FILE", help="write to FILE (default: standard output)"
    )
    out.add_argument("--force", action="store_true", help="overwrite an existing FILE")
    add_filter_arguments(out, suppress=True)
    add_db_argument(out, suppress=True)
    out.set_defaults(func=run_dump)


# --- import ---------------------------------------------------------------------------------
def run_import(args: argparse.Namespace) -> int:
    from cspo_viewer.data.interchange import (
        BUNDLED_REFUSAL,
        ImportOptions,
        InterchangeError,
        import_file,
        is_bundled_database,
    )

    target = db_path(args)
    options = ImportOptions(
        dry_run=args.dry_run,
        on_conflict=args.on_conflict,
        map_group=args.map_group,
        format=args.format,
        source_title=args.source_title,
    )
    if not options.dry_run and is_bundled_database(target):
        raise UserError(BUNDLED_REFUSAL)
    bar = ProgressBar(sys.stderr) if args.progress or sys.stderr.isatty() else None
    try:
        report = import_file(target, args.file, options, bar.update if bar else None)
    except InterchangeError as exc:
        raise UserError(str(exc)) from None
    finally:
        if bar:
            bar.close()
    return _print_report(report)


def _print_report(report: ImportReport) -> int:
    name = Path(report.file).name
    print(f"{name} ({report.format}): {report.summary()}")
    for note in report.notes:
        print(f"note: {note}")
    if report.new_kinds:
        print(f"new kinds: {', '.join(report.new_kinds)}")
    if report.new_themes:
        print(f"new themes: {', '.join(report.new_themes)}")
    if report.dry_run:
        for item in report.added_items:
            print(f"  add     {item.date}  {item.id}  {item.title}")
        for item in report.changed_items:
            verb = "replace" if report.on_conflict == "replace" else "differs"
            print(f"  {verb:<7} {item.date}  {item.id}  ({', '.join(item.changes)})")
    elif report.skipped:
        print(
            f"{report.skipped} event(s) differ from the database and were kept as they are "
            "(see --dry-run; --on-conflict replace overwrites them)"
        )
    if not report.ok:
        for problem in report.problems:
            print(f"{name}: {problem}", file=sys.stderr)
        hidden = report.problems_total - len(report.problems)
        if hidden > 0:
            print(f"... and {hidden} more problem(s)", file=sys.stderr)
        print(
            f"cspo-viewer: error: {report.rejected} event(s) rejected; nothing was imported "
            "(an import is all or nothing)",
            file=sys.stderr,
        )
        return 2
    if report.written:
        print(f"imported into {report.db}")
    elif not report.dry_run:
        print(f"nothing to change in {report.db}")
    return 0


class ProgressBar:
    """``importing  45%  [#########           ]  45,000 events  21,300/s`` on stderr."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.start = time.monotonic()
        self.shown = False

    def update(self, progress: Progress) -> None:
        elapsed = max(time.monotonic() - self.start, 1e-6)
        filled = int(progress.fraction * self.WIDTH)
        bar = "#" * filled + " " * (self.WIDTH - filled)
        rate = progress.events / elapsed
        self.stream.write(
            f"\r{progress.phase:<9} {progress.fraction:4.0%} [{bar}] "
            f"{progress.events:,} events  {rate:,.0f}/s "
        )
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


# --- dump -----------------------------------------------------------------------------------
def run_dump(args: argparse.Namespace) -> int:
    from cspo_viewer.data.interchange import dump

    with open_from_args(args) as store:
        flt = filter_from_args(args, store.vocabulary)
        if args.out is None:
            n = dump(store, flt, args.format, sys.stdout)
        else:
            n = _dump_to_file(store, flt, args.format, args.out, args.force)
            print(f"wrote {n} events to {args.out}", file=sys.stderr)
    return 0


def _dump_to_file(store: Any, flt: Any, fmt: str, out: Path, force: bool = False) -> int:
    """Written whole or not at all (``file_output``): a failed dump leaves no half file.

    CSV files get a byte-order mark so that spreadsheet programs read them as UTF-8.
    """
    from cspo_viewer.data.interchange import dump

    check_folder(out)
    if out.exists() and not force:
        raise UserError(f"{out} already exists; use --force to overwrite it")
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    try:
        with open_replacing(out, "w", encoding=encoding, newline="") as fh:
            return dump(store, flt, fmt, fh)  # type: ignore[arg-type]
    except OSError as exc:
        raise output_error(out, exc) from None
