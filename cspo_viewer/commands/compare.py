"""``cspo-viewer compare ID_A ID_B``: what two events' statements share and where they differ.

Plain text reads top to bottom like a short brief (what was compared, nations and themes
each has that the other lacks, shared, changed and one-sided sentences, quotes); ``--json``
is the same comparison for scripts (``EventComparison.as_json``).
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from cspo_viewer.commands.common import add_db_argument, open_from_args, terminal_text
from cspo_viewer.data.dates import date_with_precision
from cspo_viewer.errors import UserError

if TYPE_CHECKING:
    from cspo_viewer.data.compare import EventComparison
    from cspo_viewer.data.filters import Vocabulary
    from cspo_viewer.data.records import EventDetail, Quote
    from cspo_viewer.data.store import Store

WIDTH = 100


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "compare",
        help="compare two events' statements, nations, themes and quotes",
        description=(
            "Compare two events: the sentences of their statement texts (or, when one has "
            "none, their summaries) shared, changed word by word, or only in one; the "
            "nations and themes each has that the other lacks; and their quotes."
        ),
    )
    p.add_argument("id_a", metavar="ID_A", help="the first event's id (see: cspo-viewer list)")
    p.add_argument("id_b", metavar="ID_B", help="the second event's id")
    add_db_argument(p, suppress=True)
    p.add_argument(
        "--json",
        action="store_true",
        help="print a JSON object: a, b, only_a, only_b, shared, changed, nations, themes, quotes",
    )
    p.set_defaults(func=run)


def event_or_error(store: Store, event_id: str) -> EventDetail:
    detail = store.event_detail(event_id)
    if detail is None:
        raise UserError(
            f"No event with id {event_id!r} in {store.path} (cspo-viewer list shows the ids)."
        )
    return detail


def run(args: argparse.Namespace) -> int:
    # The sentence matcher (difflib and its rules) loads when a comparison runs: every
    # other command, and the window, registers ``compare`` without it.
    from cspo_viewer.data.compare import compare_events

    with open_from_args(args) as store:
        a = event_or_error(store, args.id_a)
        b = event_or_error(store, args.id_b)
        comparison = compare_events(a, b)
        if args.json:
            json.dump(comparison.as_json(), sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            sys.stdout.write(as_text(comparison, store.vocabulary))
    return 0


# --- plain text -----------------------------------------------------------------------
def _clean(text: str | None) -> str:
    return terminal_text(text)


def _para(text: str, first: str, rest: str | None = None) -> str:
    return textwrap.fill(
        _clean(text),
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest if rest is not None else " " * len(first),
        break_long_words=False,
        break_on_hyphens=False,
    )


def _names(values: Iterable[str], name: Callable[[str], str]) -> str:
    shown = sorted(name(v) for v in values)
    return ", ".join(shown) if shown else "—"


def _quote(q: Quote, nation_name: Callable[[str], str]) -> str:
    who = q.speaker + (f", {q.role}" if q.role else "")
    if q.nation_code:
        who += f" ({nation_name(q.nation_code)})"
    return _para(f"“{q.text}” — {who}", "    ")


def as_text(c: EventComparison, vocab: Vocabulary) -> str:
    """The comparison as a reader scans it: furthest-reaching differences first."""
    from cspo_viewer.data.compare import plain_diff

    lines: list[str] = []
    for tag, d in (("A", c.a), ("B", c.b)):
        row = d.row
        when = date_with_precision(row.date, row.date_precision, row.end_date)
        lines.append(_para(f"{row.title}", f"{tag}  "))
        lines.append(_clean(f"   {when} · {row.id}"))
    lines += ["", _para(c.note, "")]
    nation = vocab.nation_name

    def theme(t: str) -> str:
        return vocab.themes.get(t, t)

    for title, sets, name in (("Nations", c.nations, nation), ("Themes", c.themes, theme)):
        lines += ["", title]
        lines.append(_para(_names(sets.only_a, name), "  only in A: ", " " * 13))
        lines.append(_para(_names(sets.only_b, name), "  only in B: ", " " * 13))
        lines.append(_para(_names(sets.shared, name), "  in both:   ", " " * 13))

    t = c.text
    sections: list[tuple[str, list[str]]] = [
        (f"Shared sentences ({len(t.shared)})", [_para(s, "  = ") for s in t.shared]),
        (f"Changed sentences ({len(t.changed)}), [-A's words-]{{+B's words+}}", []),
        (f"Only in A ({len(t.only_a)})", [_para(s, "  - ") for s in t.only_a]),
        (f"Only in B ({len(t.only_b)})", [_para(s, "  + ") for s in t.only_b]),
    ]
    for p in t.changed:
        marked = plain_diff(p, lambda s: f"[-{s}-]", lambda s: f"{{+{s}+}}")
        sections[1][1].append(_para(marked, "  ~ "))
    for heading, body in sections:
        lines += ["", heading, *(body or ["  (none)"])]

    q = c.quotes
    lines += ["", "Quotes"]
    for label, quotes in (
        ("in both", q.shared),
        ("only in A", q.only_a),
        ("only in B", q.only_b),
    ):
        if quotes:
            lines.append(f"  {label}:")
            lines.extend(_quote(x, nation) for x in quotes)
    if not (q.shared or q.only_a or q.only_b):
        lines.append("  (neither event records a quote)")
    return "\n".join(lines) + "\n"
