"""Keeping the record current from the window, driven as an analyst does it: the menus and
shortcuts, the form, a source's text, a quote captured from it, undo and redo, a restart,
then `history` and `export` on the same file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from cspo_viewer.data.history import read_history
from cspo_viewer.data.store import open_store
from cspo_viewer.ui.app import _reopen_last
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.edit_actions import EditActions
from cspo_viewer.ui.event_editor import EventEditor
from cspo_viewer.ui.main_window import MainWindow
from cspo_viewer.ui.source_dialog import NOT_FOUND, VERBATIM, QuoteDialog, SourceDialog
from tests.conftest import SHARED, sha256
from tests.ui.test_briefing import action, right_click

TEDMAN = (
    "CSpO provides a unique forum for likeminded space leaders to discuss threats and risks "
    "to the domain and agree a collective response."
)
# A few sentences of the UK MOD release (17 Dec 2025), as a person would paste them.
UK_MOD_TEXT = (
    "UK meets with international coalition to keep space safe\n\n"
    "The UK has joined its allies at the Combined Space Operations Principals' Board in "
    "Toulouse, France.\n\n"
    "Major General Paul Tedman, Commander UK Space Command, said:\n\n"
    f"{TEDMAN}\n"
)
KNIGHTON_FILE = SHARED / "sources" / "002_c5ee2a0f123f2f7a.txt"
KNIGHTON = "No nation can do this alone – space is truly a global endeavour"
TITLE_7 = "Seven-nation Multinational Statement for Combined Space Operations"
ALL_TEN = ("AUS", "CAN", "FRA", "DEU", "ITA", "JPN", "NZL", "NOR", "GBR", "USA")


def open_window(qtbot, db: Path, settings_file: Path) -> MainWindow:
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    window = MainWindow(Controller(open_store(db)), settings, remember=True)
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    return window


def edits_of(window: MainWindow) -> EditActions:
    return window.edits


def menu_action(window: MainWindow, menu_title: str, text: str):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == menu_title)
    return next(a for a in menu.actions() if a.text() == text)


def save_copy_when_asked(monkeypatch, target: Path, asked: list[str]) -> None:
    """Answer "Save" to the offer to save a copy, and name the copy."""

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Save

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))


def fill_toulouse(editor: EventEditor) -> None:
    editor.title.setText("Toulouse Principals' Board")
    editor.date.setText("2025-12-02")
    editor.end_date.setText("2025-12-04")
    editor.kind.setCurrentIndex(editor.kind.findData("principals-meeting"))
    editor.location.setText("Toulouse, France")
    for i in range(editor.nations.count()):
        editor.nations.item(i).setCheckState(Qt.CheckState.Checked)
    editor.summary_edit.setPlainText(
        "The Principals' Board met at the new French Space Command headquarters, with all "
        "ten nations and a tabletop exercise."
    )


def capture_quote(
    qtbot, dialog: SourceDialog, passage: str, speaker: str, role: str
) -> QuoteDialog:
    """Select the passage in the reader and Quote this…, as a person does."""
    assert dialog.select_passage(passage)
    assert dialog.quote_button.isEnabled()
    dialog.quote_button.click()
    quote = next(w for w in dialog.findChildren(QuoteDialog) if w.isVisible())
    assert quote.text.toPlainText() == passage
    quote.speaker.setText(speaker)
    quote.role.setText(role)
    assert quote.status.text() == VERBATIM
    quote.buttons.accepted.emit()
    return quote


def test_add_the_toulouse_board_with_a_captured_quote_undo_redo_restart(
    qtbot, bundled_db, tmp_path, monkeypatch
):
    before = sha256(bundled_db)
    mine = tmp_path / "my-record.db"
    settings_file = tmp_path / "settings.ini"
    asked: list[str] = []
    save_copy_when_asked(monkeypatch, mine, asked)
    window = open_window(qtbot, bundled_db, settings_file)
    n = window.controller.total_count  # the bundled record's events

    # 1. Edit → New event… on the bundled record offers a copy of my own, then the form.
    menu_action(window, "&Edit", "&New event…").trigger()
    assert asked and "never changed" in asked[0]
    assert window.controller.db_path == mine and sha256(bundled_db) == before
    editor = edits_of(window).editor
    assert editor is not None and editor.isVisible()
    assert not editor.save_button.isEnabled()  # nothing typed yet: title, date, source

    # 2. The Toulouse Board, with the UK MOD release as a new source and its quote.
    fill_toulouse(editor)
    editor.validate()
    assert editor.id_edit.text().startswith("2025-12-02-toulouse-principals-board-")
    assert editor.problems["sources"].text() == "empty; every event needs at least one source"
    assert not editor.save_button.isEnabled()
    editor.new_source_button.click()
    source = next(w for w in editor.findChildren(SourceDialog) if w.isVisible())
    source.edits["title"].setText("UK meets with international coalition to keep space safe")
    source.edits["publisher"].setText("UK Ministry of Defence")
    source.edits["date"].setText("2025-12-17")
    source.text.setPlainText(UK_MOD_TEXT)
    capture_quote(qtbot, source, TEDMAN, "Major General Paul Tedman", "Commander UK Space Command")
    source.reject()  # Close: the source was saved when the quote was taken
    assert editor.source_ids() and editor.quote_checks() == ["verbatim in the source"]
    assert editor.validate(), editor.checked.problems
    editor.save_button.click()
    assert not editor.isVisible()
    c = window.controller
    eid = editor.saved.steps[0].event_id
    assert c.selected == eid and c.total_count == n + 1
    assert window.detail.title_label.text() == "Toulouse Principals' Board"
    assert "added" in window.detail.history_view.toPlainText()
    assert c.detail(eid).quotes[0].speaker == "Major General Paul Tedman"
    assert sorted(c.detail(eid).row.nations) == sorted(ALL_TEN)

    # 3. Undo, then redo, by their shortcuts; the menu names the step.
    assert menu_action(window, "&Edit", "&Undo Add “Toulouse Principals' Board”")
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert c.total_count == n and c.table.index_of(eid) is None
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(window, Qt.Key.Key_Z, ctrl_shift)
    assert c.total_count == n + 1 and c.table.index_of(eid) is not None
    window.close()
    c.store.close()

    # 4. Restart: the window reopens my record, and the event is there.
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    store, note = _reopen_last(open_store(bundled_db), settings)
    assert note is None and store.path == mine
    reopened = MainWindow(Controller(store), settings, remember=True)
    qtbot.addWidget(reopened)
    assert reopened.controller.table.index_of(eid) is not None
    reopened.close()
    store.close()

    # 5. `history` lists the add (and the undo and redo); `export` names it on the slide.
    with open_store(mine) as s:
        actions = [ch.action for ch in read_history(s.conn, eid)]
    assert actions == ["redo", "undo", "add"]
    listing = subprocess.run(
        [sys.executable, "-m", "cspo_viewer", "history", eid, "--db", str(mine)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "added" in listing.splitlines()[-1] and "Toulouse Principals' Board" in listing
    out = tmp_path / "brief.png"
    export = subprocess.run(
        [sys.executable, "-m", "cspo_viewer", "export", "--out", str(out), "--db", str(mine)],
        capture_output=True,
        text=True,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert export.returncode == 0, export.stderr
    assert f"named {n + 1} of {n + 1} events on the timeline" in export.stderr
    assert sha256(bundled_db) == before


@pytest.mark.skipif(not KNIGHTON_FILE.exists(), reason="needs shared/sources beside the checkout")
def test_a_quote_selected_from_a_document_read_from_a_file(qtbot, db_copy, tmp_path, monkeypatch):
    window = open_window(qtbot, db_copy, tmp_path / "settings.ini")
    window.controller.select("2024-12-03-florence-principals-board")
    menu_action(window, "&Edit", "&Edit event…").trigger()
    editor = edits_of(window).editor
    assert editor is not None and editor.id_edit.isReadOnly()
    quotes_before = len(editor.fields()["quotes"])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(KNIGHTON_FILE), ""))
    editor.new_source_button.click()
    source = next(w for w in editor.findChildren(SourceDialog) if w.isVisible())
    source.read_button.click()
    qtbot.waitUntil(lambda: not source.reading, timeout=10_000)
    assert KNIGHTON in source.text.toPlainText()
    source.edits["title"].setText("International cooperation at the heart of space security")
    source.edits["publisher"].setText("UK Ministry of Defence (from a file)")
    capture_quote(
        qtbot, source, KNIGHTON, "Air Chief Marshal Sir Richard Knighton", "Chief of the Air Staff"
    )
    source.reject()
    assert editor.quote_checks()[-1] == "verbatim in the source"
    assert editor.validate(), editor.checked.problems
    editor.save_button.click()
    detail = window.controller.detail("2024-12-03-florence-principals-board")
    assert len(detail.quotes) == quotes_before + 1 and detail.quotes[-1].text == KNIGHTON
    assert window.detail.history_view.toPlainText().count("edited") == 1


def test_a_hand_typed_quote_is_checked_against_the_source_text(qtbot, db_copy, tmp_path):
    window = open_window(qtbot, db_copy, tmp_path / "settings.ini")
    window.controller.select("2024-12-06-florence-joint-statement")
    QTest.keyClick(window, Qt.Key.Key_F2)
    editor = edits_of(window).editor
    dialog = editor.add_quote()
    dialog.text.setPlainText("Principals reiterated their national commitments")
    assert dialog.status.text() == VERBATIM
    dialog.text.setPlainText("Principals reiterated their  national\n commitments")
    assert dialog.status.text() == VERBATIM  # whitespace does not count
    dialog.text.setPlainText("Principals reiterated their \u201cnational\u201d commitments")
    assert dialog.status.text() == NOT_FOUND
    dialog.reject()
    editor.reject()


def test_delete_asks_naming_the_event_and_undo_brings_it_back(
    qtbot, db_copy, tmp_path, monkeypatch
):
    window = open_window(qtbot, db_copy, tmp_path / "settings.ini")
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    eid = "2019-04-10-seven-nation-statement"
    window.controller.select(eid)
    window.timeline.setFocus()
    QTest.keyClick(window, Qt.Key.Key_Delete)
    assert len(asked) == 1 and TITLE_7 in asked[0]
    assert window.controller.table.index_of(eid) is None
    assert window.edits.act_undo.text() == f"&Undo Delete “{TITLE_7}”"
    window.edits.act_undo.trigger()
    assert window.controller.table.index_of(eid) is not None


def test_saving_over_a_change_made_elsewhere_keeps_the_form(qtbot, db_copy, tmp_path):
    import sqlite3

    window = open_window(qtbot, db_copy, tmp_path / "settings.ini")
    eid = "2024-12-06-florence-joint-statement"
    window.controller.select(eid)
    window.edits.act_edit.trigger()
    editor = window.edits.editor
    editor.location.setText("Mine, typed in the form")
    conn = sqlite3.connect(db_copy)
    with conn:
        conn.execute("UPDATE events SET location = 'Theirs' WHERE id = ?", [eid])
    conn.close()
    editor.save_button.click()
    assert editor.isVisible() and "changed by another program" in editor.summary.text()
    assert editor.location.text() == "Mine, typed in the form"
    assert window.controller.check_for_outside_changes()
    assert "Another program changed" in window.statusBar().currentMessage()
    assert window.controller.detail(eid).row.location == "Theirs"
    editor.reject()


def test_a_read_only_record_is_one_sentence_and_the_form_stays(qtbot, db_copy, tmp_path):
    import os

    window = open_window(qtbot, db_copy, tmp_path / "settings.ini")
    window.edits.act_new.trigger()
    editor = window.edits.editor
    fill_toulouse(editor)
    editor.sources.addItem("x")  # a stored source, as Add stored… puts it
    editor.sources.item(0).setData(Qt.ItemDataRole.UserRole, "src-9f489d6352")
    os.chmod(db_copy, 0o444)
    try:
        editor.validate()
        editor.save_button.click()
    finally:
        os.chmod(db_copy, 0o644)
    assert editor.isVisible() and "read-only" in editor.summary.text()
    assert editor.title.text() == "Toulouse Principals' Board"
    editor.reject()


def test_hostile_text_is_shown_as_typed(qtbot, db_copy, tmp_path):
    window = open_window(qtbot, db_copy, tmp_path / "settings.ini")
    window.edits.act_new.trigger()
    editor = window.edits.editor
    fill_toulouse(editor)
    hostile = "<b>bold</b> <img src=x> &amp;"
    editor.title.setText(hostile)
    editor.sources.addItem("x")
    editor.sources.item(0).setData(Qt.ItemDataRole.UserRole, "src-9f489d6352")
    assert editor.validate()
    editor.save_button.click()
    assert window.detail.title_label.text() == hostile
    assert hostile in window.detail.plain_text()
    QApplication.processEvents()


def _form_with_toulouse(window: MainWindow) -> EventEditor:
    window.edits.act_new.trigger()
    editor = window.edits.editor
    fill_toulouse(editor)
    editor.sources.addItem("x")  # a stored source, as Add stored… puts it
    editor.sources.item(0).setData(Qt.ItemDataRole.UserRole, "src-9f489d6352")
    assert editor.validate()
    return editor


def test_a_locked_record_is_one_sentence_and_the_form_stays(qtbot, db_copy, tmp_path, monkeypatch):
    import sqlite3

    monkeypatch.setattr("cspo_viewer.data.writing.LOCK_WAIT_MS", 100)
    window = open_window(qtbot, db_copy, tmp_path / "settings.ini")
    n = window.controller.total_count
    editor = _form_with_toulouse(window)
    other = sqlite3.connect(db_copy, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program is writing
    try:
        editor.save_button.click()
    finally:
        other.rollback()
        other.close()
    assert editor.isVisible() and "in use by another program" in editor.summary.text()
    assert editor.summary.text().count(". ") == 0 and editor.location.text() == "Toulouse, France"
    editor.save_button.click()  # the other program finished: now it saves
    assert not editor.isVisible() and window.controller.total_count == n + 1


def test_a_vanished_record_is_one_sentence_and_the_form_stays(qtbot, db_copy, tmp_path):
    window = open_window(qtbot, db_copy, tmp_path / "settings.ini")
    editor = _form_with_toulouse(window)
    moved = db_copy.with_name("moved.db")
    db_copy.rename(moved)
    editor.save_button.click()
    assert editor.isVisible() and str(db_copy) in editor.summary.text()
    assert editor.title.text() == "Toulouse Principals' Board"
    editor.reject()


def test_a_document_that_cannot_be_read_is_one_sentence(qtbot, db_copy, tmp_path, monkeypatch):
    window = open_window(qtbot, db_copy, tmp_path / "settings.ini")
    editor = _form_with_toulouse(window)
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x00\x01\x02binary\xff" * 100)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(binary), ""))
    dialog = editor.new_source()
    dialog.text.setPlainText("Kept as it was.")
    dialog.read_button.click()
    qtbot.waitUntil(lambda: not dialog.reading, timeout=10_000)
    assert "scan.txt" in dialog.status.text() and dialog.status.text().count(". ") == 0
    assert dialog.text.toPlainText() == "Kept as it was."
    dialog.reject()
    editor.reject()


def test_undo_history_says_what_each_step_did(qtbot, db_copy, tmp_path):
    from PySide6.QtWidgets import QUndoView

    window = open_window(qtbot, db_copy, tmp_path / "settings.ini")
    editor = _form_with_toulouse(window)
    editor.save_button.click()
    menu_action(window, "&Edit", "Undo &history…").trigger()
    view = window.edits.history_dialog.findChild(QUndoView)
    rows = [view.model().index(r, 0).data() for r in range(view.model().rowCount())]
    assert rows == ["The record as opened", "Add “Toulouse Principals' Board”"]


def double_click(widget, pos) -> None:
    """The events a mouse's double-click sends (QTest.mouseDClick leaves out the first
    release, so a view never reports doubleClicked from it)."""
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent

    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    point = QPointF(pos)
    for kind, buttons in (
        (QEvent.Type.MouseButtonPress, left),
        (QEvent.Type.MouseButtonRelease, none),
        (QEvent.Type.MouseButtonDblClick, left),
        (QEvent.Type.MouseButtonRelease, none),
    ):
        event = QMouseEvent(
            kind, point, widget.mapToGlobal(point), left, buttons, Qt.KeyboardModifier.NoModifier
        )
        QApplication.sendEvent(widget, event)


def test_double_click_in_the_list_and_the_panes_menu_open_the_form(qtbot, db_copy, tmp_path):
    from PySide6.QtCore import QPoint

    window = open_window(qtbot, db_copy, tmp_path / "settings.ini")
    eid = "2022-02-22-vision-2031-released"
    window.controller.select(eid)
    view = window.event_list.view
    index = view.model().index(window.event_list.row_of(eid), 1)
    view.scrollTo(index)
    rect = view.visualRect(index)
    double_click(view.viewport(), rect.center())
    editor = window.edits.editor
    assert editor is not None and editor.isVisible() and editor.editing == eid
    editor.reject()
    right_click(window.detail, QPoint(30, 30))
    menu = window.detail.event_menu.menu
    names = [a.text().replace("&", "") for a in menu.actions() if a.text()]
    assert {"Edit event…", "Duplicate event", "Delete event…"} <= set(names)
    action(menu, "Edit event…").trigger()
    assert window.edits.editor is not editor and window.edits.editor.editing == eid
    window.edits.editor.reject()


def test_duplicate_makes_an_event_of_its_own(qtbot, db_copy, tmp_path):
    window = open_window(qtbot, db_copy, tmp_path / "settings.ini")
    c = window.controller
    n = c.total_count
    eid = "2024-12-06-florence-joint-statement"
    c.select(eid)
    QTest.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    editor = window.edits.editor
    assert editor.title.text().endswith("(copy)") and not editor.id_edit.isReadOnly()
    assert editor.id_edit.text() != eid
    assert editor.validate(), editor.checked.problems
    editor.save_button.click()
    copy = c.selected
    assert c.total_count == n + 1 and copy != eid
    original, duplicate = c.detail(eid), c.detail(copy)
    assert duplicate.statement_text == original.statement_text
    assert [q.text for q in duplicate.quotes] == [q.text for q in original.quotes]
    assert {q.id for q in duplicate.quotes}.isdisjoint(q.id for q in original.quotes)


def test_the_forms_tabs_hold_every_field_the_checker_reads_once():
    from cspo_viewer.data.edits import FORM_FIELDS
    from cspo_viewer.ui.event_editor import TAB_FIELDS

    placed = [name for names in TAB_FIELDS.values() for name in names]
    assert sorted(placed) == sorted(FORM_FIELDS)  # each field on one tab, none left out


def test_undo_of_a_record_changed_elsewhere_is_refused_in_one_sentence(
    qtbot, db_copy, tmp_path, monkeypatch
):
    """Ctrl+Z over an event another program changed since the edit: the window says so
    (status bar and a warning), keeps their change, and the step leaves the stack."""
    import sqlite3

    warned: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "cspo_viewer.ui.undo_steps.warn", lambda parent, title, text: warned.append((title, text))
    )
    window = open_window(qtbot, db_copy, tmp_path / "settings.ini")
    eid = "2024-12-06-florence-joint-statement"
    window.controller.select(eid)
    window.edits.act_edit.trigger()
    editor = window.edits.editor
    editor.location.setText("Mine, typed in the form")
    editor.save_button.click()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=5000)
    with sqlite3.connect(db_copy) as conn:
        conn.execute("UPDATE events SET location = 'Theirs' WHERE id = ?", [eid])
    window.timeline.setFocus()
    QTest.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(warned), timeout=5000)
    ((title, sentence),) = warned
    assert title == "Cannot undo" and "another program" in sentence
    assert window.statusBar().currentMessage() == sentence
    assert not window.edits.stack.canUndo()  # the step left the stack
    window.controller.check_for_outside_changes()
    assert window.controller.detail(eid).row.location == "Theirs"


def test_editing_one_field_changes_only_that_field(qtbot, db_copy, tmp_path):
    """F2, a new location, Save: the stored event differs in its location alone (its
    evidence, which the form does not show, is kept), and the history says "location"."""
    from cspo_viewer.data.event_record import load_record

    eid = "2024-12-06-florence-joint-statement"
    with open_store(db_copy) as store:
        before = load_record(store.conn, eid)
    assert before is not None and before["evidence"]
    window = open_window(qtbot, db_copy, tmp_path / "settings.ini")
    window.controller.select(eid)
    window.timeline.setFocus()
    QTest.keyClick(window, Qt.Key.Key_F2)
    editor = edits_of(window).editor
    editor.location.setText("Firenze, Italia")
    editor.save_button.click()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=5000)
    with open_store(db_copy) as store:
        after = load_record(store.conn, eid)
        (change,) = read_history(store.conn, eid)
    assert after is not None
    assert {k for k in before if before[k] != after[k] and k not in ("nations", "themes")} == {
        "location"
    }
    assert sorted(after["nations"]) == sorted(before["nations"])
    assert change.changed_fields() == ["location"]
    assert "edited (location)" in window.detail.history_view.toPlainText()
