"""Undoing or redoing a written step, for the event and the annotation undo commands
alike: what the window says when it lands, and when the database refuses it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QWidget

from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.rich_text import warn


def run_step(
    command: QUndoCommand,
    action: str,
    write: Callable[[], object],
    controller: Controller,
    window: QWidget,
    refusals: tuple[type[Exception], ...],
) -> None:
    """Run ``write`` for ``command``'s ``action`` ("undo" or "redo"). A refusal (one of
    ``refusals``) is said in the status bar and a warning, and the step leaves the stack:
    what it would change is no longer what it was when the step was made."""
    try:
        write()
    except refusals as exc:
        command.setObsolete(True)
        sentence = str(exc)
        controller.message.emit(sentence)
        QTimer.singleShot(0, lambda: warn(window, f"Cannot {action}", sentence))
        return
    controller.message.emit(f"{action.capitalize()}: {command.text()}.")
