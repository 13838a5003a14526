"""The one timeline renderer: a pyqtgraph ``GraphicsObject`` that paints a layout plan.

One item draws every lane, marker, cluster, label and membership band, so a frame is one
``paint`` call whatever the event count (one ``TextItem`` or ``QGraphicsItem`` per event
is what makes other viewers crawl: pyqtgraph #1191, #2287). Painting happens in device
pixels, so fonts and markers keep their size at any zoom and scale only with the look
(window or briefing export). The window and ``export`` both use this item.

Coordinates: x is days since 2000-01-01; y is lane index (lane ``i`` spans ``[i, i+1)``),
with the membership rows below the event lanes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPaintEngine,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QTransform,
)

from cspo_viewer.data.table import EventTable
from cspo_viewer.layout import (
    LanePlan,
    Lanes,
    MemberBand,
    Plan,
    TimelineContent,
    Viewport,
    plan_view,
)
from cspo_viewer.render.palette import LIGHT, RenderLook
from cspo_viewer.render.style import kind_color, kind_symbol

MEMBER_GAP = 0.35  # lanes of space between the event lanes and the membership rows
MEMBER_ROW = 0.42  # height of one membership row, in lanes
VECTOR_ENGINES = (QPaintEngine.Type.SVG, QPaintEngine.Type.Pdf)
"""Painters whose output stays vector: markers are drawn as paths there, not pixmaps."""


@dataclass
class Frame:
    """The geometry of the last paint, for hit-testing clicks against what was drawn."""

    plan: Plan
    dev_x0: float  # device x of the viewport's left edge
    lane_top: list[float]
    lane_height: float


def symbol_pixmap(kind: str, size: float, fill: str, outline: str, ring: str | None) -> QPixmap:
    """A marker as a pixmap (cached): shape and colour by kind, so greyscale prints read."""
    return _symbol_pixmap(kind, round(size * 4) / 4, fill, outline, ring)


@lru_cache(maxsize=256)
def _symbol_pixmap(kind: str, size: float, fill: str, outline: str, ring: str | None) -> QPixmap:
    side = int(np.ceil(size + 2 * _symbol_pad(size)))
    pix = QPixmap(side, side)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    draw_symbol(p, QPointF(side / 2, side / 2), kind, size, fill, outline, ring)
    p.end()
    return pix


def _symbol_pad(size: float) -> float:
    return max(2.0, size * 0.35)


def draw_symbol(
    p: QPainter,
    centre: QPointF,
    kind: str,
    size: float,
    fill: str,
    outline: str,
    ring: str | None = None,
) -> None:
    """Paint a kind's marker centred on ``centre``: what ``symbol_pixmap`` caches, drawn
    directly where pixels are not wanted (SVG and PDF exports stay vector)."""
    p.save()
    p.translate(centre)
    if ring:
        pad = _symbol_pad(size)
        p.setPen(QPen(QColor(ring), max(1.5, size * 0.18)))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawEllipse(QPointF(0, 0), size * 0.5 + pad * 0.6, size * 0.5 + pad * 0.6)
    symbol = kind_symbol(kind)
    path: QPainterPath = Symbols[symbol]
    scale = size * (1.45 if symbol == "star" else 1.0)  # pyqtgraph's star is drawn small
    p.scale(scale, scale)
    p.setPen(QPen(QColor(outline), 1.2 / scale))
    p.setBrush(QColor(fill))
    p.drawPath(path)
    p.restore()


@lru_cache(maxsize=4096)
def cluster_pixmap(
    text: str, size: float, fill: str, ring: str, selected: bool, family: str
) -> QPixmap:
    """A counted cluster badge ("12"): a disc in the kind's colour with its count."""
    side = int(np.ceil(size + 2 * _cluster_ring(size, selected) + 2))
    pix = QPixmap(side, side)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    draw_cluster(p, QPointF(side / 2, side / 2), text, size, fill, ring, selected, family)
    p.end()
    return pix


def _cluster_ring(size: float, selected: bool) -> float:
    return max(1.5, size * (0.16 if selected else 0.1))


def draw_cluster(
    p: QPainter,
    centre: QPointF,
    text: str,
    size: float,
    fill: str,
    ring: str,
    selected: bool,
    family: str,
) -> None:
    """Paint a cluster badge centred on ``centre`` (what ``cluster_pixmap`` caches)."""
    ring_px = _cluster_ring(size, selected)
    p.save()
    p.setPen(QPen(QColor(ring), ring_px))
    p.setBrush(QColor(fill))
    r = size / 2
    p.drawEllipse(centre, r, r)
    font = QFont(family)
    font.setBold(True)
    font.setPixelSize(max(1, round(size * (0.55 if len(text) < 3 else 0.42))))
    p.setFont(font)
    p.setPen(QColor("#ffffff"))
    half = r + ring_px + 1
    p.drawText(
        QRectF(centre.x() - half, centre.y() - half, 2 * half, 2 * half),
        Qt.AlignmentFlag.AlignCenter,
        text,
    )
    p.restore()


def _cached_advance(metrics: QFontMetricsF, limit: int = 65536):  # -> Callable[[str], float]
    """``metrics.horizontalAdvance`` with a cache. (``functools.lru_cache`` on the bound Qt
    method would read its signature, which loads PySide's signature module: ~25 ms.)"""
    advance = metrics.horizontalAdvance
    cache: dict[str, float] = {}

    def measure(text: str) -> float:
        width = cache.get(text)
        if width is None:
            if len(cache) >= limit:
                cache.clear()
            width = cache[text] = advance(text)
        return width

    return measure


class TimelineItem(pg.GraphicsObject):
    """Lanes, markers, clusters, labels and membership bands for one ``EventTable``."""

    def __init__(self, look: RenderLook = LIGHT) -> None:
        super().__init__()
        self._look = look
        self._table: EventTable | None = None
        self._lanes: Lanes | None = None
        self._members: list[MemberBand] = []
        self._member_lanes: dict[str, float] = {}  # nation grouping: lane key -> join day
        self._selected: int | None = None
        self._x_range = (0.0, 1.0)
        self._frame: Frame | None = None
        self._vector = False  # painting to SVG or PDF: paths instead of cached pixmaps
        self._fonts()

    # --- content ----------------------------------------------------------------------
    def _fonts(self) -> None:
        look = self._look
        self._font = QFont(look.font_family)
        self._font.setPixelSize(max(1, round(look.font_px)))
        self._bold = QFont(self._font)
        self._bold.setBold(True)
        self._small = QFont(look.font_family)
        self._small.setPixelSize(max(1, round(look.small_font_px)))
        self._small_bold = QFont(self._small)
        self._small_bold.setBold(True)
        metrics = QFontMetricsF(self._font)
        self._measure = _cached_advance(metrics)
        self._line_px = metrics.height()
        self._ascent = metrics.ascent()

    def set_look(self, look: RenderLook) -> None:
        self._look = look
        self._fonts()
        self.update()

    @property
    def look(self) -> RenderLook:
        return self._look

    def set_content(self, content: TimelineContent) -> None:
        """What to draw: the events in the content's lanes over its day range, and members.

        Membership rows go under the lanes; with one lane per nation, each nation lane is
        tinted from its join day instead.
        """
        self.prepareGeometryChange()
        self._table = content.table
        self._lanes = content.lanes
        self._x_range = content.x_range
        self._members = list(content.members)
        self._member_lanes = dict(content.member_lanes)
        self._frame = None
        self.update()

    def set_selected(self, index: int | None) -> None:
        self._selected = index
        self.update()

    @property
    def lane_count(self) -> int:
        return len(self._lanes.keys) if self._lanes else 0

    def member_row_y(self, row: int) -> float:
        return self.lane_count + MEMBER_GAP + row * MEMBER_ROW

    @property
    def total_height(self) -> float:
        """Height in lane units, including the membership rows."""
        if self._members:
            return self.member_row_y(len(self._members)) + 0.15
        return float(max(self.lane_count, 1))

    @property
    def frame(self) -> Frame | None:
        return self._frame

    def boundingRect(self) -> QRectF:
        x0, x1 = self._x_range
        return QRectF(x0, 0.0, x1 - x0, self.total_height)

    # --- painting ---------------------------------------------------------------------
    def _viewport(self, tr: QTransform) -> tuple[Viewport, float]:
        view = self.getViewBox()
        if view is not None:
            (x0, x1), _ = view.viewRange()
        else:
            x0, x1 = self._x_range
        dev_x0 = tr.map(QPointF(x0, 0)).x()
        dev_x1 = tr.map(QPointF(x1, 0)).x()
        return Viewport(x0, x1, max(dev_x1 - dev_x0, 1.0)), dev_x0

    def paint(self, p: QPainter, *args: object) -> None:
        if self._table is None or self._lanes is None:
            return
        tr = p.transform()
        viewport, dev_x0 = self._viewport(tr)
        lane_top = [tr.map(QPointF(0, i)).y() for i in range(self.lane_count + 1)]
        lane_h = (lane_top[-1] - lane_top[0]) / max(self.lane_count, 1)
        # A second label row only where the lane has room for it below the markers.
        rows = 2 if lane_h >= self._line_px * 2.6 else 1
        plan = plan_view(
            self._table,
            self._lanes,
            viewport,
            self._measure,
            self._look.layout,
            selected=self._selected,
            label_rows=rows,
        )
        self._frame = Frame(plan, dev_x0, lane_top[:-1], lane_h)
        engine = p.paintEngine()
        self._vector = engine is not None and engine.type() in VECTOR_ENGINES
        p.save()
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self._paint_lane_backgrounds(p, viewport, dev_x0, lane_top, tr)
        self._paint_members(p, viewport, dev_x0, tr)
        for lane, lp in enumerate(plan.lanes):
            y = self.marker_y(lane)
            self._paint_dimmed(p, lp.dim_x, dev_x0, y)
            self._paint_spans(p, lp, viewport, dev_x0, y)
            self._paint_clusters(p, lp, dev_x0, y)
            self._paint_markers(p, lp, dev_x0, y)
            self._paint_labels(p, lp, dev_x0, y)
        p.restore()

    def marker_y(self, lane: int) -> float:
        """Device y of a lane's marker line (upper part; the label row sits below it)."""
        assert self._frame is not None
        top = self._frame.lane_top[lane]
        h = self._frame.lane_height
        return top + min(h * 0.36, h / 2 - self._line_px * 0.1)

    def label_row_y(self, lane: int, row: int) -> float:
        return self.marker_y(lane) + row * self._line_px * 1.05

    def _paint_lane_backgrounds(
        self, p: QPainter, vp: Viewport, dev_x0: float, lane_top: list[float], tr: QTransform
    ) -> None:
        assert self._lanes is not None
        look = self._look
        left, right = dev_x0, dev_x0 + vp.width_px
        p.setPen(Qt.PenStyle.NoPen)
        for i, key in enumerate(self._lanes.keys):
            top, bottom = lane_top[i], lane_top[i + 1]
            if key == "related":
                p.setBrush(QColor(look.related_band))
                p.drawRect(QRectF(left, top, right - left, bottom - top))
                pen = QPen(QColor(look.muted_text), look.pen_px, Qt.PenStyle.DashLine)
                p.setPen(pen)
                p.drawLine(QPointF(left, top), QPointF(right, top))
                p.setPen(Qt.PenStyle.NoPen)
            elif i % 2 == 1:
                p.setBrush(QColor(look.lane_band))
                p.drawRect(QRectF(left, top, right - left, bottom - top))
            join = self._member_lanes.get(key)
            if join is not None:
                x = max(left, dev_x0 + float(vp.to_px(join)))
                if x < right:
                    band = QColor(look.member_band)
                    band.setAlphaF(0.12)
                    p.setBrush(band)
                    p.drawRect(QRectF(x, top, right - x, bottom - top))
                    p.setPen(QPen(QColor(look.member_band), look.pen_px * 1.5))
                    p.drawLine(QPointF(x, top), QPointF(x, bottom))
                    p.setPen(Qt.PenStyle.NoPen)

    def _paint_members(self, p: QPainter, vp: Viewport, dev_x0: float, tr: QTransform) -> None:
        if not self._members:
            return
        look = self._look
        right = dev_x0 + vp.width_px
        for row, band in enumerate(self._members):
            top = tr.map(QPointF(0, self.member_row_y(row))).y()
            bottom = tr.map(QPointF(0, self.member_row_y(row) + MEMBER_ROW * 0.78)).y()
            x_join = dev_x0 + float(vp.to_px(band.joined))
            x_sure = dev_x0 + float(vp.to_px(band.precision_end))
            if x_join >= right:
                continue
            colour = QColor(look.member_band)
            if x_sure > x_join + 1:
                # Joined "some time in" a month or year: a fading segment, not a false day.
                faded = QColor(colour)
                faded.setAlphaF(0.35)
                p.fillRect(QRectF(x_join, top, min(x_sure, right) - x_join, bottom - top), faded)
            start = max(x_sure, dev_x0 - 1)
            if start < right:
                p.fillRect(QRectF(start, top, right - start, bottom - top), colour)
            p.setFont(self._small_bold)
            metrics = QFontMetricsF(self._small_bold)
            text_w = metrics.horizontalAdvance(band.label)
            baseline = (top + bottom) / 2 + metrics.ascent() * 0.38
            # Start where the band is sure, never white on the faded "some time in" part.
            text_x = max(x_sure, dev_x0) + 4
            if text_x + text_w > right - 4:  # no room in the band: name it left of the join
                text_x = x_join - 6 - text_w
                p.setPen(QColor(look.text))
            else:
                p.setPen(QColor("#ffffff"))
            p.drawText(QPointF(text_x, baseline), band.label)

    def _paint_dimmed(self, p: QPainter, xs: list[float], dev_x0: float, y: float) -> None:
        if not xs:
            return
        r = self._look.layout.marker_px * 0.22
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(self._look.dim))
        for x in xs:
            p.drawEllipse(QPointF(dev_x0 + x, y), r, r)

    def _paint_spans(
        self, p: QPainter, lp: LanePlan, vp: Viewport, dev_x0: float, y: float
    ) -> None:
        """Month, year and multi-day events: a bar over the whole period they may cover."""
        table = self._table
        assert table is not None
        h = self._look.layout.marker_px * 0.5
        p.setPen(Qt.PenStyle.NoPen)
        for ev in lp.marker_event:
            start, end = table.start[ev], table.end[ev]
            if end - start <= 1.5:
                continue
            colour = QColor(kind_color(table.kinds[table.kind[ev]], self._look.is_dark))
            colour.setAlphaF(0.28)
            x0 = dev_x0 + float(vp.to_px(start))
            x1 = dev_x0 + float(vp.to_px(end))
            p.setBrush(colour)
            p.drawRoundedRect(QRectF(x0, y - h / 2, max(x1 - x0, 2.0), h), h / 2, h / 2)

    def _paint_clusters(self, p: QPainter, lp: LanePlan, dev_x0: float, y: float) -> None:
        table = self._table
        assert table is not None
        look = self._look
        size = look.layout.marker_px * 1.3
        for i, (x, n, kind) in enumerate(
            zip(lp.cluster_x, lp.cluster_count, lp.cluster_kind, strict=True)
        ):
            fill = kind_color(table.kinds[kind], look.is_dark) if kind >= 0 else look.muted_text
            selected = i == lp.selected_cluster
            ring = look.selection if selected else look.background
            args = (_compact(n), size, fill, ring, selected, look.font_family)
            if self._vector:
                draw_cluster(p, QPointF(dev_x0 + x, y), *args)
                continue
            pix = cluster_pixmap(*args)
            p.drawPixmap(QPointF(dev_x0 + x - pix.width() / 2, y - pix.height() / 2), pix)

    def _paint_markers(self, p: QPainter, lp: LanePlan, dev_x0: float, y: float) -> None:
        table = self._table
        assert table is not None
        look = self._look
        size = look.layout.marker_px
        for x, ev in zip(lp.marker_x, lp.marker_event, strict=True):
            kind = table.kinds[table.kind[ev]]
            ring = look.selection if ev == self._selected else None
            colour = kind_color(kind, look.is_dark)
            if self._vector:
                draw_symbol(p, QPointF(dev_x0 + x, y), kind, size, colour, look.background, ring)
                continue
            pix = symbol_pixmap(kind, size, colour, look.background, ring)
            p.drawPixmap(QPointF(dev_x0 + x - pix.width() / 2, y - pix.height() / 2), pix)

    def _paint_labels(self, p: QPainter, lp: LanePlan, dev_x0: float, y: float) -> None:
        table = self._table
        assert table is not None
        look = self._look
        for x, row, ev in zip(lp.label_x, lp.label_row, lp.label_event, strict=True):
            baseline = y + row * self._line_px * 1.05 + self._ascent * 0.36
            selected = ev == self._selected
            # A soft halo keeps a label legible over period bars and grid lines.
            text = str(table.labels[ev])
            halo = QColor(look.label_halo)
            halo.setAlphaF(0.78)
            width = self._measure(text)
            p.fillRect(
                QRectF(dev_x0 + x - 1, baseline - self._ascent, width + 2, self._line_px), halo
            )
            p.setFont(self._bold if selected else self._font)
            p.setPen(QColor(look.selection if selected else look.text))
            p.drawText(QPointF(dev_x0 + x, baseline), text)

    # --- hit-testing ------------------------------------------------------------------
    def hit(self, item_pos: QPointF, radius_px: float | None = None) -> tuple[str, object] | None:
        """What is drawn under ``item_pos`` (item coordinates): an event or a cluster."""
        frame = self._frame
        if frame is None or not self.lane_count:
            return None
        lane = int(np.floor(item_pos.y()))
        if not 0 <= lane < self.lane_count:
            return None
        x_px = float(frame.plan.viewport.to_px(item_pos.x()))
        radius = radius_px if radius_px is not None else self._look.layout.marker_px * 0.75
        found = frame.plan.hit(lane, x_px, radius)
        if found is None:
            found = self._hit_label(lane, x_px, item_pos.y() - lane)
        if found and found[0] == "cluster":
            return ("cluster", (lane, found[1]))
        return found

    def _hit_label(self, lane: int, x_px: float, y_frac: float) -> tuple[str, object] | None:
        """A click on a label selects its event, as people expect of a named marker."""
        frame = self._frame
        assert frame is not None
        lp = frame.plan.lanes[lane]
        row = 0 if y_frac < 0.55 else 1
        for x, w, r, ev in zip(
            lp.label_x, lp.label_width, lp.label_row, lp.label_event, strict=True
        ):
            if r == row and x <= x_px <= x + w:
                return ("event", ev)
        return None

    def cluster_info(self, lane: int, index: int) -> tuple[tuple[float, float], np.ndarray]:
        """The day span and event rows of a cluster drawn in the last frame."""
        assert self._frame is not None
        lp = self._frame.plan.lanes[lane]
        return lp.cluster_span[index], lp.cluster_events[index]


def _compact(n: int) -> str:
    if n < 1000:
        return str(n)
    if n < 10000:
        return f"{n / 1000:.1f}k"
    return f"{n // 1000}k"
