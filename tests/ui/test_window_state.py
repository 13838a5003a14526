"""The window as a person uses it over days: theme switches that stay readable, state saved
as it changes, and Help → User guide / Keyboard shortcuts that agree with the docs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QLineEdit, QTableWidget, QTextBrowser, QWidget

from cspo_viewer.ui.event_list import TITLE
from cspo_viewer.ui.main_window import SAVE_DELAY_MS, MainWindow
from tests.conftest import REPO
from tests.filter_panel_support import date_edits, nation_checkbox, section
from tests.ui.test_main_window import marker_point, zoom_to_event

OTHER = "2023-02-06-usspacecom-planning-conference"


@pytest.fixture
def window(window):
    """The shared window, set back to the light theme afterwards."""
    yield window
    window.set_theme("light")  # the application palette outlives the window


def ratio_of(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1: the same; 21: black on white)."""

    def luminance(c: QColor) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return (
            0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())
        )

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def contrast(widget: QWidget) -> float:
    """Contrast of the widget's text colour against the window background."""
    background = widget.window().palette().color(QPalette.ColorRole.Window)
    return ratio_of(widget.palette().color(widget.foregroundRole()), background)


def readable_parts(w: MainWindow) -> dict[str, QWidget]:
    return {
        "Nations header": section(w.filter_panel, "nation").toggle,
        "Themes header": section(w.filter_panel, "theme").toggle,
        "31 of 31 events": w.chips.count_label,
        "Clear all": w.chips.clear_button,
        "panel Clear all": w.filter_panel.clear_button,
        "list count": w.event_list.count_label,
        "status": w.status_label,
    }


def test_theme_switches_leave_every_part_readable(qtbot, window):
    nation_checkbox(window.filter_panel, "JPN").click()  # shows the chips' "Clear all"
    for name in ("dark", "light", "dark"):
        window.act_theme[name].trigger()  # View → Dark theme / Light theme
        qtbot.wait(10)
        background = window.palette().color(QPalette.ColorRole.Window)
        assert (background.lightness() < 100) == (name == "dark")
        for part, widget in readable_parts(window).items():
            assert contrast(widget) >= 3.0, (name, part, contrast(widget))
        for edit in date_edits(window.filter_panel):  # greyed (no bound), but legible
            line = edit.findChild(QLineEdit)
            pal = line.palette()
            ratio = ratio_of(pal.color(QPalette.ColorRole.Text), pal.color(QPalette.ColorRole.Base))
            assert ratio >= 1.5, (name, edit.text(), ratio)


def test_detail_text_follows_the_theme(qtbot, window):
    window.controller.select("2024-12-03-florence-principals-board")
    window.act_theme["dark"].trigger()
    qtbot.wait(10)
    view = window.detail.body_view
    text = view.palette().color(QPalette.ColorRole.Text)
    base = view.palette().color(QPalette.ColorRole.Base)
    assert text.lightness() > 180 and base.lightness() < 80


def test_other_markers_stand_out_on_the_dark_timeline(qtbot, window):
    window.act_theme["dark"].trigger()
    zoom_to_event(window, OTHER)
    point = marker_point(window, OTHER)
    image = window.timeline.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    ratio = image.devicePixelRatio()
    colour = image.pixelColor(QPoint(round(point.x() * ratio), round(point.y() * ratio)))
    background = QColor(window.timeline.plot.look.background)
    assert colour.lightness() - background.lightness() > 120, colour.name()


def ini(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def test_state_is_saved_as_it_changes_without_quitting(open_window, qtbot, bundled_db, tmp_path):
    path = tmp_path / "live.ini"
    w = open_window(bundled_db, settings=path, remember=True)
    w.act_theme["dark"].trigger()
    w.act_group["nation"].trigger()
    nation_checkbox(w.filter_panel, "NOR").click()
    header = w.event_list.view.horizontalHeader()
    x = header.sectionViewportPosition(TITLE) + header.sectionSize(TITLE) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    qtbot.waitUntil(lambda: "nations=NOR" in ini(path), timeout=SAVE_DELAY_MS * 10)
    text = ini(path)
    assert "theme=dark" in text and "grouping=nation" in text and "sort_column=1" in text
    # A second window (a restart after a crash: this one was never closed) gets it all.
    again = open_window(bundled_db, settings=path, remember=True)
    assert again.theme == "dark" and again.controller.grouping == "nation"
    assert again.controller.filter.nations == ("NOR",)
    assert again.event_list.sort_key[0] == TITLE
    again.set_theme("light")


def test_window_size_is_saved_after_a_resize(open_window, qtbot, bundled_db, tmp_path):
    path = tmp_path / "size.ini"
    w = open_window(bundled_db, settings=path, remember=True)
    qtbot.waitUntil(lambda: "geometry" in ini(path), timeout=SAVE_DELAY_MS * 10)
    before = ini(path)
    w.resize(1200, 800)
    qtbot.waitUntil(lambda: ini(path) != before, timeout=SAVE_DELAY_MS * 10)


def dialog_titled(window: MainWindow, title: str) -> QDialog:
    dialogs = [d for d in window.findChildren(QDialog) if d.windowTitle() == title]
    assert dialogs, [d.windowTitle() for d in window.findChildren(QDialog)]
    return dialogs[-1]


def test_help_menu_has_the_guide_shortcuts_and_about(window):
    texts = [a.text().replace("&", "") for a in window.help_menu.actions() if a.text()]
    assert texts == ["User guide", "Keyboard shortcuts", "About CSpO Viewer"]


def test_keyboard_shortcuts_list_agrees_with_the_menus_readme_and_guide(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    QTest.keyClick(window, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier)  # Ctrl+/
    dialog = dialog_titled(window, "Keyboard shortcuts")
    table = dialog.findChild(QTableWidget)
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert rows["Alt+Right"] == "Next event" and rows["Alt+Left"] == "Previous event"
    assert rows["Left / Right"].startswith("Previous / next event by date")
    assert rows["Ctrl+F"] == "Search" and rows["Ctrl+Shift+X"] == "Clear all filters"
    # The View menu shows the same keys for stepping through events.
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    shown = {a.text(): a.shortcut().toString() for a in view_menu.actions()}
    assert shown["Next event"] == "Alt+Right" and shown["Previous event"] == "Alt+Left"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    guide = (REPO / "resources" / "user-guide.md").read_text(encoding="utf-8")
    for keys in rows:
        for key in keys.split(" / "):
            assert key in readme, f"README does not mention {key}"
            assert key in guide, f"the user guide does not mention {key}"


def test_user_guide_opens_offline_from_f1(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    QTest.keyClick(window, Qt.Key.Key_F1)
    dialog = dialog_titled(window, "CSpO Viewer — User guide")
    browser = dialog.findChild(QTextBrowser)
    text = browser.toPlainText()
    assert "CSpO Viewer — user guide" in text and "Alt+Left / Alt+Right" in text
    assert browser.requests == []  # nothing was fetched to show it
