"""Axes in our own units: a date axis over days since 2000-01-01, and lane headers.

pyqtgraph's ``DateAxisItem`` works in epoch seconds with a local-time offset that had
time-zone and DST bugs (#1345, #1389); days need neither, and ticks that step from years
to quarters, months and days read like a calendar.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPicture

from cspo_viewer.layout.axis import Tick, date_ticks

_CENTRED = int(Qt.AlignmentFlag.AlignCenter)


class _SceneAxis(pg.AxisItem):
    """An axis that also draws in a scene without a view (the headless briefing export).

    pyqtgraph sizes ticks from the item's device transform, which only a ``QGraphicsView``
    provides; without one the axis would draw nothing. Rendered 1:1 (scene units are
    output pixels), the scene transform is the device transform.
    """

    def deviceTransform_(self):  # pyqtgraph's name
        if self.getViewWidget() is None:
            return self.sceneTransform()
        return super().deviceTransform_()

    def paint(self, p, opt, widget) -> None:
        """Without a view, draw straight onto the painter instead of replaying a cached
        ``QPicture``: a picture recorded at screen resolution rescales its text on a
        300 dpi image, SVG or PDF, and direct drawing keeps vector output vector."""
        if self.getViewWidget() is not None:
            super().paint(p, opt, widget)
            return
        p.save()
        if self.style["tickFont"]:
            p.setFont(self.style["tickFont"])
        specs = self.generateDrawSpecs(p)
        if specs is not None:
            self.drawPicture(p, *specs)
        p.restore()


class DayAxis(_SceneAxis):
    """Calendar ticks whose labels never overprint: the step comes from the labels' widths
    measured in the axis's own tick font (``layout.axis.date_ticks``), so a 3x export font
    or a two-century record simply gets a coarser step.

    pyqtgraph draws exactly the ticks laid out: labelled ticks on the first level, with
    their texts centred on the tick as ``date_ticks`` assumes, and the unlabelled
    subdivision on the second (``maxTextLevel=0`` keeps pyqtgraph from labelling it).
    """

    picture: QPicture | None  # pyqtgraph's: None whenever the axis must be laid out again
    dragged = Signal(object)
    """A mouse drag across the dates (pyqtgraph's drag event): the window marks a span
    with it. A signal, not the window's method set on the axis, which tied the axis to
    the window in a cycle that Python's collector could break in an order Qt crashes on."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.setStyle(maxTextLevel=0)
        self.ticks: list[Tick] = []  # the last layout, what the axis draws
        self._texts: dict[float, str] = {}
        self._font_key: str | None = None
        self._metrics = QFontMetricsF(QFont())
        self._widths: dict[str, float] = {}
        self._last_key: tuple | None = None  # the range, width and font of ``ticks``
        self._rects: dict[tuple, QRectF] = {}  # text rects the painter gave, this font
        self._rects_font: str | None = None
        self._bounds: QRectF | None = None  # the axis's bounds while laying it out
        self._specs: tuple | None = None  # pyqtgraph's layout of it, what it draws

    def mouseDragEvent(self, ev: object) -> None:
        self.dragged.emit(ev)

    def _font_metrics(self) -> QFontMetricsF:
        font = self.style["tickFont"] or QFont()
        key = font.key()
        if key != self._font_key:
            self._font_key, self._metrics, self._widths = key, QFontMetricsF(font), {}
        return self._metrics

    def paint(self, p, opt, widget) -> None:
        """On screen, laid out as pyqtgraph lays it out (on a picture's painter, again
        whenever pyqtgraph drops its picture: a new range, size or style) and then drawn
        straight onto the painter, not recorded and replayed: every zoom or pan step lays
        the axis out again, and the recording cost more than the drawing."""
        if self.getViewWidget() is None:
            super().paint(p, opt, widget)
            return
        font = self.style["tickFont"]
        if self.picture is None:
            picture = QPicture()
            painter = QPainter(picture)
            if font:
                painter.setFont(font)
            self._specs = self.generateDrawSpecs(painter)
            painter.end()
            self.picture = picture  # what pyqtgraph drops when the axis changes
        if self._specs is not None:
            p.save()
            if font:
                p.setFont(font)
            self.drawPicture(p, *self._specs)
            p.restore()

    def generateDrawSpecs(self, p):  # pyqtgraph's name
        """pyqtgraph's layout of the axis, asking once what it asks for every label: the
        axis's own bounds (once a layout) and each label's text rect in the tick font
        (once a font and text: labels repeat from step to step). A zoom or pan step
        lays the axis out again."""
        font = self.style["tickFont"] or p.font()
        device, engine = p.device(), p.paintEngine()
        where = (device.logicalDpiX(), device.logicalDpiY(), engine and engine.type())
        key = f"{font.key()} {where}"  # rects as this font measures on this device
        if key != self._rects_font:
            self._rects_font, self._rects = key, {}
        self._bounds = super().boundingRect()
        try:
            return super().generateDrawSpecs(_KnownRects(p, self._rects))
        finally:
            self._bounds = None

    def _updateMaxTextSize(self, x):  # pyqtgraph's name
        self._bounds = None  # it may resize the axis
        return super()._updateMaxTextSize(x)

    def boundingRect(self) -> QRectF:
        bounds = self._bounds
        return super().boundingRect() if bounds is None else QRectF(bounds)

    def label_width(self, text: str) -> float:
        """The width pyqtgraph gives the label's text rect (``QPainter.boundingRect`` in
        the tick font, centred in a box), memoised per font: labels repeat every frame."""
        width = self._widths.get(text)
        if width is None:
            box = QRectF(0, 0, 100, 100)
            width = self._font_metrics().boundingRect(box, _CENTRED, text).width()
            if len(self._widths) > 4096:
                self._widths.clear()
            self._widths[text] = width
        return width

    def label_gap(self) -> float:
        """Space kept between neighbouring labels: most of a line height, so years and
        months read as separate words at any font size."""
        return self._font_metrics().height() * 0.75

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        # Laid out in the item's own units, the ones pyqtgraph places the texts in.
        width = self.mapRectFromParent(self.geometry()).width()
        lo, hi = sorted((minVal, maxVal))
        key = (lo, hi, width, (self.style["tickFont"] or QFont()).key())
        if key == self._last_key:  # the grid (``labelled_days``) asked this frame already
            return [(1.0, [t.day for t in self.ticks if t.major])]
        self.ticks = date_ticks(lo, hi, width, self.label_width, self.label_gap())
        self._last_key = key
        self._texts = {t.day: t.text for t in self.ticks if t.major}
        labelled = [t.day for t in self.ticks if t.major]
        # Only labelled ticks: pyqtgraph extends every tick level into a grid line across
        # the plot, and replaying twice the lines cost a third of a frame.
        return [(1.0, labelled)]

    def labelled_days(self, lo: float, hi: float) -> list[float]:
        """The days of the labelled ticks for ``lo``..``hi``: where grid lines go."""
        return list(self.tickValues(lo, hi, 0.0)[0][1])

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [self._texts.get(v, "") for v in values]


class _KnownRects:
    """A painter whose ``boundingRect`` of a text is asked of it once: the rect it gave
    is kept in ``rects`` (a copy handed out each time, as pyqtgraph resizes it)."""

    def __init__(self, painter: QPainter, rects: dict[tuple, QRectF]) -> None:
        self._painter = painter
        self._rects = rects

    def __getattr__(self, name: str) -> object:
        return getattr(self._painter, name)

    def boundingRect(self, rect: QRectF, flags: Qt.AlignmentFlag, text: str) -> QRectF:
        key = (text, rect.getRect(), flags)
        found = self._rects.get(key)
        if found is None:
            if len(self._rects) > 4096:
                self._rects.clear()
            found = self._rects[key] = self._painter.boundingRect(rect, flags, text)
        return QRectF(found)


class LaneAxis(_SceneAxis):
    """Lane headers at the lane centres, membership codes beside their rows."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._major: list[tuple[float, str]] = []
        self._minor: list[tuple[float, str]] = []

    def set_lanes(self, major: list[tuple[float, str]], minor: list[tuple[float, str]]) -> None:
        self._major, self._minor = major, minor
        self.setTicks([major, minor])
        self.picture = None
        self.update()
