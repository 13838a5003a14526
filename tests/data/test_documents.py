"""Reading a source document's text (data/documents.py): what an analyst gets from each
format, kept verbatim so quotes can be checked, and the one sentence for each document
that cannot be read. Every document here is built in the test, as the format's own
writer (or its specification) makes it."""

from __future__ import annotations

import codecs
import io
import json
import os
import struct
import textwrap
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from cspo_viewer.data import documents
from cspo_viewer.data.documents import DocumentError, DocumentText, read_document
from cspo_viewer.data.verbatim import verbatim_in
from tests.conftest import REPO, SHARED

STATEMENTS = REPO / "db" / "src" / "statements"
SEVEN_NATIONS = (STATEMENTS / "2019-04-10-seven-nation-statement.txt").read_text(encoding="utf-8")
QUOTE = (
    "To that end, we collectively share the view that military cooperation concerning "
    "the space domain is vital to our countries’ interests."
)
"""A sentence of the seven-nation statement, with its curly apostrophe."""


def statement_quotes() -> list[tuple[str, list[str]]]:
    """(statement text, its quotes) for each bundled event with a statement file."""
    events = json.loads((REPO / "db" / "src" / "events.json").read_text(encoding="utf-8"))
    return [
        (
            (REPO / "db" / "src" / event["statement_file"]).read_text(encoding="utf-8"),
            [quote["text"] for quote in event["quotes"]],
        )
        for event in events
        if event.get("statement_file")
    ]


# --- documents made as their writers make them ------------------------------------------


def write_pdf(
    path: Path,
    pages: list[list[str]],
    *,
    title: str | None = None,
    password: str | None = None,
) -> Path:
    """A PDF whose pages show ``pages``' lines in Helvetica (WinAnsi, so curly quotes
    and dashes are real characters), optionally encrypted with AES-256 as pypdf does."""
    writer = PdfWriter()
    helvetica = {
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    }
    for lines in pages:
        page = writer.add_blank_page(612, 792)
        ops = [b"BT /F1 9 Tf 11 TL 40 750 Td"]
        for line in lines:
            raw = line.encode("cp1252")
            raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
            ops.append(b"(" + raw + b") Tj T*")
        ops.append(b"ET")
        page[NameObject("/Resources")] = DictionaryObject(
            {
                NameObject("/Font"): DictionaryObject(
                    {NameObject("/F1"): DictionaryObject(helvetica)}
                )
            }
        )
        stream = DecodedStreamObject()
        stream.set_data(b"\n".join(ops))
        page.replace_contents(stream)
    if title:
        writer.add_metadata({"/Title": title})
    if password is not None:
        writer.encrypt(user_password=password, owner_password="owner", algorithm="AES-256")
    with path.open("wb") as out:
        writer.write(out)
    return path


def write_docx(path: Path, paragraphs: list[str], *, title: str = "") -> Path:
    """A Word document as python-docx writes it: a heading, the paragraphs, and a table
    whose first row is one merged cell."""
    document = docx.Document()
    document.core_properties.title = title
    document.add_heading("Multinational Statement", level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    table = document.add_table(rows=2, cols=2)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "Signed by seven nations"
    table.cell(1, 0).text = "Australia"
    table.cell(1, 1).text = "Canada"
    document.add_paragraph("After the table.")
    document.save(str(path))
    return path


ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
)


def write_odt(
    path: Path,
    body: str,
    *,
    title: str | None = None,
    mimetype: str = "application/vnd.oasis.opendocument.text",
    prolog: str = "",
) -> Path:
    """An OpenDocument text file laid out as LibreOffice writes one (mimetype first and
    stored, a manifest, content.xml, meta.xml), with ``body`` inside office:text."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<office:document-content {ODT_NS} office:version="1.3">'
        f"<office:body><office:text>{body}</office:text></office:body>"
        "</office:document-content>"
    )
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ODT_NS}>'
        f"<office:meta>{f'<dc:title>{escape(title)}</dc:title>' if title else ''}"
        "</office:meta></office:document-meta>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        f'manifest:media-type="{mimetype}"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)  # stored, as the spec asks
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
        archive.writestr("meta.xml", meta)
    return path


def odt_paragraphs(paragraphs: list[str]) -> str:
    return "".join(f"<text:p>{escape(text)}</text:p>" for text in paragraphs)


def write_html(path: Path, paragraphs: list[str], *, title: str = "A statement") -> Path:
    body = "".join(f"<p>\n  {escape(text)}\n</p>\n" for text in paragraphs)
    path.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"</head><body>{body}</body></html>",
        encoding="utf-8",
    )
    return path


WRITERS = {
    "txt": lambda path, paragraphs: path.write_text("\n\n".join(paragraphs), encoding="utf-8"),
    "html": write_html,
    "pdf": lambda path, paragraphs: write_pdf(
        path, [[line for text in paragraphs for line in textwrap.wrap(text, 100)]]
    ),
    "docx": write_docx,
    "odt": lambda path, paragraphs: write_odt(path, odt_paragraphs(paragraphs)),
}


# --- what each format gives ---------------------------------------------------------


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_every_bundled_statement_quote_is_verbatim_in_the_text_read(tmp_path, fmt):
    """The statements the database quotes from, saved in each format and read back: every
    quote is found verbatim, and the curly apostrophe is still curly."""
    for number, (statement, quotes) in enumerate(statement_quotes()):
        path = tmp_path / f"statement{number}.{fmt}"
        WRITERS[fmt](path, statement.strip().split("\n\n"))
        read = read_document(path)
        assert read.format == fmt
        for quote in quotes:
            assert verbatim_in(quote, read.text), (fmt, quote)
    assert len(statement_quotes()) == 2


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_the_quote_sentence_survives_every_format_with_its_curly_apostrophe(tmp_path, fmt):
    path = tmp_path / f"statement.{fmt}"
    WRITERS[fmt](path, [SEVEN_NATIONS.strip()])
    text = read_document(path).text
    assert verbatim_in(QUOTE, text)
    assert "countries’ interests" in text
    assert not verbatim_in(QUOTE.replace("’", "'"), text)


def test_a_shared_source_article_saved_as_html_keeps_its_quotes(tmp_path):
    """A news article from the project's primary sources, as a browser would save it."""
    source = SHARED / "sources" / "rcaf-2019-04-10-multinational-statement.txt"
    if not source.is_file():
        pytest.skip("the shared source documents are not beside this checkout")
    paragraphs = source.read_text(encoding="utf-8").split("\n\n")
    text = read_document(write_html(tmp_path / "rcaf.html", paragraphs)).text
    assert verbatim_in(QUOTE, text)


def test_txt_drops_the_byte_order_mark_and_tidies_lines_but_keeps_every_mark(tmp_path):
    path = tmp_path / "notes.TXT"
    raw = "He said “space is vital” — it’s so.  \r\nNext line\t\r\n\r\n\r\n\r\n\r\n\r\nLast\r\n"
    path.write_bytes(codecs.BOM_UTF8 + raw.encode("utf-8"))
    assert read_document(path) == DocumentText(
        text="He said “space is vital” — it’s so.\nNext line\n\n\nLast",
        title=None,
        format="txt",
    )


def test_typographic_ligatures_become_their_letters(tmp_path):
    """Copied from a PDF, "oﬃcial" holds one ligature glyph; no one quotes or searches it."""
    path = tmp_path / "pasted.txt"
    path.write_text("An oﬃcial aﬃrmation, ﬂuﬀy: ﬁrst ﬆep.", encoding="utf-8")
    assert read_document(path).text == "An official affirmation, fluffy: first step."


def test_invisible_characters_inside_words_go_but_joiners_stay(tmp_path):
    """A web page's soft hyphens and zero-width spaces are not in any quote typed from it."""
    path = tmp_path / "page.html"
    path.write_text(
        "<p>inter&shy;national co\u200boperation\u2060 &#xFEFF;👩\u200d🚀</p>", encoding="utf-8"
    )
    assert read_document(path).text == "international cooperation 👩\u200d🚀"


def test_txt_in_utf16_with_its_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "notepad.text"
    path.write_bytes("Vision 2031 – “shared”\r\n".encode("utf-16"))
    assert read_document(path).text == "Vision 2031 – “shared”"
    assert read_document(str(path)).text == "Vision 2031 – “shared”"  # a path as text too


def test_txt_that_is_not_utf8_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes("First line\nour countries’ interests\n".encode("cp1252"))
    with pytest.raises(DocumentError) as caught:
        read_document(path)
    assert str(caught.value) == (
        "old.txt is not UTF-8 text (line 2 has a byte UTF-8 does not allow); "
        "save it as UTF-8 and read that"
    )


def test_html_gives_the_visible_text_with_entities_decoded(tmp_path):
    path = tmp_path / "page.HTM"
    path.write_text(
        """<!DOCTYPE html>
<html><head><title>UK MOD &ndash; Space
 security</title><meta name="description" content="not text">
<style>p { color: red }</style><script>var hidden = "not text";</script></head>
<body><nav><svg><title>logo</title></svg>Home</nav>
<form><select><option>Afghanistan</option><option>Albania</option></select>
<button>Search</button></form>
<h1>International   cooperation</h1>
<p>Air Chief Marshal said: &ldquo;We&#8217;re   stronger
together&rdquo;&nbsp;&amp; more.</p>
<p>An &lt;script&gt;alert(1)&lt;/script&gt; as written.<br>Second line</p>
<script>document.write("not text")</script><noscript>Enable scripts</noscript>
<ul><li>one</li><li>two</li></ul>
<pre>  kept   as
  typed</pre>
<template><p>not text</p></template>
</body></html>""",
        encoding="utf-8",
    )
    read = read_document(path)
    assert read.title == "UK MOD – Space security"
    assert read.format == "html"
    assert read.text == (
        "Home\n"
        "Search\n\n"
        "International cooperation\n\n"
        "Air Chief Marshal said: “We’re stronger together”\u00a0& more.\n\n"
        "An <script>alert(1)</script> as written.\nSecond line\n\n"
        "one\ntwo\n\n"
        "  kept   as\n  typed"
    )


def test_html_in_the_charset_it_declares_is_read(tmp_path):
    """A page saved as "iso-8859-1" is read as browsers read it: windows-1252, whose
    curly quotes such pages use."""
    path = tmp_path / "legacy.html"
    path.write_bytes(
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        "</head><body><h1>Heading</h1><p>our countries’ interests</p></body></html>".encode(
            "cp1252"
        )
    )
    read = read_document(path)
    assert read.text == "Heading\n\nour countries’ interests"
    assert read.title == "Heading"


def test_pdf_gives_each_page_in_order_and_its_own_title(tmp_path):
    path = write_pdf(
        tmp_path / "Report.PDF",
        [["Page one says", "“this” — and (that)."], ["Page two."]],
        title="CSpO report",
    )
    assert read_document(path) == DocumentText(
        text="Page one says\n“this” — and (that).\n\nPage two.", title="CSpO report", format="pdf"
    )


def test_a_pdf_written_by_qt_reads_as_words_and_spaces(tmp_path, qapp):
    """Qt's PDFs (the app's own exports, Qt programs' "Print to PDF") draw glyph by glyph:
    their spaces read as tabs and their fonts' ligatures as ligature characters. Read,
    the words are plain letters with spaces between them, and the quote is found."""
    from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument

    path = tmp_path / "qt.pdf"
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setTitle("Made by Qt")
    page = QTextDocument()
    page.setPlainText(SEVEN_NATIONS + "\nAn official affirmation, fluffy and “shifted”.")
    page.print_(writer)
    del writer  # finishes the file
    read = read_document(path)
    assert read.title == "Made by Qt"
    assert verbatim_in(QUOTE, read.text)
    assert verbatim_in("An official affirmation, fluffy and “shifted”.", read.text)
    assert "\t" not in read.text
    assert not set(read.text) & {chr(code) for code in range(0xFB00, 0xFB07)}


def test_pdf_encrypted_with_the_empty_password_is_read(tmp_path):
    """The usual "no printing" PDF: encrypted, yet anyone may open it, and so may we."""
    path = write_pdf(tmp_path / "restricted.pdf", [["Open to all readers."]], password="")
    assert read_document(path).text == "Open to all readers."


def test_docx_gives_paragraphs_and_table_cells_in_order_and_its_title(tmp_path):
    path = write_docx(tmp_path / "statement.docx", ["First “quoted” paragraph.", "", "Second."])
    assert read_document(path) == DocumentText(
        text="Multinational Statement\n\nFirst “quoted” paragraph.\n\nSecond.\n\n"
        "Signed by seven nations\n\nAustralia\n\nCanada\n\nAfter the table.",
        title="Multinational Statement",
        format="docx",
    )
    path = write_docx(tmp_path / "titled.docx", ["Text."], title="The 2019 statement")
    assert read_document(path).title == "The 2019 statement"


def test_docx_keeps_words_in_tracked_insertions_and_content_controls(tmp_path):
    """What Word shows: inserted words and content controls (as templates use) are part
    of the sentence; deleted words, field codes and a text box's own text are not."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("Before.")
    compatibility_ns = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    body = document.element.body
    sentence = parse_xml(
        f"<w:p {nsdecls('w')} xmlns:mc='{compatibility_ns}'>"
        "<w:r><w:t xml:space='preserve'>Ten </w:t></w:r>"
        "<w:ins w:id='1' w:author='a' w:date='2024-12-06T00:00:00Z'>"
        "<w:r><w:t xml:space='preserve'>partner </w:t></w:r></w:ins>"
        "<w:del w:id='2' w:author='a' w:date='2024-12-06T00:00:00Z'>"
        "<w:r><w:delText xml:space='preserve'>founding </w:delText></w:r></w:del>"
        "<w:sdt><w:sdtContent><w:r><w:t>nations</w:t></w:r></w:sdtContent></w:sdt>"
        "<w:r><w:fldChar w:fldCharType='begin'/></w:r>"
        "<w:r><w:instrText xml:space='preserve'> PAGE </w:instrText></w:r>"
        "<w:r><w:fldChar w:fldCharType='end'/></w:r>"
        "<w:smartTag w:uri='u' w:element='place'><w:r><w:t xml:space='preserve'> met</w:t>"
        "</w:r></w:smartTag><w:r><w:tab/><w:t xml:space='preserve'>in </w:t></w:r>"
        "<mc:AlternateContent><mc:Choice Requires='w14'><w:r><w:t>Florence</w:t></w:r>"
        "</mc:Choice><mc:Fallback><w:r><w:t>Florence</w:t></w:r></mc:Fallback>"
        "</mc:AlternateContent><w:r><w:t>.</w:t></w:r></w:p>"
    )
    box = parse_xml(
        f"<w:p {nsdecls('w')} xmlns:v='urn:schemas-microsoft-com:vml'>"
        "<w:r><w:t xml:space='preserve'>Around </w:t></w:r>"
        "<w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>boxed</w:t></w:r>"
        "</w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
        "<w:r><w:t>a box.</w:t></w:r></w:p>"
    )
    control = parse_xml(
        f"<w:sdt {nsdecls('w')}><w:sdtContent><w:p><w:r><w:t>In a block control.</w:t>"
        "</w:r></w:p></w:sdtContent></w:sdt>"
    )
    for element in (sentence, box, control):
        body.sectPr.addprevious(element)
    document.save(str(tmp_path / "tracked.docx"))
    assert read_document(tmp_path / "tracked.docx").text == (
        "Before.\n\nTen partner nations met\tin Florence.\n\nAround a box.\n\nIn a block control."
    )


def test_odt_gives_paragraphs_as_typed_without_notes_comments_or_deleted_text(tmp_path):
    body = (
        "<text:tracked-changes><text:changed-region><text:deletion>"
        "<text:p>deleted words</text:p></text:deletion></text:changed-region>"
        "</text:tracked-changes>"
        "<text:h text:outline-level='1'><text:number>1.</text:number>Joint   Statement</text:h>"
        "<text:p>Principals <text:span>met</text:span> in<text:s text:c='2'/>Florence"
        "<text:note><text:note-citation>1</text:note-citation><text:note-body>"
        "<text:p>A footnote.</text:p></text:note-body></text:note>"
        "<office:annotation><text:p>A comment.</text:p></office:annotation>"
        ".<text:tab/>“Ten”<text:line-break/>nations.</text:p>"
        "<text:list><text:list-item><text:p>one</text:p></text:list-item></text:list>"
        "<table:table><table:table-row><table:table-cell><text:p>cell</text:p>"
        "</table:table-cell></table:table-row></table:table>"
        "<text:p><draw:frame><draw:text-box><text:p>caption</text:p></draw:text-box>"
        "</draw:frame>After the picture.</text:p>"
    )
    path = write_odt(tmp_path / "joint.ODT", body)
    assert read_document(path) == DocumentText(
        text="Joint Statement\n\nPrincipals met in  Florence.\t“Ten”\nnations.\n\none\n\ncell"
        "\n\nAfter the picture.",
        title="Joint Statement",
        format="odt",
    )
    titled = write_odt(tmp_path / "titled.odt", odt_paragraphs(["Text."]), title="Florence")
    assert read_document(titled).title == "Florence"


def test_hostile_markup_in_a_document_is_read_as_plain_text(tmp_path):
    hostile = '<img src="http://x/y.png"> <b>bold</b> &amp; <a href="javascript:x()">go</a>'
    for fmt in ("txt", "docx", "odt"):
        path = tmp_path / f"hostile.{fmt}"
        WRITERS[fmt](path, [hostile])
        assert hostile in read_document(path).text, fmt


# --- documents that cannot be read: one sentence each --------------------------------


def refusal(path: Path) -> str:
    with pytest.raises(DocumentError) as caught:
        read_document(path)
    return str(caught.value)


def test_an_unknown_extension_is_refused_listing_the_formats(tmp_path):
    path = tmp_path / "notes.rtf"
    path.write_text("{\\rtf1 text}", encoding="utf-8")
    assert refusal(path) == (
        "notes.rtf is not a document that can be read; "
        "use a .txt, .text, .html, .htm, .pdf, .docx or .odt file"
    )


def test_a_missing_file_or_a_folder_is_refused(tmp_path):
    assert refusal(tmp_path / "gone.pdf") == "gone.pdf does not exist"
    (tmp_path / "folder.txt").mkdir()
    assert refusal(tmp_path / "folder.txt") == "folder.txt is a folder, not a document"


def test_a_binary_file_named_txt_is_refused(tmp_path):
    path = tmp_path / "picture.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert refusal(path) == "picture.txt is not text (it holds binary data)"
    html = tmp_path / "picture.html"
    html.write_bytes(b"<p>\x00\x01</p>")
    assert refusal(html) == "picture.html is not text (it holds binary data)"


@pytest.mark.parametrize("name", ["big.pdf", "big.docx", "big.txt"])
def test_a_file_over_the_size_cap_is_refused_before_it_is_read(tmp_path, name):
    path = tmp_path / name
    with path.open("wb") as sparse:
        sparse.truncate(210_000_000)  # sparse: no disk used, no time spent
    assert refusal(path) == f"{name} is 210 MB; documents over 100 MB are not read"
    assert path.stat().st_size == 210_000_000


def test_a_file_at_the_size_cap_passes_the_size_check(tmp_path):
    path = tmp_path / "long.txt"
    with path.open("wb") as out:
        out.write(b"words")
        out.truncate(documents.MAX_DOCUMENT_BYTES)  # then NULs: read, and found binary
    assert refusal(path) == "long.txt is not text (it holds binary data)"


def test_a_pdf_that_needs_a_password_is_refused(tmp_path):
    path = write_pdf(tmp_path / "report.pdf", [["Secret."]], password="s3cret")
    assert refusal(path) == "report.pdf is encrypted; save an unprotected copy and read that"


def test_a_damaged_pdf_is_refused(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\nthis is not a PDF body at all\n")
    assert refusal(path) == "broken.pdf is not a readable PDF file"


def test_a_pdf_without_text_says_it_may_be_a_scan(tmp_path):
    path = write_pdf(tmp_path / "scan.pdf", [[]])
    assert (
        refusal(path) == "scan.pdf holds no text (a scanned PDF holds only pictures of its pages)"
    )


@pytest.mark.parametrize(
    ("name", "kind"),
    [("x.docx", "Word document"), ("x.odt", "OpenDocument text file")],
)
def test_an_archive_format_that_is_not_a_zip_is_refused(tmp_path, name, kind):
    path = tmp_path / name
    path.write_text("plain words, no archive", encoding="utf-8")
    assert refusal(path) == f"{name} is not a readable {kind} (it is not a zip archive)"


def test_a_zip_of_the_other_format_is_refused(tmp_path):
    odt = write_odt(tmp_path / "x.odt", odt_paragraphs(["Text."]))
    docx_named = tmp_path / "x.docx"
    docx_named.write_bytes(odt.read_bytes())
    assert refusal(docx_named) == "x.docx is not a readable Word document"
    word = write_docx(tmp_path / "y.docx", ["Text."])
    odt_named = tmp_path / "y.odt"
    odt_named.write_bytes(word.read_bytes())
    assert refusal(odt_named) == "y.odt is not a readable OpenDocument text file"
    sheet = write_odt(
        tmp_path / "sheet.odt", "", mimetype="application/vnd.oasis.opendocument.spreadsheet"
    )
    assert refusal(sheet) == "sheet.odt is not a readable OpenDocument text file"


@pytest.fixture(scope="module")
def zeros_bomb(tmp_path_factory) -> bytes:
    """A zip whose one part is 300 MB of zeros, packed into about 300 KB."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("word/document.xml", "w", force_zip64=True) as part,
    ):
        chunk = bytes(1 << 20)
        for _ in range(300):
            part.write(chunk)
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["bomb.docx", "bomb.odt"])
def test_a_zip_bomb_is_refused_at_the_real_cap(tmp_path, zeros_bomb, name):
    path = tmp_path / name
    path.write_bytes(zeros_bomb)
    assert len(zeros_bomb) < 1_000_000
    assert refusal(path) == f"{name} expands to more than 200 MB when unpacked; it is not read"
    assert path.read_bytes() == zeros_bomb


@pytest.mark.parametrize("name", ["packed.docx", "packed.odt"])
def test_a_part_packed_tighter_than_any_text_is_refused(tmp_path, name):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("content.xml", b"<x/>" + bytes(20_000_000))
    assert refusal(path) == (
        f"{name} holds a part packed more than 100 to 1, as zip bombs are; it is not read"
    )


def test_an_archive_of_too_many_files_is_refused(tmp_path):
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(documents.MAX_ARCHIVE_MEMBERS + 1):
            archive.writestr(f"part{number}.xml", b"")
    assert refusal(path) == "many.docx holds more than 1000 files when unpacked; it is not read"


def test_a_part_that_lies_about_its_size_is_not_unpacked_past_it(tmp_path):
    """A part declaring 100 bytes but holding 10 MB passes the size check, and zipfile
    stops at the declared size, so the library finds a damaged file, not a bomb."""
    word = write_docx(tmp_path / "honest.docx", ["Text."])
    buffer = io.BytesIO()
    with zipfile.ZipFile(word) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data += b" " * 10_000_000
            target.writestr(info, data, zipfile.ZIP_DEFLATED)
    raw = bytearray(buffer.getvalue())
    central = raw.find(b"PK\x01\x02")
    while central != -1:  # every part's central record declares 100 bytes unpacked
        raw[central + 24 : central + 28] = struct.pack("<I", 100)
        central = raw.find(b"PK\x01\x02", central + 4)
    path = tmp_path / "liar.docx"
    path.write_bytes(bytes(raw))
    assert refusal(path) == "liar.docx is not a readable Word document"


def test_an_entity_expansion_bomb_in_an_odt_is_refused(tmp_path):
    entities = '<!ENTITY a0 "laugh">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)
    )
    path = write_odt(
        tmp_path / "laughs.odt",
        "<text:p>&a9;</text:p>",
        prolog=f"<!DOCTYPE office:document-content [{entities}]>",
    )
    assert refusal(path) == "laughs.odt is not a readable OpenDocument text file"


def test_an_empty_document_is_refused(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text(" \n\n\t\n", encoding="utf-8")
    assert refusal(path) == "blank.txt holds no text"


def test_an_unreadable_file_is_refused(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = tmp_path / "locked.txt"
    path.write_text("text", encoding="utf-8")
    path.chmod(0)
    assert refusal(path) == "locked.txt cannot be read: Permission denied"


def test_the_suffixes_offered_are_the_ones_read(tmp_path):
    """A file dialog filters on DOCUMENT_SUFFIXES: each one, in any case, is read."""
    expected = {
        ".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html",
        ".pdf": "pdf", ".docx": "docx", ".odt": "odt",
    }  # fmt: skip
    offered = documents.DOCUMENT_SUFFIXES
    assert offered == tuple(expected)
    for suffix, fmt in expected.items():
        path = tmp_path / f"x{suffix.upper()}"
        WRITERS[fmt](path, ["Words."])
        read = read_document(path)
        assert read.format == fmt
        assert verbatim_in("Words.", read.text)
