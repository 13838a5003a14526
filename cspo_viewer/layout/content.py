"""What one timeline shows, without Qt: its lanes, the event instances in them, the day
range to fit and the membership story under the lanes.

Built once per filter and grouping (never per frame) for the window and every export
alike, so the screen and the slide show the same lanes over the same dates.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from cspo_viewer.data.annotations import Annotation
from cspo_viewer.data.dates import display_date, period_end, to_day
from cspo_viewer.data.records import Nation
from cspo_viewer.data.table import EventTable
from cspo_viewer.layout.annotations import NO_MARKS, Marks, build_marks

MARGIN_FRACTION = 0.025
"""Room left and right of the fitted events, as a fraction of their span (at least
``MIN_MARGIN_DAYS``): the same for the window's fit and the export."""
MIN_MARGIN_DAYS = 15.0

PERIOD_DAYS = 1.5
"""An event longer than this many days (a month- or year-precision date, a multi-day
event) is drawn as a period: a bar over the days it may cover, its marker mid-period."""

FOUNDING_KIND = "founding"
"""The kind of the event that starts the record's story (the 2014 MoU): what came before
it is context."""


KIND_PRIORITY = (
    FOUNDING_KIND,
    "principals-meeting",
    "statement",
    "vision",
    "membership",
    "exercise",
    "other",
    "related",
)
"""Which labels win when space is short: the founding and the Boards first."""


def kind_rank(table: EventTable) -> np.ndarray:
    """Each kind's place in ``KIND_PRIORITY`` (lower wins); kinds it does not name last."""
    rank = {k: i for i, k in enumerate(KIND_PRIORITY)}
    return np.array([rank.get(k, len(rank)) for k in table.kinds], dtype=np.int16)


class InstanceColumns(NamedTuple):
    """The table's columns a frame reads, per instance of ``Lanes``, in its order."""

    start: np.ndarray
    end: np.ndarray
    centre: np.ndarray  # where its marker sits (``marker_day``)
    rank: np.ndarray  # its kind's priority (``kind_rank``)
    reach: float  # the furthest any marker sits past its event's start, in days


class ByDay:
    """Every lane's undimmed instances, lane by lane, each lane's in marker-day order,
    for drawing lanes dense: a frame finds the view's stretch of a lane, and each bin's
    or stretch's share of it, by binary search, where a pass over every event in view
    would cost its length."""

    def __init__(self, inst: np.ndarray, bounds: np.ndarray, cols: InstanceColumns) -> None:
        self.inst = inst  # instance indices (into ``Lanes``)
        self.centre = cols.centre[inst]  # their marker days, ascending in each lane
        self.bounds = bounds  # where each lane starts (and the last ends)
        # Least first: the kind's priority, then the instance (start order), so the
        # least key of a stretch is the event a dense lane names there.
        self.size = max(len(cols.centre), 1)
        self.key = cols.rank[inst].astype(np.int64) * self.size + inst
        self._pinned: tuple[frozenset[int], np.ndarray] | None = None

    def pinned(self, events: np.ndarray, pins: frozenset[int]) -> np.ndarray:
        """Positions (in this order) of the instances of ``pins``; ``events`` maps an
        instance to its event. Kept for the last pins asked, as they seldom change."""
        if self._pinned is None or self._pinned[0] != pins:
            wanted = np.fromiter(pins, dtype=np.int64, count=len(pins))
            at = np.flatnonzero(np.isin(events[self.inst], wanted))
            self._pinned = (pins, at)
        return self._pinned[1]


def is_period(start: Any, end: Any) -> Any:
    """Whether an event (or each of arrays of them) is drawn as a period, not a day:
    the one test the layout, the painters and the exports share."""
    return end - start > PERIOD_DAYS


def marker_day(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The day each event's marker sits on: its own day's middle, or a period's middle
    (an imprecise date is no more likely at its start than anywhere in it)."""
    return np.where(is_period(start, end), (start + end) / 2, start + 0.5)


@dataclass(frozen=True)
class Lanes:
    """Lane names and the event instances in them, sorted by (lane, start)."""

    keys: tuple[str, ...]  # kind id, nation code or theme id
    titles: tuple[str, ...]  # what the lane header says
    event: np.ndarray  # int32: instance -> row of the EventTable
    lane: np.ndarray  # int32: instance -> lane index
    dim: np.ndarray  # bool: instance drawn dimmed (outside the filter, "dim" mode)
    bounds: np.ndarray = field(init=False, repr=False)  # set from ``lane`` after init
    _columns: list[tuple[EventTable, InstanceColumns]] = field(
        default_factory=list, init=False, repr=False, compare=False
    )
    _by_day: list[ByDay] = field(default_factory=list, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        edges = np.searchsorted(self.lane, np.arange(len(self.keys) + 1))
        object.__setattr__(self, "bounds", edges)

    def lane_slice(self, lane: int) -> slice:
        return slice(int(self.bounds[lane]), int(self.bounds[lane + 1]))

    @cached_property
    def first_instances(self) -> np.ndarray:
        """Whether each instance is its event's first (in its first lane): worked out once,
        as every relayout asks for it."""
        first = np.zeros(len(self.event), dtype=bool)
        first[np.unique(self.event, return_index=True)[1]] = True
        first.flags.writeable = False
        return first

    @cached_property
    def dimmed_before(self) -> np.ndarray:
        """How many instances before each (and before the end) are dimmed: a stretch's
        dimmed count in two look-ups, every frame, whatever its length."""
        counts = np.zeros(len(self.dim) + 1, dtype=np.int64)
        np.cumsum(self.dim, out=counts[1:])
        return counts

    def columns(self, table: EventTable) -> InstanceColumns:
        """Each instance's start, end, marker day and kind's priority, gathered from
        ``table`` once:
        every frame reads a stretch of them per lane, which is then a slice, not a
        gather."""
        for known, columns in self._columns:
            if known is table:
                return columns
        start, end = table.start[self.event], table.end[self.event]
        rank = kind_rank(table)[table.kind[self.event]]
        centre = marker_day(start, end)
        reach = float((centre - start).max()) if len(start) else 0.0
        columns = InstanceColumns(start, end, centre, rank, reach)
        self._columns[:] = [(table, columns)]  # the content's table (one at a time)
        self._by_day.clear()  # built from the columns
        return columns

    def by_day(self, table: EventTable) -> ByDay:
        """The lanes' undimmed instances in marker-day order within each lane (``ByDay``),
        sorted on the first frame that draws a lane dense and kept with the columns."""
        cols = self.columns(table)
        if not self._by_day:
            undimmed = np.flatnonzero(~self.dim)
            bounds = np.searchsorted(self.lane[undimmed], np.arange(len(self.keys) + 1))
            # Lane by lane: each is in start order, nearly day order, which a stable
            # sort of one lane at a time takes in a few passes.
            inst = np.concatenate(
                [
                    part[np.argsort(cols.centre[part], kind="stable")]
                    for part in (undimmed[a:b] for a, b in itertools.pairwise(bounds.tolist()))
                ]
                or [undimmed]
            )
            self._by_day.append(ByDay(inst, bounds, cols))
        return self._by_day[0]


def assign_lanes(
    table: EventTable,
    mask: np.ndarray,
    grouping: str,
    titles: dict[str, str],
    *,
    keep_dimmed: bool = False,
    show_empty: bool = False,
) -> Lanes:
    """One lane per kind, nation or theme, in the order of ``titles`` (key -> header).

    With ``keep_dimmed`` the events outside ``mask`` stay in their lanes, flagged ``dim``.
    A lane with no instance is left out unless ``show_empty`` (with ``keep_dimmed``, a lane
    holding only dimmed events stays, as their context): an empty lane on a slide is height
    taken from the events that are there.
    """
    keys = tuple(titles)
    index = {k: i for i, k in enumerate(keys)}
    if grouping == "kind":
        lane_of_kind = np.array([index.get(k, -1) for k in table.kinds], dtype=np.int32)
        event = np.arange(len(table), dtype=np.int32)
        lane = lane_of_kind[table.kind] if len(table) else np.zeros(0, np.int32)
    else:
        pairs = table.nations if grouping == "nation" else table.themes
        lane_of_tag = np.array([index.get(n, -1) for n in pairs.names], dtype=np.int32)
        event = pairs.event.astype(np.int32)
        lane = lane_of_tag[pairs.tag] if len(pairs.tag) else np.zeros(0, np.int32)
    keep = lane >= 0
    if not keep_dimmed:
        keep &= mask[event]
    event, lane = event[keep], lane[keep]
    if not show_empty:
        used = np.zeros(len(keys), dtype=bool)
        used[lane] = True
        remap = np.cumsum(used) - 1
        keys = tuple(k for k, u in zip(keys, used, strict=True) if u)
        titles = {k: titles[k] for k in keys}
        event, lane = event[used[lane]], remap[lane[used[lane]]].astype(np.int32)
    order = np.lexsort((table.start[event], lane))
    event, lane = event[order], lane[order]
    return Lanes(keys, tuple(titles[k] for k in keys), event, lane, ~mask[event])


@dataclass(frozen=True)
class MemberBand:
    """A nation's membership from its join date onward."""

    code: str
    name: str
    joined: float  # first day of the join date
    precision_end: float  # day after the join date's period (its month or year if imprecise)
    label: str  # e.g. "JPN · joined 5 Dec 2023"


@dataclass(frozen=True)
class TimelineContent:
    """Everything a timeline shows for one filter and grouping (window and export alike)."""

    table: EventTable
    lanes: Lanes
    x_range: tuple[float, float]  # how far one may pan: all the data, with a margin (days)
    members: tuple[MemberBand, ...]  # the membership strip under the lanes ...
    member_lanes: dict[str, float]  # ... or, with nation lanes, lane key -> join day
    grouping: str
    fit_range: tuple[float, float] = (0.0, 1.0)  # what "fit" shows: the matching events
    marks: Marks = NO_MARKS  # eras and notes, behind the lanes and in a strip above them

    def shown_events(self, x_range: tuple[float, float]) -> np.ndarray:
        """Rows of the table drawn (not dimmed) in ``x_range``: in a lane, overlapping it."""
        table, event = self.table, self.lanes.event[~self.lanes.dim]
        x0, x1 = x_range
        inside = (table.start[event] < x1) & (table.end[event] > x0)  # ends are exclusive
        seen = np.zeros(len(table), dtype=bool)
        seen[event[inside]] = True
        return np.flatnonzero(seen)


def build_content(
    table: EventTable,
    mask: np.ndarray,
    grouping: str,
    kinds: Sequence[tuple[str, str]],
    nations: Sequence[Nation],
    themes: Sequence[tuple[str, str]],
    *,
    keep_dimmed: bool = False,
    show_empty: bool = False,
    members: bool = True,
    dates: tuple[float | None, float | None] = (None, None),
    annotations: Sequence[Annotation] = (),
) -> TimelineContent:
    """Lanes for ``grouping`` (kind ids, nation codes or theme ids with their headers),
    the day ranges to pan over and to fit, and the membership strip.

    ``dates`` are the filter's own first and last day (days, or None): a filter "from
    2019" fits from 2019 even when its first event is later. ``annotations`` are the
    eras and notes to draw (a saved view may show only some).
    """
    if grouping == "kind":
        titles = dict(kinds)
    elif grouping == "nation":
        titles = {n.code: n.name for n in nations}
    else:
        titles = dict(themes)
    lanes = assign_lanes(
        table, mask, grouping, titles, keep_dimmed=keep_dimmed, show_empty=show_empty
    )
    bands = tuple(member_band(n) for n in nations if n.joined)
    if len(table):
        lo = min(float(table.start.min()), min((b.joined for b in bands), default=np.inf))
        hi = float(table.end.max())
    else:
        lo, hi = float(to_day("2014-01-01")), float(to_day("2025-01-01"))
    full = with_margin(lo, hi)
    fit = fit_range(table, lanes, mask, dates, full)
    marks = build_marks(annotations, table)
    if grouping == "nation":
        return TimelineContent(
            table, lanes, full, (), {b.code: b.joined for b in bands}, grouping, fit, marks
        )
    # Joins after the last event would draw an empty strip: leave those out.
    shown = tuple(b for b in bands if b.joined <= full[1]) if members else ()
    return TimelineContent(table, lanes, full, shown, {}, grouping, fit, marks)


def story_start(table: EventTable, shown: np.ndarray) -> float | None:
    """The first day of the founding when ``shown`` includes it, else None: the day a
    title's years count from, so a precursor drawn for context does not move them."""
    if FOUNDING_KIND not in table.kinds or not len(shown):
        return None
    founding = shown[table.kind[shown] == table.kinds.index(FOUNDING_KIND)]
    return float(table.start[founding].min()) if len(founding) else None


def with_margin(lo: float, hi: float) -> tuple[float, float]:
    margin = max((hi - lo) * MARGIN_FRACTION, MIN_MARGIN_DAYS)
    return lo - margin, hi + margin


def fit_range(
    table: EventTable,
    lanes: Lanes,
    mask: np.ndarray,
    dates: tuple[float | None, float | None],
    full: tuple[float, float],
) -> tuple[float, float]:
    """The days the matching events cover (widened to the filter's own dates), with the
    margin, inside ``full``. With every event matching it is ``full`` itself."""
    event = lanes.event[~lanes.dim]
    if not len(event) or (bool(mask.all()) and dates == (None, None)):
        return full
    lo, hi = float(table.start[event].min()), float(table.end[event].max())
    if dates[0] is not None:
        lo = min(lo, float(dates[0]))
    if dates[1] is not None:
        hi = max(hi, float(dates[1]) + 1)
    lo, hi = with_margin(lo, hi)
    return max(lo, full[0]), min(hi, full[1])


def member_band(nation: Nation) -> MemberBand:
    joined = nation.joined or ""
    precision = nation.joined_precision or "day"
    end = period_end(joined, precision)
    return MemberBand(
        code=nation.code,
        name=nation.name,
        joined=float(to_day(joined)),
        precision_end=float(to_day(end) + 1),
        label=f"{nation.code} · joined {display_date(joined, precision)}",
    )
