"""The records that travel between the readers, the validator, the importer and the dump.

Readers turn a file into ``RawEvent``s (our field names, the file's values); the validator
turns those into canonical events or ``Problem``s. Keeping one intermediate shape means the
three formats share every rule about dates, kinds, nations, sources and quotes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from cspo_viewer.data.interchange_choices import Format, MapGroup, OnConflict

MAX_RECORD_CHARS = 8 * 1024 * 1024
"""The largest single event, JSON value or CSV field we read (8 MiB). A real statement is a
few tens of kilobytes; anything far larger is a damaged or hostile file, and refusing it
keeps memory bounded."""

MAX_JSON_BYTES = 64 * 1024 * 1024
"""The largest JSON file read whole (64 MiB). ``json.loads`` holds the text and every
decoded object at once, about four times the file's size, so this keeps an import under a
few hundred MB of memory. A larger file of our events is streamed event by event
(``jsonstream``); a larger TimelineJS file or sheet is refused. CSV is read row by row."""

INVALID: Any = object()
"""A reader's marker for a field it has already reported, so the validator stays quiet."""


class InterchangeError(Exception):
    """The file as a whole cannot be read (not text, not a known format, broken syntax).

    The message is one sentence for the user; nothing has been written.
    """


class ImportCancelled(Exception):
    """Raised from a progress callback to stop an import; nothing is written."""


@dataclass(frozen=True)
class Problem:
    """Why one event (a CSV row or a JSON element) cannot be imported."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class RawEvent:
    """One event as a reader found it: our field names, the file's values.

    ``where`` names the row or JSON path; ``aliases`` maps our field names to the file's
    (``title`` -> ``text.headline``) so that messages point at what the user wrote.
    """

    where: str
    fields: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    style: Literal["json", "csv"] = "json"
    aliases: Mapping[str, str] = field(default_factory=dict)

    def at(self, name: str) -> str:
        """The location of field ``name`` (``events[3].date``, ``row 4, column date``)."""
        key = self.aliases.get(name)
        if self.style == "csv":
            if key is None:
                head = name.split("[", 1)[0].split(".", 1)[0]
                column = self.aliases.get(head, head)
                return f"{self.where}, column {column}" + (f" ({name})" if head != name else "")
            return f"{self.where}, column {key}"
        return f"{self.where}.{key or name}"

    def problem(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.at(name), message))


@dataclass(frozen=True)
class Progress:
    """How far an import has got: ``phase`` is "checking" (the first pass, and all of a
    dry run), "writing" (the second, inside the transaction) or "saving" (the commit)."""

    phase: str
    done_bytes: int
    total_bytes: int
    events: int

    @property
    def fraction(self) -> float:
        return min(1.0, self.done_bytes / self.total_bytes) if self.total_bytes else 1.0


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class ImportOptions:
    """What the user chose: see ``cspo-viewer import --help``."""

    dry_run: bool = False
    on_conflict: OnConflict = "skip"
    map_group: MapGroup | None = None
    format: Format | None = None
    source_title: str | None = None


@dataclass(frozen=True)
class EventSummary:
    """One line of the preview: an event to add, or one that differs from the database."""

    where: str
    id: str
    date: str
    title: str
    changes: tuple[str, ...] = ()


PREVIEW_LIMIT = 1000
"""Events listed by name in a report; the counts are always complete."""
PROBLEM_LIMIT = 10_000
"""Problems kept in a report (memory stays bounded for a file of rubbish); counted beyond."""


@dataclass
class ImportReport:
    """What an import did or, with ``dry_run``, would do."""

    file: str
    format: Format
    db: str
    dry_run: bool
    on_conflict: OnConflict
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: int = 0
    duplicates: int = 0
    new_sources: int = 0
    new_kinds: list[str] = field(default_factory=list)
    new_themes: list[str] = field(default_factory=list)
    added_items: list[EventSummary] = field(default_factory=list)
    changed_items: list[EventSummary] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    problems_total: int = 0
    notes: list[str] = field(default_factory=list)
    written: bool = False
    eras_added: int = 0  # TimelineJS eras not stored yet (or stored, once written)

    @property
    def has_changes(self) -> bool:
        """Anything to write? Re-importing a file changes nothing and rewrites nothing."""
        return bool(
            self.added
            or self.changed
            or self.new_sources
            or self.new_kinds
            or self.new_themes
            or self.eras_added
        )

    @property
    def ok(self) -> bool:
        """True when nothing was rejected, so the import can be (or was) written."""
        return self.rejected == 0 and self.problems_total == 0

    def reject(self, problems: list[Problem]) -> None:
        self.rejected += 1
        self.problems_total += len(problems)
        room = PROBLEM_LIMIT - len(self.problems)
        if room > 0:
            self.problems.extend(problems[:room])

    def summary(self) -> str:
        """One line of counts, as the CLI and the dialog show it."""
        done = self.written
        parts = [
            f"{self.added} {'added' if done else 'to add'}",
            f"{self.changed} {'changed' if done else 'to change'}",
            f"{self.unchanged} already present",
        ]
        if self.skipped:
            parts.append(f"{self.skipped} differing kept as they are")
        parts.append(f"{self.rejected} rejected")
        return ", ".join(parts)
