"""Stable ids for imported rows, derived from content so that re-importing adds nothing.

Event ids follow the project's ``<date>-<slug>`` convention with a short hash of the title,
so two events on one day with titles that slug alike stay apart; source ids follow
``db/src/README.md``: ``src-`` and the first ten hex digits of SHA-1 of ``title|url``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:~+-]{0,199}")
"""What an id given in a file may look like: URL- and shell-safe, at most 200 characters."""

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def valid_id(value: object) -> bool:
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def slugify(text: str, max_len: int = 48) -> str:
    """ASCII words joined by hyphens, cut at a word boundary ("Florence — Board" ->
    "florence-board"), so ids read well in URLs, file names and shells."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0] or slug[:max_len]
    return slug


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def label_id(label: str) -> str:
    """An id for a new kind or theme named by a label: its slug, or a hash if it has none
    (a label in a non-Latin script)."""
    return slugify(label, 60) or f"group-{_sha1(label)[:8]}"


def event_id(date: str, title: str) -> str:
    """``2024-12-04-florence-principals-board-3f9a1c``: readable, and the same every time."""
    slug = slugify(title)
    digest = _sha1(f"{date}|{title}")[:6]
    return f"{date}-{slug}-{digest}" if slug else f"{date}-{digest}"


def external_event_id(unique_id: str) -> str:
    """An event id from another tool's id (TimelineJS ``unique_id``): kept when it is
    already a valid id, so our own TimelineJS export round-trips; otherwise slugged."""
    if valid_id(unique_id):
        return unique_id
    slug = slugify(unique_id)
    digest = _sha1(unique_id)[:8]
    return f"tl-{slug}-{digest}" if slug else f"tl-{digest}"


def source_id(title: str, url: str | None) -> str:
    return "src-" + _sha1(f"{title}|{url or ''}")[:10]


def quote_id(event_id: str, n: int) -> str:
    """The ``n``-th (1-based) quote of an event, as in ``db/src``: ``<event id>-q<n>``."""
    return f"{event_id}-q{n}"
