"""What the editor offers to pick from: stored sources with their text, and the roles
earlier quotes gave each speaker (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass

from cspo_viewer.data.store import Store
from cspo_viewer.data.usable import has_blob


@dataclass(frozen=True)
class SourceChoice:
    id: str
    title: str
    publisher: str | None
    date: str | None
    url: str | None
    has_text: bool

    def matches(self, words: str) -> bool:
        """Every word of ``words`` in the title or publisher (case-insensitive)."""
        hay = f"{self.title} {self.publisher or ''}".casefold()
        return all(w in hay for w in words.casefold().split())


def _has_text_column(store: Store) -> bool:
    return any(r[1] == "text" for r in store.conn.execute("PRAGMA table_info(sources)"))


def list_sources(store: Store) -> list[SourceChoice]:
    """Every usable source, newest first, then by title."""
    text = "text IS NOT NULL AND text != ''" if _has_text_column(store) else "0"
    rows = store.conn.execute(
        f"SELECT id, title, publisher, date, url, {text} FROM sources"
        " ORDER BY date IS NULL, date DESC, title"
    )
    return [
        SourceChoice(r[0], r[1], r[2], r[3], r[4], bool(r[5]))
        for r in rows
        if not has_blob(r) and isinstance(r[0], str) and isinstance(r[1], str)
    ]


def source_text(store: Store, source_id: str) -> str | None:
    if not _has_text_column(store):
        return None
    row = store.conn.execute("SELECT text FROM sources WHERE id = ?", [source_id]).fetchone()
    return row[0] if row and isinstance(row[0], str) else None


def speaker_roles(store: Store) -> dict[str, str]:
    """Speaker -> the role their latest quote gives (to suggest with a new quote)."""
    roles: dict[str, str] = {}
    for speaker, role in store.conn.execute(
        "SELECT speaker, role FROM quotes WHERE role IS NOT NULL ORDER BY rowid"
    ):
        if isinstance(speaker, str) and isinstance(role, str):
            roles[speaker] = role
    return roles


def source_fields(store: Store, source_id: str) -> dict[str, object] | None:
    """A stored source as the source form holds it (text included where stored)."""
    columns = ("id", "title", "publisher", "date", "url", "document", "date_note")
    text = ", text" if _has_text_column(store) else ", NULL"
    row = store.conn.execute(
        f"SELECT {', '.join(columns)}{text} FROM sources WHERE id = ?", [source_id]
    ).fetchone()
    if row is None or has_blob(row):
        return None
    return dict(zip((*columns, "text"), row, strict=True))
