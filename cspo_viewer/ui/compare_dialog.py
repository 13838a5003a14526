"""Two events side by side (``CompareDialog``) and the picker behind "Compare with…".

The dialog shows what ``data.compare`` found: each event's statement text (or summary)
sentence by sentence, marked shared, near-identical with the differing words highlighted,
or only in that one; the nations and themes each has that the other lacks; their quotes.
It is not modal, so an analyst can keep it open beside the timeline.

Safety: as in the detail pane, every database string is escaped before Qt renders it
(``compare_html``), titles go to plain-text labels, and the text views load nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QSortFilterProxyModel, QStringListModel, Qt, QUrl
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cspo_viewer.data.compare import EventComparison
from cspo_viewer.data.dates import date_with_precision, from_day, short_iso
from cspo_viewer.data.table import PRECISION_CODES
from cspo_viewer.ui.compare_html import (
    compare_css,
    counts_text,
    legend_html,
    shared_sets_text,
    side_html,
)
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.rich_text import SafeBrowser

TITLE_LIMIT = 300


def _short(text: str, limit: int = TITLE_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain_label(text: str = "", *, bold: bool = False, muted: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # never interpret database text
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = QFont(label.font())
        font.setWeight(QFont.Weight.DemiBold)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        label.setFont(font)
    if muted:
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


class CompareDialog(QDialog):
    """Statement A beside statement B (earlier event on the left)."""

    def __init__(
        self,
        comparison: EventComparison,
        nation_name: Callable[[str], str],
        theme_label: Callable[[str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.comparison = comparison
        self.resource_requests: list[QUrl] = []
        a, b = comparison.a.row, comparison.b.row
        self.setWindowTitle(f"Compare: {_short(a.label, 80)} · {_short(b.label, 80)}")
        self.resize(1200, 800)

        self.note_label = _plain_label(comparison.note)
        self.counts_label = _plain_label(counts_text(comparison), muted=True)
        self.shared_label = _plain_label(
            shared_sets_text(comparison, nation_name, theme_label), muted=True
        )
        self.legend = SafeBrowser(self.resource_requests)
        self.legend.setFrameShape(QFrame.Shape.NoFrame)
        self.legend.setFixedHeight(self.fontMetrics().height() + 12)
        self.legend.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        css = compare_css(muted)
        self.legend.show_html(legend_html(), css)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.views: dict[str, SafeBrowser] = {}
        self.title_labels: dict[str, QLabel] = {}
        for side, row in (("a", a), ("b", b)):
            panel = QWidget()
            col = QVBoxLayout(panel)
            col.setContentsMargins(4, 4, 4, 4)
            title = _plain_label(f"{side.upper()}  {_short(row.title)}", bold=True)
            when = date_with_precision(row.date, row.date_precision, row.end_date)
            col.addWidget(title)
            col.addWidget(_plain_label(f"{when} · {_short(row.id)}", muted=True))
            view = SafeBrowser(self.resource_requests)
            view.show_html(side_html(comparison, side, nation_name, theme_label), css)
            col.addWidget(view, 1)
            split.addWidget(panel)
            self.views[side] = view
            self.title_labels[side] = title

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for w in (self.note_label, self.counts_label, self.shared_label, self.legend):
            layout.addWidget(w)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)

    # --- for tests and tools ----------------------------------------------------------
    def side_text(self, side: str) -> str:
        """What a person reads in one side's text view."""
        return self.views[side].toPlainText()

    def side_source(self, side: str) -> str:
        """One side's generated (escaped, marked) HTML."""
        return self.views[side].html_source


class EventPicker(QDialog):
    """Pick the event to compare with: every event by date, narrowed by typing."""

    def __init__(self, controller: Controller, exclude: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Compare with…")
        self.resize(640, 520)
        table = controller.table
        keep = np.flatnonzero(table.ids.array != exclude)
        self._ids = [str(table.ids[i]) for i in keep]
        precision = {code: name for name, code in PRECISION_CODES.items()}
        lines = [
            f"{short_iso(from_day(table.start[i]).isoformat(), precision[int(table.precision[i])])}"
            f"  {table.labels[i]}"
            for i in keep
        ]
        self._model = QStringListModel(lines, self)
        self._proxy = QSortFilterProxyModel(self)
        self._proxy.setSourceModel(self._model)
        self._proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type to narrow the list (title or date)")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._narrow)
        self.view = QListView()
        self.view.setModel(self._proxy)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setUniformItemSizes(True)
        self.view.doubleClicked.connect(lambda _: self.accept())
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Compare")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Compare with which event?"))
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._enable())
        self._enable()

    def _narrow(self, text: str) -> None:
        self._proxy.setFilterFixedString(text)
        if self._proxy.rowCount():
            self.view.setCurrentIndex(self._proxy.index(0, 0))
        self._enable()

    def _enable(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.chosen() is not None)

    def choose(self, event_id: str) -> None:
        """Make ``event_id`` the current row (as a click on it would)."""
        row = self._ids.index(event_id)
        self.view.setCurrentIndex(self._proxy.mapFromSource(self._model.index(row, 0)))

    def shown(self) -> list[str]:
        """The lines the list shows now (after narrowing)."""
        return [self._proxy.index(r, 0).data() for r in range(self._proxy.rowCount())]

    def chosen(self) -> str | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return self._ids[self._proxy.mapToSource(index).row()]
