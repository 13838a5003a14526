"""The window's two briefing views: membership growth and the participation matrix.

Each is a dock under the timeline, reached from View → Membership growth / Participation
matrix, drawn by the same painters as the export (``render/views.py``) from the same
models (``export/page.py``), and redrawn whenever the filter changes. Clicking a matrix
cell filters the window to that nation's events of that year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cspo_viewer.model.page import membership_model, participation_model
from cspo_viewer.render.palette import look

# The views' painters and models (render.views, layout.membership, layout.participation)
# load when a view is first drawn or clicked: the window's first frame shows neither.
if TYPE_CHECKING:
    from cspo_viewer.render.views import MatrixGeometry, MembersGeometry


class _Canvas(QWidget):
    """Paints one view at the widget's size; ``geometry`` is what the last paint drew."""

    clicked = Signal(QPointF)

    def __init__(self, kind: str, theme) -> None:
        super().__init__()
        self._kind = kind
        self._theme = theme
        self.model: Any = None
        self.geometry_drawn: MembersGeometry | MatrixGeometry | None = None
        self.setMinimumHeight(240)
        self.setMouseTracking(True)

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        try:
            lk = look(self._theme())
            p.fillRect(self.rect(), QColor(lk.background))
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            if self.model is not None:
                from cspo_viewer.render import views

                painter = (
                    views.paint_members if self._kind == "members" else views.paint_participation
                )
                rect = QRectF(self.rect()).adjusted(12, 8, -12, -4)
                self.geometry_drawn = painter(p, rect, self.model, lk, 1.0)
        finally:
            p.end()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(event.position())
        super().mouseReleaseEvent(event)


class BriefingView(QWidget):
    """One view over the window's controller: a caption, a Back button, the canvas."""

    def __init__(self, window: Any, kind: str) -> None:
        super().__init__()
        self.window_ = window
        self.controller = window.controller
        self.kind = kind
        self._history: list[Any] = []
        self._stale = True
        self.canvas = _Canvas(kind, lambda: getattr(window, "theme", "light"))
        # Ten members' steps with a readable label each, and the status strip below.
        self.canvas.setMinimumHeight(MIN_HEIGHT[kind])
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.back = QPushButton("← Back")
        self.back.setToolTip("Return to the filter before the last cell was clicked")
        self.back.setVisible(False)
        self.back.clicked.connect(self.go_back)
        top = QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(self.back)
        box = QVBoxLayout(self)
        box.setContentsMargins(4, 2, 4, 2)
        box.addLayout(top)
        box.addWidget(self.canvas, 1)
        self.canvas.clicked.connect(self.click_at)
        self.canvas.setCursor(Qt.CursorShape.PointingHandCursor)
        self.controller.resultsChanged.connect(self.refresh)
        self.controller.databaseChanged.connect(self.refresh)
        self.refresh()

    def showEvent(self, event) -> None:
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def refresh(self, *_: object) -> None:
        """Rebuild the model for the current filter. A hidden view only notes that it is
        out of date, so filter changes cost nothing while it is closed."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        c = self.controller
        data = c.export_data()
        series = membership_model(data)[0]
        if self.kind == "members":
            self.canvas.model = series
            n = sum(len(a.codes) for a in series.accessions)
            self.caption.setText(
                f"Full members over time: {n} accessions in "
                f"{series.years[0]}–{series.years[-1]} · observer and associate years apart"
            )
        else:
            matrix = participation_model(data, series)
            self.canvas.model = matrix
            self.caption.setText(
                f"Events each nation took part in, by year ({matrix.total} participations "
                f"in {c.visible_count} events) · click a cell to list its events"
            )
        self.canvas.update()

    def click_at(self, point: QPointF) -> None:
        """A matrix cell lists its events; an accession selects the event recording it."""
        from cspo_viewer.render.views import MatrixGeometry, MembersGeometry

        geo = self.canvas.geometry_drawn
        if isinstance(geo, MembersGeometry):
            self.select_accession(geo, point)
            return
        if not isinstance(geo, MatrixGeometry) or self.canvas.model is None:
            return
        cell = geo.cell_at(point)
        if cell is not None:
            self.open_cell(*cell)

    def select_accession(self, geo: MembersGeometry, point: QPointF) -> None:
        from cspo_viewer.layout.membership import accession_event

        series = self.canvas.model
        reach = 10.0  # px around a step's dot
        for i, ((_, box), dot) in enumerate(zip(geo.labels, geo.points, strict=True)):
            near = abs(dot.x() - point.x()) <= reach and abs(dot.y() - point.y()) <= reach
            if box.contains(point) or near:
                row = accession_event(self.controller.table, series.accessions[i])
                if row is not None:
                    self.controller.select(str(self.controller.table.ids[row]))
                return

    def open_cell(self, row: int, col: int) -> None:
        """Filter the window to the events of one cell; Back returns to this filter."""
        from cspo_viewer.layout.participation import cell_filter

        c = self.controller
        self._history.append(c.filter)
        c.set_filter(cell_filter(c.filter, self.canvas.model, row, col))
        self.back.setVisible(True)

    def go_back(self) -> None:
        if self._history:
            self.controller.set_filter(self._history.pop())
        self.back.setVisible(bool(self._history))


MIN_HEIGHT = {"members": 420, "participation": 300}
"""Canvas heights below which labels would shrink past legibility (window sizes)."""

VIEWS = (
    ("members", "&Membership growth", "Ctrl+Shift+M", "Members over time, each accession named"),
    (
        "participation",
        "&Participation matrix",
        "Ctrl+Shift+P",
        "Nations by years: events taken part in and membership status",
    ),
)


def _show(window: Any, dock: QDockWidget) -> None:
    """Bring the dock forward at a height its view can use."""
    dock.raise_()
    want = dock.widget().minimumSizeHint().height() + 40
    if dock.height() < want:
        window.resizeDocks([dock], [want], Qt.Orientation.Vertical)


def install_briefing_views(window: Any, menu: Any) -> dict[str, QAction]:
    """Add the two views as docks under the timeline (hidden until asked for) and their
    checkable entries to ``menu`` (the View menu). Returns the actions by view."""
    actions: dict[str, QAction] = {}
    docks: list[QDockWidget] = []
    menu.addSeparator()
    for kind, text, shortcut, tip in VIEWS:
        view = BriefingView(window, kind)
        dock = QDockWidget(text.replace("&", ""), window)
        dock.setObjectName(f"view-{kind}")
        dock.setWidget(view)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        if docks:
            window.tabifyDockWidget(docks[0], dock)
        dock.hide()
        docks.append(dock)
        action = dock.toggleViewAction()
        action.setText(text)
        action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.triggered.connect(lambda checked, d=dock: _show(window, d) if checked else None)
        menu.addAction(action)
        actions[kind] = action
        setattr(window, f"{kind}_view", view)
    return actions
