"""Timeline layout without Qt: lanes, markers, clusters and labels that never overlap.

The window and the briefing export both paint a ``Plan`` made here, so what an analyst
sees on screen and what reaches the slide are laid out by the same rules, and the rules
are unit-testable without a display.

Two steps keep a frame cheap at 100,000 events:

1. ``assign_lanes`` (once per filter or grouping): one *instance* per event and lane,
   sorted by lane then start day. An event tagged with three nations has three instances
   when lanes are nations.
2. ``plan_view`` (every paint): numpy bins the visible instances of each lane into
   marker-sized cells, a short Python pass merges cells that would touch (at most a few
   hundred per lane whatever the event count), and labels are placed greedily by
   priority into two rows per lane, checked against every marker and placed label.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from cspo_viewer.data.dates import display_date, period_end, to_day
from cspo_viewer.data.records import Nation
from cspo_viewer.data.table import EventTable

KIND_PRIORITY = (
    "founding",
    "principals-meeting",
    "statement",
    "vision",
    "membership",
    "exercise",
    "other",
    "related",
)
"""Which labels win when space is short: the founding and the Boards first."""

LABEL_ROWS = 2
"""Row 0 is the marker line (labels right of their marker); row 1 lies just below it."""


@dataclass(frozen=True)
class Lanes:
    """Lane names and the event instances in them, sorted by (lane, start)."""

    keys: tuple[str, ...]  # kind id, nation code or theme id
    titles: tuple[str, ...]  # what the lane header says
    event: np.ndarray  # int32: instance -> row of the EventTable
    lane: np.ndarray  # int32: instance -> lane index
    dim: np.ndarray  # bool: instance drawn dimmed (outside the filter, "dim" mode)
    bounds: np.ndarray = field(repr=False, default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        edges = np.searchsorted(self.lane, np.arange(len(self.keys) + 1))
        object.__setattr__(self, "bounds", edges)

    def lane_slice(self, lane: int) -> slice:
        return slice(int(self.bounds[lane]), int(self.bounds[lane + 1]))


def assign_lanes(
    table: EventTable,
    mask: np.ndarray,
    grouping: str,
    titles: dict[str, str],
    *,
    keep_dimmed: bool = False,
) -> Lanes:
    """One lane per kind, nation or theme, in the order of ``titles`` (key -> header).

    With ``keep_dimmed`` the events outside ``mask`` stay in their lanes, flagged ``dim``.
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
    order = np.lexsort((table.start[event], lane))
    event, lane = event[order], lane[order]
    return Lanes(keys, tuple(titles.values()), event, lane, ~mask[event])


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


@dataclass(frozen=True)
class LayoutStyle:
    """Sizes in pixels of the output (screen or page)."""

    marker_px: float = 12.0  # marker diameter; markers closer than this would touch
    gap_px: float = 3.0  # space kept between markers, clusters and labels
    label_offset_px: float = 9.0  # from a marker's centre to its label's edge

    def __post_init__(self) -> None:
        # A label must clear its own marker and the gap, or row 0 would reject it.
        if self.label_offset_px < self.marker_px / 2 + self.gap_px - 1e-9:
            raise ValueError("label_offset_px must be at least marker_px / 2 + gap_px")

    def scaled(self, factor: float) -> LayoutStyle:
        return LayoutStyle(
            *(v * factor for v in (self.marker_px, self.gap_px, self.label_offset_px))
        )


@dataclass
class LanePlan:
    """What to draw in one lane. Positions are pixels from the viewport's left edge."""

    marker_x: list[float] = field(default_factory=list)
    marker_event: list[int] = field(default_factory=list)
    cluster_x: list[float] = field(default_factory=list)
    cluster_count: list[int] = field(default_factory=list)
    cluster_span: list[tuple[float, float]] = field(default_factory=list)  # days covered
    cluster_events: list[np.ndarray] = field(default_factory=list)
    cluster_kind: list[int] = field(default_factory=list)  # kind index, or -1 if mixed
    selected_cluster: int | None = None  # the cluster holding the selected event
    label_x: list[float] = field(default_factory=list)  # left edge
    label_width: list[float] = field(default_factory=list)
    label_row: list[int] = field(default_factory=list)
    label_event: list[int] = field(default_factory=list)
    dim_x: list[float] = field(default_factory=list)


@dataclass
class Plan:
    viewport: Viewport
    lanes: list[LanePlan]

    def label_boxes(self) -> list[tuple[int, int, float, float]]:
        """(lane, row, left, right) of every label: what "never overlap" is checked on."""
        return [
            (i, row, x, x + w)
            for i, lp in enumerate(self.lanes)
            for x, w, row in zip(lp.label_x, lp.label_width, lp.label_row, strict=True)
        ]

    def hit(self, lane: int, x_px: float, radius_px: float) -> tuple[str, object] | None:
        """The marker ("event", index) or cluster ("cluster", i) nearest ``x_px`` in ``lane``."""
        if not 0 <= lane < len(self.lanes):
            return None
        lp = self.lanes[lane]
        best: tuple[float, tuple[str, object]] | None = None
        for x, ev in zip(lp.marker_x, lp.marker_event, strict=True):
            d = abs(x - x_px)
            if d <= radius_px and (best is None or d < best[0]):
                best = (d, ("event", ev))
        for i, x in enumerate(lp.cluster_x):
            d = abs(x - x_px)
            if d <= radius_px * 1.3 and (best is None or d < best[0]):
                best = (d, ("cluster", i))
        return best[1] if best else None


def plan_view(
    table: EventTable,
    lanes: Lanes,
    viewport: Viewport,
    measure: Callable[[str], float],
    style: LayoutStyle = LayoutStyle(),
    *,
    selected: int | None = None,
    label_rows: int = LABEL_ROWS,
) -> Plan:
    """Markers, clusters and labels for what ``viewport`` shows.

    ``measure`` gives a label's width in pixels (the painter's font metrics); it is only
    called for events that are drawn alone, so at most a few hundred times per lane.
    The ``selected`` event's label is placed first, so the selection is always named.
    """
    kind_rank = _kind_rank(table)
    plans = []
    for lane in range(len(lanes.keys)):
        sl = lanes.lane_slice(lane)
        events = lanes.event[sl]
        dim = lanes.dim[sl]
        starts = table.start[events]
        ends = table.end[events]
        # Visible: instances whose period overlaps the range (starts are sorted).
        hi = int(np.searchsorted(starts, viewport.x1, side="right"))
        visible = np.flatnonzero(ends[:hi] >= viewport.x0)
        lp = LanePlan()
        if len(visible):
            events, starts, ends, dim = (
                events[visible],
                starts[visible],
                ends[visible],
                dim[visible],
            )
            # A marker sits on its day; an imprecise event's marker sits mid-period.
            centre = np.where(ends - starts > 1.5, (starts + ends) / 2, starts + 0.5)
            xs = np.asarray(viewport.to_px(centre))
            lp.dim_x = xs[dim].tolist()
            alone = ~dim
            _cluster(
                lp,
                xs[alone],
                events[alone],
                starts[alone],
                ends[alone],
                table.kind[events[alone]],
                style,
                selected,
            )
            _place_labels(lp, table, kind_rank, viewport, measure, style, selected, label_rows)
        plans.append(lp)
    return Plan(viewport, plans)


def _kind_rank(table: EventTable) -> np.ndarray:
    rank = {k: i for i, k in enumerate(KIND_PRIORITY)}
    return np.array([rank.get(k, len(rank)) for k in table.kinds], dtype=np.int16)


def _cluster(
    lp: LanePlan,
    xs: np.ndarray,
    events: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    kinds: np.ndarray,
    style: LayoutStyle,
    selected: int | None = None,
) -> None:
    """Group markers that would touch into counted clusters.

    Binning into marker-sized cells is vectorised; the merge pass then walks the occupied
    cells (bounded by the lane's width, not by the number of events) and joins neighbours
    closer than one marker, so no two drawn shapes overlap.
    """
    if not len(xs):
        return
    order = np.argsort(xs, kind="stable")
    xs, events, starts, ends = xs[order], events[order], starts[order], ends[order]
    kinds = kinds[order]
    chosen = np.flatnonzero(events == selected) if selected is not None else ()
    chosen_at = int(chosen[0]) if len(chosen) else -1
    cell = style.marker_px + style.gap_px
    bins = np.floor(xs / cell).astype(np.int64)
    first = np.flatnonzero(np.r_[True, bins[1:] != bins[:-1]])
    last = np.r_[first[1:], len(xs)]
    sums = np.add.reduceat(xs, first)
    groups: list[list[float]] = []  # [x, count, first index, end index]
    for f, lst, s in zip(first.tolist(), last.tolist(), sums.tolist(), strict=True):
        n = lst - f
        x = s / n
        if groups and x - groups[-1][0] < cell:
            g = groups[-1]
            g[0] = (g[0] * g[1] + s) / (g[1] + n)
            g[1] += n
            g[3] = lst
        else:
            groups.append([x, n, f, lst])
    if not groups:
        return
    starts_at = np.array([int(g[2]) for g in groups])
    kind_lo = np.minimum.reduceat(kinds, starts_at)
    kind_hi = np.maximum.reduceat(kinds, starts_at)
    span_lo = np.minimum.reduceat(starts, starts_at)
    span_hi = np.maximum.reduceat(ends, starts_at)
    for g, (x, n, f, lst) in enumerate(groups):
        n, f, lst = int(n), int(f), int(lst)
        if n == 1:
            lp.marker_x.append(float(xs[f]))
            lp.marker_event.append(int(events[f]))
            continue
        if f <= chosen_at < lst:
            lp.selected_cluster = len(lp.cluster_x)
        lp.cluster_x.append(float(x))
        lp.cluster_count.append(n)
        lp.cluster_span.append((float(span_lo[g]), float(span_hi[g])))
        lp.cluster_events.append(events[f:lst])
        lp.cluster_kind.append(int(kind_lo[g]) if kind_lo[g] == kind_hi[g] else -1)


class _Row:
    """Non-overlapping intervals in one label row, kept sorted for O(log n) checks."""

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


def _place_labels(
    lp: LanePlan,
    table: EventTable,
    kind_rank: np.ndarray,
    viewport: Viewport,
    measure: Callable[[str], float],
    style: LayoutStyle,
    selected: int | None,
    label_rows: int = LABEL_ROWS,
) -> None:
    """Name as many lone markers as fit, most important first; skip the rest.

    A label goes right of its marker (left of it at the right edge), on the marker line
    if it crosses no other marker there, else on the row below. It must lie inside the
    viewport: a clipped label is worse than none on a slide.
    """
    if not lp.marker_x:
        return
    half = style.marker_px / 2
    rows = [_Row() for _ in range(LABEL_ROWS)]
    # Markers and clusters occupy row 0 (labels there must not cover them).
    shapes = sorted(
        [(x - half, x + half) for x in lp.marker_x]
        + [(x - half * 1.3, x + half * 1.3) for x in lp.cluster_x]
    )
    for left, right in shapes:
        rows[0].add(left, right)
    marker_x = np.asarray(lp.marker_x)
    marker_event = np.asarray(lp.marker_event)
    order = np.lexsort((marker_x, kind_rank[table.kind[marker_event]]))
    if selected is not None:
        own = np.flatnonzero(marker_event[order] == selected)
        if len(own):
            order = np.r_[order[own], np.delete(order, own)]
    for i in order.tolist():
        x, ev = float(marker_x[i]), int(marker_event[i])
        width = float(measure(str(table.labels[ev])))
        if width <= 0:
            continue
        for left in (x + style.label_offset_px, x - style.label_offset_px - width):
            right = left + width
            if left < 0 or right > viewport.width_px:
                continue
            padded = (left - style.gap_px, right + style.gap_px)
            if rows[0].free(*padded):
                row = 0
            elif label_rows > 1 and rows[1].free(*padded):
                row = 1
            else:
                continue
            rows[row].add(*padded)
            lp.label_x.append(left)
            lp.label_width.append(width)
            lp.label_row.append(row)
            lp.label_event.append(ev)
            break


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
    x_range: tuple[float, float]  # the data's full range with a margin, in days
    members: tuple[MemberBand, ...]  # membership rows under the lanes ...
    member_lanes: dict[str, float]  # ... or, with nation lanes, lane key -> join day
    grouping: str


MARGIN_FRACTION = 0.025


def build_content(
    table: EventTable,
    mask: np.ndarray,
    grouping: str,
    kinds: Sequence[tuple[str, str]],
    nations: Sequence[Nation],
    themes: Sequence[tuple[str, str]],
    *,
    keep_dimmed: bool = False,
) -> TimelineContent:
    """Lanes for ``grouping`` (kind ids, nation codes or theme ids with their headers),
    the day range to show, and the membership bands."""
    if grouping == "kind":
        titles = dict(kinds)
    elif grouping == "nation":
        titles = {n.code: n.name for n in nations}
    else:
        titles = dict(themes)
    lanes = assign_lanes(table, mask, grouping, titles, keep_dimmed=keep_dimmed)
    bands = tuple(member_band(n) for n in nations if n.joined)
    if len(table):
        lo = min(float(table.start.min()), min((b.joined for b in bands), default=np.inf))
        hi = float(table.end.max())
    else:
        lo, hi = to_day("2014-01-01"), to_day("2025-01-01")
    margin = max((hi - lo) * MARGIN_FRACTION, 15.0)
    if grouping == "nation":
        return TimelineContent(
            table,
            lanes,
            (lo - margin, hi + margin),
            (),
            {b.code: b.joined for b in bands},
            grouping,
        )
    return TimelineContent(table, lanes, (lo - margin, hi + margin), bands, {}, grouping)


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
