"""What an event's slides and printed pages say, and how their text flows over pages
(no Qt): the deck and the briefing book's page painter both take it from here, so a
slide and a printed page carry the same words in the same type scale.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

from cspo_viewer.data.dates import display_date
from cspo_viewer.data.records import EventDetail

TITLE_PT = 28.0
BODY_PT = 18.0
QUOTE_PT = 16.0
NOTE_PT = 14.0
"""The event slides' one type scale: title, body, quotes; the sources line and the
marking, which are not read aloud, at ``NOTE_PT``."""
LINE_SPACING = 1.2
"""Every paragraph's exact line pitch, in its font size: measured height is drawn height."""
PARA_GAP_PT = 6.0
CONT = " (cont.)"
"""Added to the title of an event's second and later slides or pages."""
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
PRECISION_WORDS = {
    "day": "",
    "month": " (known to the month)",
    "year": " (known to the year)",
}


def plain(text: str | None, limit: int | None = None) -> str:
    """``text`` as one line of plain text XML can hold, at most ``limit`` characters."""
    cleaned = " ".join(_NOT_XML.sub("", text or "").split())
    if limit is not None and len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned


def date_words(detail: EventDetail) -> str:
    """ "Jul 2015 (known to the month)", "3–5 Dec 2024": the date with its precision."""
    row = detail.row
    return display_date(row.date, row.date_precision, row.end_date) + PRECISION_WORDS.get(
        row.date_precision, ""
    )


@dataclass(frozen=True)
class Para:
    """One paragraph of an event slide: its text and how it is set."""

    text: str
    pt: float = BODY_PT
    bold: bool = False
    italic: bool = False
    muted: bool = False


@dataclass(frozen=True)
class EventText:
    """What an event's slides and printed pages say: title, the header every one of its
    pages repeats (date and place, nations, uncertainty), the body that flows over them,
    and the sources line."""

    title: str
    header: list[tuple[str, Para]]
    body: list[Para]
    sources: Para


def event_text(detail: EventDetail, nations: dict[str, str]) -> EventText:
    """The words of ``detail``'s pages; ``nations`` maps codes to names."""
    where = plain(detail.row.location) or "Location not recorded"
    named = [nations.get(c, c) for c in detail.row.nations]
    header = [
        ("Date and location", Para(f"{date_words(detail)} · {where}", BODY_PT, muted=True)),
        ("Nations", Para("Nations: " + (", ".join(named) if named else "none recorded"))),
        (
            "Uncertainty",
            Para("Uncertainty: " + (plain(detail.uncertainty, 600) or "none recorded")),
        ),
    ]
    publishers = [plain(s.publisher or s.title, 120) for s in detail.sources]
    line = "Sources: " + "; ".join(f"[{i}] {p}" for i, p in enumerate(publishers, 1))
    sources = Para(
        plain(line, 400) if publishers else "Sources: none recorded", NOTE_PT, muted=True
    )
    return EventText(plain(detail.row.title, 300), header, event_paragraphs(detail), sources)


def event_paragraphs(detail: EventDetail) -> list[Para]:
    """The body of an event's slides: summary, quotes with who said them, then the
    statement text, in reading order."""
    paras: list[Para] = []
    summary = plain(detail.summary)
    if summary:
        paras.append(Para(summary))
    for q in detail.quotes:
        paras.append(Para(f"“{plain(q.text)}”", QUOTE_PT, italic=True))
        who = ", ".join(x for x in (plain(q.speaker, 200), plain(q.role, 300)) if x)
        paras.append(Para(f"— {who}", QUOTE_PT, bold=True))
    statement = [plain(p) for p in (detail.statement_text or "").splitlines()]
    statement = [p for p in statement if p]
    if statement:
        paras.append(Para("Statement text", BODY_PT, bold=True))
        paras += [Para(p, QUOTE_PT) for p in statement]
    return paras


def paginate(
    paras: Sequence[Para], lines_of: Callable[[Para], list[str]], room: float
) -> Iterator[list[Para]]:
    """``paras`` in page-sized portions of at most ``room`` pt, each paragraph broken
    into lines by ``lines_of``; a paragraph that does not fit is split between lines and
    continues on the next portion (a slide's or a printed page's "(cont.)")."""
    page: list[Para] = []
    used = 0.0
    for para in paras:
        lines = lines_of(para)
        while lines:
            gap = PARA_GAP_PT if page else 0.0
            fit = int((room - used - gap) // (para.pt * LINE_SPACING))
            if fit <= 0:
                if not page:  # not even one line: a slide must still move on
                    fit = 1
                else:
                    yield page
                    page, used = [], 0.0
                    continue
            taken, lines = lines[:fit], lines[fit:]
            page.append(replace(para, text=" ".join(taken)))
            used += gap + len(taken) * para.pt * LINE_SPACING
    if page or not paras:
        yield page
