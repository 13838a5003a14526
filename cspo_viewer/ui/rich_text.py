"""Database text into Qt widgets: the one escaping rule, and rich text for the detail pane.

A database may come from anywhere (``Open database…``), so its text is hostile until
proven otherwise: a kind labelled ``<img src="/dev/zero">`` must show those characters,
not load a file (that one aborts the process with ``std::bad_alloc``). The rule, for
every widget that shows data (labels, tooltips, message boxes, documents):

- a label showing data is a ``plain_label`` (``Qt.PlainText``): Qt never parses it;
- a string given to a place where Qt itself guesses whether text is rich (tooltips,
  message boxes, item-view tooltips) is ``literal(text)``: escaped and marked as rich
  text, so it reads exactly as written whatever it contains;
- rich documents are built here from escaped pieces (``esc``, ``inline``, ``paragraphs``);
  the only markup in them is our own.

Buttons, check boxes, item-view cells, window titles and menus are always plain text in
Qt and need nothing. Highlighting finds matches in the raw text and
escapes the pieces between and inside them, which is escaping before markup is added,
and cannot split an entity (a search for "amp" never lands inside ``&amp;``).

Work is linear in the text length, and text longer than ``DISPLAY_LIMIT`` is shortened
with a visible note: Qt's line breaker is quadratic in the length of an unbroken run of
characters (a 1 MB "word" takes minutes to lay out), and nobody reads a megabyte in a pane.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QLabel, QMessageBox, QTextBrowser, QWidget

from cspo_viewer.data.filters import fts_query

DISPLAY_LIMIT = 20_000
"""Characters of one text field shown in the detail pane; the rest is announced."""

_FSI, _PDI = "\u2068", "\u2069"  # Unicode "first strong isolate" … "pop directional isolate"
# Bidi controls and right-to-left scripts: only text holding one needs isolating, so
# ordinary names copy out of the pane without invisible characters.
_BIDI = re.compile(
    "[\u0590-\u08ff\u200e\u200f\u202a-\u202e\u2066-\u2069\ufb1d-\ufdff\ufe70-\ufefe"
    "\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_TERM = re.compile(r'"([^"]*)"(\*?)')
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def esc(text: str) -> str:
    """``text`` escaped for rich text (quotes too, so it is safe inside attributes)."""
    return html.escape(text, quote=True)


def inline(text: str, pattern: re.Pattern[str] | None = None) -> str:
    """Escaped (and highlighted) and bidi-isolated: a right-to-left override inside a
    speaker's name or a publisher cannot reverse the rest of the line it sits in."""
    shown = clip(text)[0]
    marked = highlight(shown, pattern)
    return f"{_FSI}{marked}{_PDI}" if _BIDI.search(shown) else marked


def literal(text: str) -> str:
    """``text`` for a place where Qt guesses the format (a tooltip, a message box): Qt
    takes anything that looks like a tag for HTML, so escape it and say it is rich text.
    Line breaks stay line breaks."""
    return f"<qt>{esc(text).replace(chr(10), '<br>')}</qt>" if text else ""


tooltip = literal
"""Tooltips are the commonest such place; the name reads better at the call."""


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that shows ``text`` (and whatever is set later) exactly as written."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """A warning box whose sentence (often naming a file or a value) reads literally."""
    QMessageBox.warning(parent, title, literal(text))


def clip(text: str, limit: int = DISPLAY_LIMIT) -> tuple[str, int]:
    """The part of ``text`` to show and how many characters were left out."""
    if len(text) <= limit:
        return text, 0
    return text[:limit], len(text) - limit


def search_pattern(search: str) -> re.Pattern[str] | None:
    """What to highlight for a search, matching exactly what the database search matches.

    The terms come from ``filters.fts_query``, so highlighting and searching cannot
    drift apart: words match as prefixes of words ("celest" marks "celestial"), quoted
    phrases as the words in order with any punctuation between them, case-insensitively.
    """
    query = fts_query(search) if search else None
    if not query:
        return None
    terms: list[tuple[int, str]] = []
    for words, star in _TERM.findall(query):
        parts = words.split()
        if not parts:
            continue
        body = r"\W+".join(re.escape(p) for p in parts)
        terms.append((len(parts), rf"(?<!\w){body}\w*" if star else rf"(?<!\w){body}(?!\w)"))
    if not terms:
        return None
    terms.sort(key=lambda t: -t[0])  # phrases first: the longest match wins at a position
    return re.compile("|".join(t for _, t in terms), re.IGNORECASE)


def highlight(text: str, pattern: re.Pattern[str] | None, css_class: str = "hit") -> str:
    """``text`` escaped, with each search hit wrapped in ``<span class=css_class>``."""
    if pattern is None:
        return esc(text)
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        if m.end() == m.start():
            continue
        out.append(esc(text[pos : m.start()]))
        out.append(f'<span class="{css_class}">{esc(m.group())}</span>')
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def has_hit(text: str | None, pattern: re.Pattern[str] | None) -> bool:
    return bool(text and pattern and pattern.search(text[:DISPLAY_LIMIT]))


def paragraphs(
    text: str, pattern: re.Pattern[str] | None, css_class: str = "", lead: str = ""
) -> str:
    """Plain text as ``<p>`` paragraphs (blank lines) with ``<br>`` line breaks, escaped
    and highlighted, clipped to ``DISPLAY_LIMIT`` with a note saying how much is hidden.
    ``lead`` is our own markup put before the first paragraph's text."""
    shown, hidden = clip(text)
    attr = f' class="{css_class}"' if css_class else ""
    parts = [
        f"<p{attr}>{lead if i == 0 else ''}{highlight(p, pattern).replace(chr(10), '<br>')}</p>"
        for i, p in enumerate(_PARAGRAPH_BREAK.split(shown.strip("\n")))
    ]
    if hidden:
        parts.append(
            f'<p class="muted">… {hidden:,} more characters not shown '
            f"({len(text):,} in the record).</p>"
        )
    return "".join(parts)


class SafeBrowser(QTextBrowser):
    """Read-only rich text that never loads a resource (each request is recorded in
    ``requests``) and leaves links to its owner: the one document view for data."""

    def __init__(self, requests: list[QUrl]) -> None:
        super().__init__()
        self._requests = requests
        self.html_source = ""
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)

    def loadResource(self, kind: int, name: QUrl | str) -> object:
        """Every image or style sheet a document asks for is refused (and recorded)."""
        self._requests.append(QUrl(name))
        return None

    def show_html(self, html: str, css: str) -> None:
        self.html_source = html
        self.document().setDefaultStyleSheet(css)
        self.setHtml(html)
