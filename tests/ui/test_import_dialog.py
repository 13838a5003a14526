"""File → Import events… (Ctrl+I): the preview shows what would be added, changed and
rejected; Import writes exactly what `cspo-viewer import` would, and nothing when anything
is rejected. Both run off the GUI thread, with progress and Stop."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog

from cspo_viewer.data.interchange import ImportOptions, import_file
from cspo_viewer.ui import import_dialog
from cspo_viewer.ui.import_dialog import ImportDialog, run_import_dialog
from tests.conftest import sha256
from tests.interchange_support import FIXTURES, big_csv, dump_text, fresh_db, records

VALID = FIXTURES / "interchange" / "valid_bom.csv"
INVALID = FIXTURES / "interchange" / "invalid.csv"
TLJS = FIXTURES / "timelinejs" / "group_sample.json"


def settle(qtbot, dialog: ImportDialog) -> None:
    """Wait for the preview or import running on the worker thread."""
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60_000)


def opened(qtbot, db: Path, file_path: Path | None) -> ImportDialog:
    dialog = ImportDialog(db, file_path)
    qtbot.addWidget(dialog)
    settle(qtbot, dialog)
    return dialog


def cells(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_preview_lists_events_to_add_and_import_writes_them(qtbot, tmp_path):
    db = fresh_db(tmp_path)
    before = sha256(db)
    dialog = opened(qtbot, db, VALID)
    assert "3 to add" in dialog.summary.text() and "0 rejected" in dialog.summary.text()
    assert [row[1] for row in cells(dialog.added_table)] == [  # in the file's order
        "Florence Principals' Board, 2024",
        "Observers join",
        "A year",
    ]
    assert dialog.tabs.tabText(0) == "To be added (3)"
    assert sha256(db) == before  # the preview wrote nothing
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    settle(qtbot, dialog)
    assert dialog.imported and dialog.result() == QDialog.DialogCode.Accepted
    assert sorted(r["title"] for r in records(db)) == [
        "A year",
        "Florence Principals' Board, 2024",
        "Observers join",
    ]


def test_rejected_rows_are_listed_with_reasons_and_block_the_import(qtbot, tmp_path):
    db = fresh_db(tmp_path)
    dialog = opened(qtbot, db, INVALID)
    rows = cells(dialog.rejected_table)
    assert len(rows) == 12 and dialog.tabs.currentIndex() == 2
    assert rows[0][0] == "row 2, column date" and "not a real date" in rows[0][1]
    assert dialog.tabs.tabText(2) == "Rejected (12)"
    assert "all or nothing" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()


def test_a_long_preview_says_the_list_is_cut_and_titles_take_the_width(
    qtbot, tmp_path, monkeypatch
):
    """Reports list the first events only (memory stays bounded): the dialog says so, so
    an analyst scrolling to the end does not take the list for the whole file."""
    from PySide6.QtWidgets import QHeaderView

    from cspo_viewer.data.interchange import importer

    monkeypatch.setattr(importer, "PREVIEW_LIMIT", 2)
    dialog = opened(qtbot, fresh_db(tmp_path), VALID)
    assert dialog.tabs.tabText(0) == "To be added (3)" and dialog.added_table.rowCount() == 2
    assert "the first 2 of 3 events to add; the counts are complete" in dialog.notes.text()
    header = dialog.added_table.horizontalHeader()
    assert header.sectionResizeMode(1) == QHeaderView.ResizeMode.Stretch  # the title
    dialog.resize(900, 500)
    dialog.show()
    qtbot.waitExposed(dialog)
    widths = [header.sectionSize(c) for c in range(3)]
    assert widths[1] > widths[0] + widths[2]  # the date and id take what they need
    assert sum(widths) >= dialog.added_table.viewport().width() - 1  # no empty band
    item = dialog.added_table.item(0, 1)
    assert shown_as(item.toolTip()) == item.text()  # the whole title, as written


def shown_as(rich: str) -> str:
    """What Qt displays for a tooltip string (it takes tag-like text as HTML)."""
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setHtml(rich)
    return doc.toPlainText()


def test_preview_tooltips_show_markup_literally(qtbot, tmp_path):
    """A title holding markup is shown as typed in the preview's tooltip, never rendered
    (and never loading an image)."""
    from PySide6.QtWidgets import QTableWidget

    from cspo_viewer.ui.import_dialog import ImportDialog

    table = QTableWidget(1, 1)
    qtbot.addWidget(table)
    hostile = '<img src="/dev/zero"><b>Board</b>'
    ImportDialog._rows(table, [(hostile,)])
    assert shown_as(table.item(0, 0).toolTip()) == hostile


def test_changed_events_follow_the_conflict_choice(qtbot, tmp_path):
    db = fresh_db(tmp_path)
    assert import_file(db, FIXTURES / "interchange" / "valid.json").written
    edited = tmp_path / "edited.json"
    text = (FIXTURES / "interchange" / "valid.json").read_text(encoding="utf-8")
    edited.write_text(text.replace("Principals' Board", "Principals' Board (renamed)"))
    # a new title gives a new derived id only when the id is not given; this one is given
    dialog = opened(qtbot, db, edited)
    assert [row[2] for row in cells(dialog.changed_table)] == ["title"]
    assert not dialog.import_button.isEnabled()  # kept as it is: nothing to do
    assert "kept as they are" in dialog.notes.text()
    dialog.conflict_box.setCurrentIndex(1)  # replace
    settle(qtbot, dialog)
    assert "1 to change" in dialog.summary.text() and dialog.import_button.isEnabled()
    dialog.import_button.click()
    settle(qtbot, dialog)
    assert dialog.imported
    assert "Principals' Board (renamed)" in {r["title"] for r in records(db)}


def test_group_choice_previews_new_kinds(qtbot, tmp_path):
    db = fresh_db(tmp_path)
    dialog = opened(qtbot, db, TLJS)
    assert "--map-group" in dialog.notes.text()
    dialog.group_box.setCurrentIndex(1)  # new kinds
    settle(qtbot, dialog)
    assert "--map-group" not in dialog.notes.text()
    dialog.import_button.click()
    settle(qtbot, dialog)
    assert dialog.imported
    with_dialog = dump_text(db)
    cli_db = fresh_db(tmp_path, "cli.db")
    import_file(cli_db, TLJS, ImportOptions(map_group="kind"))
    assert dump_text(cli_db) == with_dialog  # the window imports what the command imports


def test_unreadable_file_shows_the_error(qtbot, tmp_path):
    db = fresh_db(tmp_path)
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\x00\x00")
    dialog = opened(qtbot, db, binary)
    assert "is not a text file" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()


def test_large_file_shows_progress_off_the_gui_thread_and_stop_rolls_back(
    qtbot, tmp_path, monkeypatch
):
    """The preview and the import run on a worker thread: the window keeps handling
    events (here a timer) while they run, the progress bar says what is happening, and
    Stop during the import leaves the database as it was.

    The worker is held at known points, so the outcome does not depend on how fast the
    machine is: the preview's first progress report waits until the GUI thread has ticked
    three times while the dialog is busy, and the import's first "writing" report waits
    until Stop has been pressed. Each hold gives up after 30 s, so a broken dialog fails
    the assertions below instead of hanging."""
    db = fresh_db(tmp_path)
    big = big_csv(tmp_path / "big.csv", 30_000)
    before = dump_text(db)
    shown: list[str] = []
    ticks: list[bool] = []
    gui_ran = threading.Event()
    report = import_dialog.ImportJob._progress

    def held(job: import_dialog.ImportJob, progress) -> None:
        report(job, progress)  # shows it, or raises ImportCancelled once Stop was pressed
        if progress.phase == "checking" and job.options.dry_run:
            gui_ran.wait(30)
        elif progress.phase == "writing":
            job.stop.wait(30)
            report(job, progress)  # Stop was pressed mid-transaction: cancel here

    monkeypatch.setattr(import_dialog.ImportJob, "_progress", held)

    def tick() -> None:
        ticks.append(dialog.busy)
        if ticks.count(True) >= 3:
            gui_ran.set()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    dialog = ImportDialog(db, None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.set_file(big)

    def idle() -> bool:
        if dialog.progress.isVisible():
            shown.append(dialog.progress.text())
        return not dialog.busy

    qtbot.waitUntil(idle, timeout=60_000)
    assert "30000 to add" in dialog.summary.text()
    assert any(text.startswith("Checking") for text in shown), shown
    assert ticks.count(True) >= 3  # the GUI thread ran while the preview did
    assert not dialog.progress.isVisible() and dialog.import_button.isEnabled()
    shown.clear()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.progress.text().startswith("Writing"), timeout=60_000)
    assert dialog.busy  # the import is held mid-transaction until Stop
    dialog.stop_button.click()
    settle(qtbot, dialog)
    timer.stop()
    assert "Cancelled; nothing was imported." in dialog.summary.text()
    assert not dialog.imported and dump_text(db) == before


def _press_import_when_ready() -> QTimer:
    """What a person does in the dialog the menu opens: wait for the preview, press Import."""

    def press() -> None:
        for widget in QApplication.topLevelWidgets():
            if (
                isinstance(widget, ImportDialog)
                and widget.isVisible()
                and not widget.busy
                and widget.import_button.isEnabled()
            ):
                widget.import_button.click()

    timer = QTimer()
    timer.timeout.connect(press)
    timer.start(20)
    return timer


def test_run_import_dialog_asks_for_a_file_and_reports_the_outcome(qtbot, tmp_path, monkeypatch):
    db = fresh_db(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    assert run_import_dialog(None, db) is False
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(VALID), ""))
    timer = _press_import_when_ready()
    try:
        assert run_import_dialog(None, db) is True
    finally:
        timer.stop()
    assert len(records(db)) == 3


@pytest.fixture
def window_on_own_db(open_window, tmp_path):
    return open_window(fresh_db(tmp_path), size=None)


@pytest.mark.parametrize("how", ["menu", "Ctrl+I"])
def test_file_import_events_from_the_menu_and_the_shortcut(
    qtbot, window_on_own_db, monkeypatch, how
):
    """File → Import events… and Ctrl+I open the file chooser, then the dialog; after
    Import the window shows the new events."""
    window = window_on_own_db
    asked = []
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *a, **k: asked.append(a) or (str(VALID), "")
    )
    assert window.controller.total_count == 0
    action = window.act_import
    assert action in window.file_menu.actions() and action.text() == "&Import events…"
    timer = _press_import_when_ready()
    try:
        if how == "menu":
            action.trigger()
        else:
            window.activateWindow()
            qtbot.waitUntil(window.isActiveWindow)
            qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    finally:
        timer.stop()
    assert len(asked) == 1
    assert window.controller.total_count == 3
    assert "Import finished" in window.statusBar().currentMessage()
    assert len(window.timeline.plot.content.lanes.event) == 3


def test_dialog_module_runs_no_sql():
    source = Path(import_dialog.__file__).read_text(encoding="utf-8")
    assert "execute(" not in source and "sqlite3" not in source


def test_bundled_database_is_previewed_but_not_imported_into(qtbot, bundled_db):
    before = sha256(bundled_db)
    dialog = opened(qtbot, bundled_db, VALID)
    assert dialog.tabs.tabText(0) == "To be added (3)"
    assert "Preview only" in dialog.summary.text() and "db init" in dialog.summary.text()
    assert not dialog.import_button.isEnabled() and sha256(bundled_db) == before
