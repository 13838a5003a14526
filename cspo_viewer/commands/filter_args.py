"""The filter on the command line: the options ``list``, ``export``, ``dump``, ``views
save`` and ``--screenshot`` share, the filter they name, and a filter back as words.

The filter itself (its model, SQL and words) is ``data.filters``; this module only turns
argparse's namespace into ``build_filter``'s arguments and back.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from cspo_viewer import paths
from cspo_viewer.data.filters import (
    FACETS,
    KINDS,
    MATCH_CHOICES,
    NATIONS,
    THEMES,
    EventFilter,
    Facet,
    Vocabulary,
    build_filter,
)


def _theme_choices() -> str:
    """The bundled record's theme ids for ``--theme``'s help (a database of your own may
    hold others; an unknown one is refused with the database's own list)."""
    try:
        themes = json.loads((paths.data_src_dir() / "themes.json").read_text(encoding="utf-8"))
        ids = [t["id"] for t in themes]
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    return f"; the bundled record's: {', '.join(ids)}"


def add_filter_arguments(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """The filter options shared by ``list``, ``export``, ``dump`` and ``--screenshot``.

    ``suppress`` leaves unset options out of the namespace, so that a subcommand's copy does
    not overwrite a value given before the subcommand name.
    """
    default: Any = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("filter")
    for facet in FACETS:
        group.add_argument(
            f"--{facet.name}",
            action="append",
            dest=facet.name,
            default=default,
            metavar=facet.name[0].upper(),
            help=_facet_help(facet),
        )
        if facet.match_field:
            group.add_argument(
                _match_option(facet),
                choices=MATCH_CHOICES,
                default=argparse.SUPPRESS if suppress else "any",
                help=f"events with any (default) or all of the {facet.field}",
            )
    group.add_argument(
        "--from",
        dest="date_from",
        default=default,
        metavar="DATE",
        help="YYYY, YYYY-MM or YYYY-MM-DD",
    )
    group.add_argument(
        "--to",
        dest="date_to",
        default=default,
        metavar="DATE",
        help="YYYY, YYYY-MM or YYYY-MM-DD (inclusive)",
    )
    group.add_argument(
        "--search",
        dest="search",
        default=default,
        metavar="TEXT",
        help='full-text search; "quoted phrase", words match as prefixes',
    )


def _facet_help(facet: Facet) -> str:
    """What ``--nation``, ``--theme`` and ``--kind`` take, for ``--help``."""
    if facet is NATIONS:
        return "nation name or ISO code (repeatable)"
    if facet is THEMES:
        return f"theme id (repeatable){_theme_choices()}"
    return f"event {facet.name} (repeatable)"


def _match_option(facet: Facet) -> str:
    """``--match-nations`` for the filter's ``match_nations`` (argparse's dest)."""
    assert facet.match_field is not None
    return "--" + facet.match_field.replace("_", "-")


def filter_from_args(args: argparse.Namespace, vocab: Vocabulary) -> EventFilter:
    """The filter named by parsed command-line options."""
    return build_filter(
        vocab,
        nations=getattr(args, NATIONS.name, None) or (),
        match_nations=getattr(args, "match_nations", "any") or "any",
        themes=getattr(args, THEMES.name, None) or (),
        match_themes=getattr(args, "match_themes", "any") or "any",
        kinds=getattr(args, KINDS.name, None) or (),
        date_from=getattr(args, "date_from", None),
        date_to=getattr(args, "date_to", None),
        text=getattr(args, "search", None),
    )


def filter_to_args(flt: EventFilter) -> list[str]:
    """The same filter as ``cspo-viewer list`` words (``filter_from_args`` reads them back)."""
    args: list[str] = []
    for facet in FACETS:
        for value in facet.values(flt):
            args += [f"--{facet.name}", value]
        if facet.match(flt) != "any":
            args += [_match_option(facet), facet.match(flt)]
    if flt.date_from:
        args += ["--from", flt.date_from]
    if flt.date_to:
        args += ["--to", flt.date_to]
    if flt.text:
        args += ["--search", flt.text]
    return args
