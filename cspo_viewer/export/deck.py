"""The briefing deck: a PowerPoint file made with python-pptx (no hand-written OOXML).

Slide 1 is the page picture (the timeline or a view) at full slide width, rendered at
3840x2160 with its heading room left empty; the marking, title and filter go over that
room as real, editable text boxes of the picture's own sizes, so nothing is doubled.
The numbered sources of the events shown are the speaker notes. With ``event_slides``
one slide per event shown follows, in date order.

All text from the data goes in as plain text runs: python-pptx escapes it as XML, and
characters XML cannot hold are dropped first.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import replace

from cspo_viewer.data.dates import display_date
from cspo_viewer.data.records import EventDetail, Source
from cspo_viewer.errors import UserError
from cspo_viewer.export.options import DECK_SIZE, ExportOptions
from cspo_viewer.export.page import ExportData, PageModel, build_page
from cspo_viewer.render.page import ExportLayout, Progress

SLIDE_W, SLIDE_H = 12_192_000, 6_858_000  # EMU: 13.333 x 7.5 in, 16:9
MAX_SLIDE_CHARS = 1_400
"""A summary or quote longer than this is shortened on its slide (never in the data)."""
MAX_EVENT_SLIDES = 500
"""``event_slides`` makes at most this many slides: a deck of thousands briefs no one."""
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
PRECISION_WORDS = {
    "day": "",
    "month": " (known to the month)",
    "year": " (known to the year)",
}


def plain(text: str | None, limit: int | None = None) -> str:
    """``text`` as one line of plain text XML can hold, at most ``limit`` characters."""
    cleaned = " ".join(_NOT_XML.sub("", text or "").split())
    if limit is not None and len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned


def source_entry(n: int, source: Source) -> str:
    """ "3. Title. Publisher, 2023-12-05. https://…" """
    parts = [plain(source.title, 400) or "Untitled"]
    tail = ", ".join(x for x in (plain(source.publisher, 200), plain(source.date, 40)) if x)
    if tail:
        parts.append(tail)
    if source.url:
        parts.append(plain(source.url, 500))
    return f"{n}. " + ". ".join(p.rstrip(".") for p in parts)


def encode_deck(
    data: ExportData, options: ExportOptions, progress: Progress | None = None
) -> tuple[bytes, ExportLayout]:
    """The .pptx file's bytes and the layout of slide 1's picture."""
    from pptx import Presentation

    from cspo_viewer.export.files import png_bytes, render_page

    report = progress or (lambda _pct, _what: None)
    width, height = DECK_SIZE
    picture_options = replace(options, width=width, height=height, heading_painted=False)
    page = build_page(data, picture_options)
    if options.event_slides and page.events_shown > MAX_EVENT_SLIDES:
        raise UserError(
            f"{page.events_shown:,} events match, and one slide per event makes at most "
            f"{MAX_EVENT_SLIDES}; narrow the filter or leave out --event-slides"
        )
    image, layout = render_page(page, progress)
    report(60, "Making the slides")
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_W, SLIDE_H
    blank = deck.slide_layouts[6]
    slide = deck.slides.add_slide(blank)
    slide.shapes.add_picture(io.BytesIO(png_bytes(image)), 0, 0, width=SLIDE_W)
    _heading_boxes(slide, layout, page)
    sources = data.store.sources_for(page.sources_filter or data.flt)
    notes = [f"{page.title}", plain(page.subtitle), "", "Sources of the events shown:"]
    notes += [source_entry(i, s) for i, s in enumerate(sources, 1)] or ["none recorded"]
    _notes(slide, notes)
    if options.event_slides:
        rows = [int(i) for i in page.shown]
        for done, row in enumerate(rows):
            detail = data.store.event_detail(str(data.table.ids[row]))
            if detail is not None:
                _event_slide(deck, blank, detail, options.marking)
            if done % 10 == 0:
                report(60 + 30 * done // max(len(rows), 1), "Making the event slides")
    buffer = io.BytesIO()
    try:
        deck.save(buffer)
    except (ValueError, OSError) as exc:
        raise UserError(f"could not encode the PPTX file: {exc}") from None
    return buffer.getvalue(), layout


def _emu(px: float) -> int:
    """Picture pixels to slide EMU (the picture spans the slide's width)."""
    return round(px * SLIDE_W / DECK_SIZE[0])


def _pt(px: float):
    from pptx.util import Pt

    return Pt(round(px * SLIDE_W / DECK_SIZE[0] / 12_700 * 2) / 2)


def _box(slide, rect, text: str | Sequence[str], px: float, **style):
    """A text box at ``rect`` (picture pixels) holding ``text`` as plain runs."""
    from pptx.dml.color import RGBColor
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN

    left, top = _emu(rect.left()), _emu(rect.top())
    shape = slide.shapes.add_textbox(left, top, _emu(rect.width()), _emu(rect.height()))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE if style.get("centre") else MSO_ANCHOR.TOP
    lines = [text] if isinstance(text, str) else list(text)
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if style.get("centre"):
            para.alignment = PP_ALIGN.CENTER
        run = para.add_run()
        run.text = plain(line, MAX_SLIDE_CHARS)
        run.font.size = _pt(px)
        run.font.bold = bool(style.get("bold"))
        run.font.color.rgb = RGBColor.from_string(style.get("colour", "1b1f24").lstrip("#"))
    if style.get("fill"):
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(style["fill"].lstrip("#"))
    return shape


def _heading_boxes(slide, layout: ExportLayout, page: PageModel) -> None:
    """Marking (top and bottom), title and filter over the room the picture kept."""
    from PySide6.QtCore import QRectF

    from cspo_viewer.render.palette import look

    lk = look(page.options.theme)
    marking = plain(page.options.marking, 200)
    if marking:
        for band in layout.banners:
            _box(
                slide,
                band,
                marking,
                layout.banner_px,
                bold=True,
                centre=True,
                fill=layout.banner_colour,
                colour=layout.banner_text_colour,
            ).name = "Marking"
    inner_w = layout.width - 2 * (layout.title.left() if layout.title else 28 * layout.scale)
    if layout.title is not None:
        rect = QRectF(layout.title.left(), layout.title.top(), inner_w, layout.title.height())
        _box(slide, rect, page.title, layout.title_px, bold=True, colour=lk.text).name = "Title"
    if layout.subtitle is not None:
        sub = layout.subtitle
        rect = QRectF(sub.left(), sub.top(), inner_w, sub.height())
        # The whole filter in words, not the picture's wrapped and shortened lines.
        _box(slide, rect, page.subtitle, layout.subtitle_px, colour=lk.muted_text).name = "Filter"


def _notes(slide, lines: Sequence[str]) -> None:
    frame = slide.notes_slide.notes_text_frame
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.add_run().text = plain(line)


def date_words(detail: EventDetail) -> str:
    """ "Jul 2015 (known to the month)", "3–5 Dec 2024": the date with its precision."""
    row = detail.row
    return display_date(row.date, row.date_precision, row.end_date) + PRECISION_WORDS.get(
        row.date_precision, ""
    )


def _event_slide(deck, layout, detail: EventDetail, marking: str) -> None:
    """Title, date, location, summary, quotes with speaker and role, sources line."""
    from pptx.util import Emu

    slide = deck.slides.add_slide(layout)
    margin = Emu(457_200)  # 0.5 in
    width = SLIDE_W - 2 * margin
    top = margin
    marking = plain(marking, 200)
    if marking:
        for y in (0, SLIDE_H - Emu(320_000)):
            box = slide.shapes.add_textbox(0, y, SLIDE_W, Emu(320_000))
            _fill_text(box, [(marking, 12, True)], centre=True, fill="1b1f24", colour="ffffff")
            box.name = "Marking"
        top += Emu(300_000)
    title = slide.shapes.add_textbox(margin, top, width, Emu(820_000))
    title.name = "Title"
    heading = plain(detail.row.title, 200)
    _fill_text(title, [(heading, 28 if len(heading) <= 50 else 22, True)])
    top += Emu(880_000)
    where = plain(detail.row.location) or "Location not recorded"
    meta = slide.shapes.add_textbox(margin, top, width, Emu(360_000))
    meta.name = "Date and location"
    _fill_text(meta, [(f"{date_words(detail)} · {where}", 16, False)], colour="5b6470")
    top += Emu(440_000)
    body_lines: list[tuple[str, float, bool]] = []
    summary = plain(detail.summary, MAX_SLIDE_CHARS)
    if summary:
        body_lines.append((summary, 0, False))
    for q in detail.quotes:
        body_lines.append((f"“{plain(q.text, MAX_SLIDE_CHARS)}”", 0, False))
        who = ", ".join(x for x in (plain(q.speaker, 200), plain(q.role, 300)) if x)
        body_lines.append((f"— {who}", -2, True))
    chars = sum(len(t) for t, _, _ in body_lines)
    size = 18 if chars < 500 else 16 if chars < 900 else 14 if chars < 1400 else 12
    bottom = SLIDE_H - margin - Emu(420_000) - (Emu(300_000) if marking else 0)
    body = slide.shapes.add_textbox(margin, top, width, bottom - top)
    body.name = "Summary and quotes"
    _fill_text(body, [(t, size + d, b) for t, d, b in body_lines] or [("", size, False)])
    publishers = [plain(s.publisher or s.title, 120) for s in detail.sources]
    line = "Sources: " + "; ".join(f"[{i}] {p}" for i, p in enumerate(publishers, 1))
    foot = slide.shapes.add_textbox(margin, bottom + Emu(60_000), width, Emu(360_000))
    foot.name = "Sources"
    _fill_text(
        foot,
        [(plain(line, 400) if publishers else "Sources: none recorded", 11, False)],
        colour="5b6470",
    )
    notes = [plain(detail.row.title), date_words(detail), "", "Sources:"]
    notes += [source_entry(i, s) for i, s in enumerate(detail.sources, 1)] or ["none recorded"]
    _notes(slide, notes)


def _fill_text(shape, lines, *, centre: bool = False, fill: str = "", colour: str = "1b1f24"):
    """Paragraphs of (text, size in pt, bold) as plain runs in ``shape``."""
    from pptx.dml.color import RGBColor
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
    from pptx.util import Pt

    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    if centre:
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    for i, (text, size, bold) in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if centre:
            para.alignment = PP_ALIGN.CENTER
        if i:
            para.space_before = Pt(6)
        run = para.add_run()
        run.text = plain(text)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = RGBColor.from_string(colour)
    if fill:
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(fill)
