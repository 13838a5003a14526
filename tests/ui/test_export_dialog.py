"""File → Export…: the dialog's export equals the command line's, pixel for
pixel, for the same filter; it asks before replacing a file and shows progress."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMainWindow, QMessageBox

from cspo_viewer.cli import main
from cspo_viewer.data.filters import build_filter
from cspo_viewer.data.store import open_store
from cspo_viewer.ui import export_dialog
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.export_dialog import ExportDialog, export_action

DAY = date(2025, 1, 15)


def pixels(path: Path) -> np.ndarray:
    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    h, stride = img.height(), img.bytesPerLine()
    raw = np.frombuffer(img.constBits(), dtype=np.uint8, count=stride * h)
    return raw.reshape(h, stride)[:, : img.width() * 4].copy()


class Host(QMainWindow):
    """What the dialog needs of the main window, for when that cannot be built."""

    def __init__(self, controller: Controller) -> None:
        super().__init__()
        from cspo_viewer.ui.timeline_view import TimelineView

        self.controller = controller
        self.timeline = TimelineView(controller)
        self.setCentralWidget(self.timeline)
        self.settings = None


@pytest.fixture
def window(open_window, bundled_db):
    return open_window(bundled_db, size=(1400, 900), settings=None, show=False)


def dialog_for(window, qtbot) -> ExportDialog:
    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    dialog.generated = DAY
    return dialog


def test_dialog_and_command_line_give_the_same_image(window, qtbot, tmp_path, capsys):
    c = window.controller
    c.set_filter(build_filter(c.vocabulary, nations=["Japan"]))
    dialog = dialog_for(window, qtbot)
    assert dialog.subtitle_preview.text() == "Nations: Japan · Themes: all"
    dialog.set_preset(1920, 1080)
    assert not dialog.width_box.isEnabled()  # a preset fixes the size
    dialog.marking.setCurrentText("OFFICIAL")
    gui = tmp_path / "gui.png"
    dialog.set_path(gui)
    dialog.accept()
    assert dialog.result() == ExportDialog.DialogCode.Accepted and dialog.written == gui

    cli = tmp_path / "cli.png"
    args = ["--out", str(cli), "--nation", "Japan", "--width", "1920", "--height", "1080"]
    assert main(["export", *args, "--marking", "OFFICIAL", "--generated", "2025-01-15"]) == 0
    a, b = pixels(gui), pixels(cli)
    assert a.shape == (1080, 1920 * 4)
    assert np.array_equal(a, b)
    capsys.readouterr()


def test_options_follow_the_widgets(window, qtbot):
    c = window.controller
    c.set_grouping("nation")
    dialog = dialog_for(window, qtbot)
    dialog.set_preset(1000, 700)  # not a preset: custom
    assert dialog.preset.currentText() == export_dialog.CUSTOM and dialog.width_box.isEnabled()
    dialog.title_edit.setText("Board meetings")
    dialog.subtitle_box.setChecked(False)
    dialog.legend_box.setChecked(False)
    dialog.sources_box.setChecked(False)
    dialog.theme.setCurrentIndex(1)
    opts = dialog.options()
    assert (opts.width, opts.height, opts.title) == (1000, 700, "Board meetings")
    assert not (opts.subtitle or opts.legend or opts.sources)
    assert (opts.theme, opts.grouping, opts.x_range, opts.generated) == (
        "dark",
        "nation",
        None,
        DAY,
    )
    dialog.current.setChecked(True)
    assert dialog.options().x_range == pytest.approx(window.timeline.plot.x_range())


def test_current_view_exports_the_dates_on_screen(window, qtbot, tmp_path):
    from cspo_viewer.data.dates import to_day

    window.timeline.plot.getViewBox().setXRange(to_day("2019-01-01"), to_day("2021-01-01"), 0)
    dialog = dialog_for(window, qtbot)
    assert "2019-01-01 to 2020-12-3" in dialog.current.text()
    dialog.current.setChecked(True)
    dialog.set_preset(1920, 1080)
    dialog.set_path(tmp_path / "view.png")
    dialog.accept()
    assert dialog.layout_drawn is not None
    assert "Shown: 2019-01-01" in dialog.layout_drawn.subtitle_text
    assert dialog.layout_drawn.events_shown < window.controller.total_count


def test_asks_before_overwriting(window, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "t.png"
    target.write_bytes(b"keep me")
    answers = []

    def answer(reply):
        def ask(*args, **kwargs):
            answers.append(args[2])
            return reply

        return ask

    dialog = dialog_for(window, qtbot)
    dialog.set_preset(1920, 1080)
    dialog.set_path(target)
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    dialog.accept()
    assert target.read_bytes() == b"keep me" and dialog.written is None
    assert "already exists" in answers[0]
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    dialog.accept()
    assert dialog.written == target and QImage(str(target)).width() == 1920


def test_refusal_is_shown_and_the_dialog_stays_open(window, qtbot, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: shown.append(a[2]))
    dialog = dialog_for(window, qtbot)
    dialog.set_path(tmp_path / "t.jpg")
    dialog.accept()
    assert dialog.written is None and ".png, .svg, .pdf or .pptx" in shown[-1]
    dialog.set_path(tmp_path / "missing" / "t.png")
    dialog.accept()
    assert "does not exist" in shown[-1]
    assert sorted(p.name for p in tmp_path.iterdir()) == []
    dialog.set_path(tmp_path / "named")  # no extension: a PNG
    assert dialog.target() == tmp_path / "named.png"


def test_large_exports_show_progress_and_can_be_cancelled(window, qtbot, tmp_path, monkeypatch):
    seen = []
    real = export_dialog.write_export

    def spy(path, data, options, *, force=False, progress=None):
        assert progress is not None  # a 4K slide gets a progress dialog
        seen.append(progress)
        return real(path, data, options, force=force, progress=progress)

    monkeypatch.setattr(export_dialog, "write_export", spy)
    dialog = dialog_for(window, qtbot)
    dialog.set_preset(3840, 2160)
    dialog.set_path(tmp_path / "big.png")
    dialog.accept()
    assert seen and dialog.written == tmp_path / "big.png"

    def cancel_at_once(path, data, options, *, force=False, progress=None):
        dialog.progress_dialog.cancel()
        return real(path, data, options, force=force, progress=progress)

    monkeypatch.setattr(export_dialog, "write_export", cancel_at_once)
    dialog.set_path(tmp_path / "cancelled.png")
    dialog.accept()
    assert not (tmp_path / "cancelled.png").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.png"]


def test_export_action(window, qtbot):
    action = export_action(window)
    assert action.text().replace("&", "") == "Export…"
    assert action.shortcut().toString() == "Ctrl+E"
    if hasattr(window, "add_file_action"):
        window.add_file_action(action, toolbar=True)
        assert action in window.file_menu.actions()


def test_choices_are_remembered(qtbot, bundled_db, tmp_path):
    from PySide6.QtCore import QSettings

    controller = Controller(open_store(bundled_db))
    host = Host(controller)
    qtbot.addWidget(host)
    host.settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    dialog = dialog_for(host, qtbot)
    dialog.set_preset(1920, 1080)
    dialog.marking.setCurrentText("UNCLASSIFIED")
    dialog.theme.setCurrentIndex(1)
    dialog.sources_box.setChecked(False)
    out = tmp_path / "out"
    out.mkdir()
    dialog.set_path(out / "a.png")
    dialog.accept()
    again = dialog_for(host, qtbot)
    opts = again.options()
    assert (opts.width, opts.height, opts.marking, opts.theme) == (
        1920,
        1080,
        "UNCLASSIFIED",
        "dark",
    )
    assert not opts.sources and opts.legend
    assert again.target().parent == out.resolve()
    controller.store.close()


def test_menu_opens_a_dialog_whose_words_read_right(window, qtbot, monkeypatch):
    """File → Export… names what it writes; every form label shows its mnemonic
    underlined (a label with a buddy), not a literal "&"; the marking's placeholder is
    shown whole."""
    from PySide6.QtWidgets import QFormLayout, QLabel

    action = next(a for a in window.file_menu.actions() if a.shortcut().toString() == "Ctrl+E")
    assert action.text().replace("&", "") == "Export…"
    assert "PowerPoint" in action.statusTip() and "PDF" in action.statusTip()
    opened = []
    monkeypatch.setattr(ExportDialog, "exec", lambda self: opened.append(self) or 0)
    action.trigger()
    dialog = opened[0]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    form = dialog.findChild(QFormLayout)
    labels = [
        form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
        for row in range(form.rowCount())
        if form.itemAt(row, QFormLayout.ItemRole.LabelRole) is not None
    ]
    with_mnemonic = [w for w in labels if isinstance(w, QLabel) and "&" in w.text()]
    assert {w.text() for w in with_mnemonic} >= {"&Size:", "&File:", "&Marking:", "&Title:"}
    assert all(w.buddy() is not None for w in with_mnemonic)
    from PySide6.QtWidgets import QCheckBox

    for box in dialog.findChildren(QCheckBox):  # no option's words cut off
        assert box.width() >= box.sizeHint().width(), box.text()
    edit = dialog.marking.lineEdit()
    shown = edit.fontMetrics().horizontalAdvance(edit.placeholderText())
    assert shown <= edit.contentsRect().width(), edit.placeholderText()
    assert (
        dialog.path_edit.fontMetrics().horizontalAdvance(dialog.path_edit.placeholderText())
        <= dialog.path_edit.contentsRect().width()
    )


def test_dialog_builds_an_editable_deck_on_a_remembered_template(qtbot, bundled_db, tmp_path):
    from pptx import Presentation
    from PySide6.QtCore import QSettings

    from tests.export.test_deck import FOUR_THREE, make_template

    controller = Controller(open_store(bundled_db))
    host = Host(controller)
    qtbot.addWidget(host)
    host.settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    template = make_template(tmp_path / "org.pptx")
    dialog = dialog_for(host, qtbot)
    dialog.template_edit.setText(str(template))
    dialog.editable_box.setChecked(True)
    dialog.set_path(tmp_path / "brief.pptx")
    dialog.accept()
    deck = Presentation(str(tmp_path / "brief.pptx"))
    assert (deck.slide_width, deck.slide_height) == FOUR_THREE
    assert not [s for s in deck.slides[0].shapes if s.shape_type == 13]  # shapes, no picture
    assert "2014-09-22-mou-signed-ottawa" in {s.name for s in deck.slides[0].shapes}
    again = dialog_for(host, qtbot)
    assert again.template_edit.text() == str(template) and again.editable_box.isChecked()
    assert again.options().template == template
    edit = again.template_edit
    assert edit.fontMetrics().horizontalAdvance(edit.placeholderText()) <= max(
        edit.contentsRect().width(), edit.sizeHint().width()
    )
    controller.store.close()
