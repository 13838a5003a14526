"""The timeline's legend: the marker shape and colour of each kind on screen.

With lanes by nation or theme the lane headers no longer name the kinds, so the legend
says which shape is which; it lists only kinds that have events shown, like the export.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from cspo_viewer.render.style import kind_color
from cspo_viewer.render.timeline_item import symbol_pixmap
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.flow_layout import FlowLayout
from cspo_viewer.ui.rich_text import plain_label
from cspo_viewer.ui.theme import is_dark


class LegendBar(QWidget):
    """A row of "marker  Kind" entries under the timeline."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Wraps instead of widening the window when the timeline is narrow.
        self._layout = FlowLayout(self)
        self._layout.setContentsMargins(8, 2, 8, 2)
        self._controller: Controller | None = None
        self._entries: list[str] = []
        self._dark: bool | None = None  # the theme the markers were drawn in

    def bind(self, controller: Controller) -> None:
        self._controller = controller
        controller.resultsChanged.connect(self.refresh)
        controller.databaseChanged.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        c = self._controller
        if c is None:
            return
        table = c.table
        # Counting per kind code: np.unique would load numpy.ma before the first frame.
        shown = set(np.flatnonzero(np.bincount(table.kind[c.mask], minlength=len(table.kinds))))
        labels = {k.id: k.label for k in c.kinds}
        kinds = [k for i, k in enumerate(table.kinds) if i in shown]
        while (item := self._layout.takeAt(0)) is not None:
            if (widget := item.widget()) is not None:
                widget.deleteLater()
        self._entries = []
        dark = self._dark = is_dark(self.palette())
        for kind in kinds:
            self._layout.addWidget(self._entry(kind, labels.get(kind, kind), dark))
            self._entries.append(labels.get(kind, kind))

    def changeEvent(self, event: QEvent) -> None:
        """A light/dark switch redraws the markers in that theme's kind colours.

        Only a switch: the palette also "changes" when the window is first shown, and
        entries made again then are hidden until Qt shows them a moment later, so the
        legend collapsed and grew back and the timeline above it was laid out twice more
        before its first frame."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and is_dark(self.palette()) != self._dark:
            self.refresh()

    @staticmethod
    def _entry(kind: str, label: str, dark: bool) -> QWidget:
        entry = QWidget()
        row = QHBoxLayout(entry)
        row.setContentsMargins(0, 0, 10, 0)
        row.setSpacing(5)
        icon = QLabel()
        icon.setPixmap(symbol_pixmap(kind, 11, kind_color(kind, dark), "#ffffff", None))
        row.addWidget(icon)
        row.addWidget(plain_label(label))  # a kind label is database text
        return entry

    @property
    def entries(self) -> list[str]:
        """The kind labels listed, in lane order (for tests)."""
        return list(self._entries)
