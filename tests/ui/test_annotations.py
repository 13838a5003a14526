"""Eras and notes in the window, as an analyst makes them: drag across the date axis and
Add era…, right-click for Add note… (at a date or on an event), edit and delete from the
right-click menu, Edit → Undo and Redo; what is stored, and what the timeline draws."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox

from cspo_viewer.data.annotations import Annotation, add_annotation, list_annotations
from cspo_viewer.data.dates import to_day
from cspo_viewer.data.store import open_store
from cspo_viewer.ui.annotation_actions import ADD_ERA_TEXT, ADD_NOTE_TEXT, CLEAR_SPAN_TEXT
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.main_window import MainWindow
from tests.conftest import sha256

JAPAN = "2023-12-05-japan-joins"


@pytest.fixture
def window(qtbot, db_copy, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(Controller(open_store(db_copy)), settings, remember=False)
    w.resize(1600, 1000)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.timeline.repaint()
    return w


def stored(db: Path) -> list[Annotation]:
    with open_store(db) as store:
        return list_annotations(store)


def painted(view):
    """The timeline's last frame, after it has painted what it now holds."""
    QApplication.processEvents()
    view.viewport().repaint()
    return view.item.frame


def strip_names(window) -> list[str]:
    painted(window.timeline)
    return list(window.timeline.item.frame.strip.label_text)


def edit_menu_action(window, text: str):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    return next(a for a in menu.actions() if a.text() == text)


def drag(view, start: QPoint, end: QPoint) -> None:
    """A left-button drag in the timeline's viewport, as the mouse sends it."""
    vp = view.viewport()
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    mods = Qt.KeyboardModifier.NoModifier

    def send(kind, pos: QPoint, button, buttons) -> None:
        local = QPointF(pos)
        event = QMouseEvent(kind, local, QPointF(vp.mapToGlobal(pos)), button, buttons, mods)
        QApplication.sendEvent(vp, event)

    send(QEvent.Type.MouseButtonPress, start, left, left)
    steps = 8
    for i in range(1, steps + 1):
        at = start + (end - start) * (i / steps)
        send(QEvent.Type.MouseMove, at, none, left)
    send(QEvent.Type.MouseButtonRelease, end, left, none)


def day_point(view, day: float, y_item: float) -> QPoint:
    """Viewport pixels of (day, item y)."""
    scene = view.item.mapToScene(QPointF(day, y_item))
    return view.mapFromScene(scene)


def axis_point(view, day: float) -> QPoint:
    axis = view.plot.day_axis.sceneBoundingRect()
    x = view.mapFromScene(view.item.mapToScene(QPointF(day, 0))).x()
    return QPoint(x, view.mapFromScene(axis.center()).y())


def action_named(menu: QMenu, start: str):
    return next(a for a in menu.actions() if a.text().startswith(start))


def test_drag_across_the_axis_then_add_era_stores_and_draws_it(window, db_copy, qtbot):
    view = window.timeline
    drag(view, axis_point(view, to_day("2020-03-15")), axis_point(view, to_day("2023-05-01")))
    lo, hi = view.marked_span
    assert abs(lo - to_day("2020-03-15")) < 15 and abs(hi - to_day("2023-05-01")) < 15
    # Right-click inside the marked days offers Add era…
    menu = view.background_menu(view.item.mapToScene(QPointF((lo + hi) / 2, 3.0)))
    action_named(menu, ADD_ERA_TEXT).trigger()
    dialog = window.annotating.dialog
    assert dialog.windowTitle() == "Add era"
    assert dialog.date_edit.text().startswith("2020-03") and dialog.end_edit.text()[:4] == "2023"
    dialog.title_edit.setText("COVID-19 pandemic")
    dialog.date_edit.setText("2020-03-11")
    dialog.end_edit.setText("2023-05-05")
    dialog.colour_edit.setText("#c0504d")
    assert dialog.save()
    [era] = stored(db_copy)
    assert (era.kind, era.title, era.date, era.end_date, era.colour) == (
        "era",
        "COVID-19 pandemic",
        "2020-03-11",
        "2023-05-05",
        "#c0504d",
    )
    assert "COVID-19 pandemic" in strip_names(window)
    assert view.marked_span is None  # the marked days became the era
    # Marked dates not wanted after all: the menu unmarks them.
    drag(view, axis_point(view, to_day("2016-01-01")), axis_point(view, to_day("2017-01-01")))
    assert view.marked_span is not None
    menu = view.background_menu(view.item.mapToScene(QPointF(to_day("2018-06-01"), 3.0)))
    assert [a.text() for a in menu.actions()] == [ADD_NOTE_TEXT, CLEAR_SPAN_TEXT]
    action_named(menu, CLEAR_SPAN_TEXT).trigger()
    assert view.marked_span is None
    # The band tints the lanes behind the period, and not before it.
    image = QImage(view.viewport().size(), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    view.viewport().render(image)
    lanes_top = view.item.notes_height + 0.1
    inside = day_point(view, to_day("2021-09-01"), lanes_top)
    before = day_point(view, to_day("2018-06-01"), lanes_top)
    tint, plain = QColor(image.pixel(inside)), QColor(image.pixel(before))
    assert tint.red() > tint.blue() + 10  # the era's red shows
    assert abs(plain.red() - plain.blue()) < 12


def test_add_note_on_an_event_ties_it_and_undo_redo_follow(window, db_copy):
    menu = window.timeline.event_menu(JAPAN)
    action_named(menu, ADD_NOTE_TEXT).trigger()
    dialog = window.annotating.dialog
    assert dialog.windowTitle() == "Add note" and dialog.date_edit.text() == "2023-12-05"
    dialog.title_edit.setText("Ask J5 for the accession brief")
    assert dialog.save()
    [note] = stored(db_copy)
    assert (note.kind, note.event_id, note.date) == ("note", JAPAN, "2023-12-05")
    # Near the right edge, the note's text ends with the mark at its date.
    assert "Ask J5 for the accession brief ▾" in strip_names(window)
    window.edits.act_undo.trigger()
    assert stored(db_copy) == []
    assert strip_names(window) == []
    assert window.edits.act_redo.text() == "&Redo Add note “Ask J5 for the accession brief”"
    window.edits.act_redo.trigger()
    assert stored(db_copy) == [note]
    assert "Ask J5 for the accession brief ▾" in strip_names(window)


def test_right_click_edits_and_deletes_what_is_under_the_cursor(window, db_copy):
    era = add_annotation(db_copy, Annotation("era", "Founding years", "2014-02", "2015-12"))
    note = add_annotation(db_copy, Annotation("note", "Seven sign", "2019-04-10"))
    window.controller.reload()
    view = window.timeline
    assert sorted(strip_names(window)) == ["Founding years", "▾ Seven sign"]
    # On the era's band, among the lanes: edit it.
    band = view.item.mapToScene(QPointF(to_day("2015-01-01"), view.item.notes_height + 0.5))
    menu = view.background_menu(band)
    action_named(menu, "&Edit era “Founding years”").trigger()
    dialog = window.annotating.dialog
    dialog.title_edit.setText("MoU years")
    assert dialog.save()
    assert [a.title for a in stored(db_copy)] == ["MoU years", "Seven sign"]
    # On the note's name in the strip: delete it; Undo brings it back with its id.
    frame = painted(view)
    at = frame.strip.label_text.index("▾ Seven sign")
    x = frame.plan.viewport.x0 + (frame.strip.label_x[at] + 5) / frame.plan.viewport.px_per_day
    line = frame.strip.label_line[at]
    menu = view.background_menu(view.item.mapToScene(QPointF(x, line + 0.5)))
    action_named(menu, "&Delete note “Seven sign”").trigger()
    assert [a.title for a in stored(db_copy)] == ["MoU years"]
    assert "▾ Seven sign" not in strip_names(window)
    window.edits.act_undo.trigger()
    assert [a.id for a in stored(db_copy)] == [era.id, note.id]
    window.edits.act_undo.trigger()  # and the rename
    assert [a.title for a in stored(db_copy)] == ["Founding years", "Seven sign"]


def test_a_bad_date_is_said_in_the_form_and_nothing_is_written(window, db_copy):
    window.controller.select(JAPAN)
    edit_menu_action(window, ADD_NOTE_TEXT).trigger()
    dialog = window.annotating.dialog
    before = sha256(db_copy)
    dialog.title_edit.setText("Leap day?")
    dialog.date_edit.setText("2023-02-29")
    assert not dialog.save()
    assert "not a real date" in dialog.problem.text()
    assert dialog.title_edit.text() == "Leap day?"  # what was typed is kept
    assert sha256(db_copy) == before


def test_the_bundled_record_offers_a_copy_first(qtbot, bundled_db, tmp_path, monkeypatch):
    asked: list[str] = []
    target = tmp_path / "mine.db"

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Save

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    w = MainWindow(Controller(open_store(bundled_db)), settings, remember=False)
    qtbot.addWidget(w)
    before = sha256(bundled_db)
    edit_menu_action(w, ADD_ERA_TEXT).trigger()
    assert asked and "bundled record is never changed" in asked[0]
    dialog = w.annotating.dialog
    dialog.title_edit.setText("Whole record")
    assert dialog.save()
    assert [a.title for a in stored(target)] == ["Whole record"]
    assert sha256(bundled_db) == before
    assert np.isfinite(to_day(stored(target)[0].date))


def test_hovering_an_era_or_note_shows_it_in_plain_text(window, db_copy, qtbot):
    from PySide6.QtWidgets import QToolTip

    add_annotation(db_copy, Annotation("era", "<b>Founding</b> years", "2014-02", "2015-12"))
    window.controller.reload()
    view = window.timeline
    painted(view)
    # Inside the era's band, in the Olympic Defender lane, where no event is before 2019.
    point = day_point(view, to_day("2015-02-15"), view.item.lanes_height - 0.3)
    assert view.hit_at_scene(view.mapToScene(point)) is None
    # What pyqtgraph's scene says when the mouse moves there (a synthetic move is not
    # delivered once an earlier test's window has had the pointer).
    view.scene().sigMouseMoved.emit(view.mapToScene(point))
    assert "Era: &lt;b&gt;Founding&lt;/b&gt; years<br>Feb 2014 – Dec 2015" in QToolTip.text()
    QToolTip.hideText()


def test_the_export_dialog_draws_what_the_window_shows(window, db_copy):
    from cspo_viewer.ui.export_dialog import ExportDialog

    era = add_annotation(db_copy, Annotation("era", "Shown", "2016", "2017"))
    add_annotation(db_copy, Annotation("note", "Hidden by the view", "2018"))
    window.controller.reload()
    assert ExportDialog(window).options().annotations is None  # all of them
    window.controller.session.annotation_ids = frozenset({era.id})
    window.controller.annotationsChanged.emit()
    assert strip_names(window) == ["Shown"]
    assert ExportDialog(window).options().annotations == (era.id,)
