"""The history of changes: every write path records here what it did to which event.

One row per event written, in the same transaction as the write itself, so the history
and the record cannot disagree: an edit that rolls back leaves no row. ``before`` and
``after`` are the event as ``edits.event_record`` reads it, as JSON (NULL for an event
that did not exist), so any change can be read, compared and undone from the file alone.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from cspo_viewer.data.event_record import comparable, is_record

ACTIONS = ("add", "edit", "delete", "import", "undo", "redo", "migrate")
WINDOW_ORIGIN = "window"
"""``origin`` of changes made in the window (an import's is the file's name)."""


@dataclass(frozen=True)
class Change:
    """One row of ``changes``. ``before``/``after`` are decoded when first asked for (None:
    no such event): a listing of thousands of imports needs only their titles, which
    SQLite reads out of the JSON (``stored_title``)."""

    id: int
    at: str
    who: str | None
    action: str
    event_id: str | None
    before_json: str | None
    after_json: str | None
    origin: str | None
    step: int | None
    stored_title: str | None = None

    @cached_property
    def before(self) -> dict[str, Any] | None:
        return _decode(self.before_json)

    @cached_property
    def after(self) -> dict[str, Any] | None:
        return _decode(self.after_json)

    @property
    def is_edit(self) -> bool:
        """The event existed before and after: there are changed fields to name."""
        return self.before_json is not None and self.after_json is not None

    @property
    def title(self) -> str:
        """The event's title after the change (before it, for a delete); a source's change
        holds the source."""
        if self.stored_title is not None:
            return self.stored_title
        record = self.after or self.before or {}
        # A source's or an annotation's change holds the source or the annotation.
        record = record.get("source", record.get("annotation", record))
        return str(record.get("title") or self.event_id or "")

    def changed_fields(self) -> list[str]:
        """The fields an edit changed, in the record's order. Two event records compare
        as import and the editor compare events (``comparable``): a form that lists the
        same nations in another order changed nothing."""
        before, after = self.before or {}, self.after or {}
        keys = list(after) + [k for k in before if k not in after]
        if is_record(before) and is_record(after):
            before, after = comparable(dict(before)), comparable(dict(after))
        return [k for k in keys if before.get(k) != after.get(k)]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at,
            "who": self.who,
            "action": self.action,
            "event_id": self.event_id,
            "origin": self.origin,
            "step": self.step,
            "changed": self.changed_fields(),
            "before": self.before,
            "after": self.after,
        }


def now_utc() -> str:
    """ISO 8601 UTC to the second, as the ``at`` column holds it."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def who() -> str | None:
    """The OS user name, or None where the system has none to give."""
    import getpass  # with termios, ~0.6 ms of every launch; only a write asks who

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME/USER (a bare container)
        return None


def to_json(record: Mapping[str, Any] | None) -> str | None:
    return None if record is None else _ENCODER.encode(record)


_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)
"""What ``json.dumps(record, ensure_ascii=False)`` writes, made once: ``dumps`` builds an
encoder per call when given options (an import records every event it writes). A record is plain
dicts and lists made from a row, so it cannot hold itself: no check for that."""


def next_step(conn: sqlite3.Connection) -> int:
    """A new step number: the rows of one undoable step share it."""
    return int(conn.execute("SELECT COALESCE(MAX(step), 0) + 1 FROM changes").fetchone()[0])


def record_changes(
    conn: sqlite3.Connection,
    action: str,
    rows: Iterable[tuple[str | None, Mapping[str, Any] | None, Mapping[str, Any] | None]],
    *,
    origin: str,
    step: int | None = None,
) -> int:
    """Add one row per (event id, before, after); call inside the writing transaction.

    Returns the step number the rows share."""
    if action not in ACTIONS:
        raise ValueError(f"unknown change action {action!r}")
    step = next_step(conn) if step is None else step
    at, user = now_utc(), who()
    conn.executemany(
        "INSERT INTO changes (at, who, action, event_id, before, after, origin, step)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (at, user, action, eid, to_json(before), to_json(after), origin, step)
            for eid, before, after in rows
        ),
    )
    return step


def has_history(conn: sqlite3.Connection) -> bool:
    """A v3 file has the table; an older one, opened read-only, does not."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'changes'"
    ).fetchone()
    return row is not None


def read_history(
    conn: sqlite3.Connection,
    event_id: str | None = None,
    *,
    limit: int | None = None,
    whole: bool = True,
) -> list[Change]:
    """Changes, newest first; only ``event_id``'s when given. Uses the (event_id, id)
    index, so one event's history costs its own rows. Without ``whole``, only what a
    one-line listing shows is read: the records of edits (to name the fields changed),
    not those of adds, deletes and imports (their titles come from SQLite)."""
    if not has_history(conn):
        return []
    records = (
        "before, after"
        if whole
        else "CASE WHEN after IS NOT NULL THEN before END,"
        " CASE WHEN before IS NOT NULL THEN after END"
    )
    columns = f"id, at, who, action, event_id, {records}, origin, step"
    sql = f"SELECT {columns}, {_TITLE} FROM changes"
    params: list[Any] = []
    if event_id is not None:
        sql += " WHERE event_id = ?"
        params.append(event_id)
    sql += " ORDER BY id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_change(row) for row in conn.execute(sql, params)]


_RECORD = "COALESCE(after, before)"
_TITLE = (
    f"CASE WHEN json_valid({_RECORD}) THEN COALESCE(json_extract({_RECORD}, '$.title'),"
    f" json_extract({_RECORD}, '$.source.title')) END"
)
"""The title a change shows, read by SQLite (NULL: work it out from the decoded record)."""


def _change(row: tuple[Any, ...]) -> Change:
    return Change(
        id=row[0],
        at=row[1],
        who=row[2],
        action=row[3],
        event_id=row[4],
        before_json=_text(row[5]),
        after_json=_text(row[6]),
        origin=row[7],
        step=row[8],
        stored_title=row[9] if isinstance(row[9], str) else None,
    )


def _text(value: Any) -> str | None:
    """A stored record's JSON text (another program may have put a number there)."""
    return value if value is None or isinstance(value, str) else str(value)


def _decode(text: Any) -> dict[str, Any] | None:
    """A stored record, or None; text that is not a JSON object (written by another
    program) is shown as what it is rather than failing the whole history."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return {"unreadable": str(text)[:200]}
    return value if isinstance(value, dict) else {"unreadable": str(value)[:200]}


def describe(change: Change) -> str:
    """One line for the window and the plain ``history`` listing."""
    what = {
        "add": "added",
        "edit": "edited",
        "delete": "deleted",
        "import": "imported",
        "undo": "undone",
        "redo": "redone",
        "migrate": "migrated",
    }.get(change.action, change.action)
    fields = change.changed_fields() if change.is_edit else []
    detail = f" ({', '.join(fields)})" if fields else ""
    by = f" by {change.who}" if change.who else ""
    origin = f" from {change.origin}" if change.origin and change.origin != WINDOW_ORIGIN else ""
    return f"{change.at}  {what}{detail}{by}{origin}"
