"""File → Export…: the briefing picture (PNG, SVG, PDF) or PowerPoint deck of what the
window shows.

The dialog only gathers ``ExportOptions`` and a file name; the picture is made by
``cspo_viewer.export.write_export``, the function ``cspo-viewer export`` calls, so the
window and the command line give the same image for the same filter and options.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cspo_viewer.errors import UserError
from cspo_viewer.export import (
    FORMATS,
    MAX_SIDE,
    MIN_SIDE,
    PRESETS,
    ExportData,
    ExportOptions,
    range_days,
)
from cspo_viewer.model.options import PRODUCT_TITLE
from cspo_viewer.ui.saved_views_menu import add_saved_view_box
from cspo_viewer.ui.setting_values import as_int

if TYPE_CHECKING:
    from cspo_viewer.render.page import ExportLayout, Progress

CUSTOM = "Custom size"
MARKINGS = ("", "OFFICIAL", "OFFICIAL-SENSITIVE", "UNCLASSIFIED")
PROGRESS_PIXELS = 4_000_000
"""Exports at least this large (a 4K slide, an A4 page) show a progress dialog."""
SETTINGS_GROUP = "export"
DIALOG_TITLE = "Export for a briefing"
ACTION_TIP = "Save the timeline or a view as a PNG, SVG or PDF picture, or a PowerPoint deck"
MARKING_PLACEHOLDER = "None (or type one, e.g. OFFICIAL)"
TEMPLATE_PLACEHOLDER = "PowerPoint's default (or your .pptx or .potx)"


class _Cancelled(Exception):
    pass


class ExportDialog(QDialog):
    """Size, title, subtitle, marking, extras, theme, range and file of one export.

    ``window`` is the main window: it provides ``controller`` (filter, mask, table,
    grouping, store) and ``timeline.plot.x_range()`` for "current view".
    """

    def __init__(self, window: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent if parent is not None else window)
        self.setWindowTitle(DIALOG_TITLE)
        self.host = window
        self.controller = window.controller
        self.generated: date | None = None  # the footer's date; None: today (tests fix it)
        self.layout_drawn: ExportLayout | None = None  # what the last export drew
        self.written: Path | None = None
        self._build()
        self._restore()
        self._update_size_fields()
        self._update_previews()
        add_saved_view_box(self)  # the window's saved views (ui/saved_views_menu)

    # --- widgets ----------------------------------------------------------------------
    def _build(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        self.preset = QComboBox()
        for label, w, h in PRESETS:
            self.preset.addItem(label, (w, h))
        self.preset.addItem(CUSTOM, None)
        self.preset.setCurrentIndex(1)  # the 4K slide
        self.preset.currentIndexChanged.connect(self._update_size_fields)
        self.width_box = _spin(3840)
        self.height_box = _spin(2160)
        size_row = QHBoxLayout()
        size_row.addWidget(self.preset, 1)
        size_row.addWidget(self.width_box)
        size_row.addWidget(QLabel("×"))
        size_row.addWidget(self.height_box)
        size_row.addWidget(QLabel("px"))
        form.addRow(_label("&Size:", self.preset), size_row)

        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(f"{PRODUCT_TITLE}, and the years shown")
        form.addRow("&Title:", self.title_edit)

        self.subtitle_box = QCheckBox("Subtitle stating the filter:")
        self.subtitle_box.setChecked(True)
        self.subtitle_preview = QLabel()
        self.subtitle_preview.setTextFormat(Qt.TextFormat.PlainText)  # names from the data
        self.subtitle_preview.setWordWrap(True)
        self.subtitle_preview.setEnabled(False)  # greyed: it is a preview, not an input
        sub = QVBoxLayout()
        sub.setSpacing(2)
        sub.addWidget(self.subtitle_box)
        sub.addWidget(self.subtitle_preview)
        form.addRow("", sub)

        self.marking = QComboBox()
        self.marking.setEditable(True)
        self.marking.addItems(MARKINGS)
        marking_edit = self.marking.lineEdit()
        assert marking_edit is not None  # an editable combo box has one
        marking_edit.setPlaceholderText(MARKING_PLACEHOLDER)
        # Wide enough to read the placeholder whole (it was cut off at "None (free te").
        self.marking.setMinimumContentsLength(len(MARKING_PLACEHOLDER) + 2)
        self.marking.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.marking.setToolTip("Printed centred at the top and bottom, as on briefing slides")
        form.addRow("&Marking:", self.marking)

        self.legend_box = QCheckBox("Legend")
        self.legend_box.setChecked(True)
        self.sources_box = QCheckBox("Source line")
        self.sources_box.setChecked(True)
        self.members_box = QCheckBox("Membership strip")
        self.members_box.setChecked(True)
        # PowerPoint deck and views (briefing pack)
        self.view_combo = QComboBox()
        self.view_combo.addItem("Timeline", "timeline")
        self.view_combo.addItem("Membership growth", "members")
        self.view_combo.addItem("Participation matrix", "participation")
        self.event_slides_box = QCheckBox("One slide per event")
        self.event_slides_box.setToolTip(
            "After the timeline slide, one slide per event shown: date, location, summary, "
            "quotes and sources"
        )
        form.addRow("&Picture:", self.view_combo)
        self.editable_box = QCheckBox("Timeline as editable shapes")
        self.editable_box.setToolTip(
            "Draw the timeline slide as PowerPoint shapes (lanes, markers, one text box per "
            "label) that can be moved and recoloured, instead of one picture"
        )
        deck_row = QHBoxLayout()
        deck_row.addWidget(self.event_slides_box)
        deck_row.addWidget(self.editable_box)
        deck_row.addStretch(1)
        form.addRow("Deck (.pptx):", deck_row)
        self.template_edit = QLineEdit()
        self.template_edit.setPlaceholderText(TEMPLATE_PLACEHOLDER)
        self.template_edit.setToolTip(
            "A .pptx or .potx whose slide size, master, fonts and footer the deck uses"
        )
        template_browse = QPushButton("Choose…")
        template_browse.clicked.connect(self.browse_template)
        template_row = QHBoxLayout()
        template_row.addWidget(self.template_edit, 1)
        template_row.addWidget(template_browse)
        form.addRow(_label("Temp&late:", self.template_edit), template_row)
        self.event_pages_box = QCheckBox("A page per event after the timeline")
        self.event_pages_box.setToolTip(
            "A briefing book: the timeline page, then one page per event shown, numbered"
        )
        form.addRow("Book (.pdf):", self.event_pages_box)
        extras = QHBoxLayout()
        extras.addWidget(self.legend_box)
        extras.addWidget(self.sources_box)
        extras.addWidget(self.members_box)
        extras.addStretch(1)
        form.addRow("Include:", extras)

        self.theme = QComboBox()
        self.theme.addItem("Light background (prints well)", "light")
        self.theme.addItem("Dark background", "dark")
        form.addRow("T&heme:", self.theme)

        self.whole = QRadioButton("Whole filtered range")
        self.current = QRadioButton("Current view")
        self.whole.setChecked(True)
        self.range_group = QButtonGroup(self)
        self.range_group.addButton(self.whole)
        self.range_group.addButton(self.current)
        ranges = QVBoxLayout()
        ranges.setSpacing(2)
        ranges.addWidget(self.whole)
        ranges.addWidget(self.current)
        form.addRow("Dates:", ranges)
        if self._view_range() is None:
            self.current.setEnabled(False)

        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("timeline.png (or .svg, .pdf, .pptx)")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self.browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(browse)
        form.addRow(_label("&File:", self.path_edit), file_row)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        outer = QVBoxLayout(self)
        outer.addLayout(form)
        outer.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def _update_size_fields(self) -> None:
        size = self.preset.currentData()
        custom = size is None
        self.width_box.setEnabled(custom)
        self.height_box.setEnabled(custom)
        if not custom:
            self.width_box.setValue(size[0])
            self.height_box.setValue(size[1])

    def _update_previews(self) -> None:
        c = self.controller
        self.subtitle_preview.setText(c.filter.describe(c.vocabulary))
        view = self._view_range()
        if view is not None:
            first, last = range_days(view)
            self.current.setText(f"Current view ({first} to {last})")

    def _view_range(self) -> tuple[float, float] | None:
        timeline = getattr(self.host, "timeline", None)
        plot = getattr(timeline, "plot", None)
        if plot is None:
            return None
        x0, x1 = plot.x_range()
        return (float(x0), float(x1)) if x1 > x0 else None

    # --- values -----------------------------------------------------------------------
    def set_preset(self, width: int, height: int) -> None:
        """Pick the preset of this size, or "Custom" with these values."""
        for i in range(self.preset.count()):
            if self.preset.itemData(i) == (width, height):
                self.preset.setCurrentIndex(i)
                return
        self.preset.setCurrentIndex(self.preset.count() - 1)
        self.width_box.setValue(width)
        self.height_box.setValue(height)

    def set_path(self, path: str | Path) -> None:
        self.path_edit.setText(str(path))

    def options(self) -> ExportOptions:
        """What the dialog asks for, as the command line would pass it."""
        return ExportOptions(
            width=self.width_box.value(),
            height=self.height_box.value(),
            title=self.title_edit.text().strip() or None,
            subtitle=self.subtitle_box.isChecked(),
            marking=self.marking.currentText().strip(),
            legend=self.legend_box.isChecked(),
            sources=self.sources_box.isChecked(),
            members=self.members_box.isChecked(),
            pinned=tuple(sorted(self.controller.pinned)),
            theme=self.theme.currentData(),
            x_range=self._view_range() if self.current.isChecked() else None,
            grouping=self.controller.grouping,
            generated=self.generated,
            view=self.view_combo.currentData(),
            event_slides=self.event_slides_box.isChecked(),
            template=self.template(),
            editable=self.editable_box.isChecked(),
            event_pages=self.event_pages_box.isChecked(),
            annotations=self.controller.annotation_ids,
        )

    def template(self) -> Path | None:
        """The template to build a deck on, or ``None`` for python-pptx's default."""
        text = self.template_edit.text().strip()
        return Path(text).expanduser() if text else None

    def export_data(self) -> ExportData:
        c = self.controller
        return c.export_data()

    def target(self) -> Path | None:
        text = self.path_edit.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        return path if path.suffix else path.with_suffix(".png")

    # --- actions ----------------------------------------------------------------------
    def browse(self) -> None:
        start = self.target() or Path.home() / f"cspo-timeline-{date.today().isoformat()}.png"
        name, chosen = QFileDialog.getSaveFileName(
            self,
            DIALOG_TITLE,
            str(start),
            "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"
            ";;PowerPoint deck (*.pptx)",
            options=QFileDialog.Option.DontConfirmOverwrite,  # accept() asks, once
        )
        if name:
            path = Path(name)
            if path.suffix.lower() not in FORMATS:
                path = path.with_suffix("." + chosen.split("*.")[-1].rstrip(")"))
            self.set_path(path)

    def browse_template(self) -> None:
        start = self.template() or Path.home()
        name, _ = QFileDialog.getOpenFileName(
            self, "Deck template", str(start), "PowerPoint template (*.pptx *.potx)"
        )
        if name:
            self.template_edit.setText(name)

    def confirm_overwrite(self, path: Path) -> bool:
        answer = QMessageBox.question(
            self,
            "Replace file?",
            f"{path.name} already exists in {path.parent}.\nReplace it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def accept(self) -> None:
        path = self.target()
        if path is None:
            QMessageBox.warning(self, DIALOG_TITLE, "Choose a file to export to.")
            return
        force = False
        if path.exists() and not path.is_dir():
            if not self.confirm_overwrite(path):
                return
            force = True
        try:
            self.layout_drawn = self.run_export(path, force=force)
        except _Cancelled:
            return
        except UserError as exc:
            QMessageBox.warning(self, "Cannot export", str(exc))
            return
        self.written = path
        self._remember()
        super().accept()

    def run_export(self, path: Path, *, force: bool) -> ExportLayout:
        """Write the file, with a progress dialog (cancellable) for large outputs."""
        options = self.options()
        data = self.export_data()
        if options.width * options.height < PROGRESS_PIXELS:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                return write_export(path, data, options, force=force)
            finally:
                QApplication.restoreOverrideCursor()
        dialog = QProgressDialog("Preparing the export…", "Cancel", 0, 100, self)
        dialog.setWindowTitle("Exporting")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(True)
        self.progress_dialog = dialog

        def progress(percent: int, what: str) -> None:
            if dialog.wasCanceled() and percent < 100:
                raise _Cancelled
            dialog.setLabelText(f"{what}…")
            dialog.setValue(percent)
            QApplication.processEvents()

        try:
            return write_export(path, data, options, force=force, progress=progress)
        finally:
            dialog.reset()
            dialog.deleteLater()

    # --- remembered choices -------------------------------------------------------------
    def _settings(self) -> QSettings | None:
        settings = getattr(self.host, "settings", None)
        return settings if isinstance(settings, QSettings) else None

    def _restore(self) -> None:
        s = self._settings()
        if s is None:
            return
        s.beginGroup(SETTINGS_GROUP)
        try:
            w, h = as_int(s.value("width"), 3840), as_int(s.value("height"), 2160)
            self.set_preset(w, h)
            self.marking.setCurrentText(str(s.value("marking", "") or ""))
            self.theme.setCurrentIndex(1 if s.value("theme") == "dark" else 0)
            self.view_combo.setCurrentIndex(max(self.view_combo.findData(s.value("view")), 0))
            self.event_slides_box.setChecked(s.value("event_slides", False) in (True, "true"))
            self.editable_box.setChecked(s.value("editable", False) in (True, "true"))
            self.event_pages_box.setChecked(s.value("event_pages", False) in (True, "true"))
            self.template_edit.setText(str(s.value("template", "") or ""))
            for key, box in (
                ("legend", self.legend_box),
                ("sources", self.sources_box),
                ("members", self.members_box),
                ("subtitle", self.subtitle_box),
            ):
                box.setChecked(s.value(key, True) not in (False, "false"))
            folder = s.value("folder")
            if folder and Path(str(folder)).is_dir():
                name = f"cspo-timeline-{date.today().isoformat()}.png"
                self.set_path(Path(str(folder)) / name)
        finally:
            s.endGroup()

    def _remember(self) -> None:
        s = self._settings()
        if s is None or self.written is None:
            return
        s.beginGroup(SETTINGS_GROUP)
        try:
            s.setValue("width", self.width_box.value())
            s.setValue("height", self.height_box.value())
            s.setValue("marking", self.marking.currentText().strip())
            s.setValue("theme", self.theme.currentData())
            s.setValue("view", self.view_combo.currentData())
            s.setValue("event_slides", self.event_slides_box.isChecked())
            s.setValue("editable", self.editable_box.isChecked())
            s.setValue("event_pages", self.event_pages_box.isChecked())
            s.setValue("template", self.template_edit.text().strip())
            s.setValue("legend", self.legend_box.isChecked())
            s.setValue("sources", self.sources_box.isChecked())
            s.setValue("members", self.members_box.isChecked())
            s.setValue("subtitle", self.subtitle_box.isChecked())
            s.setValue("folder", str(self.written.parent.resolve()))
        finally:
            s.endGroup()


def write_export(
    path: Path,
    data: ExportData,
    options: ExportOptions,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> ExportLayout:
    """``cspo_viewer.export.write_export``, loaded with the first export: the painter and
    encoders it brings are not needed for the window's first frame."""
    from cspo_viewer.export import files

    return files.write_export(path, data, options, force=force, progress=progress)


def _label(text: str, buddy: QWidget) -> QLabel:
    """A form label whose mnemonic shows underlined and moves the focus to ``buddy``
    (``QFormLayout`` sets a buddy only for a widget field; a row holding a layout
    showed its "&" literally)."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def _spin(value: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(MIN_SIDE, MAX_SIDE)
    box.setValue(value)
    box.setSingleStep(10)
    return box


def open_export_dialog(window: Any) -> ExportDialog:
    """Show the dialog over ``window``; a successful export is named in the status bar."""
    dialog = ExportDialog(window)
    if not dialog.target():
        default = Path.home() / f"cspo-timeline-{date.today().isoformat()}.png"
        dialog.set_path(default)
    if dialog.exec() == QDialog.DialogCode.Accepted and dialog.written is not None:
        status = getattr(window, "statusBar", None)
        if callable(status):
            n = dialog.layout_drawn.events_shown if dialog.layout_drawn else 0
            status().showMessage(f"Exported {n} events to {dialog.written}", 8000)
    return dialog


def export_action(window: Any) -> QAction:
    """File → "Export…" (Ctrl+E), opening the dialog over ``window``.

    The window adds it with ``window.add_file_action(action, toolbar=True)``.
    """
    action = QAction("&Export…", window)
    action.setShortcut(QKeySequence("Ctrl+E"))
    action.setStatusTip(ACTION_TIP)
    action.setToolTip(f"{ACTION_TIP} (Ctrl+E)")
    action.triggered.connect(lambda _checked=False: open_export_dialog(window))
    return action
