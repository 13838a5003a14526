"""Help → Keyboard shortcuts and Help → User guide: small dialogs, offline.

The shortcut list is made from the window's actions (``MainWindow.shortcut_rows``) plus
the keys the timeline and the list handle themselves, so it cannot drift from what the
keys do. The guide is ``resources/user-guide.md``, shown as Markdown in a browser that
never loads anything (no images, no links followed inside the app).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from cspo_viewer import PRODUCT_NAME, paths

GUIDE_FILE = "user-guide.md"
TIMELINE_KEYS: list[tuple[str, str]] = [
    ("Left / Right", "Previous / next event by date (in the timeline)"),
    ("+ / -", "Zoom in / out (in the timeline)"),
    ("Up / Down", "Previous / next row (in the event list)"),
    ("Enter", "Search now, without waiting (in the search box)"),
]
"""Keys handled by the focused widget rather than by a menu action."""


def guide_text() -> str:
    """The user guide's Markdown, or a sentence saying it is missing from this install."""
    try:
        return (paths.resources_dir() / GUIDE_FILE).read_text(encoding="utf-8")
    except OSError:
        return f"The user guide ({GUIDE_FILE}) is missing from this installation."


class _OfflineBrowser(QTextBrowser):
    """Shows our own page; asks for nothing (``loadResource`` refuses every request)."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[QUrl] = []
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._clicked)

    def loadResource(self, kind: int, name: QUrl | str) -> object:
        self.requests.append(QUrl(name))
        return None

    def _clicked(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)  # the user's browser, only on a click
        elif url.hasFragment():
            self.scrollToAnchor(url.fragment())


def _dialog(parent: QWidget, title: str, body: QWidget, size: tuple[int, int]) -> QDialog:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    layout = QVBoxLayout(dialog)
    layout.addWidget(body, 1)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.resize(*size)
    return dialog


def shortcuts_dialog(parent: QWidget, rows: list[tuple[str, str]]) -> QDialog:
    """A two-column table: keys, and what they do."""
    table = QTableWidget(len(rows), 2)
    table.setObjectName("shortcutsTable")
    table.setHorizontalHeaderLabels(["Keys", "Does"])
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setShowGrid(False)
    for r, (keys, does) in enumerate(rows):
        table.setItem(r, 0, QTableWidgetItem(keys))
        table.setItem(r, 1, QTableWidgetItem(does))
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    return _dialog(parent, "Keyboard shortcuts", table, (520, 560))


def guide_dialog(parent: QWidget) -> QDialog:
    browser = _OfflineBrowser()
    browser.setObjectName("userGuide")
    browser.setMarkdown(guide_text())
    return _dialog(parent, f"{PRODUCT_NAME} — User guide", browser, (720, 760))


def _show(dialog: QDialog) -> QDialog:
    """Not modal: the guide or the key list can stay open beside the window."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def show_shortcuts(parent: QWidget, rows: list[tuple[str, str]]) -> QDialog:
    return _show(shortcuts_dialog(parent, rows))


def show_user_guide(parent: QWidget) -> QDialog:
    return _show(guide_dialog(parent))
