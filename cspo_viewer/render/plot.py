"""A pyqtgraph ``PlotItem`` holding the timeline: date axis, lane headers, the one item.

The window puts it in a ``PlotWidget`` and adds interaction; the briefing export lays the
same plot out at the page's size. View limits make the range impossible to lose: panning
clamps to the data with a margin, and zooming stops at a few days and at the whole range.
Whenever the plot's size or content changes, each lane is given the rows its events need
at the fitted range (``TimelineItem.allot_rows``), so lanes are as tall as their content
and together fill the plot.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPen

from cspo_viewer.layout import TimelineContent
from cspo_viewer.render.axes import DayAxis, LaneAxis
from cspo_viewer.render.palette import LIGHT, RenderLook
from cspo_viewer.render.timeline_item import MEMBER_BAND, TimelineItem

MIN_SPAN_DAYS = 10.0
LANE_AXIS_WIDTH_EM = 11
NOTES_HEADER = "Eras, notes"
"""The lane header beside the strip of era and note names."""


class TimelinePlot(pg.PlotItem):
    """Axes, limits and the ``TimelineItem`` for one ``TimelineContent``."""

    def __init__(self, look: RenderLook = LIGHT) -> None:
        self.day_axis = DayAxis(orientation="bottom")
        self.lane_axis = LaneAxis(orientation="left")
        # No context menus, for the plot or its view: made without one, the view skips
        # building pyqtgraph's (two axis-control forms, ~5 ms of every launch and export).
        super().__init__(
            axisItems={"bottom": self.day_axis, "left": self.lane_axis}, enableMenu=False
        )
        for name in ("left", "bottom", "top", "right"):
            # Days and lanes take no SI prefix; left on, pyqtgraph re-typesets every
            # axis's (empty) label on each range change: at start-up and every zoom step.
            self.getAxis(name).enableAutoSIPrefix(False)
        self.item = TimelineItem(look)
        self.item.set_grid(self.day_axis.labelled_days)
        self.addItem(self.item)
        vb = self.getViewBox()
        vb.invertY(True)
        vb.setMouseEnabled(x=True, y=False)
        vb.sigResized.connect(self.relayout)
        self.hideButtons()
        self.content: TimelineContent | None = None
        self.apply_look(look)

    @property
    def look(self) -> RenderLook:
        return self.item.look

    def apply_look(self, look: RenderLook) -> None:
        """Colours and sizes for axes, grid and item (light/dark, screen/page scale)."""
        self.item.set_look(look)
        font = QFont(look.font_family)
        font.setPixelSize(max(1, round(look.font_px)))
        for axis in (self.day_axis, self.lane_axis):
            axis.setPen(QPen(QColor(look.grid), look.pen_px))
            axis.setTextPen(QColor(look.text))
            axis.setTickFont(font)
            axis.setStyle(tickLength=round(-6 * look.pen_px), tickTextOffset=round(6 * look.pen_px))
        self.day_axis.setHeight(round(look.font_px * 2.4))
        self._fit_lane_axis()
        self.showGrid(x=False, y=False)  # the item draws the grid, under its markers
        self.getViewBox().setBackgroundColor(QColor(look.background))
        self.relayout()

    def set_content(self, content: TimelineContent) -> None:
        """Show ``content``; keeps the current x range when it still fits the data."""
        self.content = content
        self.item.set_content(content)
        x0, x1 = content.x_range
        self.getViewBox().setLimits(xMin=x0, xMax=x1, minXRange=MIN_SPAN_DAYS, maxXRange=x1 - x0)
        self.relayout(force=True)

    def relayout(self, *_args: object, force: bool = False) -> None:
        """Rows per lane for the view's present size, then the y range and lane headers."""
        if self.content is None:
            return
        rect = self.getViewBox().sceneBoundingRect()
        changed = self.item.allot_rows(rect.width(), rect.height())
        if changed or force:
            vb = self.getViewBox()
            height = self.item.total_height
            vb.setLimits(yMin=0, yMax=height)
            vb.setYRange(0, height, padding=0)
            self._lane_ticks(self.content)

    def _lane_ticks(self, content: TimelineContent) -> None:
        item = self.item
        major = [(item.lane_centre(i), title) for i, title in enumerate(content.lanes.titles)]
        if item.note_lines:
            major.insert(0, (item.notes_height / 2, NOTES_HEADER))
        if content.members:
            major.append((item.strip_top + MEMBER_BAND / 2, "Members"))
        self.lane_axis.set_lanes(major, [])
        self._fit_lane_axis()

    def _fit_lane_axis(self) -> None:
        """Wide enough for the longest lane header, so none is dropped by the axis."""
        look = self.look
        font = QFont(look.font_family)
        font.setPixelSize(max(1, round(look.font_px)))
        metrics = QFontMetricsF(font)
        titles = self.content.lanes.titles if self.content else ()
        longest = max((metrics.horizontalAdvance(t) for t in titles), default=0.0)
        width = max(longest, metrics.horizontalAdvance("Members"))
        width = max(width, metrics.horizontalAdvance(NOTES_HEADER)) + look.font_px * 1.6
        self.lane_axis.setWidth(round(min(width, look.font_px * LANE_AXIS_WIDTH_EM * 2)))

    def fit_all(self) -> None:
        """Fit the matching events, with the export's margins."""
        if self.content is not None:
            self.getViewBox().setXRange(*self.content.fit_range, padding=0)

    def x_range(self) -> tuple[float, float]:
        (x0, x1), _ = self.getViewBox().viewRange()
        return float(x0), float(x1)
