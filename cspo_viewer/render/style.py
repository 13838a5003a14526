"""How each event kind looks, in one place.

The timeline, the event list, the detail pane and the briefing export all draw kinds, and
an analyst must be able to match a marker on the timeline with the one in the list or on
a printed page. So colours and shapes live here and nowhere else.

Colours are the Okabe–Ito palette, which stays distinguishable for the common forms of
colour blindness; every kind also has its own shape, so a greyscale print still reads.
``related``
(Operation Olympic Defender, not a CSpO event) is a neutral grey so that it reads as
context rather than as part of the initiative.

Symbols are pyqtgraph symbol names (``ScatterPlotItem`` ``symbol=``).
"""

from __future__ import annotations

KIND_STYLE: dict[str, tuple[str, str]] = {
    "founding": ("#D55E00", "star"),  # vermillion
    "membership": ("#0072B2", "o"),  # blue
    "principals-meeting": ("#009E73", "s"),  # bluish green
    "statement": ("#E69F00", "t"),  # orange
    "vision": ("#CC79A7", "d"),  # reddish purple
    "exercise": ("#56B4E9", "h"),  # sky blue
    "other": ("#000000", "p"),  # black (Okabe–Ito's yellow vanishes on white projectors)
    "related": ("#7c818a", "x"),  # grey: Olympic Defender context, not CSpO (3:1 on its lane)
}
"""Kind id -> (colour as ``#rrggbb``, pyqtgraph symbol name)."""

FALLBACK_KIND = "other"
"""Kinds this table does not know (a newer database) are drawn like ``other``."""

DARK_KIND_COLOURS: dict[str, str] = {"other": "#e6e9ee"}
"""On a dark background: black "other" markers nearly vanish, so they take the dark
theme's text colour (still apart from the mid-grey ``related`` by lightness and shape)."""


def kind_color(kind: str, dark: bool = False) -> str:
    """The kind's colour as ``#rrggbb`` (on a dark background if ``dark``); unknown kinds
    get the ``other`` colour."""
    kind = kind if kind in KIND_STYLE else FALLBACK_KIND
    if dark and kind in DARK_KIND_COLOURS:
        return DARK_KIND_COLOURS[kind]
    return KIND_STYLE[kind][0]


def kind_symbol(kind: str) -> str:
    """The kind's pyqtgraph symbol name; unknown kinds get the ``other`` symbol."""
    return KIND_STYLE.get(kind, KIND_STYLE[FALLBACK_KIND])[1]
