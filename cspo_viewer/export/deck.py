"""The briefing deck: a PowerPoint file made with python-pptx (no hand-written OOXML),
built the way PowerPoint expects, on the organisation's template when given one.

Slide 1 is built on the template's "Title Only" layout (found by placeholder type): the
page picture (the timeline or a view) across the slide, rendered at 3840 px wide and the
slide's own aspect, with its heading room left empty; the title goes in the title
placeholder over that room, and the marking and filter in text boxes of the picture's
sizes. With ``editable`` the timeline is native shapes instead (``editable``). The
picture is the same PNG file ``export --out X.png`` writes, alt text included. The
numbered sources of the events shown are the speaker notes.

With ``event_slides`` each event shown follows on "Title and Content" slides: one type
scale (title 28 pt, body 18 pt, quotes 16 pt), every box sized to its measured text, and
what does not fit continues on "(cont.)" slides, never shrunk and never overflowing.

All text from the data goes in as plain text runs: python-pptx escapes it as XML, and
characters XML cannot hold are dropped first.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, time

from cspo_viewer.data.history import who
from cspo_viewer.data.records import EventDetail, Source
from cspo_viewer.errors import UserError
from cspo_viewer.export.shapes import describe, send_to_back
from cspo_viewer.export.template import DeckBase, open_base, slide_size
from cspo_viewer.model.event_text import (
    CONT,
    LINE_SPACING,
    NOTE_PT,
    PARA_GAP_PT,
    TITLE_PT,
    Para,
    date_words,
    event_text,
    paginate,
    plain,
)
from cspo_viewer.model.options import DECK_SIZE, ExportOptions
from cspo_viewer.model.page import ExportData, PageModel, alt_text, build_page
from cspo_viewer.render.page import ExportLayout, Progress
from cspo_viewer.render.palette import LIGHT

EMU_PER_PT = 12_700
MAX_SLIDE_CHARS = 1_400
"""A title or filter longer than this is shortened on its slide (never in the data)."""
MAX_EVENT_SLIDES = 500
"""``event_slides`` makes at most this many events' slides: a deck of thousands briefs no one."""
MARGIN = 457_200  # 0.5 in
GAP = 91_440  # 0.1 in between boxes
MARK_BAND = 320_000  # the marking's band on event slides
MEASURE_SLACK = 0.95
"""Lines are broken at this share of a box's width: PowerPoint and LibreOffice lay text
out a little differently from Qt's measurement."""


def source_entry(n: int, source: Source) -> str:
    """ "3. Title. Publisher, 2023-12-05. https://…" """
    parts = [plain(source.title, 400) or "Untitled"]
    tail = ", ".join(x for x in (plain(source.publisher, 200), plain(source.date, 40)) if x)
    if tail:
        parts.append(tail)
    if source.url:
        parts.append(plain(source.url, 500))
    return f"{n}. " + ". ".join(p.rstrip(".") for p in parts)


class DeckText:
    """The deck's font and its measurements: the picture's family unless the template
    sets one (then the template's theme fonts are inherited and measured)."""

    def __init__(self, base: DeckBase, picture_family: str) -> None:
        from PySide6.QtGui import QFont, QFontMetricsF

        theme = theme_fonts(base.deck) if base.from_template else (None, None)
        self.family: str | None = None if base.from_template else picture_family
        self.title_family = theme[0] or picture_family
        self.body_family = theme[1] or picture_family
        self._metrics: dict[tuple[str, float, bool, bool], QFontMetricsF] = {}
        self._font, self._qfm = QFont, QFontMetricsF

    def width_pt(self, text: str, pt: float, bold: bool = False, italic: bool = False) -> float:
        family = self.title_family if pt >= TITLE_PT else self.body_family
        key = (family, pt, bold, italic)
        metrics = self._metrics.get(key)
        if metrics is None:
            font = self._font(family)
            font.setPixelSize(round(pt * 8))  # 8 px per pt: fine enough to measure
            font.setBold(bold)
            font.setItalic(italic)
            metrics = self._metrics[key] = self._qfm(font)
        return metrics.horizontalAdvance(text) / 8

    def lines(self, para: Para, width_emu: int) -> list[str]:
        """``para`` broken into lines that fit ``width_emu`` (words never split unless
        one alone is wider than the line)."""
        limit = width_emu / EMU_PER_PT * MEASURE_SLACK
        fits: Callable[[str], bool] = lambda s: (  # noqa: E731
            self.width_pt(s, para.pt, para.bold, para.italic) <= limit
        )
        out: list[str] = []
        line = ""
        for word in para.text.split(" "):
            candidate = f"{line} {word}" if line else word
            if fits(candidate):
                line = candidate
                continue
            if line:
                out.append(line)
            while not fits(word) and len(word) > 1:  # a URL wider than the line
                cut = max(i for i in range(1, len(word) + 1) if fits(word[:i]) or i == 1)
                out.append(word[:cut])
                word = word[cut:]
            line = word
        out.append(line)
        return out


def theme_fonts(deck) -> tuple[str | None, str | None]:
    """The template theme's heading and body (major, minor) Latin typefaces."""
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        theme = deck.slide_master.part.part_related_by(RT.THEME)
        root = etree.fromstring(theme.blob)
    except (KeyError, ValueError, etree.XMLSyntaxError):
        return None, None
    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    found = []
    for which in ("majorFont", "minorFont"):
        latin = root.find(f".//a:fontScheme/a:{which}/a:latin", ns)
        face = latin.get("typeface") if latin is not None else None
        found.append(face if face and not face.startswith("+") else None)
    return found[0], found[1]


def encode_deck(
    data: ExportData, options: ExportOptions, progress: Progress | None = None
) -> tuple[bytes, ExportLayout]:
    """The .pptx file's bytes and the layout of slide 1's picture."""
    from cspo_viewer.export.picture import png_bytes, png_texts, render_page
    from cspo_viewer.render.palette import look

    report = progress or (lambda _pct, _what: None)
    base = open_base(options.template)
    deck = base.deck
    slide_w, slide_h = slide_size(deck)
    width = DECK_SIZE[0]
    height = round(width * slide_h / slide_w)  # the slide's own aspect (4:3 templates too)
    picture_options = replace(options, width=width, height=height, heading_painted=False)
    page = build_page(data, picture_options)
    if options.event_slides and page.events_shown > MAX_EVENT_SLIDES:
        raise UserError(
            f"{page.events_shown:,} events match, and one slide per event makes at most "
            f"{MAX_EVENT_SLIDES}; narrow the filter or leave out --event-slides"
        )
    image, layout = render_page(page, progress)
    report(60, "Making the slides")
    text = DeckText(base, look(options.theme).font_family)
    to_emu = slide_w / width
    description = alt_text(page)
    slide = deck.slides.add_slide(base.title_only)
    if options.editable and layout.timeline is not None:
        from cspo_viewer.export.editable import draw_timeline

        draw_timeline(slide, layout, page, image, to_emu, text.family)
    else:
        blob = png_bytes(image, png_texts(page, description))
        picture = slide.shapes.add_picture(io.BytesIO(blob), 0, 0, width=slide_w)
        picture.name = "Timeline" if options.view == "timeline" else "View"
        describe(picture, description)
        send_to_back(slide, picture)
    _heading(slide, layout, page, to_emu, text)
    _template_furniture(slide, base)
    sources = data.store.sources_for(page.sources_filter or data.flt)
    notes = [f"{page.title}", plain(page.subtitle), "", "Sources of the events shown:"]
    notes += [source_entry(i, s) for i, s in enumerate(sources, 1)] or ["none recorded"]
    _notes(slide, notes)
    if options.event_slides:
        names = {n.code: n.name for n in data.store.nations()}
        rows = [int(i) for i in page.shown]
        for done, row in enumerate(rows):
            detail = data.store.event_detail(str(data.table.ids[row]))
            if detail is not None:
                event_slides(deck, base, detail, options.marking, text, names, layout)
            if done % 10 == 0:
                report(60 + 30 * done // max(len(rows), 1), "Making the event slides")
    core_properties(deck, page)
    layout.pages = len(deck.slides)
    buffer = io.BytesIO()
    try:
        deck.save(buffer)
    except (ValueError, OSError) as exc:
        raise UserError(f"could not encode the PPTX file: {exc}") from None
    return buffer.getvalue(), layout


def os_user() -> str:
    """Who is making the deck, as the operating system names them (as the history
    records who made a change)."""
    return who() or ""


def core_properties(deck, page: PageModel) -> None:
    """File → Info in PowerPoint: title, subject (the filter in words), author, created."""
    props = deck.core_properties
    props.title = plain(page.title, 255)
    props.subject = plain(page.subtitle, 255)
    props.author = props.last_modified_by = os_user()
    generated = page.options.generated
    when = (
        datetime.combine(generated, time(12))
        if generated
        else datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    )
    props.created = props.modified = when
    props.revision = 1
    props.keywords = "Combined Space Operations; CSpO; briefing"
    props.comments = ""
    props.category = plain(page.options.marking, 255)


def _heading(slide, layout: ExportLayout, page: PageModel, to_emu: float, text: DeckText):
    """Title (the slide's title placeholder), filter and marking over the room the
    picture kept, at the picture's sizes."""
    from cspo_viewer.render.palette import look

    lk = look(page.options.theme)
    emu = lambda v: round(v * to_emu)  # noqa: E731
    pt = lambda px: round(px * to_emu / EMU_PER_PT * 2) / 2  # noqa: E731
    pad = layout.title.left() if layout.title else 28 * layout.scale
    inner_w = layout.width - 2 * pad
    title = slide.shapes.title
    if layout.title is not None and title is not None:
        r = layout.title
        title.left, title.top, title.width, title.height = (
            emu(r.left()),
            emu(r.top()),
            emu(inner_w),
            emu(r.height()),
        )
        title.name = "Title"
        _fill(
            title,
            [Para(plain(page.title, MAX_SLIDE_CHARS), pt(layout.title_px), bold=True)],
            text,
            colour=lk.text,
            anchor="middle",
            spacing=False,
            keep_colour=True,
        )
    elif title is not None:
        title._element.getparent().remove(title._element)
    if layout.subtitle is not None:
        r = layout.subtitle
        box = slide.shapes.add_textbox(emu(r.left()), emu(r.top()), emu(inner_w), emu(r.height()))
        box.name = "Filter"
        # The whole filter in words, not the picture's wrapped and shortened lines.
        _fill(
            box,
            [Para(plain(page.subtitle, MAX_SLIDE_CHARS), pt(layout.subtitle_px))],
            text,
            colour=lk.muted_text,
            spacing=False,
            keep_colour=True,
        )
    marking = plain(page.options.marking, 200)
    if marking:
        for band in layout.banners:
            _marking_box(
                slide,
                (emu(band.left()), emu(band.top()), emu(band.width()), emu(band.height())),
                marking,
                pt(layout.banner_px),
                text,
                fill=layout.banner_colour,
                colour=layout.banner_text_colour,
            )
    _drop_empty_placeholders(slide)


def _marking_box(slide, rect, marking: str, size: float, text: DeckText, *, fill, colour):
    box = slide.shapes.add_textbox(*rect)
    box.name = "Marking"
    _fill(
        box,
        [Para(marking, size, bold=True)],
        text,
        colour=colour,
        anchor="middle",
        centre=True,
        spacing=False,
        keep_colour=True,
    )
    from pptx.dml.color import RGBColor

    box.fill.solid()
    box.fill.fore_color.rgb = RGBColor.from_string(fill.lstrip("#"))
    return box


def _drop_empty_placeholders(slide) -> None:
    """A placeholder left empty shows "Click to add text" to whoever edits the deck."""
    for ph in list(slide.placeholders):
        if ph.has_text_frame and not ph.text_frame.text.strip():
            ph._element.getparent().remove(ph._element)


def _template_furniture(slide, base: DeckBase) -> None:
    """The template's footer and slide number, as its layout has them: python-pptx
    leaves them off a new slide, and PowerPoint shows only those on the slide."""
    from copy import deepcopy

    if not base.from_template:
        return
    for ph in slide.slide_layout.placeholders:
        kind = ph.placeholder_format.type.name
        if kind not in ("FOOTER", "SLIDE_NUMBER") or not ph.text_frame.text.strip():
            continue
        slide.shapes.clone_placeholder(ph)
        new = next(
            s for s in slide.placeholders if s.placeholder_format.idx == ph.placeholder_format.idx
        )
        body = new._element.txBody  # python-pptx clones the placeholder without its text
        if body is not None:
            new._element.remove(body)
        new._element.append(deepcopy(ph._element.txBody))


def _notes(slide, lines: Sequence[str]) -> None:
    frame = slide.notes_slide.notes_text_frame
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.add_run().text = plain(line)


def _fill(
    shape,
    paras: Sequence[Para],
    text: DeckText,
    *,
    colour: str | None = None,
    anchor: str = "top",
    centre: bool = False,
    spacing: bool = True,
    keep_colour: bool = False,
) -> None:
    """``paras`` as plain runs in ``shape``: no bullets, no autofit, no insets, each
    paragraph at its exact line pitch (so the measured height is the drawn one). A
    template's own text colours stay unless ``keep_colour`` (text over the picture, or on
    the marking's band)."""
    from pptx.dml.color import RGBColor
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    frame = shape.text_frame
    frame.clear()
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE if anchor == "middle" else MSO_ANCHOR.TOP
    for i, para_spec in enumerate(paras):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.alignment = PP_ALIGN.CENTER if centre else PP_ALIGN.LEFT
        if spacing:
            para.line_spacing = Pt(para_spec.pt * LINE_SPACING)
            para.space_before = Pt(PARA_GAP_PT if i else 0)
            para.space_after = Pt(0)
        ppr = para._p.get_or_add_pPr()
        ppr.set("marL", "0")
        ppr.set("indent", "0")
        if ppr.find(qn("a:buNone")) is None:
            ppr.append(ppr.makeelement(qn("a:buNone"), {}))
        run = para.add_run()
        run.text = plain(para_spec.text)
        run.font.size = Pt(para_spec.pt)
        run.font.bold = para_spec.bold
        run.font.italic = para_spec.italic
        if text.family:
            run.font.name = text.family
        tone = LIGHT.muted_text if para_spec.muted else colour
        if tone and (text.family or para_spec.muted or keep_colour):
            run.font.color.rgb = RGBColor.from_string(tone.lstrip("#"))


def _height(text: DeckText, paras: Sequence[Para], width: int) -> int:
    """EMU the paragraphs take at ``width``, as ``_fill`` sets them."""
    total = 0.0
    for i, para in enumerate(paras):
        total += len(text.lines(para, width)) * para.pt * LINE_SPACING + (PARA_GAP_PT if i else 0)
    return round(total * EMU_PER_PT)


# --- event slides ---------------------------------------------------------------------


def event_slides(
    deck,
    base: DeckBase,
    detail: EventDetail,
    marking: str,
    text: DeckText,
    nations: dict[str, str],
    picture: ExportLayout,
) -> int:
    """The event's slide and its "(cont.)" slides; returns how many were made. Event
    slides are on the slide's own background in the light look's ink; the marking's band
    takes the picture's (``picture``) colours."""
    slide_w, slide_h = slide_size(deck)
    width = slide_w - 2 * MARGIN
    marking = plain(marking, 200)
    band = MARK_BAND if marking else 0
    words = event_text(detail, nations)
    title_text, header, sources = words.title, words.header, words.sources
    sources_h = _height(text, [sources], width)
    sources_top = min(slide_h - band - MARGIN // 2, _furniture_top(base)) - sources_h
    room = sources_top - GAP - _body_top(text, title_text + CONT, header, width, band)
    portions = list(paginate(words.body, lambda para: text.lines(para, width), room / EMU_PER_PT))
    for n, portion in enumerate(portions):
        heading = title_text if n == 0 else title_text + CONT
        slide = deck.slides.add_slide(base.title_content)
        top = band + MARGIN // 2
        title = slide.shapes.title
        title_paras = [Para(heading, TITLE_PT, bold=True)]
        h = _height(text, title_paras, width)
        title.left, title.top, title.width, title.height = MARGIN, top, width, h
        title.name = "Title"
        _fill(title, title_paras, text, colour=LIGHT.text)
        top += h + GAP
        for name, para in header:
            h = _height(text, [para], width)
            box = slide.shapes.add_textbox(MARGIN, top, width, h)
            box.name = name
            _fill(box, [para], text, colour=LIGHT.text)
            top += h + (GAP if name != "Uncertainty" else 2 * GAP)
        body = _body_shape(slide, base)
        body.name = "Summary and quotes"
        h = _height(text, portion, width) if portion else 0
        body.left, body.top, body.width, body.height = MARGIN, top, width, max(h, 1)
        _fill(body, portion or [Para("")], text, colour=LIGHT.text)
        foot = slide.shapes.add_textbox(MARGIN, sources_top, width, sources_h)
        foot.name = "Sources"
        _fill(foot, [sources], text, colour=LIGHT.text)
        if marking:
            for y in (0, slide_h - band):
                _marking_box(
                    slide,
                    (0, y, slide_w, band),
                    marking,
                    NOTE_PT,
                    text,
                    fill=picture.banner_colour,
                    colour=picture.banner_text_colour,
                )
        _template_furniture(slide, base)
        _drop_empty_placeholders(slide)
        notes = [plain(detail.row.title), date_words(detail), "", "Sources:"]
        notes += [source_entry(i, s) for i, s in enumerate(detail.sources, 1)] or ["none recorded"]
        _notes(slide, notes)
    return len(portions)


def _furniture_top(base: DeckBase) -> int:
    """The top of the template's footer and slide number on event slides (text stays
    above them); the slide's height without a template."""
    tops = [
        int(ph.top)
        # python-pptx declares LayoutPlaceholders.__iter__ as a Callable attribute, which
        # mypy reads as taking no self (python-pptx silences pyright on it the same way).
        for ph in base.title_content.placeholders  # type: ignore[misc]
        if base.from_template
        and ph.placeholder_format.type.name in ("FOOTER", "SLIDE_NUMBER")
        and ph.top is not None
        and ph.text_frame.text.strip()
    ]
    return min(tops, default=1 << 40) - GAP


def _body_top(text: DeckText, title: str, header, width: int, band: int) -> int:
    """Where the body starts below the (longest) title and the header boxes."""
    top = band + MARGIN // 2 + _height(text, [Para(title, TITLE_PT, bold=True)], width) + GAP
    for name, para in header:
        top += _height(text, [para], width) + (GAP if name != "Uncertainty" else 2 * GAP)
    return top


def _body_shape(slide, base: DeckBase):
    """The layout's content placeholder, or a text box where the layout has none."""
    for ph in slide.placeholders:
        if ph.placeholder_format.type.name in ("BODY", "OBJECT"):
            return ph
    return slide.shapes.add_textbox(MARGIN, MARGIN, 1, 1)
