"""Sources in the editor: pick a stored one, add or complete one with its text, read that
text and capture a quote from it.

- ``SourcePicker``: the stored sources, searched by title or publisher as one types.
- ``SourceDialog``: title, publisher, ISO date (or a note on the date), URL and the
  document's text, pasted or read from a .txt, .html, .pdf, .docx or .odt file
  (``data.documents``). The text doubles as a reader: select a passage and press
  *Quote this…* to capture it verbatim, rather than retyping it.
- ``QuoteDialog``: speaker, role, nation, source and text; the speaker's role is suggested
  from their earlier quotes, and the text is checked live against the source's stored text
  ("verbatim in the source" or "not found in the source's text").

Nothing here runs SQL: the controller reads and writes through the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cspo_viewer.data.db_file import DatabaseError
from cspo_viewer.data.documents import DOCUMENT_SUFFIXES, DocumentText, read_document
from cspo_viewer.data.edits import check_source
from cspo_viewer.data.quote_check import quote_status
from cspo_viewer.data.sources_list import SourceChoice
from cspo_viewer.errors import UserError
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.rich_text import plain_label

DOCUMENT_FILTER = (
    f"Documents ({' '.join(f'*{suffix}' for suffix in DOCUMENT_SUFFIXES)});;All files (*)"
)
QUOTE_THIS = "&Quote this…"
VERBATIM = "✓ verbatim in the source"
NOT_FOUND = "✗ not found in the source's text"
NO_TEXT = "The source has no stored text to check the quote against"
PROBLEM_STYLE = "color: #b3261e;"
OK_STYLE = "color: #1e7b34;"


def problem_label() -> QLabel:
    """The red sentence beside a field saying what is wrong with it (plain text)."""
    label = plain_label()
    label.setStyleSheet(PROBLEM_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def add_row(form: QFormLayout, text: str, field: QWidget, problems: QLabel | None = None) -> QLabel:
    """A form row whose label's mnemonic (``&Title:``) is underlined and focuses
    ``field``; ``problems`` sits under the field, saying what is wrong with it."""
    label = QLabel(text)
    label.setBuddy(field)
    if problems is None:
        form.addRow(label, field)
    else:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        column.addWidget(problems)
        form.addRow(label, box)
    return label


def show_problems(label: QLabel, problems: Sequence[str]) -> None:
    label.setText("\n".join(problems))
    label.setVisible(bool(problems))


def choice_text(choice: SourceChoice) -> str:
    parts = [choice.title]
    if choice.publisher:
        parts.append(choice.publisher)
    if choice.date:
        parts.append(choice.date)
    return " — ".join(parts) + ("  [text stored]" if choice.has_text else "")


# --- picking a stored source ---------------------------------------------------------
class SourcePicker(QDialog):
    """Choose one stored source; typing narrows the list by title or publisher."""

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a stored source")
        self.resize(720, 460)
        self._choices = controller.sources()
        layout = QVBoxLayout(self)
        self.search = QLineEdit(placeholderText="Search titles and publishers")
        self.search.textChanged.connect(self._fill)
        self.list = QListWidget()
        self.list.itemDoubleClicked.connect(lambda *_: self.accept())
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fill("")

    def _fill(self, words: str) -> None:
        self.list.clear()
        for choice in self._choices:
            if choice.matches(words):
                item = QListWidgetItem(choice_text(choice))
                item.setData(Qt.ItemDataRole.UserRole, choice.id)
                item.setToolTip(choice.url or "")
                self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(Qt.ItemDataRole.UserRole))


# --- a source with its text ------------------------------------------------------------
class _ReadJob(QObject):
    """``read_document`` on a worker thread; ``done`` carries the text or the sentence."""

    done = Signal(object, str)

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def run(self) -> None:
        try:
            self.done.emit(read_document(self.path), "")
        except UserError as exc:
            self.done.emit(None, str(exc))


class SourceDialog(QDialog):
    """Add a source, or complete a stored one (its text, say), and quote from its text.

    Saving writes the source at once (recorded in the history); ``quoteTaken`` carries
    each quote captured from the text, for the event form that opened the dialog.
    """

    quoteTaken = Signal(dict)

    FIELDS = ("title", "publisher", "date", "date_note", "url")

    def __init__(
        self,
        controller: Controller,
        parent: QWidget | None = None,
        source_id: str | None = None,
        *,
        nations: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.source_id = source_id
        self.saved: dict[str, Any] | None = None
        self._nations = list(nations)
        self._stored = controller.source_fields(source_id) if source_id else None
        self._reading: tuple[QThread, _ReadJob] | None = None
        self.setWindowTitle("Source" if source_id else "New source")
        self.resize(860, 720)
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.validate)
        self._build()
        if self._stored:
            self._load(self._stored)
        self.validate()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        self.problems: dict[str, QLabel] = {}
        placeholders = {
            "title": "The article's, release's or document's own title",
            "publisher": "Who published it, e.g. UK Ministry of Defence",
            "date": "YYYY-MM-DD, YYYY-MM or YYYY",
            "date_note": "What the source says of its date, when it is not a date",
            "url": "https://…",
        }
        labels = {
            "title": "&Title:",
            "publisher": "&Publisher:",
            "date": "&Date:",
            "date_note": "Date &note:",
            "url": "&URL:",
        }
        for name in self.FIELDS:
            edit = QLineEdit()
            edit.setPlaceholderText(placeholders[name])
            edit.textChanged.connect(self._changed)
            self.edits[name] = edit
            self.problems[name] = problem_label()
            add_row(form, labels[name], edit, self.problems[name])
        layout.addLayout(form)

        row = QHBoxLayout()
        row.addWidget(QLabel("The document's text (paste it, or read it from a file):"), 1)
        self.read_button = QPushButton("&Read from file…")
        self.read_button.clicked.connect(self.read_file_dialog)
        row.addWidget(self.read_button)
        layout.addLayout(row)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText(
            "Paste the text here. Select a passage, then Quote this… to capture it verbatim."
        )
        self.text.textChanged.connect(self._changed)
        self.text.selectionChanged.connect(self._selection_changed)
        layout.addWidget(self.text, 1)
        self.problems["text"] = problem_label()
        layout.addWidget(self.problems["text"])

        self.status = plain_label()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox()
        self.quote_button = buttons.addButton(QUOTE_THIS, QDialogButtonBox.ButtonRole.ActionRole)
        self.quote_button.setEnabled(False)
        self.quote_button.setToolTip("Capture the selected passage as a quote, verbatim")
        self.quote_button.clicked.connect(self.quote_selection)
        self.save_button = buttons.addButton("&Save source", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save_and_close)
        layout.addWidget(buttons)

    def _load(self, stored: dict[str, Any]) -> None:
        for name, edit in self.edits.items():
            edit.setText(str(stored.get(name) or ""))
        self.text.setPlainText(str(stored.get("text") or ""))

    # --- the form -----------------------------------------------------------------------
    def fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {n: edit.text().strip() or None for n, edit in self.edits.items()}
        out["text"] = self.text.toPlainText() or None
        if self._stored:
            out["id"] = self._stored["id"]
            out["document"] = self._stored.get("document")
        return out

    def _changed(self, *_: object) -> None:
        self._timer.start()

    def validate(self) -> bool:
        problems = check_source(self.fields())
        for name, label in self.problems.items():
            show_problems(label, problems.get(name, []))
        self.save_button.setEnabled(not problems)
        self.save_button.setToolTip(
            "" if not problems else "Fix the fields marked in red to save this source"
        )
        return not problems

    def _selection_changed(self) -> None:
        self.quote_button.setEnabled(bool(self.selected_text().strip()))

    def selected_text(self) -> str:
        return self.text.textCursor().selectedText().replace("\u2029", "\n")

    def select_passage(self, passage: str) -> bool:
        """Select the first occurrence of ``passage`` in the text (what a person does with
        the mouse); False when the text does not hold it."""
        found = self.text.document().find(passage)
        if found.isNull():
            return False
        self.text.setTextCursor(found)
        return True

    # --- actions ------------------------------------------------------------------------
    def read_file_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Read a document", "", DOCUMENT_FILTER)
        if name:
            self.read_file(Path(name))

    def read_file(self, path: Path) -> None:
        """Read the document on a worker thread (a long PDF takes seconds), then put its
        text in the box (and its title, when the form has none). An unreadable document
        is one sentence, and the box keeps what it had."""
        self.read_button.setEnabled(False)
        self._say(f"Reading {path.name}…")
        thread = QThread(self)
        job = _ReadJob(path)
        job.moveToThread(thread)
        thread.started.connect(job.run)
        job.done.connect(self._read_done)
        job.done.connect(thread.quit)
        thread.finished.connect(thread.deleteLater)
        self._reading = (thread, job)
        thread.start()

    @property
    def reading(self) -> bool:
        return self._reading is not None

    def _read_done(self, document: DocumentText | None, error: str) -> None:
        name = self._reading[1].path.name if self._reading else "the document"
        self._reading = None
        self.read_button.setEnabled(True)
        if document is None:
            self._say(error, problem=True)
            return
        self.text.setPlainText(document.text)
        if document.title and not self.edits["title"].text().strip():
            self.edits["title"].setText(document.title)
        self._say(f"Read {name} ({len(document.text):,} characters).")

    def done(self, result: int) -> None:
        """Closing waits for a document still being read (it cannot be interrupted)."""
        if self._reading is not None:
            self._reading[0].quit()
            self._reading[0].wait()
        super().done(result)

    def save(self) -> bool:
        """Write the source now; on refusal, say why and keep every field as typed."""
        if not self.validate():
            return False
        try:
            self.saved = self.controller.save_source(self.fields())
        except DatabaseError as exc:
            self._say(str(exc), problem=True)
            return False
        self._stored = dict(self.saved)
        self.source_id = self.saved["id"]
        self._say("Saved.")
        return True

    def save_and_close(self) -> None:
        if self.save():
            self.accept()

    def quote_selection(self) -> QuoteDialog | None:
        """Quote this…: save the source (the quote must cite it), then ask who said it."""
        passage = self.selected_text().strip()
        if not passage or not self.save():
            return None
        assert self.source_id is not None
        dialog = QuoteDialog(
            self.controller,
            self,
            sources=[(self.source_id, self.edits["title"].text())],
            nations=self._nations,
            quote={"text": passage, "source_id": self.source_id},
        )
        dialog.accepted.connect(lambda: self.quoteTaken.emit(dialog.quote()))
        dialog.open()
        return dialog

    def _say(self, text: str, *, problem: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(PROBLEM_STYLE if problem else "")


# --- one quote ---------------------------------------------------------------------------
class QuoteDialog(QDialog):
    """Who said what, in which source; the text is checked against the source's text."""

    def __init__(
        self,
        controller: Controller,
        parent: QWidget | None,
        *,
        sources: Sequence[tuple[str, str]],
        nations: Sequence[tuple[str, str]] = (),
        quote: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle("Quote")
        self.resize(680, 420)
        self._roles = controller.speaker_roles()
        self._quote = dict(quote or {})
        self._texts: dict[str, str | None] = {}
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.speaker = QLineEdit(placeholderText="Who said it, with rank, e.g. Air Marshal …")
        completer = QCompleter(sorted(self._roles), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.speaker.setCompleter(completer)
        self.speaker.textChanged.connect(self._suggest_role)
        self.role = QLineEdit(placeholderText="Their role at the time")
        self.nation = QComboBox()
        self.nation.addItem("—", None)
        for code, name in nations:
            self.nation.addItem(name, code)
        self.source = QComboBox()
        for sid, title in sources:
            self.source.addItem(title or sid, sid)
        self.source.currentIndexChanged.connect(self._check)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("The words exactly as the source gives them")
        self.text.textChanged.connect(self._check)
        self.status = plain_label()
        self.status.setWordWrap(True)
        add_row(form, "&Speaker:", self.speaker)
        add_row(form, "&Role:", self.role)
        add_row(form, "&Nation:", self.nation)
        add_row(form, "S&ource:", self.source)
        add_row(form, "&Text:", self.text)
        layout.addLayout(form)
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._load(self._quote)

    def _load(self, quote: dict[str, Any]) -> None:
        self.speaker.setText(str(quote.get("speaker") or ""))
        if quote.get("role"):
            self.role.setText(str(quote["role"]))
        index = self.nation.findData(quote.get("nation_code"))
        self.nation.setCurrentIndex(max(index, 0))
        index = self.source.findData(quote.get("source_id"))
        self.source.setCurrentIndex(max(index, 0))
        self.text.setPlainText(str(quote.get("text") or ""))
        self._check()

    def _suggest_role(self, speaker: str) -> None:
        role = self._roles.get(speaker.strip())
        if role and not self.role.text().strip():
            self.role.setText(role)

    def source_text(self) -> str | None:
        sid = self.source.currentData()
        if sid is None:
            return None
        if sid not in self._texts:
            self._texts[sid] = self.controller.source_text(sid)
        return self._texts[sid]

    def verbatim(self) -> bool | None:
        """True/False: the text is/is not in the source's stored text; None: no text."""
        return quote_status(self.text.toPlainText(), self.source_text())

    def _check(self, *_: object) -> None:
        status = self.verbatim() if self.text.toPlainText().strip() else None
        if status is None:
            text, style = (NO_TEXT if self.text.toPlainText().strip() else ""), ""
        else:
            text, style = (VERBATIM, OK_STYLE) if status else (NOT_FOUND, PROBLEM_STYLE)
        self.status.setText(text)
        self.status.setStyleSheet(style)

    def quote(self) -> dict[str, Any]:
        """The quote as the event form holds it (its id is kept when it had one)."""
        return {
            "id": self._quote.get("id"),
            "speaker": self.speaker.text().strip(),
            "role": self.role.text().strip() or None,
            "nation_code": self.nation.currentData(),
            "text": self.text.toPlainText().strip(),
            "source_id": self.source.currentData(),
        }
