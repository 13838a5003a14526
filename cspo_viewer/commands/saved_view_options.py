"""``export --saved-view NAME``: a saved briefing rebuilt with today's data.

``add_to`` gives the export parser the option and makes the options a view can fill
default to None, so that "not given on the command line" can be told from a value typed;
``fill`` then takes each option the command line left out from the view (then from the
export's own default). Options typed always win, one by one: ``--saved-view Q3 --to
2024-06`` is the Q3 briefing up to June. The export itself runs unchanged.

``--match-nations any`` and ``--match-themes any`` are the top-level parser's defaults, so
"any" counts as not given (a view matching "all" keeps "all").
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cspo_viewer.commands.common import db_path
from cspo_viewer.commands.filter_args import filter_to_args
from cspo_viewer.data.store import open_store
from cspo_viewer.errors import UserError

if TYPE_CHECKING:  # imported when a saved view is asked for: the export starts as fast
    from cspo_viewer.data.saved_views import SavedView

FILLED = ("width", "height", "title", "marking", "label")
"""The export's own options a view fills; their parser defaults are kept in the namespace
(``saved_view_defaults``) for when neither the command line nor the view gives one."""
FILTER_DESTS = ("nation", "theme", "kind", "date_from", "date_to", "search")
DEFAULTS_KEY = "saved_view_defaults"


def add_to(parser: argparse.ArgumentParser) -> None:
    """Add ``--saved-view NAME`` to the export parser (after its other options)."""
    parser.add_argument(
        "--saved-view",
        metavar="NAME",
        help="rebuild this saved view (cspo-viewer views list) with today's data; options "
        "given here override the view's; without --out, writes NAME.FORMAT here",
    )
    parser.set_defaults(**{DEFAULTS_KEY: {d: parser.get_default(d) for d in FILLED}})
    parser.set_defaults(**dict.fromkeys(FILLED))


def fill(args: argparse.Namespace) -> None:
    """Complete ``args`` for the export: from ``--saved-view`` where the command line said
    nothing, else from the export's defaults. ``ViewError`` (a ``UserError``) for an
    unknown name lists the saved ones; the view's notes go to stderr."""
    view = _load(args)
    defaults: dict[str, Any] = getattr(args, DEFAULTS_KEY, {})
    from_view: dict[str, Any] = _options_of(view) if view else {}
    for dest in FILLED:
        if getattr(args, dest, None) is None:
            value = from_view.get(dest)
            setattr(args, dest, defaults.get(dest) if value is None else value)
    if args.label is None:
        args.label = []
    if view is None:
        if args.out is None:
            raise UserError("export needs --out FILE (or --saved-view NAME)")
        return
    for dest in FILTER_DESTS:
        if getattr(args, dest, None) is None:
            setattr(args, dest, from_view[dest])
    for dest in ("match_nations", "match_themes"):
        if getattr(args, dest, "any") == "any":
            setattr(args, dest, from_view[dest])
    if getattr(args, "group_by", None) is None:
        args.group_by = view.grouping
    if getattr(args, "x_range", None) is None:
        args.x_range = view.x_range
    if not getattr(args, "no_annotations", False):
        args.annotations = view.annotations  # the eras and notes it shows (None: all)
    if args.out is None:
        args.out = Path(f"{file_stem(view.name)}.{view.format or 'png'}")


def _load(args: argparse.Namespace) -> SavedView | None:
    name = getattr(args, "saved_view", None)
    if name is None:
        return None
    from cspo_viewer.data.saved_views import get_view

    with open_store(db_path(args)) as store:
        view = get_view(store, name)
        gone = [p for p in view.pins if store.event_detail(p) is None]
    for note in view.notes:
        print(f"cspo-viewer: note: saved view {view.name!r}: {note}", file=sys.stderr)
    if gone:
        print(
            f"cspo-viewer: note: saved view {view.name!r} labels events no longer in the "
            f"record, left out: {', '.join(gone)}",
            file=sys.stderr,
        )
    return replace(view, pins=tuple(p for p in view.pins if p not in gone))


def _options_of(view: SavedView) -> dict[str, Any]:
    """The view as the export's parsed options (filter values as the parser gives them)."""
    flt = view.filter
    width, height = view.size or (None, None)
    return {
        "nation": list(flt.nations) or None,
        "match_nations": flt.match_nations,
        "theme": list(flt.themes) or None,
        "match_themes": flt.match_themes,
        "kind": list(flt.kinds) or None,
        "date_from": flt.date_from,
        "date_to": flt.date_to,
        "search": flt.text or None,
        "width": width,
        "height": height,
        "title": view.title,
        "marking": view.marking or None,
        "label": list(view.pins) or None,
    }


def export_words(view: SavedView) -> list[str]:
    """The same export written out in full (``views show``; the benchmark's comparison).
    A saved range of visible dates has no export option: it is left out."""
    words = [*filter_to_args(view.filter), "--group-by", view.grouping]
    if view.title:
        words += ["--title", view.title]
    if view.marking:
        words += ["--marking", view.marking]
    if view.size:
        words += ["--width", str(view.size[0]), "--height", str(view.size[1])]
    for pin in view.pins:
        words += ["--label", pin]
    return words


def file_stem(name: str) -> str:
    """A file name from a view's name: letters, digits, dots, dashes and underscores kept,
    every other run of characters one dash ("Japan, Q3 2024" -> "Japan-Q3-2024")."""
    return re.sub(r"[^\w.-]+", "-", name, flags=re.ASCII).strip("-.") or "saved-view"
