"""Keeping the record current from the window: new, edit, duplicate and delete events,
undo and redo, the undo history, your own record, recent databases, outside changes.

- Edit → **New event…** (Ctrl+N), **Edit event…** (F2, or double-click in the list),
  **Duplicate event** (Ctrl+D), **Delete event…** (Del, after a confirmation that names
  it); the same three on every event's context menu (timeline, list, detail pane).
- Every change is a ``QUndoCommand`` on the window's ``QUndoStack``: Edit → Undo (Ctrl+Z)
  and Redo (Ctrl+Shift+Z) name the step; Edit → Undo history shows them all. An import
  run from the window is one step too.
- The bundled record is never written: editing it first offers **Save a copy as my
  record…** (SQLite's backup API), then works on the copy.
- File → **Open recent** lists the last databases; the window reopens the last one.
- When another program changes the open file (``PRAGMA data_version``, polled), the
  window reloads and says so.

The commands call the controller, which writes through the model's one write path; a
refusal (locked, read-only, changed meanwhile) is one sentence and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QUndoView,
    QVBoxLayout,
)

from cspo_viewer.data.db_file import DatabaseError
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.rich_text import literal, warn
from cspo_viewer.ui.undo_steps import run_step

if TYPE_CHECKING:  # the form and the write path load with the first edit, not at start-up
    from cspo_viewer.data.edits import Edit
    from cspo_viewer.ui.event_editor import EventEditor

RECENT_KEY = "files/recent"
RECENT_LIMIT = 8
POLL_MS = 1500
"""How often the window asks SQLite whether another program changed the file."""
NEW_TEXT = "&New event…"
EDIT_TEXT = "&Edit event…"
DUPLICATE_TEXT = "D&uplicate event"
DELETE_TEXT = "&Delete event…"
SAVE_COPY_TEXT = "Save a &copy as my record…"


class EditCommand(QUndoCommand):
    """One change on the undo stack. It is written before it is pushed (so a refusal is
    seen at once, by the form); undo writes its inverse, redo writes it again."""

    def __init__(self, actions: EditActions, edit: Edit) -> None:
        super().__init__(edit.label)
        self.actions = actions
        self.edit = edit
        self._written = True

    def redo(self) -> None:
        if self._written:  # the first redo is the push: already written
            self._written = False
            return
        self.actions.run(self, self.edit, "redo")

    def undo(self) -> None:
        self.actions.run(self, self.edit.inverse(), "undo")


class EditActions(QObject):
    """The editing actions of one window (see the module docstring)."""

    def __init__(self, window: QMainWindow, settings: QSettings | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.controller: Controller = window.controller  # type: ignore[attr-defined]
        self.stack = QUndoStack(self)
        self.editor: EventEditor | None = None  # the form last opened (tests, tools)
        self._build_actions()
        self._build_menus()
        c = self.controller
        c.selectionChanged.connect(self._enable)
        c.databaseChanged.connect(self._database_changed)
        c.eventMenuRequested.connect(self.add_to_event_menu)
        window.timeline.eventMenuRequested.connect(self.add_to_event_menu)  # type: ignore[attr-defined]
        window.event_list.view.doubleClicked.connect(self._list_double_clicked)  # type: ignore[attr-defined]
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._poll_outside_changes)
        self._poll.start()
        self.remember(c.db_path)
        self._enable()

    # --- actions and menus --------------------------------------------------------------
    def _action(
        self, text: str, slot: Callable[[], object], shortcut: Any = None, tip: str = ""
    ) -> QAction:
        act = QAction(text, self.window)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        act.setStatusTip(tip)
        act.triggered.connect(lambda *_: slot())
        self.window.addAction(act)
        return act

    def _build_actions(self) -> None:
        self.act_new = self._action(NEW_TEXT, self.new_event, "Ctrl+N", "Add an event")
        self.act_edit = self._action(EDIT_TEXT, self.edit_selected, "F2", "Edit the event")
        self.act_duplicate = self._action(
            DUPLICATE_TEXT, self.duplicate_selected, "Ctrl+D", "A copy of the event, to edit"
        )
        self.act_delete = self._action(
            DELETE_TEXT, self.delete_selected, QKeySequence.StandardKey.Delete, "Delete it"
        )
        self.act_undo = self.stack.createUndoAction(self.window, "&Undo")
        self.act_undo.setShortcut(QKeySequence("Ctrl+Z"))
        self.act_redo = self.stack.createRedoAction(self.window, "&Redo")
        self.act_redo.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        for act in (self.act_undo, self.act_redo):
            self.window.addAction(act)
        self.act_history = self._action(
            "Undo &history…", self.show_undo_history, None, "Every change, to step back to"
        )

    def _build_menus(self) -> None:
        menu: QMenu = self.window.briefing.menu  # type: ignore[attr-defined]
        first = menu.actions()[0]  # the Edit menu's copy entries follow
        for act in (self.act_undo, self.act_redo, self.act_history):
            menu.insertAction(first, act)
        menu.insertSeparator(first)
        for act in (self.act_new, self.act_edit, self.act_duplicate, self.act_delete):
            menu.insertAction(first, act)
        menu.insertSeparator(first)
        self.recent_menu = QMenu("Open &recent", self.window)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu: QMenu = self.window.file_menu  # type: ignore[attr-defined]
        after_open = self.window.act_save_copy  # type: ignore[attr-defined]
        file_menu.insertMenu(after_open, self.recent_menu)
        after_open.setText(SAVE_COPY_TEXT)
        after_open.setStatusTip("Copy this record to a file of your own, then open the copy")

    def add_to_event_menu(self, menu: QMenu, event_id: str) -> None:
        """Edit, Duplicate, Delete on the context menu of any event."""
        menu.addSeparator()
        menu.addAction(EDIT_TEXT, lambda: self.edit_event(event_id))
        menu.addAction(DUPLICATE_TEXT, lambda: self.duplicate_event(event_id))
        menu.addAction(DELETE_TEXT, lambda: self.delete_event(event_id))

    def _enable(self, *_: object) -> None:
        has = self.controller.selected is not None
        for act in (self.act_edit, self.act_duplicate, self.act_delete):
            act.setEnabled(has)

    def _database_changed(self) -> None:
        """Another database: its changes are not this one's to undo."""
        self.stack.clear()
        self.remember(self.controller.db_path)

    def _poll_outside_changes(self) -> None:
        """Only a window on screen looks (a closed one may have let its file go)."""
        if self.window.isVisible():
            self.controller.check_for_outside_changes()

    def _list_double_clicked(self, *_: object) -> None:
        if self.controller.selected:
            self.edit_event(self.controller.selected)

    # --- your own record --------------------------------------------------------------------
    def writable_record(self) -> bool:
        """True when the open record may be edited; the bundled one first offers to save a
        copy as the analyst's own record and switches to it."""
        if not self.controller.is_bundled:
            return True
        answer = QMessageBox.question(
            self.window,
            "Save a copy as my record",
            literal(
                "The bundled record is never changed. Save a copy as your own record and edit that?"
            ),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Save:
            return False
        return bool(self.window.save_copy_dialog())  # type: ignore[attr-defined]

    # --- the form -------------------------------------------------------------------------
    def new_event(self) -> EventEditor | None:
        if not self.writable_record():
            return None
        return self._open_editor(None, None)

    def edit_selected(self) -> EventEditor | None:
        return self.edit_event(self.controller.selected) if self.controller.selected else None

    def edit_event(self, event_id: str) -> EventEditor | None:
        if not self.writable_record():
            return None
        record = self.controller.record(event_id)
        if record is None:
            self.controller.message.emit(f"The event {event_id} is no longer in the record.")
            return None
        return self._open_editor(record, None)

    def duplicate_selected(self) -> EventEditor | None:
        sel = self.controller.selected
        return self.duplicate_event(sel) if sel else None

    def duplicate_event(self, event_id: str) -> EventEditor | None:
        if not self.writable_record():
            return None
        record = self.controller.record(event_id)
        if record is None:
            return None
        from cspo_viewer.data.edits import duplicate_fields

        return self._open_editor(None, duplicate_fields(record))

    def _open_editor(
        self, record: dict[str, Any] | None, fields: dict[str, Any] | None
    ) -> EventEditor:
        from cspo_viewer.ui.event_editor import EventEditor

        editor = EventEditor(self.controller, self.push, self.window, record=record, fields=fields)
        self.editor = editor
        editor.open()
        return editor

    # --- writing --------------------------------------------------------------------------
    def push(self, edit: Edit) -> None:
        """Write ``edit`` (raising ``DatabaseError`` on refusal) and put it on the stack."""
        self.controller.apply(edit)
        self.stack.push(EditCommand(self, edit))
        self.controller.message.emit(f"{edit.label}: saved.")

    def run(self, command: EditCommand, edit: Edit, action: str) -> None:
        """Undo or redo. A refusal is said, and the step leaves the stack (the record is
        no longer what it was when the step was made)."""
        run_step(
            command,
            action,
            lambda: self.controller.apply(edit, action),
            self.controller,
            self.window,
            (DatabaseError,),
        )

    def delete_selected(self) -> bool:
        sel = self.controller.selected
        return self.delete_event(sel) if sel else False

    def delete_event(self, event_id: str) -> bool:
        """Delete after a confirmation that names the event."""
        if not self.writable_record():
            return False
        record = self.controller.record(event_id)
        if record is None:
            return False
        answer = QMessageBox.question(
            self.window,
            "Delete event",
            literal(f"Delete “{record['title']}” ({record['date']})? Edit → Undo brings it back."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        from cspo_viewer.data.edits import delete_edit

        try:
            self.push(delete_edit(record))
        except DatabaseError as exc:
            warn(self.window, "Cannot delete", str(exc))
            return False
        return True

    def imported(self) -> None:
        """An import from the window committed: one undoable step."""
        from cspo_viewer.data.edits import import_edit
        from cspo_viewer.data.edits import last_import_step as last_import

        db = self.controller.db_path
        self.controller.imported()
        try:
            step = last_import(db)
            if step is not None:
                command = EditCommand(self, import_edit(db, step))
                self.stack.push(command)
        except DatabaseError as exc:
            self.controller.message.emit(str(exc))

    def show_undo_history(self) -> QDialog:
        dialog = QDialog(self.window)
        dialog.setWindowTitle("Undo history")
        dialog.resize(520, 420)
        layout = QVBoxLayout(dialog)
        view = QUndoView(self.stack)
        view.setEmptyLabel("The record as opened")
        layout.addWidget(view)
        dialog.show()
        self.history_dialog = dialog
        return dialog

    # --- recent databases -----------------------------------------------------------------
    def recent(self) -> list[Path]:
        return [] if self.settings is None else recent_databases(self.settings)

    def remember(self, path: Path) -> None:
        if self.settings is None:
            return
        resolved = str(Path(path).resolve())
        items = [resolved, *(str(p) for p in self.recent() if str(p) != resolved)]
        self.settings.setValue(RECENT_KEY, items[:RECENT_LIMIT])
        self.settings.sync()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for i, path in enumerate(self.recent(), 1):
            name = f"{path.name} — {path.parent}".replace("&", "&&")
            act = self.recent_menu.addAction(f"&{i} {name}")
            act.setEnabled(path.exists())
            act.triggered.connect(lambda *_, p=path: self.window.open_database(p))  # type: ignore[attr-defined]
        if not self.recent_menu.actions():
            self.recent_menu.addAction("No recent databases").setEnabled(False)


def recent_databases(settings: QSettings) -> list[Path]:
    """The databases opened last, newest first (QSettings gives one as a plain string)."""
    value = settings.value(RECENT_KEY, [])
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [Path(str(item)) for item in items if item]


def last_database(settings: QSettings) -> Path | None:
    """The database the window had open last, if it is still there."""
    recent = recent_databases(settings)
    return recent[0] if recent and recent[0].is_file() else None


def install_edit_actions(window: QMainWindow, settings: QSettings | None) -> EditActions:
    return EditActions(window, settings)
