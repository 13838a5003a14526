"""A source document's full text, read from a file for quoting (no Qt).

An analyst attaches a source's text to its record and captures quotes from it, so the
text must be the document's own words: characters are kept as they are (curly quotes
stay curly, dashes stay dashes); only line endings, trailing spaces, runs of blank lines,
typographic ligatures and invisible characters are tidied (``normalise_text``).

One well-kept library per format:

- .txt/.text: the standard library. UTF-8, with or without a byte-order mark; UTF-16 and
  UTF-32 only with their byte-order mark (as Windows Notepad writes them). Any other
  encoding is refused rather than guessed: a wrong guess would silently turn a curly
  apostrophe into another character and every quote with it.
- .html/.htm: the standard library's ``html.parser``, which decodes every entity; only
  the text a browser shows (no script, style or template), ``<title>`` as the title.
- .pdf: pypdf, text page by page. An encrypted PDF that opens with the empty password
  (the usual "no printing" restriction) is read; one that needs a password is refused.
  pypdf's crypto extra (cryptography) reads the AES encryption such PDFs use. A tab is
  a gap between words in a PDF (Qt's PDFs map every space to one), never one the author
  typed: it becomes a space.
- .docx: python-docx, paragraphs and table cells in document order, with the words of
  tracked insertions and content controls (``_docx_blocks``).
- .odt: the standard library (``zipfile`` and ``xml.etree``) over content.xml. odfpy,
  the only ODF library, has had no release since 2020 and, given malformed XML, prints
  the whole content.xml to standard output and goes on with half a document; the text
  model needed here (paragraphs, headings, spaces, tabs, breaks; no notes or comments)
  is small. A part with a DTD is refused, so no entity-expansion bomb can go off.

Archives (.docx, .odt) are checked before any library opens them (``_check_archive``):
the declared sizes bound what Python's ``zipfile`` will ever unpack, so summing them
stops a zip bomb before it expands.
"""

from __future__ import annotations

import codecs
import contextlib
import math
import os
import re
import stat
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from cspo_viewer.data.verbatim import normalise_space
from cspo_viewer.errors import UserError

MB = 1_000_000
MAX_DOCUMENT_BYTES = 100 * MB
"""Larger files are not read: a source's text is far smaller, even a long report as PDF."""
MAX_UNPACKED_BYTES = 200 * MB
"""What a .docx or .odt may declare unpacked: room for a full-size document's pictures."""
MAX_ARCHIVE_MEMBERS = 1000
"""Files inside a .docx or .odt: real ones hold a few dozen."""
MAX_COMPRESSION_RATIO = 100
"""Text XML packs 5-30 to 1; a part packed tighter than this is built to expand."""
_RATIO_CHECK_FROM = 1 * MB
"""Parts smaller than this are not ratio-checked: they cannot expand into harm."""


class DocumentError(UserError):
    """A document that cannot be read; the message is one sentence naming the file."""


@dataclass(frozen=True)
class DocumentText:
    """What a document says: its text, its own title if it has one, and its format
    (the canonical extension: "txt", "html", "pdf", "docx" or "odt")."""

    text: str
    title: str | None
    format: str


_Reader = Callable[[Path], tuple[str, str | None]]


def read_document(path: str | os.PathLike[str]) -> DocumentText:
    """The text of the document at ``path``, chosen by its extension (any case).

    Raises ``DocumentError`` with one sentence when the file cannot be read.
    """
    path = Path(path)
    name = path.name or str(path)
    fmt = _FORMAT_OF_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        listed = ", ".join(DOCUMENT_SUFFIXES[:-1]) + f" or {DOCUMENT_SUFFIXES[-1]}"
        raise DocumentError(f"{name} is not a document that can be read; use a {listed} file")
    _check_file(path, name)
    raw, title = _READERS[fmt](path)
    text = normalise_text(raw)
    if not text.strip():
        raise DocumentError(f"{name} holds no text{_EMPTY_HINT.get(fmt, '')}")
    return DocumentText(text=text, title=normalise_space(title or "") or None, format=fmt)


# --- text normalisation -------------------------------------------------------------

_LINE_END = re.compile(r"\r\n?")
_PAGE_OR_LINE_FEED = re.compile(r"[\x0b\x0c]")
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\u00ad\u200b\u2060\ufeff]")
"""Control characters, and the invisible soft hyphen, zero-width space, word joiner and
byte-order mark web pages put inside words: a quote typed from the page has none, and a
passage captured with one would fail every search. (Zero-width joiners stay: some
scripts and emoji need them.)"""
_TRAILING_SPACE = re.compile(r"[^\S\n]+$", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n{4,}")


_LIGATURES = str.maketrans(
    {chr(code): unicodedata.normalize("NFKC", chr(code)) for code in range(0xFB00, 0xFB07)}
)
"""ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ to their letters: glyphs a typesetter chose (PDFs are full of them), not
characters an author wrote; kept, "oﬃcial" would match no quote or search for "official"."""


def normalise_text(text: str) -> str:
    """``text`` tidied without changing a word or a mark: line endings become ``\\n``,
    vertical tabs and form feeds (page breaks) line breaks; invisible characters go;
    typographic ligatures become their letters; trailing spaces go from each line; more
    than two blank lines in a row become two; no blank lines at either end. Pasted text
    should go through here as read text does."""
    text = text.translate(_LIGATURES)
    text = _LINE_END.sub("\n", text)
    text = _PAGE_OR_LINE_FEED.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = _TRAILING_SPACE.sub("", text)
    text = _BLANK_LINES.sub("\n\n\n", text)
    return text.strip("\n")


# --- the file itself ------------------------------------------------------------------


def _check_file(path: Path, name: str) -> None:
    """Refuse a missing, unreadable, non-regular or oversized file before reading it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise DocumentError(f"{name} does not exist") from None
    except OSError as exc:
        raise DocumentError(f"{name} cannot be read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise DocumentError(f"{name} is a folder, not a document")
    if not stat.S_ISREG(info.st_mode):
        raise DocumentError(f"{name} is not a regular file")
    if info.st_size > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            f"{name} is {math.ceil(info.st_size / MB)} MB; "
            f"documents over {MAX_DOCUMENT_BYTES // MB} MB are not read"
        )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path.name} cannot be read: {exc.strerror or exc}") from None


# --- plain text -----------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose mark begins it
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode(name: str, data: bytes, declared: str | None = None) -> str:
    """Bytes to text: a byte-order mark decides; else ``declared`` (an HTML page's own
    charset), else UTF-8. Never a guess; NUL bytes mean binary data, not text."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is None:
        if b"\x00" in data:
            raise DocumentError(f"{name} is not text (it holds binary data)")
        encoding = declared or "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        label = codecs.lookup(encoding).name.upper().removesuffix("-SIG")
        raise DocumentError(
            f"{name} is not {label} text (line {line} has a byte {label} does not allow); "
            "save it as UTF-8 and read that"
        ) from None
    if "\x00" in text:
        raise DocumentError(f"{name} is not text (it holds binary data)")
    return text


def _read_txt(path: Path) -> tuple[str, str | None]:
    return _decode(path.name, _read_bytes(path)), None


# --- HTML -----------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_WINDOWS_1252_LABELS = frozenset({"ascii", "latin_1", "iso8859-1"})
"""Labels browsers read as windows-1252 (the HTML standard's rule): pages saying
"iso-8859-1" use its curly quotes all the time."""


def _declared_charset(data: bytes) -> str | None:
    """The encoding an HTML page declares in its first 1024 bytes, if Python knows it."""
    match = _META_CHARSET.search(data[:1024])
    if match is None:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    return "cp1252" if name in _WINDOWS_1252_LABELS else name


_HIDDEN = frozenset(
    {"script", "style", "template", "noscript", "iframe", "canvas", "video", "audio", "svg"}
    | {"select", "datalist"}
)
"""Elements whose content a browser does not show as text: code, fallbacks, icons (an
inline SVG's <title>), and a saved page's drop-down lists (every country, say)."""
# fmt: off
_LINE_BLOCKS = frozenset({
    "br", "div", "li", "dt", "dd", "tr", "td", "th", "caption", "figcaption", "address",
    "header", "footer", "nav", "main", "aside", "form", "fieldset", "legend", "summary",
    "details",
})
"""Elements a browser starts on a new line."""
_PARAGRAPH_BLOCKS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl",
    "section", "article", "figure", "hr", "body",
})
"""Elements a browser sets apart with space above and below: a blank line here."""
# fmt: on
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
"""HTML's own whitespace (not U+00A0: &nbsp; is a character the page chose)."""


class _VisibleText(HTMLParser):
    """Collects the text a browser shows: blocks on their own lines, paragraphs apart,
    whitespace collapsed as HTML does (kept inside <pre>), the <title> and first <h1>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self.heading_parts: list[str] = []
        self._hidden = 0
        self._pre = 0
        self._in_title = False
        self._title_seen = False
        self._h1 = 0  # 1 inside the first <h1>, 2 after it

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif self._hidden:
            pass
        elif tag == "title" and not self._title_seen:
            self._in_title = True
        elif tag == "h1" and self._h1 == 0:
            self._h1 = 1
        if tag == "pre":
            self._pre += 1
        self._block(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag == "title" and self._in_title:
            self._in_title, self._title_seen = False, True
        elif tag == "h1" and self._h1 == 1:
            self._h1 = 2
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag != "br":
            self._block(tag)

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._in_title:
            self.title_parts.append(data)
            return
        if self._h1 == 1:
            self.heading_parts.append(data)
        if not self._pre:
            data = _HTML_SPACE.sub(" ", data)
            if self._at_line_start() or self._ends_with_space():
                data = data.lstrip(" ")
        if data:
            self.parts.append(data)

    def _block(self, tag: str) -> None:
        if self._hidden:
            return
        if tag in _PARAGRAPH_BLOCKS:
            self._break(2)
        elif tag in _LINE_BLOCKS:
            self._break(1)

    def _break(self, lines: int) -> None:
        """End the current line (and leave a blank one for ``lines`` 2), once."""
        if self.parts:
            self.parts[-1] = self.parts[-1].rstrip(" ")
        tail = "".join(self.parts[-3:])
        have = len(tail) - len(tail.rstrip("\n"))
        if self.parts and have < lines:
            self.parts.append("\n" * (lines - have))

    def _at_line_start(self) -> bool:
        return not self.parts or self.parts[-1].endswith("\n")

    def _ends_with_space(self) -> bool:
        return bool(self.parts) and self.parts[-1].endswith(" ")


def _read_html(path: Path) -> tuple[str, str | None]:
    data = _read_bytes(path)
    parser = _VisibleText()
    parser.feed(_decode(path.name, data, _declared_charset(data)))
    parser.close()
    title = normalise_space("".join(parser.title_parts)) or normalise_space(
        "".join(parser.heading_parts)
    )
    return "".join(parser.parts), title or None


# --- PDF ------------------------------------------------------------------------------


def _read_pdf(path: Path) -> tuple[str, str | None]:
    from pypdf import PasswordType, PdfReader

    name = path.name
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise DocumentError(f"{name} is encrypted; save an unprotected copy and read that")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except DocumentError:
        raise
    except Exception as exc:  # pypdf's many errors for a damaged or hostile file
        raise DocumentError(f"{name} is not a readable PDF file") from exc
    text = "\n\n".join(page.strip("\n") for page in pages).replace("\t", " ")
    return text, str(title) if title else None


# --- archives: .docx and .odt ----------------------------------------------------------


def _check_archive(path: Path, kind: str) -> None:
    """Refuse a file that is not a zip archive, or one built to expand past what any real
    document needs, before a library unpacks it."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise DocumentError(f"{name} is not a readable {kind} (it is not a zip archive)") from None
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise DocumentError(
            f"{name} holds more than {MAX_ARCHIVE_MEMBERS} files when unpacked; it is not read"
        )
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise DocumentError(
            f"{name} expands to more than {MAX_UNPACKED_BYTES // MB} MB when unpacked; "
            "it is not read"
        )
    for member in members:
        if member.file_size > max(_RATIO_CHECK_FROM, MAX_COMPRESSION_RATIO * member.compress_size):
            raise DocumentError(
                f"{name} holds a part packed more than {MAX_COMPRESSION_RATIO} to 1, "
                "as zip bombs are; it is not read"
            )


_WORD = "Word document"


def _read_docx(path: Path) -> tuple[str, str | None]:
    import docx

    _check_archive(path, _WORD)
    try:
        document = docx.Document(str(path))
        names = {style.style_id: style.name or "" for style in document.styles}
        blocks = [
            (text, names.get(p.style or "", "")) for text, p in _docx_blocks(document.element.body)
        ]
        title = document.core_properties.title or next(
            (text for text, style in blocks if style == "Title" or style.startswith("Heading")),
            None,
        )
    except Exception as exc:  # python-docx's errors for a damaged or foreign package
        raise DocumentError(f"{path.name} is not a readable {_WORD}") from exc
    return "\n\n".join(text for text, _ in blocks if text.strip()), title


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCX_CONTAINERS = frozenset(
    f"{_W}{tag}" for tag in ("tbl", "tr", "tc", "sdt", "sdtContent", "customXml")
)
"""Block elements whose paragraphs are the document's text: tables (a merged cell is one
``w:tc``) and content controls, which Word templates wrap around whole sections."""
_DOCX_NOT_OWN_TEXT = frozenset(
    [f"{_W}{tag}" for tag in ("del", "moveFrom", "p", "txbxContent")]
    + ["{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"]
)
"""Around a run, these mean it is not this paragraph's sentence: tracked deletions, text
boxes (their own paragraphs, nested inside a run), and the fallback copy of content
Word also writes in a newer form."""


def _docx_blocks(element: Any) -> Iterator[tuple[str, Any]]:
    """(text, w:p element) of each paragraph in document order.

    python-docx's ``Paragraph.text`` reads only a paragraph's direct runs and links, so
    words in a tracked insertion or an inline content control would vanish mid-sentence;
    here every run of the paragraph counts except deleted ones, each read by python-docx
    (text, tabs, breaks; never field codes or deleted text).
    """
    for child in element:
        if child.tag == f"{_W}p":
            yield "".join(r.text or "" for r in child.iter(f"{_W}r") if _own_run(r, child)), child
        elif child.tag in _DOCX_CONTAINERS:
            yield from _docx_blocks(child)


def _own_run(run: Any, paragraph: Any) -> bool:
    parent = run.getparent()
    while parent is not None and parent is not paragraph:
        if parent.tag in _DOCX_NOT_OWN_TEXT:
            return False
        parent = parent.getparent()
    return True


_ODT = "OpenDocument text file"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_ODT_PARAGRAPHS = frozenset({f"{_TEXT}p", f"{_TEXT}h"})
_ODT_CONTAINERS = frozenset(
    [f"{_TEXT}{tag}" for tag in ("list", "list-item", "list-header", "section")]
    + [f"{_TABLE}table{part}" for part in ("", "-header-rows", "-rows", "-row-group", "-row")]
    + [f"{_TABLE}table-cell"]
)
"""Block elements whose paragraphs are the document's text. Others (tracked changes'
deleted text, tables of contents, forms) are not."""
_ODT_NOT_TEXT = frozenset({f"{_TEXT}note", f"{_OFFICE}annotation", f"{_TEXT}number"})
"""Footnotes and comments sit inside a paragraph but are not part of its sentence; a
heading's number is the list's, not the text's (a .docx carries none either)."""
_ODT_MAX_SPACES = 1000
_ODT_SPACE = re.compile(r"[ \t\n\r]+")


def _read_odt(path: Path) -> tuple[str, str | None]:
    _check_archive(path, _ODT)
    try:
        with zipfile.ZipFile(path) as archive:
            if archive.read("mimetype").strip() != _ODT_MIMETYPE:
                raise ValueError("not an OpenDocument text mimetype")
            content = _odt_xml(archive.read("content.xml"))
            meta = None
            with contextlib.suppress(KeyError):
                meta = _odt_xml(archive.read("meta.xml"))
        body = content.find(f"{_OFFICE}body/{_OFFICE}text")
        if body is None:
            raise ValueError("no office:text body")
        blocks = list(_odt_blocks(body))
    except Exception as exc:  # zip, XML and structure errors of a damaged file alike
        raise DocumentError(f"{path.name} is not a readable {_ODT}") from exc
    title = meta.findtext(f"{_OFFICE}meta/{_DC_TITLE}") if meta is not None else None
    if not (title and title.strip()):
        title = next((text for text, tag in blocks if tag == f"{_TEXT}h"), None)
    return "\n\n".join(text for text, _ in blocks if text.strip()), title


def _odt_xml(data: bytes) -> ElementTree.Element:
    """Parse an ODF part. ODF parts never carry a DTD, so one that does is refused before
    parsing: no entity can expand, whichever expat Python was built with. (Outside markup
    a ``<`` is escaped, so ``<!DOCTYPE`` can only be a declaration.)"""
    if b"<!DOCTYPE" in data:
        raise ValueError("an ODF part with a DTD")
    return ElementTree.fromstring(data)


def _odt_blocks(element: ElementTree.Element) -> Iterator[tuple[str, str]]:
    """(text, tag) of each paragraph and heading in document order."""
    for child in element:
        if child.tag in _ODT_PARAGRAPHS:
            yield "".join(_odt_inline(child)).strip(" "), child.tag
        elif child.tag in _ODT_CONTAINERS:
            yield from _odt_blocks(child)


def _odt_inline(element: ElementTree.Element) -> Iterator[str]:
    """A paragraph's text as ODF defines it: whitespace in the XML is one space; spaces,
    tabs and line breaks the author typed are elements."""
    yield _ODT_SPACE.sub(" ", element.text or "")
    for child in element:
        if child.tag == f"{_TEXT}s":
            yield " " * min(int(child.get(f"{_TEXT}c", "1")), _ODT_MAX_SPACES)
        elif child.tag == f"{_TEXT}tab":
            yield "\t"
        elif child.tag == f"{_TEXT}line-break":
            yield "\n"
        elif child.tag.startswith(_TEXT) and child.tag not in _ODT_NOT_TEXT:
            yield from _odt_inline(child)  # spans, links, bookmarks
        yield _ODT_SPACE.sub(" ", child.tail or "")


# --- the formats ----------------------------------------------------------------------

_READERS: dict[str, _Reader] = {
    "txt": _read_txt,
    "html": _read_html,
    "pdf": _read_pdf,
    "docx": _read_docx,
    "odt": _read_odt,
}
_FORMAT_OF_SUFFIX = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".odt": "odt",
}
_EMPTY_HINT = {"pdf": " (a scanned PDF holds only pictures of its pages)"}
DOCUMENT_SUFFIXES = tuple(_FORMAT_OF_SUFFIX)
"""The extensions read_document reads (lower case, with the dot): for a file dialog's
filter, so that it offers exactly these."""
