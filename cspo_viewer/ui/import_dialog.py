"""File → Import events… (Ctrl+I): preview what a file would add, change and reject, then
import it.

The dialog runs no SQL: the preview is ``import_file(..., dry_run=True)`` and the import
is the same call without it, exactly what ``cspo-viewer import`` runs. Both run on a
worker thread (``ImportJob``), so the window stays responsive; the dialog shows their
progress and its Stop button cancels (an import is then rolled back). An import is all or
nothing, so the Import button is enabled only when nothing is rejected. The caller
rereads its store when ``run_import_dialog`` returns True.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cspo_viewer.data.db_file import DatabaseError
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
from cspo_viewer.ui.rich_text import tooltip

FILE_FILTER = "Events (*.json *.csv *.tsv *.txt);;All files (*)"
CONFLICT_CHOICES = (
    ("skip", "Keep the database's version"),
    ("replace", "Replace it with the file's"),
    ("fail", "Reject the import"),
)
GROUP_CHOICES = ((None, "Kind “other”"), ("kind", "New kinds"), ("theme", "New themes"))
PHASES = {"checking": "Checking", "writing": "Writing", "saving": "Saving"}


class ImportJob(QObject):
    """One ``import_file`` call on its own thread; its outcome comes back as a signal.

    ``progressed`` carries each ``Progress``; ``done`` carries the job itself and the
    report, or None with the sentence to show (an unreadable file, a locked database, a
    cancel)."""

    progressed = Signal(object)
    done = Signal(object, object, str)

    def __init__(self, db_path: Path, file_path: Path, options: ImportOptions) -> None:
        super().__init__()
        self.db_path, self.file_path, self.options = db_path, file_path, options
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            report = import_file(self.db_path, self.file_path, self.options, self._progress)
        except ImportCancelled:
            self.done.emit(self, None, "Cancelled; nothing was imported.")
        except (InterchangeError, DatabaseError) as exc:
            message = str(exc)
            if not self.options.dry_run and "nothing was imported" not in message:
                message += "; nothing was imported"
            self.done.emit(self, None, message.rstrip(".") + ".")
        else:
            self.done.emit(self, report, "")

    def _progress(self, progress: Progress) -> None:
        if self.stop.is_set():
            raise ImportCancelled
        self.progressed.emit(progress)


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
        self._job: ImportJob | None = None
        self._thread: QThread | None = None
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
        for group, label in GROUP_CHOICES:
            self.group_box.addItem(label, group)
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
        busy = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop checking or importing; nothing is written")
        self.stop_button.clicked.connect(self.cancel_job)
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.stop_button)
        self.progress.hide()
        self.stop_button.hide()
        layout.addLayout(busy)
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

    @property
    def busy(self) -> bool:
        """A preview or an import is running on the worker thread."""
        return self._thread is not None

    def preview(self) -> None:
        """Read the whole file without writing, and show what an import would do."""
        if self.file_path is None:
            return
        self.import_button.setEnabled(False)
        self._start(dry_run=True)

    def run_import(self) -> None:
        """The real import; on success the dialog closes with ``imported`` set."""
        if self.report is None or not self.import_button.isEnabled():
            return
        self.import_button.setEnabled(False)
        self._start(dry_run=False)

    def cancel_job(self) -> None:
        """Stop the running job at its next progress report (an import rolls back)."""
        if self._job is not None:
            self._job.stop.set()

    def _start(self, *, dry_run: bool) -> None:
        assert self.file_path is not None
        if self.busy:  # an option changed mid-preview: stop it, then preview anew
            self.cancel_job()
            self._wait()
        job = ImportJob(self.db_path, self.file_path, self.options(dry_run=dry_run))
        thread = QThread(self)
        job.moveToThread(thread)
        thread.started.connect(job.run)
        job.progressed.connect(self._show_progress)
        job.done.connect(self._finished)
        job.done.connect(thread.quit)
        self._job, self._thread = job, thread
        self.summary.setStyleSheet("")
        verb = "Checking" if dry_run else "Importing"
        self.summary.setText(f"{verb} {self.file_path.name}…")
        self.progress.setValue(0)
        self.progress.setFormat(f"{'Checking' if dry_run else 'Importing'} %p%")
        self.progress.show()
        self.stop_button.show()
        for box in (self.conflict_box, self.group_box):
            box.setEnabled(False)
        thread.start()

    def _show_progress(self, progress: Progress) -> None:
        self.progress.setValue(int(progress.fraction * 1000))
        phase = PHASES.get(progress.phase, progress.phase.capitalize())
        self.progress.setFormat(f"{phase}: {progress.events:,} events (%p%)")

    def _finished(self, job: ImportJob, report: ImportReport | None, message: str) -> None:
        if job is not self._job:
            return  # a preview stopped because the options changed; a new one runs
        dry_run = job.options.dry_run
        self._wait()
        self.progress.hide()
        self.stop_button.hide()
        for box in (self.conflict_box, self.group_box):
            box.setEnabled(True)
        if report is None:
            self._error(message)
            if dry_run:
                self.report = None
                self._fill(None)
            return
        self.report = report
        if not dry_run and report.written:
            self.imported = True
            self.accept()
            return
        self._fill(report)
        doable = dry_run and report.ok and report.has_changes
        if doable and is_bundled_database(self.db_path):
            self._error(
                f"Preview only: {BUNDLED_REFUSAL}. In the window: File → Save database "
                "copy as…, then import into the copy."
            )
            doable = False
        self.import_button.setEnabled(doable)

    def _wait(self) -> None:
        """Let the worker thread end (it does so right after its last signal)."""
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread.deleteLater()
        self._job, self._thread = None, None

    def done(self, result: int) -> None:
        """Closing the dialog stops a running job first (an import is rolled back)."""
        self.cancel_job()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
        super().done(result)

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
                item.setToolTip(tooltip(value))  # the whole text, shown literally
                table.setItem(r, c, item)
        header = table.horizontalHeader()
        for c in range(table.columnCount()):
            if header.sectionResizeMode(c) != QHeaderView.ResizeMode.Stretch:
                table.resizeColumnToContents(c)


def run_import_dialog(parent: QWidget | None, db_path: Path, file_path: Path | None = None) -> bool:
    """File → Import events…: ask for a file if none is given, preview, import.

    Returns True when events were imported, so the caller rereads its store.
    """
    if file_path is None:
        name, _ = QFileDialog.getOpenFileName(parent, "Import events", "", FILE_FILTER)
        if not name:
            return False
        file_path = Path(name)
    dialog = ImportDialog(db_path, file_path, parent)
    dialog.exec()
    return dialog.imported
