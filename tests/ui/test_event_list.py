"""The event list: what it counts and shows, and that its selection and the controller's
stay in step both ways (mouse, keyboard, timeline)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from cspo_viewer.data.filters import build_filter
from cspo_viewer.data.table import EventTable, TagPairs
from cspo_viewer.ui.event_list import DATE, KIND, NATIONS, TITLE, EventList, EventListModel

BOARD = "2024-12-03-florence-principals-board"


@pytest.fixture
def event_list(qtbot, controller):
    w = EventList()
    qtbot.addWidget(w)
    w.bind(controller)
    w.resize(900, 400)
    w.show()
    qtbot.waitExposed(w)
    return w


def cell(w: EventList, row: int, col: int) -> str:
    return w.model.index(row, col).data()


def rows(w: EventList) -> list[list[str]]:
    return [
        [cell(w, r, c) for c in range(w.model.columnCount())] for r in range(w.model.rowCount())
    ]


def click_row(qtbot, w: EventList, row: int) -> None:
    index = w.model.index(row, TITLE)
    w.view.scrollTo(index)
    qtbot.mouseClick(
        w.view.viewport(), Qt.MouseButton.LeftButton, pos=w.view.visualRect(index).center()
    )


def test_all_events_by_date_with_readable_cells(event_list):
    assert event_list.count_text() == "31 of 31 events"
    board = rows(event_list)[event_list.row_of(BOARD)]
    assert board == [
        "2024-12-03",
        "Principals' Board in Florence on CSpO's tenth anniversary",
        "Principals' meeting",
        "AUS CAN DEU FRA GBR ITA JPN NOR NZL USA",
    ]
    dates = [r[DATE] for r in rows(event_list)]
    assert dates[0] == "2011"  # year precision shows the year only
    assert "2015-07" in dates  # month precision shows the month
    assert dates == sorted(dates)


def test_nation_filter_shows_only_that_nations_events(event_list, controller):
    controller.set_filter(build_filter(controller.vocabulary, nations=["Japan"]))
    assert event_list.count_text() == "6 of 31 events"
    shown = rows(event_list)
    assert len(shown) == 6
    assert all("JPN" in r[NATIONS].split() for r in shown)
    controller.clear_filter()
    assert event_list.count_text() == "31 of 31 events"


def test_clicking_a_row_selects_the_event(qtbot, event_list, controller):
    row = event_list.row_of(BOARD)
    click_row(qtbot, event_list, row)
    assert controller.selected == BOARD
    assert event_list.selected_id() == BOARD


def test_controller_selection_selects_and_shows_the_row(event_list, controller):
    controller.select("2014-09-22-mou-signed-ottawa")
    assert event_list.selected_id() == "2014-09-22-mou-signed-ottawa"
    controller.select(BOARD)
    assert event_list.selected_id() == BOARD
    index = event_list.model.index(event_list.row_of(BOARD), TITLE)
    assert event_list.view.viewport().rect().intersects(event_list.view.visualRect(index))
    controller.select(None)
    assert event_list.selected_id() is None


def test_arrow_keys_step_through_events(qtbot, event_list, controller):
    controller.select(BOARD)
    event_list.view.setFocus()
    qtbot.keyClick(event_list.view, Qt.Key.Key_Down)
    assert controller.selected == "2024-12-06-florence-joint-statement"
    qtbot.keyClick(event_list.view, Qt.Key.Key_Up)
    qtbot.keyClick(event_list.view, Qt.Key.Key_Up)
    assert controller.selected == "2024-12-01-florence-tabletop-exercise"


def test_selection_survives_a_filter_that_keeps_it(event_list, controller):
    controller.select(BOARD)
    controller.set_filter(build_filter(controller.vocabulary, nations=["Japan"]))
    assert controller.selected == BOARD
    assert event_list.selected_id() == BOARD
    controller.set_filter(build_filter(controller.vocabulary, nations=["Japan"], date_to="2023"))
    assert event_list.selected_id() is None
    assert event_list.row_of(BOARD) is None


def test_selection_does_not_echo_back(event_list, controller):
    seen: list[object] = []
    controller.selectionChanged.connect(seen.append)
    controller.select(BOARD)
    assert seen == [BOARD]


def test_model_is_lazy_and_fast_for_100k_events(qtbot):
    """Cells come from numpy columns when asked; no per-row objects are built up front."""
    n = 100_000
    rng = np.random.default_rng(1)
    start = np.sort(rng.integers(0, 9000, n)).astype(np.float64)
    loaded: list[str] = []
    asked: list[int] = []

    def tags(facet: str, position: dict[str, int]) -> TagPairs:
        loaded.append(facet)
        event = np.repeat(np.arange(n, dtype=np.int32), 2)
        tag = rng.integers(0, 3, 2 * n).astype(np.int32)
        return TagPairs(("AUS", "CAN", "GBR"), event, tag)

    table = EventTable(
        rowid=np.arange(1, n + 1),
        ids=np.array([f"e{i}" for i in range(n)], dtype=object),
        start=start,
        end=start + 1,
        precision=np.zeros(n, np.int8),
        kind=np.zeros(n, np.int16),
        kinds=("membership",),
        labels=np.array([f"E{i}" for i in range(n)], dtype=object),
        _tag_loader=tags,
        _title_loader=lambda rowids: (
            asked.append(len(rowids)) or {r: f"Event {r - 1}" for r in rowids}
        ),
    )
    model = EventListModel()
    model.set_rows(table, np.arange(n) % 2 == 0, {"membership": "Membership"})
    assert model.rowCount() == n // 2
    assert loaded == []  # the Nations column was not drawn yet
    assert model.index(10, TITLE).data() == "Event 20"
    assert asked == [256]  # titles are read in one chunk around the rows shown
    assert model.index(10, KIND).data() == "Membership"
    assert loaded == []
    assert set(model.index(10, NATIONS).data().split()) <= {"AUS", "CAN", "GBR"}
    assert loaded == ["nation"]
    assert model.row_of("e20") == 10 and model.row_of("e21") is None


def click_header(qtbot, w: EventList, column: int) -> None:
    header = w.view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))


def test_clicking_a_header_sorts_by_that_column(qtbot, event_list, controller):
    click_header(qtbot, event_list, TITLE)
    titles = [r[TITLE] for r in rows(event_list)]
    assert titles == sorted(titles, key=str.casefold) and titles != [
        r[TITLE] for r in sorted(rows(event_list), key=lambda r: r[DATE])
    ]
    assert event_list.view.horizontalHeader().sortIndicatorSection() == TITLE
    click_header(qtbot, event_list, TITLE)  # again: the other way round
    assert [r[TITLE] for r in rows(event_list)] == sorted(titles, key=str.casefold, reverse=True)
    click_header(qtbot, event_list, KIND)
    kinds = [r[KIND] for r in rows(event_list)]
    assert kinds == sorted(kinds, key=str.casefold)
    click_header(qtbot, event_list, DATE)
    dates = [r[DATE] for r in rows(event_list)]
    assert dates == sorted(dates)
    click_header(qtbot, event_list, DATE)
    assert [r[DATE] for r in rows(event_list)] == sorted(dates, reverse=True)


def test_sorting_keeps_the_selection_and_survives_a_filter(qtbot, event_list, controller):
    controller.select(BOARD)
    click_header(qtbot, event_list, NATIONS)
    assert event_list.selected_id() == BOARD and controller.selected == BOARD
    nations = [r[NATIONS] for r in rows(event_list)]
    assert nations == sorted(nations)
    controller.set_filter(build_filter(controller.vocabulary, nations=["Japan"]))
    assert [r[NATIONS] for r in rows(event_list)] == sorted(r[NATIONS] for r in rows(event_list))
    assert event_list.selected_id() == BOARD
    # Up/Down now walks the list in its sorted order.
    event_list.view.setFocus()
    row = event_list.row_of(BOARD)
    assert 0 < row + 1 < event_list.model.rowCount()
    qtbot.keyClick(event_list.view, Qt.Key.Key_Down)
    assert controller.selected == event_list.model.id_at(row + 1)
