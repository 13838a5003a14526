"""The detail pane's rich text for one event, built from escaped pieces (no widgets).

Kept apart from the widget so the markup (what is escaped, highlighted, linked) can be
read and tested on its own. Every database string passes through ``rich_text``; the
only tags are ours. Colours that depend on the theme come in as arguments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from cspo_viewer.data.dates import date_with_precision, source_date
from cspo_viewer.data.history import Change, describe
from cspo_viewer.data.links import is_web_link
from cspo_viewer.data.records import EventDetail, EventRow, Quote, Source
from cspo_viewer.ui.rich_text import esc, inline, paragraphs

AMBER = "#E69F00"
FIRST_HIT = "first-hit"  # anchor before the statement's first search hit, to scroll to


@dataclass(frozen=True)
class DetailHtml:
    body: str  # summary, uncertainty, confidence
    statement: str  # the full statement text, or "" when the event has none
    refs: str  # quotes and sources


def date_text(row: EventRow) -> str:
    """ "3–5 Dec 2024", "Jul 2015 (month known)", "2016 (year known)"."""
    return date_with_precision(row.date, row.date_precision, row.end_date)


def document_css(muted: str) -> str:
    """The documents' style sheet. Text takes the widget palette's colour by default;
    only the muted grey (a palette role, passed in) and translucent accents are set."""
    return f"""
        p {{ margin-top: 0px; margin-bottom: 8px; line-height: 135%; }}
        .muted {{ color: {muted}; }}
        .caption {{ color: {muted}; font-size: small; font-weight: 600;
                    margin-top: 14px; margin-bottom: 6px; }}
        .hit {{ background-color: rgba(255, 196, 0, 0.50); }}
        .quote {{ font-style: italic; margin-bottom: 3px; }}
        .who {{ color: {muted}; font-size: small; margin-bottom: 0px; }}
        .meta {{ color: {muted}; font-size: small; margin-bottom: 0px; }}
        .note {{ margin-bottom: 0px; }}
        .src {{ margin-bottom: 8px; }}
    """


def bar_box(inner: str, bar: str, background: str = "transparent") -> str:
    """A block with a coloured bar on its left (Qt rich text has no border-left on blocks)."""
    return (
        f'<table width="100%" cellspacing="0" cellpadding="0" style="margin-bottom: 10px;'
        f' background-color: {background};"><tr><td width="3" bgcolor="{bar}"></td>'
        f'<td style="padding: 6px 8px 6px 10px;">{inner}</td></tr></table>'
    )


def detail_html(
    d: EventDetail,
    pattern: re.Pattern[str] | None,
    nation_name: Callable[[str], str],
    *,
    quote_bar: str,
) -> DetailHtml:
    """The three rich-text parts of the pane; ``pattern`` marks search hits."""
    body = [paragraphs(d.summary, pattern)] if d.summary else []
    if d.uncertainty:
        note = paragraphs(d.uncertainty, None, "note", lead="<b>Uncertainty:</b> ")
        body.append(bar_box(note, AMBER, "rgba(230, 159, 0, 0.14)"))
    if d.confidence:
        body.append(f'<p class="meta">Confidence: <b>{esc(d.confidence)}</b></p>')

    statement = paragraphs(d.statement_text, pattern) if d.statement_text else ""
    statement = statement.replace(
        '<span class="hit">', f'<a name="{FIRST_HIT}"></a><span class="hit">', 1
    )

    number = {s.id: i for i, s in enumerate(d.sources, 1)}
    refs: list[str] = []
    if d.quotes:
        refs.append('<p class="caption">QUOTES</p>')
        refs.extend(_quote(q, pattern, nation_name, number, quote_bar) for q in d.quotes)
    if d.sources:
        refs.append('<p class="caption">SOURCES</p>')
        refs.extend(_source(i, s) for i, s in enumerate(d.sources, 1))
    return DetailHtml("".join(body), statement, "".join(refs))


def _quote(
    q: Quote,
    pattern: re.Pattern[str] | None,
    nation_name: Callable[[str], str],
    number: dict[str, int],
    bar: str,
) -> str:
    """The quote as said, then the attribution as a person writes it, and the source number:
    "— Air Chief Marshal Sir Richard Knighton, Chief of the Air Staff, United Kingdom [1]".

    The role is printed as written: it says where the speaker is from in the way a reader
    expects ("UK Secretary of State for Defence", "Royal Air Force, Deputy Director, ..."),
    which no rule can tell from the nation's name, so a nation is added only to a quote
    without a role ("— Penny Mordaunt, United Kingdom").
    """
    text = paragraphs(f"“{q.text}”", pattern, "quote")
    who = [f"— {inline(q.speaker, pattern)}"]
    nation = nation_name(q.nation_code) if q.nation_code else ""
    if q.role:
        who.append(f", {inline(q.role)}")
    elif nation:
        who.append(f", {inline(nation)}")
    if q.source_id in number:
        who.append(f" [{number[q.source_id]}]")
    return bar_box(f'{text}<p class="who">{"".join(who)}</p>', bar)


def _source(n: int, s: Source) -> str:
    """Title (a link only for http(s)), then publisher · date · where to find it."""
    link = bool(s.url) and is_web_link(s.url)
    title = inline(s.title or "Untitled source")
    if link:
        title = f'<a href="{esc(s.url or "")}">{title}</a>'
    meta = [inline(x) for x in (s.publisher, source_date(s.date) or s.date_note) if x]
    if link:
        meta.append(inline((urlsplit(s.url or "").hostname or "").removeprefix("www.")))
    elif s.url:
        meta.append(f"address not opened: {inline(s.url)}")
    if not s.url and s.document:
        # A titled source is named by its title; its file name means nothing to a reader.
        named = f": {inline(s.document)}" if not s.title else " (no web address)"
        meta.append(f"original document{named}")
    return f'<p class="src">[{n}] {title}<br><span class="meta">{" · ".join(meta)}</span></p>'


def history_html(changes: Sequence[Change]) -> str:
    """The event's recorded changes, newest first, each on a line of its own (escaped:
    user names and file names are data too)."""
    if not changes:
        return ""
    lines = "".join(f"<li>{inline(describe(c))}</li>" for c in changes)
    return f"<h3>History</h3><ul>{lines}</ul>"
