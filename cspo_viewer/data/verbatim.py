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


def verbatim_span(quote: str, text: str) -> tuple[int, int] | None:
    """Where ``quote`` first appears in ``text`` by ``verbatim_in``'s rule, as
    ``text[start:end]`` (from its first letter to its last), or None: for a reader that
    shows a quote in its source, without a second whitespace rule of its own."""
    wanted = normalise_space(quote)
    found = _normalised_source(text).find(wanted) if wanted else -1
    if found < 0:
        return None
    return _index_in(text, found), _index_in(text, found + len(wanted) - 1) + 1


def _index_in(text: str, index: int) -> int:
    """The index in ``text`` of character ``index`` of ``normalise_space(text)``; a space
    there stands for a whole run of whitespace, and maps to its first character."""
    done = 0  # characters of the normalised text accounted for
    position = len(text) - len(text.lstrip())
    for run in _WHITESPACE_RUN.finditer(text, position):
        letters = run.start() - position
        if index < done + letters:
            break
        done += letters
        if index == done:
            return run.start()
        done += 1
        position = run.end()
    return position + index - done
