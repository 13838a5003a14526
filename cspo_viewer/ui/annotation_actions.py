"""Eras and notes from the window: add, edit and delete them, each step undoable.

- Drag across the date axis to mark days, then Edit → **Add era…** (or right-click the
  timeline there → *Add era…*); without a marked span the era starts as the visible dates.
- Right-click the timeline off any event → **Add note…** at that date; on an event's
  context menu *Add note…* ties the note to the event (Edit → Add note… does the same
  for the selected event).
- Right-click an era's band or name, or a note's name → *Edit…* or *Delete*.

Every write goes through the controller (the model's one write path) after
``EditActions.writable_record`` (the bundled record offers to save a copy first), and is
a ``QUndoCommand`` on the window's undo stack, so Edit → Undo takes it back.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QUndoCommand
from PySide6.QtWidgets import QMainWindow, QMenu

from cspo_viewer.data.annotations import ERA_COLOUR, Annotation, AnnotationError
from cspo_viewer.data.dates import from_day
from cspo_viewer.data.db_file import DatabaseError
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.rich_text import warn
from cspo_viewer.ui.undo_steps import run_step

if TYPE_CHECKING:
    from cspo_viewer.ui.annotation_dialog import AnnotationDialog

ADD_ERA_TEXT = "&Add era…"
ADD_NOTE_TEXT = "Add no&te…"
CLEAR_SPAN_TEXT = "&Unmark the dates"


def _label(annotation: Annotation) -> str:
    return f"{'era' if annotation.is_era else 'note'} “{annotation.title}”"


class AnnotationCommand(QUndoCommand):
    """One add, edit or delete of an era or note: ``before`` -> ``after`` (None: absent).
    Written before it is pushed; undo writes the reverse, redo the step again."""

    def __init__(
        self, actions: AnnotationActions, before: Annotation | None, after: Annotation | None
    ) -> None:
        what = after or before
        assert what is not None
        verb = "Add" if before is None else "Delete" if after is None else "Edit"
        super().__init__(f"{verb} {_label(what)}")
        self.actions, self.before, self.after = actions, before, after
        self._written = True

    def redo(self) -> None:
        if self._written:  # the first redo is the push: already written
            self._written = False
            return
        self.actions.run(self, self.before, self.after, "redo")

    def undo(self) -> None:
        self.actions.run(self, self.after, self.before, "undo")


class AnnotationActions(QObject):
    """The era and note actions of one window (see the module docstring)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.controller: Controller = window.controller  # type: ignore[attr-defined]
        self.edits = window.edits  # type: ignore[attr-defined]
        self.timeline = window.timeline  # type: ignore[attr-defined]
        self.dialog: AnnotationDialog | None = None  # the form last opened (tests)
        self.act_add_era = QAction(ADD_ERA_TEXT, window)
        self.act_add_era.setStatusTip("Name a period: the dates marked on the date axis")
        self.act_add_era.triggered.connect(lambda *_: self.add_era())
        self.act_add_note = QAction(ADD_NOTE_TEXT, window)
        self.act_add_note.setStatusTip("A note at the selected event")
        self.act_add_note.triggered.connect(lambda *_: self.add_note())
        menu: QMenu = window.briefing.menu  # type: ignore[attr-defined]
        after = self.edits.act_delete
        following = menu.actions()[menu.actions().index(after) + 1]
        for act in (self.act_add_era, self.act_add_note):
            window.addAction(act)
            menu.insertAction(following, act)
        self.timeline.eventMenuRequested.connect(self.add_to_event_menu)
        self.timeline.backgroundMenuRequested.connect(self.add_to_background_menu)
        self.timeline.spanDragged.connect(self._span_dragged)

    # --- menus ------------------------------------------------------------------------------
    def add_to_event_menu(self, menu: QMenu, event_id: str) -> None:
        menu.addSeparator()
        menu.addAction(ADD_NOTE_TEXT, lambda: self.add_note(event_id=event_id))

    def add_to_background_menu(
        self, menu: QMenu, day: float, annotation: Annotation | None
    ) -> None:
        """Off any event: add a note at the day, an era over the marked days, and edit or
        delete the era or note under the cursor."""
        if annotation is not None:
            what = _label(annotation)
            menu.addAction(f"&Edit {what}…", lambda: self.edit(annotation))
            menu.addAction(f"&Delete {what}", lambda: self.delete(annotation))
            menu.addSeparator()
        menu.addAction(ADD_NOTE_TEXT, lambda: self.add_note(day=day))
        span = self.timeline.marked_span
        if span is not None and span[0] <= day <= span[1]:
            menu.addAction(ADD_ERA_TEXT, lambda: self.add_era())
        if span is not None:
            menu.addAction(CLEAR_SPAN_TEXT, self.timeline.clear_span)

    def _span_dragged(self, lo: float, hi: float) -> None:
        first, last = _days(lo, hi)
        self.controller.message.emit(
            f"Marked {first} to {last}: Edit → Add era… (or right-click there) names it."
        )

    # --- opening the form -------------------------------------------------------------------
    def add_era(self) -> AnnotationDialog | None:
        """An era over the days marked on the date axis, else over the visible dates."""
        if not self.edits.writable_record():
            return None
        lo, hi = self.timeline.marked_span or self.timeline.plot.x_range()
        first, last = _days(lo, hi)
        return self._open(Annotation("era", "", first, last, colour=ERA_COLOUR), None)

    def add_note(self, *, day: float | None = None, event_id: str | None = None):
        """A note at ``day``, or tied to an event (by default the selected one; with
        neither, at the middle of the visible dates)."""
        if day is None and event_id is None:
            event_id = self.controller.selected
        if not self.edits.writable_record():
            return None
        title = None
        table = self.controller.table
        row = table.index_of(event_id) if event_id else None
        if row is not None:
            day, title = float(table.start[row]), table.title(row)
        elif day is None:
            x0, x1 = self.timeline.plot.x_range()
            day = (x0 + x1) / 2
        date = from_day(float(np.floor(day))).isoformat()
        note = Annotation("note", "", date, event_id=event_id if row is not None else None)
        return self._open(note, title)

    def edit(self, annotation: Annotation) -> AnnotationDialog | None:
        if not self.edits.writable_record():
            return None
        table = self.controller.table
        row = table.index_of(annotation.event_id) if annotation.event_id else None
        return self._open(annotation, table.title(row) if row is not None else None)

    def _open(self, annotation: Annotation, event_title: str | None) -> AnnotationDialog:
        def save(checked: Annotation) -> None:
            self.push(annotation if annotation.id is not None else None, checked)

        from cspo_viewer.ui.annotation_dialog import AnnotationDialog  # with the first era or note

        dialog = AnnotationDialog(annotation, save, self.window, event_title=event_title)
        self.dialog = dialog
        dialog.open()
        return dialog

    # --- writing ----------------------------------------------------------------------------
    def push(self, before: Annotation | None, after: Annotation | None) -> None:
        """Write the step (raising on refusal, writing nothing) and put it on the stack."""
        stored = self._write(before, after)
        command = AnnotationCommand(self, before, stored)
        self.edits.stack.push(command)
        self.controller.message.emit(f"{command.text()}: saved.")
        if after is not None and after.is_era:
            self.timeline.clear_span()

    def delete(self, annotation: Annotation) -> bool:
        """Delete at once (Edit → Undo brings it back)."""
        if not self.edits.writable_record():
            return False
        try:
            self.push(annotation, None)
        except (DatabaseError, AnnotationError) as exc:
            warn(self.window, "Cannot delete", str(exc))
            return False
        return True

    def _write(self, before: Annotation | None, after: Annotation | None) -> Annotation | None:
        c = self.controller
        if after is None:
            assert before is not None and before.id is not None
            c.delete_annotation(before.id, before)
            return None
        if before is None:
            return c.add_annotation(after)
        return c.update_annotation(replace(after, id=before.id), before)

    def run(
        self,
        command: AnnotationCommand,
        before: Annotation | None,
        after: Annotation | None,
        action: str,
    ) -> None:
        """Undo or redo; a refusal is said, and the step leaves the stack."""
        run_step(
            command,
            action,
            lambda: self._write(before, after),
            self.controller,
            self.window,
            (DatabaseError, AnnotationError),
        )


def _days(lo: float, hi: float) -> tuple[str, str]:
    """The first and last ISO day of a span of days (ends exclusive)."""
    first = from_day(float(np.floor(lo)))
    last = from_day(max(float(np.ceil(hi)) - 1, float(np.floor(lo))))
    return first.isoformat(), last.isoformat()


def install_annotation_actions(window: QMainWindow) -> AnnotationActions:
    return AnnotationActions(window)
