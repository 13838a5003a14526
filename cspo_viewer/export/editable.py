"""The timeline slide as native PowerPoint shapes (``export --editable``), so a briefer
can move a label or recolour a lane afterwards, as with Office Timeline.

Every position comes from the layout the picture was drawn from (``ExportLayout``: the
Qt-free plan of rows, markers and labels, and where the painter put the lanes, axis
and strip), mapped from picture pixels to the slide: a label box lies where the PNG
draws that label. Each event's marker, period bar and label are one group named by the
event id. Density strips stay small pictures cut from the rendered page. A slide holds
at most ``MAX_SHAPES`` shapes: past that, unnamed markers stay in a picture of their
lanes under the shapes, and only named events are drawn as shapes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QFontMetricsF

from cspo_viewer.layout import BADGE_SCALE, is_period
from cspo_viewer.model.page import PageModel
from cspo_viewer.render.fonts import pixel_font
from cspo_viewer.render.page import ExportLayout, TimelineGeometry

if TYPE_CHECKING:
    from pptx.slide import Slide
    from pptx.util import Length

    from cspo_viewer.render.palette import RenderLook

MAX_SHAPES = 2_000
"""PowerPoint slows to a crawl past a few thousand shapes; a briefing slide needs fewer."""
EMU_PER_PT = 12_700
MARKER_SHAPES = {
    "o": ("OVAL", 0),
    "s": ("RECTANGLE", 0),
    "t": ("ISOSCELES_TRIANGLE", 180),  # pyqtgraph's "t" points down
    "d": ("DIAMOND", 0),
    "h": ("HEXAGON", 0),
    "p": ("REGULAR_PENTAGON", 0),
    "star": ("STAR_5_POINT", 0),
    "x": ("MATH_MULTIPLY", 0),
}
"""pyqtgraph symbol -> (python-pptx ``MSO_SHAPE`` name, rotation): the kind's own shape."""


@dataclass
class _Canvas:
    """The slide being drawn on, how picture pixels map onto it, and the page's look."""

    slide: Slide
    to_emu: float
    family: str | None  # None: the template's font
    marker_px: float
    gap_px: float
    look: RenderLook
    count: int = 0

    def emu(self, px: float) -> Length:
        from pptx.util import Emu

        return Emu(max(round(px * self.to_emu), 1))

    def pt(self, px: float) -> float:
        return max(round(px * self.to_emu / EMU_PER_PT * 2) / 2, 1.0)


def draw_timeline(
    slide, layout: ExportLayout, page: PageModel, image, to_emu: float, family: str | None
) -> int:
    """Draw the page's timeline on ``slide`` as shapes; returns how many were made."""
    from cspo_viewer.export.shapes import send_to_back
    from cspo_viewer.render.page import timeline_look
    from cspo_viewer.render.palette import look

    geo, plan = layout.timeline, layout.plan
    assert geo is not None and plan is not None
    sizes = timeline_look(page).layout
    lk = look(page.options.theme)
    canvas = _Canvas(slide, to_emu, family, sizes.marker_px, sizes.gap_px, lk)
    shapes = slide.shapes
    send_to_back(
        slide, _rect(canvas, shapes, 0, 0, layout.width, layout.height, lk.background, "Background")
    )
    lean = planned_shapes(layout) > MAX_SHAPES
    if lean:  # unnamed markers stay a picture of their lanes, under the shapes
        top, bottom = geo.lanes[0][2], geo.lanes[-1][3]
        _crop(canvas, shapes, image, (geo.left, top, geo.right, bottom), "Lanes")
    _lanes(canvas, geo, transparent=lean)
    _axis(canvas, geo)
    _density(canvas, layout, geo, image)
    _clusters(canvas, layout, geo, page)
    for lane, lp in enumerate(plan.lanes):
        labels = {
            ev: (x, w, row, text, key)
            for x, w, row, ev, key, text in zip(
                lp.label_x,
                lp.label_width,
                lp.label_row,
                lp.label_event,
                lp.label_key,
                lp.label_text,
                strict=True,
            )
        }
        for x, row, ev in zip(lp.marker_x, lp.marker_row, lp.marker_event, strict=True):
            if lean and ev not in labels:
                continue
            _event(canvas, layout, geo, page, (lane, row, x), ev, labels.get(ev))
    _strip(canvas, page, geo)
    _legend(canvas, layout)
    _text_lines(canvas, layout)
    return canvas.count


def planned_shapes(layout: ExportLayout) -> int:
    """Shapes the slide would hold with every marker drawn (groups counted)."""
    plan, geo = layout.plan, layout.timeline
    assert plan is not None and geo is not None
    events = sum(len(lp.marker_event) * 3 + len(lp.label_event) for lp in plan.lanes)
    badges = sum(len(lp.cluster_x) for lp in plan.lanes)
    furniture = 2 * len(geo.lanes) + 2 * len(geo.ticks) + 2 * len(layout.legend) + 60
    return events + badges + furniture


def _rgb(colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(colour.lstrip("#")[:6])


def _fill(shape, colour: str, alpha: float = 1.0, *, line: bool = False) -> None:
    """A solid fill (with ``alpha``), no outline unless ``line``, and no theme shadow."""
    from pptx.oxml.ns import qn

    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(colour)
    if alpha < 1.0:  # python-pptx has no call for a fill's alpha
        colour_el = shape.fill._xPr.find(qn("a:solidFill"))[0]
        colour_el.append(colour_el.makeelement(qn("a:alpha"), {"val": str(round(alpha * 1e5))}))
    if not line:
        shape.line.fill.background()
    _unstyled(shape)


def _unstyled(shape) -> None:
    """Without the theme's shape style, which casts a shadow (LibreOffice draws it even
    when the shape says none): fill and line are all set on the shape itself."""
    from pptx.oxml.ns import qn

    style = shape._element.find(qn("p:style"))
    if style is not None:
        shape._element.remove(style)


def _rect(canvas: _Canvas, shapes, left, top, width, height, colour, name, alpha=1.0):
    from pptx.enum.shapes import MSO_SHAPE

    rect = (canvas.emu(left), canvas.emu(top), canvas.emu(width), canvas.emu(height))
    shape = shapes.add_shape(MSO_SHAPE.RECTANGLE, *rect)
    _fill(shape, colour, alpha)
    shape.name = name
    canvas.count += 1
    return shape


@dataclass(frozen=True)
class _Style:
    px: float
    colour: str
    bold: bool = False
    align: str = "left"  # left, centre, right
    middle: bool = False  # anchored at the middle, not the top


def _text(canvas: _Canvas, shapes, rect, text: str, style: _Style, name: str):
    """A text box at ``rect`` (picture pixels: left, top, width, height), no insets and
    no wrapping, the text at the picture's size."""
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
    from pptx.util import Pt

    from cspo_viewer.model.event_text import plain

    left, top, width, height = rect
    box = shapes.add_textbox(
        canvas.emu(left), canvas.emu(top), canvas.emu(width), canvas.emu(height)
    )
    frame = box.text_frame
    frame.word_wrap = False
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE if style.middle else MSO_ANCHOR.TOP
    align = {"left": PP_ALIGN.LEFT, "centre": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}
    for i, line in enumerate(text.split("\n")):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        para.alignment = align[style.align]
        run = para.add_run()
        run.text = plain(line)
        run.font.size = Pt(canvas.pt(style.px))
        run.font.bold = style.bold
        if canvas.family:
            run.font.name = canvas.family
        run.font.color.rgb = _rgb(style.colour)
    box.name = name
    canvas.count += 1
    return box


def _marker(canvas: _Canvas, shapes, kind: str, centre: tuple[float, float], size: float):
    """The kind's marker: its own autoshape in its own colour, outlined like the picture's."""
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Emu

    from cspo_viewer.render.style import kind_color, kind_symbol

    name, rotation = MARKER_SHAPES.get(kind_symbol(kind), ("OVAL", 0))
    cx, cy = centre
    shape = shapes.add_shape(
        getattr(MSO_SHAPE, name),
        canvas.emu(cx - size / 2),
        canvas.emu(cy - size / 2),
        canvas.emu(size),
        canvas.emu(size),
    )
    shape.rotation = rotation
    _fill(shape, kind_color(kind, canvas.look.is_dark), line=True)
    shape.line.color.rgb = _rgb(canvas.look.background)
    shape.line.width = Emu(max(canvas.emu(size * 0.08), 3_000))
    canvas.count += 1
    return shape


def _group(canvas: _Canvas, name: str):
    group = canvas.slide.shapes.add_group_shape()
    group.name = name
    canvas.count += 1
    return group


def _lanes(canvas: _Canvas, geo: TimelineGeometry, *, transparent: bool) -> None:
    """A rectangle per lane (the picture's bands, alternating), and its header."""
    lk, shapes = canvas.look, canvas.slide.shapes
    for i, (key, title, top, bottom) in enumerate(geo.lanes):
        colour = lk.related_band if key == "related" else lk.lane_band if i % 2 else lk.background
        width, height = geo.right - geo.left, bottom - top
        alpha = 0.0 if transparent else 1.0
        _rect(canvas, shapes, geo.left, top, width, height, colour, f"Lane: {title}", alpha)
        header = (geo.header_left, top, geo.left - geo.header_left - geo.header_px * 0.6, height)
        style = _Style(geo.header_px, lk.text, align="right", middle=True)
        _text(canvas, shapes, header, title, style, f"Lane header: {title}")


def _axis(canvas: _Canvas, geo: TimelineGeometry) -> None:
    """The date axis: its line, a tick and a label per labelled date, grouped."""
    from pptx.enum.shapes import MSO_CONNECTOR

    lk = canvas.look
    group = _group(canvas, "Date axis")
    y = geo.axis_top
    straight = MSO_CONNECTOR.STRAIGHT
    e = canvas.emu
    line = group.shapes.add_connector(straight, e(geo.left), e(y), e(geo.right), e(y))
    line.line.color.rgb = _rgb(lk.grid)
    line.line.width = canvas.emu(geo.header_px * 0.08)
    _unstyled(line)
    line.name = "Axis line"
    canvas.count += 1
    tick = geo.header_px * 0.45
    for x, text in geo.ticks:
        mark = group.shapes.add_connector(straight, e(x), e(y), e(x), e(y + tick))
        mark.line.color.rgb = _rgb(lk.grid)
        mark.line.width = canvas.emu(geo.header_px * 0.08)
        _unstyled(mark)
        mark.name = f"Tick {text}"
        canvas.count += 1
        width = geo.header_px * (len(text) * 0.75 + 1)
        rect = (x - width / 2, y + tick * 1.3, width, geo.header_px * 1.3)
        _text(
            canvas,
            group.shapes,
            rect,
            text,
            _Style(geo.header_px, lk.text, align="centre"),
            f"Date {text}",
        )


def _crop(canvas: _Canvas, shapes, image, box: tuple[float, float, float, float], name: str):
    """A small picture cut from the rendered page (density strips at scale)."""
    from cspo_viewer.export.picture import png_bytes
    from cspo_viewer.export.shapes import describe

    left, top, right, bottom = box
    x0, y0 = max(int(left), 0), max(int(top), 0)
    w, h = max(int(right) - x0, 1), max(int(bottom) - y0, 1)
    blob = png_bytes(image.copy(x0, y0, w, h))
    e = canvas.emu
    pic = shapes.add_picture(io.BytesIO(blob), e(x0), e(y0), e(w), e(h))
    pic.name = name
    describe(pic, f"{name} of the timeline, as the picture draws it")
    canvas.count += 1
    return pic


def _density(canvas: _Canvas, layout: ExportLayout, geo: TimelineGeometry, image) -> None:
    assert layout.plan is not None
    for lane, lp in enumerate(layout.plan.lanes):
        if lp.density is None or not len(lp.density):
            continue
        y = geo.frame.row_y(lane, 0)
        h = geo.frame.row_px * 0.7
        right = geo.left + len(lp.density) * lp.density_bin_px
        box = (geo.left, y - h / 2, right, y + h / 2)
        _crop(canvas, canvas.slide.shapes, image, box, f"Density strip: {geo.lanes[lane][1]}")


def _clusters(canvas: _Canvas, layout: ExportLayout, geo: TimelineGeometry, page) -> None:
    """Counted badges: a circle holding "+n", in the kind's colour (grey when mixed)."""
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Pt

    from cspo_viewer.render.style import kind_color

    assert layout.plan is not None
    table, lk = page.content.table, canvas.look
    size = canvas.marker_px * BADGE_SCALE
    for lane, lp in enumerate(layout.plan.lanes):
        for x, row, n, kind in zip(
            lp.cluster_x, lp.cluster_row, lp.cluster_count, lp.cluster_kind, strict=True
        ):
            fill = kind_color(table.kinds[kind], lk.is_dark) if kind >= 0 else lk.muted_text
            cx, cy = geo.left + x, geo.frame.row_y(lane, row)
            e = canvas.emu
            badge = canvas.slide.shapes.add_shape(
                MSO_SHAPE.OVAL, e(cx - size / 2), e(cy - size / 2), e(size), e(size)
            )
            _fill(badge, fill)
            badge.name = f"Badge: {n} events"
            frame = badge.text_frame
            frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
            run = frame.paragraphs[0].add_run()
            run.text = f"+{n}"
            run.font.size = Pt(canvas.pt(size * 0.45))
            run.font.color.rgb = _rgb("#ffffff")
            canvas.count += 1


def _event(
    canvas: _Canvas,
    layout: ExportLayout,
    geo: TimelineGeometry,
    page: PageModel,
    where: tuple[int, int, float],
    ev: int,
    label: tuple[float, float, int, str, bool] | None,
) -> None:
    """The event's period bar, marker and label as one group named by its id."""
    from pptx.enum.shapes import MSO_SHAPE

    from cspo_viewer.render.style import kind_color

    assert layout.plan is not None
    lane, row, x = where
    table, lk = page.content.table, canvas.look
    kind = table.kinds[table.kind[ev]]
    group = _group(canvas, str(table.ids[ev]))
    cy = geo.frame.row_y(lane, row)
    size = canvas.marker_px
    start, end = float(table.start[ev]), float(table.end[ev])
    if is_period(start, end):  # month, year and multi-day events: a bar over the period
        vp = layout.plan.viewport
        x0, x1 = geo.left + float(vp.to_px(start)), geo.left + float(vp.to_px(end))
        h = size * 0.5
        e = canvas.emu
        bar = group.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE, e(x0), e(cy - h / 2), e(max(x1 - x0, 2.0)), e(h)
        )
        _fill(bar, kind_color(kind, lk.is_dark), 0.28)
        bar.name = "Period"
        canvas.count += 1
    _marker(canvas, group.shapes, kind, (geo.left + x, cy), size).name = "Marker"
    if label is not None:
        lx, w, lrow, text, key = label
        baseline = geo.frame.row_y(lane, lrow) + geo.label_ascent * 0.36
        rect = (geo.left + lx, baseline - geo.label_ascent, w * 1.04 + 2, geo.label_line_px)
        style = _Style(layout.label_px, lk.muted_text if key else lk.text, bold=key)
        _text(canvas, group.shapes, rect, text, style, "Key number" if key else "Label")


def _strip(canvas: _Canvas, page: PageModel, geo: TimelineGeometry) -> None:
    """The membership strip: a bar per stretch of members, deepening at each accession,
    and the nations joining named under it on the first of its lines with room."""
    if geo.strip is None or not page.content.members:
        return
    lk = canvas.look
    top, height = geo.strip
    vp = geo.frame.plan.viewport
    joins = sorted(page.content.members, key=lambda b: b.joined)
    group = _group(canvas, "Membership strip")
    xs = [geo.left + float(vp.to_px(b.joined)) for b in joins]
    total = len(joins)
    for i in range(total):
        x0 = max(xs[i], geo.left)
        x1 = min(xs[i + 1] if i + 1 < total else geo.right, geo.right)
        if x1 > x0:
            alpha = 0.3 + 0.7 * (i + 1) / total
            _rect(
                canvas,
                group.shapes,
                x0,
                top,
                x1 - x0,
                height,
                lk.member_band,
                f"{i + 1} members",
                alpha,
            )
    groups: list[tuple[float, list[str]]] = []
    for band, x in zip(joins, xs, strict=True):
        if groups and x - groups[-1][0] < canvas.marker_px:
            groups[-1][1].append(band.code)
        else:
            groups.append((x, [band.code]))
    width = QFontMetricsF(pixel_font(lk.font_family, geo.strip_font_px)).horizontalAdvance
    ends = [-1e18] * max(geo.strip_lines, 1)
    for x, codes in groups:
        if not geo.left <= x <= geo.right:
            continue
        text = " ".join(codes)
        w = width(text)
        tx = x + 3 if x + 3 + w <= geo.right else x - 3 - w
        for line, end in enumerate(ends):
            if tx >= end + canvas.gap_px * 2:
                ends[line] = tx + w
                rect = (
                    tx,
                    top + height + line * geo.strip_text_px,
                    w * 1.06 + 2,
                    geo.strip_text_px,
                )
                style = _Style(geo.strip_font_px, lk.text, middle=True)
                _text(canvas, group.shapes, rect, text, style, f"Joining: {text}")
                break


def _legend(canvas: _Canvas, layout: ExportLayout) -> None:
    if not layout.legend:
        return
    lk = canvas.look
    group = _group(canvas, "Legend")
    for entry in layout.legend:
        centre = entry.swatch.center()
        marker = _marker(
            canvas, group.shapes, entry.kind, (centre.x(), centre.y()), entry.swatch.width() / 1.15
        )
        marker.name = f"Legend marker: {entry.label}"
        t = entry.text
        rect = (t.left(), t.top(), t.width() * 1.06 + 2, t.height())
        style = _Style(layout.scale * 14, lk.text, middle=True)
        _text(canvas, group.shapes, rect, entry.label, style, f"Legend: {entry.label}")


def _text_lines(canvas: _Canvas, layout: ExportLayout) -> None:
    """The key (in its columns), the sources line and the footer, as the picture has them."""
    lk, shapes = canvas.look, canvas.slide.shapes
    small = layout.scale * 12.5
    if layout.key is not None:
        k = layout.key
        for i, column in enumerate(layout.key_columns):
            rect = (k.left() + i * layout.key_column_px, k.top(), layout.key_column_px, k.height())
            _text(canvas, shapes, rect, "\n".join(column), _Style(small, lk.text), f"Key {i + 1}")
    if layout.sources is not None:
        s = layout.sources
        rect = (s.left(), s.top(), layout.width - 2 * s.left(), s.height())
        text = "\n".join(layout.sources_lines)
        _text(canvas, shapes, rect, text, _Style(small, lk.muted_text), "Sources")
    f = layout.footer
    rect = (f.left(), f.top(), layout.width - 2 * f.left(), f.height())
    _text(canvas, shapes, rect, layout.footer_text, _Style(small, lk.muted_text), "Footer")
