"""Bounded memo dictionaries for the import's hot path.

A file repeats a few thousand dates, tag lists and sources across its events, so readers,
the validator and the writer remember what they worked out for each. A hostile file can
make every value distinct, so each cache is emptied when it reaches its limit: memory
stays bounded and the worst case is merely the uncached speed.
"""

from __future__ import annotations

from typing import Any


def remember(cache: dict[Any, Any], key: Any, value: Any, limit: int) -> None:
    """``cache[key] = value``, the cache emptied first when it holds ``limit`` entries."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
