"""Plain records the data layer hands to views and commands (no Qt, no SQL)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Nation:
    code: str
    name: str
    alpha2: str
    joined: str | None = None
    joined_precision: str | None = None
    membership_note: str | None = None


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Kind:
    id: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    document: str | None = None
    date_note: str | None = None
    """What the source says of its date when that is not an ISO date ("undated excerpt")."""


@dataclass(frozen=True)
class Quote:
    id: str
    speaker: str
    role: str | None
    nation_code: str | None
    text: str
    source_id: str | None


@dataclass(frozen=True)
class EventRow:
    """What a list or a timeline needs of one event."""

    id: str
    date: str
    date_precision: str
    end_date: str | None
    title: str
    short_title: str | None
    kind: str
    location: str | None
    nations: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.short_title or self.title


@dataclass(frozen=True)
class EventDetail:
    """Everything the detail pane shows of one event."""

    row: EventRow
    summary: str | None
    statement_text: str | None
    confidence: str | None
    uncertainty: str | None
    quotes: tuple[Quote, ...] = field(default_factory=tuple)
    sources: tuple[Source, ...] = field(default_factory=tuple)
