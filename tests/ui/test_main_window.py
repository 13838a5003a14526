"""The main window as an analyst uses it: click, keys, lanes, bands, hostile text, screenshot."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QImage

from cspo_viewer.data.dates import to_day
from cspo_viewer.data.filters import build_filter
from cspo_viewer.data.store import open_store
from cspo_viewer.layout import EventHit
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.main_window import MainWindow
from tests.filter_panel_support import nation_checkbox
from tests.paths import FIXTURES

FLORENCE = "2024-12-03-florence-principals-board"
KNIGHTON = (
    "It is crucial that we work alongside our allies, through partnerships like CSpO, "
    "to safeguard our interests in space."
)


def marker_point(window, event_id: str) -> QPoint:
    """Where the event's marker is drawn, in the timeline viewport's pixels."""
    view = window.timeline
    view.repaint()
    index = window.controller.table.index_of(event_id)
    frame = view.item.frame
    for lane, lp in enumerate(frame.plan.lanes):
        if (where := lp.marker_of(index)) is not None:
            x, row = where
            return QPoint(round(frame.dev_x0 + x), round(frame.row_y(lane, row)))
    raise AssertionError(f"{event_id} is not drawn as a lone marker")


def zoom_to_event(window, event_id: str, days: float = 40) -> None:
    table = window.controller.table
    i = table.index_of(event_id)
    window.timeline.zoom_to(table.start[i] - days / 2, table.end[i] + days / 2)
    window.timeline.repaint()


def test_clicking_a_marker_selects_the_event_everywhere(window, qtbot):
    zoom_to_event(window, FLORENCE)
    point = marker_point(window, FLORENCE)
    qtbot.mouseClick(window.timeline.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.controller.selected == FLORENCE
    text = window.detail.plain_text()
    assert "Principals' Board in Florence on CSpO's tenth anniversary" in text
    assert KNIGHTON in text and "Richard Knighton" in text
    assert window.event_list.selected_id() == FLORENCE
    assert window.timeline.item.frame is not None
    window.timeline.repaint()
    assert window.controller.table.ids[window.timeline.item._selected] == FLORENCE


def test_clicking_a_badge_zooms_into_it(window, qtbot):
    """A timeline too low for all its rows counts some events in badges; a click on one
    zooms into the events it holds."""
    window.resize(1100, 560)
    window.timeline.setFixedHeight(262)
    window.timeline.fit_all()
    window.timeline.repaint()
    frame = window.timeline.item.frame
    lane = next(i for i, lp in enumerate(frame.plan.lanes) if len(lp.cluster_x))
    lp = frame.plan.lanes[lane]
    x, row = lp.cluster_x[0], lp.cluster_row[0]
    before = window.timeline.plot.x_range()
    point = QPoint(round(frame.dev_x0 + x), round(frame.row_y(lane, row)))
    qtbot.mouseClick(window.timeline.viewport(), Qt.MouseButton.LeftButton, pos=point)
    after = window.timeline.plot.x_range()
    assert after[1] - after[0] < (before[1] - before[0]) / 5


def test_keyboard_right_moves_to_the_next_event_by_date(window, qtbot):
    window.controller.select("2014-09-22-mou-signed-ottawa")
    window.timeline.setFocus()
    qtbot.keyClick(window.timeline, Qt.Key.Key_Right)
    assert window.controller.selected == "2015-07-01-new-zealand-joins"
    qtbot.keyClick(window.timeline, Qt.Key.Key_Left)
    qtbot.keyClick(window.timeline, Qt.Key.Key_Left)
    assert window.controller.selected == "2011-01-01-precursor-space-cooperation-forum"
    assert window.detail.plain_text().startswith("Precursor")


def test_keyboard_zoom_and_home(window, qtbot):
    window.timeline.setFocus()
    full = window.timeline.plot.x_range()
    qtbot.keyClick(window.timeline, Qt.Key.Key_Plus)
    zoomed = window.timeline.plot.x_range()
    assert zoomed[1] - zoomed[0] < full[1] - full[0]
    qtbot.keyClick(window.timeline, Qt.Key.Key_Home)
    assert window.timeline.plot.x_range() == pytest.approx(full)


def test_selection_far_away_pans_into_view(window):
    zoom_to_event(window, "2014-09-22-mou-signed-ottawa")
    window.controller.select(FLORENCE)
    x0, x1 = window.timeline.plot.x_range()
    assert x0 <= to_day("2024-12-03") <= x1


def test_group_by_nation_gives_ten_lanes_and_bands_start_on_join_dates(window):
    window.controller.set_grouping("nation")
    content = window.timeline.plot.content
    assert len(content.lanes.keys) == 10
    assert content.member_lanes["JPN"] == to_day("2023-12-05")
    assert content.member_lanes["NZL"] == to_day("2015-07-01")
    window.controller.set_grouping("kind")
    bands = {b.code: b for b in window.timeline.plot.content.members}
    assert len(bands) == 10
    assert bands["FRA"].joined == to_day("2020-02-11")
    assert bands["NOR"].precision_end == to_day("2024-01-01")  # joined "Dec 2023"


def test_member_strip_deepens_at_the_december_2023_accessions(window):
    """The strip is drawn in its deepest step from the 2023 joins on (ten members),
    lighter before them: the shade changes at the join date itself."""
    window.timeline.fit_all()
    image = window.timeline.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    plot = window.timeline.plot
    item = plot.item
    frame = item.frame
    vp = frame.plan.viewport
    device = item.deviceTransform(window.timeline.viewportTransform())
    y = round(device.map(QPointF(0, item.strip_top + 0.1)).y())
    x_join = round(frame.dev_x0 + vp.to_px(to_day("2023-12-07")))
    band = plot.look.member_steps(len(plot.content.members))[-1].lower()
    after = [image.pixelColor(x, y).name() for x in range(x_join + 3, x_join + 40)]
    before = [image.pixelColor(x, y).name() for x in range(x_join - 40, x_join - 12)]
    assert after.count(band) > len(after) * 0.6
    assert band not in before


def test_hostile_text_renders_literally(qtbot, open_window, db_copy):
    evil = (
        '<img src="http://example.invalid/x.png"><script>alert(1)</script> '
        + "x" * 1_000_000
        + " \u202eevil \U0001f680 مرحبا"
    )
    with sqlite3.connect(db_copy) as conn:
        conn.execute(
            "UPDATE events SET summary = ?, short_title = ? WHERE id = ?",
            [evil, "<b>bold?</b> \u202e🚀", FLORENCE],
        )
    w = open_window(db_copy, size=None)
    w.controller.select(FLORENCE)
    qtbot.wait(50)
    text = w.detail.plain_text()
    assert '<img src="http://example.invalid/x.png">' in text and "<script>" in text
    zoom_to_event(w, FLORENCE)
    index = w.controller.table.index_of(FLORENCE)
    tip = w.timeline.tooltip_text(EventHit(index))
    assert "Florence" in tip
    # The window still responds: another selection updates the pane.
    w.controller.select_step(-1)
    assert "Principals' Board in Florence" not in w.detail.plain_text()[:200]


def test_filter_hides_events_and_empty_result_says_so(window):
    c = window.controller
    c.set_filter(build_filter(c.vocabulary, nations=["Japan"]))
    content = window.timeline.plot.content
    shown = set(c.table.ids[content.lanes.event])
    assert shown == set(c.table.ids[c.mask]) and len(shown) == 6
    assert "Japan" in window.windowTitle()
    c.set_filter(build_filter(c.vocabulary, nations=["Japan"], date_to="2015"))
    assert window.timeline.empty_message and "No events match" in window.timeline.empty_message


def test_dim_mode_keeps_filtered_out_events_greyed(window):
    c = window.controller
    c.set_filter(build_filter(c.vocabulary, nations=["Japan"]))
    window.act_dim.trigger()
    lanes = window.timeline.plot.content.lanes
    assert len(lanes.event) == 31 and int(lanes.dim.sum()) == 25


def test_state_is_remembered(qtbot, bundled_db, tmp_path):
    path = str(tmp_path / "remember.ini")
    w = MainWindow(Controller(open_store(bundled_db)), QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.controller.set_grouping("theme")
    w.set_theme("dark")
    w.controller.set_filter(build_filter(w.controller.vocabulary, nations=["Norway"]))
    w.close()
    again = MainWindow(
        Controller(open_store(bundled_db)), QSettings(path, QSettings.Format.IniFormat)
    )
    qtbot.addWidget(again)
    assert again.controller.grouping == "theme"
    assert again.theme == "dark"
    assert again.controller.filter.nations == ("NOR",)
    again.set_theme("light")


def test_open_bad_database_keeps_the_current_one(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    assert window.open_database(bad) is False
    assert shown and "not an SQLite database" in shown[0]
    assert window.controller.total_count == 31


def run_cli(*args: str, **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cspo_viewer", *args],
        capture_output=True,
        text=True,
        timeout=120,
        **kw,
    )


def test_screenshot_is_a_png_of_the_requested_size(tmp_path):
    out = tmp_path / "shot.png"
    result = run_cli(
        "--screenshot",
        str(out),
        "--size",
        "1280x800",
        "--select",
        FLORENCE,
        "--group-by",
        "nation",
        "--nation",
        "Japan",
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 800)
    pixels = np.frombuffer(
        image.convertToFormat(QImage.Format.Format_RGB32).constBits(), dtype=np.uint8
    )
    assert len(np.unique(pixels.reshape(-1, 4)[:, :3], axis=0)) > 200  # not blank


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--screenshot", "x.jpg"], "needs a .png file name"),
        (["--screenshot", "missing-dir/x.png"], "does not exist"),
        (["--screenshot", "x.png", "--select", "nope"], "no event with id 'nope'"),
        (["--screenshot", "x.png", "--size", "big"], "invalid --size"),
        (["--screenshot", "x.png", "--nation", "Atlantis"], "unknown nation 'Atlantis'"),
    ],
)
def test_screenshot_bad_arguments(tmp_path, args, message):
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_ctrl_f_reopens_the_filter_dock_and_focuses_search(window, qtbot):
    window.filter_dock.close()
    window.act_search.trigger()
    assert window.filter_dock.isVisible()
    qtbot.waitUntil(lambda: window.filter_panel.search_edit.hasFocus(), timeout=2000)


def test_search_typed_just_before_closing_is_remembered(qtbot, bundled_db, tmp_path):
    path = str(tmp_path / "typed.ini")
    w = MainWindow(Controller(open_store(bundled_db)), QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.filter_panel.search_edit.setText("Florence")
    w.close()  # within the debounce interval
    again = MainWindow(
        Controller(open_store(bundled_db)), QSettings(path, QSettings.Format.IniFormat)
    )
    qtbot.addWidget(again)
    assert again.controller.filter.text == "Florence"


def test_save_copy_then_import_shows_the_new_events(window, tmp_path, monkeypatch):
    """File → Save database copy as…, then File → Import…: the timeline rereads the file."""
    from cspo_viewer.data.interchange import ImportOptions, import_file
    from cspo_viewer.ui import import_dialog

    copy = tmp_path / "mine.db"
    assert window.save_copy(copy)
    assert window.controller.db_path == copy and window.controller.total_count == 31
    sample = FIXTURES / "timelinejs" / "group_sample.json"

    def fake_dialog(parent, db_path, file_path=None):  # what pressing Import does
        report = import_file(db_path, sample, ImportOptions())
        return bool(report.written)

    monkeypatch.setattr(import_dialog, "run_import_dialog", fake_dialog)
    assert window.import_dialog()
    assert window.controller.total_count == 31 + 7
    assert "38 of 38 events" in window.status_label.text()
    assert len(window.timeline.plot.content.lanes.event) == 38


def test_save_copy_refuses_the_open_file(window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    assert not window.save_copy(window.controller.db_path)
    assert shown and "already open" in shown[0]


def test_legend_lists_the_kinds_shown(window):
    c = window.controller
    assert window.legend.entries == [k.label for k in c.kinds]  # all eight kinds
    c.set_filter(build_filter(c.vocabulary, nations=["Japan"]))
    assert window.legend.entries == ["Membership", "Principals' meeting", "Statement", "Exercise"]


def test_dark_theme_redraws_the_legend_markers_in_its_kind_colours(window, qtbot):
    """The legend redraws its markers on a light/dark switch (and only then: the palette
    event of the first show left them as they were)."""
    from cspo_viewer.render.style import kind_color

    labels = {k.label: k.id for k in window.controller.kinds}
    kinds = [labels[label] for label in window.legend.entries]
    kind = next(k for k in kinds if kind_color(k, True) != kind_color(k, False))

    def marker_colour() -> str:
        entry = window.legend.layout().itemAt(kinds.index(kind)).widget()
        image = entry.layout().itemAt(0).widget().pixmap().toImage()
        return image.pixelColor(image.width() // 2, image.height() // 2).name()

    assert marker_colour() == kind_color(kind, False)
    window.act_theme["dark"].trigger()  # the palette reaches the widgets as posted events
    qtbot.waitUntil(lambda: marker_colour() == kind_color(kind, True))
    window.act_theme["light"].trigger()
    qtbot.waitUntil(lambda: marker_colour() == kind_color(kind, False))


def test_filter_to_visible_dates_shows_the_range_as_a_band_until_cleared(window):
    """View -> Filter to visible dates: the dates become the filter and a draggable band
    over the timeline (made when first shown); Clear all filters hides it."""
    timeline = window.timeline
    window.act_zoom_in.trigger()
    window.act_visible_dates.trigger()
    flt = window.controller.filter
    assert flt.date_from and flt.date_to
    band = timeline._region
    assert band.isVisible()
    assert band.getRegion() == (to_day(flt.date_from), to_day(flt.date_to) + 1)
    window.act_clear.trigger()
    assert not band.isVisible()
    assert timeline.marked_span is None  # the date axis band was never shown


def test_about_box_escapes_the_database_path(window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    odd = tmp_path / "<b>odd&.db"
    assert window.save_copy(odd), shown
    window.show_about()
    assert "&lt;b&gt;odd&amp;.db" in shown[0] and "<b>odd" not in shown[0]


def test_window_fits_a_screen_smaller_than_its_default_size(window):
    """On a 1500x950 screen the 1600x1000 default (or a size remembered from a larger
    monitor) must not open partly off screen; on a larger screen the size is kept."""
    from PySide6.QtCore import QRect

    window.resize(1600, 1000)
    window.fit_to(QRect(0, 30, 1500, 920))
    assert (window.width(), window.height()) == (1500, 920)
    assert window.frameGeometry().topLeft().y() >= 30
    window.resize(1200, 800)
    window.fit_to(QRect(0, 0, 2560, 1440))
    assert (window.width(), window.height()) == (1200, 800)


@pytest.mark.parametrize(("width", "height", "least"), [(1600, 1000, 27), (1920, 1200, 29)])
def test_window_names_the_bundled_events(window, width, height, least):
    window.resize(width, height)
    window.timeline.fit_all()
    window.timeline.repaint()
    named = window.timeline.item.frame.plan.named()
    assert len(named) >= least


def test_selecting_moves_no_other_label(window):
    window.timeline.fit_all()
    window.timeline.repaint()

    def labels():
        plan = window.timeline.item.frame.plan
        return [
            list(zip(lp.label_event, lp.label_x, lp.label_row, strict=True)) for lp in plan.lanes
        ]

    before = labels()
    window.controller.select("2016-01-01-france-germany-observers")
    window.timeline.repaint()
    assert labels() == before


def test_fit_follows_the_filter(window, qtbot):
    c = window.controller
    c.set_filter(build_filter(c.vocabulary, nations=["Japan"]))
    window.act_fit.trigger()
    x0, x1 = window.timeline.plot.x_range()
    table = c.table
    assert x0 <= table.start[c.mask].min() and x1 >= table.end[c.mask].max()
    assert x1 - x0 < 2 * 365  # Japan's events, not the whole history


def test_pin_from_the_context_menu_is_remembered(window, tmp_path):
    view = window.timeline
    menu = view.event_menu("2023-12-07-italy-joins")
    pin = next(a for a in menu.actions() if "label" in a.text().lower())
    pin.trigger()
    assert "2023-12-07-italy-joins" in window.controller.pinned
    assert window.timeline.item._pinned == window.controller.pinned_indexes()


def test_view_menu_shows_empty_lanes(window):
    c = window.controller
    c.set_filter(build_filter(c.vocabulary, nations=["Japan"]))
    assert "founding" not in window.timeline.plot.content.lanes.keys
    window.act_empty_lanes.trigger()
    assert "founding" in window.timeline.plot.content.lanes.keys


def test_right_click_on_a_marker_offers_to_pin_its_label(window, qtbot):
    from PySide6.QtWidgets import QApplication, QMenu

    zoom_to_event(window, FLORENCE)
    point = marker_point(window, FLORENCE)
    qtbot.mouseClick(window.timeline.viewport(), Qt.MouseButton.RightButton, pos=point)
    menus = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()]
    assert menus, "no context menu"
    pin = next(a for a in menus[-1].actions() if a.text().startswith("Always &label"))
    pin.trigger()
    menus[-1].close()
    assert FLORENCE in window.controller.pinned
    assert window.controller.selected == FLORENCE


def test_pins_are_remembered_as_they_change(qtbot, bundled_db, tmp_path):
    from cspo_viewer.data.store import open_store
    from cspo_viewer.ui.controller import Controller
    from cspo_viewer.ui.main_window import MainWindow

    path = str(tmp_path / "pins.ini")
    settings = QSettings(path, QSettings.Format.IniFormat)
    first = MainWindow(Controller(open_store(bundled_db)), settings)
    qtbot.addWidget(first)
    first.timeline.event_menu("2023-12-07-italy-joins").actions()[0].trigger()
    # No Quit: the pin is saved as it is made.
    again = MainWindow(
        Controller(open_store(bundled_db)), QSettings(path, QSettings.Format.IniFormat)
    )
    qtbot.addWidget(again)
    assert again.controller.pinned == frozenset({"2023-12-07-italy-joins"})


def test_a_fitted_view_follows_the_filter_a_zoomed_one_stays(window):
    c = window.controller
    window.act_fit.trigger()
    c.set_filter(build_filter(c.vocabulary, nations=["Japan"]))
    x0, x1 = window.timeline.plot.x_range()
    assert x1 - x0 < 2 * 365
    window.timeline.zoom(1.5)
    zoomed = window.timeline.plot.x_range()
    c.set_filter(build_filter(c.vocabulary, nations=["Japan", "Italy"]))
    assert window.timeline.plot.x_range() == pytest.approx(zoomed)


@pytest.mark.parametrize("how", ["click", "next", "zoomed"])
def test_a_filter_that_hides_the_selection_fits_the_matching_events(window, qtbot, how):
    """Select Vision 2031 (or step with Alt+Right to the seven-nation statement, or zoom
    in on Vision 2031 first), then tick Japan: the timeline shows Japan's six events,
    not the hidden selection's year."""
    if how == "zoomed":
        zoom_to_event(window, "2022-02-22-vision-2031-released", days=200)
        qtbot.keyClick(window.timeline, Qt.Key.Key_Plus)
    if how in ("click", "zoomed"):
        qtbot.mouseClick(
            window.timeline.viewport(),
            Qt.MouseButton.LeftButton,
            pos=marker_point(window, "2022-02-22-vision-2031-released"),
        )
        assert window.controller.selected == "2022-02-22-vision-2031-released"
    else:
        window.controller.select("2019-04-01-ood-announced")
        window.act_next.trigger()  # Alt+Right
        assert window.controller.selected == "2019-04-10-seven-nation-statement"
    nation_checkbox(window.filter_panel, "JPN").click()
    window.timeline.viewport().repaint()
    table, mask = window.controller.table, window.controller.mask
    japan = np.flatnonzero(mask)
    assert len(japan) == 6
    x0, x1 = window.timeline.plot.x_range()
    assert x0 <= table.start[japan].min() and table.end[japan].max() <= x1
    drawn = window.timeline.item.frame.plan.drawn()
    assert set(japan.tolist()) <= drawn  # every Japan event has its marker on screen


def test_grid_lines_run_under_the_markers(window):
    """A year line through a marker (Germany joins, Dec 2019, centred mid-month) leaves
    the marker's colour whole: no pale stripe through it."""
    from cspo_viewer.render.style import kind_color

    view = window.timeline
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    frame, table = view.item.frame, window.controller.table
    half = view.item.look.layout.marker_px / 2
    vp = frame.plan.viewport
    ticks = [frame.dev_x0 + float(vp.to_px(t.day)) for t in view.plot.day_axis.ticks if t.major]
    checked = 0
    for lane, lp in enumerate(frame.plan.lanes):
        for x, row, ev in zip(lp.marker_x, lp.marker_row, lp.marker_event, strict=True):
            kind = table.kinds[table.kind[ev]]
            if kind not in ("membership", "principals-meeting"):  # filled disc and square
                continue
            centre = frame.dev_x0 + x
            for tick in ticks:
                if abs(tick - centre) < half - 3:
                    pixel = image.pixelColor(round(tick), round(frame.row_y(lane, row)))
                    assert pixel.name() == kind_color(kind).lower(), table.labels[ev]
                    checked += 1
    assert checked


@pytest.mark.parametrize(("key", "grouping"), [(Qt.Key.Key_2, "nation"), (Qt.Key.Key_3, "theme")])
def test_lanes_by_nation_and_theme_name_every_event_once(window, qtbot, key, grouping):
    """Ctrl+2 / Ctrl+3: every event named once, in one of its lanes; its marker in each
    of the others, where hovering names it and a click selects it."""
    qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
    assert window.controller.grouping == grouping
    view = window.timeline
    view.viewport().repaint()
    plan, table = view.item.frame.plan, window.controller.table
    titles = [
        ev for lp in plan.lanes for ev, k in zip(lp.label_event, lp.label_key, strict=True) if not k
    ]
    assert sorted(titles) == list(range(len(table)))  # every event, each once
    assert not any(len(lp.cluster_count) for lp in plan.lanes)
    # Close in on Florence: the Board's small markers stand apart from the joint
    # statement's three days later (at the whole record's scale they share a pixel).
    zoom_to_event(window, FLORENCE, days=120)
    view.viewport().repaint()
    plan = view.item.frame.plan
    lanes = view.plot.content.lanes
    board = table.index_of(FLORENCE)
    echoes = [lane for lane, lp in enumerate(plan.lanes) if board in lp.echo_event]
    assert len(echoes) == int((lanes.event == board).sum()) - 1  # all lanes but its home
    frame = view.item.frame

    def stacked(lane: int) -> list[int]:
        """The events whose small markers sit where the Board's does in ``lane`` (the
        tabletop exercise shares its days, 3-5 Dec 2024)."""
        lp = plan.lanes[lane]
        bx = lp.echo_x[lp.echo_event == board][0]
        return [ev for ex, ev in zip(lp.echo_x, lp.echo_event, strict=True) if abs(ex - bx) < 1]

    lane = min(echoes, key=lambda lane: len(stacked(lane)))  # alone there, where it is
    lp = plan.lanes[lane]
    x = frame.dev_x0 + lp.echo_x[lp.echo_event == board][0]
    y = frame.row_y(lane, 0) + (view.item.rows[lane] - 0.5 + 0.2) * frame.row_px
    point = QPoint(round(x), round(y))
    assert "Florence" in view.tooltip_text(view.hit_at_scene(view.mapToScene(point)))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    shown_there = {str(table.ids[ev]) for ev in stacked(lane)}
    assert FLORENCE in shown_there and window.controller.selected in shown_there
