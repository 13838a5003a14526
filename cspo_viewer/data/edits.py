"""Editing the record: add, edit, duplicate and delete events, and keep sources, with
every change recorded and undoable (no Qt).

An ``Edit`` is a list of ``Step``s, one per event: the event as it must be stored now
(``before``, None for one that must not exist yet) and as it is to be stored
(``after``, None to delete it). ``apply_edit`` runs it in the one write path that import
uses (``writing.write_transaction``): it refuses, naming the event, when the stored event
is no longer ``before`` (another program changed it meanwhile), so nothing is ever
silently overwritten; and it records each step in ``changes``. Undo applies the inverse
steps, redo the steps again: the same code, checked the same way.

Fields are checked by the import's own ``Validator`` (one rule set for files and the
form); its problems come back keyed by the form's field names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cspo_viewer.data.build import insert_events
from cspo_viewer.data.columns import EVENT_COLUMNS, SOURCE_COLUMNS
from cspo_viewer.data.db_file import DatabaseError
from cspo_viewer.data.event_record import (
    delete_events,
    load_records,
    record_of,
    same_event,
)
from cspo_viewer.data.filters import Vocabulary
from cspo_viewer.data.history import WINDOW_ORIGIN, read_history, record_changes
from cspo_viewer.data.interchange import ids
from cspo_viewer.data.interchange.model import RawEvent
from cspo_viewer.data.interchange.validate import Validator
from cspo_viewer.data.store import Store, open_store
from cspo_viewer.data.writing import NOTHING_SAVED, RolledBack, open_for_writing, write_transaction

NOTHING = NOTHING_SAVED

FORM_FIELDS = (
    "id",
    "title",
    "short_title",
    "date",
    "date_precision",
    "end_date",
    "kind",
    "location",
    "nations",
    "themes",
    "summary",
    "uncertainty",
    "confidence",
    "statement_text",
    "sources",
    "quotes",
)
"""What the editor's form holds, in its order; problems are keyed by these names."""
UNSHOWN_COLUMNS = tuple(c for c in EVENT_COLUMNS if c not in FORM_FIELDS)
"""The event's columns the form does not show: an edit keeps them as stored."""


class EditConflict(DatabaseError):
    """The stored event is not what the edit started from: another program changed it."""


@dataclass(frozen=True)
class Step:
    event_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def inverse(self) -> Step:
        after_id = self.after["id"] if self.after else self.event_id
        return Step(after_id, self.after, self.before)


@dataclass(frozen=True)
class Edit:
    """One undoable change. ``action`` is add, edit, delete or import; ``sources`` are
    source records the change needs that the database may lack (written first, kept on
    undo: other events may cite them by then)."""

    action: str
    steps: tuple[Step, ...]
    sources: tuple[dict[str, Any], ...] = ()
    origin: str = WINDOW_ORIGIN

    @property
    def label(self) -> str:
        """What the undo history shows: "Add “Toulouse Principals' Board”"."""
        if len(self.steps) != 1:
            return f"{self.action.capitalize()} {len(self.steps)} events from {self.origin}"
        step = self.steps[0]
        record = step.after or step.before or {}
        return f"{self.action.capitalize()} “{record.get('title') or step.event_id}”"

    def inverse(self) -> Edit:
        return replace(self, steps=tuple(s.inverse() for s in reversed(self.steps)))

    @property
    def event_ids(self) -> list[str]:
        return [s.event_id for s in self.steps]


@dataclass
class Checked:
    """The form's fields checked: the record to store, or the problems by field."""

    record: dict[str, Any] | None
    problems: dict[str, list[str]] = field(default_factory=dict)
    new_sources: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.record is not None and not self.problems


# --- checking ----------------------------------------------------------------------------
def check_event(store: Store, fields: Mapping[str, Any], *, editing: str | None = None) -> Checked:
    """Check the form's ``fields`` with the import's rules, against ``store``.

    ``editing`` is the id of the stored event being edited (None for a new one): a new
    event may not take an id that exists, nor a quote id another event holds. Sources
    may be ids of stored sources or whole records (a source added in the form).
    """
    raw = RawEvent("event", _raw_fields(fields))
    known = {r[0] for r in store.conn.execute("SELECT id FROM sources")}
    validator = Validator(store.vocabulary, known, _NO_FILE_SOURCE)
    valid = validator.validate(raw)
    problems: dict[str, list[str]] = {}
    for problem in raw.problems:
        problems.setdefault(_form_field(problem.where), []).append(problem.message)
    if valid is None:
        return Checked(None, problems)
    record = record_of(valid.row)
    for name, message in _clashes(store, record, editing):
        problems.setdefault(name, []).append(message)
    new_sources = [s for s in valid.sources if s["id"] not in known]
    return Checked(None if problems else record, problems, new_sources)


_NO_FILE_SOURCE: dict[str, Any] = {"id": "", "title": ""}
"""The form always gives its sources (none is a problem), so no file is ever cited."""


def _raw_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The form's values as an import file would give them ("" for an empty box)."""
    raw: dict[str, Any] = {}
    for name in FORM_FIELDS:
        value = fields.get(name)
        if isinstance(value, str) and not value.strip() and name != "title":
            value = None
        raw[name] = value
    raw["sources"] = list(fields.get("sources") or [])
    return raw


def _form_field(where: str) -> str:
    """``event.quotes[2].text`` -> ``quotes``; ``event.title`` -> ``title``."""
    name = where.removeprefix("event.")
    return name.split("[", 1)[0].split(".", 1)[0]


def _clashes(
    store: Store, record: Mapping[str, Any], editing: str | None
) -> Iterable[tuple[str, str]]:
    conn = store.conn
    eid = record["id"]
    exists = conn.execute("SELECT 1 FROM events WHERE id = ?", [eid]).fetchone()
    if exists and editing != eid:
        yield "id", f"an event with the id {eid} already exists; change the id or the title"
    for quote in record["quotes"]:
        owner = conn.execute("SELECT event_id FROM quotes WHERE id = ?", [quote["id"]]).fetchone()
        if owner and owner[0] not in (editing, None):
            yield "quotes", f"quote id {quote['id']} already belongs to event {owner[0]}"


# --- building edits -------------------------------------------------------------------
def add_edit(checked: Checked) -> Edit:
    assert checked.record is not None
    return Edit(
        "add", (Step(checked.record["id"], None, checked.record),), tuple(checked.new_sources)
    )


def change_edit(before: Mapping[str, Any], checked: Checked) -> Edit:
    """The form's record over the stored one: a column the form does not show (the
    event's ``evidence``) keeps its stored value instead of being emptied."""
    assert checked.record is not None
    after = {**checked.record, **{c: before[c] for c in UNSHOWN_COLUMNS if c in before}}
    return Edit("edit", (Step(before["id"], dict(before), after),), tuple(checked.new_sources))


def delete_edit(before: Mapping[str, Any]) -> Edit:
    return Edit("delete", (Step(before["id"], dict(before), None),))


def duplicate_fields(record: Mapping[str, Any]) -> dict[str, Any]:
    """The form's fields for a copy of ``record``: a new id (from the title, "(copy)") and
    new quote ids, so the copy is an event of its own."""
    fields = dict(record)
    fields["title"] = f"{record['title']} (copy)"
    fields["id"] = None
    fields["quotes"] = [{**q, "id": None} for q in record.get("quotes") or ()]
    return fields


def suggested_id(date: str, title: str) -> str | None:
    """The id a new event gets from its date and title (``<date>-<slug>-<hash>``)."""
    if not date or not title.strip():
        return None
    return ids.event_id(date, title)


# --- writing ----------------------------------------------------------------------------
def apply_edit(db_path: Path, edit: Edit, *, action: str | None = None) -> int:
    """Write ``edit`` in one transaction and record it; return its history step number.

    ``action`` overrides what the history calls it (``undo``, ``redo``). Raises
    ``EditConflict`` naming the event when a stored event is not its step's ``before``,
    and ``DatabaseError`` for a database that cannot be written; nothing is then written.
    """
    with open_for_writing(db_path) as store, write_transaction(store, NOTHING) as conn:
        _write_sources(store, edit.sources)
        current = load_records(conn, edit.event_ids)
        for step in edit.steps:
            if not same_event(current.get(step.event_id), step.before):
                raise EditConflict(_conflict(store, step, current.get(step.event_id)))
        gone = [s.event_id for s in edit.steps if s.event_id in current]
        delete_events(conn, gone)
        insert_events(conn, [s.after for s in edit.steps if s.after is not None])
        return record_changes(
            conn,
            action or edit.action,
            ((s.after["id"] if s.after else s.event_id, s.before, s.after) for s in edit.steps),
            origin=edit.origin,
        )


def _conflict(store: Store, step: Step, stored: Mapping[str, Any] | None) -> str:
    title = (step.before or step.after or {}).get("title") or step.event_id
    if stored is None and step.before is not None:
        what = "was deleted by another program"
    elif step.before is None:
        what = "already exists (another program added it)"
    else:
        what = "was changed by another program since you opened it"
    return f"“{title}” ({step.event_id}) {what}; {NOTHING} (reload to see it)"


def _write_sources(store: Store, sources: Sequence[Mapping[str, Any]]) -> None:
    if sources:
        store.db.table("sources").insert_all(
            [{c: s.get(c) for c in (*SOURCE_COLUMNS, "text")} for s in sources], ignore=True
        )


def import_edit(db_path: Path, step: int) -> Edit:
    """An import, as recorded in ``changes``, as one undoable ``Edit``."""
    with open_store(db_path) as store:
        rows = [c for c in read_history(store.conn) if c.step == step and c.action == "import"]
    if not rows:
        raise DatabaseError(f"{db_path} has no recorded import numbered {step}")
    steps = tuple(Step(c.event_id or "", c.before, c.after) for c in reversed(rows))
    return Edit("import", steps, origin=rows[0].origin or "a file")


def last_import_step(db_path: Path) -> int | None:
    with open_store(db_path) as store:
        row = store.conn.execute("SELECT MAX(step) FROM changes WHERE action = 'import'").fetchone()
    return None if row is None or row[0] is None else int(row[0])


# --- sources ----------------------------------------------------------------------------
def source_record(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A source from the form (title, publisher, date or date note, url, text); its id is
    the project's ``src-`` hash of title and url unless it has one."""
    record = {c: (fields.get(c) or None) for c in (*SOURCE_COLUMNS, "text")}
    if not record["id"]:
        record["id"] = ids.source_id(record["title"] or "", record["url"])
    return record


def check_source(fields: Mapping[str, Any]) -> dict[str, list[str]]:
    """The source form's problems by field, with the import's rules for sources."""
    raw = RawEvent("event", {"sources": [{c: fields.get(c) for c in SOURCE_COLUMNS}]})
    validator = Validator(Vocabulary({}, {}, {}), set(), _NO_FILE_SOURCE)
    validator.check_source(raw, 0)
    problems: dict[str, list[str]] = {}
    for problem in raw.problems:
        name = problem.where.rsplit(".", 1)[-1] if "." in problem.where else "title"
        name = name if name in SOURCE_COLUMNS else "title"
        problems.setdefault(name, []).append(problem.message)
    text = fields.get("text")
    if text is not None and "\x00" in text:
        problems.setdefault("text", []).append("contains a NUL character")
    return problems


def save_source(db_path: Path, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Add a source, or update one (its text, say); recorded in ``changes`` (no event id:
    ``before`` and ``after`` are the source)."""
    record = source_record(fields)
    with open_for_writing(db_path) as store, write_transaction(store, NOTHING) as conn:
        columns = (*SOURCE_COLUMNS, "text")
        old = conn.execute(
            f"SELECT {', '.join(columns)} FROM sources WHERE id = ?", [record["id"]]
        ).fetchone()
        before = dict(zip(columns, old, strict=True)) if old else None
        if before == record:  # saved again unchanged (before a quote is taken): no change
            raise RolledBack
        store.db.table("sources").upsert(record, pk="id")
        record_changes(
            conn,
            "edit" if before else "add",
            [(None, _as_source(before), _as_source(record))],
            origin=WINDOW_ORIGIN,
        )
    return record


def _as_source(record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if record is None else {"source": dict(record)}
