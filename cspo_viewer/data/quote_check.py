"""Quotes checked against their sources' stored text (no Qt).

A quote cites one source; when that source's text is stored (``sources.text``, schema
v3), the quote must appear in it verbatim, whitespace aside (``verbatim.verbatim_in``).
``db check`` lists every quote that does not, and counts what it could check.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from cspo_viewer.data.verbatim import verbatim_in


@dataclass
class QuoteCheck:
    """How the quotes of a database stand against their sources' text."""

    verified: int = 0
    without_text: int = 0
    not_found: list[tuple[str, str, str]] = field(default_factory=list)
    """(event id, quote id, source id) of each quote its source's text does not hold."""

    def problems(self) -> list[str]:
        return [
            f"event {eid}: quote {qid} is not verbatim in the text of its source {sid}"
            for eid, qid, sid in self.not_found
        ]

    def summary(self) -> str:
        """ "8 quotes verified verbatim; 23 quotes cite sources without stored text"."""
        parts = [
            f"{_count(self.verified, 'quote')} verified verbatim",
            f"{_count(self.without_text, 'quote')} cite sources without stored text",
        ]
        if self.not_found:
            parts.append(f"{_count(len(self.not_found), 'quote')} not found in their source's text")
        return "; ".join(parts)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def check_quotes(conn: sqlite3.Connection) -> QuoteCheck:
    """Every quote against its source's text; a file before v3 has no texts to check."""
    result = QuoteCheck()
    columns = {r[1] for r in conn.execute("PRAGMA table_info(sources)")}
    text = "s.text" if "text" in columns else "NULL"
    for eid, qid, quote, sid, source_text in conn.execute(
        f"SELECT q.event_id, q.id, q.text, q.source_id, {text} FROM quotes q"
        " LEFT JOIN sources s ON s.id = q.source_id ORDER BY q.event_id, q.rowid"
    ):
        if not isinstance(source_text, str) or not source_text.strip() or sid is None:
            result.without_text += 1
        elif isinstance(quote, str) and verbatim_in(quote, source_text):
            result.verified += 1
        else:
            result.not_found.append((str(eid), str(qid), str(sid)))
    return result


def quote_status(quote: str, source_text: str | None) -> bool | None:
    """For the editor: True when verbatim in the source's text, False when not, None when
    the source has no stored text to check against."""
    if not source_text or not source_text.strip():
        return None
    return verbatim_in(quote, source_text)
