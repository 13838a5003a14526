"""The interactive timeline: zoom, pan, fit, hover, click, keyboard and the date region.

Hit-testing runs against the layout the item last painted (not against per-event Qt
items, whose hover and click delivery is unreliable: pyqtgraph #289, #3465, #3549).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import QLabel, QMenu, QToolTip, QWidget

from cspo_viewer.data.annotations import Annotation, describe
from cspo_viewer.data.dates import display_date, from_day, to_day
from cspo_viewer.layout import EventHit, Hit
from cspo_viewer.render.palette import LIGHT, RenderLook
from cspo_viewer.render.plot import TimelinePlot
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.rich_text import literal

ZOOM_STEP = 1.25


class TimelineView(pg.PlotWidget):
    """A ``PlotWidget`` showing the controller's events, wired for analysts' gestures."""

    dateRangeDragged = Signal(object, object)  # ISO from, ISO to (after a region drag)
    eventMenuRequested = Signal(object, object)  # QMenu, event id: others add entries
    backgroundMenuRequested = Signal(object, float, object)  # QMenu, day, Annotation or None
    spanDragged = Signal(float, float)  # days: a drag across the date axis marked them

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        self.plot = TimelinePlot(LIGHT)
        super().__init__(parent=parent, plotItem=self.plot)
        self.controller = controller
        self._dim_outside = False
        self._show_empty = False
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumHeight(260)
        # A drag across the dates marks a span (for Add era…) instead of panning.
        self.plot.day_axis.dragged.connect(self._axis_drag)
        self._empty = QLabel(self)
        self._empty.setTextFormat(Qt.TextFormat.PlainText)  # it names the filter's values
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        self._empty.setStyleSheet(
            "QLabel { background: rgba(127,127,127,40); border-radius: 8px; padding: 18px;"
            " font-size: 15px; }"
        )
        self._empty.hide()
        self.scene().sigMouseMoved.connect(self._hover)
        self.scene().sigMouseClicked.connect(self._clicked)
        controller.resultsChanged.connect(self.rebuild)
        controller.groupingChanged.connect(self.rebuild)
        controller.databaseChanged.connect(self._database_changed)
        controller.selectionChanged.connect(self._selection_changed)
        controller.filterChanged.connect(self._sync_region)
        controller.pinsChanged.connect(self._pins_changed)
        controller.annotationsChanged.connect(self.rebuild)
        self.set_look(LIGHT)
        self.rebuild()
        self.plot.fit_all()

    # --- content ----------------------------------------------------------------------
    @property
    def item(self):
        return self.plot.item

    def set_look(self, look: RenderLook) -> None:
        self.plot.apply_look(look)
        self.setBackground(QColor(look.background))

    def set_dim_outside(self, dim: bool) -> None:
        """Show events outside the filter dimmed instead of hiding them."""
        self._dim_outside = dim
        self.rebuild()

    def _is_fitted(self) -> bool:
        """Whether the view shows what Fit last showed (or nothing has been shown yet)."""
        content = self.plot.content
        if content is None:
            return True
        x0, x1 = self.plot.x_range()
        f0, f1 = content.fit_range
        tolerance = (f1 - f0) * 0.01
        return abs(x0 - f0) <= tolerance and abs(x1 - f1) <= tolerance

    def set_show_empty_lanes(self, show: bool) -> None:
        """Keep lanes without a matching event (left out by default)."""
        self._show_empty = show
        self.rebuild()

    def rebuild(self) -> None:
        c = self.controller
        content = c.content(keep_dimmed=self._dim_outside, show_empty=self._show_empty)
        fitted = self._is_fitted()
        # A filter that hides the selection leaves nothing to keep in view: fit the
        # matching events (the old selection would pan to where nothing is drawn).
        hidden = c.selected is not None and not c.is_visible(c.selected)
        self.item.set_pinned(c.pinned_indexes())
        self.plot.set_content(content)
        if fitted or hidden:  # a view left at "fit" follows the filter; a zoomed one stays
            self.plot.fit_all()
        self._selection_changed(c.selected)
        self._update_empty_message()

    def _pins_changed(self) -> None:
        self.item.set_pinned(self.controller.pinned_indexes())
        self.plot.relayout(force=True)

    def _database_changed(self) -> None:
        self.rebuild()
        self.plot.fit_all()

    def _update_empty_message(self) -> None:
        c = self.controller
        if c.visible_count:
            self._empty.hide()
            return
        if c.total_count:
            text = (
                f"No events match the current filter.\n{c.filter.describe(c.vocabulary)}"
                "\n\nRemove a filter chip or use Clear all."
            )
        else:
            text = "This database holds no events yet.\nUse File → Import… to add some."
        self._empty.setText(text)
        self._place_empty()
        self._empty.show()

    def _place_empty(self) -> None:
        w = min(520, self.width() - 40)
        self._empty.setFixedWidth(max(w, 200))
        self._empty.adjustSize()
        self._empty.move(
            (self.width() - self._empty.width()) // 2, (self.height() - self._empty.height()) // 2
        )

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        empty = self.__dict__.get("_empty")  # resizeEvent runs inside PlotWidget.__init__
        if empty is not None and empty.isVisible():
            self._place_empty()

    @property
    def empty_message(self) -> str | None:
        return self._empty.text() if not self._empty.isHidden() else None

    # --- selection --------------------------------------------------------------------
    def _selection_changed(self, event_id: str | None) -> None:
        index = self.controller.table.index_of(event_id) if event_id else None
        self.item.set_selected(index)
        if index is not None and self.controller.is_visible(event_id):  # type: ignore[arg-type]
            self.ensure_visible(index)

    def ensure_visible(self, index: int) -> None:
        """Pan (never zoom) so the event is inside the view with a little room."""
        table = self.controller.table
        x0, x1 = self.plot.x_range()
        span = x1 - x0
        start, end = float(table.start[index]), float(table.end[index])
        margin = span * 0.01  # the fit's own margin is larger: a fitted view stays put
        if start >= x0 + margin and end <= x1 - margin:
            return
        centre = (start + end) / 2
        self.plot.getViewBox().setXRange(centre - span / 2, centre + span / 2, padding=0)

    # --- zoom -------------------------------------------------------------------------
    def zoom(self, factor: float, centre: float | None = None) -> None:
        """Zoom in (factor > 1) or out around ``centre`` (default: the view's middle)."""
        x0, x1 = self.plot.x_range()
        c = (x0 + x1) / 2 if centre is None else centre
        half = (x1 - x0) / factor
        lo = c - (c - x0) / factor
        self.plot.getViewBox().setXRange(lo, lo + half, padding=0)

    def fit_all(self) -> None:
        self.plot.fit_all()

    def visible_days(self) -> tuple[float, float] | None:
        """The range on screen, or None when the view is fitted (and follows the filter)."""
        if self._is_fitted():
            return None
        x0, x1 = self.plot.x_range()
        return float(x0), float(x1)

    def show_days(self, x_range: tuple[float, float] | None) -> None:
        """Show exactly ``x_range`` (a saved view's dates), or fit when None."""
        if x_range is None:
            self.fit_all()
        else:
            self.plot.getViewBox().setXRange(*x_range, padding=0)

    def zoom_to(self, start: float, end: float) -> None:
        pad = max((end - start) * 0.15, 5.0)
        self.plot.getViewBox().setXRange(start - pad, end + pad, padding=0)

    # --- mouse ------------------------------------------------------------------------
    def _item_pos(self, scene_pos: QPointF) -> QPointF:
        return self.item.mapFromScene(scene_pos)

    def hit_at_scene(self, scene_pos: QPointF) -> Hit | None:
        if not self.plot.getViewBox().sceneBoundingRect().contains(scene_pos):
            return None
        return self.item.hit(self._item_pos(scene_pos))

    def _hover(self, scene_pos: QPointF) -> None:
        hit = self.hit_at_scene(scene_pos)
        if hit is None:
            self.viewport().unsetCursor()
            note = self.annotation_at_scene(scene_pos)
            if note is None:
                QToolTip.hideText()
                return
            global_pos = self.mapToGlobal(self.mapFromScene(scene_pos))
            QToolTip.showText(global_pos, literal(describe(note)), self)
            return
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        global_pos = self.mapToGlobal(self.mapFromScene(scene_pos))
        QToolTip.showText(global_pos, literal(self.tooltip_text(hit)), self)

    def annotation_at_scene(self, scene_pos: QPointF) -> Annotation | None:
        """The era or note drawn under ``scene_pos`` (its name, or an era's band)."""
        if not self.plot.getViewBox().sceneBoundingRect().contains(scene_pos):
            return None
        return self.item.annotation_at(self._item_pos(scene_pos))

    def tooltip_text(self, hit: Hit) -> str:
        """Plain text (never rich text): date, title and nations, or a cluster's summary."""
        table = self.controller.table
        if isinstance(hit, EventHit):
            detail = self.controller.detail(str(table.ids[hit.event]))
            if detail is None:
                return ""
            row = detail.row
            names = ", ".join(self.controller.vocabulary.nation_name(n) for n in row.nations)
            return f"{display_date(row.date, row.date_precision, row.end_date)}\n{row.title}" + (
                f"\n{names}" if names else ""
            )
        (d0, d1), members = self.item.cluster_info(hit.lane, hit.index)
        first = from_day(d0).isoformat()
        last = from_day(d1 - 1).isoformat()
        return f"{len(members)} events, {first} to {last}\nClick to zoom in"

    def event_menu(self, event_id: str) -> QMenu:
        """The context menu of an event on the timeline: pin its label, and whatever
        other features add through ``eventMenuRequested``."""
        menu = QMenu(self)
        pin = QAction("Always &label this event", menu)
        pin.setCheckable(True)
        pin.setChecked(event_id in self.controller.pinned)
        pin.triggered.connect(lambda: self.controller.toggle_pin(event_id))
        menu.addAction(pin)
        self.eventMenuRequested.emit(menu, event_id)
        return menu

    def background_menu(self, scene_pos: QPointF) -> QMenu:
        """The context menu off any event: what others add through
        ``backgroundMenuRequested`` for the day under the cursor and the era or note
        drawn there (None if none)."""
        menu = QMenu(self)
        pos = self._item_pos(scene_pos)
        self.backgroundMenuRequested.emit(menu, float(pos.x()), self.item.annotation_at(pos))
        return menu

    def _context_menu(self, ev) -> None:
        hit = self.hit_at_scene(ev.scenePos())
        if hit is None and self.plot.getViewBox().sceneBoundingRect().contains(ev.scenePos()):
            menu = self.background_menu(ev.scenePos())
            if menu.actions():
                ev.accept()
                menu.popup(ev.screenPos().toPoint())
            return
        if not isinstance(hit, EventHit):
            return
        ev.accept()
        event_id = str(self.controller.table.ids[hit.event])
        self.controller.select(event_id)
        menu = self.event_menu(event_id)
        menu.popup(ev.screenPos().toPoint())

    def _clicked(self, ev) -> None:
        if ev.button() == Qt.MouseButton.RightButton:
            self._context_menu(ev)
            return
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        if ev.double():
            self.fit_all()
            ev.accept()
            return
        hit = self.hit_at_scene(ev.scenePos())
        if hit is None:
            return
        ev.accept()
        if isinstance(hit, EventHit):
            self.controller.select(str(self.controller.table.ids[hit.event]))
        else:
            (d0, d1), _ = self.item.cluster_info(hit.lane, hit.index)
            self.zoom_to(d0, d1)

    def keyPressEvent(self, ev) -> None:
        key = ev.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Left):
            self.controller.select_step(1 if key == Qt.Key.Key_Right else -1)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            self.zoom(1 / ZOOM_STEP)
        elif key == Qt.Key.Key_Home:
            self.fit_all()
        else:
            super().keyPressEvent(ev)
            return
        ev.accept()

    # --- the two draggable bands, made when first shown --------------------------------
    # Most sessions never show either: made at start they cost the first frame ~1.3 ms.
    @cached_property
    def _region(self) -> pg.LinearRegionItem:
        """The filter's date range, dragged to change it."""
        region = self._band(-5, QColor(66, 133, 244, 30), QColor(66, 133, 244, 50))
        region.sigRegionChangeFinished.connect(self._region_dragged)
        return region

    @cached_property
    def _span(self) -> pg.LinearRegionItem:
        """The days marked by a drag across the date axis."""
        return self._band(-4, QColor(230, 145, 56, 45), QColor(230, 145, 56, 70))

    def _band(self, z: float, brush: QColor, hover: QColor) -> pg.LinearRegionItem:
        band = pg.LinearRegionItem(
            orientation="vertical", movable=True, brush=brush, hoverBrush=hover
        )
        band.setZValue(z)
        band.hide()
        self.plot.addItem(band, ignoreBounds=True)
        return band

    def _made(self, band: str) -> bool:
        """Whether the band ``"_region"`` or ``"_span"`` exists (was ever shown)."""
        return band in self.__dict__

    # --- a span marked on the date axis ------------------------------------------------
    def _axis_drag(self, ev) -> None:
        """Dragging across the date axis marks the days dragged over (shown as a band
        that can be adjusted); at the end, ``spanDragged`` says which."""
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        vb = self.plot.getViewBox()
        x0 = vb.mapSceneToView(ev.buttonDownScenePos()).x()
        x1 = vb.mapSceneToView(ev.scenePos()).x()
        lo, hi = sorted((float(x0), float(x1)))
        self._span.setRegion((lo, hi))
        self._span.show()
        if ev.isFinish():
            self.spanDragged.emit(lo, hi)

    @property
    def marked_span(self) -> tuple[float, float] | None:
        """The days last marked on the date axis (None when none is shown)."""
        if not self._made("_span") or not self._span.isVisible():
            return None
        lo, hi = self._span.getRegion()
        return float(lo), float(hi)

    def clear_span(self) -> None:
        if self._made("_span"):
            self._span.hide()

    # --- date region ------------------------------------------------------------------
    def _sync_region(self, flt) -> None:
        """Show the filter's date range as a draggable region (hidden when unbounded)."""
        if not (flt.date_from or flt.date_to):
            if self._made("_region"):
                self._region.hide()
            return
        lo, hi = self.plot.content.x_range if self.plot.content else (0.0, 1.0)
        start = to_day(flt.date_from) if flt.date_from else lo
        end = to_day(flt.date_to) + 1 if flt.date_to else hi
        blocker = self._region.blockSignals(True)
        self._region.setRegion((start, end))
        self._region.blockSignals(blocker)
        self._region.show()

    def show_region_for_view(self) -> None:
        """Start a date filter from what is on screen (View → Filter to visible dates)."""
        x0, x1 = self.plot.x_range()
        self._emit_region(x0, x1)

    def _region_dragged(self) -> None:
        x0, x1 = self._region.getRegion()
        self._emit_region(x0, x1)

    def _emit_region(self, x0: float, x1: float) -> None:
        start = from_day(np.floor(x0)).isoformat()
        end = from_day(np.ceil(x1) - 1).isoformat()
        self.controller.set_filter(self.controller.filter.with_(date_from=start, date_to=end))
        self.dateRangeDragged.emit(start, end)
