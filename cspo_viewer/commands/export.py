"""``cspo-viewer export``: the briefing picture of a filter as PNG, SVG or PDF, or a
PowerPoint deck (.pptx), headless; the timeline or one of the two views.

Registering the command imports no Qt, so ``list`` and ``db`` stay fast; Qt starts on
the ``offscreen`` platform only when an export runs, so no display is needed.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from cspo_viewer.commands import saved_view_options
from cspo_viewer.commands.common import add_db_argument, add_label_argument, open_from_args
from cspo_viewer.commands.filter_args import add_filter_arguments, filter_from_args
from cspo_viewer.errors import UserError
from cspo_viewer.model.options import GROUPINGS


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "export",
        help="write the timeline or a view as a briefing PNG, SVG, PDF or PowerPoint deck",
        description=(
            "Draw the filtered timeline for a briefing: title, the filter in words, legend, "
            "sources, date generated and an optional handling marking. The format follows "
            "the file name (.png, .svg, .pdf or .pptx). A deck's first slide is the picture "
            "(3840 px wide, in the slide's proportions) with the title in its title "
            "placeholder, the filter and marking as text and the numbered sources in its "
            "notes; --editable draws it as shapes, --template builds on your template. "
            "No window is shown and no display is needed."
        ),
    )
    p.add_argument(
        "--out",
        required=False,  # a --saved-view names the file itself
        type=Path,
        metavar="FILE",
        help="FILE.png, FILE.svg, FILE.pdf or FILE.pptx",
    )
    p.add_argument(
        "--view",
        choices=("timeline", "members", "participation"),
        default="timeline",
        help="the timeline (default), membership growth, or the participation matrix",
    )
    p.add_argument(
        "--event-slides",
        action="store_true",
        help="in a .pptx: one more slide per event shown, in date order",
    )
    p.add_argument(
        "--template",
        type=Path,
        metavar="FILE",
        help="in a .pptx: build on this .pptx or .potx (its slide size, master, fonts, footers)",
    )
    p.add_argument(
        "--editable",
        action="store_true",
        help="in a .pptx: draw the timeline as native shapes that can be moved and recoloured",
    )
    p.add_argument(
        "--event-pages",
        action="store_true",
        help="in a .pdf: a briefing book, the timeline page then a page per event shown",
    )
    add_filter_arguments(p, suppress=True)
    add_db_argument(p, suppress=True)
    size = p.add_argument_group("picture")
    size.add_argument("--width", type=int, default=3840, metavar="PX", help="default 3840")
    size.add_argument("--height", type=int, default=2160, metavar="PX", help="default 2160")
    size.add_argument(
        "--title",
        default=None,
        metavar="TEXT",
        help='default "Combined Space Operations Initiative, FIRST–LAST" (the years shown)',
    )
    size.add_argument(
        "--marking",
        default="",
        metavar="TEXT",
        help='handling marking printed centred at top and bottom, e.g. "OFFICIAL"',
    )
    size.add_argument(
        "--theme-style",
        choices=("light", "dark"),
        default="light",
        help="light background (default, prints well) or dark",
    )
    size.add_argument(
        "--group-by",
        choices=GROUPINGS,
        default=argparse.SUPPRESS,
        help="lanes by event kind (default), nation or theme",
    )
    size.add_argument("--no-legend", action="store_true", help="leave out the legend")
    size.add_argument("--no-members", action="store_true", help="leave out the membership strip")
    size.add_argument("--no-annotations", action="store_true", help="leave out the eras and notes")
    add_label_argument(size)
    size.add_argument("--no-sources", action="store_true", help='leave out the "Sources:" line')
    size.add_argument(
        "--no-subtitle", action="store_true", help="leave out the filter described in words"
    )
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    # For tests and reproducible builds: the date printed as "Generated …".
    p.add_argument("--generated", metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    p.set_defaults(func=run)
    saved_view_options.add_to(p)  # --saved-view NAME; needs every other option added first


def _generated(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"invalid --generated {text!r}; use YYYY-MM-DD") from None


def _check_format_options(args: argparse.Namespace, suffix: str) -> None:
    """Options that belong to one format are refused for another, and a template is
    checked, before anything is drawn."""
    for flag, needs in (
        ("event_slides", ".pptx"),
        ("editable", ".pptx"),
        ("template", ".pptx"),
        ("event_pages", ".pdf"),
    ):
        if getattr(args, flag) and suffix != needs:
            raise UserError(f"--{flag.replace('_', '-')} needs a {needs} file")
    if args.editable and args.view != "timeline":
        raise UserError("--editable draws the timeline; leave out --view")
    if args.template is not None:
        from cspo_viewer.export.template import check_template

        check_template(args.template)


def run(args: argparse.Namespace) -> int:
    saved_view_options.fill(args)  # --saved-view: the options not given, from the view
    out: Path = args.out
    # No display needed: Qt draws offscreen unless the caller chose a platform.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from cspo_viewer.data.table import read_in_background
    from cspo_viewer.model.options import ExportOptions, check_target

    # Cheap checks first: a bad name, folder or size is reported before any drawing.
    check_target(out, force=args.force)
    _check_format_options(args, out.suffix.lower())
    generated = _generated(args.generated)
    with open_from_args(args) as store:
        store.read_once()  # one picture and the process ends: each page is read once
        read_in_background(store)  # SQLite reads the events while Qt and the painter load
        from cspo_viewer.export import write_export
        from cspo_viewer.model.session import Session

        flt = filter_from_args(args, store.vocabulary)
        options = ExportOptions(
            width=args.width,
            height=args.height,
            title=args.title,
            subtitle=not args.no_subtitle,
            marking=args.marking,
            legend=not args.no_legend,
            members=not args.no_members,
            pinned=tuple(args.label),
            sources=not args.no_sources,
            theme=args.theme_style,
            grouping=getattr(args, "group_by", None) or "kind",
            generated=generated,
            view=args.view,
            event_slides=args.event_slides,
            template=args.template,
            editable=args.editable,
            event_pages=args.event_pages,
            x_range=getattr(args, "x_range", None),  # a saved view's visible dates
            annotations=() if args.no_annotations else getattr(args, "annotations", None),
        )
        unknown = [i for i in args.label if store.event_detail(i) is None]
        if unknown:
            raise UserError(f"--label {unknown[0]!r}: no event with that id in this database")
        session = Session(store)  # the window's model: the same filter, the same picture
        session.set_filter(flt)
        layout = write_export(out, session.export_data(), options, force=args.force)
    n = layout.events_shown
    size = f"{layout.width}x{layout.height}"
    if out.suffix.lower() == ".pptx":
        slides = layout.pages
        size = f"{slides} slide{'' if slides == 1 else 's'}, picture {size}"
    elif layout.pages > 1:
        size = f"{layout.pages} pages, {size}"
    what = f"{n} event{'' if n == 1 else 's'}"
    if args.view != "timeline":  # "10 accessions shown", "29 events counted"
        what = f"{args.view} view: {layout.footer_text.rsplit(' · ', 1)[-1]}"
    print(f"wrote {out} ({size}, {what})")
    if args.view != "timeline":
        if layout.view is None:  # the page says why in its body
            print(
                "cspo-viewer: note: the view has nothing to show for this filter", file=sys.stderr
            )
    elif n == 0:
        print("cspo-viewer: note: no events match the filter", file=sys.stderr)
    else:
        print(f"cspo-viewer: {named_sentence(layout)}", file=sys.stderr)
    if getattr(layout, "annotations_unnamed", 0):
        print(
            f"cspo-viewer: note: {layout.annotations_unnamed} era or note name(s) found no "
            "room above the lanes (their bands and lines are drawn); a wider picture or "
            "fewer dates names more",
            file=sys.stderr,
        )
    return 0


def named_sentence(layout: Any) -> str:
    """How many events the timeline names, and how many went to the key (for stderr)."""
    n = layout.events_shown
    text = f"named {layout.named} of {n} events on the timeline"
    if layout.named < n:
        text += f", {layout.listed} listed in the key ({layout.keyed} numbered on the timeline)"
        missing = n - layout.named - layout.listed
        if missing:
            text += f", {missing} counted only"
    return text
