"""The filter panel: checkboxes, any/all switches, dates and search, with live counts.

The panel holds no filter of its own. Every change builds the next ``EventFilter`` from
``controller.filter`` and hands it to ``controller.set_filter``; every ``filterChanged``
(from here, the chips, the timeline's date region, restored settings or command-line
options) is mirrored back into the widgets with their signals blocked, so there is one
source of truth and no feedback loop.

The count beside each checkbox is the number of events ticking it would show (a ticked
box: the shown events carrying it); ``data.facets.FacetCounter`` works them out from the
in-memory event table. When a facet's counts need a query, large databases paint the new
events first and fill in the counts in the same event-loop turn; counts of a collapsed
section or a closed dock wait until they can be seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QDate, QEvent, QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QPalette, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cspo_viewer.data.dates import display_date
from cspo_viewer.data.facets import FACETS, MATCH_FIELD, VALUES_FIELD, FacetCounter
from cspo_viewer.data.filters import EventFilter
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.rich_text import literal, plain_label

SEARCH_DEBOUNCE_MS = 250
COUNT_DEFER_EVENTS = 20_000
"""From this many events, counts that need SQL wait until the timeline and list have
repainted (later in the same event-loop turn), so a click shows its events first."""
SEARCH_PLACEHOLDER = 'Search titles, text, quotes… ("phrase", prefix*)'
DATE_FORMAT = "yyyy-MM-dd"


def escape_mnemonic(text: str) -> str:
    """Button and checkbox texts treat "&" as a shortcut marker ("Debris & ASAT tests")."""
    return text.replace("&", "&&")


# --- small widgets ------------------------------------------------------------------------
class _Section(QWidget):
    """A titled, collapsible block; the header can carry a widget (the any/all switch)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle = QToolButton(self)
        self.toggle.setText(title)
        self.toggle.setCheckable(True)
        self.toggle.setChecked(True)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.toggle.setStyleSheet("QToolButton { border: none; font-weight: bold; }")
        self.toggle.setToolTip(f"Show or hide {title.lower()}")
        self.toggle.toggled.connect(self._show_expanded)
        self._header = QHBoxLayout()
        self._header.setContentsMargins(0, 0, 0, 0)
        self._header.addWidget(self.toggle)
        self._header.addStretch(1)
        self.body = QWidget(self)
        self._column = layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(2)
        layout.addLayout(self._header)
        layout.addWidget(self.body)

    def add_header_widget(self, widget: QWidget) -> None:
        self._header.addWidget(widget)

    def set_body(self, body: QWidget) -> None:
        """Replace the content (rebuilt when another database is opened)."""
        old = self.body
        self._column.replaceWidget(old, body)
        old.setParent(None)
        old.deleteLater()
        self.body = body
        body.setVisible(self.toggle.isChecked())

    def invalidate_layout(self) -> None:
        self._column.invalidate()

    def set_expanded(self, expanded: bool) -> None:
        self.toggle.setChecked(expanded)  # emits toggled, as a click does

    @property
    def expanded(self) -> bool:
        return self.toggle.isChecked()

    def _show_expanded(self, expanded: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.body.setVisible(expanded)


@dataclass
class _Row:
    """One checkbox line: the box, its live count and (for nations) the join date."""

    box: QCheckBox
    count: QLabel
    extra: QLabel | None = None
    greyed: bool = False

    def widgets(self) -> list[QWidget]:
        return [w for w in (self.box, self.extra, self.count) if w is not None]


def _grey(widgets: Iterable[QWidget], greyed: bool, base: QPalette) -> None:
    """Zero-count rows stay clickable but read as empty: text in ``base``'s disabled
    colour. Only the text roles are set, so everything else follows the theme."""
    palette = QPalette()
    if greyed:
        for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
            palette.setColor(role, base.color(QPalette.ColorGroup.Disabled, role))
    for widget in widgets:
        widget.setPalette(palette)


def _match_combo(what: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem("any", "any")
    combo.addItem("all", "all")
    combo.setItemData(0, f"Events with any of the checked {what}", Qt.ItemDataRole.ToolTipRole)
    combo.setItemData(1, f"Events with all of the checked {what}", Qt.ItemDataRole.ToolTipRole)
    combo.setToolTip(f"Match any or all of the checked {what}")
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def _iso(qdate: QDate) -> str:
    return qdate.toString(Qt.DateFormat.ISODate)


def _qdate(iso: str) -> QDate:
    return QDate.fromString(iso, Qt.DateFormat.ISODate)


# --- the panel ----------------------------------------------------------------------------
class FilterPanel(QWidget):
    """Nations, themes, kinds, dates and search; every change applies at once.

    Build it, then ``bind(controller)`` once. The lead puts it in a ``QDockWidget``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterPanel")
        self._controller: Controller | None = None
        self._counter: FacetCounter | None = None
        self._rows: dict[str, dict[str, _Row]] = {facet: {} for facet in FACETS}
        self._span = (QDate(2014, 1, 1), QDate(2024, 12, 31))
        self._max_count = 0
        self._stale: set[str] = set()  # facets whose counts are out of date
        self.defer_counts_from = COUNT_DEFER_EVENTS
        self._count_timer = QTimer(self)
        self._count_timer.setObjectName("countTimer")
        self._count_timer.setSingleShot(True)
        self._count_timer.setInterval(0)
        self._count_timer.timeout.connect(self._update_stale_counts)

        self._sections = {
            "nation": _Section("Nations"),
            "theme": _Section("Themes"),
            "kind": _Section("Kinds"),
            "dates": _Section("Dates"),
            "search": _Section("Search"),
        }
        self._match = {"nation": _match_combo("nations"), "theme": _match_combo("themes")}
        for facet in FACETS:  # a collapsed section's counts wait until it opens
            self._sections[facet].toggle.toggled.connect(self._on_section_toggled)
        for key, section in self._sections.items():
            section.setObjectName(f"section:{key}")
        for facet, combo in self._match.items():
            combo.setObjectName(f"match:{facet}")
            self._sections[facet].add_header_widget(combo)
            combo.currentIndexChanged.connect(lambda _i, f=facet: self._on_match_changed(f))

        self._bound_boxes = (QCheckBox("From"), QCheckBox("To"))
        self._date_edits = (QDateEdit(), QDateEdit())
        self._date_note = QLabel()
        self._date_note.setObjectName("dateNote")
        self._sections["dates"].set_body(self._build_dates())

        self.search_edit = QLineEdit()
        self._search_timer = QTimer(self)
        self._search_timer.setObjectName("searchTimer")
        self._sections["search"].set_body(self._build_search())

        self.clear_button = QPushButton("Clear all")
        self.clear_button.setToolTip("Remove every filter and show all events")
        self.clear_button.clicked.connect(self._on_clear)

        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(6, 4, 6, 4)
        for key in ("search", "nation", "theme", "kind", "dates"):
            column.addWidget(self._sections[key])
        column.addStretch(1)
        self._inner, self._inner_column = inner, column
        self._scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 4)
        outer.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(6, 0, 6, 0)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        outer.addLayout(buttons)
        self.setEnabled(False)  # until bound

    # --- building -----------------------------------------------------------------------
    def _build_dates(self) -> QWidget:
        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        tips = ("No events before this day", "No events after this day")
        for i, (box, edit) in enumerate(zip(self._bound_boxes, self._date_edits, strict=True)):
            box.setObjectName(("from", "to")[i] + "Bound")
            edit.setObjectName(("from", "to")[i] + "Date")
            edit.setDisplayFormat(DATE_FORMAT)
            edit.setCalendarPopup(True)
            edit.setKeyboardTracking(False)  # one filter change per typed date, not per digit
            edit.setDateRange(QDate(1950, 1, 1), QDate(2100, 12, 31))
            edit.setToolTip(f"{tips[i]}; choosing a date turns the bound on")
            box.setToolTip(f"{tips[i]} (unchecked: any date)")
            box.toggled.connect(lambda checked, w=i: self._on_bound_toggled(w, checked))
            edit.dateChanged.connect(lambda _d, w=i: self._on_date_edited(w))
            grid.addWidget(box, i, 0)
            grid.addWidget(edit, i, 1)
        self._date_note.setWordWrap(True)
        self._date_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        grid.addWidget(self._date_note, 2, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        return body

    def _build_search(self) -> QWidget:
        edit = self.search_edit
        edit.setPlaceholderText(SEARCH_PLACEHOLDER)
        edit.setClearButtonEnabled(True)
        edit.setToolTip(
            "Full text of titles, summaries, statements, quotes and speakers. Words match as"
            ' prefixes (sanct → sanctions); "quoted words" match as a phrase. Enter applies now.'
        )
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._apply_search)
        edit.textChanged.connect(self._on_search_typed)
        edit.returnPressed.connect(self._apply_search)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(edit)
        return body

    def _build_facet(self, facet: str, items: list[tuple[str, str, str, str]]) -> QWidget:
        """``items`` are (value, label, extra text, tooltip); one grid row each."""
        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(1)
        rows: dict[str, _Row] = {}
        # Room for the largest possible count, so counts never shift the columns.
        count_width = body.fontMetrics().horizontalAdvance(f"({self._max_count:,})")
        for r, (value, label, extra_text, tip) in enumerate(items):
            box = QCheckBox(escape_mnemonic(label))
            box.setObjectName(f"{facet}:{value}")
            box.setToolTip(literal(tip))
            box.toggled.connect(lambda checked, v=value: self._on_value_toggled(facet, v, checked))
            count = plain_label("(0)")
            count.setObjectName(f"{facet}-count:{value}")
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            count.setMinimumWidth(count_width)
            count.setToolTip(
                "Events shown after ticking this box (ticked: the shown events that carry it)"
            )
            extra = None
            grid.addWidget(box, r, 0)
            if extra_text:
                extra = plain_label(extra_text)
                extra.setObjectName(f"{facet}-note:{value}")
                extra.setForegroundRole(QPalette.ColorRole.PlaceholderText)
                extra.setToolTip(literal(tip))
                grid.addWidget(extra, r, 1)
            grid.addWidget(count, r, 2)
            rows[value] = _Row(box, count, extra)
        grid.setColumnStretch(1, 1)
        self._rows[facet] = rows
        return body

    def _rebuild(self) -> None:
        """Rows for the nations, themes and kinds of the (new) database."""
        c = self._require()
        nations = [
            (
                n.code,
                n.name,
                f"joined {display_date(n.joined, n.joined_precision or 'day')}" if n.joined else "",
                "; ".join(
                    part
                    for part in (
                        f"{n.name} ({n.code})",
                        f"joined {display_date(n.joined, n.joined_precision or 'day')}"
                        if n.joined
                        else "not a member",
                        n.membership_note,
                    )
                    if part
                ),
            )
            for n in c.nations
        ]
        self._max_count = c.total_count
        themes = [(t.id, t.label, "", t.description or t.id) for t in c.themes]
        kinds = [(k.id, k.label, "", k.description or k.id) for k in c.kinds]
        for facet, items in (("nation", nations), ("theme", themes), ("kind", kinds)):
            self._sections[facet].set_body(self._build_facet(facet, items))
        span = c.store.date_span()
        if span is not None:
            self._span = (_qdate(span[0]), _qdate(span[1]))
        if self._counter is not None:
            self._counter.clear()
        self._fit_width()

    def _fit_width(self) -> None:
        """A dock must not squeeze counts and join dates out of sight (the rows do not
        scroll sideways): ask for the width the rows need, scroll bar included."""
        layout = self._inner_column
        for section in self._sections.values():
            section.invalidate_layout()
            section.updateGeometry()  # the column caches each section's old size
        layout.invalidate()
        bar = self._scroll.verticalScrollBar().sizeHint().width()
        self._scroll.setMinimumWidth(layout.minimumSize().width() + bar)

    # --- binding ------------------------------------------------------------------------
    def bind(self, controller: Controller) -> None:
        """Follow ``controller`` from now on (call once)."""
        self._controller = controller
        self._counter = FacetCounter()
        controller.databaseChanged.connect(self._rebuild)
        controller.filterChanged.connect(self._sync)
        controller.resultsChanged.connect(self._refresh_counts)
        self._rebuild()
        self._sync(controller.filter)
        self._refresh_counts()
        self.setEnabled(True)

    def _require(self) -> Controller:
        if self._controller is None:
            raise RuntimeError("FilterPanel.bind(controller) was not called")
        return self._controller

    def _apply(self, **changes: object) -> None:
        c = self._require()
        c.set_filter(c.filter.with_(**changes))

    # --- user changes -> filter ---------------------------------------------------------
    def _on_value_toggled(self, facet: str, value: str, checked: bool) -> None:
        field = VALUES_FIELD[facet]
        current: tuple[str, ...] = getattr(self._require().filter, field)
        if checked:
            values = current if value in current else (*current, value)
        else:
            values = tuple(v for v in current if v != value)
        self._apply(**{field: values})

    def _on_match_changed(self, facet: str) -> None:
        self._apply(**{MATCH_FIELD[facet]: self._match[facet].currentData()})

    def _on_bound_toggled(self, which: int, checked: bool) -> None:
        self._apply_dates(which, _iso(self._date_edits[which].date()) if checked else None)

    def _on_date_edited(self, which: int) -> None:
        """Picking or typing a date turns that bound on."""
        self._apply_dates(which, _iso(self._date_edits[which].date()))

    def _apply_dates(self, which: int, iso: str | None) -> None:
        """Set one bound; a From after To (or To before From) moves the other bound along,
        so the panel never makes a range the command line would reject."""
        flt = self._require().filter
        start, end = (iso, flt.date_to) if which == 0 else (flt.date_from, iso)
        if start and end and start > end:
            start, end = (iso, iso)
        self._apply(date_from=start, date_to=end)
        self._sync(self._require().filter)  # re-check the box even if nothing changed

    def _on_search_typed(self, text: str) -> None:
        """Typing restarts the debounce; emptying the box (clear button) applies at once."""
        if text.strip():
            self._search_timer.start()
        else:
            self._apply_search()

    def _apply_search(self) -> None:
        self._search_timer.stop()
        self._apply(text=self.search_edit.text().strip())

    def _on_clear(self) -> None:
        self._search_timer.stop()
        self._require().clear_filter()

    # --- filter -> widgets --------------------------------------------------------------
    def _sync(self, flt: EventFilter) -> None:
        """Mirror ``flt`` into the widgets without emitting anything back."""
        for facet in FACETS:
            chosen = set(getattr(flt, VALUES_FIELD[facet]))
            for value, row in self._rows[facet].items():
                if row.box.isChecked() != (value in chosen):
                    with QSignalBlocker(row.box):
                        row.box.setChecked(value in chosen)
        for facet, combo in self._match.items():
            index = combo.findData(getattr(flt, MATCH_FIELD[facet]))
            if index >= 0 and index != combo.currentIndex():
                with QSignalBlocker(combo):
                    combo.setCurrentIndex(index)
        self._sync_dates(flt)
        # A pending debounce means the box holds newer text than the filter: keep it.
        if not self._search_timer.isActive() and self.search_edit.text().strip() != flt.text:
            with QSignalBlocker(self.search_edit):
                self.search_edit.setText(flt.text)

    def _sync_dates(self, flt: EventFilter) -> None:
        for which, iso in enumerate((flt.date_from, flt.date_to)):
            box, edit = self._bound_boxes[which], self._date_edits[which]
            with QSignalBlocker(box), QSignalBlocker(edit):
                box.setChecked(iso is not None)
                edit.setDate(_qdate(iso) if iso else self._span[which])
            # Without a bound the editor shows the database's first/last day, greyed.
            _grey([edit], iso is None, self.palette())
        self._date_note.setText("" if flt.date_from or flt.date_to else "Any date")

    def _refresh_counts(self) -> None:
        """After every results change: counts now if cheap, else right after the repaint."""
        self._stale.update(FACETS)
        if self._counter is None:
            return
        large = self._controller is not None and (
            self._controller.total_count >= self.defer_counts_from
        )
        c = self._require()
        ready = (self._counter.is_ready(c.table, c.filter, f) for f in FACETS if self._shows(f))
        if large and not all(ready):
            self._count_timer.start()
        else:
            self._update_stale_counts()

    def _shows(self, facet: str) -> bool:
        """Counts nobody can see (collapsed section, closed dock) are left stale."""
        embedded_and_hidden = self.parentWidget() is not None and not self.isVisible()
        return self._sections[facet].expanded and not embedded_and_hidden

    def _update_stale_counts(self) -> None:
        self._count_timer.stop()
        if self._counter is None:
            return
        for facet in FACETS:
            if facet in self._stale and self._shows(facet):
                self._stale.discard(facet)
                self._show_counts(facet, self.counts(facet))

    def counts(self, facet: str) -> dict[str, int]:
        """Per value of ``facet``: the events ticking its box would show, worked out now."""
        c = self._require()
        assert self._counter is not None
        return self._counter.counts(c.store, c.table, c.filter, c.mask, facet)

    def _show_counts(self, facet: str, counts: dict[str, int]) -> None:
        for value, row in self._rows[facet].items():
            n = counts.get(value, 0)
            row.count.setText(f"({n:,})")
            row.box.setAccessibleDescription(f"{n:,} matching events")
            if row.greyed != (n == 0):
                row.greyed = n == 0
                _grey(row.widgets(), row.greyed, self.palette())

    def _on_section_toggled(self, expanded: bool) -> None:
        if expanded and self._stale:
            self._update_stale_counts()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._update_stale_counts()

    def changeEvent(self, event: QEvent) -> None:
        """A light/dark switch (a new application palette) re-derives the grey of empty
        rows and unbounded dates from the new palette."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._controller is not None:
            for rows in self._rows.values():
                for row in rows.values():
                    if row.greyed:
                        _grey(row.widgets(), True, self.palette())
            self._sync_dates(self._controller.filter)

    # --- for the main window --------------------------------------------------
    def focus_search(self) -> None:
        """Ctrl+F: show the search box and select its text for typing over."""
        self._sections["search"].set_expanded(True)
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def flush_search(self) -> None:
        """Apply pending search text now (before saving settings on close, or a view)."""
        if self._search_timer.isActive():
            self._apply_search()
