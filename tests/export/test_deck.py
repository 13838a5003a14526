"""Briefings that go straight into PowerPoint (issue 19): small PNGs, decks on layouts
with the organisation's template, the marking everywhere, alt text, the editable
timeline slide, even event slides and the briefing book. Decks are read back with
python-pptx, as PowerPoint would open them."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtGui import QImage

from cspo_viewer.cli import main
from tests.paths import REPO

DAY = ["--generated", "2025-01-15"]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["export", *args])
    out, err = capsys.readouterr()
    return code, out, err


# --- small pictures -----------------------------------------------------------------------


def test_png_is_compressed_and_keeps_its_pixels(qapp, tmp_path, capsys):
    target = tmp_path / "brief.png"
    code, _, err = run(capsys, "--out", str(target), *DAY)
    assert code == 0, err
    assert target.stat().st_size <= 1_000_000  # was 24.9 MB stored raw
    image = QImage(str(target))
    assert (image.width(), image.height()) == (3840, 2160)
    assert image.pixelColor(5, 1000).name() == "#ffffff"


# --- decks on layouts, with the organisation's template -----------------------------------

pptx = pytest.importorskip("pptx")
from pptx import Presentation  # noqa: E402
from pptx.enum.shapes import PP_PLACEHOLDER  # noqa: E402
from pptx.util import Emu, Pt  # noqa: E402

FOUR_THREE = (Emu(9_144_000), Emu(6_858_000))


def texts(slide) -> dict[str, str]:
    return {s.name: s.text_frame.text for s in slide.shapes if s.has_text_frame}


def make_template(path, *, footer: str = "Org footer", drop_titles: bool = False):
    """A 4:3 template whose layouts have other names (found by placeholder type, not
    name), a footer on every layout, a body font of its own and an example slide."""
    deck = Presentation()  # python-pptx's default is 4:3
    for layout in deck.slide_layouts:
        layout.name = f"Org {layout.name}"
        for ph in layout.placeholders:
            kind = ph.placeholder_format.type
            if kind == PP_PLACEHOLDER.FOOTER:
                ph.text_frame.text = footer
            if drop_titles and kind in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
                ph._element.getparent().remove(ph._element)
    example = deck.slides.add_slide(deck.slide_layouts[0])
    if example.shapes.title is not None:
        example.shapes.title.text = "Example slide"
    deck.save(str(path))
    return path


def test_slides_are_built_on_title_layouts_with_alt_text_and_properties(qapp, tmp_path, capsys):
    import getpass

    target = tmp_path / "b.pptx"
    code, out, err = run(capsys, "--out", str(target), "--event-slides", "--nation", "Japan", *DAY)
    assert code == 0, err
    deck = Presentation(str(target))
    first = deck.slides[0]
    assert first.slide_layout.name == "Title Only"
    assert first.shapes.title.placeholder_format.type == PP_PLACEHOLDER.TITLE
    assert first.shapes.title.text == "Combined Space Operations Initiative, 2023–2024"
    for slide in list(deck.slides)[1:]:
        assert slide.slide_layout.name == "Title and Content"
        assert slide.shapes.title.text == texts(slide)["Title"]
        assert slide.shapes.title.is_placeholder
        body = next(s for s in slide.shapes if s.name == "Summary and quotes")
        assert body.is_placeholder  # the layout's content placeholder, not a loose box
    # Alt text: what the picture shows, its events named in date order.
    picture = next(s for s in first.shapes if s.shape_type == 13)
    descr = picture._element.xpath("./p:nvPicPr/p:cNvPr")[0].get("descr")
    assert descr.startswith("Timeline of 6 events, 2023–2024, lanes by kind:")
    names = ["Japan completes procedures to join CSpO", "Principals' Board in Berlin"]
    assert all(n in descr for n in names[:1])
    order = [descr.index(r.split(" (")[0]) for r in descr.split("in date order: ")[1].split("; ")]
    assert order == sorted(order)
    # The embedded picture is the PNG export's file, Description chunk and all.
    embedded = QImage.fromData(picture.image.blob)
    assert embedded.text("Description") == descr
    assert len(picture.image.blob) < 1_000_000
    props = deck.core_properties
    assert props.title == first.shapes.title.text
    assert props.subject == "Nations: Japan · Themes: all"
    assert props.author == getpass.getuser()
    assert props.created.date().isoformat() == "2025-01-15"
    assert "slides" in out


def test_template_gives_its_size_layouts_fonts_and_footer(qapp, tmp_path, capsys):
    template = make_template(tmp_path / "org.pptx")
    target = tmp_path / "b.pptx"
    code, _, err = run(
        capsys,
        "--out",
        str(target),
        "--template",
        str(template),
        "--event-slides",
        "--nation",
        "Italy",
        "--marking",
        "OFFICIAL",
        *DAY,
    )
    assert code == 0, err
    deck = Presentation(str(target))
    assert (deck.slide_width, deck.slide_height) == FOUR_THREE
    assert "Example slide" not in [texts(s).get("Title") for s in deck.slides]
    assert deck.slides[0].slide_layout.name == "Org Title Only"
    assert {s.slide_layout.name for s in list(deck.slides)[1:]} == {"Org Title and Content"}
    picture = next(s for s in deck.slides[0].shapes if s.shape_type == 13)
    assert picture.image.size == (3840, 2880)  # the template's 4:3, not a squeezed 16:9
    assert (picture.width, picture.height) == FOUR_THREE
    for slide in deck.slides:
        footers = [
            s for s in slide.placeholders if s.placeholder_format.type == PP_PLACEHOLDER.FOOTER
        ]
        assert [f.text_frame.text for f in footers] == ["Org footer"]
        sources = [s for s in slide.shapes if s.name == "Sources"]
        for shape in sources:  # event text stays above the template's footer
            assert shape.top + shape.height <= footers[0].top
        # The template's fonts: event text names no typeface of its own.
    runs = [
        r
        for s in deck.slides[1].shapes
        if s.has_text_frame and s.name != "Marking"
        for p in s.text_frame.paragraphs
        for r in p.runs
    ]
    assert runs and all(r.font.name is None for r in runs)
    # .potx: the same template saved as a PowerPoint template.
    potx = tmp_path / "org.potx"
    potx.write_bytes(as_potx(template.read_bytes()))
    code, _, err = run(capsys, "--out", str(tmp_path / "c.pptx"), "--template", str(potx))
    assert code == 0, err
    assert (Presentation(str(tmp_path / "c.pptx")).slide_width) == FOUR_THREE[0]


def as_potx(pptx_bytes: bytes) -> bytes:
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(pptx_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"presentation.main+xml", b"template.main+xml")
            dst.writestr(info, data)
    return out.getvalue()


def test_without_a_template_text_uses_the_pictures_font(qapp, tmp_path, capsys):
    from cspo_viewer.render.palette import look

    target = tmp_path / "b.pptx"
    code, _, err = run(capsys, "--out", str(target), "--event-slides", "--nation", "Italy")
    assert code == 0, err
    deck = Presentation(str(target))
    family = look("light").font_family
    runs = [
        r
        for slide in deck.slides
        for s in slide.shapes
        if s.has_text_frame
        for p in s.text_frame.paragraphs
        for r in p.runs
    ]
    assert {r.font.name for r in runs} == {family}


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p, "does not exist"),
        (lambda p: (p.write_text("hello"), p)[1], "is not a PowerPoint presentation"),
        (
            lambda p: (p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), p)[1],
            "is password-protected",
        ),
        (lambda p: make_template(p, drop_titles=True), "no slide layout with a title"),
    ],
)
def test_a_bad_template_is_one_sentence_and_exit_2(qapp, tmp_path, capsys, make, words):
    template = make(tmp_path / "t.pptx")
    target = tmp_path / "out" / "b.pptx"
    target.parent.mkdir()
    code, out, err = run(capsys, "--out", str(target), "--template", str(template))
    assert code == 2 and words in err, err
    assert err.count("\n") == 1 and out == ""
    assert list(target.parent.iterdir()) == []


def test_format_options_need_their_format(qapp, tmp_path, capsys):
    for flag, needs in (("--editable", ".pptx"), ("--event-pages", ".pdf")):
        code, _, err = run(capsys, "--out", str(tmp_path / "x.png"), flag)
        assert code == 2 and f"{flag} needs a {needs} file" in err
    code, _, err = run(capsys, "--out", str(tmp_path / "x.png"), "--template", "t.pptx")
    assert code == 2 and "--template needs a .pptx file" in err
    assert list(tmp_path.iterdir()) == []


# --- marking and alt text everywhere ------------------------------------------------------


def test_marking_is_top_and_bottom_on_every_slide(qapp, tmp_path, capsys):
    template = make_template(tmp_path / "org.pptx")
    for extra in ([], ["--template", str(template)]):
        target = tmp_path / "m.pptx"
        code, _, err = run(
            capsys,
            "--out",
            str(target),
            "--force",
            "--event-slides",
            "--kind",
            "statement",
            "--marking",
            "OFFICIAL-SENSITIVE",
            *extra,
        )
        assert code == 0, err
        deck = Presentation(str(target))
        height = deck.slide_height
        assert len(deck.slides) > 3
        for slide in deck.slides:
            marks = sorted((s for s in slide.shapes if s.name == "Marking"), key=lambda s: s.top)
            assert [m.text_frame.text for m in marks] == ["OFFICIAL-SENSITIVE"] * 2
            assert marks[0].top == 0
            assert abs(marks[1].top + marks[1].height - height) <= 4000
            for m in marks:  # centred across the slide
                assert m.text_frame.paragraphs[0].alignment == 2  # PP_ALIGN.CENTER
                assert abs(m.left + m.width / 2 - deck.slide_width / 2) <= 4000


def test_png_svg_and_pdf_carry_marking_and_description(qapp, tmp_path, capsys, bundled_db):
    from cspo_viewer.data.filters import EventFilter
    from cspo_viewer.data.store import open_store
    from cspo_viewer.export import ExportData, ExportOptions, build_page
    from cspo_viewer.model.page import alt_text

    for suffix in ("png", "svg", "pdf"):
        code, _, err = run(
            capsys, "--out", str(tmp_path / f"b.{suffix}"), "--marking", "OFFICIAL", *DAY
        )
        assert code == 0, err
    with open_store(bundled_db) as store:
        page = build_page(ExportData.load(store, EventFilter()), ExportOptions())
        expected = alt_text(page)
        n = store.total_events()
    assert expected.startswith(f"Timeline of {n} events, 2014–2024, lanes by kind: Founding")
    assert "and " in expected or len(expected) < 900
    png = QImage(str(tmp_path / "b.png"))
    assert png.text("Description") == expected and png.text("Warning") == "OFFICIAL"
    svg = (tmp_path / "b.svg").read_text(encoding="utf-8")
    assert svg.count(">OFFICIAL<") >= 2 or svg.count("OFFICIAL") >= 2
    assert expected.replace("&", "&amp;").replace("'", "&apos;")[:60] in svg or (
        expected[:40] in svg
    )
    pdf = (tmp_path / "b.pdf").read_bytes()
    title = "Combined Space Operations Initiative, 2014–2024"
    assert b"/Title" in pdf and (
        title.encode("utf-16-be") in pdf or title.encode("utf-16-be").hex().upper().encode() in pdf
    )


# --- even event slides --------------------------------------------------------------------


def test_event_slides_keep_one_type_scale_and_never_overflow(qapp, tmp_path, capsys, store):
    from cspo_viewer.export.deck import LINE_SPACING, PARA_GAP_PT

    target = tmp_path / "all.pptx"
    code, _, err = run(capsys, "--out", str(target), "--event-slides", "--marking", "OFFICIAL")
    assert code == 0, err
    deck = Presentation(str(target))
    slides = list(deck.slides)[1:]
    assert any(texts(s)["Title"].endswith(" (cont.)") for s in slides)
    for slide in slides:
        words = texts(slide)
        assert words["Nations"].startswith("Nations: ")
        assert words["Uncertainty"].startswith("Uncertainty: ")
        boxes = sorted(
            (s for s in slide.shapes if s.has_text_frame and s.name != "Marking"),
            key=lambda s: s.top,
        )
        for shape in boxes:
            sizes = [r.font.size for p in shape.text_frame.paragraphs for r in p.runs]
            if shape.name == "Title":
                assert set(sizes) == {Pt(28)}
            elif shape.name == "Summary and quotes":
                assert all(s >= Pt(16) for s in sizes)
                assert shape.text_frame.paragraphs[0].runs[0].font.size in (Pt(18), Pt(16))
            elif shape.name != "Sources":
                assert set(sizes) == {Pt(18)}, shape.name
            # The box holds its lines at their exact pitch and lies on the slide.
            pitch = sum(
                p.line_spacing.pt + (PARA_GAP_PT if i else 0)
                for i, p in enumerate(shape.text_frame.paragraphs)
            )
            assert shape.height >= Pt(pitch) - 2 * 12_700 or shape.name != "Title"
            assert shape.top >= 0 and shape.top + shape.height <= deck.slide_height
        for above, below in itertools.pairwise(boxes):
            assert above.top + above.height <= below.top, (above.name, below.name)
    assert LINE_SPACING >= 1.0
    # The statement's whole text is in the deck, continued where it needs to be.
    detail = store.event_detail("2024-12-06-florence-joint-statement")
    deck_words = " ".join(
        texts(s)["Summary and quotes"]
        for s in slides
        if texts(s)["Title"].startswith(detail.row.title)
    ).split()
    statement = " ".join(detail.statement_text.split()).split()
    assert " ".join(statement) in " ".join(deck_words)
    # The summary's "Its full text is available with this event" holds in the deck: the
    # statement text follows it, under its own heading.
    joined = " ".join(deck_words)
    assert (
        joined.index("full text is available")
        < joined.index("Statement text")
        < (joined.index(" ".join(statement[:8])))
    )


# --- the editable timeline slide ----------------------------------------------------------


def all_shapes(shapes):
    """Every shape on a slide, group members included (what PowerPoint counts)."""
    for shape in shapes:
        yield shape
        if shape.shape_type == 6:  # MSO_SHAPE_TYPE.GROUP
            yield from all_shapes(shape.shapes)


def test_editable_slide_draws_the_pictures_layout_as_shapes(qapp, tmp_path, capsys, store):
    from cspo_viewer.data.filters import EventFilter
    from cspo_viewer.export import ExportData, ExportOptions
    from cspo_viewer.export.picture import render_export

    target = tmp_path / "e.pptx"
    code, _, err = run(capsys, "--out", str(target), "--editable", "--marking", "OFFICIAL", *DAY)
    assert code == 0, err
    deck = Presentation(str(target))
    slide = deck.slides[0]
    shapes = list(all_shapes(slide.shapes))
    assert not [s for s in shapes if s.shape_type == 13]  # no picture: nothing is flat
    assert slide.shapes.title.text == "Combined Space Operations Initiative, 2014–2024"
    # What the PNG export draws, at the deck picture's size.
    data = ExportData.load(store, EventFilter())
    _, layout = render_export(data, ExportOptions(marking="OFFICIAL"))
    geo, table = layout.timeline, data.table
    drawn: dict[str, tuple[float, float, str]] = {}
    for lane, lp in enumerate(layout.plan.lanes):
        for x, row, ev, key, text in zip(
            lp.label_x, lp.label_row, lp.label_event, lp.label_key, lp.label_text, strict=True
        ):
            if not key:
                top = geo.frame.row_y(lane, row) + geo.label_ascent * 0.36 - geo.label_ascent
                drawn[str(table.ids[ev])] = (geo.left + x, top, text)
    assert len(drawn) == len(table)  # every event named
    groups = {s.name: s for s in slide.shapes if s.shape_type == 6}
    slide_w = deck.slide_width
    to_emu = slide_w / 3840
    for event_id, (left, top, text) in drawn.items():
        group = groups[event_id]  # grouped and named by event id
        labels = [s for s in group.shapes if s.name == "Label"]
        assert [s.text_frame.text for s in labels] == [text]  # one box, its own label
        assert abs(labels[0].left - left * to_emu) <= 0.01 * slide_w
        assert abs(labels[0].top - top * to_emu) <= 0.01 * slide_w
        markers = [s for s in group.shapes if s.name == "Marker"]
        assert len(markers) == 1 and markers[0].shape_type == 1  # an autoshape
    assert sum(1 for s in shapes if s.name == "Label") == len(table)
    # Lanes, axis, strip and legend are there as shapes too.
    names = {s.name for s in shapes}
    assert {"Lane: Founding", "Lane header: Membership", "Date axis", "Date 2020"} <= names
    assert {"Membership strip", "Legend", "Legend: Statement", "Footer"} <= names
    assert [s.text_frame.text for s in shapes if s.name == "Marking"] == ["OFFICIAL"] * 2
    statement = next(
        s for s in groups["2019-04-10-seven-nation-statement"].shapes if s.name == "Marker"
    )
    assert statement.auto_shape_type == 7 and statement.rotation == 180  # a down triangle
    assert len(shapes) <= 2_000


def test_editable_slide_at_scale_stays_under_two_thousand_shapes(qapp, tmp_path, capsys):
    import importlib
    import sys

    bench = REPO / "benchmarks"
    sys.path.insert(0, str(bench))
    try:
        make = importlib.import_module("make_synthetic_db").make
    finally:
        sys.path.remove(str(bench))
    db = make(20_000, tmp_path / "big.db")
    target = tmp_path / "big.pptx"
    code, _, err = run(capsys, "--db", str(db), "--out", str(target), "--editable")
    assert code == 0, err
    slide = Presentation(str(target)).slides[0]
    shapes = list(all_shapes(slide.shapes))
    assert len(shapes) <= 2_000
    labels = [s for s in shapes if s.name == "Label"]
    assert labels and all(s.text_frame.text for s in labels)
    pictures = [s for s in shapes if s.shape_type == 13]
    assert pictures  # density strips (or the markers) stay small pictures
    assert all(p._element.xpath("./p:nvPicPr/p:cNvPr")[0].get("descr") for p in pictures)


# --- as LibreOffice renders them ----------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(
    __import__("shutil").which("soffice") is None,
    reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-impress",
)
def test_decks_render_in_libreoffice(qapp, tmp_path, capsys):
    """LibreOffice opens the 16:9 deck (picture, event and "(cont.)" slides), the
    editable slide and a 4:3 template's deck, and makes a page of every slide."""
    import re
    import subprocess

    template = make_template(tmp_path / "org.pptx")
    decks = {
        "plain.pptx": ["--event-slides", "--kind", "statement", "--marking", "OFFICIAL"],
        "shapes.pptx": ["--editable", "--marking", "OFFICIAL"],
        "org.pptx": ["--template", str(template), "--event-slides", "--nation", "Japan"],
    }
    (tmp_path / "out").mkdir()
    for name, args in decks.items():
        code, _, err = run(capsys, "--out", str(tmp_path / "out" / name), *args)
        assert code == 0, err
    profile = (tmp_path / "lo").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *sorted(str(p) for p in (tmp_path / "out").iterdir()),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    for name in decks:
        slides = len(Presentation(str(tmp_path / "out" / name)).slides)
        pdf = (tmp_path / "pdf" / name.replace(".pptx", ".pdf")).read_bytes()
        assert len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf)) == slides, name
