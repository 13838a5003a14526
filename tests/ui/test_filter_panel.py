"""The filter panel and chips on the bundled data: what is ticked, shown and counted."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from PySide6.QtCore import QDate, Qt

from cspo_viewer.commands.filter_args import filter_to_args
from cspo_viewer.data.filters import EventFilter, build_filter
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.filter_chips import FilterChips
from tests.data.test_facets import ticking_gives
from tests.filter_panel_support import (
    count_text,
    counts_pending,
    date_bound_boxes,
    date_edits,
    date_note,
    is_greyed,
    join_text,
    kind_checkbox,
    match_combo,
    nation_checkbox,
    search_pending,
    section,
    theme_checkbox,
    values,
)


@pytest.fixture
def chips(qtbot, controller):
    c = FilterChips()
    qtbot.addWidget(c)
    c.bind(controller)
    return c


def shown(controller: Controller) -> list[str]:
    """The events the timeline and list show, in their (date) order."""
    return [str(e) for e in controller.table.ids[controller.mask]]


def tags(controller: Controller, event_id: str):
    return controller.detail(event_id).row


def expected(controller: Controller, **kw) -> list[str]:
    return controller.store.event_ids(build_filter(controller.vocabulary, **kw))


def test_norway_shows_only_norway_events_first_is_norway_joining(panel, chips, controller):
    nation_checkbox(panel, "NOR").click()
    events = shown(controller)
    assert events and all("NOR" in tags(controller, e).nations for e in events)
    assert events[0] == "2023-12-01-norway-joins"
    assert chips.chip_texts() == ["Norway ×"]
    assert chips.count_text == f"{len(events)} of 31 events"


def assert_counts_are_what_ticking_gives(panel, controller) -> None:
    for facet in ("nation", "theme", "kind"):
        for value in values(panel, facet):
            n = ticking_gives(controller.store, controller.filter, facet, value)
            assert count_text(panel, facet, value) == f"({n})", (facet, value)


def test_counts_beside_checkboxes_are_what_ticking_gives(panel, controller):
    nation_checkbox(panel, "NOR").click()
    assert count_text(panel, "nation", "NOR") == "(7)"  # ticked: the events shown
    assert_counts_are_what_ticking_gives(panel, controller)
    usa = count_text(panel, "nation", "USA")
    nation_checkbox(panel, "USA").click()
    assert usa == f"({len(shown(controller))})"


def test_counts_in_all_mode_are_what_ticking_gives(panel, controller):
    """Nations "all of Japan, Norway": Australia showed (16), ticking it gave 5."""
    nation_checkbox(panel, "JPN").click()
    nation_checkbox(panel, "NOR").click()
    combo = match_combo(panel, "nation")
    combo.setCurrentIndex(combo.findData("all"))
    assert count_text(panel, "nation", "AUS") == "(5)"
    assert_counts_are_what_ticking_gives(panel, controller)
    nation_checkbox(panel, "AUS").click()
    assert len(shown(controller)) == 5
    cli = subprocess.run(
        [sys.executable, "-m", "cspo_viewer", "list", *filter_to_args(controller.filter), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 0, cli.stderr
    assert [e["id"] for e in json.loads(cli.stdout)] == shown(controller)


def test_zero_count_rows_are_greyed_but_clickable(panel, controller):
    nation_checkbox(panel, "NOR").click()
    empty = [t.id for t in controller.themes if count_text(panel, "theme", t.id) == "(0)"]
    assert empty, "Norway's events do not cover every theme"
    box = theme_checkbox(panel, empty[0])
    assert is_greyed(panel, "theme", empty[0]) and box.isEnabled()
    assert not is_greyed(panel, "nation", "USA")
    box.click()
    assert controller.filter.themes == (empty[0],)
    assert shown(controller) == []


def test_theme_filter_matches_the_events_tags(panel, controller):
    theme_checkbox(panel, "debris-asat").click()
    events = shown(controller)
    assert len(events) == 6
    assert all("debris-asat" in tags(controller, e).themes for e in events)


def test_any_and_all_differ_for_france_and_japan(panel, controller):
    nation_checkbox(panel, "FRA").click()
    nation_checkbox(panel, "JPN").click()
    any_ = set(shown(controller))
    match_combo(panel, "nation").setCurrentIndex(match_combo(panel, "nation").findData("all"))
    all_ = set(shown(controller))
    assert controller.filter.match_nations == "all"
    assert all_ < any_
    assert all({"FRA", "JPN"} <= set(tags(controller, e).nations) for e in all_)
    assert all(len({"FRA", "JPN"} & set(tags(controller, e).nations)) == 1 for e in any_ - all_)


def test_date_range_and_text_search_combine_with_and(qtbot, panel, chips, controller):
    start, end = date_edits(panel)
    start.setDate(QDate(2024, 1, 1))
    end.setDate(QDate(2024, 12, 31))
    qtbot.keyClicks(panel.search_edit, "Florence")
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)
    both = shown(controller)
    in_2024 = set(expected(controller, date_from="2024", date_to="2024"))
    florence = set(expected(controller, text="Florence"))
    assert both and set(both) == in_2024 & florence
    assert set(both) < in_2024
    assert chips.chip_texts() == ["2024-01-01 – 2024-12-31 ×", "“Florence” ×"]


def test_search_waits_for_a_pause_in_typing(qtbot, panel, controller):
    changes: list[EventFilter] = []
    controller.filterChanged.connect(changes.append)
    qtbot.keyClicks(panel.search_edit, "debris")
    assert controller.filter.text == "" and search_pending(panel)
    qtbot.waitUntil(lambda: controller.filter.text == "debris", timeout=2000)
    assert len(changes) == 1  # one query for the word, not one per keystroke
    assert set(shown(controller)) == set(expected(controller, text="debris"))
    panel.search_edit.clear()  # the clear button empties the box: applies at once
    assert controller.filter.text == ""


def test_typing_is_not_overwritten_by_a_change_elsewhere(qtbot, panel, controller):
    qtbot.keyClicks(panel.search_edit, "sanct")
    controller.set_filter(controller.filter.with_(nations=("GBR",)))  # e.g. a chip or region
    assert panel.search_edit.text() == "sanct"
    panel.flush_search()
    assert controller.filter == EventFilter(nations=("GBR",), text="sanct")


def test_filter_from_elsewhere_updates_every_widget_once(panel, controller):
    changes: list[EventFilter] = []
    controller.filterChanged.connect(changes.append)
    flt = build_filter(
        controller.vocabulary,
        nations=["Japan", "IT"],
        match_nations="all",
        themes=["deterrence"],
        kinds=["statement"],
        date_from="2019",
        date_to="2024-06",
        text='"outer space"',
    )
    controller.set_filter(flt)
    assert len(changes) == 1 and controller.filter == flt  # no echo from the widgets
    assert nation_checkbox(panel, "JPN").isChecked() and nation_checkbox(panel, "ITA").isChecked()
    assert not nation_checkbox(panel, "USA").isChecked()
    assert match_combo(panel, "nation").currentText() == "all"
    assert match_combo(panel, "theme").currentText() == "any"
    assert theme_checkbox(panel, "deterrence").isChecked()
    assert kind_checkbox(panel, "statement").isChecked()
    assert [e.text() for e in date_edits(panel)] == ["2019-01-01", "2024-06-30"]
    assert all(box.isChecked() for box in date_bound_boxes(panel))
    assert panel.search_edit.text() == '"outer space"'


def test_date_bounds_can_be_switched_off_and_never_cross(panel, controller):
    start, end = date_edits(panel)
    assert date_note(panel) == "Any date"
    assert not any(b.isChecked() for b in date_bound_boxes(panel))
    end.setDate(QDate(2020, 6, 30))
    assert (controller.filter.date_from, controller.filter.date_to) == (None, "2020-06-30")
    start.setDate(QDate(2022, 1, 1))  # after "To": the range becomes that one day
    assert (controller.filter.date_from, controller.filter.date_to) == ("2022-01-01",) * 2
    date_bound_boxes(panel)[0].click()
    assert (controller.filter.date_from, controller.filter.date_to) == (None, "2022-01-01")
    assert not date_bound_boxes(panel)[0].isChecked()


def test_nations_show_join_dates_at_their_precision(panel, controller):
    assert join_text(panel, "NOR") == "joined Dec 2023"
    assert join_text(panel, "JPN") == "joined 5 Dec 2023"
    assert join_text(panel, "AUS") == "joined 22 Sep 2014"
    assert values(panel, "nation") == [n.code for n in controller.nations]
    assert len(values(panel, "nation")) == 10


def test_chips_remove_their_part_and_clear_all(panel, chips, controller):
    nation_checkbox(panel, "JPN").click()
    theme_checkbox(panel, "debris-asat").click()
    theme_checkbox(panel, "deterrence").click()
    match_combo(panel, "theme").setCurrentIndex(1)
    kind_checkbox(panel, "statement").click()
    assert chips.chip_texts() == [
        "Japan ×",
        "Themes: all of Debris & ASAT tests, Deterrence ×",
        "Kind: Statement ×",
    ]
    chips.chip_button("Japan ×").click()
    assert controller.filter.nations == () and not nation_checkbox(panel, "JPN").isChecked()
    chips.chip_button("Themes: all of Debris & ASAT tests, Deterrence").click()
    assert controller.filter.themes == () and match_combo(panel, "theme").currentText() == "any"
    assert chips.clear_button.isVisibleTo(chips)
    chips.clear_button.click()
    assert controller.filter.is_empty and chips.chip_texts() == []
    assert not chips.clear_button.isVisibleTo(chips)
    assert chips.count_text == "31 of 31 events"
    assert not kind_checkbox(panel, "statement").isChecked()


def test_clear_all_in_the_panel_resets_everything(qtbot, panel, controller):
    nation_checkbox(panel, "DEU").click()
    date_edits(panel)[0].setDate(QDate(2020, 1, 1))
    qtbot.keyClicks(panel.search_edit, "space")
    panel.clear_button.click()
    assert controller.filter.is_empty and not search_pending(panel)
    assert panel.search_edit.text() == "" and not nation_checkbox(panel, "DEU").isChecked()
    assert len(shown(controller)) == 31


def test_another_database_rebuilds_the_panel(panel, chips, controller, db_copy):
    nation_checkbox(panel, "JPN").click()
    controller.open_database(db_copy)
    assert controller.filter.is_empty and not nation_checkbox(panel, "JPN").isChecked()
    assert count_text(panel, "nation", "USA") == "(22)"
    nation_checkbox(panel, "JPN").click()  # the new checkboxes are live
    assert len(shown(controller)) == 6 and chips.chip_texts() == ["Japan ×"]


def test_focus_search_puts_the_cursor_in_the_search_box(qtbot, panel):
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    section(panel, "search").set_expanded(False)
    panel.focus_search()
    assert panel.search_edit.isVisible()
    qtbot.waitUntil(panel.search_edit.hasFocus, timeout=2000)


def test_a_narrow_dock_still_shows_counts_and_join_dates(qtbot, panel):
    panel.resize(panel.minimumSizeHint().width(), 900)  # as narrow as a dock can make it
    panel.show()
    qtbot.waitExposed(panel)
    for facet, value in (("nation", "GBR"), ("theme", "norms-responsible-behaviour")):
        row = panel._rows[facet][value]
        for label in row.widgets():
            right = label.mapTo(panel, label.rect().topRight()).x()
            assert label.isVisible() and right <= panel.width(), (value, label)


def test_empty_rows_follow_a_switch_to_a_dark_palette(qapp, panel):
    from PySide6.QtGui import QColor, QPalette

    nation_checkbox(panel, "NOR").click()
    box = theme_checkbox(panel, "sanctions")
    assert is_greyed(panel, "theme", "sanctions")
    role, disabled = QPalette.ColorRole.WindowText, QPalette.ColorGroup.Disabled
    original = qapp.palette()
    dark = QPalette(original)
    dark.setColor(role, QColor("#eeeeee"))  # every colour group...
    dark.setColor(disabled, role, QColor("#5a5a5a"))  # ...then the disabled one
    try:
        qapp.setPalette(dark)
        qapp.processEvents()
        assert box.palette().color(role) == QColor("#5a5a5a")
        assert nation_checkbox(panel, "USA").palette().color(role) == QColor("#eeeeee")
    finally:
        qapp.setPalette(original)


def test_counts_of_a_collapsed_section_catch_up_when_it_opens(panel, controller):
    section(panel, "theme").set_expanded(False)
    before = count_text(panel, "theme", "sanctions")
    nation_checkbox(panel, "NOR").click()
    assert count_text(panel, "nation", "USA") == "(24)"  # open sections follow at once
    assert count_text(panel, "theme", "sanctions") == before  # not worked out unseen
    section(panel, "theme").set_expanded(True)
    assert_counts_are_what_ticking_gives(panel, controller)


def test_large_databases_show_the_events_first_and_the_counts_right_after(qtbot, panel, controller):
    panel.defer_counts_from = 0  # as for 20,000 events and more
    theme_checkbox(panel, "deterrence").click()
    qtbot.waitUntil(lambda: not counts_pending(panel), timeout=2000)
    nation_checkbox(panel, "JPN").click()  # the theme counts now need a new query
    assert controller.filter.nations == ("JPN",) and counts_pending(panel)
    qtbot.waitUntil(lambda: not counts_pending(panel), timeout=2000)
    assert_counts_are_what_ticking_gives(panel, controller)
