"""Typed values from ``QSettings``: an ini file gives back strings, a hand-edited one
anything, so each reader says what it expects and what to use otherwise."""

from __future__ import annotations


def as_int(value: object, default: int) -> int:
    """``value`` as an integer (an int, or a string of one); ``default`` otherwise."""
    if not isinstance(value, int | str):
        return default
    try:
        return int(value)
    except ValueError:
        return default
