"""The one timeline renderer: a pyqtgraph ``GraphicsObject`` that paints a layout plan.

One item draws every lane, marker, cluster, label and membership band, so a frame is one
``paint`` call whatever the event count (one ``TextItem`` or ``QGraphicsItem`` per event
is what makes other viewers crawl: pyqtgraph #1191, #2287). Painting happens in device
pixels, so fonts and markers keep their size at any zoom and scale only with the look
(window or briefing export). The window and ``export`` both use this item.

Coordinates: x is days since 2000-01-01; y counts label rows: lane ``i`` spans its rows
(``lane_rows`` chooses how many) plus a little padding, and the membership strip lies
below the event lanes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from math import ceil, floor
from typing import NamedTuple

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols
from PySide6.QtCore import QLineF, QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPaintEngine,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QTransform,
)

from cspo_viewer.data.annotations import ERA_COLOUR, Annotation
from cspo_viewer.data.table import EventTable
from cspo_viewer.layout import (
    Hit,
    LanePlan,
    Lanes,
    MemberBand,
    Plan,
    TimelineContent,
    Viewport,
    choose_homes,
    is_period,
    lane_rows,
    plan_view,
)
from cspo_viewer.layout.annotations import (
    NO_MARKS,
    STRIP_ROW,
    SWATCH_PX_FACTOR,
    Marks,
    StripPlan,
    plan_strip,
    strip_height,
    strip_lines,
)
from cspo_viewer.render.palette import LIGHT, RenderLook
from cspo_viewer.render.style import kind_color, kind_symbol
from cspo_viewer.render.symbol_atlas import SymbolAtlas

LANE_PAD = 0.3  # rows of space inside each lane, split above and below its rows
MEMBER_GAP = 0.3  # rows between the event lanes and the membership strip
MEMBER_BAND = 0.55  # height of the strip's bar, in rows
MEMBER_TEXT = 0.8  # height of one line of join names under the bar, in rows
MEMBER_LINES = 2
ECHO_ROWS = 0.4
"""Height (rows) of the strip under a nation or theme lane's rows holding the markers of
its events named in another lane."""
ECHO_SIZE = 0.62
"""Their markers' size, as a fraction of a named marker's."""
COMPACT_PAD = 0.08  # lane padding when rows are short
MIN_ROW_LINES = 1.12  # a row is at least this many text lines high
ERA_TURNS = (ERA_COLOUR, "#66c2a5", "#fc8d62", "#e78ac3")
"""Colours of eras stored without one, in turn (ColorBrewer Set2: muted, distinct)."""
NOTE_TICK_ALPHA = 0.45
"""How strongly a note's date line shows through the lanes."""
ERA_ALPHA = 0.16
ERA_EDGE_ALPHA = 230  # of 255: an era's edges
"""How strongly an era's colour tints the lanes behind its period (labels stay legible)."""
VECTOR_ENGINES = (QPaintEngine.Type.SVG, QPaintEngine.Type.Pdf)
"""Painters whose output stays vector: markers are drawn as paths there, not pixmaps."""


class _Points(NamedTuple):
    """A lane's markers as drawn: event rows, device centres and sizes (px)."""

    event: np.ndarray
    x: np.ndarray
    y: np.ndarray
    size: np.ndarray


@dataclass
class Frame:
    """The geometry of the last paint, for hit-testing clicks against what was drawn."""

    plan: Plan
    dev_x0: float  # device x of the viewport's left edge
    dev_y0: float  # device y of item y = 0
    row_px: float  # device pixels per row
    lane_top: list[float]  # item y of each lane's top (rows)
    pad: float = LANE_PAD  # rows of padding in each lane
    echo_rows: list[int] | None = None  # each lane's rows, where its echo strip starts
    strip: StripPlan | None = None  # eras' and notes' bands, ticks and names

    def row_y(self, lane: int, row: int) -> float:
        """Device y of a lane row's marker line."""
        return self.dev_y0 + (self.lane_top[lane] + self.pad / 2 + row + 0.5) * self.row_px

    def echo_y(self, lane: int, rows: int) -> float:
        """Device y of the middle of a lane's strip of markers named in other lanes."""
        top = self.lane_top[lane] + self.pad / 2 + rows
        return self.dev_y0 + (top + ECHO_ROWS / 2) * self.row_px


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


def _dot_pixmap(radius: float, colour: QColor) -> QPixmap:
    """A filled dot (a dimmed event's marker) as a pixmap."""
    side = int(np.ceil(2 * radius + 2))
    pix = QPixmap(side, side)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(colour)
    p.drawEllipse(QPointF(side / 2, side / 2), radius, radius)
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


def fill_translucent(p: QPainter, rect: QRectF, colour: QColor) -> None:
    """``rect`` filled with a translucent ``colour``, antialiased, as ``drawRect`` with
    no pen fills it, several times faster on a raster: Qt blends a translucent
    antialiased fill pixel by pixel through coverage spans, so the whole pixels inside
    are filled without antialiasing (the same pixels) and only the four fractional
    edges are antialiased. Vector output and scaled painters (high-DPI screens) take
    the plain call. Leaves the painter's brush ``colour``."""
    p.setBrush(colour)
    x0, y0, x1, y1 = rect.left(), rect.top(), rect.right(), rect.bottom()
    inner = QRect(QPoint(ceil(x0), ceil(y0)), QPoint(floor(x1) - 1, floor(y1) - 1))
    engine = p.paintEngine()
    vector = engine is not None and engine.type() in VECTOR_ENGINES
    scaled = p.deviceTransform().type() != QTransform.TransformationType.TxNone
    if vector or scaled or inner.isEmpty():
        p.drawRect(rect)
        return
    p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    p.fillRect(inner, colour)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    top, bottom = float(inner.top()), float(inner.bottom() + 1)
    left, right = float(inner.left()), float(inner.right() + 1)
    for edge in (
        QRectF(x0, y0, x1 - x0, top - y0),
        QRectF(x0, bottom, x1 - x0, y1 - bottom),
        QRectF(x0, top, left - x0, bottom - top),
        QRectF(right, top, x1 - right, bottom - top),
    ):
        if edge.width() > 0 and edge.height() > 0:
            p.drawRect(edge)


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
    """Lanes, markers, labels, badges, density strips and the membership strip."""

    def __init__(self, look: RenderLook = LIGHT) -> None:
        super().__init__()
        self._look = look
        self._table: EventTable | None = None
        self._lanes: Lanes | None = None
        self._content: TimelineContent | None = None
        self._members: list[MemberBand] = []
        self._member_lanes: dict[str, float] = {}  # nation grouping: lane key -> join day
        self._rows: list[int] = []
        self._home: np.ndarray | None = None  # which instance names its event
        self._echo: list[bool] = []  # lanes with a strip for events named elsewhere
        self._pad = LANE_PAD
        self._member_lines = MEMBER_LINES
        self._selected: int | None = None
        self._pinned: frozenset[int] = frozenset()
        self._key = False  # number the unnamed events (a page's key)
        self._clip_labels = False  # labels stay inside the view (a page) or the data
        self._marks: Marks = NO_MARKS  # eras and notes
        self._note_lines = 0  # rows of their names above the lanes
        self._era_rgb = np.zeros((0, 3), dtype=np.uint8)  # each mark's colour
        self._allot_range: tuple[float, float] | None = None  # None: the fitted range
        self._x_range = (0.0, 1.0)
        self._planned: tuple[Viewport, Plan, StripPlan] | None = None  # the last layout
        self._atlas = SymbolAtlas()  # marker pixmaps, drawn many at a time
        self._frame: Frame | None = None
        self._vector = False  # painting to SVG or PDF: paths instead of cached pixmaps
        self._grid: Callable[[float, float], Sequence[float]] | None = None
        self._fonts()

    # --- content ----------------------------------------------------------------------
    def _fonts(self) -> None:
        look = self._look
        self._font = QFont(look.font_family)
        self._font.setPixelSize(max(1, round(look.font_px)))
        self._small = QFont(look.font_family)
        self._small.setPixelSize(max(1, round(look.small_font_px)))
        self._small_bold = QFont(self._small)
        self._small_bold.setBold(True)
        metrics = QFontMetricsF(self._font)
        self.measure = _cached_advance(metrics)
        self._line_px = metrics.height()
        self._ascent = metrics.ascent()

    def set_look(self, look: RenderLook) -> None:
        self._look = look
        self._fonts()
        self._planned = None
        self._atlas = SymbolAtlas()  # the look's colours and sizes
        self.update()

    @property
    def look(self) -> RenderLook:
        return self._look

    @property
    def min_row_px(self) -> float:
        return self._line_px * MIN_ROW_LINES

    def set_content(self, content: TimelineContent) -> None:
        """What to draw: the events in the content's lanes over its day range, and members.

        The membership strip goes under the lanes; with one lane per nation, each nation
        lane is tinted from its join day instead. Rows are two per lane until
        ``allot_rows`` knows the size drawn at.
        """
        self.prepareGeometryChange()
        self._content = content
        self._table = content.table
        self._lanes = content.lanes
        self._x_range = content.x_range
        self._members = list(content.members)
        self._member_lanes = dict(content.member_lanes)
        self._rows = [2] * len(content.lanes.keys)
        self._home = None
        self._echo = [False] * len(content.lanes.keys)
        self._marks = content.marks
        self._era_rgb = self._era_colours()
        self._note_lines = 0
        self._frame = None
        self._planned = None
        self.update()

    def set_page_mode(
        self, *, key: bool, clip_labels: bool, x_range: tuple[float, float] | None = None
    ) -> None:
        """A page numbers its unnamed events for the key, keeps labels in view and sizes
        its lanes for the range it shows (``x_range``; default the fitted range)."""
        self._key, self._clip_labels, self._allot_range = key, clip_labels, x_range
        self._planned = None
        self.update()

    def allot_rows(self, width_px: float, height_px: float) -> bool:
        """Give each lane the rows its events need when the fitted range is ``width_px``
        wide, within what ``height_px`` holds; True if that changed the rows."""
        if self._content is None or self._table is None or self._lanes is None:
            return False
        content = self._content
        # The painted width can come out a fraction of a pixel under the view's (the
        # device transform rounds): rows are counted a pixel narrower, so they still
        # name every event when painted.
        viewport = Viewport(*(self._allot_range or content.fit_range), max(width_px - 1.0, 1.0))
        bounds = None if self._clip_labels else content.fit_range
        # Each event's home lane is chosen where the rows are: at the fitted range, so a
        # name stays in its lane while the view pans and zooms.
        home = choose_homes(
            self._table,
            self._lanes,
            viewport,
            self.measure,
            self._look.layout,
            pinned=self._pinned,
            bounds=bounds,
        )

        table, lanes = self._table, self._lanes
        echo = [bool((~home[lanes.lane_slice(i)]).any()) for i in range(len(lanes.keys))]

        note_lines = strip_lines(self._marks, viewport, self.measure, self._look.layout)

        def allot(pad: float, lines: int) -> list[int]:
            fixed = self._strip_rows(lines) + pad * len(lanes.keys) + ECHO_ROWS * sum(echo)
            fixed += strip_height(note_lines)
            return lane_rows(
                table,
                lanes,
                viewport,
                self.measure,
                self._look.layout,
                int(height_px / self.min_row_px - fixed),
                pinned=self._pinned,
                bounds=bounds,
                home=home,
            )

        # Tight on room, lanes give up their padding and the strip a line of names
        # before any event gives up its name.
        want = lane_rows(
            self._table,
            self._lanes,
            viewport,
            self.measure,
            self._look.layout,
            10_000,
            pinned=self._pinned,
            bounds=bounds,
            home=home,
        )
        layout = (LANE_PAD, MEMBER_LINES, allot(LANE_PAD, MEMBER_LINES))
        if layout[2] != want:
            layout = (COMPACT_PAD, 1, allot(COMPACT_PAD, 1))
        pad, lines, rows = layout
        same_home = self._home is not None and np.array_equal(home, self._home)
        self._home = home
        if not same_home:
            self._planned = None
        now = (pad, lines, rows, echo, note_lines)
        if now == (self._pad, self._member_lines, self._rows, self._echo, self._note_lines):
            if not same_home:
                self.update()
            return False
        self._echo, self._note_lines = echo, note_lines
        self.prepareGeometryChange()
        self._pad, self._member_lines, self._rows = pad, lines, rows
        self._planned = None
        self.update()
        return True

    def set_grid(self, days: Callable[[float, float], Sequence[float]] | None) -> None:
        """Where the date axis puts its labelled ticks for a day range: the item draws
        their grid lines itself, under the markers (the axis would draw them over)."""
        self._grid = days
        self.update()

    def set_selected(self, index: int | None) -> None:
        self._selected = index
        self.update()

    def set_pinned(self, indexes: frozenset[int]) -> None:
        if frozenset(indexes) != self._pinned:
            self._planned = None  # pinned labels are placed first: a layout input
        self._pinned = frozenset(indexes)
        self.update()

    @property
    def rows(self) -> list[int]:
        return list(self._rows)

    @property
    def lane_count(self) -> int:
        return len(self._lanes.keys) if self._lanes else 0

    def lane_top(self, lane: int) -> float:
        """Item y of a lane's top edge (rows): under the strip of era and note names."""
        echo = ECHO_ROWS * sum(self._echo[:lane])
        return self.notes_height + float(sum(self._rows[:lane])) + self._pad * lane + echo

    @property
    def notes_height(self) -> float:
        """Rows of era and note names above the lanes (none without an annotation)."""
        return strip_height(self._note_lines)

    @property
    def note_lines(self) -> int:
        return self._note_lines

    def lane_centre(self, lane: int) -> float:
        return (self.lane_top(lane) + self.lane_top(lane + 1)) / 2

    @property
    def lanes_height(self) -> float:
        return self.lane_top(self.lane_count)

    @property
    def strip_height(self) -> float:
        return self._strip_rows(self._member_lines)

    def _strip_rows(self, lines: int) -> float:
        if not self._members:
            return 0.0
        return MEMBER_GAP + MEMBER_BAND + MEMBER_TEXT * lines

    @property
    def strip_top(self) -> float:
        """Item y of the membership strip's bar."""
        return self.lanes_height + MEMBER_GAP

    @property
    def total_height(self) -> float:
        """Height in rows, including the membership strip."""
        return max(self.lanes_height + self.strip_height, 1.0)

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

    def layout_plan(self, viewport: Viewport) -> Plan:
        """The plan for ``viewport``: what this item draws there (tests read it)."""
        assert self._table is not None and self._lanes is not None and self._content is not None
        return plan_view(
            self._table,
            self._lanes,
            viewport,
            self.measure,
            self._look.layout,
            rows=self._rows,
            pinned=self._pinned,
            key=self._key,
            bounds=None if self._clip_labels else self._content.fit_range,
            home=self._home,
        )

    def _plans(self, viewport: Viewport) -> tuple[Plan, StripPlan]:
        """The events' and the annotation strip's layout for ``viewport``: worked out
        again only when the view, the content, the rows, the pins or the look changed
        since the last paint (a selection or hover repaints with the layout it has)."""
        planned = self._planned
        if planned is not None and planned[0] == viewport:
            return planned[1], planned[2]
        plan = self.layout_plan(viewport)
        strip = plan_strip(self._marks, viewport, self.measure, self._look.layout, self._note_lines)
        self._planned = (viewport, plan, strip)
        return plan, strip

    def paint(self, p: QPainter, *args: object) -> None:
        if self._table is None or self._lanes is None:
            return
        tr = p.transform()
        viewport, dev_x0 = self._viewport(tr)
        dev_y0 = tr.map(QPointF(0, 0)).y()
        row_px = tr.map(QPointF(0, 1)).y() - dev_y0
        plan, strip = self._plans(viewport)
        tops = [self.lane_top(i) for i in range(self.lane_count)]
        self._frame = frame = Frame(
            plan, dev_x0, dev_y0, row_px, tops, self._pad, self._rows, strip
        )
        engine = p.paintEngine()
        self._vector = engine is not None and engine.type() in VECTOR_ENGINES
        p.save()
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self._paint_lane_backgrounds(p, viewport, frame)
        self._paint_behind(p, strip, frame)
        self._paint_grid(p, viewport, frame)
        self._paint_members(p, viewport, frame)
        where = [self._marker_points(lp, lane, frame) for lane, lp in enumerate(plan.lanes)]
        self._paint_ties(p, where)
        for lane, lp in enumerate(plan.lanes):
            self._paint_density(p, lp, lane, frame)
            self._paint_dimmed(p, lp, lane, frame)
            self._paint_spans(p, lp, viewport, frame, where[lane])
            self._paint_clusters(p, lp, lane, frame)
            self._paint_markers(p, where[lane])
            self._paint_labels(p, lp, lane, frame)
        self._paint_selected_callout(p, plan, frame)
        self._paint_strip_names(p, strip, frame)
        p.restore()

    def _paint_lane_backgrounds(self, p: QPainter, vp: Viewport, frame: Frame) -> None:
        assert self._lanes is not None
        look = self._look
        left, right = frame.dev_x0, frame.dev_x0 + vp.width_px
        p.setPen(Qt.PenStyle.NoPen)
        for i, key in enumerate(self._lanes.keys):
            top = frame.dev_y0 + self.lane_top(i) * frame.row_px
            bottom = frame.dev_y0 + self.lane_top(i + 1) * frame.row_px
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
                x = max(left, frame.dev_x0 + float(vp.to_px(join)))
                if x < right:
                    band = QColor(look.member_band)
                    band.setAlphaF(0.12)
                    fill_translucent(p, QRectF(x, top, right - x, bottom - top), band)
                    p.setPen(QPen(QColor(look.member_band), look.pen_px * 1.5))
                    p.drawLine(QPointF(x, top), QPointF(x, bottom))
                    p.setPen(Qt.PenStyle.NoPen)

    # --- eras and notes -------------------------------------------------------------------
    def _era_colours(self) -> np.ndarray:
        """Each mark's colour as (r, g, b): an era's own; eras without one (a TimelineJS
        file's) take turns in a few muted colours, so neighbouring bands tell apart."""
        marks = self._marks
        turns = np.cumsum(marks.era) - 1
        rgb = np.zeros((len(marks), 3), dtype=np.uint8)
        for i, a in enumerate(marks.annotations):
            name = a.colour or ERA_TURNS[int(turns[i]) % len(ERA_TURNS)]
            colour = QColor(name)
            rgb[i] = (colour.red(), colour.green(), colour.blue())
        return rgb

    def _era_colour(self, mark: int) -> QColor:
        return QColor(*(int(v) for v in self._era_rgb[mark]))

    def _paint_behind(self, p: QPainter, strip: StripPlan, frame: Frame) -> None:
        """Each era tints the lanes over its period (a thin edge at each end, a shorter
        era over a longer one) and each note's date is a faint line down the lanes: all
        under the grid, markers and labels, so they cover none of them. On screen and in
        a PNG that is two texture fills whatever the count (a few hundred translucent
        rects and lines would take milliseconds a frame); SVG and PDF stay vector."""
        if not (strip.band_x0 or strip.tick_x):
            return
        top = frame.dev_y0
        under_names = frame.dev_y0 + self._note_lines * STRIP_ROW * frame.row_px
        bottom = frame.dev_y0 + self.lanes_height * frame.row_px
        tick = QColor(self._look.muted_text)
        tick.setAlphaF(NOTE_TICK_ALPHA)
        if self._vector:
            self._paint_eras_vector(p, strip, frame, top, bottom)
            p.setPen(QPen(tick, self._look.pen_px))
            for x in strip.tick_x:
                p.drawLine(
                    QPointF(frame.dev_x0 + x, under_names), QPointF(frame.dev_x0 + x, bottom)
                )
            return
        columns = self._columns(frame)
        if strip.band_x0:
            self._band_columns(columns, strip)
            self._draw_columns(p, columns, frame, top, under_names)
        if strip.tick_x:
            xs = np.floor(np.asarray(strip.tick_x)).astype(np.int64)
            columns[xs[(xs >= 0) & (xs < len(columns))]] = tick.getRgb()
        self._draw_columns(p, columns, frame, under_names, bottom)

    def _band_columns(self, columns: np.ndarray, strip: StripPlan) -> None:
        """Fill ``columns`` with the eras' tints and edges (the shortest era on top)."""
        x0s, x1s = np.asarray(strip.band_x0), np.asarray(strip.band_x1)
        rgb = self._era_rgb[np.asarray(strip.band_mark)]
        width = len(columns)
        c0 = np.clip(np.floor(x0s).astype(np.int64), 0, width - 1)
        c1 = np.clip(np.maximum(np.ceil(x1s).astype(np.int64), c0 + 1), 0, width)
        owner = np.full(width, -1, dtype=np.int64)
        for k in np.argsort(x0s - x1s, kind="stable").tolist():  # the longest first
            owner[c0[k] : c1[k]] = k
        tinted = owner >= 0
        columns[tinted, :3] = rgb[owner[tinted]]
        columns[tinted, 3] = round(ERA_ALPHA * 255)
        for edge in (c0, c1 - 1):
            columns[edge, :3] = rgb
            columns[edge, 3] = ERA_EDGE_ALPHA

    def _paint_eras_vector(
        self, p: QPainter, strip: StripPlan, frame: Frame, top: float, bottom: float
    ) -> None:
        x0s, x1s = np.asarray(strip.band_x0), np.asarray(strip.band_x1)
        for k in np.argsort(x0s - x1s, kind="stable").tolist():
            x0, x1, mark = strip.band_x0[k], strip.band_x1[k], strip.band_mark[k]
            colour = self._era_colour(mark)
            tint = QColor(colour)
            tint.setAlphaF(ERA_ALPHA)
            left, right = frame.dev_x0 + x0, frame.dev_x0 + max(x1, x0 + 1.0)
            p.fillRect(QRectF(left, top, right - left, bottom - top), tint)
            edge = QColor(colour)
            edge.setAlpha(ERA_EDGE_ALPHA)
            p.setPen(QPen(edge, self._look.pen_px))
            p.drawLine(QPointF(left, top), QPointF(left, bottom))
            p.drawLine(QPointF(right, top), QPointF(right, bottom))

    @staticmethod
    def _columns(frame: Frame) -> np.ndarray:
        """One transparent RGBA pixel per device column of the view."""
        width = max(int(np.ceil(frame.plan.viewport.width_px)), 1)
        return np.zeros((width, 4), dtype=np.uint8)

    @staticmethod
    def _draw_columns(
        p: QPainter, columns: np.ndarray, frame: Frame, top: float, bottom: float
    ) -> None:
        """Columns of colour from ``top`` to ``bottom`` (device y), drawn as a one-row
        texture filling the rect: a fraction of a millisecond where a stretched image or
        a few hundred overlapping translucent rects take several."""
        # Premultiplied BGRA: the raster engine's own pixel format, so nothing is converted.
        bgra = columns[:, [2, 1, 0, 3]].astype(np.uint16)
        bgra[:, :3] = bgra[:, :3] * bgra[:, 3:4] // 255
        data = bgra.astype(np.uint8).tobytes()
        image = QImage(
            data, len(columns), 1, len(columns) * 4, QImage.Format.Format_ARGB32_Premultiplied
        )
        left = round(frame.dev_x0)
        p.save()
        p.setBrushOrigin(QPointF(left, 0))
        p.fillRect(QRectF(left, top, len(columns), bottom - top), QBrush(image))
        p.restore()

    def _paint_strip_names(self, p: QPainter, strip: StripPlan, frame: Frame) -> None:
        """Era names after a swatch of their colour, notes after a mark pointing at their
        date: in the strip's own rows, which no event label uses."""
        look = self._look
        swatch = look.layout.marker_px * SWATCH_PX_FACTOR
        gap = look.layout.gap_px
        text_colour, note_colour = QColor(look.text), QColor(look.muted_text)
        p.setFont(self._font)
        for x, line, mark, text in zip(
            strip.label_x, strip.label_line, strip.label_mark, strip.label_text, strict=True
        ):
            centre = frame.dev_y0 + (line + 0.5) * STRIP_ROW * frame.row_px
            left = frame.dev_x0 + x
            if self._marks.era[mark]:
                box = QRectF(left - swatch - gap, centre - swatch / 2, swatch, swatch)
                p.fillRect(box, self._era_colour(mark))
                p.setPen(text_colour)
            else:
                p.setPen(note_colour)
            p.drawText(QPointF(left, centre + self._ascent * 0.36), text)

    def annotation_at(self, item_pos: QPointF) -> Annotation | None:
        """The era or note drawn under ``item_pos`` (item coordinates) in the last frame:
        a name in the strip, or an era's band in the lanes."""
        frame = self._frame
        if frame is None or frame.strip is None:
            return None
        x_px = float(frame.plan.viewport.to_px(item_pos.x()))
        y = item_pos.y()
        if 0 <= y < self._note_lines * STRIP_ROW:
            mark = frame.strip.mark_at(int(y // STRIP_ROW), x_px, self._look.layout.gap_px)
        elif self.notes_height <= y < self.lanes_height:
            mark = frame.strip.band_at(x_px)
        else:
            mark = None
        return None if mark is None else self._marks.annotations[mark]

    def _paint_grid(self, p: QPainter, vp: Viewport, frame: Frame) -> None:
        """The date axis's grid lines across the lanes, under every marker and label (a
        line over a marker runs a pale stripe through it)."""
        if self._grid is None:
            return
        look = self._look
        colour = QColor(look.grid)
        colour.setAlphaF(look.grid_alpha)
        p.setPen(QPen(colour, look.pen_px))
        top = frame.dev_y0
        bottom = frame.dev_y0 + self.total_height * frame.row_px
        xs = frame.dev_x0 + np.asarray(vp.to_px(np.asarray(self._grid(vp.x0, vp.x1))))
        p.drawLines([QLineF(x, top, x, bottom) for x in xs.tolist()])  # one call: they never meet

    def _paint_members(self, p: QPainter, vp: Viewport, frame: Frame) -> None:
        """One bar whose shade deepens with each accession, the member count inside each
        stretch, and the joining nations named under each join (two lines, first-fit)."""
        if not self._members:
            return
        look = self._look
        left, right = frame.dev_x0, frame.dev_x0 + vp.width_px
        top = frame.dev_y0 + self.strip_top * frame.row_px
        bar_h = MEMBER_BAND * frame.row_px
        joins = sorted(self._members, key=lambda b: b.joined)
        total = len(joins)
        steps = look.member_steps(total)
        xs = [frame.dev_x0 + float(vp.to_px(b.joined)) for b in joins]
        sure = [frame.dev_x0 + float(vp.to_px(b.precision_end)) for b in joins]
        metrics = QFontMetricsF(self._small_bold)
        p.setFont(self._small_bold)
        for i in range(total):
            x_start = max(sure[i] if i == 0 else xs[i], left)
            x_end = min(xs[i + 1] if i + 1 < total else right, right)
            if i + 1 < total and xs[i + 1] <= xs[i]:
                continue
            colour = QColor(steps[i])
            if x_end > x_start:
                p.fillRect(QRectF(x_start, top, x_end - x_start, bar_h), colour)
                count = str(i + 1)
                if metrics.horizontalAdvance(count) + 6 < x_end - x_start:
                    p.setPen(QColor(look.text_on(steps[i])))
                    p.drawText(
                        QPointF(x_start + 3, top + bar_h / 2 + metrics.ascent() * 0.36), count
                    )
            if sure[i] > xs[i] + 1:
                # Joined "some time in" a month or year: a faded stretch, not a false day.
                faded = QColor(look.member_band)
                faded.setAlphaF(0.25)
                p.fillRect(QRectF(xs[i], top, min(sure[i], right) - xs[i], bar_h), faded)
        p.setPen(QPen(QColor(look.text), look.pen_px))
        for x in xs:
            if left <= x <= right:
                p.drawLine(QPointF(x, top - bar_h * 0.2), QPointF(x, top + bar_h * 1.2))
        self._paint_join_names(p, joins, xs, frame, top + bar_h, left, right)

    def _paint_join_names(
        self,
        p: QPainter,
        joins: list[MemberBand],
        xs: list[float],
        frame: Frame,
        y0: float,
        left: float,
        right: float,
    ) -> None:
        """Nations joining within a few pixels share one name ("JPN ITA NOR"); names go
        right of their join tick, on the first of two lines with room."""
        look = self._look
        metrics = QFontMetricsF(self._small)
        p.setFont(self._small)
        p.setPen(QColor(look.text))
        groups: list[tuple[float, list[str]]] = []
        for band, x in zip(joins, xs, strict=True):
            if groups and x - groups[-1][0] < self._look.layout.marker_px:
                groups[-1][1].append(band.code)
            else:
                groups.append((x, [band.code]))
        ends = [-1e18] * self._member_lines
        gap = self._look.layout.gap_px * 2
        for x, codes in groups:
            if not left <= x <= right:
                continue
            text = " ".join(codes)
            w = metrics.horizontalAdvance(text)
            tx = x + 3 if x + 3 + w <= right else x - 3 - w
            for line in range(self._member_lines):
                if tx >= ends[line] + gap:
                    ends[line] = tx + w
                    baseline = y0 + (line + 0.5) * MEMBER_TEXT * frame.row_px
                    p.drawText(QPointF(tx, baseline + metrics.ascent() * 0.36), text)
                    break

    def _paint_density(self, p: QPainter, lp: LanePlan, lane: int, frame: Frame) -> None:
        """Events per bin as a strip: darker where denser (log scale), in the lane's
        colour of choice (the muted text colour reads in greyscale too)."""
        if lp.density is None or not len(lp.density):
            return
        counts = lp.density
        logs = np.log1p(counts.astype(np.float64))
        shade = logs / max(logs.max(), 1e-9)  # the densest bin darkest
        colour = QColor(self._look.muted_text)
        y = frame.row_y(lane, 0)
        h = frame.row_px * 0.7
        rgba = np.empty((len(shade), 4), dtype=np.uint8)
        rgba[:, :3] = colour.red(), colour.green(), colour.blue()
        rgba[:, 3] = np.where(counts > 0, 40 + shade * 215, 0)
        image = QImage(rgba.tobytes(), len(shade), 1, len(shade) * 4, QImage.Format.Format_RGBA8888)
        target = QRectF(frame.dev_x0, y - h / 2, len(shade) * lp.density_bin_px, h)
        p.drawImage(target, image)

    def _paint_dimmed(self, p: QPainter, lp: LanePlan, lane: int, frame: Frame) -> None:
        """Events outside the filter, shown dimmed: a small grey dot each, all in one call."""
        if not len(lp.dim_x):
            return
        r = self._look.layout.marker_px * 0.22
        y = frame.row_y(lane, 0)
        colour = QColor(self._look.dim)
        if self._vector:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            for x in lp.dim_x.tolist():
                p.drawEllipse(QPointF(frame.dev_x0 + x, y), r, r)
            return
        rect = self._atlas.index(("dim", r, colour.name()), partial(_dot_pixmap, r, colour))
        xs = frame.dev_x0 + lp.dim_x
        self._atlas.draw(p, xs, np.full(len(xs), y), np.tile(rect, (len(xs), 1)))

    def _marker_points(self, lp: LanePlan, lane: int, frame: Frame) -> _Points:
        """A lane's markers in device pixels: those in its rows, then the small ones in
        its strip of events named in another lane."""
        size = self._look.layout.marker_px
        markers = lp.markers
        x = frame.dev_x0 + markers["x"]
        y = frame.row_y(lane, 0) + markers["row"] * frame.row_px
        sizes = np.full(len(markers), size)
        events = markers["event"]
        if len(lp.echoes) and lane < len(self._echo) and self._echo[lane]:
            small = min(size * ECHO_SIZE, ECHO_ROWS * frame.row_px * 0.9)
            x = np.r_[x, frame.dev_x0 + lp.echoes["x"]]
            y = np.r_[y, np.full(len(lp.echoes), frame.echo_y(lane, self._rows[lane]))]
            sizes = np.r_[sizes, np.full(len(lp.echoes), small)]
            events = np.r_[events, lp.echoes["event"]]
        return _Points(events, x, y, sizes)

    def _paint_ties(self, p: QPainter, where: list[_Points]) -> None:
        """An event drawn in several lanes (its nations or themes) is named in one: a
        thin line in its kind's colour joins its markers, so a reader follows any of them
        to its name (or key number). Drawn under markers and labels."""
        table = self._table
        assert table is not None
        if len(where) < 2:
            return
        events = np.concatenate([w.event for w in where])
        xs = np.concatenate([w.x for w in where])
        ys = np.concatenate([w.y for w in where])
        if not len(events):
            return
        order = np.argsort(events, kind="stable")  # each event's first lane first
        first = np.flatnonzero(np.r_[True, events[order][1:] != events[order][:-1]])
        top = np.minimum.reduceat(ys[order], first)
        bottom = np.maximum.reduceat(ys[order], first)
        tied = bottom > top
        if not tied.any():
            return
        at = order[first[tied]]  # where each tied event is first drawn
        draw = np.argsort(at)  # in that order, as markers overlap
        look = self._look
        pens: dict[int, QPen] = {}
        last = -1
        for kind, x, y0, y1 in zip(
            table.kind[events[at]][draw].tolist(),
            xs[at][draw].tolist(),
            top[tied][draw].tolist(),
            bottom[tied][draw].tolist(),
            strict=True,
        ):
            if kind != last:
                pen = pens.get(kind)
                if pen is None:
                    colour = QColor(kind_color(table.kinds[kind], look.is_dark))
                    colour.setAlphaF(0.55)
                    pen = pens[kind] = QPen(colour, look.pen_px, Qt.PenStyle.DotLine)
                p.setPen(pen)
                last = kind
            p.drawLine(QPointF(x, y0), QPointF(x, y1))

    def _paint_spans(
        self, p: QPainter, lp: LanePlan, vp: Viewport, frame: Frame, where: _Points
    ) -> None:
        """Month, year and multi-day events: a bar over the whole period they may cover
        (in the lane's rows; a small marker under them stays a dot)."""
        table = self._table
        assert table is not None
        events = where.event[: len(lp.markers)]
        long = np.flatnonzero(is_period(table.start[events], table.end[events]))
        if not len(long):
            return
        p.setPen(Qt.PenStyle.NoPen)
        dark = self._look.is_dark
        events = events[long]
        x0s = frame.dev_x0 + vp.to_px(table.start[events])
        x1s = frame.dev_x0 + vp.to_px(table.end[events])
        brushes: dict[int, QColor] = {}
        now = -1
        for kind, x0, x1, y, size in zip(
            table.kind[events].tolist(),
            np.asarray(x0s).tolist(),
            np.asarray(x1s).tolist(),
            where.y[long].tolist(),
            where.size[long].tolist(),
            strict=True,
        ):
            h = size * 0.5
            if kind != now:
                colour = brushes.get(kind)
                if colour is None:
                    fill = self._look.span_colour(kind_color(table.kinds[kind], dark))
                    colour = brushes[kind] = QColor(fill)
                p.setBrush(colour)
                now = kind
            p.drawRoundedRect(QRectF(x0, y - h / 2, max(x1 - x0, 2.0), h), h / 2, h / 2)

    def _paint_clusters(self, p: QPainter, lp: LanePlan, lane: int, frame: Frame) -> None:
        table = self._table
        assert table is not None
        look = self._look
        size = look.layout.badge_px
        for x, row, n, kind, events in zip(
            lp.cluster_x,
            lp.cluster_row,
            lp.cluster_count,
            lp.cluster_kind,
            lp.cluster_events,
            strict=True,
        ):
            fill = kind_color(table.kinds[kind], look.is_dark) if kind >= 0 else look.muted_text
            selected = self._selected is not None and bool((events == self._selected).any())
            ring = look.selection if selected else look.background
            args = (f"+{_compact(n)}", size, fill, ring, selected, look.font_family)
            centre = QPointF(frame.dev_x0 + x, frame.row_y(lane, row))
            if self._vector:
                draw_cluster(p, centre, *args)
                continue
            pix = cluster_pixmap(*args)
            p.drawPixmap(QPointF(centre.x() - pix.width() / 2, centre.y() - pix.height() / 2), pix)

    def _paint_markers(self, p: QPainter, where: _Points) -> None:
        """Each marker's kind symbol (the selected one ringed), in order: on a raster, all
        of a lane's in one call from the symbol atlas; paths on SVG and PDF."""
        table = self._table
        assert table is not None
        look = self._look
        kinds = table.kind[where.event]
        selected = where.event == (-1 if self._selected is None else self._selected)
        if self._vector:
            for ev_kind, x, y, size, ring in zip(
                kinds.tolist(),
                where.x.tolist(),
                where.y.tolist(),
                where.size.tolist(),
                selected.tolist(),
                strict=True,
            ):
                kind = table.kinds[ev_kind]
                draw_symbol(
                    p,
                    QPointF(x, y),
                    kind,
                    size,
                    kind_color(kind, look.is_dark),
                    look.background,
                    look.selection if ring else None,
                )
            return
        # One atlas entry per kind, size (in the lane's rows, or small in its strip under
        # them) and ring: a lane has a handful.
        small = where.size != look.layout.marker_px
        code = (kinds.astype(np.int64) * 2 + small) * 2 + selected
        # Codes are few and small: a table from code to atlas rect, looked up by each
        # marker, where sorting every marker's code (np.unique) cost more.
        count = np.bincount(code)
        some = np.zeros(len(count), dtype=np.int64)
        some[code] = np.arange(len(code))  # a marker of each code (one size a code)
        rects = np.zeros((len(count), 4), dtype=np.float64)
        for c in np.flatnonzero(count).tolist():
            kind = table.kinds[c // 4]
            size = round(float(where.size[some[c]]) * 4) / 4
            args = (kind, size, kind_color(kind, look.is_dark), look.background)
            ring = look.selection if c % 2 else None
            rects[c] = self._atlas.index((*args, ring), partial(symbol_pixmap, *args, ring))
        self._atlas.draw(p, where.x, where.y, rects[code])

    def _paint_labels(self, p: QPainter, lp: LanePlan, lane: int, frame: Frame) -> None:
        """Titles (and key numbers) beside their markers, on a soft halo; the selected
        event's in the selection colour and underlined, in the same font, so selecting
        changes no label's width."""
        look = self._look
        halo = QColor(look.label_halo)
        halo.setAlphaF(look.halo_alpha)
        labels = lp.labels
        # Fonts and pens by (key number?, selected?), set only when they change: a frame
        # names hundreds of events, nearly all in the plain title font.
        fonts: dict[tuple[bool, bool], QFont] = {}
        colours = {
            (False, False): QColor(look.text),
            (True, False): QColor(look.muted_text),
            (False, True): QColor(look.selection),
            (True, True): QColor(look.selection),
        }
        top_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        now: tuple[bool, bool] | None = None
        lefts = (frame.dev_x0 + labels["x"]).tolist()
        baselines = (frame.row_y(lane, 0) + labels["row"] * frame.row_px).tolist()
        baselines = [b + self._ascent * 0.36 for b in baselines]
        halos = [
            QRectF(left - 1, baseline - self._ascent, w + 2, self._line_px)
            for left, baseline, w in zip(lefts, baselines, labels["width"].tolist(), strict=True)
        ]
        if not self._vector:
            # On screen the halos first, in one call: a row's labels never overlap, nor
            # do rows. SVG and PDF keep each halo beside its title, for whoever edits them.
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(halo)
            p.drawRects(halos)
        for box, left, baseline, w, ev, key, text in zip(
            halos,
            lefts,
            baselines,
            labels["width"].tolist(),
            labels["event"].tolist(),
            labels["key"].tolist(),
            lp.label_text.tolist(),
            strict=True,
        ):
            if self._vector:
                p.fillRect(box, halo)
            style = (key, ev == self._selected)
            if style != now:
                font = fonts.get(style)
                if font is None:
                    font = fonts[style] = QFont(self._small_bold if key else self._font)
                    font.setUnderline(style[1])
                p.setFont(font)
                p.setPen(colours[style])
                now = style
            if key:
                p.drawText(QRectF(left, baseline - self._ascent, w, self._line_px), top_left, text)
            else:
                p.drawText(QPointF(left, baseline), text)

    def _paint_selected_callout(self, p: QPainter, plan: Plan, frame: Frame) -> None:
        """The selected event, when its marker is drawn but not named, gets its title in
        a boxed callout beside the marker (over other labels, never over its marker)."""
        sel = self._selected
        table = self._table
        if sel is None or table is None or sel in plan.named():
            return
        for lane, lp in enumerate(plan.lanes):
            where = lp.marker_of(sel)
            if where is None:
                continue
            x, row = where
            look = self._look
            text = str(table.labels[sel])
            w = self.measure(text)
            # Beside its marker as a name would be, over the view's left edge if need be.
            side = look.layout.label_left(x, w, (-np.inf, plan.viewport.width_px))
            assert side is not None  # nothing bounds it on the left
            left = frame.dev_x0 + side
            baseline = frame.row_y(lane, row) + self._ascent * 0.36
            box = QRectF(left - 3, baseline - self._ascent - 2, w + 6, self._line_px + 4)
            p.setPen(QPen(QColor(look.selection), look.pen_px))
            p.setBrush(QColor(look.background))
            p.drawRect(box)
            p.setFont(self._font)
            p.setPen(QColor(look.selection))
            p.drawText(QPointF(left, baseline), text)
            return

    # --- hit-testing ------------------------------------------------------------------
    def lane_row_at(self, item_y: float) -> tuple[int, int] | None:
        """(lane, row) under item y (rows), or None outside the event lanes; row -1 is
        the lane's strip of events named in another lane."""
        for lane in range(self.lane_count):
            top = self.lane_top(lane) + self._pad / 2
            if self.lane_top(lane) <= item_y < self.lane_top(lane + 1):
                if self._echo[lane] and item_y >= top + self._rows[lane]:
                    return lane, -1
                row = int(np.clip(np.floor(item_y - top), 0, self._rows[lane] - 1))
                return lane, row
        return None

    def hit(self, item_pos: QPointF, radius_px: float | None = None) -> Hit | None:
        """What is drawn under ``item_pos`` (item coordinates): an event or a cluster."""
        frame = self._frame
        if frame is None or not self.lane_count:
            return None
        where = self.lane_row_at(item_pos.y())
        if where is None:
            return None
        lane, row = where
        x_px = float(frame.plan.viewport.to_px(item_pos.x()))
        radius = radius_px if radius_px is not None else self._look.layout.marker_px * 0.75
        return frame.plan.hit(lane, row, x_px, radius)

    def cluster_info(self, lane: int, index: int) -> tuple[tuple[float, float], np.ndarray]:
        """The day span and event rows of a cluster drawn in the last frame."""
        assert self._frame is not None
        lp = self._frame.plan.lanes[lane]
        first, last = lp.cluster_span[index]
        return (float(first), float(last)), lp.cluster_events[index]


def _compact(n: int) -> str:
    if n < 1000:
        return str(n)
    if n < 10000:
        return f"{n / 1000:.1f}k"
    return f"{n // 1000}k"
