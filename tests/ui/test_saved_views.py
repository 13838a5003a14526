"""Saved views in the window, driven through View → Save view as… and View → Saved views ▸
(and the export dialog's "Saved view" box) as an analyst does: what is stored in the
record, and what the window shows when a view is applied."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from cspo_viewer.data.dates import to_day
from cspo_viewer.data.filters import EventFilter
from cspo_viewer.data.saved_views import SavedView, save_view
from cspo_viewer.ui.export_dialog import ExportDialog
from cspo_viewer.ui.main_window import MainWindow
from cspo_viewer.ui.rich_text import literal
from tests.conftest import sha256
from tests.filter_panel_support import search_pending

JAPAN_JOINS = "2023-12-05-japan-joins"


@pytest.fixture
def window_on(open_window):
    return lambda db: open_window(db, size=(1400, 900), settings=None)


def view_menu(window: MainWindow):
    return next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")


def action(menu, text: str):
    return next(a for a in menu.actions() if a.text() == text)


def saved_views_menu(window: MainWindow):
    menu = action(view_menu(window), "Saved vie&ws").menu()
    menu.aboutToShow.emit()  # as opening it does: the names are read then
    return menu


def entries(window: MainWindow) -> list[str]:
    return [a.text() for a in saved_views_menu(window).actions() if not a.isSeparator()]


def answer_name(monkeypatch, name: str, asked: list[str] | None = None) -> None:
    def get_text(parent, title, label, *args, **kwargs):
        if asked is not None:
            asked.append(title)
        return name, True

    monkeypatch.setattr(QInputDialog, "getText", get_text)


def answer_question(monkeypatch, button, asked: list[str]) -> None:
    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", question)


def stored(db: Path) -> dict[str, dict]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT name, settings FROM views").fetchall()
    finally:
        conn.close()
    return {name: json.loads(settings) for name, settings in rows}


def japan_zoomed(window: MainWindow) -> None:
    """The analyst's briefing: Japan, lanes by nation, 2022 to 2024 on screen, one label."""
    c = window.controller
    c.set_filter(EventFilter(nations=("JPN",)))
    window.act_group["nation"].trigger()
    c.toggle_pin(JAPAN_JOINS)
    window.timeline.show_days((to_day("2022-01-01"), to_day("2025-01-01")))


def test_save_view_as_then_apply_it_from_the_menu(window_on, db_copy, monkeypatch):
    window = window_on(db_copy)
    japan_zoomed(window)
    save = action(view_menu(window), "Save &view as…")
    assert save.shortcut().toString() == "Ctrl+Shift+S"
    answer_name(monkeypatch, "  Japan & partners  ")
    save.trigger()

    data = stored(db_copy)["Japan & partners"]
    assert data["filter"]["nations"] == ["JPN"] and data["grouping"] == "nation"
    assert data["range"] == ["2022-01-01", "2024-12-31"]
    assert data["pins"] == [JAPAN_JOINS]
    assert window.statusBar().currentMessage() == "Saved view “Japan & partners”."
    assert entries(window) == ["Japan && partners", "&Rename…", "&Delete…"]

    # Somewhere else entirely: every event, lanes by kind, fitted, no labels pinned.
    window.act_clear.trigger()
    window.act_group["kind"].trigger()
    window.controller.set_pinned(set())
    window.act_fit.trigger()
    assert "Japan" not in window.windowTitle()

    action(saved_views_menu(window), "Japan && partners").trigger()
    assert window.windowTitle().endswith("Nations: Japan · Themes: all")
    assert window.group_combo.currentText() == "Nation"
    assert window.controller.pinned == {JAPAN_JOINS}
    x0, x1 = window.timeline.plot.x_range()
    assert (x0, x1) == pytest.approx((to_day("2022-01-01"), to_day("2025-01-01")))
    assert window.statusBar().currentMessage() == "Saved view “Japan & partners” applied."


def test_search_text_still_being_typed_is_saved(window_on, db_copy, monkeypatch, qtbot):
    window = window_on(db_copy)
    qtbot.keyClicks(window.filter_panel.search_edit, "Florence")
    assert search_pending(window.filter_panel)
    answer_name(monkeypatch, "Florence")
    window.saved_views.act_save.trigger()
    assert stored(db_copy)["Florence"]["filter"]["text"] == "Florence"


def test_an_existing_name_asks_to_replace(window_on, db_copy, monkeypatch):
    brief = "<b>Brief</b>"  # a name is text, never markup
    save_view(db_copy, SavedView(brief, marking="OFFICIAL"))
    window = window_on(db_copy)
    assert entries(window)[0] == brief
    window.controller.set_filter(EventFilter(kinds=("statement",)))
    answer_name(monkeypatch, brief)
    asked: list[str] = []
    answer_question(monkeypatch, QMessageBox.StandardButton.Cancel, asked)
    action(view_menu(window), "Save &view as…").trigger()
    assert asked == ["<qt>A saved view named “&lt;b&gt;Brief&lt;/b&gt;” exists. Replace it?</qt>"]
    assert stored(db_copy)[brief]["filter"]["kinds"] == []
    answer_question(monkeypatch, QMessageBox.StandardButton.Yes, asked)
    action(view_menu(window), "Save &view as…").trigger()
    assert stored(db_copy)[brief]["filter"]["kinds"] == ["statement"]
    assert stored(db_copy)[brief]["marking"] == ""  # the window's briefing, not the old one


def test_rename_and_delete_from_the_menu(window_on, db_copy, monkeypatch):
    for name in ("Debris", "Japan"):
        save_view(db_copy, SavedView(name))
    window = window_on(db_copy)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("Debris", True))
    answer_name(monkeypatch, "Debris and ASAT")
    action(saved_views_menu(window), "&Rename…").trigger()
    assert sorted(stored(db_copy)) == ["Debris and ASAT", "Japan"]
    assert entries(window)[:2] == ["Debris and ASAT", "Japan"]

    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("Japan", True))
    asked: list[str] = []
    answer_question(monkeypatch, QMessageBox.StandardButton.Yes, asked)
    action(saved_views_menu(window), "&Delete…").trigger()
    assert asked == [literal("Delete the view “Japan”?")]
    assert sorted(stored(db_copy)) == ["Debris and ASAT"]
    assert window.statusBar().currentMessage() == "Saved view “Japan” deleted."


def test_the_bundled_record_offers_a_copy_first(window_on, bundled_db, tmp_path, monkeypatch):
    before = sha256(bundled_db)
    window = window_on(bundled_db)
    assert entries(window) == ["No saved views", "&Rename…", "&Delete…"]
    assert not action(saved_views_menu(window), "&Rename…").isEnabled()
    japan_zoomed(window)
    mine = tmp_path / "mine.db"
    asked: list[str] = []
    answer_question(monkeypatch, QMessageBox.StandardButton.Save, asked)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(mine), ""))
    answer_name(monkeypatch, "Japan")
    action(view_menu(window), "Save &view as…").trigger()
    assert asked and "never changed" in asked[0]
    assert sha256(bundled_db) == before
    assert window.controller.db_path == mine
    assert stored(mine)["Japan"]["filter"]["nations"] == ["JPN"]
    assert window.windowTitle().endswith("Nations: Japan · Themes: all")  # still shown


def test_a_name_the_record_refuses_is_one_sentence(window_on, db_copy, monkeypatch):
    window = window_on(db_copy)
    answer_name(monkeypatch, "x" * 81)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda p, t, text, *a, **k: warned.append(text))
    action(view_menu(window), "Save &view as…").trigger()
    assert warned == [literal("the view name is 81 characters long; keep it to 80")]
    assert stored(db_copy) == {}


def test_the_export_dialog_offers_saved_views(window_on, db_copy, tmp_path, monkeypatch, qtbot):
    view = SavedView(
        "Deck",
        filter=EventFilter(nations=("JPN",)),
        date_range=("2023-01-01", "2024-12-31"),
        title="Japan <b>brief</b>",
        marking="OFFICIAL",
        size=(1920, 1080),
        format="svg",
    )
    save_view(db_copy, view)
    window = window_on(db_copy)
    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    box = dialog.saved_view_box
    assert [box.itemText(i) for i in range(box.count())] == ["(none)", "Deck"]
    dialog.set_path(tmp_path / "brief.png")
    box.setCurrentIndex(1)
    assert window.windowTitle().endswith("Nations: Japan · Themes: all")
    assert (dialog.width_box.value(), dialog.height_box.value()) == (1920, 1080)
    assert dialog.title_edit.text() == "Japan <b>brief</b>"
    assert dialog.marking.currentText() == "OFFICIAL"
    assert dialog.target() == tmp_path / "brief.svg"
    assert dialog.current.isChecked()
    assert "2023-01-01 to 2024-12-31" in dialog.current.text()
    dialog.generated = None
    dialog.accept()
    text = (tmp_path / "brief.svg").read_text()
    assert "Japan &lt;b&gt;brief&lt;/b&gt;" in text and "OFFICIAL" in text

    # Save view as… now stores that export's briefing with the window's view.
    window.controller.set_filter(EventFilter(nations=("NOR",)))
    answer_name(monkeypatch, "Norway deck")
    action(view_menu(window), "Save &view as…").trigger()
    data = stored(db_copy)["Norway deck"]
    assert data["filter"]["nations"] == ["NOR"]
    assert (data["title"], data["marking"], data["size"], data["format"]) == (
        "Japan <b>brief</b>",
        "OFFICIAL",
        [1920, 1080],
        "svg",
    )


def test_a_view_records_the_eras_and_notes_it_shows(window_on, db_copy, monkeypatch, tmp_path):
    """A saved view records which eras and notes it shows; applying it shows those, and
    export --saved-view draws those (a view saved showing all follows new ones)."""
    from cspo_viewer.cli import main
    from cspo_viewer.data.annotations import Annotation, add_annotation

    war = add_annotation(db_copy, Annotation("era", "First era", "2015-01-01", "2016-12-31"))
    add_annotation(db_copy, Annotation("era", "Second era", "2019-01-01", "2020-12-31"))
    window = window_on(db_copy)
    c = window.controller
    assert len(c.annotations) == 2
    c.show_annotations((war.id,))
    answer_name(monkeypatch, "One era")
    action(view_menu(window), "Save &view as…").trigger()
    answer_name(monkeypatch, "Every era")
    c.show_annotations(None)
    action(view_menu(window), "Save &view as…").trigger()
    views = stored(db_copy)
    assert views["One era"]["annotations"] == [war.id]
    assert views["Every era"]["annotations"] is None

    action(saved_views_menu(window), "One era").trigger()
    assert [a.title for a in c.annotations] == ["First era"]
    action(saved_views_menu(window), "Every era").trigger()
    assert [a.title for a in c.annotations] == ["First era", "Second era"]

    svg = tmp_path / "one.svg"
    assert main(["export", "--db", str(db_copy), "--saved-view", "One era", "--out", str(svg)]) == 0
    text = svg.read_text(encoding="utf-8")
    assert "First era" in text and "Second era" not in text
