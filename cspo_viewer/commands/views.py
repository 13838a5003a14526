"""``cspo-viewer views``: the record's saved views (named briefings) from the command line.

``views list``, ``views show NAME``, ``views save NAME [filter] [--group-by] [--title]
[--marking] [--size WxH] [--format] [--label ID]``, ``views rename OLD NEW`` and ``views
delete NAME``. ``cspo-viewer export --saved-view NAME`` rebuilds one
(``saved_view_options``). The views live in the database (``data.saved_views``), so they
travel with the record and show in Datasette.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from typing import TYPE_CHECKING, Any

from cspo_viewer.commands.common import add_db_argument, add_label_argument, db_path, open_from_args
from cspo_viewer.commands.filter_args import add_filter_arguments, filter_from_args
from cspo_viewer.commands.saved_view_options import export_words
from cspo_viewer.errors import UserError
from cspo_viewer.model.options import GROUPINGS

if TYPE_CHECKING:
    from cspo_viewer.data.saved_views import SavedView

# The export's rules (sizes, groupings, formats) and the write path are imported when a
# views command runs: registering this command must not slow every other one's start.


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "views",
        help="list, show, save, rename or delete the record's saved views",
        description=(
            "Saved views are named briefings stored in the database: filter, lanes, "
            "visible dates, labelled events, title, marking, size and format. "
            "`cspo-viewer export --saved-view NAME` rebuilds one with today's data."
        ),
    )
    sub = p.add_subparsers(dest="views_command", metavar="ACTION", required=True)

    lst = sub.add_parser("list", help="the saved views, by name")
    lst.add_argument("--json", action="store_true", help="print a JSON list of whole views")
    lst.set_defaults(func=run_list)

    show = sub.add_parser("show", help="what one saved view holds")
    show.add_argument("name", metavar="NAME")
    show.add_argument("--json", action="store_true", help="print the view as JSON")
    show.set_defaults(func=run_show)

    save = sub.add_parser(
        "save",
        help="save a view under NAME",
        description="Save the filter, lanes, title, marking, size and format under NAME.",
    )
    save.add_argument("name", metavar="NAME")
    add_filter_arguments(save, suppress=True)
    save.add_argument(
        "--group-by",
        default=argparse.SUPPRESS,
        metavar="{" + ",".join(GROUPINGS) + "}",
        help="lanes (default kind)",
    )
    save.add_argument("--title", metavar="TEXT", help="the briefing's title")
    save.add_argument("--marking", default="", metavar="TEXT", help='e.g. "OFFICIAL"')
    save.add_argument("--size", metavar="WxH", help="the export's size, e.g. 1920x1080")
    save.add_argument(
        "--format", metavar="{png,svg,pdf,pptx}", help="the export's file type (default png)"
    )
    add_label_argument(save)
    save.add_argument("--force", action="store_true", help="replace a view of that name")
    save.set_defaults(func=run_save)

    rename = sub.add_parser("rename", help="rename a saved view")
    rename.add_argument("name", metavar="NAME")
    rename.add_argument("new_name", metavar="NEW_NAME")
    rename.set_defaults(func=run_rename)

    delete = sub.add_parser("delete", help="delete a saved view")
    delete.add_argument("name", metavar="NAME")
    delete.set_defaults(func=run_delete)

    for parser in (p, lst, show, save, rename, delete):
        add_db_argument(parser, suppress=True)


def run_list(args: argparse.Namespace) -> int:
    from cspo_viewer.data.saved_views import list_views

    with open_from_args(args) as store:
        views = list_views(store)
        vocab = store.vocabulary
    if args.json:
        _print_json([as_json(v) for v in views])
        return 0
    if not views:
        print(f"no saved views in {db_path(args)}", file=sys.stderr)
    for view in views:
        print(f"{view.name}\t{view.filter.describe(vocab)}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from cspo_viewer.data.saved_views import get_view

    with open_from_args(args) as store:
        view = get_view(store, args.name)
        vocab = store.vocabulary
    if args.json:
        _print_json(as_json(view))
        return 0
    size = "x".join(map(str, view.size)) if view.size else "the export's default"
    dates = " to ".join(view.date_range) if view.date_range else "fit to the filtered events"
    rows = [
        ("name", view.name),
        ("filter", view.filter.describe(vocab)),
        ("lanes", f"by {view.grouping}"),
        ("dates shown", dates),
        ("labelled", ", ".join(view.pins) or "none"),
        ("title", view.title or "the record's name and the years shown"),
        ("marking", view.marking or "none"),
        ("size", size),
        ("format", view.format or "png"),
        ("saved", f"{view.created or '?'} (changed {view.updated or '?'})"),
        ("as export", shlex.join(["cspo-viewer", "export", *export_words(view)])),
    ]
    for label, value in rows:
        print(f"{label + ':':<13}{value}")
    for note in view.notes:
        print(f"cspo-viewer: note: {note}", file=sys.stderr)
    return 0


def run_save(args: argparse.Namespace) -> int:
    from cspo_viewer.data.saved_views import SavedView, save_view

    with open_from_args(args) as store:
        flt = filter_from_args(args, store.vocabulary)
        unknown = [i for i in args.label if store.event_detail(i) is None]
    if unknown:
        raise UserError(f"--label {unknown[0]!r}: no event with that id in this database")
    grouping = getattr(args, "group_by", None) or "kind"
    size = checked_export(args.size, grouping, args.format)
    view = SavedView(
        name=args.name,
        filter=flt,
        grouping=grouping,
        pins=tuple(dict.fromkeys(args.label)),
        title=(args.title or "").strip() or None,
        marking=args.marking.strip(),
        size=size,
        format=args.format.lower().lstrip(".") if args.format else None,
    )
    replaced = save_view(db_path(args), view, replace=args.force)
    print(f"{'replaced' if replaced else 'saved'} view {view.name.strip()!r} in {db_path(args)}")
    return 0


def run_rename(args: argparse.Namespace) -> int:
    from cspo_viewer.data.saved_views import rename_view

    new = rename_view(db_path(args), args.name, args.new_name)
    print(f"renamed view {args.name!r} to {new!r}")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    from cspo_viewer.data.saved_views import delete_view

    delete_view(db_path(args), args.name)
    print(f"deleted view {args.name!r}")
    return 0


def checked_export(size: str | None, grouping: str, fmt: str | None) -> tuple[int, int] | None:
    """The size ``WxH`` (None when not given), after the export's own checks of size,
    grouping and format, so a view saved here always exports."""
    from cspo_viewer.model.options import FORMATS, ExportOptions

    width_height = None
    if size:
        try:
            width, height = (int(v) for v in size.lower().split("x"))
        except ValueError:
            raise UserError(f"invalid --size {size!r}; use WIDTHxHEIGHT, e.g. 1920x1080") from None
        width_height = (width, height)
    if width_height:  # the export's sentences
        ExportOptions(width=width_height[0], height=width_height[1], grouping=grouping)
    else:
        ExportOptions(grouping=grouping)
    if fmt and f".{fmt.lower().lstrip('.')}" not in FORMATS:
        names = ", ".join(suffix.lstrip(".") for suffix in FORMATS)
        raise UserError(f"unknown --format {fmt!r}; use one of {names}")
    return width_height


def as_json(view: SavedView) -> dict[str, Any]:
    return {
        "name": view.name,
        **view.settings(),
        "created": view.created,
        "updated": view.updated,
        "notes": list(view.notes),
    }


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
