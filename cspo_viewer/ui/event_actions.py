"""What a right-click on an event offers, and the Edit menu: copy for a briefing, compare.

One place builds the event menu for the timeline, the list and the detail pane, so the
three offer the same actions under the same names:

- **Copy as briefing note**: plain text *and* HTML on the clipboard (``QMimeData``), made
  by ``data.briefing_note``; a rich editor keeps the structure, a plain one reads the text.
- **Copy citation**: the event's sources on one line.
- **Compare selected** (two events Ctrl+clicked in the list) and **Compare with…** (a
  picker): the side-by-side ``CompareDialog``. The earlier event is always A, so "what
  changed" reads forwards in time.
- Edit → **Copy timeline image**: the timeline as it is on screen.

The list and the detail pane hand over only how to find the event under the cursor
(``attach_event_menu``); the timeline offers its own menu and this module adds to it. No
widget builds a note, runs a query or compares texts itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject, QPoint, Qt
from PySide6.QtGui import QAction, QClipboard, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QLabel,
    QMainWindow,
    QMenu,
    QTextEdit,
    QWidget,
)

from cspo_viewer.ui.controller import Controller

if TYPE_CHECKING:  # the comparison and its dialogs load when first asked for
    from cspo_viewer.ui.compare_dialog import CompareDialog, EventPicker

NOTE_TEXT = "Copy as &briefing note"
CITATION_TEXT = "Copy &citation"
COMPARE_SELECTED_TEXT = "Compare &selected"
COMPARE_WITH_TEXT = "Compare &with…"
IMAGE_TEXT = "Copy timeline &image"


def _clipboard(clipboard: QClipboard | None) -> QClipboard:
    return clipboard or QGuiApplication.clipboard()


def _title(controller: Controller, event_id: str) -> str:
    index = controller.table.index_of(event_id)
    label = str(controller.table.labels[index]) if index is not None else event_id
    return label if len(label) <= 80 else label[:79] + "…"


# --- clipboard --------------------------------------------------------------------------
def copy_briefing_note(
    controller: Controller, event_id: str, clipboard: QClipboard | None = None
) -> bool:
    """Put the event's briefing note on the clipboard as plain text and as HTML."""
    from cspo_viewer.data.briefing_note import briefing_note  # with the first copy

    detail = controller.detail(event_id)
    if detail is None:
        return False
    note = briefing_note(detail, controller.vocabulary.nation_name)
    mime = QMimeData()
    mime.setText(note.text)
    mime.setHtml(note.html)
    _clipboard(clipboard).setMimeData(mime)
    controller.message.emit(f"Copied a briefing note on “{_title(controller, event_id)}”.")
    return True


def copy_citation(
    controller: Controller, event_id: str, clipboard: QClipboard | None = None
) -> bool:
    from cspo_viewer.data.briefing_note import citation

    detail = controller.detail(event_id)
    if detail is None:
        return False
    _clipboard(clipboard).setText(citation(detail))
    controller.message.emit(f"Copied the sources of “{_title(controller, event_id)}”.")
    return True


def copy_widget_image(widget: QWidget, clipboard: QClipboard | None = None) -> None:
    """The widget as drawn now (``QWidget.grab``), as an image on the clipboard."""
    _clipboard(clipboard).setImage(widget.grab().toImage())


# --- compare ----------------------------------------------------------------------------
def open_compare(
    parent: QWidget, controller: Controller, id_a: str, id_b: str
) -> CompareDialog | None:
    """Show the two events side by side (earlier first) in a dialog that stays open."""
    from cspo_viewer.data.compare import compare_events
    from cspo_viewer.ui.compare_dialog import CompareDialog

    a, b = controller.detail(id_a), controller.detail(id_b)
    if a is None or b is None or id_a == id_b:
        controller.message.emit("Choose two different events to compare.")
        return None
    if (b.row.date, b.row.id) < (a.row.date, a.row.id):
        a, b = b, a
    vocab = controller.vocabulary
    dialog = CompareDialog(
        compare_events(a, b), vocab.nation_name, lambda t: vocab.themes.get(t, t), parent.window()
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def choose_and_compare(parent: QWidget, controller: Controller, event_id: str) -> EventPicker:
    """ "Compare with…": pick the other event, then compare (the picker does not block)."""
    from cspo_viewer.ui.compare_dialog import EventPicker

    picker = EventPicker(controller, event_id, parent.window())
    picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def accepted() -> None:
        other = picker.chosen()
        if other is not None:
            open_compare(parent, controller, event_id, other)

    picker.accepted.connect(accepted)
    picker.open()
    return picker


# --- menus ------------------------------------------------------------------------------
def add_event_actions(
    menu: QMenu,
    parent: QWidget,
    controller: Controller,
    event_id: str,
    selected: Sequence[str] = (),
) -> None:
    """Append the actions on one event to ``menu`` ("Compare selected" only when the event
    is one of two selected)."""
    menu.addAction(NOTE_TEXT, lambda: copy_briefing_note(controller, event_id))
    menu.addAction(CITATION_TEXT, lambda: copy_citation(controller, event_id))
    menu.addSeparator()
    if len(selected) == 2 and event_id in selected:
        first, second = selected
        menu.addAction(
            COMPARE_SELECTED_TEXT, lambda: open_compare(parent, controller, first, second)
        )
    menu.addAction(COMPARE_WITH_TEXT, lambda: choose_and_compare(parent, controller, event_id))


def event_menu(
    parent: QWidget,
    controller: Controller,
    event_id: str,
    selected: Sequence[str] = (),
) -> QMenu:
    """The list's and the detail pane's menu: a greyed line naming the event, then the
    actions on it."""
    menu = QMenu(parent)
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    header = menu.addAction(_title(controller, event_id).replace("&", "&&"))
    header.setEnabled(False)
    menu.addSeparator()
    add_event_actions(menu, parent, controller, event_id, selected)
    controller.eventMenuRequested.emit(menu, event_id)  # editing adds Edit, Delete, …
    return menu


def _selected_text(widget: QWidget | None) -> str:
    """Text selected in the label or text view under the cursor (for the menu's Copy)."""
    while widget is not None:
        if isinstance(widget, QTextEdit):
            return widget.textCursor().selectedText().replace("\u2029", "\n")
        if isinstance(widget, QLabel):
            return widget.selectedText()
        widget = widget.parentWidget()
    return ""


class EventMenuHook(QObject):
    """Right-click on ``widget`` → the event menu for the event ``event_at(pos)`` finds.

    ``pos`` is in the coordinates Qt reports (a scroll area's viewport for views).
    ``take_over_children`` makes the labels and text views inside ``widget`` pass their
    right-clicks up to it (the detail pane); the menu then offers Copy for selected text.
    """

    def __init__(
        self,
        widget: QWidget,
        controller: Callable[[], Controller | None],
        event_at: Callable[[QPoint], str | None],
        selected: Callable[[], Sequence[str]] = tuple,
        *,
        take_over_children: bool = False,
    ) -> None:
        super().__init__(widget)
        self._widget = widget
        self._controller = controller
        self._event_at = event_at
        self._selected = selected
        self._take_over = take_over_children
        self.menu: QMenu | None = None  # the last menu shown (for tests and tools)
        widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        widget.customContextMenuRequested.connect(self.show_at)
        if take_over_children:
            self.take_over_children()

    def take_over_children(self) -> None:
        """Make the labels and text views inside the widget pass their right-clicks up
        (again after the widget made new ones)."""
        for child in self._widget.findChildren(QWidget):
            if isinstance(child, QLabel | QAbstractScrollArea) and child is not self._widget:
                child.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)

    def build(self, pos: QPoint) -> QMenu | None:
        """The menu a right-click at ``pos`` opens, or None where there is no event."""
        if self._take_over:
            self.take_over_children()  # chips and views made since then pass theirs up too
        controller = self._controller()
        event_id = self._event_at(pos) if controller is not None else None
        if event_id is None or controller is None:
            return None
        menu = event_menu(self._widget, controller, event_id, self._selected())
        if self._take_over:
            under = self._widget.childAt(pos)
            text = _selected_text(under)
            if text:
                copy = QAction("&Copy", menu)
                copy.setShortcut(QKeySequence.StandardKey.Copy)
                copy.triggered.connect(lambda: _clipboard(None).setText(text))
                first = menu.actions()[0]
                menu.insertAction(first, copy)
                menu.insertSeparator(first)
        return menu

    def show_at(self, pos: QPoint) -> None:
        menu = self.build(pos)
        if menu is None:
            return
        self.menu = menu
        w = self._widget
        origin = w.viewport() if isinstance(w, QAbstractScrollArea) else w
        menu.popup(origin.mapToGlobal(pos))


attach_event_menu = EventMenuHook
"""Give a widget the event context menu: ``attach_event_menu(widget, controller, event_at)``."""


# --- the window ---------------------------------------------------------------------------
class BriefingActions(QObject):
    """The Edit menu (copy for a briefing, compare) and this feature's entries in the
    timeline's event menu (through ``TimelineView.eventMenuRequested``).

    The window passes itself; its ``controller``, ``timeline`` and ``event_list`` are
    used, nothing else. Kept out of ``main_window`` so that file gains one line.
    """

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        c: Controller = window.controller  # type: ignore[attr-defined]
        self._controller = c
        self.timeline: QWidget = window.timeline  # type: ignore[attr-defined]
        self.event_list = window.event_list  # type: ignore[attr-defined]

        self.act_note = self._action(NOTE_TEXT, self.copy_note, "Ctrl+Shift+C")
        self.act_citation = self._action(CITATION_TEXT, self.copy_citation)
        self.act_image = self._action(IMAGE_TEXT, self.copy_image)
        self.act_compare = self._action(COMPARE_SELECTED_TEXT + " events", self.compare)
        self.act_note.setStatusTip("Title, date, summary, quotes and sources of the selected event")
        self.act_citation.setStatusTip("The selected event's sources on one line")
        self.act_image.setStatusTip("The timeline as it is on screen, as a picture")
        self.act_compare.setStatusTip(
            "Ctrl+click two events in the list, then compare them side by side"
        )
        c.selectionChanged.connect(self._enable)
        self._enable()

        bar = window.menuBar()
        self.menu = QMenu("&Edit", window)
        for act in (self.act_note, self.act_citation, self.act_image):
            self.menu.addAction(act)
        self.menu.addSeparator()
        self.menu.addAction(self.act_compare)
        if len(bar.actions()) > 1:
            bar.insertMenu(bar.actions()[1], self.menu)
        else:
            bar.addMenu(self.menu)

        # The timeline builds its own event menu (pin the label) and lets others add to it.
        self.timeline.eventMenuRequested.connect(self._add_to_timeline_menu)

    def _add_to_timeline_menu(self, menu: QMenu, event_id: str) -> None:
        menu.addSeparator()
        add_event_actions(menu, self.timeline, self._controller, event_id)
        menu.addSeparator()
        menu.addAction(IMAGE_TEXT, self.copy_image)

    def _action(self, text: str, slot: Callable[[], object], shortcut: str | None = None):
        act = QAction(text, self._window)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(slot)
        self._window.addAction(act)
        return act

    def _enable(self, *_: object) -> None:
        has = self._controller.selected is not None
        self.act_note.setEnabled(has)
        self.act_citation.setEnabled(has)

    def copy_note(self) -> None:
        if self._controller.selected:
            copy_briefing_note(self._controller, self._controller.selected)

    def copy_citation(self) -> None:
        if self._controller.selected:
            copy_citation(self._controller, self._controller.selected)

    def copy_image(self) -> None:
        copy_widget_image(self.timeline)
        self._controller.message.emit("Copied the timeline as a picture.")

    def compare(self) -> None:
        """Two events selected in the list: compare them; one: ask which to compare with."""
        ids = list(self.event_list.selected_ids())
        if len(ids) == 2:
            open_compare(self._window, self._controller, ids[0], ids[1])
        elif self._controller.selected:
            choose_and_compare(self._window, self._controller, self._controller.selected)
        else:
            self._controller.message.emit(
                "Select two events in the list (Ctrl+click) to compare them."
            )


def install_briefing_actions(window: QMainWindow) -> BriefingActions:
    return BriefingActions(window)
