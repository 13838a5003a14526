"""One event as a briefing note and as a one-line citation, for the clipboard (no Qt).

Staff officers paste an event into a brief (Word, Outlook, PowerPoint) or a chat: the
note carries the title, the date with its precision, the place, the nations, our summary,
the record's uncertainty, the verbatim quotes with who said them, and the numbered sources.
It is made twice, as plain text and as HTML, so a rich editor keeps the structure and a
plain one still reads well. The HTML is built from escaped pieces: a database's text
never becomes markup, and only http(s) addresses become links.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from cspo_viewer.data.dates import date_with_precision, source_date
from cspo_viewer.data.links import is_web_link
from cspo_viewer.data.records import EventDetail, Quote, Source

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class BriefingNote:
    text: str
    html: str


def _one_line(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def _esc(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def _attribution(q: Quote, nation_name: Callable[[str], str], number: dict[str, int]) -> str:
    """ "Speaker, role (nation) [source number]"; the nation only when the role lacks it."""
    who = _one_line(q.speaker)
    if q.role:
        who += f", {_one_line(q.role)}"
    nation = nation_name(q.nation_code) if q.nation_code else ""
    if nation and nation not in (q.role or ""):
        who += f" ({nation})"
    if q.source_id in number:
        who += f" [{number[q.source_id]}]"
    return who


def source_line(s: Source) -> str:
    """Publisher, “title”, date, address. The name of our archived copy of a document
    (``Source.document``) is left out: it means nothing to the reader of a brief."""
    parts = [_one_line(s.publisher)] if s.publisher else []
    parts.append(f"“{_one_line(s.title) or 'Untitled source'}”")
    if source_date(s.date):
        parts.append(source_date(s.date))
    if s.url:
        parts.append(_one_line(s.url))
    return ", ".join(parts)


def _source_html(s: Source) -> str:
    title = _esc(_one_line(s.title) or "Untitled source")
    if s.url and is_web_link(s.url):
        title = f'<a href="{_esc(s.url)}">{title}</a>'
    parts = [_esc(_one_line(s.publisher))] if s.publisher else []
    parts.append(f"“{title}”")
    if source_date(s.date):
        parts.append(_esc(source_date(s.date)))
    if s.url and not is_web_link(s.url):
        parts.append(_esc(_one_line(s.url)))  # shown, never a link
    return ", ".join(parts)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def briefing_note(
    d: EventDetail, nation_name: Callable[[str], str] = lambda code: code
) -> BriefingNote:
    """The note for one event; ``nation_name`` turns the event's and its quotes' nation
    codes into names."""
    row = d.row
    when = date_with_precision(row.date, row.date_precision, row.end_date)
    dateline = " · ".join(x for x in (when, _one_line(row.location)) if x)
    number = {s.id: i for i, s in enumerate(d.sources, 1)}

    text = [_one_line(row.title), dateline]
    markup = [f"<p><b>{_esc(_one_line(row.title))}</b><br>{_esc(dateline)}"]
    if row.nations:  # who took part: what a brief is usually about
        nations = f"Nations: {', '.join(sorted(nation_name(code) for code in row.nations))}"
        text.append(nations)
        markup.append(f"<br>{_esc(nations)}")
    markup[-1] += "</p>"
    for para in _paragraphs(d.summary or ""):
        text += ["", para]
        markup.append(f"<p>{_esc(para)}</p>")
    if d.uncertainty:
        text += ["", f"Uncertainty: {_one_line(d.uncertainty)}"]
        markup.append(f"<p><i>Uncertainty:</i> {_esc(_one_line(d.uncertainty))}</p>")
    for q in d.quotes:
        who = _attribution(q, nation_name, number)
        text += ["", f"“{q.text.strip()}”", f"— {who}"]
        markup.append(f"<blockquote><p>“{_esc(q.text.strip())}”<br>— {_esc(who)}</p></blockquote>")
    if d.sources:
        text += ["", "Sources"]
        text += [f"[{i}] {source_line(s)}" for i, s in enumerate(d.sources, 1)]
        items = "".join(f"<li>{_source_html(s)}</li>" for s in d.sources)
        markup.append(f"<p><b>Sources</b></p><ol>{items}</ol>")
    body = "".join(markup)
    return BriefingNote(
        "\n".join(text) + "\n",
        f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>',
    )


def citation(d: EventDetail) -> str:
    """The event's sources on one line: "Publisher, “title”, date, address; …"."""
    if not d.sources:
        return f"No source recorded for “{_one_line(d.row.title)}”."
    return "; ".join(source_line(s) for s in d.sources) + "."
