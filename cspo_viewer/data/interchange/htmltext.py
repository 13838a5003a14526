"""HTML to plain text and back, for TimelineJS, whose ``text`` fields are HTML.

Our summaries are plain text; paragraphs and line breaks survive the trip, markup does not
(a link keeps its visible text and its address: "see here (https://…)").
``html.parser`` never fetches or executes anything.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}
_SKIP = {"script", "style"}
_MARKUP = re.compile(r"[<&]")
_SIMPLE_TAG = re.compile(r"<(/?p|br ?/?)>")
_SPACES = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n{3,}")
_ADDRESS = re.compile(r"(?:https?://|mailto:)\S+\Z", re.I)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._links: list[tuple[str | None, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK:
            self.parts.append("\n\n")
        elif tag == "a":
            self._links.append((dict(attrs).get("href"), len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n\n")
        elif tag == "a" and self._links:
            href, start = self._links.pop()
            self._keep_address(href, "".join(self.parts[start:]))

    def _keep_address(self, href: str | None, text: str) -> None:
        """A link's address stays beside its text ("see here (https://…)"), since the
        text alone loses where it pointed. Only web and mail addresses, and only where the
        text does not already show it."""
        href = (href or "").strip()
        if not _ADDRESS.match(href) or href in text:
            return
        self.parts.append(f" ({href})" if text.strip() else href)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(_SPACES.sub(" ", data))


def html_to_text(value: str) -> str:
    """Visible text of an HTML fragment, paragraphs as blank lines; plain text unchanged."""
    if not _MARKUP.search(value):
        return value.strip()
    if (
        value.startswith("<p>")
        and value.endswith("</p>")
        and value.count("<") == 2
        and "&" not in value
    ):
        # One paragraph of text, as text_to_html writes most summaries: what follows
        # comes to the paragraph's text with its whitespace collapsed, stripped.
        return _collapse(value[3:-4]).strip()
    text = _simple_text(value)
    if text is None:
        parser = _TextExtractor()
        parser.feed(value)
        parser.close()
        text = "".join(parser.parts)
    text = "\n".join([line.strip() for line in text.split("\n")])
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def _simple_text(value: str) -> str | None:
    """What ``_TextExtractor`` collects from a fragment whose only markup is ``<p>``,
    ``</p>`` and ``<br>`` (what ``text_to_html`` writes, and what most TimelineJS slides
    hold), several times faster; None for any other fragment.

    The parser hands each run of text between tags to ``handle_data`` whole when it holds
    no ``&`` or ``<``, so the runs collapse their whitespace here exactly as there.
    """
    if "&" in value:
        return None
    tags = list(_SIMPLE_TAG.finditer(value))
    if value.count("<") != len(tags):
        return None  # some other tag, or a bare "<"
    parts: list[str] = []
    pos = 0
    for tag in tags:
        start = tag.start()
        if start > pos:
            parts.append(_collapse(value[pos:start]))
        parts.append("\n" if tag[1][0] == "b" else "\n\n")
        pos = tag.end()
    if pos < len(value):
        parts.append(_collapse(value[pos:]))
    return "".join(parts)


def _collapse(text: str) -> str:
    """``_SPACES.sub(" ", text)``, skipped when it would change nothing (one plain space
    between words is the rule, and substituting each of them costs microseconds)."""
    # Every whitespace character but the plain space is unprintable, so a printable run
    # without two spaces in a row has nothing to collapse.
    if text.isprintable() and "  " not in text:
        return text
    return _SPACES.sub(" ", text)


def text_to_html(value: str) -> str:
    """Plain text as HTML paragraphs (blank lines) and line breaks, escaped."""
    paragraphs = [p for p in re.split(r"\n\s*\n", value) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )
