"""What a database holds that this code cannot use, recorded as the loaders leave it out,
and said once: "skipped what this version cannot use: ...".

``Store`` keeps this book (it is a ``SkipBook``); the rules that decide what is usable are
``usable.py``'s, applied by the store's queries and ``table.load_table``.
"""

from __future__ import annotations

from pathlib import Path

NOTE_ITEMS = 5
"""How many skipped things the note names before "and N more"."""


class SkipBook:
    """``skipped``: "event <id>" (or "nation <code>", ...) -> why it was left out;
    ``skipped_events``: the ids of the events among them."""

    path: Path

    def __init__(self) -> None:
        self.skipped: dict[str, str] = {}
        self.skipped_events: set[str] = set()

    def skip(self, subject: str, why: str, *, replace: bool = False) -> None:
        """Record that ``subject`` ("event <id>", ...) was left out, and why."""
        if replace:
            self.skipped[subject] = why
        else:
            self.skipped.setdefault(subject, why)

    def skip_event(self, event_id: object, why: str) -> None:
        """Record an event left out (the latest reason wins); a text id is also kept in
        ``skipped_events``."""
        self.skip(f"event {event_id!s}", why, replace=True)
        if type(event_id) is str:
            self.skipped_events.add(event_id)

    def skipped_note(self) -> str | None:
        """One line naming what was left out and why, or ``None`` when nothing was."""
        if not self.skipped:
            return None
        items = [f"{subject} ({why})" for subject, why in self.skipped.items()]
        shown = "; ".join(items[:NOTE_ITEMS])
        more = len(items) - NOTE_ITEMS
        if more > 0:
            shown += f"; and {more} more"
        return (
            f"{self.path}: skipped what this version cannot use: {shown}"
            f" (details: cspo-viewer db check --db {self.path})"
        )
