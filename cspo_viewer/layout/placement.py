"""Where each marker and label goes, without Qt: every event named that can be, none
misleading.

Each lane has a few *rows*. A marker sits on its event's day in one row, and its label
sits in the same row, beside it (right of it, or left of it at the right edge). A marker
and its label are one interval of that row, and no two intervals in a row overlap, so a
label can only ever be read as the marker on its own line next to it: nothing is joined
by a guess. Events a few days apart (the December 2023 accessions) simply take
successive rows, each with its own marker and name.

Row assignment is first-fit, which for intervals on a line needs the fewest rows (the
largest pile-up). When the rows a lane has are not enough, events are placed by
priority instead (pinned first, then the founding, the Boards and the statements): the
rest keep their marker, named by a number in the page's key (exports) or left for the
tooltip (the window); only when not even a marker fits do they join a counted badge.
Selection and hover never take part, so selecting an event moves no other label.

An event in several lanes (one per nation or theme it carries) is named in one of them,
its *home* (``choose_homes``), where it takes part in the rows like any event; in the
others its marker is drawn small in a strip under the lane's rows (``echo_x``), at its
date, where it takes no row from the names. So every name on the timeline is a
different event, and lanes by nation or theme need about the rows of lanes by kind.

A lane holding more events than its width could show one by one is drawn as a density
strip (counts per few pixels), and its highest-priority events that fit are named in
the rows below the strip.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from cspo_viewer.data.table import EventTable
from cspo_viewer.layout.content import KIND_PRIORITY, Lanes, is_period

MAX_ROWS = 8
"""The most rows a lane is given; more would make a lane a table."""

DENSE_FACTOR = 2.0
"""A marker and a short name take about this many marker widths: a lane whose visible
events outnumber its rows times its width in such slots is drawn as a density strip."""


@dataclass(frozen=True)
class Viewport:
    """The visible day range and its width in pixels."""

    x0: float
    x1: float
    width_px: float

    @property
    def px_per_day(self) -> float:
        return self.width_px / max(self.x1 - self.x0, 1e-9)

    def to_px(self, day: np.ndarray | float) -> np.ndarray | float:
        return (day - self.x0) * self.px_per_day

    def holds(self, day: np.ndarray) -> np.ndarray:
        """Which of ``day`` (markers' days) are in view: decided by the day, since pixels
        would round a marker on the view's last day out of it."""
        return (day >= self.x0) & (day <= self.x1)


BADGE_SCALE = 1.3
"""A counted badge's size against a marker's: big enough for a count, and never read
as one more marker."""


@dataclass(frozen=True)
class LayoutStyle:
    """Sizes in pixels of the output (screen or page), and the rules that use them."""

    marker_px: float = 12.0  # marker diameter; markers closer than this would touch
    gap_px: float = 3.0  # space kept between markers, clusters and labels
    label_offset_px: float = 9.0  # from a marker's centre to its label's edge

    def __post_init__(self) -> None:
        # A label must clear its own marker and the gap.
        if self.label_offset_px < self.marker_px / 2 + self.gap_px - 1e-9:
            raise ValueError("label_offset_px must be at least marker_px / 2 + gap_px")

    def scaled(self, factor: float) -> LayoutStyle:
        return LayoutStyle(
            *(v * factor for v in (self.marker_px, self.gap_px, self.label_offset_px))
        )

    @property
    def badge_px(self) -> float:
        """A counted badge's diameter."""
        return self.marker_px * BADGE_SCALE

    @property
    def badge_half(self) -> float:
        return self.badge_px / 2

    def label_left(self, x: float, width: float, bounds: tuple[float, float]) -> float | None:
        """The left edge of a ``width`` label beside the marker at ``x``: right of the
        marker, as a reader expects; left of it only where the right end of ``bounds``
        leaves no room (and it fits there); None where neither side fits."""
        right = x + self.label_offset_px
        if right + width <= bounds[1]:
            return right
        left = x - self.label_offset_px - width
        return left if left >= bounds[0] else None

    def label_reach(
        self, x: float, width: float, bounds: tuple[float, float]
    ) -> tuple[float, float, float] | None:
        """(lo, hi, label's left): the stretch of its row a marker at ``x`` and its label
        take (``label_left``'s side). A label left of its marker keeps twice the gap
        before it, so it never reads as the label of a marker further left."""
        left = self.label_left(x, width, bounds)
        if left is None:
            return None
        half = self.marker_px / 2
        if left > x:
            return x - half, left + width, left
        return left - 2 * self.gap_px, x + half, left


MARKER = np.dtype([("x", "f8"), ("row", "i4"), ("event", "i8")])
"""A marker in a lane row: x in pixels from the viewport's left edge."""
LABEL = np.dtype([("x", "f8"), ("width", "f8"), ("row", "i4"), ("event", "i8"), ("key", "?")])
"""A label (its left edge and width, px); ``key``: a key number, not the title."""
ECHO = np.dtype([("x", "f8"), ("event", "i8")])
"""The small marker, under a lane's rows, of an event named in another lane."""
CLUSTER = np.dtype(
    [("x", "f8"), ("row", "i4"), ("count", "i8"), ("span", "f8", (2,)), ("kind", "i4")]
)
"""A counted badge: the days its events cover, and their kind index (-1 if mixed)."""


class _Column:
    """One field of one of ``LanePlan``'s structured arrays, read as a column (the
    plan's readers name a column, as they did when each was a list of its own)."""

    def __init__(self, table: str, name: str) -> None:
        self.table, self.name = table, name

    def __get__(self, plan: object, owner: type | None = None) -> np.ndarray:
        return getattr(plan, self.table)[self.name]


@dataclass
class LanePlan:
    """What to draw in one lane: one structured array per kind of thing drawn (a frame
    builds and reads thousands of them at a time). x positions are pixels from the
    viewport's left edge; rows count down from the lane's first row."""

    rows: int = 1
    markers: np.ndarray = field(default_factory=lambda: np.zeros(0, MARKER))
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0, LABEL))
    label_text: np.ndarray = field(default_factory=lambda: np.zeros(0, object))
    echoes: np.ndarray = field(default_factory=lambda: np.zeros(0, ECHO))
    clusters: np.ndarray = field(default_factory=lambda: np.zeros(0, CLUSTER))
    cluster_events: list[np.ndarray] = field(default_factory=list)  # each badge's events
    density: np.ndarray | None = None  # events per bin, when drawn as a strip (row 0)
    density_bin_px: float = 0.0
    dim_x: np.ndarray = field(default_factory=lambda: np.zeros(0))

    marker_x = _Column("markers", "x")
    marker_row = _Column("markers", "row")
    marker_event = _Column("markers", "event")
    label_x = _Column("labels", "x")  # left edge
    label_width = _Column("labels", "width")
    label_row = _Column("labels", "row")
    label_event = _Column("labels", "event")
    label_key = _Column("labels", "key")
    echo_x = _Column("echoes", "x")
    echo_event = _Column("echoes", "event")
    cluster_x = _Column("clusters", "x")
    cluster_row = _Column("clusters", "row")
    cluster_count = _Column("clusters", "count")
    cluster_span = _Column("clusters", "span")  # (first day, last day) per badge
    cluster_kind = _Column("clusters", "kind")

    def marker_of(self, event: int) -> tuple[float, int] | None:
        """(x, row) of ``event``'s marker in this lane, if it has one."""
        order = self._by_event
        events = self.markers["event"]
        at = int(np.searchsorted(events, event, sorter=order))
        if at == len(order) or events[order[at]] != event:
            return None
        m = self.markers[order[at]]
        return float(m["x"]), int(m["row"])

    @cached_property
    def _by_event(self) -> np.ndarray:
        """The markers' order by event (a lane draws an event's marker once): built on
        the first look-up, as the markers are set once by the layout."""
        return np.argsort(self.markers["event"], kind="stable")


@dataclass(frozen=True)
class EventHit:
    """An event's marker (or its label) under the pointer."""

    event: int


@dataclass(frozen=True)
class ClusterHit:
    """A counted badge under the pointer: its lane and its index there."""

    lane: int
    index: int


Hit = EventHit | ClusterHit


def _nearest(x: np.ndarray, x_px: float, radius_px: float) -> tuple[float, int] | None:
    """(distance, index) of the x in ``x`` nearest ``x_px`` within ``radius_px``."""
    if not len(x):
        return None
    d = np.abs(x - x_px)
    at = int(np.argmin(d))
    return (float(d[at]), at) if d[at] <= radius_px else None


@dataclass
class Plan:
    viewport: Viewport
    lanes: list[LanePlan]
    key: list[tuple[int, int]] = field(default_factory=list)  # (number, event row)

    def named(self) -> set[int]:
        """Events named by their title somewhere on the timeline."""
        titles = [lp.labels["event"][~lp.labels["key"]] for lp in self.lanes]
        return set(np.concatenate(titles).tolist()) if titles else set()

    def drawn(self) -> set[int]:
        """Events with a marker of their own (named, keyed or bare, or under a lane's
        rows when named in another lane)."""
        parts = [a for lp in self.lanes for a in (lp.markers["event"], lp.echoes["event"])]
        return set(np.concatenate(parts).tolist()) if parts else set()

    def hit(self, lane: int, row: int, x_px: float, radius_px: float) -> Hit | None:
        """The marker or badge nearest ``x_px`` in that lane row, or the event whose label
        covers ``x_px`` there; row -1 is the lane's strip of markers of events named in
        another lane."""
        if not 0 <= lane < len(self.lanes):
            return None
        lp = self.lanes[lane]
        if row < 0:
            echo = _nearest(lp.echoes["x"], x_px, radius_px)
            return None if echo is None else EventHit(int(lp.echoes["event"][echo[1]]))
        markers = lp.markers[lp.markers["row"] == row]
        clusters = np.flatnonzero(lp.clusters["row"] == row)
        marker = _nearest(markers["x"], x_px, radius_px)
        badge = _nearest(lp.clusters["x"][clusters], x_px, radius_px * BADGE_SCALE)
        if badge is not None and (marker is None or badge[0] < marker[0]):
            return ClusterHit(lane, int(clusters[badge[1]]))
        if marker is not None:
            return EventHit(int(markers["event"][marker[1]]))
        labels = lp.labels
        over = (
            (labels["row"] == row) & (labels["x"] <= x_px) & (x_px <= labels["x"] + labels["width"])
        )
        at = np.flatnonzero(over)
        return EventHit(int(labels["event"][at[0]])) if len(at) else None


class _Row:
    """Non-overlapping intervals in one row, kept sorted for O(log n) checks."""

    def __init__(self) -> None:
        self.lefts: list[float] = []
        self.rights: list[float] = []

    def free(self, left: float, right: float) -> bool:
        i = bisect.bisect_left(self.lefts, left)
        if i < len(self.lefts) and self.lefts[i] < right:
            return False
        return not (i > 0 and self.rights[i - 1] > left)

    def add(self, left: float, right: float) -> None:
        i = bisect.bisect_left(self.lefts, left)
        self.lefts.insert(i, left)
        self.rights.insert(i, right)


@dataclass
class _Lane:
    """One lane's candidates, as arrays in marker-x order."""

    events: np.ndarray
    x: np.ndarray  # marker centre, px
    bar0: np.ndarray  # the period bar's ends (px): a month or year event covers it all
    bar1: np.ndarray
    rank: np.ndarray  # lower is more important
    visible: np.ndarray  # marker inside the viewport (the rest only hold their rows)
    inst: np.ndarray  # the instance in ``Lanes`` (its index there)
    home: np.ndarray  # the instance that may name its event (one per event)


@dataclass
class _Placed:
    row: int
    label: tuple[float, float] | None  # label's left and width
    key: bool = False


class _Placer:
    """Places one lane's markers and labels in ``rows`` rows of ``bounds`` (px)."""

    def __init__(
        self,
        lane: _Lane,
        rows: int,
        widths: Callable[[int], float | None],
        style: LayoutStyle,
        bounds: tuple[float, float],
        first_row: int = 0,
    ) -> None:
        self.lane = lane
        # The candidates' positions and ranks as Python lists: placing reads them one at
        # a time, thousands of times a frame (a numpy scalar costs more than a float).
        self.x: list[float] = lane.x.tolist()
        self.bar0: list[float] = lane.bar0.tolist()
        self.bar1: list[float] = lane.bar1.tolist()
        self.rank: list[int] = lane.rank.tolist()
        self.widths = widths
        self.style = style
        self.bounds = bounds
        self.row_ids = range(first_row, max(rows, first_row + 1))
        self.rows = {r: _Row() for r in self.row_ids}
        self.placed: dict[int, _Placed] = {}
        self.badges: list[list] = []  # [x, row, candidates]

    def _try(
        self, i: int, width: float | None, key: bool = False, rows: Sequence[int] | None = None
    ) -> bool:
        """Put candidate ``i`` in the first row with room for its marker (and a label of
        ``width`` beside it, right first); True if it found one."""
        found = self.fit(i, width, rows)
        if found is None:
            return False
        row, lo, hi, label = found
        self.rows[row].add(lo - self.style.gap_px, hi + self.style.gap_px)
        self.placed[i] = _Placed(row, label, key)
        return True

    def fit(
        self, i: int, width: float | None, rows: Sequence[int] | None = None
    ) -> tuple[int, float, float, tuple[float, float] | None] | None:
        """Where ``_try`` would put candidate ``i``: (row, left, right, label), without
        taking the room."""
        st = self.style
        x, b0, b1 = self.x[i], self.bar0[i], self.bar1[i]
        half, gap = st.marker_px / 2, st.gap_px
        label: tuple[float, float] | None = None
        if width is None:
            lo, hi = min(x - half, b0), max(x + half, b1)
        elif (reach := st.label_reach(x, width, self.bounds)) is not None:
            lo, hi = min(reach[0], b0), max(reach[1], b1)
            label = (reach[2], width)
        else:
            return None
        for row in self.row_ids if rows is None else rows:
            if self.rows[row].free(lo - gap, hi + gap):
                return row, lo, hi, label
        return None

    def first_fit(self, indices: Sequence[int] | None = None, *, count: bool = False) -> bool:
        """Every candidate named, in date order (the fewest rows); False if any fails
        (at once, unless ``count``: then a candidate whose title fits nowhere still holds
        its marker's place, so the rows used are counted over all of them)."""
        ok = True
        for i in range(len(self.lane.x)) if indices is None else indices:
            if not self._try(i, self.widths(i)):
                if not count:
                    return False
                ok = False
                self._try(i, None)
        return ok

    def by_priority(self, order: Sequence[int], key_width: float | None) -> None:
        """Titles by priority in all rows but the last; in the last row, by priority,
        pinned titles and the titles that cover no other event's marker; the rest swept
        in around them."""
        last = self.row_ids[-1]
        first_rows = self.row_ids[:-1]
        rest = [i for i in order if not (first_rows and self._try_titled(i, first_rows))]
        xs = self.x  # candidates come in x order (``lane_candidates``)
        swept = []
        for i in rest:
            pinned = lane_pinned = self.rank[i] < 0 and not first_rows
            if lane_pinned:
                pinned = self._try(i, self.widths(i), rows=(last,))
            if not pinned and not self._title_alone(i, last):
                swept.append(i)
        self.sweep(sorted(swept, key=lambda i: xs[i]), last, key_width)

    def _try_titled(self, i: int, rows: Sequence[int]) -> bool:
        """``_try`` with its title in one of ``rows``, the title measured only where its
        marker alone would fit: a marker and its title take the marker's room and more,
        so where the marker finds no room neither does the title (most candidates once
        the rows are full, and measuring a new title is a text layout)."""
        return self.fit(i, None, rows) is not None and self._try(i, self.widths(i), rows=rows)

    def _title_alone(self, i: int, row: int) -> bool:
        """Name ``i`` in ``row`` if its title fits there without covering any other
        event's marker (so naming it pushes nobody into a badge)."""
        st = self.style
        x, half = self.x[i], st.marker_px / 2
        # Its marker alone first: the title's stretch holds the marker's, so where the
        # marker is not alone the title is not either (and is not measured).
        if not self._alone(min(x - half, self.bar0[i]), max(x + half, self.bar1[i]), row):
            return False
        width = self.widths(i)
        reach = None if width is None else st.label_reach(x, width, self.bounds)
        if width is None or reach is None:
            return False
        lo, hi = min(reach[0], self.bar0[i]), max(reach[1], self.bar1[i])
        if not self._alone(lo, hi, row):
            return False
        self.rows[row].add(lo - st.gap_px, hi + st.gap_px)
        self.placed[i] = _Placed(row, (reach[2], width))
        return True

    def _alone(self, lo: float, hi: float, row: int) -> bool:
        """Whether ``lo``..``hi`` is free in ``row`` and holds one marker at most, clear of
        the others by a badge's width too: a pile just left of it keeps room for the
        badge that counts it."""
        st, sorted_x = self.style, self.x  # candidates come in x order
        half = st.marker_px / 2
        room = 2 * (st.badge_half + st.gap_px)
        gap = 2 * st.gap_px
        inside = bisect.bisect_left(sorted_x, hi + half + gap) - bisect.bisect_left(
            sorted_x, lo - half - room
        )
        return inside <= 1 and self.rows[row].free(lo - st.gap_px, hi + st.gap_px)

    def sweep(self, indices: Sequence[int], row: int, key_width: float | None) -> None:
        """Left to right in one row, by pile-up (markers that would touch): the pile's
        most important event gets the marker, named if its title ends before the next
        pile (and clear of what the row holds), else numbered for the key (or bare);
        the rest of the pile is counted in a badge right after it, so nothing overlaps
        and the founding never loses its marker to an "other" beside it."""
        st, xs, bar0, bar1, rank = self.style, self.x, self.bar0, self.bar1, self.rank
        half, gap = st.marker_px / 2, st.gap_px
        badge_half = st.badge_half
        taken = self.rows[row]
        piles: list[list[int]] = []
        reach = -1e18
        for i in indices:
            lo = min(xs[i] - half, bar0[i])
            if piles and lo - gap < reach:
                piles[-1].append(i)
            else:
                piles.append([i])
            reach = max(reach, xs[i] + half) if piles[-1] != [i] else (xs[i] + half)
        starts = [min(xs[p[0]] - half, bar0[p[0]]) for p in piles]
        for n, pile in enumerate(piles):
            best = min(pile, key=lambda i: (rank[i], xs[i]))
            x = xs[best]
            lo, hi = min(x - half, bar0[best]), max(x + half, bar1[best])
            rest = [i for i in pile if i != best]
            if not taken.free(lo - gap, hi + gap):
                self._badge(pile, row, min(x, self.bounds[1] - badge_half - gap))
                continue
            nxt = starts[n + 1] if n + 1 < len(piles) else 1e18
            edge = min(nxt - gap, self.bounds[1] + gap)  # the next pile (and its gap), or the edge
            if not rest:
                self._sweep_one(best, row, key_width, edge)
                continue
            # The rest of the pile: a badge just left of the marker ("+2 ● Title"), or,
            # without room there, just right of it (the marker then stays unnamed).
            left_badge = lo - gap - badge_half
            right_badge = hi + gap + badge_half
            if taken.free(left_badge - badge_half - gap, lo - gap):
                taken.add(left_badge - badge_half - gap, lo - gap)
                self.badges.append([left_badge, row, rest])
                self._sweep_one(best, row, key_width, edge)
            elif right_badge + badge_half <= min(edge, self.bounds[1]) and taken.free(
                lo - gap, right_badge + badge_half + gap
            ):
                taken.add(lo - gap, right_badge + badge_half + gap)
                self.placed[best] = _Placed(row, None)
                self.badges.append([right_badge, row, rest])
            else:
                self._badge(pile, row, min(x, self.bounds[1] - badge_half - gap))

    def _badge(self, members: list[int], row: int, x: float) -> None:
        """Count ``members`` in a badge at the first free place from ``x`` on; joined to
        the previous badge when that one is close."""
        st = self.style
        badge_half, gap = st.badge_half, st.gap_px
        taken = self.rows[row]
        last = self.badges[-1] if self.badges and self.badges[-1][1] == row else None
        if last is not None and abs(x - last[0]) < 4 * badge_half:
            last[2].extend(members)
            return
        centre = self._free_from(taken, x - badge_half - gap, 2 * (badge_half + gap))
        centre += badge_half + gap
        if centre > self.bounds[1] - badge_half:
            if last is not None:
                last[2].extend(members)  # no room left in this row: the nearest badge
                return
            centre = self.bounds[1] - badge_half  # the row's last resort, at its edge
        taken.add(centre - badge_half - gap, centre + badge_half + gap)
        self.badges.append([centre, row, list(members)])

    @staticmethod
    def _free_from(taken: _Row, left: float, width: float) -> float:
        """The first left edge at or after ``left`` where ``width`` is free in the row."""
        i = max(bisect.bisect_left(taken.lefts, left) - 1, 0)
        while i < len(taken.lefts):
            if taken.rights[i] <= left:
                i += 1
                continue
            if taken.lefts[i] >= left + width:
                break
            left = taken.rights[i]
            i += 1
        return left

    def _sweep_one(self, i: int, row: int, key_width: float | None, limit: float) -> None:
        """Place ``i`` with the widest of title, number or nothing that ends before
        ``limit`` and is free in the row (a title left of its marker at the right edge)."""
        st, taken = self.style, self.rows[row]
        x, b0, b1 = self.x[i], self.bar0[i], self.bar1[i]
        half, gap = st.marker_px / 2, st.gap_px
        title = self.widths(i)  # None: named in another lane, a marker is enough
        for width, key in ((title, False), (key_width, True)) if title is not None else ():
            reach = None if width is None else st.label_reach(x, width, self.bounds)
            if width is None or reach is None:
                continue
            lo, hi = min(reach[0], b0) - gap, max(reach[1], b1) + gap
            # A title right of its marker must end before the next pile; one left of
            # it (at the edge) has that pile's room anyway.
            if (reach[2] < x or reach[1] + gap <= limit) and taken.free(lo, hi):
                taken.add(lo, hi)
                self.placed[i] = _Placed(row, (reach[2], width), key)
                return
        taken.add(min(x - half, b0) - gap, max(x + half, b1) + gap)
        self.placed[i] = _Placed(row, None)

    def rows_used(self) -> int:
        return max((p.row for p in self.placed.values()), default=0) + 1


def lane_candidates(
    table: EventTable,
    lanes: Lanes,
    lane: int,
    viewport: Viewport,
    pinned: Collection[int],
    context: float = 0.5,
    home: np.ndarray | None = None,
) -> tuple[_Lane, np.ndarray]:
    """The lane's undimmed events near the view (one view width of ``context`` either
    side holds rows, so a small pan does not reshuffle labels), and the dimmed markers'
    x positions."""
    sl = lanes.lane_slice(lane)
    cols = lanes.columns(table)
    span = viewport.x1 - viewport.x0
    lo, hi = viewport.x0 - span * context, viewport.x1 + span * context
    stop = sl.start + int(np.searchsorted(cols.start[sl], hi, side="right"))
    inst = sl.start + np.flatnonzero(cols.end[sl.start : stop] >= lo)
    events, dim = lanes.event[inst], lanes.dim[inst]
    starts, ends, centre = cols.start[inst], cols.end[inst], cols.centre[inst]
    xs = np.asarray(viewport.to_px(centre), dtype=np.float64)
    in_view = viewport.holds(centre)
    dim_x = xs[dim & in_view]
    keep = ~dim
    events, xs, starts, ends, inst = events[keep], xs[keep], starts[keep], ends[keep], inst[keep]
    order = np.argsort(xs, kind="stable")
    events, xs, starts, ends, inst = (a[order] for a in (events, xs, starts, ends, inst))
    long = is_period(starts, ends)
    bar0 = np.where(long, viewport.to_px(starts), xs)
    bar1 = np.where(long, viewport.to_px(ends), xs)
    rank = cols.rank[inst].astype(np.int32)
    if len(pinned):
        rank = np.where(np.isin(events, np.fromiter(pinned, dtype=np.int64)), -1, rank)
    visible = in_view[keep][order]  # by its day, as the dimmed markers are
    is_home = np.ones(len(inst), dtype=bool) if home is None else home[inst]
    return _Lane(events, xs, bar0, bar1, rank, visible, inst, is_home), dim_x


def is_dense(n: int, viewport: Viewport, style: LayoutStyle, rows: int = 4) -> bool:
    """More events than the lane's rows could show one by one (a marker and a short
    name each): a density strip says more than a row of badges."""
    per_row = viewport.width_px / (style.marker_px + style.gap_px) / DENSE_FACTOR
    return n > max(rows, 2) * per_row


def plan_view(
    table: EventTable,
    lanes: Lanes,
    viewport: Viewport,
    measure: Callable[[str], float],
    style: LayoutStyle = LayoutStyle(),
    *,
    rows: Sequence[int] | None = None,
    pinned: Collection[int] = (),
    key: bool = False,
    bounds: tuple[float, float] | None = None,
    home: np.ndarray | None = None,
) -> Plan:
    """Markers, labels, badges and density strips for what ``viewport`` shows.

    ``rows`` is each lane's row count (``lane_rows`` chooses them; default 2).
    ``measure`` gives a label's width in pixels (the painter's font metrics).
    ``pinned`` events are named before all others. With ``key``, events that get no
    title are numbered for the page's key (numbers in date order). ``bounds`` (days) is
    where a label may reach: the data's range in the window (the view scrolls), the
    view itself (default) on a page. ``home`` says which instance of each event may be
    named (``choose_homes``; by default chosen for this view).
    """
    px_bounds = _px_bounds(viewport, bounds)
    if home is None:
        home = choose_homes(table, lanes, viewport, measure, style, pinned=pinned, bounds=bounds)
    key_width = measure(key_text(8888)) if key else None
    n_rows = [rows[lane] if rows is not None else 2 for lane in range(len(lanes.keys))]
    dense = [
        lane
        for lane, n in enumerate(n_rows)
        if is_dense(visible_count(table, lanes, lane, viewport), viewport, style, n)
    ]
    plans = [LanePlan(rows=n) for n in n_rows]
    named = dense_candidates(
        table, lanes, dense, viewport, pinned, style, [plans[lane] for lane in dense], home
    )
    for lane, cand in zip(dense, named, strict=True):
        _name_dense(plans[lane], table, cand, n_rows[lane], measure, style, px_bounds)
    for lane in sorted(set(range(len(lanes.keys))) - set(dense)):
        cand, plans[lane].dim_x = lane_candidates(table, lanes, lane, viewport, pinned, home=home)
        _plan_sparse(plans[lane], table, cand, n_rows[lane], measure, style, px_bounds, key_width)
    plan = Plan(viewport, plans)
    if key:
        _number_key(plan, table)
    return plan


def _px_bounds(viewport: Viewport, bounds: tuple[float, float] | None) -> tuple[float, float]:
    """Where labels may reach, in pixels of ``viewport``: ``bounds`` (days), or the view."""
    if bounds is None:
        return (0.0, viewport.width_px)
    return (
        max(float(viewport.to_px(bounds[0])), -1e12),
        min(float(viewport.to_px(bounds[1])), 1e12),
    )


def _widths(table: EventTable, cand: _Lane, measure: Callable[[str], float]):
    """A candidate's title width, measured once; None for an instance that is not its
    event's home (it shows only its marker)."""
    cache: dict[int, float] = {}
    home: list[bool] = cand.home.tolist()
    events: list[int] = cand.events.tolist()

    def width(i: int) -> float | None:
        if not home[i]:
            return None
        w = cache.get(i)
        if w is None:
            w = cache[i] = float(measure(str(table.labels[events[i]])))
        return w

    return width


def _plan_sparse(
    lp: LanePlan,
    table: EventTable,
    cand: _Lane,
    n_rows: int,
    measure: Callable[[str], float],
    style: LayoutStyle,
    bounds: tuple[float, float],
    key_width: float | None,
) -> None:
    """Everything named if first-fit can; else by priority, where an event named in
    another lane (its home) comes last and keeps only its marker, so the room goes to
    the events this lane names."""
    echo = ~cand.home
    if echo.any():
        shown = echo & cand.visible
        lp.echoes = np.empty(int(shown.sum()), ECHO)
        lp.echoes["x"], lp.echoes["event"] = cand.x[shown], cand.events[shown]
        cand = _subset(cand, ~echo)
    width = _widths(table, cand, measure)
    placer = _Placer(cand, n_rows, width, style, bounds)
    if _can_all_fit(cand, n_rows, style, bounds) and placer.first_fit():
        pass  # named in date order, the events beside the view holding their rows
    elif (visible := _visible_first_fit(cand, n_rows, width, style, bounds)) is not None:
        placer = visible
    else:
        # The events beside the view keep only their markers and come last, so the
        # room goes to events shown and unnamed.
        bare = ~cand.visible
        cand.rank = np.where(bare, cand.rank + len(KIND_PRIORITY) + 2, cand.rank)
        plain = width

        def width(i: int) -> float | None:
            return None if bare[i] else plain(i)

        placer = _Placer(cand, n_rows, width, style, bounds)
        placer.by_priority(np.lexsort((cand.x, cand.rank)).tolist(), key_width)
    _emit(lp, table, cand, placer)
    _badges(lp, table, cand, placer)


def _subset(cand: _Lane, keep: np.ndarray) -> _Lane:
    """The candidates ``keep`` selects, in the same order."""
    return _Lane(
        cand.events[keep],
        cand.x[keep],
        cand.bar0[keep],
        cand.bar1[keep],
        cand.rank[keep],
        cand.visible[keep],
        cand.inst[keep],
        cand.home[keep],
    )


def _can_all_fit(cand: _Lane, n_rows: int, style: LayoutStyle, bounds: tuple[float, float]) -> bool:
    """Whether first-fit could possibly place every candidate: not when their markers
    alone would fill the rows (then it would only cost a pass over them)."""
    span = max(bounds[1] - bounds[0], 1.0)
    return len(cand.x) <= n_rows * span / (style.marker_px + style.gap_px)


def _visible_first_fit(
    cand: _Lane,
    n_rows: int,
    width: Callable[[int], float | None],
    style: LayoutStyle,
    bounds: tuple[float, float],
) -> _Placer | None:
    """First-fit of the events in view alone, when those beside it crowded it out."""
    inside = np.flatnonzero(cand.visible).tolist()
    if len(inside) == len(cand.x) or not _can_all_fit(cand, n_rows, style, bounds):
        return None
    placer = _Placer(cand, n_rows, width, style, bounds)
    return placer if placer.first_fit(inside) else None


def _emit(lp: LanePlan, table: EventTable, cand: _Lane, placer: _Placer) -> None:
    """The placed candidates in view as the lane's markers and labels, in x order."""
    visible: list[bool] = cand.visible.tolist()
    placed = [i for i in sorted(placer.placed) if visible[i]]
    where = [placer.placed[i] for i in placed]
    at = np.array(placed, dtype=np.int64)
    lp.markers = np.empty(len(placed), MARKER)
    lp.markers["x"], lp.markers["event"] = cand.x[at], cand.events[at]
    lp.markers["row"] = [p.row for p in where]
    named = [k for k, p in enumerate(where) if p.label is not None]
    titled = [(p.label, p.row, p.key) for p in (where[k] for k in named) if p.label is not None]
    labels = np.empty(len(named), LABEL)
    labels["x"] = [label[0] for label, _, _ in titled]
    labels["width"] = [label[1] for label, _, _ in titled]
    labels["row"] = [row for _, row, _ in titled]
    labels["key"] = [key for _, _, key in titled]
    labels["event"] = lp.markers["event"][named]
    lp.labels = labels
    lp.label_text = np.array(
        [
            "" if key else str(table.labels[ev])
            for ev, key in zip(labels["event"].tolist(), labels["key"].tolist(), strict=True)
        ],
        dtype=object,
    )


def _badges(lp: LanePlan, table: EventTable, cand: _Lane, placer: _Placer) -> None:
    """The last resort: events with no room even for a marker, counted in badges (their
    members in view; the badges of a lane together, as a crowded lane has dozens)."""
    badges = placer.badges
    sizes = [len(members) for _, _, members in badges]
    members = np.fromiter(
        itertools.chain.from_iterable(members for _, _, members in badges),
        dtype=np.int64,
        count=sum(sizes),
    )
    which = np.repeat(np.arange(len(badges)), sizes)
    shown = cand.visible[members]
    members, which = members[shown], which[shown]
    counts = np.bincount(which, minlength=len(badges))
    held = np.flatnonzero(counts)  # badges with a member in view, in order
    clusters = np.empty(len(held), CLUSTER)
    if len(held):
        events = cand.events[members]
        firsts = np.cumsum(counts[held]) - counts[held]  # each badge's first member
        kinds = table.kind[events]
        same = np.minimum.reduceat(kinds, firsts) == np.maximum.reduceat(kinds, firsts)
        clusters["x"] = [badges[b][0] for b in held.tolist()]
        clusters["row"] = [badges[b][1] for b in held.tolist()]
        clusters["count"] = counts[held]
        clusters["span"][:, 0] = np.minimum.reduceat(table.start[events], firsts)
        clusters["span"][:, 1] = np.maximum.reduceat(table.end[events], firsts)
        clusters["kind"] = np.where(same, kinds[firsts], -1)
        lp.cluster_events.extend(np.split(events, firsts[1:]))
    lp.clusters = clusters


def visible_count(table: EventTable, lanes: Lanes, lane: int, viewport: Viewport) -> int:
    """How many of the lane's undimmed instances start in the view: enough to tell a
    dense lane without working out every event's position."""
    sl = lanes.lane_slice(lane)
    first, last = np.searchsorted(lanes.columns(table).start[sl], (viewport.x0, viewport.x1))
    dimmed = lanes.dimmed_before
    return int(last - first - (dimmed[sl.start + last] - dimmed[sl.start + first]))


def dense_candidates(
    table: EventTable,
    lanes: Lanes,
    dense: Sequence[int],
    viewport: Viewport,
    pinned: Collection[int],
    style: LayoutStyle,
    plans: Sequence[LanePlan],
    home: np.ndarray | None = None,
) -> list[_Lane]:
    """Dense lanes (``dense``, in lane order): each one's density strip (events per 2-4
    px bin, into its plan of ``plans``) and, per stretch of four marker widths, its most
    important event (the first in start order among equals) as the candidates to name.

    All at once, over the lanes' undimmed events in marker-day order
    (``Lanes.by_day``): a binary search per lane and bin or stretch, then one
    ``minimum.reduceat`` over the view's keys, where rounding every event in view to
    its bin and stretch took several passes over them, lane by lane."""
    if not len(dense):
        return []
    order = lanes.by_day(table)
    cols = lanes.columns(table)
    centre = order.centre
    # In view by the day, as ``Viewport.holds`` decides: x0 <= day <= x1.
    view = (viewport.x0, np.nextafter(viewport.x1, np.inf))
    lo, hi = np.array(
        [
            order.bounds[lane]
            + np.searchsorted(centre[order.bounds[lane] : order.bounds[lane + 1]], view)
            for lane in dense
        ]
    ).T
    bin_px = max(2.0, style.marker_px / 3)
    bins = max(int(np.ceil(viewport.width_px / bin_px)), 1)
    # Events per bin; one on the view's right edge counts in the last bin.
    edges = _cuts(centre, lo, hi, viewport, bin_px, bins)
    for lp, counts in zip(plans, edges[:, 1:] - edges[:, :-1], strict=True):
        lp.density, lp.density_bin_px = counts, bin_px
    stretch_px = style.marker_px * 4
    shown = hi > lo
    ends = _px_steps(centre[hi[shown] - 1], viewport, stretch_px)
    edges = _cuts(centre, lo, hi, viewport, stretch_px, int(ends.max(initial=-1)) + 1)
    held = edges[:, :-1] < edges[:, 1:]  # the stretches holding events
    # The lanes' keys in view, one after another; each held stretch's start there.
    keys = np.concatenate([order.key[a:b] for a, b in zip(lo.tolist(), hi.tolist(), strict=True)])
    offset = np.cumsum(hi - lo) - (hi - lo) - lo
    starts = (edges[:, :-1] + offset[:, None])[held]
    lane_of = np.nonzero(held)[0]
    least = np.minimum.reduceat(keys, starts) if len(starts) else np.zeros(0, np.int64)
    inst, rank = least % order.size, least // order.size
    if len(pinned) and len(starts):
        at = order.pinned(lanes.event, frozenset(pinned))
        lane_at = np.searchsorted(lo, at, side="right") - 1  # the dense lane it is in
        inside = (lane_at >= 0) & (at < hi[np.maximum(lane_at, 0)])
        at, lane_at = at[inside], lane_at[inside]
        if len(at):
            # A pinned event outranks every kind: the first pinned one of its stretch.
            which = np.searchsorted(starts, at + offset[lane_at], side="right") - 1
            none = np.iinfo(np.int64).max
            first = np.full(len(starts), none, dtype=np.int64)
            np.minimum.at(first, which, order.inst[at])
            pins = first < none
            inst, rank = np.where(pins, first, inst), np.where(pins, -1, rank)
    xs = np.asarray(viewport.to_px(cols.centre[inst]), dtype=np.float64)
    best = np.lexsort((xs, rank, lane_of))
    xs, rank, inst = xs[best], rank[best].astype(np.int32), inst[best]
    events = lanes.event[inst]
    start, end = cols.start[inst], cols.end[inst]
    long = is_period(start, end)
    bar0 = np.where(long, viewport.to_px(start), xs)
    bar1 = np.where(long, viewport.to_px(end), xs)
    is_home = np.ones(len(inst), dtype=bool) if home is None else home[inst]
    visible = np.ones(len(events), dtype=bool)
    cut = np.cumsum(np.bincount(lane_of, minlength=len(dense)))[:-1]
    parts = (np.split(a, cut) for a in (events, xs, bar0, bar1, rank, visible, inst, is_home))
    return [_Lane(*lane) for lane in zip(*parts, strict=True)]


def _px_steps(days: np.ndarray, viewport: Viewport, step_px: float) -> np.ndarray:
    """Which ``step_px`` step of the view each day's marker falls in (its pixel x over
    ``step_px``, truncated): the one rounding that every dense-lane count uses."""
    return (((days - viewport.x0) * viewport.px_per_day) / step_px).astype(np.int64)


def _cuts(
    days: np.ndarray, lo: np.ndarray, hi: np.ndarray, viewport: Viewport, step_px: float, steps: int
) -> np.ndarray:
    """Where each of ``steps`` steps of the view starts in each lane's days
    ``days[lo:hi]`` (ascending), and where it ends: a row a lane, ``lo``, then for k
    from 1 to ``steps`` - 1 the first index in step k or later (``_px_steps``), then
    ``hi``. Searched by the step's first day, then checked, and where a day on the edge
    rounds the other way moved over its run of equal days, so that the counts are
    exactly those of rounding every event."""
    k = np.arange(1, max(steps, 1), dtype=np.int64)
    first_days = viewport.x0 + k * (step_px / viewport.px_per_day)
    at = np.array(
        [
            a + np.searchsorted(days[a:b], first_days)
            for a, b in zip(lo.tolist(), hi.tolist(), strict=True)
        ],
        dtype=np.int64,
    ).reshape(len(lo), len(k))
    while at.size and len(days):
        # Step k starts at ``at``: the day before it is in an earlier step, its own not.
        before = _px_steps(days.take(at - 1, mode="clip"), viewport, step_px)
        own = _px_steps(days.take(at, mode="clip"), viewport, step_px)
        late = (before >= k) & (at > lo[:, None])
        early = (own < k) & (at < hi[:, None])
        if not (late.any() or early.any()):
            break
        for row, col in zip(*np.nonzero(late), strict=True):
            a, b = lo[row], hi[row]
            at[row, col] = a + np.searchsorted(days[a:b], days[at[row, col] - 1], side="left")
        for row, col in zip(*np.nonzero(early), strict=True):
            a, b = lo[row], hi[row]
            at[row, col] = a + np.searchsorted(days[a:b], days[at[row, col]], side="right")
    edges = np.empty((len(lo), len(k) + 2), dtype=np.int64)
    edges[:, 0], edges[:, 1:-1], edges[:, -1] = lo, at, hi
    return edges


def _name_dense(
    lp: LanePlan,
    table: EventTable,
    cand: _Lane,
    n_rows: int,
    measure: Callable[[str], float],
    style: LayoutStyle,
    bounds: tuple[float, float],
) -> None:
    """Name the dense lane's candidates, most important first, in the rows below its
    strip (row 0)."""
    if n_rows < 2:
        return
    width = _widths(table, cand, measure)
    placer = _Placer(cand, n_rows, width, style, bounds, first_row=1)
    for i in np.flatnonzero(cand.home).tolist():
        placer._try_titled(i, placer.row_ids)
    _emit(lp, table, cand, placer)


def _number_key(plan: Plan, table: EventTable) -> None:
    """Number the keyed events once each, in date order, and drop the numbers of events
    named elsewhere on the timeline (another lane)."""
    named = np.fromiter(plan.named(), dtype=np.int64)
    keyed_parts = [lp.labels["event"][lp.labels["key"]] for lp in plan.lanes]
    keyed = np.unique(np.concatenate(keyed_parts)) if keyed_parts else np.zeros(0, np.int64)
    keyed = keyed[~np.isin(keyed, named)]
    keyed = keyed[np.lexsort((keyed, table.start[keyed]))]  # in date order
    numbers = {ev: n for n, ev in enumerate(keyed.tolist(), start=1)}
    plan.key = [(n, ev) for ev, n in numbers.items()]
    for lp in plan.lanes:
        key = lp.labels["key"]
        keep = ~key | np.isin(lp.labels["event"], keyed)
        text = lp.label_text.copy()
        text[key] = [key_text(numbers.get(int(ev), 0)) for ev in lp.labels["event"][key]]
        lp.labels, lp.label_text = lp.labels[keep], text[keep]


def key_text(number: int) -> str:
    """How a key number reads beside its marker: bracketed, unlike a badge's count."""
    return f"[{number}]"


def unnamed(plan: Plan, shown: np.ndarray) -> list[int]:
    """The events of ``shown`` that the timeline does not name by title, in date order of
    ``shown``: what a page lists in its key."""
    named = np.fromiter(plan.named(), dtype=np.int64)
    return shown[~np.isin(shown, named)].tolist()


def lane_rows(
    table: EventTable,
    lanes: Lanes,
    viewport: Viewport,
    measure: Callable[[str], float],
    style: LayoutStyle,
    available: int,
    *,
    pinned: Collection[int] = (),
    bounds: tuple[float, float] | None = None,
    max_rows: int = MAX_ROWS,
    home: np.ndarray | None = None,
) -> list[int]:
    """How many rows each lane gets: what first-fit needs to name every event at this
    view in its home lane (a dense lane: its strip and two label rows), then, while the
    total is more than ``available``, one row less for the lane with the most."""
    px_bounds = _px_bounds(viewport, bounds)
    if home is None:
        home = choose_homes(table, lanes, viewport, measure, style, pinned=pinned, bounds=bounds)
    need: list[int] = []
    dense_lanes: list[bool] = []
    for lane in range(len(lanes.keys)):
        dense = is_dense(visible_count(table, lanes, lane, viewport), viewport, style)
        dense_lanes.append(dense)
        if dense:
            need.append(3)
            continue
        cand, _ = lane_candidates(table, lanes, lane, viewport, pinned, context=0.0, home=home)
        cand = _subset(cand, cand.home)
        placer = _Placer(cand, max_rows, _widths(table, cand, measure), style, px_bounds)
        placer.first_fit(count=True)
        need.append(min(placer.rows_used(), max_rows) if placer.placed else 1)
    # A dense lane keeps its strip and a row of names.
    floor = [2 if dense else 1 for dense in dense_lanes]
    while sum(need) > max(available, len(need)):
        spare = [n - f for n, f in zip(need, floor, strict=True)]
        if max(spare, default=0) <= 0:
            break
        need[int(np.argmax(spare))] -= 1
    return need


HOME_LIMIT = 20_000
"""The most lane instances ``choose_homes`` weighs one by one; beyond it (a view too
full to name much anyway) an event's home is its first lane."""


def first_homes(lanes: Lanes) -> np.ndarray:
    """Each event's first instance (its first lane) as its home (a copy to change)."""
    return lanes.first_instances.copy()


def choose_homes(
    table: EventTable,
    lanes: Lanes,
    viewport: Viewport,
    measure: Callable[[str], float],
    style: LayoutStyle,
    *,
    pinned: Collection[int] = (),
    bounds: tuple[float, float] | None = None,
    max_rows: int = MAX_ROWS,
) -> np.ndarray:
    """Which instance of each event may name it (a bool per instance of ``lanes``).

    One event sits in every nation or theme lane it carries; naming it in each would
    spend rows on repeats and crowd out events named nowhere. So it is named in one
    lane: first-fit over all lanes at once, in date order, gives each event the lane
    where its title takes the lowest row and covers the fewest markers still to come
    (then the lane naming fewest so far), and the other lanes hold only its marker.
    The lanes then need about the rows of lanes by kind.
    """
    home = first_homes(lanes)
    if home.all():
        return home  # one lane per event (lanes by kind): nothing to choose
    px_bounds = _px_bounds(viewport, bounds)
    every = np.ones(len(lanes.event), dtype=bool)
    placers: list[_Placer] = []
    entries: list[tuple[np.ndarray, ...]] = []
    for lane in range(len(lanes.keys)):
        if is_dense(visible_count(table, lanes, lane, viewport), viewport, style):
            continue
        cand, _ = lane_candidates(table, lanes, lane, viewport, pinned, context=0.0, home=every)
        n = len(placers)
        placers.append(_Placer(cand, max_rows, _widths(table, cand, measure), style, px_bounds))
        idx = np.arange(len(cand.x))
        entries.append((cand.x, cand.events, np.full(len(idx), n), idx))
    if not entries:
        return home
    xs, events, which, index = (np.concatenate(a) for a in zip(*entries, strict=True))
    if len(xs) > HOME_LIMIT:
        return home
    order = np.lexsort((which, events, xs))
    named = [0] * len(placers)
    start = 0
    while start < len(order):
        stop = start + 1
        event = events[order[start]]
        while stop < len(order) and events[order[stop]] == event:
            stop += 1
        group = [(int(which[k]), int(index[k])) for k in order[start:stop]]
        best = min(group, key=lambda g: _home_cost(placers[g[0]], g[1], named[g[0]], g[0]))
        for p, i in group:
            placer = placers[p]
            home[placer.lane.inst[i]] = (p, i) == best
        p, i = best
        named[p] += 1
        if not placers[p]._try(i, placers[p].widths(i)):
            placers[p]._try(i, None)
        start = stop
    return home


def _home_cost(placer: _Placer, i: int, named: int, lane: int) -> tuple[float, ...]:
    """How much naming candidate ``i`` in this lane costs: the rows it adds to the lane,
    its row, how many events the lane holds (a lane of few events, such as a rare theme,
    is the one that has room), then how many it names already."""
    found = placer.fit(i, placer.widths(i))
    size = float(len(placer.lane.x))
    if found is None:
        return (float(len(placer.row_ids) + 1), 0.0, size, float(named), float(lane))
    row = found[0]
    used = placer.rows_used() if placer.placed else 1
    return (float(max(used, row + 1) - used), float(row), size, float(named), float(lane))
