"""The briefing page painter: marking, title, filter, legend, the timeline, its key, the
sources and the footer, drawn from a ``PageModel`` at the output's size.

The timeline is the window's own ``TimelinePlot`` laid out anew in a scene of the plot
area's size, with fonts, markers and pens scaled for the page (never an upscaled screen
grab: pyqtgraph #1455, #1767). Events the timeline cannot name get a number beside their
marker and a line in the key, so nothing on a slide is anonymous; the key's room is
taken from the plot before the timeline is laid out for good.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from cspo_viewer.data.dates import display_date
from cspo_viewer.errors import UserError
from cspo_viewer.layout import Plan, Viewport, unnamed
from cspo_viewer.layout.placement import key_text
from cspo_viewer.model.event_text import (
    CONT,
    LINE_SPACING,
    PARA_GAP_PT,
    TITLE_PT,
    EventText,
    Para,
    paginate,
)
from cspo_viewer.model.options import LABEL_PT
from cspo_viewer.model.page import PageModel, source_lines, wrap_words
from cspo_viewer.render.fonts import pixel_font
from cspo_viewer.render.palette import RenderLook, look
from cspo_viewer.render.plot import TimelinePlot
from cspo_viewer.render.style import kind_color
from cspo_viewer.render.timeline_item import (
    MEMBER_BAND,
    MEMBER_TEXT,
    VECTOR_ENGINES,
    Frame,
    draw_symbol,
    symbol_pixmap,
)

Progress = Callable[[int, str], None]
"""``progress(percent, what)``: called a few times during an export (for a progress bar)."""

MAX_KEY_LINES = 12
"""At most this many lines of key; events beyond them are counted in its last line."""


@dataclass(frozen=True)
class LegendEntry:
    kind: str
    label: str
    colour: str  # the kind's marker colour (#rrggbb)
    swatch: QRectF  # the marker's square, centred on the marker
    text: QRectF


@dataclass(frozen=True)
class TimelineGeometry:
    """Where the timeline's parts were drawn, in output pixels: what the editable deck
    slide places its shapes by, so shapes and picture agree."""

    frame: Frame  # the plan and its rows (device = page pixels)
    left: float  # the lanes' x extent
    right: float
    lanes: tuple[tuple[str, str, float, float], ...]  # (key, title, top, bottom)
    header_left: float  # the lane headers' column
    header_px: float  # font size of headers and axis labels
    label_ascent: float
    label_line_px: float
    axis_top: float
    ticks: tuple[tuple[float, str], ...]  # (x, label) of the labelled date ticks
    strip: tuple[float, float] | None  # membership bar (top, height)
    strip_text_px: float = 0.0  # height of one line of joining nations under the bar
    strip_font_px: float = 0.0  # their font size
    strip_lines: int = 0  # lines of them under the bar


@dataclass
class ExportLayout:
    """Where things were drawn (output pixels), and the words used: for tests and callers."""

    width: int
    height: int
    scale: float
    background: str
    banners: tuple[QRectF, ...] = ()  # top and bottom, when there is a marking
    banner_colour: str = ""
    banner_text_colour: str = ""
    title: QRectF | None = None
    title_text: str = ""
    subtitle: QRectF | None = None
    subtitle_text: str = ""
    legend: tuple[LegendEntry, ...] = ()
    plot: QRectF = field(default_factory=QRectF)
    key: QRectF | None = None
    key_lines: tuple[str, ...] = ()
    key_columns: tuple[tuple[str, ...], ...] = ()  # the key's lines as laid out in columns
    key_column_px: float = 0.0
    sources: QRectF | None = None
    sources_lines: tuple[str, ...] = ()
    footer: QRectF = field(default_factory=QRectF)
    footer_text: str = ""
    kinds_shown: tuple[str, ...] = ()
    events_shown: int = 0
    named: int = 0  # events named by title on the timeline
    keyed: int = 0  # events numbered on the timeline and listed in the key
    uncounted: int = 0  # events only in counted badges, density strips or bare markers
    listed: int = 0  # unnamed events listed one by one in the key
    annotations_named: int = 0  # eras and notes named in the strip above the lanes
    annotations_unnamed: int = 0  # those drawn (band or line) whose name had no room
    x_range: tuple[float, float] = (0.0, 1.0)
    label_px: float = 0.0  # the timeline's label font size
    plan: Plan | None = None  # the timeline's layout as drawn
    banner_px: float = 0.0  # font sizes of the marking, title and subtitle (the deck's
    title_px: float = 0.0  # text boxes take the same sizes as the picture)
    subtitle_px: float = 0.0
    subtitle_lines: tuple[str, ...] = ()
    heading_painted: bool = True  # False: the heading's room is kept but left empty
    view: object | None = None  # a view's geometry (MembersGeometry, MatrixGeometry)
    timeline: TimelineGeometry | None = None  # the timeline's parts, when one was drawn
    pages: int = 1  # slides of a deck, pages of a briefing book


class _Fonts:
    """Fonts, colours and metrics of one page, in output pixels."""

    def __init__(self, page: PageModel) -> None:
        options = page.options
        self.u = options.scale
        self.look: RenderLook = look(options.theme).scaled(self.u)
        family = self.look.font_family
        self.banner = pixel_font(family, 15 * self.u, bold=True)
        self.title = pixel_font(family, 30 * self.u, bold=True)
        self.subtitle = pixel_font(family, 17 * self.u)
        self.legend = pixel_font(family, 14 * self.u)
        self.small = pixel_font(family, 12.5 * self.u)
        self.empty = pixel_font(family, 22 * self.u)
        self.pad_x = round(28 * self.u)
        self.gap = round(12 * self.u)
        if self.look.is_dark:
            self.banner_colour, self.banner_text = "#e6e9ee", "#15181d"
        else:
            self.banner_colour, self.banner_text = "#1b1f24", "#ffffff"


def timeline_look(page: PageModel) -> RenderLook:
    """The timeline's look on this page: labels at ``options.label_px``."""
    base = look(page.options.theme)
    return base.scaled(page.options.label_px / base.font_px)


def paint_page(
    p: QPainter, page: PageModel, progress: Progress | None = None, *, filled: bool = False
) -> ExportLayout:
    """Paint the whole briefing picture onto ``p`` (a device ``options.width`` x
    ``options.height`` pixels) and return where everything went. ``filled``: the device
    already holds the background colour."""
    report = progress or (lambda _pct, _what: None)
    report(10, "Laying out the page")
    fonts = _Fonts(page)
    options = page.options
    out = ExportLayout(
        width=options.width,
        height=options.height,
        scale=fonts.u,
        background=fonts.look.background,
        subtitle_text=page.subtitle if options.subtitle else "",
        footer_text=page.footer,
        kinds_shown=page.kinds_shown,
        events_shown=page.events_shown,
        x_range=page.x_range,
        banner_px=fonts.banner.pixelSize(),
        title_px=fonts.title.pixelSize(),
        subtitle_px=fonts.subtitle.pixelSize(),
        heading_painted=options.heading_painted,
    )
    p.save()
    try:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        if not filled:
            p.fillRect(QRectF(0, 0, options.width, options.height), QColor(fonts.look.background))
        top, bottom = _paint_banners(p, fonts, page, out)
        y = _paint_heading(p, fonts, page, out, top)
        y_end = _paint_footer(p, fonts, page, out, bottom)
        report(40, "Drawing the timeline" if options.view == "timeline" else "Drawing the view")
        _paint_body(p, fonts, page, out, y, y_end)
    finally:
        p.restore()
    report(70, "Finishing")
    return out


def _inner(fonts: _Fonts, page: PageModel) -> QRectF:
    w, h = page.options.width, page.options.height
    return QRectF(fonts.pad_x, 0, w - 2 * fonts.pad_x, h)


def _paint_banners(
    p: QPainter, fonts: _Fonts, page: PageModel, out: ExportLayout
) -> tuple[float, float]:
    w, h = page.options.width, page.options.height
    marking = page.options.marking.strip()
    if not marking:
        return 0.0, float(h)
    m = QFontMetricsF(fonts.banner)
    band_h = round(m.height() * 1.7)
    banners = (QRectF(0, 0, w, band_h), QRectF(0, h - band_h, w, band_h))
    for rect in banners if page.options.heading_painted else ():
        p.fillRect(rect, QColor(fonts.banner_colour))
        p.setFont(fonts.banner)
        p.setPen(QColor(fonts.banner_text))
        text = m.elidedText(marking, Qt.TextElideMode.ElideRight, w - 2 * fonts.pad_x)
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    out.banners = banners
    out.banner_colour, out.banner_text_colour = fonts.banner_colour, fonts.banner_text
    return float(band_h), float(h - band_h)


def _paint_heading(
    p: QPainter, fonts: _Fonts, page: PageModel, out: ExportLayout, top: float
) -> float:
    """Title, subtitle and legend, top down; returns the y below them."""
    lk, inner, options = fonts.look, _inner(fonts, page), page.options
    y = top + round(18 * fonts.u)
    title = page.title
    if title:
        m = QFontMetricsF(fonts.title)
        text = m.elidedText(title, Qt.TextElideMode.ElideRight, inner.width())
        rect = QRectF(inner.left(), y, m.horizontalAdvance(text), m.height())
        p.setFont(fonts.title)
        p.setPen(QColor(lk.text))
        if options.heading_painted:
            p.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        out.title, out.title_text = rect, text
        y = rect.bottom() + round(4 * fonts.u)
    if options.subtitle:
        m = QFontMetricsF(fonts.subtitle)
        lines = wrap_words(page.subtitle, lambda s: m.horizontalAdvance(s) <= inner.width(), 2)
        rect = QRectF(inner.left(), y, 0, m.height() * len(lines))
        p.setFont(fonts.subtitle)
        p.setPen(QColor(lk.muted_text))
        for i, line in enumerate(lines):
            if options.heading_painted:
                p.drawText(QPointF(inner.left(), y + m.ascent() + i * m.height()), line)
            rect.setWidth(max(rect.width(), m.horizontalAdvance(line)))
        out.subtitle, out.subtitle_lines = rect, tuple(lines)
        y = rect.bottom()
    if title or options.subtitle:
        y += fonts.gap
    if options.legend and page.kinds_shown:
        out.legend, y = _paint_legend(p, fonts, page.kinds_shown, page.kind_labels, inner, y)
        y += fonts.gap * 0.5
    return y


def _paint_footer(
    p: QPainter, fonts: _Fonts, page: PageModel, out: ExportLayout, bottom: float
) -> float:
    """Footer (date, version, count) and above it the sources, bottom up; returns the
    y of the rule above them."""
    lk, inner = fonts.look, _inner(fonts, page)
    m = QFontMetricsF(fonts.small)
    y_end = bottom - round(14 * fonts.u)
    p.setFont(fonts.small)
    p.setPen(QColor(lk.muted_text))
    footer_text = m.elidedText(page.footer, Qt.TextElideMode.ElideRight, inner.width())
    out.footer = QRectF(
        inner.left(), y_end - m.height(), m.horizontalAdvance(footer_text), m.height()
    )
    p.drawText(QPointF(inner.left(), out.footer.top() + m.ascent()), footer_text)
    y_end = out.footer.top()
    if page.options.sources:
        lines = source_lines(page.publishers, lambda s: m.horizontalAdvance(s) <= inner.width())
        rect = QRectF(inner.left(), y_end - m.height() * len(lines), 0, m.height() * len(lines))
        for i, line in enumerate(lines):
            p.drawText(QPointF(inner.left(), rect.top() + m.ascent() + i * m.height()), line)
            rect.setWidth(max(rect.width(), m.horizontalAdvance(line)))
        out.sources, out.sources_lines = rect, tuple(lines)
        y_end = rect.top()
    rule_y = y_end - round(8 * fonts.u)
    p.setPen(QColor(lk.grid))
    p.drawLine(QPointF(inner.left(), rule_y), QPointF(inner.right(), rule_y))
    return rule_y


def _paint_legend(
    p: QPainter,
    fonts: _Fonts,
    kinds: Sequence[str],
    labels: dict[str, str],
    inner: QRectF,
    y: float,
) -> tuple[tuple[LegendEntry, ...], float]:
    """One entry per kind shown (marker shape and colour, then its name), wrapping rows."""
    lk = fonts.look
    m = QFontMetricsF(fonts.legend)
    size = lk.layout.marker_px * 1.15
    row_h = max(m.height(), size) * 1.35
    spacing = round(26 * fonts.u)
    x = inner.left()
    entries = []
    engine = p.paintEngine()
    vector = engine is not None and engine.type() in VECTOR_ENGINES
    p.setFont(fonts.legend)
    for kind in kinds:
        label = labels.get(kind, kind)
        text_w = m.horizontalAdvance(label)
        entry_w = size + 0.6 * size + text_w
        if x > inner.left() and x + entry_w > inner.right():
            x, y = inner.left(), y + row_h
        centre = QPointF(x + size / 2, y + row_h / 2)
        colour = kind_color(kind, lk.is_dark)
        if vector:
            draw_symbol(p, centre, kind, size, colour, lk.background)
        else:
            pix = symbol_pixmap(kind, size, colour, lk.background, None)
            p.drawPixmap(QPointF(centre.x() - pix.width() / 2, centre.y() - pix.height() / 2), pix)
        text = QRectF(x + size * 1.6, y + (row_h - m.height()) / 2, text_w, m.height())
        p.setPen(QColor(lk.text))
        p.drawText(QPointF(text.left(), text.top() + m.ascent()), label)
        swatch = QRectF(centre.x() - size / 2, centre.y() - size / 2, size, size)
        entries.append(LegendEntry(kind, label, colour, swatch, text))
        x += entry_w + spacing
    return tuple(entries), y + row_h


class _Timeline:
    """The window's plot in a scene of the plot area's size (scene units = pixels)."""

    def __init__(self, page: PageModel) -> None:
        self.page = page
        self.plot = TimelinePlot(timeline_look(page))
        self.plot.item.set_page_mode(key=True, clip_labels=True, x_range=page.x_range)
        self.plot.item.set_pinned(page.pinned)
        self.scene = pg.GraphicsScene()
        self.scene.addItem(self.plot)
        self.geometry: TimelineGeometry | None = None

    def lay_out(self, rect: QRectF) -> Plan:
        size = QRectF(0, 0, rect.width(), rect.height())
        self.scene.setSceneRect(size)
        self.plot.setGeometry(size)
        self.plot.layout.activate()
        self.plot.set_content(self.page.content)
        self.plot.layout.activate()
        lo, hi = self.page.content.x_range
        x0, x1 = max(self.page.x_range[0], lo), min(self.page.x_range[1], hi)
        vb = self.plot.getViewBox()
        vb.setXRange(x0, x1, padding=0)
        self.plot.relayout(force=True)
        self.plot.layout.activate()
        width = vb.sceneBoundingRect().width()
        return self.plot.item.layout_plan(Viewport(x0, x1, max(width, 1.0)))

    def render(self, p: QPainter, rect: QRectF) -> Plan | None:
        size = QRectF(0, 0, rect.width(), rect.height())
        self.scene.render(p, rect, size)
        frame = self.plot.item.frame
        self.geometry = self._geometry(rect) if frame is not None else None
        self.scene.removeItem(self.plot)
        return frame.plan if frame else None

    def _geometry(self, rect: QRectF) -> TimelineGeometry:
        """The drawn timeline's parts in page pixels (scene units are pixels, offset by
        the plot's place on the page)."""
        item, frame = self.plot.item, self.plot.item.frame
        assert frame is not None and self.page.content is not None
        left, right = frame.dev_x0, frame.dev_x0 + frame.plan.viewport.width_px
        lanes = tuple(
            (
                key,
                title,
                frame.dev_y0 + item.lane_top(i) * frame.row_px,
                frame.dev_y0 + item.lane_top(i + 1) * frame.row_px,
            )
            for i, (key, title) in enumerate(
                zip(self.page.content.lanes.keys, self.page.content.lanes.titles, strict=True)
            )
        )
        vp = frame.plan.viewport
        ticks = tuple(
            (left + float(vp.to_px(t.day)), t.text)
            for t in self.plot.day_axis.ticks
            if t.major and t.text and vp.x0 <= t.day <= vp.x1
        )
        strip = None
        if self.page.content.members and self.page.options.members:
            strip = (frame.dev_y0 + item.strip_top * frame.row_px, MEMBER_BAND * frame.row_px)
        return TimelineGeometry(
            frame=frame,
            left=left,
            right=right,
            lanes=lanes,
            header_left=rect.left() + self.plot.lane_axis.sceneBoundingRect().left(),
            header_px=self.plot.look.font_px,
            label_ascent=item._ascent,
            label_line_px=item._line_px,
            # The date axis sits right under the view box (the axis's own scene rect is
            # not kept up to date in a scene without a view).
            axis_top=rect.top() + self.plot.getViewBox().sceneBoundingRect().bottom(),
            ticks=ticks,
            strip=strip,
            strip_text_px=MEMBER_TEXT * frame.row_px,
            strip_font_px=item._small.pixelSize(),
            strip_lines=item._member_lines,
        )


def _key_lines(
    page: PageModel, plan: Plan, fits: Callable[[str], bool], most: int
) -> tuple[list[str], int]:
    """ "[n]  date  title" for each numbered event, then "–  date  title" for the other
    unnamed ones (bare markers, badges, density strips), in date order: at most ``most``
    lines, and how many unnamed events there are in all."""
    table = page.content.table
    numbered = {ev: n for n, ev in plan.key}
    missing = unnamed(plan, page.shown)
    # The set of 100,000 unnamed events is built only when some events carry numbers.
    total = len(missing) + (len(numbered.keys() - set(missing)) if numbered else 0)
    others = (ev for ev in missing if ev not in numbered)
    marks = [*((ev, key_text(n)) for n, ev in plan.key)]
    marks += [(ev, "–") for ev in itertools.islice(others, max(most - len(marks), 0))]
    lines = []
    for ev, mark in marks[:most]:
        entry = page.key_entry(ev)
        when = display_date(entry.date, ("day", "month", "year")[int(table.precision[ev])])
        lines.append(wrap_words(f"{mark}  {when}  {entry.title}", fits, 1)[0])
    return lines, total


def _key_columns(
    lines: list[str], total: int, m: QFontMetricsF, width: float, depth: int = MAX_KEY_LINES
) -> tuple[list[list[str]], float]:
    """The key's lines in as many columns as fit ``width``, at most ``depth`` deep;
    where that is not enough for ``total``, the last line counts the rest."""
    if not lines:
        return [], 0.0
    gap = m.horizontalAdvance("    ")
    col_w = min(max(m.horizontalAdvance(s) for s in lines) + gap, width)
    cols = max(int(width // max(col_w, 1.0)), 1)
    capacity = cols * max(depth, 1)
    shown = lines if total <= capacity else lines[: capacity - 1]
    if len(shown) < total:
        extra = total - len(shown)
        shown = [*shown, f"+{extra:,} more events not named (counted badges or density strips)"]
    per_col = -(-len(shown) // cols)
    columns = [shown[i : i + per_col] for i in range(0, len(shown), per_col)]
    return columns, col_w


def _paint_body(
    p: QPainter, fonts: _Fonts, page: PageModel, out: ExportLayout, y: float, y_end: float
) -> None:
    """Between the heading and the sources: the timeline with its key, or a view."""
    if page.options.view == "timeline":
        _paint_timeline_and_key(p, fonts, page, out, y, y_end)
        return
    from cspo_viewer.render.views import paint_members, paint_participation

    inner = _inner(fonts, page)
    rect = QRectF(inner.left(), y + fonts.gap * 0.5, inner.width(), y_end - y - fonts.gap * 1.5)
    out.plot = rect
    if rect.height() < 80 * fonts.u:
        raise UserError(
            f"{page.options.width}x{page.options.height} leaves no room for the view; "
            "use a larger size or fewer extras"
        )
    body_look = look(page.options.theme)
    if page.options.view == "members" and page.members is not None and page.members.accessions:
        out.view = paint_members(p, rect, page.members, body_look, fonts.u)
    elif page.participation is not None and page.events_shown:
        out.view = paint_participation(p, rect, page.participation, body_look, fonts.u)
    else:
        p.setFont(fonts.empty)
        p.setPen(QColor(fonts.look.muted_text))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, page.empty_message)


def _paint_timeline_and_key(
    p: QPainter, fonts: _Fonts, page: PageModel, out: ExportLayout, y: float, y_end: float
) -> None:
    options, inner, lk = page.options, _inner(fonts, page), fonts.look
    w = options.width
    m = QFontMetricsF(fonts.small)
    line_h = m.height()
    key_h = 0.0
    timeline = _Timeline(page)
    columns: list[list[str]] = []
    col_w = 0.0
    fits = lambda s: m.horizontalAdvance(s) <= inner.width()  # noqa: E731
    most = MAX_KEY_LINES * max(int(inner.width() // (m.averageCharWidth() * 24)), 1)

    def lay_out(key_h: float, depth: int = MAX_KEY_LINES):
        plot_rect = QRectF(
            round(fonts.pad_x * 0.5),
            round(y),
            round(w - fonts.pad_x * 1.5),
            round(y_end - 8 * fonts.u - y - key_h),
        )
        if plot_rect.height() < 60 * fonts.u:
            raise UserError(
                f"{options.width}x{options.height} leaves no room for the timeline; "
                "use a larger size or fewer extras"
            )
        plan = timeline.lay_out(plot_rect)
        lines, total = _key_lines(page, plan, fits, most)
        columns, col_w = _key_columns(lines, total, m, inner.width(), depth)
        need = (max((len(c) for c in columns), default=0) * line_h + fonts.gap) if columns else 0
        return plot_rect, plan, columns, col_w, need

    # The key takes room from the plot, which may leave more to list: a few rounds, then
    # the key keeps the room it last asked for and lists what fits in it.
    for _ in range(4):
        plot_rect, plan, columns, col_w, need = lay_out(key_h)
        if need <= key_h:
            break
        key_h = need
    else:
        depth = max(int((key_h - fonts.gap) // line_h), 1)
        plot_rect, plan, columns, col_w, need = lay_out(key_h, depth)
    out.plot = plot_rect
    drawn = timeline.render(p, plot_rect) or plan
    out.plan = drawn
    out.timeline = timeline.geometry
    out.label_px = options.label_px
    named = np.fromiter(drawn.named(), dtype=np.int64)
    out.named = int(np.isin(page.shown, named).sum())
    out.keyed = len(drawn.key)
    out.uncounted = out.events_shown - out.named - out.keyed
    frame = timeline.plot.item.frame
    if frame is not None and frame.strip is not None:
        out.annotations_named = len(frame.strip.label_text)
        out.annotations_unnamed = frame.strip.hidden
    if columns:
        top = plot_rect.bottom() + fonts.gap * 0.5
        p.setFont(fonts.small)
        p.setPen(QColor(lk.text))
        for c, column in enumerate(columns):
            for i, line in enumerate(column):
                p.drawText(QPointF(inner.left() + c * col_w, top + m.ascent() + i * line_h), line)
        out.key = QRectF(inner.left(), top, inner.width(), key_h - fonts.gap)
        out.key_lines = tuple(line for column in columns for line in column)
        out.key_columns = tuple(tuple(column) for column in columns)
        out.key_column_px = col_w
        out.listed = len(out.key_lines) - (1 if "more events" in out.key_lines[-1] else 0)
    if not page.events_shown:
        p.setFont(fonts.empty)
        p.setPen(QColor(lk.muted_text))
        p.drawText(plot_rect, Qt.AlignmentFlag.AlignCenter, page.empty_message)


# --- the briefing book: the timeline page, then pages per event ---------------------------


@dataclass(frozen=True)
class EventSheet:
    """One printed page of an event: its title ("(cont.)" after the first), the header
    every page of it repeats, its share of the body, and the sources line."""

    title: str
    header: tuple[Para, ...]
    body: tuple[Para, ...]
    sources: Para


class _SheetFonts:
    """The event pages' type scale (``event_text``'s points) in this page's pixels: a
    point is ``label_px / LABEL_PT`` pixels, as the timeline's labels are."""

    def __init__(self, page: PageModel) -> None:
        self.fonts = _Fonts(page)
        self.px_per_pt = page.options.label_px / LABEL_PT
        self.inner = _inner(self.fonts, page)
        self._cache: dict[tuple[float, bool, bool], QFont] = {}

    def font(self, para: Para) -> QFont:
        key = (para.pt, para.bold, para.italic)
        font = self._cache.get(key)
        if font is None:
            font = pixel_font(self.fonts.look.font_family, para.pt * self.px_per_pt)
            font.setBold(para.bold)
            font.setItalic(para.italic)
            self._cache[key] = font
        return font

    def lines(self, para: Para) -> list[str]:
        m = QFontMetricsF(self.font(para))
        width = self.inner.width()
        return wrap_words(para.text, lambda s: m.horizontalAdvance(s) <= width, 1_000_000)

    def height(self, paras: Sequence[Para]) -> float:
        """Pixels ``paras`` take, at their exact line pitch."""
        pt = sum(
            len(self.lines(para)) * para.pt * LINE_SPACING + (PARA_GAP_PT if i else 0)
            for i, para in enumerate(paras)
        )
        return pt * self.px_per_pt


def _sheet_frame(sheet_fonts: _SheetFonts, page: PageModel) -> tuple[float, float]:
    """The top and bottom of the text between the marking's bands, in pixels."""
    fonts, h = sheet_fonts.fonts, page.options.height
    band = 0.0
    if page.options.marking.strip():
        band = round(QFontMetricsF(fonts.banner).height() * 1.7)
    footer = QFontMetricsF(fonts.small).height() * 1.6
    return band + round(18 * fonts.u), h - band - round(14 * fonts.u) - footer


def book_sheets(page: PageModel, events: Sequence[EventText]) -> list[EventSheet]:
    """Each event's pages, its body flowed over as many as it needs."""
    sf = _SheetFonts(page)
    top, bottom = _sheet_frame(sf, page)
    gap = sf.fonts.gap
    sheets = []
    for event in events:
        header = tuple(para for _, para in event.header)
        title = Para(event.title + CONT, TITLE_PT, bold=True)
        used = sf.height([title]) + gap + sf.height(header) + 2 * gap
        room = bottom - top - used - sf.height([event.sources]) - gap
        for n, body in enumerate(paginate(event.body, sf.lines, room / sf.px_per_pt)):
            name = event.title if n == 0 else event.title + CONT
            sheets.append(EventSheet(name, header, tuple(body), event.sources))
    return sheets


def _paint_paras(p: QPainter, sf: _SheetFonts, paras: Sequence[Para], y: float, lk) -> float:
    """Paragraphs from ``y`` down at their exact pitch; returns the y below them."""
    for i, para in enumerate(paras):
        y += (PARA_GAP_PT * sf.px_per_pt) if i else 0
        font = sf.font(para)
        m = QFontMetricsF(font)
        pitch = para.pt * LINE_SPACING * sf.px_per_pt
        p.setFont(font)
        p.setPen(QColor(lk.muted_text if para.muted else lk.text))
        for line in sf.lines(para):
            p.drawText(QPointF(sf.inner.left(), y + (pitch - m.height()) / 2 + m.ascent()), line)
            y += pitch
    return y


def paint_event_sheet(
    p: QPainter, page: PageModel, sheet: EventSheet, number: int, total: int
) -> None:
    """One event page: marking top and bottom, title, header, body, sources, page number."""
    sf = _SheetFonts(page)
    fonts, lk, options = sf.fonts, sf.fonts.look, page.options
    p.save()
    try:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        p.fillRect(QRectF(0, 0, options.width, options.height), QColor(lk.background))
        out = ExportLayout(options.width, options.height, fonts.u, lk.background)
        _paint_banners(p, fonts, page, out)
        top, bottom = _sheet_frame(sf, page)
        y = _paint_paras(p, sf, [Para(sheet.title, TITLE_PT, bold=True)], top, lk) + fonts.gap
        y = _paint_paras(p, sf, sheet.header, y, lk) + 2 * fonts.gap
        _paint_paras(p, sf, sheet.body, y, lk)
        _paint_paras(p, sf, [sheet.sources], bottom - sf.height([sheet.sources]), lk)
        _page_number(p, fonts, page, number, total)
    finally:
        p.restore()


def _page_number(p: QPainter, fonts: _Fonts, page: PageModel, number: int, total: int) -> None:
    """ "Page 2 of 31", bottom right above the marking's band."""
    m = QFontMetricsF(fonts.small)
    band = round(QFontMetricsF(fonts.banner).height() * 1.7) if page.options.marking.strip() else 0
    inner = _inner(fonts, page)
    baseline = page.options.height - band - round(14 * fonts.u) - m.descent()
    text = f"Page {number} of {total}"
    p.setFont(fonts.small)
    p.setPen(QColor(fonts.look.muted_text))
    p.drawText(QPointF(inner.right() - m.horizontalAdvance(text), baseline), text)


def paint_book(
    device,
    page: PageModel,
    events: Sequence[EventText],
    progress: Progress | None = None,
) -> ExportLayout:
    """The timeline page, then each event's pages, on a paged device (``QPdfWriter`` or
    ``QPrinter``): the same painters as every export, scaled from the page's pixels to
    the device's, every page numbered and marked."""
    report = progress or (lambda _pct, _what: None)
    sheets = book_sheets(page, events)
    total = 1 + len(sheets)
    p = QPainter()
    if not p.begin(device):
        raise UserError("could not start the printer or PDF output")
    try:
        rect = device.pageLayout().paintRectPixels(device.resolution())
        sx, sy = rect.width() / page.options.width, rect.height() / page.options.height
        scale = min(sx, sy)
        p.scale(scale, scale)
        layout = paint_page(p, page, progress)
        _page_number(p, _Fonts(page), page, 1, total)
        for i, sheet in enumerate(sheets, 2):
            if not device.newPage():
                raise UserError("could not start a new page")
            paint_event_sheet(p, page, sheet, i, total)
            if i % 10 == 0:
                report(70 + 25 * i // total, "Drawing the event pages")
    finally:
        p.end()
    layout.pages = total
    return layout
