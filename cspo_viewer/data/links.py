"""Which addresses from a database may be shown as links (no Qt).

A database may come from anywhere, so a source's ``url`` may be ``javascript:``, a local
file or nonsense. Everything that turns one into a link (the detail pane, a briefing note
on the clipboard) asks here, so they agree.
"""

from __future__ import annotations

from urllib.parse import urlsplit

LINK_SCHEMES = ("http", "https")


def is_web_link(url: str | None) -> bool:
    """Only http(s) addresses with a host are ever shown as links or opened."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return False
    return parts.scheme.lower() in LINK_SCHEMES and bool(parts.hostname)
