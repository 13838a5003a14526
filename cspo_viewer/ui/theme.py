"""Light and dark application palettes (Fusion style), independent of the desktop theme.

A briefing tool should look the same on every analyst's machine, and the timeline's own
colours (``render.palette``) are chosen to match these.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

_DARK = {
    QPalette.ColorRole.Window: "#23272e",
    QPalette.ColorRole.WindowText: "#e6e9ee",
    QPalette.ColorRole.Base: "#1e2127",
    QPalette.ColorRole.AlternateBase: "#262a31",
    QPalette.ColorRole.Text: "#e6e9ee",
    QPalette.ColorRole.Button: "#2c313a",
    QPalette.ColorRole.ButtonText: "#e6e9ee",
    QPalette.ColorRole.Highlight: "#3d6fb6",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#2c313a",
    QPalette.ColorRole.ToolTipText: "#e6e9ee",
    QPalette.ColorRole.Link: "#7fb2ff",
    QPalette.ColorRole.PlaceholderText: "#8b93a0",
}
_LIGHT = {
    QPalette.ColorRole.Window: "#f5f6f8",
    QPalette.ColorRole.WindowText: "#1b1f24",
    QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#f4f6f9",
    QPalette.ColorRole.Text: "#1b1f24",
    QPalette.ColorRole.Button: "#eef0f3",
    QPalette.ColorRole.ButtonText: "#1b1f24",
    QPalette.ColorRole.Highlight: "#2f6fd0",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#ffffe8",
    QPalette.ColorRole.ToolTipText: "#1b1f24",
    QPalette.ColorRole.Link: "#1a5fb4",
    QPalette.ColorRole.PlaceholderText: "#7a828e",
}


_DISABLED_TEXT = {"dark": "#7d8590", "light": "#9aa1ab"}
"""Greyed text (empty filter rows, unbounded dates, disabled items) in each theme."""


def is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` draws on a dark background (kind colours depend on it)."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def apply_app_theme(name: str) -> None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    app.setStyle("Fusion")
    palette = QPalette()
    for role, colour in (_DARK if name == "dark" else _LIGHT).items():
        palette.setColor(role, QColor(colour))
    grey = QColor(_DISABLED_TEXT["dark" if name == "dark" else "light"])
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, grey)
    app.setPalette(palette)
    restyle(app)


def restyle(app: QApplication) -> None:
    """Polish every widget that has a style sheet again, with the current palette.

    A style sheet fixes the palette of its widget and the widget's children when they are
    polished, so a later application palette (View → Dark) never reached them: filter
    headers, the event count and "Clear all" kept the launch theme's colours. Setting each
    sheet again re-polishes them; colours in our sheets are palette roles
    (``palette(mid)``), so they follow as well.
    """
    for widget in app.allWidgets():
        sheet = widget.styleSheet()
        if sheet:
            widget.setStyleSheet(sheet)
