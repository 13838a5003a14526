"""Where eras and notes go, without Qt: the window and every export use this one plan.

An era's band lies behind the lanes from its first day to its last; a note is a tick at
its date (its event's, when tied to one). Their names never share a row with an event's
label: they have a strip of their own above the lanes, ``lines`` rows of it, first-fit
left to right as the event labels are. A name that finds no room is left out of the
strip (its band or tick is still drawn, and it is counted in ``hidden``), never drawn
over anything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from cspo_viewer.data.annotations import Annotation
from cspo_viewer.data.dates import to_day
from cspo_viewer.data.table import EventTable

if TYPE_CHECKING:  # placement reads content, which holds the marks: no import cycle
    from cspo_viewer.layout.placement import LayoutStyle, Viewport

MAX_STRIP_LINES = 3
"""At most this many rows of era and note names above the lanes."""
SWATCH_PX_FACTOR = 0.8
"""An era's name starts with a swatch of its colour this many marker sizes wide."""
STRIP_ROW = 1.0
"""Height (label rows) of one line of names in the strip above the lanes."""
STRIP_GAP = 0.25
"""Rows between that strip and the first lane."""
NOTE_MARK = "▾ "
"""What stands before a note's text in the strip, pointing down at its date."""


@dataclass(frozen=True)
class Marks:
    """The annotations as day spans, for placement: eras and notes in one sorted set."""

    annotations: tuple[Annotation, ...]  # in ``start`` order
    start: np.ndarray  # float64: first day
    end: np.ndarray  # float64: day after the last (a note: start + 1)
    era: np.ndarray  # bool
    _widths: dict[Callable[[str], float], np.ndarray] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __len__(self) -> int:
        return len(self.annotations)

    def widths(self, measure: Callable[[str], float]) -> np.ndarray:
        """Each mark's name measured (float64), kept for the font ``measure`` stands for."""
        cached = self._widths.get(measure)
        if cached is None:
            texts = (label_text(a) for a in self.annotations)
            cached = np.fromiter((measure(t) for t in texts), np.float64, len(self))
            self._widths.clear()
            self._widths[measure] = cached
        return cached

    def in_view(self, viewport: Viewport) -> np.ndarray:
        """Indices of the marks overlapping ``viewport``."""
        return np.flatnonzero((self.start < viewport.x1) & (self.end > viewport.x0))


NO_MARKS = Marks((), np.zeros(0), np.zeros(0), np.zeros(0, dtype=bool))


def build_marks(annotations: Sequence[Annotation], table: EventTable | None = None) -> Marks:
    """Day spans of ``annotations``: a note tied to an event of ``table`` stands at that
    event's first day (the event may have moved since), else at its own date."""
    if not annotations:
        return NO_MARKS
    starts, ends = [], []
    for a in annotations:
        row = table.index_of(a.event_id) if table is not None and a.event_id else None
        start = float(table.start[row]) if row is not None and table is not None else None
        if start is None:
            start = float(to_day(a.first_day))
        starts.append(start)
        ends.append(float(to_day(a.last_day) + 1) if a.is_era else start + 1)
    order = np.lexsort((np.array(ends), np.array(starts)))
    ordered = tuple(annotations[i] for i in order)
    return Marks(
        ordered,
        np.array(starts, dtype=np.float64)[order],
        np.array(ends, dtype=np.float64)[order],
        np.array([a.is_era for a in ordered], dtype=bool),
    )


@dataclass
class StripPlan:
    """What to draw of the annotations in one viewport. x are pixels from the viewport's
    left edge; ``label_line`` counts the strip's rows from its top."""

    lines: int = 0
    band_x0: list[float] = field(default_factory=list)  # eras' bands, clipped to the view
    band_x1: list[float] = field(default_factory=list)
    band_mark: list[int] = field(default_factory=list)  # index into Marks
    tick_x: list[float] = field(default_factory=list)  # notes' dates
    tick_mark: list[int] = field(default_factory=list)
    label_x: list[float] = field(default_factory=list)  # a name's left edge ...
    label_width: list[float] = field(default_factory=list)
    label_line: list[int] = field(default_factory=list)
    label_mark: list[int] = field(default_factory=list)
    label_text: list[str] = field(default_factory=list)
    hidden: int = 0  # names in view the strip had no room for

    def mark_at(self, line: int, x_px: float, slack: float = 0.0) -> int | None:
        """The mark whose name covers ``x_px`` on strip row ``line``, if any."""
        for ln, x, w, mark in zip(
            self.label_line, self.label_x, self.label_width, self.label_mark, strict=True
        ):
            if ln == line and x - slack <= x_px <= x + w + slack:
                return mark
        return None

    def band_at(self, x_px: float) -> int | None:
        """The shortest era whose band covers ``x_px`` (an era inside another is found)."""
        found = [
            (x1 - x0, mark)
            for x0, x1, mark in zip(self.band_x0, self.band_x1, self.band_mark, strict=True)
            if x0 <= x_px <= x1
        ]
        return min(found)[1] if found else None


def strip_height(lines: int) -> float:
    """Rows the strip of ``lines`` lines of names takes above the lanes: the lanes, and
    so every event label, start below it (none without a name to show)."""
    return lines * STRIP_ROW + STRIP_GAP if lines else 0.0


def label_text(annotation: Annotation, *, mark_last: bool = False) -> str:
    """What the strip says of an annotation: an era's name, a note's text after a mark
    pointing at its date (before it, ``mark_last``, when the text ends at its date)."""
    if annotation.is_era:
        return annotation.title
    return annotation.title + NOTE_MARK[::-1] if mark_last else NOTE_MARK + annotation.title


def plan_strip(
    marks: Marks,
    viewport: Viewport,
    measure: Callable[[str], float],
    style: LayoutStyle,
    lines: int,
) -> StripPlan:
    """Bands, ticks and names of the marks in ``viewport``, names first-fit in ``lines``
    rows (in date order, eras before notes at the same day). A name starts at its era's
    first visible pixel (after its swatch) or at its note's tick, moves left to end at the
    view's edge if it would run past it, and is never placed over another name.

    Runs every frame: the bands and ticks are numpy slices, and the first-fit jumps
    straight to the next name that can start after the row that ends first."""
    plan = StripPlan(lines=lines)
    shown = marks.in_view(viewport)
    if not len(shown):
        return plan
    width = viewport.width_px
    x0 = np.asarray(viewport.to_px(marks.start[shown]), dtype=np.float64)
    x1 = np.asarray(viewport.to_px(marks.end[shown]), dtype=np.float64)
    era = marks.era[shown]
    left = np.maximum(x0, 0.0)
    plan.band_x0 = left[era].tolist()
    plan.band_x1 = np.minimum(x1[era], width).tolist()
    plan.band_mark = shown[era].tolist()
    plan.tick_x = x0[~era].tolist()
    plan.tick_mark = shown[~era].tolist()
    swatch = style.marker_px * SWATCH_PX_FACTOR
    w = marks.widths(measure)[shown]
    # The ▾ before a note's text sits on its date; a note too near the right edge ends
    # its text with the ▾ there instead, so the mark never points at another date.
    starts = np.where(era, left + swatch + style.gap_px, x0 - style.gap_px)
    mark_last = ~era & (starts > width - w)
    starts = np.where(mark_last, x0 + style.gap_px - w, np.minimum(starts, width - w))
    placed = _first_fit(plan, starts, w, shown, lines, style.gap_px * 2)
    plan.label_text = [
        label_text(marks.annotations[shown[k]], mark_last=bool(mark_last[k])) for k in placed
    ]
    return plan


def _first_fit(
    plan: StripPlan, starts: np.ndarray, w: np.ndarray, shown: np.ndarray, lines: int, gap: float
) -> list[int]:
    """Each name on the first row whose last name ends ``gap`` before it, in order; those
    no row takes are counted in ``plan.hidden``. Returns the positions placed."""
    ends = [-np.inf] * lines
    placed: list[int] = []
    n, at = len(starts), 0
    while at < n and lines:
        threshold = max(min(ends) + gap, 0.0)
        fits = starts[at:] >= threshold
        if not fits.any():
            break
        at += int(np.argmax(fits))
        start = float(starts[at])
        line = next(k for k in range(lines) if start >= ends[k] + gap)
        ends[line] = start + float(w[at])
        plan.label_x.append(start)
        plan.label_width.append(float(w[at]))
        plan.label_line.append(line)
        plan.label_mark.append(int(shown[at]))
        placed.append(at)
        at += 1
    plan.hidden = n - len(plan.label_x)
    return placed


def strip_lines(
    marks: Marks, viewport: Viewport, measure: Callable[[str], float], style: LayoutStyle
) -> int:
    """The strip rows that name every mark in ``viewport`` (at most ``MAX_STRIP_LINES``;
    none without a mark in view)."""
    for lines in range(1, MAX_STRIP_LINES + 1):
        plan = plan_strip(marks, viewport, measure, style, lines)
        if not plan.hidden:
            break
    else:
        return MAX_STRIP_LINES
    return lines if len(marks.in_view(viewport)) else 0
