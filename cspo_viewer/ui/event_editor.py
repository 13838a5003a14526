"""Edit → New event… / Edit event…: one form for every field an event has.

The form is checked as one types by the import's own rules (``Controller.check`` →
``data.edits.check_event``): each problem is shown in red beside its field, the tab that
holds it is marked, and Save stays disabled until there is none. A new event's id follows
its date and title (``<date>-<slug>-<hash>``) until the analyst types one; a stored event's
id is fixed. Saving hands an ``Edit`` to the window's undo stack; when the database
refuses it (locked, read-only, changed by another program meanwhile) the sentence is shown
here and every field keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cspo_viewer.data import schema
from cspo_viewer.data.db_file import DatabaseError
from cspo_viewer.data.edits import Checked, Edit, add_edit, change_edit, suggested_id
from cspo_viewer.data.quote_check import quote_status
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.rich_text import plain_label
from cspo_viewer.ui.source_dialog import (
    PROBLEM_STYLE,
    QuoteDialog,
    SourceDialog,
    SourcePicker,
    add_row,
    problem_label,
    show_problems,
)

CHECK_DELAY_MS = 120
"""The form is checked this long after the last keystroke (typing stays smooth)."""
TAB_FIELDS = {
    "Event": (
        "title",
        "short_title",
        "date",
        "date_precision",
        "end_date",
        "kind",
        "location",
        "confidence",
        "id",
    ),
    "Nations and themes": ("nations", "themes"),
    "Text": ("summary", "uncertainty", "statement_text"),
    "Sources and quotes": ("sources", "quotes"),
}
"""Which tab holds which field (a tab with a problem in it is marked)."""
QUOTE_COLUMNS = ("Speaker", "Role", "Text", "Source", "Checked against the source")

Saver = Callable[[Edit], None]


class EventEditor(QDialog):
    """The form; ``save_edit`` (the window's undo stack) writes what it builds."""

    def __init__(
        self,
        controller: Controller,
        save_edit: Saver,
        parent: QWidget | None = None,
        *,
        record: dict[str, Any] | None = None,
        fields: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.save_edit = save_edit
        self.before = record
        self.editing = record["id"] if record else None
        self.checked: Checked | None = None
        self.saved: Edit | None = None
        self._id_typed = False
        self._titles = {s.id: s.title for s in controller.sources()}
        self.setWindowTitle(f"Edit event — {record['title']}" if record else "New event")
        self.resize(900, 760)
        self._timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._timer.timeout.connect(self.validate)
        self._build()
        self._load(fields or record or {})
        self.validate()

    # --- building -------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.problems: dict[str, QLabel] = {}
        self.tabs.addTab(self._event_tab(), "Event")
        self.tabs.addTab(self._tags_tab(), "Nations and themes")
        self.tabs.addTab(self._text_tab(), "Text")
        self.tabs.addTab(self._sources_tab(), "Sources and quotes")
        self.summary = plain_label()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _field(self, form: QFormLayout, name: str, label: str, widget: QWidget) -> QWidget:
        self.problems[name] = problem_label()
        add_row(form, label, widget, self.problems[name])
        return widget

    def _line(self, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self._changed)
        return edit

    def _event_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.title = self._line("What happened, e.g. Toulouse Principals' Board")
        self.short_title = self._line("A few words for the timeline (optional)")
        self.date = self._line("YYYY-MM-DD, YYYY-MM or YYYY")
        self.precision = QComboBox()
        self.precision.addItem("As the date gives it", None)
        for p in schema.PRECISIONS:
            self.precision.addItem(p.capitalize(), p)
        self.end_date = self._line("Last day, for an event of several days (optional)")
        self.kind = QComboBox()
        for kind in self.controller.kinds:
            self.kind.addItem(kind.label, kind.id)
        self.location = self._line("City, country (optional)")
        self.confidence = QComboBox()
        self.confidence.addItem("—", None)
        for c in schema.CONFIDENCES:
            self.confidence.addItem(c.capitalize(), c)
        self.id_edit = self._line("Made from the date and title")
        self.id_edit.textEdited.connect(self._id_edited)
        for combo in (self.precision, self.kind, self.confidence):
            combo.currentIndexChanged.connect(self._changed)
        self._field(form, "title", "&Title:", self.title)
        self._field(form, "short_title", "S&hort title:", self.short_title)
        self._field(form, "date", "&Date:", self.date)
        self._field(form, "date_precision", "&Precision:", self.precision)
        self._field(form, "end_date", "&End date:", self.end_date)
        self._field(form, "kind", "&Kind:", self.kind)
        self._field(form, "location", "&Location:", self.location)
        self._field(form, "confidence", "&Confidence:", self.confidence)
        self._field(form, "id", "&Id:", self.id_edit)
        return page

    def _checklist(self, items: Sequence[tuple[str, str]]) -> QListWidget:
        box = QListWidget()
        for key, text in items:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            box.addItem(item)
        box.itemChanged.connect(self._changed)
        return box

    def _tags_tab(self) -> QWidget:
        page = QWidget()
        row = QHBoxLayout(page)
        c = self.controller
        self.nations = self._checklist([(n.code, f"{n.name} ({n.code})") for n in c.nations])
        self.themes = self._checklist([(t.id, t.label) for t in c.themes])
        for name, caption, box in (
            ("nations", "&Nations", self.nations),
            ("themes", "T&hemes", self.themes),
        ):
            column = QVBoxLayout()
            label = QLabel(caption)
            label.setBuddy(box)
            column.addWidget(label)
            column.addWidget(box, 1)
            self.problems[name] = problem_label()
            column.addWidget(self.problems[name])
            row.addLayout(column)
        return page

    def _text(self, placeholder: str) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self._changed)
        return edit

    def _text_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.summary_edit = self._text("What happened, in our own words")
        self.uncertainty = self._text("What is unsure or disputed about this record")
        self.statement_text = self._text("The full text of a statement, where there is one")
        self._field(form, "summary", "&Summary:", self.summary_edit)
        self._field(form, "uncertainty", "&Uncertainty:", self.uncertainty)
        self._field(form, "statement_text", "S&tatement text:", self.statement_text)
        return page

    def _sources_tab(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        label = QLabel("&Sources (every event cites at least one):")
        self.sources = QListWidget()
        label.setBuddy(self.sources)
        column.addWidget(label)
        column.addWidget(self.sources, 1)
        buttons = QHBoxLayout()
        self.add_source_button = self._button(buttons, "Add &stored…", self.add_stored_source)
        self.new_source_button = self._button(buttons, "&New source…", self.new_source)
        self.open_source_button = self._button(buttons, "&Open text…", self.open_source)
        self.remove_source_button = self._button(buttons, "&Remove", self.remove_source)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.problems["sources"] = problem_label()
        column.addWidget(self.problems["sources"])

        label = QLabel("&Quotes (verbatim, each from one of the sources):")
        self.quotes = QTableWidget(0, len(QUOTE_COLUMNS))
        self.quotes.setHorizontalHeaderLabels(QUOTE_COLUMNS)
        self.quotes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.quotes.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.quotes.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.quotes.doubleClicked.connect(lambda *_: self.edit_quote())
        label.setBuddy(self.quotes)
        column.addWidget(label)
        column.addWidget(self.quotes, 1)
        buttons = QHBoxLayout()
        self._button(buttons, "Add &quote…", self.add_quote)
        self._button(buttons, "&Edit quote…", self.edit_quote)
        self._button(buttons, "Re&move quote", self.remove_quote)
        buttons.addStretch(1)
        column.addLayout(buttons)
        self.problems["quotes"] = problem_label()
        column.addWidget(self.problems["quotes"])
        self._quotes: list[dict[str, Any]] = []
        return page

    @staticmethod
    def _button(row: QHBoxLayout, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda *_: slot())
        row.addWidget(button)
        return button

    # --- loading and reading ------------------------------------------------------------
    def _load(self, f: dict[str, Any]) -> None:
        self.title.setText(str(f.get("title") or ""))
        self.short_title.setText(str(f.get("short_title") or ""))
        self.date.setText(self._shown_date(f))
        self._choose(self.precision, f.get("date_precision") if f.get("date") else None)
        self.end_date.setText(str(f.get("end_date") or ""))
        self._choose(self.kind, f.get("kind") or "other")
        self.location.setText(str(f.get("location") or ""))
        self._choose(self.confidence, f.get("confidence"))
        for box, wanted in ((self.nations, f.get("nations")), (self.themes, f.get("themes"))):
            chosen = set(wanted or ())
            for i in range(box.count()):
                item = box.item(i)
                on = item.data(Qt.ItemDataRole.UserRole) in chosen
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self.summary_edit.setPlainText(str(f.get("summary") or ""))
        self.uncertainty.setPlainText(str(f.get("uncertainty") or ""))
        self.statement_text.setPlainText(str(f.get("statement_text") or ""))
        for sid in f.get("sources") or ():
            self._add_source(sid)
        self._quotes = [dict(q) for q in f.get("quotes") or ()]
        self._fill_quotes()
        if self.editing:
            self.id_edit.setText(self.editing)
            self.id_edit.setReadOnly(True)
            self.id_edit.setToolTip("A saved event keeps its id: other files may refer to it")
        elif f.get("id"):
            self.id_edit.setText(str(f["id"]))
            self._id_typed = True
        else:
            self._suggest_id()

    @staticmethod
    def _shown_date(f: dict[str, Any]) -> str:
        """A month- or year-precision date as the analyst would type it (2025-12)."""
        date = str(f.get("date") or "")
        cut = {"month": 7, "year": 4}.get(str(f.get("date_precision")), len(date))
        return date[:cut]

    @staticmethod
    def _choose(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        combo.setCurrentIndex(max(index, 0))

    @staticmethod
    def _checked(box: QListWidget) -> list[str]:
        return [
            str(box.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(box.count())
            if box.item(i).checkState() == Qt.CheckState.Checked
        ]

    def source_ids(self) -> list[str]:
        return [
            str(self.sources.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.sources.count())
        ]

    def fields(self) -> dict[str, Any]:
        """What the form holds, in the shape ``check_event`` reads."""
        return {
            "id": self.id_edit.text().strip() or None,
            "title": self.title.text(),
            "short_title": self.short_title.text(),
            "date": self.date.text().strip(),
            "date_precision": self.precision.currentData(),
            "end_date": self.end_date.text().strip(),
            "kind": self.kind.currentData(),
            "location": self.location.text(),
            "nations": self._checked(self.nations),
            "themes": self._checked(self.themes),
            "summary": self.summary_edit.toPlainText(),
            "uncertainty": self.uncertainty.toPlainText(),
            "confidence": self.confidence.currentData(),
            "statement_text": self.statement_text.toPlainText(),
            "sources": self.source_ids(),
            "quotes": [dict(q) for q in self._quotes],
        }

    # --- checking -------------------------------------------------------------------------
    def _changed(self, *_: object) -> None:
        if not self._id_typed and not self.editing:
            self._suggest_id()
        self._timer.start()

    def _id_edited(self, text: str) -> None:
        self._id_typed = bool(text.strip())

    def _suggest_id(self) -> None:
        date, title = self.date.text().strip(), self.title.text()
        suggestion = suggested_id(_first_day(date), title) if date else None
        self.id_edit.blockSignals(True)
        self.id_edit.setText(suggestion or "")
        self.id_edit.blockSignals(False)

    def validate(self) -> bool:
        """Check every field now; show each problem beside its field. True when valid."""
        self._timer.stop()
        self.checked = self.controller.check(self.fields(), self.editing)
        problems = self.checked.problems
        for name, label in self.problems.items():
            show_problems(label, problems.get(name, []))
        for index in range(self.tabs.count()):
            tab = self.tabs.tabText(index).removeprefix("⚠ ")
            bad = any(name in problems for name in TAB_FIELDS.get(tab, ()))
            self.tabs.setTabText(index, f"⚠ {tab}" if bad else tab)
        ok = self.checked.ok
        self.save_button.setEnabled(ok)
        where = sorted({_tab_of(name) for name in problems})
        self.summary.setText(
            "" if ok else f"Fix the fields marked in red before saving ({', '.join(where)})."
        )
        self.summary.setStyleSheet("" if ok else PROBLEM_STYLE)
        self._fill_quotes()
        return ok

    # --- saving ---------------------------------------------------------------------------
    def edit(self) -> Edit | None:
        """The change the form describes (None while anything is invalid)."""
        if not self.validate() or self.checked is None:
            return None
        if self.before is None:
            return add_edit(self.checked)
        return change_edit(self.before, self.checked)

    def save(self) -> bool:
        """Write it; a refusal is said here and the form keeps everything typed."""
        edit = self.edit()
        if edit is None:
            return False
        try:
            self.save_edit(edit)
        except DatabaseError as exc:
            self.summary.setText(str(exc))
            self.summary.setStyleSheet(PROBLEM_STYLE)
            return False
        self.saved = edit
        self.accept()
        return True

    # --- sources --------------------------------------------------------------------------
    def _add_source(self, sid: str) -> None:
        if sid in self.source_ids():
            return
        item = QListWidgetItem(self._titles.get(sid, sid))
        item.setData(Qt.ItemDataRole.UserRole, sid)
        self.sources.addItem(item)
        self.sources.setCurrentItem(item)
        self._changed()

    def add_stored_source(self) -> SourcePicker:
        picker = SourcePicker(self.controller, self)
        picker.accepted.connect(lambda: self._picked(picker.chosen()))
        picker.open()
        return picker

    def _picked(self, sid: str | None) -> None:
        if sid:
            self._add_source(sid)

    def _nation_choices(self) -> list[tuple[str, str]]:
        return [(n.code, n.name) for n in self.controller.nations]

    def new_source(self) -> SourceDialog:
        return self._source_dialog(None)

    def open_source(self) -> SourceDialog | None:
        """The selected source's text in the reader (to complete it or quote from it)."""
        item = self.sources.currentItem()
        if item is None:
            return None
        return self._source_dialog(str(item.data(Qt.ItemDataRole.UserRole)))

    def _source_dialog(self, sid: str | None) -> SourceDialog:
        dialog = SourceDialog(self.controller, self, sid, nations=self._nation_choices())
        dialog.quoteTaken.connect(self._quote_taken)
        dialog.finished.connect(lambda *_: self._source_saved(dialog))
        dialog.open()
        return dialog

    def _source_saved(self, dialog: SourceDialog) -> None:
        if dialog.saved:
            self._titles[dialog.saved["id"]] = dialog.saved["title"]
            self._add_source(dialog.saved["id"])

    def _quote_taken(self, quote: dict[str, Any]) -> None:
        sid = quote.get("source_id")
        if sid:
            self._source_saved_id(sid)
        self._quotes.append(quote)
        self._changed()
        self._fill_quotes()

    def _source_saved_id(self, sid: str) -> None:
        fields = self.controller.source_fields(sid)
        if fields:
            self._titles[sid] = str(fields["title"])
        self._add_source(sid)

    def remove_source(self) -> None:
        row = self.sources.currentRow()
        if row >= 0:
            self.sources.takeItem(row)
            self._changed()

    # --- quotes ---------------------------------------------------------------------------
    def _quote_dialog(self, quote: dict[str, Any]) -> QuoteDialog:
        sources = [(sid, self._titles.get(sid, sid)) for sid in self.source_ids()]
        return QuoteDialog(
            self.controller, self, sources=sources, nations=self._nation_choices(), quote=quote
        )

    def add_quote(self) -> QuoteDialog:
        dialog = self._quote_dialog({})
        dialog.accepted.connect(lambda: self._quote_taken(dialog.quote()))
        dialog.open()
        return dialog

    def edit_quote(self) -> QuoteDialog | None:
        row = self.quotes.currentRow()
        if not 0 <= row < len(self._quotes):
            return None
        dialog = self._quote_dialog(self._quotes[row])
        dialog.accepted.connect(lambda: self._quote_edited(row, dialog.quote()))
        dialog.open()
        return dialog

    def _quote_edited(self, row: int, quote: dict[str, Any]) -> None:
        self._quotes[row] = quote
        self._changed()
        self._fill_quotes()

    def remove_quote(self) -> None:
        row = self.quotes.currentRow()
        if 0 <= row < len(self._quotes):
            del self._quotes[row]
            self._changed()
            self._fill_quotes()

    def quote_checks(self) -> list[str]:
        """Per quote, what checking it against its source's text says."""
        out = []
        for quote in self._quotes:
            sid = quote.get("source_id") or next(iter(self.source_ids()), None)
            text = self.controller.source_text(sid) if sid else None
            status = quote_status(str(quote.get("text") or ""), text)
            out.append(
                "no stored text to check"
                if status is None
                else "verbatim in the source"
                if status
                else "not found in the source's text"
            )
        return out

    def _fill_quotes(self) -> None:
        checks = self.quote_checks()
        self.quotes.setRowCount(len(self._quotes))
        for row, (quote, check) in enumerate(zip(self._quotes, checks, strict=True)):
            sid = quote.get("source_id") or ""
            cells = (
                quote.get("speaker"),
                quote.get("role"),
                quote.get("text"),
                self._titles.get(sid, sid),
                check,
            )
            for column, value in enumerate(cells):
                item = QTableWidgetItem(str(value or ""))  # a table cell is plain text
                item.setToolTip("")
                self.quotes.setItem(row, column, item)


def _first_day(date: str) -> str:
    """``2025-12`` -> ``2025-12-01``: ids are made from the first day, as import does."""
    if len(date) == 4:
        return f"{date}-01-01"
    if len(date) == 7:
        return f"{date}-01"
    return date


def _tab_of(field: str) -> str:
    return next((tab for tab, names in TAB_FIELDS.items() if field in names), "Event")
