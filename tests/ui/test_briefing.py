"""Copy for a briefing and compare two statements, driven as an analyst does: right-click
menus on the timeline, list and detail pane, Ctrl+click in the list, the Edit menu."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu

from cspo_viewer.data.briefing_note import citation
from cspo_viewer.ui.compare_dialog import CompareDialog, EventPicker
from tests.data.test_compare import BOARD, FLORENCE, SEVEN, add_two_statements
from tests.ui.test_main_window import marker_point, zoom_to_event

MOU = "2014-09-22-mou-signed-ottawa"
HOSTILE = '<img src="http://example.invalid/x.png"><b>bold</b> & <script>x()</script>'


@pytest.fixture(autouse=True)
def empty_clipboard_afterwards():
    """Qt's offscreen platform crashes at process exit (SIGSEGV after the last test) while
    its clipboard still holds a QMimeData made from Python; a desktop platform (xcb)
    does not. Empty it after each test so the run's exit code stays meaningful."""
    yield
    QGuiApplication.clipboard().clear()


@pytest.fixture
def two_statements(db_copy):
    return add_two_statements(db_copy)


@pytest.fixture
def window(open_window, two_statements):
    w = open_window(two_statements)
    yield w
    for dialog in w.findChildren(CompareDialog) + w.findChildren(EventPicker):
        dialog.close()


def right_click(target, pos: QPoint) -> None:
    """What a right mouse button sends a widget (a context-menu event at ``pos``)."""
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, target.mapToGlobal(pos))
    QApplication.sendEvent(target, event)


def action(menu: QMenu, text: str):
    for act in menu.actions():
        if act.text().replace("&", "") == text:
            return act
    raise AssertionError(f"no {text!r} in {[a.text() for a in menu.actions()]}")


def list_row_point(window, event_id: str) -> QPoint:
    view = window.event_list.view
    index = window.event_list.model.index(window.event_list.row_of(event_id), 1)
    view.scrollTo(index)
    return view.visualRect(index).center()


def names(menu: QMenu) -> list[str]:
    """The menu's enabled entries as a person reads them."""
    return [a.text().replace("&", "") for a in menu.actions() if a.text() and a.isEnabled()]


def header(menu: QMenu) -> str:
    """The greyed first line naming the event the menu acts on."""
    first = menu.actions()[0]
    assert not first.isEnabled()
    return first.text()


def clipboard_mime():
    return QGuiApplication.clipboard().mimeData()


# --- copy ---------------------------------------------------------------------------
def test_list_menu_copies_a_briefing_note_as_text_and_html(window, qtbot):
    QGuiApplication.clipboard().clear()
    point = list_row_point(window, FLORENCE)
    qtbot.mouseClick(window.event_list.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    right_click(window.event_list.view.viewport(), point)
    menu = window.event_list.event_menu.menu
    assert menu is not None and menu.isVisible()
    assert header(menu) == "Florence joint statement"
    action(menu, "Copy as briefing note").trigger()
    mime = clipboard_mime()
    assert mime.hasText() and mime.hasHtml()
    text = mime.text()
    title = window.controller.detail(FLORENCE).row.title
    assert text.splitlines()[:2] == [title, "6 Dec 2024 · Florence, Italy"]
    assert text.splitlines()[2] == (  # issue 22: who took part
        "Nations: Australia, Canada, France, Germany, Italy, Japan, New Zealand, Norway,"
        " United Kingdom, United States"
    )
    assert "Nations: Australia, Canada, France" in mime.html()
    assert "— CSpO Initiative Principals, Joint statement of the Principals' Board [1]" in text
    assert "\n[4] Arab News Japan" in text
    assert "<ol><li>" in mime.html() and "<blockquote>" in mime.html()
    assert "briefing note" in window.statusBar().currentMessage()


def test_detail_pane_menu_copies_the_citation(window):
    window.controller.select(FLORENCE)
    pane = window.detail
    label = pane.title_label
    right_click(label, label.rect().center())  # the label passes the click up to the pane
    menu = pane.event_menu.menu
    assert menu is not None
    action(menu, "Copy citation").trigger()
    expected = citation(window.controller.detail(FLORENCE))
    assert QGuiApplication.clipboard().text() == expected
    assert "\n" not in expected and expected.count("; ") == 3


def test_detail_pane_menu_offers_copy_of_selected_text(window):
    window.controller.select(FLORENCE)
    pane = window.detail
    label = pane.title_label
    label.setSelection(0, 5)
    right_click(label, label.rect().center())
    menu = pane.event_menu.menu
    assert names(menu)[:2] == ["Copy", "Copy as briefing note"]
    action(menu, "Copy").trigger()
    assert QGuiApplication.clipboard().text() == "Joint"


def visible_menu() -> QMenu:
    menus = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()]
    assert len(menus) == 1, "expected one open context menu"
    return menus[0]


def test_timeline_menu_on_a_marker_offers_the_event_actions(window, qtbot):
    zoom_to_event(window, MOU)
    point = marker_point(window, MOU)
    qtbot.mouseClick(window.timeline.viewport(), Qt.MouseButton.RightButton, pos=point)
    menu = visible_menu()
    # The timeline's own entry (pin the label) first, then this feature's, then editing's,
    # then a note tied to the event.
    assert names(menu) == [
        "Always label this event",
        "Copy as briefing note",
        "Copy citation",
        "Compare with…",
        "Copy timeline image",
        "Edit event…",
        "Duplicate event",
        "Delete event…",
        "Add note…",
    ]
    action(menu, "Copy as briefing note").trigger()
    menu.close()
    assert clipboard_mime().text().startswith(window.controller.detail(MOU).row.title + "\n")
    assert clipboard_mime().hasHtml()


def test_timeline_menu_compares_with_a_picked_event(window, qtbot):
    zoom_to_event(window, MOU)
    qtbot.mouseClick(
        window.timeline.viewport(), Qt.MouseButton.RightButton, pos=marker_point(window, MOU)
    )
    menu = visible_menu()
    action(menu, "Compare with…").trigger()
    menu.close()
    (picker,) = window.findChildren(EventPicker)
    picker.choose(FLORENCE)
    picker.accept()
    dialog = open_dialog(window)
    assert (dialog.comparison.a.row.id, dialog.comparison.b.row.id) == (MOU, FLORENCE)


def test_edit_menu_copies_the_timeline_image(window):
    QGuiApplication.clipboard().clear()
    edit = window.briefing.menu
    assert [m.title() for m in [a.menu() for a in window.menuBar().actions()] if m][:2] == [
        "&File",
        "&Edit",
    ]
    action(edit, "Copy timeline image").trigger()
    image = QGuiApplication.clipboard().image()
    assert not image.isNull()
    ratio = window.timeline.devicePixelRatioF()
    assert (image.width(), image.height()) == (
        round(window.timeline.width() * ratio),
        round(window.timeline.height() * ratio),
    )
    # It is the drawn timeline, not a blank picture: markers and axis in many colours.
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 10


def test_edit_menu_copy_actions_follow_the_selection(window):
    edit = window.briefing.menu
    window.controller.select(None)
    assert not action(edit, "Copy as briefing note").isEnabled()
    window.controller.select(SEVEN)
    act = action(edit, "Copy as briefing note")
    assert act.isEnabled() and act.shortcut().toString() == "Ctrl+Shift+C"
    act.trigger()
    assert clipboard_mime().text().startswith("Seven-nation Multinational Statement")


# --- compare --------------------------------------------------------------------------
def open_dialog(window) -> CompareDialog:
    dialogs = window.findChildren(CompareDialog)
    assert len(dialogs) == 1
    return dialogs[0]


def test_ctrl_click_two_rows_then_compare_selected(window, qtbot):
    view = window.event_list.view
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=list_row_point(window, FLORENCE)
    )
    seven = list_row_point(window, SEVEN)
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, seven
    )
    assert window.event_list.selected_ids() == [SEVEN, FLORENCE]
    assert window.controller.selected == SEVEN  # the detail pane shows the last one clicked
    right_click(view.viewport(), seven)
    action(window.event_list.event_menu.menu, "Compare selected").trigger()
    dialog = open_dialog(window)
    qtbot.waitExposed(dialog)
    assert not dialog.isModal()
    assert dialog.title_labels["a"].text().startswith("A  Seven-nation Multinational Statement")
    assert dialog.title_labels["b"].text().startswith("B  Joint Statement")
    assert dialog.note_label.text() == "Compared: the two statement texts, sentence by sentence."
    assert dialog.counts_label.text() == "3 shared · 1 near-identical · 1 only in A · 1 only in B"
    a, b = dialog.side_text("a"), dialog.side_text("b")
    assert "= The Principals met in Ottawa on Dec. 5, 2019." in a
    assert "+ An old sentence that only the first statement has." in a
    assert "+ A new paragraph that the second statement adds." in b
    assert "~ 1. Space is vital to our collective security and prosperity." in b
    html_b = dialog.side_source("b")
    assert '<span class="word">collective</span>' in html_b
    assert '<span class="word">and prosperity</span>' in html_b
    assert '<span class="only">A new paragraph' in html_b
    # Nations and themes each has that the other lacks; quotes of both.
    assert "NATIONS ONLY HERE\nItaly, Japan, Norway" in b
    assert "NATIONS ONLY HERE\n—" in a
    assert "Deterrence" in a and "Debris & ASAT tests" in b
    assert "“In part, CSpO collaboration includes enhanced Space Situational Awareness" in a
    assert "“Principals reaffirmed national commitments" in b
    assert "Both: nations Australia, Canada" in dialog.shared_label.text()
    assert dialog.resource_requests == []
    # Edit → Compare selected events does the same for the two rows.
    dialog.close()
    qtbot.waitUntil(lambda: not window.findChildren(CompareDialog))
    action(window.briefing.menu, "Compare selected events").trigger()
    assert open_dialog(window).comparison.b.row.id == FLORENCE
    # Ctrl+click on a selected row unselects it; the other stays selected and shown.
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, seven
    )
    assert window.event_list.selected_ids() == [FLORENCE]
    assert window.controller.selected == FLORENCE


def test_compare_with_picks_the_other_event(window, qtbot):
    window.controller.select(SEVEN)
    right_click(window.detail, QPoint(30, 30))
    action(window.detail.event_menu.menu, "Compare with…").trigger()
    (picker,) = window.findChildren(EventPicker)
    assert picker.isVisible()
    qtbot.keyClicks(picker.search, "Florence")
    # Dates as precise as known (the tabletop exercise is dated to the Board since issue 22).
    assert picker.shown() == [
        "2024-12-03  Florence tabletop exercise",
        "2024-12-03  Florence Board",
        "2024-12-06  Florence joint statement",
    ]
    qtbot.keyClicks(picker.search, " joint")
    assert picker.chosen() == FLORENCE
    qtbot.keyClick(picker.view, Qt.Key.Key_Return)
    dialog = open_dialog(window)
    assert dialog.comparison.a.row.id == SEVEN and dialog.comparison.b.row.id == FLORENCE


def compare_from_edit_menu(window, first: str, second: str) -> CompareDialog:
    """Select ``first``, Edit → Compare selected events, pick ``second`` in the picker."""
    window.controller.select(first)
    action(window.briefing.menu, "Compare selected events").trigger()
    (picker,) = window.findChildren(EventPicker)
    picker.choose(second)
    picker.accept()
    return open_dialog(window)


def test_edit_menu_compare_asks_for_the_second_event_when_one_is_selected(window):
    dialog = compare_from_edit_menu(window, FLORENCE, SEVEN)
    # The earlier event is A whichever was picked first.
    assert dialog.comparison.a.row.id == SEVEN


def test_events_without_statements_say_what_is_compared(open_window, qtbot, bundled_db, tmp_path):
    window = open_window(bundled_db)
    dialog = compare_from_edit_menu(window, FLORENCE, BOARD)
    assert dialog.note_label.text().startswith(f"{BOARD} has no statement text, so")
    assert "SUMMARY (no statement text)" in dialog.side_text("a")
    assert "SUMMARY\n" in dialog.side_text("b")
    dialog.close()


def test_hostile_text_is_escaped_in_the_dialog(open_window, qtbot, two_statements, tmp_path):
    with sqlite3.connect(two_statements) as conn:
        conn.execute(
            "UPDATE events SET title = ?, statement_text = statement_text || ? WHERE id = ?",
            [HOSTILE, " " + HOSTILE + ".", SEVEN],
        )
    dialog = compare_from_edit_menu(open_window(two_statements), SEVEN, FLORENCE)
    qtbot.waitExposed(dialog)
    assert dialog.title_labels["a"].text() == f"A  {HOSTILE}"
    assert HOSTILE in dialog.side_text("a")
    source = dialog.side_source("a")
    assert "<img" not in source and "<script>" not in source and "<b>bold" not in source
    assert "&lt;img src=&quot;http://example.invalid/x.png&quot;&gt;" in source
    assert dialog.resource_requests == []
    dialog.close()
