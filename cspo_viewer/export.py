"""The briefing export: the filtered timeline as a PNG, SVG or PDF of a given size, headless.

What reaches a senior has to be crisp, legible on a projector and honest about what it
shows and where it came from. So the picture is the window's own ``TimelinePlot`` (the
same lanes, markers, labels and membership bands, drawn by the same ``TimelineItem``),
laid out anew in a scene of the output's size with fonts, markers and pens scaled for
that size (``RenderLook.scaled``) — never an upscaled screen grab (pyqtgraph #1455,
#1767). Around it ``QPainter`` draws the handling marking (top and bottom), the title, the
filter in words, a legend of the kinds shown, the sources and a footer with the date, the
version and the count of events.

No widget is ever shown, so this runs without a display (the command line sets Qt's
``offscreen`` platform). The window's export dialog and ``cspo-viewer export`` both call
``write_export`` with the same ``ExportOptions``, so the same filter gives the same image.

Files are written to a temporary name and renamed: a failure never leaves a partial file,
and an existing file is replaced only when asked (``force``).
"""

from __future__ import annotations

import os
import stat
import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import PySide6  # noqa: F401 - PySide6 before pyqtgraph (pyqtgraph #1614)
from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPointF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
)

from cspo_viewer import __version__
from cspo_viewer.data.dates import from_day, to_day
from cspo_viewer.data.filters import EventFilter
from cspo_viewer.data.store import Store
from cspo_viewer.data.table import EventTable, load_table, matching_mask
from cspo_viewer.errors import UserError
from cspo_viewer.layout import MARGIN_FRACTION, TimelineContent, build_content
from cspo_viewer.render.palette import RenderLook, look
from cspo_viewer.render.style import kind_color
from cspo_viewer.render.timeline_item import (
    MEMBER_GAP,
    MEMBER_ROW,
    VECTOR_ENGINES,
    draw_symbol,
    symbol_pixmap,
)

DEFAULT_TITLE = "Combined Space Operations Initiative, 2014–2024"
REFERENCE_SIZE = (1280, 720)
"""The output size at which the picture uses the window's sizes (12 px labels, 12 px
markers). Larger outputs scale fonts, markers and pens up in proportion, so a 4K slide
(x3) and an A4 page at 300 dpi (x2.74) read like a 720p slide."""
PRINT_DPI = 300
"""Physical resolution written into PNG, SVG and PDF: an A4 preset prints at A4 size."""
FORMATS = {".png": "PNG", ".svg": "SVG", ".pdf": "PDF"}
GROUPINGS = ("kind", "nation", "theme")
THEMES = ("light", "dark")
MIN_SIDE, MAX_SIDE = 320, 16384
MAX_PIXELS = 120_000_000  # about 480 MB of image memory
PRESETS: tuple[tuple[str, int, int], ...] = (
    ("Full HD slide, 1920×1080", 1920, 1080),
    ("4K slide, 3840×2160", 3840, 2160),
    ("A4 landscape, 300 dpi (3508×2480)", 3508, 2480),
)
"""Named sizes offered by the dialog (the command line takes ``--width``/``--height``)."""

Progress = Callable[[int, str], None]
"""``progress(percent, what)``: called a few times during an export (for a progress bar)."""


@dataclass(frozen=True)
class ExportOptions:
    """What the picture holds and how big it is. The dialog and the command line fill it."""

    width: int = 3840
    height: int = 2160
    title: str = DEFAULT_TITLE
    subtitle: bool = True  # the active filter in words under the title
    marking: str = ""  # handling marking ("OFFICIAL"), centred at top and bottom
    legend: bool = True
    sources: bool = True
    theme: str = "light"  # "light" (prints well) or "dark"
    x_range: tuple[float, float] | None = None  # None: whole filtered range; else days
    grouping: str = "kind"  # lanes by "kind", "nation" or "theme"
    generated: date | None = None  # the date in the footer; None: today

    def __post_init__(self) -> None:
        for name, value in (("width", self.width), ("height", self.height)):
            if not MIN_SIDE <= value <= MAX_SIDE:
                raise UserError(
                    f"the {name} {value} px is out of range ({MIN_SIDE} to {MAX_SIDE} px)"
                )
        if self.width * self.height > MAX_PIXELS:
            raise UserError(
                f"{self.width}x{self.height} is too large; keep it under "
                f"{MAX_PIXELS // 1_000_000} million pixels"
            )
        if self.theme not in THEMES:
            raise UserError(f"unknown theme {self.theme!r}; use light or dark")
        if self.grouping not in GROUPINGS:
            raise UserError(f"unknown grouping {self.grouping!r}; use kind, nation or theme")
        if self.x_range is not None and not self.x_range[1] > self.x_range[0]:
            raise UserError("the date range to export is empty")

    @property
    def scale(self) -> float:
        """How much larger than the window's sizes fonts and markers are drawn: by the
        area against ``REFERENCE_SIZE`` (x3 for 3840x2160), but at most 1.3 times what the
        narrower side allows, so a portrait page or a banner-shaped strip still fits."""
        ref_w, ref_h = REFERENCE_SIZE
        by_area = ((self.width * self.height) / (ref_w * ref_h)) ** 0.5
        by_side = 1.3 * min(self.width / ref_w, self.height / ref_h)
        return quantize(min(max(min(by_area, by_side), 0.5), 12.0))


def quantize(scale: float) -> float:
    """``scale`` in steps of 1/64: sizes scaled by it stay exact in binary floating point,
    so ``LayoutStyle``'s check (label offset >= marker / 2 + gap) holds after scaling."""
    return max(round(scale * 64), 1) / 64


@dataclass(frozen=True)
class ExportData:
    """The events to draw: a database, its event table and a filter with its mask."""

    store: Store
    table: EventTable
    flt: EventFilter
    mask: np.ndarray

    @classmethod
    def load(cls, store: Store, flt: EventFilter) -> ExportData:
        table = load_table(store)
        return cls(store, table, flt, matching_mask(store, table, flt))


@dataclass(frozen=True)
class LegendEntry:
    kind: str
    label: str
    colour: str  # the kind's marker colour (#rrggbb)
    swatch: QRectF  # the marker's square, centred on the marker
    text: QRectF


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
    subtitle: QRectF | None = None
    subtitle_text: str = ""
    legend: tuple[LegendEntry, ...] = ()
    plot: QRectF = field(default_factory=QRectF)
    sources: QRectF | None = None
    sources_lines: tuple[str, ...] = ()
    footer: QRectF = field(default_factory=QRectF)
    footer_text: str = ""
    kinds_shown: tuple[str, ...] = ()
    events_shown: int = 0
    x_range: tuple[float, float] = (0.0, 1.0)
    timeline_scale: float = 1.0  # the timeline's own scale (at most ``scale``)


# --- Qt without a display ------------------------------------------------------------------
_APP = None


def ensure_app():  # -> QApplication (imported lazily)
    """The running ``QApplication``, or a new one on the ``offscreen`` platform (no display
    is needed or touched) when this process has none yet."""
    global _APP
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["cspo-viewer"])
    _APP = app
    return app


# --- what is shown -------------------------------------------------------------------------
def build_export_content(data: ExportData, grouping: str) -> TimelineContent:
    store = data.store
    return build_content(
        data.table,
        data.mask,
        grouping,
        [(k.id, k.label) for k in store.kinds()],
        store.nations(),
        [(t.id, t.label) for t in store.themes()],
    )


def filtered_range(content: TimelineContent, flt: EventFilter) -> tuple[float, float]:
    """The days the filtered events cover (and the filter's own dates, when it has them),
    with the window's margin, inside the content's full range."""
    table, event = content.table, content.lanes.event
    full_lo, full_hi = content.x_range
    if not len(event):
        return full_lo, full_hi
    lo, hi = float(table.start[event].min()), float(table.end[event].max())
    if flt.date_from:
        lo = min(lo, float(to_day(flt.date_from)))
    if flt.date_to:
        hi = max(hi, float(to_day(flt.date_to) + 1))
    if flt.is_empty:
        return full_lo, full_hi
    margin = max((hi - lo) * MARGIN_FRACTION, 15.0)
    return max(lo - margin, full_lo), min(hi + margin, full_hi)


def shown_events(content: TimelineContent, x_range: tuple[float, float]) -> np.ndarray:
    """Rows of the table drawn in ``x_range``: in a lane and overlapping the range."""
    table, event = content.table, content.lanes.event
    x0, x1 = x_range
    inside = (table.start[event] <= x1) & (table.end[event] >= x0)
    seen = np.zeros(len(table), dtype=bool)  # (np.unique would import numpy.ma: 25 ms)
    seen[event[inside]] = True
    return np.flatnonzero(seen)


def range_days(x_range: tuple[float, float]) -> tuple[str, str]:
    """The first and last day (ISO) that ``x_range`` shows, even in part."""
    first = from_day(np.floor(x_range[0])).isoformat()
    last = from_day(max(np.ceil(x_range[1]) - 1, np.floor(x_range[0]))).isoformat()
    return first, last


def view_filter(flt: EventFilter, x_range: tuple[float, float]) -> EventFilter:
    """``flt`` narrowed to the days of ``x_range`` (for the sources of a "current view")."""
    first, last = range_days(x_range)
    date_from = max(flt.date_from, first) if flt.date_from else first
    date_to = min(flt.date_to, last) if flt.date_to else last
    return flt.with_(date_from=date_from, date_to=date_to)


def publishers(store: Store, flt: EventFilter) -> list[str]:
    """Who published the sources of the matching events, once each, most cited first.

    ``sources_for`` ranks sources by citations; a publisher's rank is its number of cited
    sources, ties kept in the order of its best-cited source.
    """
    names: dict[str, str] = {}
    count: dict[str, int] = {}
    for source in store.sources_for(flt):
        name = (source.publisher or source.title or "").strip()
        if name:
            key = name.casefold()
            names.setdefault(key, name)
            count[key] = count.get(key, 0) + 1
    order = sorted(names, key=lambda k: -count[k])  # stable: ties keep citation order
    return [names[k] for k in order]


def source_lines(
    names: Sequence[str], fits: Callable[[str], bool], max_lines: int = 2
) -> list[str]:
    """ "Sources: A; B; C; +N more" broken into at most ``max_lines`` lines that ``fits``.

    As many publishers as fit are named, most cited first; the rest are counted. The
    number named is found by bisection, so a long list costs a few dozen measurements.
    """
    if not names:
        return ["Sources: none recorded for these events"]

    def attempt(k: int) -> list[str] | None:
        chunks = [f"{n};" for n in names[:k]]
        if k == len(names):
            chunks[-1] = chunks[-1][:-1]
        else:
            chunks.append(f"+{len(names) - k} more")
        lines = _wrap_chunks(["Sources:", *chunks], fits)
        return lines if lines is not None and len(lines) <= max_lines else None

    best = attempt(0) or [f"Sources: {len(names)} publishers"]
    lo, hi = 1, len(names)
    while lo <= hi:
        mid = (lo + hi) // 2
        lines = attempt(mid)
        if lines is None:
            hi = mid - 1
        else:
            best, lo = lines, mid + 1
    return best


def _wrap_chunks(chunks: Sequence[str], fits: Callable[[str], bool]) -> list[str] | None:
    """Greedy line breaking between chunks; ``None`` when one chunk alone is too wide."""
    lines: list[str] = []
    line = ""
    for chunk in chunks:
        candidate = f"{line} {chunk}" if line else chunk
        if fits(candidate):
            line = candidate
            continue
        if not line or not fits(chunk):
            return None
        lines.append(line)
        line = chunk
    if line:
        lines.append(line)
    return lines


def wrap_words(text: str, fits: Callable[[str], bool], max_lines: int) -> list[str]:
    """Word-wrap ``text`` into at most ``max_lines`` lines, the last one ending in "…"
    if the text does not fit."""
    words = text.split(" ")
    lines: list[str] = []
    line = ""
    for i, word in enumerate(words):
        candidate = f"{line} {word}" if line else word
        if fits(candidate) or not line:
            line = candidate
            continue
        lines.append(line)
        line = word
        if len(lines) == max_lines:
            rest = " ".join(words[i:])
            last = lines[-1] + " " + rest
            while last and not fits(last + "…"):
                last = last[:-1]
            lines[-1] = last.rstrip() + "…"
            return lines
    lines.append(line)
    while not fits(lines[-1]) and len(lines[-1]) > 1:
        lines[-1] = lines[-1][:-2] + "…"
    return lines


# --- painting ------------------------------------------------------------------------------
class _Page:
    """Fonts, colours and metrics of one export, in output pixels."""

    def __init__(self, options: ExportOptions) -> None:
        self.options = options
        self.u = options.scale
        self.look: RenderLook = look(options.theme).scaled(self.u)
        family = self.look.font_family
        self.banner_font = _font(family, 15 * self.u, bold=True)
        self.title_font = _font(family, 30 * self.u, bold=True)
        self.subtitle_font = _font(family, 17 * self.u)
        self.legend_font = _font(family, 14 * self.u)
        self.small_font = _font(family, 12.5 * self.u)
        self.empty_font = _font(family, 22 * self.u)
        self.pad_x = round(28 * self.u)
        self.gap = round(12 * self.u)
        if self.look.is_dark:
            self.banner_colour, self.banner_text = "#e6e9ee", "#15181d"
        else:
            self.banner_colour, self.banner_text = "#1b1f24", "#ffffff"

    def metrics(self, font: QFont) -> QFontMetricsF:
        return QFontMetricsF(font)


def _font(family: str, px: float, *, bold: bool = False) -> QFont:
    font = QFont(family)
    font.setPixelSize(max(1, round(px)))
    font.setBold(bold)
    return font


def _vector(p: QPainter) -> bool:
    engine = p.paintEngine()
    return engine is not None and engine.type() in VECTOR_ENGINES


def paint_export(
    p: QPainter,
    data: ExportData,
    options: ExportOptions,
    progress: Progress | None = None,
    *,
    filled: bool = False,
) -> ExportLayout:
    """Paint the whole briefing picture onto ``p`` (a device ``options.width`` x
    ``options.height`` pixels) and return where everything went. ``filled``: the device
    already holds the background colour."""
    ensure_app()
    report = progress or (lambda _pct, _what: None)
    report(10, "Laying out the timeline")
    page = _Page(options)
    lk = page.look
    w, h = options.width, options.height
    content = build_export_content(data, options.grouping)
    x_range = options.x_range or filtered_range(content, data.flt)
    shown = shown_events(content, x_range)
    table = data.table
    kind_ids = [k.id for k in data.store.kinds()]
    counts = np.bincount(table.kind[shown], minlength=len(table.kinds))
    present = {table.kinds[i] for i in np.flatnonzero(counts)}
    kinds_shown = tuple(k for k in kind_ids if k in present) + tuple(
        sorted(present - set(kind_ids))
    )
    vocab = data.store.vocabulary
    subtitle = data.flt.describe(vocab)
    if options.x_range is not None:
        first, last = range_days(x_range)
        subtitle += f" · Shown: {first} to {last}"
    generated = options.generated or date.today()
    n = len(shown)
    footer = (
        f"Generated {generated.isoformat()} · cspo-viewer {__version__} · "
        f"{n} event{'' if n == 1 else 's'} shown"
    )
    out = ExportLayout(
        width=w,
        height=h,
        scale=page.u,
        background=lk.background,
        subtitle_text=subtitle if options.subtitle else "",
        footer_text=footer,
        kinds_shown=kinds_shown,
        events_shown=n,
        x_range=(float(x_range[0]), float(x_range[1])),
    )

    p.save()
    try:
        _paint_page(p, page, data, options, content, x_range, out, subtitle, filled, report)
    finally:
        p.restore()
    report(70, "Finishing")
    return out


def _paint_page(
    p: QPainter,
    page: _Page,
    data: ExportData,
    options: ExportOptions,
    content: TimelineContent,
    x_range: tuple[float, float],
    out: ExportLayout,
    subtitle: str,
    filled: bool,
    report: Progress,
) -> None:
    lk = page.look
    w, h = options.width, options.height
    vocab = data.store.vocabulary
    kinds_shown, footer, n = out.kinds_shown, out.footer_text, out.events_shown
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    if not filled:
        p.fillRect(QRectF(0, 0, w, h), QColor(lk.background))
    inner = QRectF(page.pad_x, 0, w - 2 * page.pad_x, h)
    top, bottom = 0.0, float(h)

    # Marking banners, top and bottom.
    marking = options.marking.strip()
    if marking:
        band_h = round(page.metrics(page.banner_font).height() * 1.7)
        banners = (QRectF(0, 0, w, band_h), QRectF(0, h - band_h, w, band_h))
        for rect in banners:
            p.fillRect(rect, QColor(page.banner_colour))
            p.setFont(page.banner_font)
            p.setPen(QColor(page.banner_text))
            text = page.metrics(page.banner_font).elidedText(
                marking, Qt.TextElideMode.ElideRight, w - 2 * page.pad_x
            )
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        out.banners = banners
        out.banner_colour, out.banner_text_colour = page.banner_colour, page.banner_text
        top, bottom = float(band_h), float(h - band_h)

    # Title, subtitle and legend, top down.
    y = top + round(18 * page.u)
    title = options.title.strip()
    if title:
        m = page.metrics(page.title_font)
        text = m.elidedText(title, Qt.TextElideMode.ElideRight, inner.width())
        rect = QRectF(inner.left(), y, m.horizontalAdvance(text), m.height())
        p.setFont(page.title_font)
        p.setPen(QColor(lk.text))
        p.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
        out.title = rect
        y = rect.bottom() + round(4 * page.u)
    if options.subtitle:
        m = page.metrics(page.subtitle_font)
        lines = wrap_words(subtitle, lambda s: m.horizontalAdvance(s) <= inner.width(), 2)
        rect = QRectF(inner.left(), y, 0, m.height() * len(lines))
        p.setFont(page.subtitle_font)
        p.setPen(QColor(lk.muted_text))
        for i, line in enumerate(lines):
            p.drawText(QPointF(inner.left(), y + m.ascent() + i * m.height()), line)
            rect.setWidth(max(rect.width(), m.horizontalAdvance(line)))
        out.subtitle = rect
        y = rect.bottom()
    if title or options.subtitle:
        y += page.gap
    if options.legend and kinds_shown:
        out.legend, y = _paint_legend(p, page, kinds_shown, vocab.kinds, inner, y)
        y += page.gap * 0.5

    # Footer, bottom up: the date, version and count; above it the sources.
    m = page.metrics(page.small_font)
    y_end = bottom - round(14 * page.u)
    p.setFont(page.small_font)
    p.setPen(QColor(lk.muted_text))
    footer_text = m.elidedText(footer, Qt.TextElideMode.ElideRight, inner.width())
    out.footer = QRectF(
        inner.left(), y_end - m.height(), m.horizontalAdvance(footer_text), m.height()
    )
    p.drawText(QPointF(inner.left(), out.footer.top() + m.ascent()), footer_text)
    y_end = out.footer.top()
    if options.sources:
        report(20, "Collecting sources")
        flt = view_filter(data.flt, x_range) if options.x_range is not None else data.flt
        names = publishers(data.store, flt)
        lines = source_lines(names, lambda s: m.horizontalAdvance(s) <= inner.width())
        rect = QRectF(inner.left(), y_end - m.height() * len(lines), 0, m.height() * len(lines))
        for i, line in enumerate(lines):
            p.drawText(QPointF(inner.left(), rect.top() + m.ascent() + i * m.height()), line)
            rect.setWidth(max(rect.width(), m.horizontalAdvance(line)))
        out.sources, out.sources_lines = rect, tuple(lines)
        y_end = rect.top()
    rule_y = y_end - round(8 * page.u)
    p.setPen(QColor(lk.grid))
    p.drawLine(QPointF(inner.left(), rule_y), QPointF(inner.right(), rule_y))

    # The timeline between them.
    plot_rect = QRectF(
        round(page.pad_x * 0.5),
        round(y),
        round(w - page.pad_x * 1.5),
        round(rule_y - 8 * page.u - y),
    )
    out.plot = plot_rect
    report(40, "Drawing the timeline")
    if plot_rect.height() < 60 * page.u:
        raise UserError(
            f"{w}x{h} leaves no room for the timeline; use a larger size or fewer extras"
        )
    plot_look = timeline_look(options, content, plot_rect.height())
    out.timeline_scale = plot_look.font_px / look(options.theme).font_px
    _paint_timeline(p, content, plot_look, plot_rect, x_range)
    if n == 0:
        p.setFont(page.empty_font)
        p.setPen(QColor(lk.muted_text))
        p.drawText(
            plot_rect,
            Qt.AlignmentFlag.AlignCenter,
            "No events match this filter" + (" in these dates" if options.x_range else ""),
        )


def timeline_look(options: ExportOptions, content: TimelineContent, plot_h: float) -> RenderLook:
    """The timeline's look: the page's scale, or up to a third less where the lanes would be
    too low for a second label row (more events named beats larger type)."""
    lanes = max(len(content.lanes.keys), 1)
    units = (
        lanes + MEMBER_GAP + len(content.members) * MEMBER_ROW + 0.15 if content.members else lanes
    )
    base = look(options.theme)
    scale = options.scale
    for _ in range(8):
        candidate = base.scaled(scale)
        line_px = QFontMetricsF(_font(candidate.font_family, candidate.font_px)).height()
        axis_px = round(candidate.font_px * 2.4)
        if (plot_h - axis_px - 2) / units >= line_px * 2.65:
            return candidate
        scale = quantize(scale * 0.95)
    return base.scaled(scale)


def _paint_legend(
    p: QPainter,
    page: _Page,
    kinds: Sequence[str],
    labels: dict[str, str],
    inner: QRectF,
    y: float,
) -> tuple[tuple[LegendEntry, ...], float]:
    """One entry per kind shown (marker shape and colour, then its name), wrapping rows."""
    lk = page.look
    m = page.metrics(page.legend_font)
    size = lk.layout.marker_px * 1.15
    row_h = max(m.height(), size) * 1.35
    spacing = round(26 * page.u)
    x = inner.left()
    entries = []
    vector = _vector(p)
    p.setFont(page.legend_font)
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


def _paint_timeline(
    p: QPainter,
    content: TimelineContent,
    lk: RenderLook,
    rect: QRectF,
    x_range: tuple[float, float],
) -> None:
    """The window's ``TimelinePlot``, laid out in a scene of ``rect``'s size and painted
    1:1 into ``rect`` (scene units are output pixels)."""
    import pyqtgraph as pg

    from cspo_viewer.render.plot import TimelinePlot

    plot = TimelinePlot(lk)
    scene = pg.GraphicsScene()
    scene.addItem(plot)
    size = QRectF(0, 0, rect.width(), rect.height())
    scene.setSceneRect(size)
    plot.setGeometry(size)
    plot.set_content(content)
    plot.layout.activate()
    lo, hi = content.x_range
    x0, x1 = max(x_range[0], lo), min(x_range[1], hi)
    plot.getViewBox().setXRange(x0, x1, padding=0)
    scene.render(p, rect, size)
    scene.removeItem(plot)


# --- files -----------------------------------------------------------------------------
def render_export(
    data: ExportData, options: ExportOptions, progress: Progress | None = None
) -> tuple[QImage, ExportLayout]:
    """The picture as an image of ``options.width`` x ``options.height`` and its layout."""
    ensure_app()
    image = QImage(options.width, options.height, QImage.Format.Format_RGB32)
    dots_per_metre = round(PRINT_DPI / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(QColor(look(options.theme).background))
    p = QPainter(image)
    try:
        layout = paint_export(p, data, options, progress, filled=True)
    finally:
        p.end()
    return image, layout


def export_format(path: Path) -> str:
    """ "PNG", "SVG" or "PDF" from the file name, or ``UserError`` for anything else."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        shown = f"{suffix!r}" if suffix else "no extension"
        raise UserError(
            f"cannot export to {path.name!r}: {shown} is not a format the export writes; "
            "end the name in .png, .svg or .pdf"
        )
    return FORMATS[suffix]


def check_target(path: str | os.PathLike[str], *, force: bool = False) -> str:
    """Refuse, before any work, a target the export could not or should not write.

    Returns the format. Raises ``UserError`` for an unknown extension, a folder that is
    missing, not a folder or not writable, and an existing file unless ``force``.
    """
    target = Path(path)
    fmt = export_format(target)
    parent = target.parent
    if not parent.exists():
        raise UserError(f"cannot write {target}: the folder {parent} does not exist")
    if not parent.is_dir():
        raise UserError(f"cannot write {target}: {parent} is a file, not a folder")
    if target.is_dir():
        raise UserError(f"cannot write {target}: it is a folder")
    if target.exists() and not force:
        raise UserError(f"{target} already exists; use --force to overwrite it")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UserError(f"cannot write to the folder {parent}: permission denied")
    return fmt


def encode_export(
    fmt: str, data: ExportData, options: ExportOptions, progress: Progress | None = None
) -> tuple[bytes, ExportLayout]:
    """The file's bytes in ``fmt`` ("PNG", "SVG" or "PDF") and the layout drawn."""
    ensure_app()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    description = f"{options.title} — {data.flt.describe(data.store.vocabulary)}"
    try:
        return _encode(fmt, buffer, description, data, options, progress)
    except MemoryError:
        raise UserError(
            f"not enough memory for a {options.width}x{options.height} picture; "
            "choose a smaller size"
        ) from None


def _encode(
    fmt: str,
    buffer: QBuffer,
    description: str,
    data: ExportData,
    options: ExportOptions,
    progress: Progress | None,
) -> tuple[bytes, ExportLayout]:
    report = progress or (lambda _pct, _what: None)
    if fmt == "PNG":
        image, layout = render_export(data, options, progress)
        report(80, "Encoding the PNG")
        texts = {
            "Title": options.title,
            "Description": description,
            "Software": f"cspo-viewer {__version__}",
            "Creation Time": (options.generated or date.today()).isoformat(),
        }
        if options.marking.strip():
            texts["Warning"] = options.marking.strip()
        buffer.close()
        return png_bytes(image, texts), layout
    elif fmt == "SVG":
        from PySide6.QtSvg import QSvgGenerator

        gen = QSvgGenerator()
        gen.setOutputDevice(buffer)
        gen.setSize(QSize(options.width, options.height))
        gen.setViewBox(QRectF(0, 0, options.width, options.height))
        gen.setResolution(PRINT_DPI)
        gen.setTitle(options.title)
        gen.setDescription(description)
        layout = _paint_device(gen, data, options, progress)
    else:
        pdf = QPdfWriter(buffer)
        pdf.setResolution(PRINT_DPI)
        pdf.setCreator(f"cspo-viewer {__version__}")
        pdf.setTitle(options.title)
        inches = QPageSize(
            QSizeF(options.width / PRINT_DPI, options.height / PRINT_DPI),
            QPageSize.Unit.Inch,
            "cspo-viewer",
        )
        pdf.setPageLayout(
            QPageLayout(inches, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
        )
        layout = _paint_device(pdf, data, options, progress)
    buffer.close()
    payload = bytes(buffer.data().data())
    if not payload:
        raise UserError(f"could not encode the {fmt} file")
    return payload, layout


PNG_ZLIB_LEVEL = 3


def png_bytes(image: QImage, texts: dict[str, str] | None = None) -> bytes:
    """``image`` as PNG: 8-bit RGB, the "Up" filter on every row, zlib level 3, 300 dpi.

    A 4K slide (mostly flat colour) encodes in ~50 ms, a third of Qt's writer at its
    fastest setting, at about the same size. ``texts`` become UTF-8 ``iTXt`` chunks.
    """
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    if w == 0 or h == 0:
        raise UserError("could not encode the PNG image (it is empty)")
    pixels = np.frombuffer(rgb.constBits(), np.uint8, count=stride * h).reshape(h, stride)
    pixels = pixels[:, : w * 3]
    rows = np.empty((h, w * 3 + 1), np.uint8)
    rows[:, 0] = 2  # filter "Up": each row as its difference from the row above
    rows[0, 1:] = pixels[0]
    np.subtract(pixels[1:], pixels[:-1], out=rows[1:, 1:])
    ppm = round(PRINT_DPI / 0.0254)
    chunks = [
        (b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)),
        (b"pHYs", struct.pack(">IIB", ppm, ppm, 1)),
    ]
    for key, value in (texts or {}).items():
        chunks.append((b"iTXt", key.encode("latin-1") + b"\0\0\0\0\0" + value.encode()))
    chunks += [(b"IDAT", zlib.compress(rows.data, PNG_ZLIB_LEVEL)), (b"IEND", b"")]
    out = [b"\x89PNG\r\n\x1a\n"]
    for tag, body in chunks:
        out += [struct.pack(">I", len(body)), tag, body, struct.pack(">I", zlib.crc32(tag + body))]
    return b"".join(out)


def _paint_device(
    device, data: ExportData, options: ExportOptions, progress: Progress | None
) -> ExportLayout:
    """Paint onto a vector device, mapping output pixels onto its page."""
    p = QPainter()
    if not p.begin(device):
        raise UserError("could not start the vector output")
    try:
        sx = device.width() / options.width
        sy = device.height() / options.height
        if abs(sx - 1) > 1e-6 or abs(sy - 1) > 1e-6:
            p.scale(sx, sy)
        return paint_export(p, data, options, progress)
    finally:
        p.end()


def write_export(
    path: str | os.PathLike[str],
    data: ExportData,
    options: ExportOptions,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> ExportLayout:
    """Write the picture to ``path`` (.png, .svg or .pdf) through a temporary file.

    Raises ``UserError`` (nothing written, no temporary left) for a bad target or a failed
    write, such as a full disk.
    """
    from cspo_viewer.data.build import atomic_output

    target = Path(path)
    fmt = check_target(target, force=force)
    payload, layout = encode_export(fmt, data, options, progress)
    (progress or (lambda _pct, _what: None))(90, "Writing the file")
    try:
        with atomic_output(target, ".tmp") as tmp:
            with open(tmp, "wb") as fh:
                _write_bytes(fh, payload)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, _file_mode(target))
            if target.exists() and not force:  # appeared while we were drawing
                raise UserError(f"{target} already exists; use --force to overwrite it")
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UserError(f"could not write {target}: {reason}; nothing was written") from None
    (progress or (lambda _pct, _what: None))(100, "Done")
    return layout


def _file_mode(target: Path) -> int:
    """An overwritten file keeps its mode; a new one gets the usual 0o666 less the umask
    (not the 0o600 of the temporary file)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _write_bytes(fh, payload: bytes) -> None:
    """One place that writes the bytes (tests make it fail as a full disk would)."""
    fh.write(payload)
