"""Is a quote verbatim in a source's text? (no Qt)

A quote is checked against the source it claims to come from. Reading a document moves
its line breaks (a PDF breaks lines where the page did, an HTML page where the editor
did), so whitespace cannot count; every other character does: curly and straight
quotation marks differ, dashes differ, and case matters, because a quote that changed
them is no longer the speaker's words.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WHITESPACE_RUN = re.compile(r"\s+")
"""Any run of Unicode whitespace: spaces, tabs, line breaks, U+00A0 and the thin and
narrow no-break spaces PDFs and word processors put between words."""


def normalise_space(text: str) -> str:
    """``text`` with every run of whitespace made one space and none at either end: the
    one rule both the quote and the source text go through, so they compare alike."""
    return _WHITESPACE_RUN.sub(" ", text).strip()


@lru_cache(maxsize=8)
def _normalised_source(text: str) -> str:
    """The source text made comparable once: an editor checks many quotes against the
    same source (a megabyte for a long report), and should not redo it per quote."""
    return normalise_space(text)


def verbatim_in(quote: str, text: str) -> bool:
    """True when ``quote`` appears in ``text`` letter for letter, whitespace aside.

    A quote with nothing but whitespace is never verbatim: it quotes nobody.
    """
    wanted = normalise_space(quote)
    return bool(wanted) and wanted in _normalised_source(text)
