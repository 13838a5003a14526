"""File → Import…: the preview shows what would be added, changed and rejected; Import
writes exactly what `cspo-viewer import` would, and nothing when anything is rejected."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog

from cspo_viewer.data.interchange import ImportOptions, import_file
from cspo_viewer.ui import import_dialog
from cspo_viewer.ui.import_dialog import ImportDialog, run_import_dialog
from tests.conftest import sha256
from tests.interchange_support import FIXTURES, dump_text, fresh_db, records

VALID = FIXTURES / "interchange" / "valid_bom.csv"
INVALID = FIXTURES / "interchange" / "invalid.csv"
TLJS = FIXTURES / "timelinejs" / "group_sample.json"


def cells(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def test_preview_lists_events_to_add_and_import_writes_them(qtbot, tmp_path):
    db = fresh_db(tmp_path)
    before = sha256(db)
    dialog = ImportDialog(db, VALID)
    qtbot.addWidget(dialog)
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
    assert dialog.imported and dialog.result() == QDialog.DialogCode.Accepted
    assert sorted(r["title"] for r in records(db)) == [
        "A year",
        "Florence Principals' Board, 2024",
        "Observers join",
    ]


def test_rejected_rows_are_listed_with_reasons_and_block_the_import(qtbot, tmp_path):
    db = fresh_db(tmp_path)
    dialog = ImportDialog(db, INVALID)
    qtbot.addWidget(dialog)
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
    dialog = ImportDialog(fresh_db(tmp_path), VALID)
    qtbot.addWidget(dialog)
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
    assert dialog.added_table.item(0, 1).toolTip() == dialog.added_table.item(0, 1).text()


def test_changed_events_follow_the_conflict_choice(qtbot, tmp_path):
    db = fresh_db(tmp_path)
    assert import_file(db, FIXTURES / "interchange" / "valid.json").written
    edited = tmp_path / "edited.json"
    text = (FIXTURES / "interchange" / "valid.json").read_text(encoding="utf-8")
    edited.write_text(text.replace("Principals' Board", "Principals' Board (renamed)"))
    # a new title gives a new derived id only when the id is not given; this one is given
    dialog = ImportDialog(db, edited)
    qtbot.addWidget(dialog)
    assert [row[2] for row in cells(dialog.changed_table)] == ["title"]
    assert not dialog.import_button.isEnabled()  # kept as it is: nothing to do
    assert "kept as they are" in dialog.notes.text()
    dialog.conflict_box.setCurrentIndex(1)  # replace
    assert "1 to change" in dialog.summary.text() and dialog.import_button.isEnabled()
    dialog.import_button.click()
    assert dialog.imported
    assert "Principals' Board (renamed)" in {r["title"] for r in records(db)}


def test_group_choice_previews_new_kinds(qtbot, tmp_path):
    db = fresh_db(tmp_path)
    dialog = ImportDialog(db, TLJS)
    qtbot.addWidget(dialog)
    assert "--map-group" in dialog.notes.text()
    dialog.group_box.setCurrentIndex(1)  # new kinds
    assert "--map-group" not in dialog.notes.text()
    dialog.import_button.click()
    with_dialog = dump_text(db)
    cli_db = fresh_db(tmp_path, "cli.db")
    import_file(cli_db, TLJS, ImportOptions(map_group="kind"))
    assert dump_text(cli_db) == with_dialog  # the window imports what the command imports


def test_unreadable_file_shows_the_error(qtbot, tmp_path):
    db = fresh_db(tmp_path)
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\x00\x00")
    dialog = ImportDialog(db, binary)
    qtbot.addWidget(dialog)
    assert "is not a text file" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()


def test_large_file_shows_progress_and_can_be_cancelled(qtbot, tmp_path):
    db = fresh_db(tmp_path)
    big = tmp_path / "big.csv"
    rows = [f"2020-01-{1 + i % 28:02d},Event {i},Bulk" for i in range(20_000)]
    big.write_text("date,title,source_title\n" + "\n".join(rows) + "\n", encoding="utf-8")
    dialog = ImportDialog(db, None)
    qtbot.addWidget(dialog)
    dialog.progress_bytes = 1
    seen: list[str] = []
    original = ImportDialog._progress_callback

    def spy(progress_dialog):
        update = original(progress_dialog)

        def wrapped(progress):
            seen.append(progress.phase)
            update(progress)

        return wrapped

    dialog._progress_callback = spy  # type: ignore[method-assign]
    dialog.set_file(big)
    assert "20000 to add" in dialog.summary.text() and "checking" in seen
    before = sha256(db)

    def cancel(progress_dialog):
        def update(progress):
            raise import_dialog.ImportCancelled

        return update

    dialog._progress_callback = cancel  # type: ignore[method-assign]
    dialog.import_button.click()
    assert "Cancelled; nothing was imported." in dialog.summary.text()
    assert not dialog.imported and sha256(db) == before


def test_run_import_dialog_asks_for_a_file_and_reports_the_outcome(qtbot, tmp_path, monkeypatch):
    db = fresh_db(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    assert run_import_dialog(None, db) is False
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(VALID), ""))

    def press_import():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, ImportDialog) and widget.isVisible():
                widget.import_button.click()

    QTimer.singleShot(0, press_import)
    assert run_import_dialog(None, db) is True
    assert len(records(db)) == 3


def test_dialog_module_runs_no_sql():
    source = Path(import_dialog.__file__).read_text(encoding="utf-8")
    assert "execute(" not in source and "sqlite3" not in source


def test_bundled_database_is_previewed_but_not_imported_into(qtbot, bundled_db):
    before = sha256(bundled_db)
    dialog = ImportDialog(bundled_db, VALID)
    qtbot.addWidget(dialog)
    assert dialog.tabs.tabText(0) == "To be added (3)"
    assert "Preview only" in dialog.summary.text() and "db init" in dialog.summary.text()
    assert not dialog.import_button.isEnabled() and sha256(bundled_db) == before
