"""File → Import…: preview what a file would add, change and reject, then import it.

The dialog runs no SQL: the preview is ``import_file(..., dry_run=True)`` and the import
is the same call without it, exactly what ``cspo-viewer import`` runs. An import is all
or nothing, so the Import button is enabled only when nothing is rejected. The database
file is replaced on success: the caller reopens its store when this returns True.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cspo_viewer.data.interchange import (
    BUNDLED_REFUSAL,
    ImportCancelled,
    ImportOptions,
    ImportReport,
    InterchangeError,
    Progress,
    import_file,
    is_bundled_database,
)
from cspo_viewer.data.store import DatabaseError

FILE_FILTER = "Events (*.json *.csv *.tsv *.txt);;All files (*)"
CONFLICT_CHOICES = (
    ("skip", "Keep the database's version"),
    ("replace", "Replace it with the file's"),
    ("fail", "Reject the import"),
)
GROUP_CHOICES = ((None, "Kind “other”"), ("kind", "New kinds"), ("theme", "New themes"))
PROGRESS_BYTES = 2 * 1024 * 1024
"""Files at least this large show a progress dialog (the preview reads the whole file)."""


class ImportDialog(QDialog):
    """Choose a file and options, see the preview, import."""

    def __init__(
        self, db_path: Path, file_path: Path | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import events")
        self.resize(820, 560)
        self.db_path = Path(db_path)
        self.file_path: Path | None = None
        self.report: ImportReport | None = None
        self.imported = False
        self.progress_bytes = PROGRESS_BYTES
        self._build()
        if file_path is not None:
            self.set_file(Path(file_path))

    # --- layout -------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()
        row = QHBoxLayout()
        self.file_edit = QLineEdit(readOnly=True)
        self.file_edit.setPlaceholderText("JSON, CSV or TimelineJS file")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose)
        row.addWidget(self.file_edit, 1)
        row.addWidget(choose)
        form.addRow("File:", row)
        self.conflict_box = QComboBox()
        for key, label in CONFLICT_CHOICES:
            self.conflict_box.addItem(label, key)
        self.conflict_box.currentIndexChanged.connect(self.preview)
        form.addRow("Event already present, different:", self.conflict_box)
        self.group_box = QComboBox()
        for key, label in GROUP_CHOICES:
            self.group_box.addItem(label, key)
        self.group_box.currentIndexChanged.connect(self.preview)
        form.addRow("TimelineJS groups that match nothing:", self.group_box)
        layout.addLayout(form)
        self.summary = QLabel("Choose a file to see what it would add.")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.added_table = self._table(("Date", "Title", "Id"), stretch=1)
        self.changed_table = self._table(("Date", "Title", "Differs in", "Id"), stretch=1)
        self.rejected_table = self._table(("Where", "Why"), stretch=1)
        for table, name in (
            (self.added_table, "To be added"),
            (self.changed_table, "Changed"),
            (self.rejected_table, "Rejected"),
        ):
            self.tabs.addTab(table, name)
        layout.addWidget(self.tabs, 1)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        layout.addWidget(self.notes)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @staticmethod
    def _table(headers: tuple[str, ...], *, stretch: int) -> QTableWidget:
        """A read-only table whose ``stretch`` column (the title, the reason) takes the
        width the others leave; those are sized to their contents when filled."""
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(list(headers))
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.setWordWrap(False)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        return table

    # --- actions ------------------------------------------------------------------------
    def _choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import events", "", FILE_FILTER)
        if name:
            self.set_file(Path(name))

    def set_file(self, path: Path) -> None:
        self.file_path = path
        self.file_edit.setText(str(path))
        self.preview()

    def options(self, *, dry_run: bool) -> ImportOptions:
        return ImportOptions(
            dry_run=dry_run,
            on_conflict=self.conflict_box.currentData(),
            map_group=self.group_box.currentData(),
        )

    def preview(self) -> None:
        """Read the whole file without writing, and show what an import would do."""
        if self.file_path is None:
            return
        self.import_button.setEnabled(False)
        report = self._run(dry_run=True, label="Checking")
        self.report = report
        if report is None:
            self._fill(None)
            return
        self._fill(report)
        doable = report.ok and bool(report.added or report.changed or report.new_sources)
        if doable and is_bundled_database(self.db_path):
            self._error(
                f"Preview only: {BUNDLED_REFUSAL}. In the window: File → Save database "
                "copy as…, then import into the copy."
            )
            doable = False
        self.import_button.setEnabled(doable)

    def run_import(self) -> None:
        """The real import; on success the dialog closes with ``imported`` set."""
        report = self._run(dry_run=False, label="Importing")
        if report is None:
            self.import_button.setEnabled(False)
            return
        self.report = report
        if report.written:
            self.imported = True
            self.accept()
        else:
            self._fill(report)
            self.import_button.setEnabled(False)

    def _run(self, *, dry_run: bool, label: str) -> ImportReport | None:
        assert self.file_path is not None
        progress = self._progress_dialog(label)
        try:
            return import_file(
                self.db_path,
                self.file_path,
                self.options(dry_run=dry_run),
                self._progress_callback(progress) if progress else None,
            )
        except ImportCancelled:
            self._error("Cancelled; nothing was imported.")
        except (InterchangeError, DatabaseError) as exc:
            self._error(f"{exc}; nothing was imported." if not dry_run else str(exc))
        finally:
            if progress is not None:
                progress.close()
        return None

    def _progress_dialog(self, label: str) -> QProgressDialog | None:
        try:
            size = self.file_path.stat().st_size if self.file_path else 0
        except OSError:
            return None
        if size < self.progress_bytes:
            return None
        dialog = QProgressDialog(f"{label} {self.file_path.name}…", "Cancel", 0, 1000, self)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setValue(0)
        return dialog

    @staticmethod
    def _progress_callback(dialog: QProgressDialog):  # type: ignore[no-untyped-def]
        def update(progress: Progress) -> None:
            dialog.setValue(int(progress.fraction * 999))
            dialog.setLabelText(f"{progress.phase.capitalize()}: {progress.events:,} events")
            QApplication.processEvents()
            if dialog.wasCanceled():
                raise ImportCancelled

        return update

    # --- showing the report -------------------------------------------------------------
    def _error(self, message: str) -> None:
        self.summary.setText(message)
        self.summary.setStyleSheet("color: #b00020;")

    def _fill(self, report: ImportReport | None) -> None:
        for table in (self.added_table, self.changed_table, self.rejected_table):
            table.setRowCount(0)
        if report is None:
            self.notes.clear()
            return
        self.summary.setStyleSheet("")
        text = report.summary()
        if not report.ok:
            text += " — fix the rejected events and preview again; an import is all or nothing."
        self.summary.setText(f"{Path(report.file).name} ({report.format}): {text}")
        self._rows(self.added_table, [(i.date, i.title, i.id) for i in report.added_items])
        self._rows(
            self.changed_table,
            [(i.date, i.title, ", ".join(i.changes), i.id) for i in report.changed_items],
        )
        self._rows(self.rejected_table, [(p.where, p.message) for p in report.problems])
        names = ("To be added", "Changed", "Rejected")
        counts = (report.added, report.changed + report.skipped, report.rejected)
        for index, (name, n) in enumerate(zip(names, counts, strict=True)):
            self.tabs.setTabText(index, f"{name} ({n:,})")
        if report.rejected:
            self.tabs.setCurrentIndex(2)
        notes = list(report.notes)
        listed = (
            ("events to add", len(report.added_items), report.added),
            ("changed events", len(report.changed_items), report.changed + report.skipped),
            ("problems", len(report.problems), report.problems_total),
        )
        for what, shown, total in listed:
            if shown < total:  # reports keep the first few (memory stays bounded)
                notes.append(
                    f"The list shows the first {shown:,} of {total:,} {what}; "
                    "the counts are complete."
                )
        if report.skipped:
            notes.append(
                f"{report.skipped} event(s) differ from the database and will be kept as they "
                "are; choose “Replace it with the file's” to overwrite them."
            )
        self.notes.setText("\n".join(f"• {n}" for n in notes))

    @staticmethod
    def _rows(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
        table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)  # the whole text of a long title or reason
                table.setItem(r, c, item)
        header = table.horizontalHeader()
        for c in range(table.columnCount()):
            if header.sectionResizeMode(c) != QHeaderView.ResizeMode.Stretch:
                table.resizeColumnToContents(c)


def run_import_dialog(parent: QWidget | None, db_path: Path, file_path: Path | None = None) -> bool:
    """File → Import…: ask for a file if none is given, preview, import.

    Returns True when events were imported; the database file has then been replaced, so
    the caller reopens its store.
    """
    if file_path is None:
        name, _ = QFileDialog.getOpenFileName(parent, "Import events", "", FILE_FILTER)
        if not name:
            return False
        file_path = Path(name)
    dialog = ImportDialog(db_path, file_path, parent)
    dialog.exec()
    return dialog.imported
