"""The form for one era or note: its title, dates, colour and text, checked on Save by
the same rules as the data layer (``data.annotations.check``), a refusal shown as one
sentence under the fields while the form keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from cspo_viewer.data.annotations import ERA_COLOUR, Annotation, AnnotationError, check
from cspo_viewer.data.db_file import DatabaseError

Save = Callable[[Annotation], None]
"""Writes the checked annotation; raises ``DatabaseError`` or ``AnnotationError``."""


class AnnotationDialog(QDialog):
    """Add or edit an era or a note; ``save`` is called with the checked annotation."""

    def __init__(
        self,
        annotation: Annotation,
        save: Save,
        parent: QWidget | None = None,
        *,
        event_title: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._base = annotation
        self._save = save
        era = annotation.is_era
        verb = "Edit" if annotation.id is not None else "Add"
        self.setWindowTitle(f"{verb} {'era' if era else 'note'}")
        form = QFormLayout(self)
        self.title_edit = QLineEdit(annotation.title)
        self.title_edit.setPlaceholderText("COVID-19 pandemic" if era else "What to remember")
        form.addRow("&Name" if era else "&Note", self.title_edit)
        self.date_edit = QLineEdit(annotation.date)
        self.date_edit.setPlaceholderText("YYYY-MM-DD, YYYY-MM or YYYY")
        form.addRow("&From" if era else "&Date", self.date_edit)
        self.end_edit = QLineEdit(annotation.end_date or "")
        self.colour_edit = QLineEdit(annotation.colour or (ERA_COLOUR if era else ""))
        if era:
            self.end_edit.setPlaceholderText("YYYY-MM-DD, YYYY-MM or YYYY")
            form.addRow("&To", self.end_edit)
            row = QHBoxLayout()
            row.addWidget(self.colour_edit)
            pick = QPushButton("C&hoose…")
            pick.clicked.connect(self._pick_colour)
            row.addWidget(pick)
            form.addRow("&Colour", row)
        if event_title:
            tied = QLabel(f"Tied to “{event_title}”")
            tied.setTextFormat(Qt.TextFormat.PlainText)  # an event's title is data
            form.addRow("", tied)
        self.text_edit = QPlainTextEdit(annotation.text or "")
        self.text_edit.setPlaceholderText("More, if needed (optional)")
        self.text_edit.setFixedHeight(70)
        form.addRow("&Details", self.text_edit)
        self.problem = QLabel("")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828;")
        form.addRow(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        form.addRow(buttons)
        self.resize(440, self.sizeHint().height())

    def annotation(self) -> Annotation:
        """The annotation as the form holds it now (unchecked)."""
        return replace(
            self._base,
            title=self.title_edit.text(),
            date=self.date_edit.text(),
            end_date=self.end_edit.text() if self._base.is_era else None,
            colour=self.colour_edit.text() if self._base.is_era else self._base.colour,
            text=self.text_edit.toPlainText(),
        )

    def save(self) -> bool:
        """Check and write; on a refusal say why and keep the form open."""
        try:
            checked = check(self.annotation())
            self._save(checked)
        except (AnnotationError, DatabaseError) as exc:
            sentence = str(exc)
            self.problem.setText(sentence[:1].upper() + sentence[1:])
            return False
        self.accept()
        return True

    def _pick_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self.colour_edit.text() or ERA_COLOUR), self)
        if colour.isValid():
            self.colour_edit.setText(colour.name())
