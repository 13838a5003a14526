"""Layout without Qt: lanes, clusters, and labels that never overlap."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cspo_viewer.data.table import EventTable, TagPairs, load_table
from cspo_viewer.layout import (
    ClusterHit,
    EventHit,
    LanePlan,
    Lanes,
    LayoutStyle,
    Viewport,
    assign_lanes,
    build_content,
    choose_homes,
    lane_rows,
    marker_day,
    plan_view,
)
from cspo_viewer.layout.placement import dense_candidates

KINDS = (
    "founding",
    "membership",
    "principals-meeting",
    "statement",
    "vision",
    "exercise",
    "other",
    "related",
)
TITLES = {k: k.title() for k in KINDS}


def synthetic_table(starts: list[float], kinds: list[int], spans: list[float]) -> EventTable:
    order = np.argsort(starts, kind="stable")
    start = np.asarray(starts, dtype=np.float64)[order]
    n = len(start)
    return EventTable(
        rowid=np.arange(1, n + 1),
        ids=np.array([f"e{i}" for i in range(n)], dtype=object),
        start=start,
        end=start + np.maximum(np.asarray(spans, dtype=np.float64)[order], 1.0),
        precision=np.zeros(n, np.int8),
        kind=np.asarray(kinds, dtype=np.int16)[order],
        kinds=KINDS,
        labels=np.array([f"Label {i}" * (1 + i % 3) for i in range(n)], dtype=object),
    )


def measure(text: str) -> float:
    return 6.5 * len(text)


def assert_unambiguous(plan, style: LayoutStyle, table: EventTable) -> None:
    """Every label is its own event's: on its marker's row, starting just right of the
    marker (or ending just left of it). In each lane row, no two markers-with-labels,
    badges or labels overlap, so no label can sit where it reads as another marker's."""
    half = style.marker_px / 2
    for lane, lp in enumerate(plan.lanes):
        where = {
            ev: (x, row)
            for x, row, ev in zip(lp.marker_x, lp.marker_row, lp.marker_event, strict=True)
        }
        spans: dict[int, list[tuple[float, float, int]]] = {}
        for x, row, ev in zip(lp.marker_x, lp.marker_row, lp.marker_event, strict=True):
            spans.setdefault(row, []).append((x - half, x + half, ev))
        for x, row in zip(lp.cluster_x, lp.cluster_row, strict=True):
            spans.setdefault(row, []).append((x - style.badge_half, x + style.badge_half, -1))
        for x, w, row, ev in zip(
            lp.label_x, lp.label_width, lp.label_row, lp.label_event, strict=True
        ):
            assert ev in where, "a label without its marker"
            mx, mrow = where[ev]
            assert mrow == row, "a label on another row than its marker"
            # Right of its marker, or left of it only where the view's edge leaves no room.
            beside = style.label_left(mx, w, (0.0, plan.viewport.width_px))
            assert beside is not None and abs(x - beside) < 1e-6, "a label not beside its marker"
            assert x >= 0 and x + w <= plan.viewport.width_px
            spans[row].append((x, x + w, ev))
        for row, items in spans.items():
            items.sort()
            for (_, r1, e1), (l2, _, e2) in itertools.pairwise(items):
                assert r1 <= l2 + 1e-6 or (e1 == e2 and e1 >= 0), (lane, row, items)
        assert all(0 <= r < lp.rows for r in [*lp.marker_row, *lp.cluster_row])


def accounted(plan) -> set[int]:
    """Events drawn: alone (named, keyed or bare), in a badge, or in a density strip."""
    seen = plan.drawn()
    for lp in plan.lanes:
        for events in lp.cluster_events:
            seen.update(int(e) for e in events)
    return seen


event_lists = st.lists(
    st.tuples(st.floats(0, 4000), st.integers(0, len(KINDS) - 1), st.floats(0, 400)),
    min_size=1,
    max_size=300,
)
views = st.tuples(st.floats(-100, 3000), st.floats(5, 5000), st.floats(200, 3000))


@settings(max_examples=120, deadline=None)
@given(events=event_lists, view=views, rows=st.integers(1, 8), key=st.booleans())
def test_labels_are_unambiguous_and_every_event_is_accounted_for(events, view, rows, key):
    starts, kinds, spans = (list(v) for v in zip(*events, strict=True))
    table = synthetic_table(starts, kinds, spans)
    lanes = assign_lanes(table, table.all, "kind", TITLES)
    style = LayoutStyle()
    vp = Viewport(view[0], view[0] + view[1], view[2])
    plan = plan_view(table, lanes, vp, measure, style, rows=[rows] * len(lanes.keys), key=key)
    assert_unambiguous(plan, style, table)
    centre = marker_day(table.start, table.end)
    visible = set(np.flatnonzero((centre >= vp.x0) & (centre <= vp.x1)).tolist())
    dense = any(lp.density is not None for lp in plan.lanes)
    if not dense:
        assert accounted(plan) == visible
    if key:
        # Numbers run 1..n in date order, each drawn beside its own event's marker.
        assert sorted(n for n, _ in plan.key) == list(range(1, len(plan.key) + 1))
        numbered = {ev for _, ev in plan.key}
        assert not numbered & plan.named()
        starts = [table.start[ev] for _, ev in sorted(plan.key)]
        assert starts == sorted(starts)
        drawn_numbers = {
            (text, ev)
            for lp in plan.lanes
            for text, ev, k in zip(lp.label_text, lp.label_event, lp.label_key, strict=True)
            if k
        }
        assert drawn_numbers == {(f"[{n}]", ev) for n, ev in plan.key}


@settings(max_examples=60, deadline=None)
@given(events=event_lists, width=st.floats(300, 3000), available=st.integers(1, 40))
def test_rows_given_name_everything_when_there_is_room(events, width, available):
    starts, kinds, spans = (list(v) for v in zip(*events, strict=True))
    table = synthetic_table(starts, kinds, spans)
    lanes = assign_lanes(table, table.all, "kind", TITLES)
    style = LayoutStyle()
    vp = Viewport(-50, 4450, width)
    rows = lane_rows(table, lanes, vp, measure, style, available)
    assert all(1 <= r <= 8 for r in rows)
    assert sum(rows) <= max(available, len(rows))
    plan = plan_view(table, lanes, vp, measure, style, rows=rows)
    assert_unambiguous(plan, style, table)
    unlimited = lane_rows(table, lanes, vp, measure, style, 10_000)
    if (
        rows == unlimited
        and max(unlimited) < 8
        and not any(lp.density is not None for lp in plan.lanes)
    ):
        assert plan.named() == set(range(len(table))), "room for all, yet some unnamed"


def test_close_events_take_rows_and_are_all_named():
    """Three accessions two days apart (5-7 Dec 2023) each get a row and a name."""
    table = synthetic_table([100, 101, 102], [1, 1, 1], [1, 1, 1])
    lanes = assign_lanes(table, table.all, "kind", TITLES)
    vp = Viewport(0, 3650, 1200)  # the three are within one marker's width
    rows = lane_rows(table, lanes, vp, measure, LayoutStyle(), 20)
    assert rows == [3]
    plan = plan_view(table, lanes, vp, measure, rows=rows)
    assert plan.named() == {0, 1, 2}
    assert sorted(plan.lanes[0].marker_row) == [0, 1, 2]


def test_dense_lanes_show_density_and_still_name_some():
    rng = np.random.default_rng(3)
    starts = sorted(rng.uniform(0, 3650, 2000).tolist())
    table = synthetic_table(starts, [1] * 2000, [1] * 2000)
    lanes = assign_lanes(table, table.all, "kind", TITLES)
    plan = plan_view(table, lanes, Viewport(0, 3650, 1200), measure, rows=[3])
    lane = plan.lanes[0]
    assert lane.density is not None and lane.density.sum() == 2000
    assert not len(lane.cluster_count)  # no row of numbered badges
    assert 5 <= len(plan.named()) <= 1200 / 60
    assert_unambiguous(plan, LayoutStyle(), table)
    narrow = plan_view(table, lanes, Viewport(1000, 1010, 1200), measure, rows=[3])
    assert narrow.lanes[0].density is None and narrow.named()  # zoomed in: named


def test_priority_and_pins_win_when_rows_run_out():
    """Three events on one day in one lane of two rows: the first row goes to the most
    important (a Board over an "other"), or to a pinned event over both."""
    table = synthetic_table([10, 10.1, 10.2], [6, 2, 6], [1, 1, 1])
    lanes = Lanes(
        ("x",),
        ("x",),
        np.arange(3, dtype=np.int32),
        np.zeros(3, np.int32),
        np.zeros(3, dtype=bool),
    )
    vp = Viewport(0, 100, 600)
    board = int(np.flatnonzero(table.kind == 2)[0])
    plan = plan_view(table, lanes, vp, measure, rows=[2])
    assert board in plan.named()
    assert plan.lanes[0].marker_of(board) is not None
    assert plan.lanes[0].marker_of(board)[1] == 0
    other = next(i for i in range(3) if i != board)
    plan = plan_view(table, lanes, vp, measure, rows=[2], pinned={other})
    assert other in plan.named()
    assert_unambiguous(plan, LayoutStyle(), table)
    assert accounted(plan) == {0, 1, 2}


def test_selection_does_not_take_part_in_the_layout():
    import inspect

    assert "selected" not in inspect.signature(plan_view).parameters


def test_small_pan_keeps_labels():
    rng = np.random.default_rng(5)
    starts = sorted(rng.uniform(0, 3650, 60).tolist())
    table = synthetic_table(starts, [1] * 60, [1] * 60)
    lanes = assign_lanes(table, table.all, "kind", TITLES)
    a = plan_view(table, lanes, Viewport(1000, 2000, 1200), measure, rows=[4])
    b = plan_view(table, lanes, Viewport(1010, 2010, 1200), measure, rows=[4])
    rows_a = dict(zip(a.lanes[0].label_event, a.lanes[0].label_row, strict=True))
    rows_b = dict(zip(b.lanes[0].label_event, b.lanes[0].label_row, strict=True))
    common = set(rows_a) & set(rows_b)
    moved = [e for e in common if rows_a[e] != rows_b[e]]
    assert len(common) > 10 and len(moved) <= 1


def test_bundled_data_lanes_by_kind_nation_theme(store):
    table = load_table(store)
    kinds = [(k.id, k.label) for k in store.kinds()]
    themes = [(t.id, t.label) for t in store.themes()]
    by_kind = build_content(table, table.all, "kind", kinds, store.nations(), themes)
    assert by_kind.lanes.keys[-1] == "related"
    assert len(by_kind.lanes.event) == 31
    assert len(by_kind.members) == 10
    by_nation = build_content(table, table.all, "nation", kinds, store.nations(), themes)
    assert len(by_nation.lanes.keys) == 10
    florence = table.index_of("2024-12-03-florence-principals-board")
    assert np.sum(by_nation.lanes.event == florence) == 10  # one instance per nation lane
    joined = {b.code: b.joined for b in by_kind.members}
    assert by_nation.member_lanes == joined
    by_theme = build_content(table, table.all, "theme", kinds, store.nations(), themes)
    assert len(by_theme.lanes.keys) == len(themes)


def test_x_range_covers_the_data_with_a_margin(store):
    table = load_table(store)
    content = build_content(table, table.all, "kind", [], store.nations(), [])
    lo, hi = content.x_range
    assert lo < table.start.min() and hi > table.end.max()
    assert hi - table.end.max() < 200  # a small margin, not a year


def test_lanes_without_events_are_left_out(store):
    table = load_table(store)
    kinds = [(k.id, k.label) for k in store.kinds()]
    japan = np.isin(
        np.arange(len(table)),
        table.nations.event[table.nations.tag == table.nations.names.index("JPN")],
    )
    content = build_content(table, japan, "kind", kinds, store.nations(), [])
    shown = {table.kinds[table.kind[e]] for e in content.lanes.event}
    assert set(content.lanes.keys) == shown
    assert "founding" not in content.lanes.keys
    every = build_content(table, japan, "kind", kinds, store.nations(), [], show_empty=True)
    assert len(every.lanes.keys) == len(kinds)
    # Fit follows the filter: Japan's events, with the margin.
    lo, hi = content.fit_range
    assert lo > content.x_range[0] and lo < table.start[japan].min()
    assert hi >= table.end[japan].max()


def test_dimmed_events_stay_in_their_lanes():
    table = synthetic_table([1, 2, 3], [0, 0, 0], [1, 1, 1])
    mask = np.array([True, False, True])
    hidden = assign_lanes(table, mask, "kind", TITLES)
    dimmed = assign_lanes(table, mask, "kind", TITLES, keep_dimmed=True)
    assert len(hidden.event) == 2 and len(dimmed.event) == 3
    assert dimmed.dim.tolist() == [False, True, False]


def test_tag_pairs_count_by_mask():
    pairs = TagPairs(("A", "B"), np.array([0, 0, 1, 2]), np.array([0, 1, 1, 0]))
    assert pairs.counts(np.array([True, False, True])) == {"A": 2, "B": 1}


def one_lane(n: int) -> Lanes:
    return Lanes(
        ("x",), ("x",), np.arange(n, dtype=np.int32), np.zeros(n, np.int32), np.zeros(n, bool)
    )


def test_events_beside_the_view_do_not_crowd_out_those_in_it():
    """Off-view events only hold rows; a visible event is named, not badged, when the rows
    lane_rows gave are enough for the events in view (found in review)."""
    table = synthetic_table(
        [353, 287, 203, 36, 295, 555, 403, 80, 161, 49, 153, 372],
        [6, 1, 6, 0, 5, 6, 6, 1, 5, 4, 5, 5],
        [1] * 12,
    )
    lanes = assign_lanes(table, table.all, "kind", TITLES)
    vp = Viewport(458, 1053, 471)
    rows = lane_rows(table, lanes, vp, measure, LayoutStyle(), 10_000)
    plan = plan_view(table, lanes, vp, measure, rows=rows)
    visible = set(np.flatnonzero((table.start + 0.5 >= vp.x0) & (table.start + 0.5 <= vp.x1)))
    assert visible and plan.named() == visible
    lone = synthetic_table([407, 409, 421], [5, 5, 5], [45, 1, 1])
    plan = plan_view(lone, one_lane(3), Viewport(428, 1026, 859), measure, rows=[1])
    assert plan.named() == {0}  # the one event in view, named in the view


def test_a_pile_in_one_row_gives_its_marker_to_the_most_important():
    """The founding and an "other" two days apart, one row: the founding keeps its marker
    and its name; the other is counted beside it."""
    table = synthetic_table([100, 102], [6, 0], [1, 1])
    plan = plan_view(table, one_lane(2), Viewport(0, 1000, 1000), measure, rows=[1])
    founding = int(np.flatnonzero(table.kind == 0)[0])
    assert plan.named() == {founding}
    assert plan.lanes[0].cluster_count.tolist() == [1]
    assert_unambiguous(plan, LayoutStyle(), table)


def test_rows_are_counted_past_a_title_that_fits_nowhere():
    table = synthetic_table([10, 500, 501, 502], [6] * 4, [1] * 4)
    table = replace(table, labels=["x" * 200, *table.labels[1:]])
    rows = lane_rows(table, one_lane(4), Viewport(0, 1000, 1000), measure, LayoutStyle(), 100)
    assert rows == [3]
    plan = plan_view(table, one_lane(4), Viewport(0, 1000, 1000), measure, rows=rows)
    assert {1, 2, 3} <= plan.named()


def test_dimmed_events_do_not_make_a_lane_dense():
    starts = np.r_[np.linspace(0, 3650, 2000), [1000.0, 1001.0, 1002.0]]
    table = synthetic_table(starts.tolist(), [1] * 2003, [1] * 2003)
    mask = np.isin(table.start, [1000.0, 1001.0, 1002.0])
    lanes = assign_lanes(table, mask, "kind", TITLES, keep_dimmed=True)
    plan = plan_view(table, lanes, Viewport(0, 3650, 1200), measure, rows=[3])
    assert plan.lanes[0].density is None and len(plan.named()) == 3


def grouped(store, grouping: str):
    table = load_table(store)
    kinds = [(k.id, k.label) for k in store.kinds()]
    themes = [(t.id, t.label) for t in store.themes()]
    return table, build_content(table, table.all, grouping, kinds, store.nations(), themes)


@pytest.mark.parametrize("grouping", ["nation", "theme"])
@pytest.mark.parametrize("width", [1474.0, 1644.0, 3300.0])
def test_grouped_lanes_name_each_event_once_and_show_it_in_every_lane(store, grouping, width):
    """Lanes by nation or theme: an event is named in one lane (its home) and drawn as a
    marker in each of its other lanes; with the rows it asks for, all 29 are named."""
    table, content = grouped(store, grouping)
    lanes = content.lanes
    style = LayoutStyle().scaled(width / 1000)
    measure_px = lambda text: 6.5 * len(text) * width / 1000  # noqa: E731
    view = Viewport(*content.fit_range, width)
    home = choose_homes(table, lanes, view, measure_px, style)
    assert sorted(lanes.event[home].tolist()) == list(range(len(table)))  # one home each
    rows = lane_rows(table, lanes, view, measure_px, style, 1000, home=home)
    plan = plan_view(table, lanes, view, measure_px, style, rows=rows, home=home, key=True)
    titles = [
        ev for lp in plan.lanes for ev, k in zip(lp.label_event, lp.label_key, strict=True) if not k
    ]
    assert len(titles) == len(set(titles))  # nobody is named twice
    assert set(titles) == set(range(len(table)))  # and everybody is named
    for lane, lp in enumerate(plan.lanes):
        in_lane = set(lanes.event[lanes.lane_slice(lane)].tolist())
        assert set(lp.marker_event) | set(lp.echo_event) == in_lane  # a marker in each lane
        assert not set(lp.marker_event) & set(lp.echo_event)
        assert not len(lp.cluster_count)  # no "+N" badge at the bundled record's scale
    assert_unambiguous(plan, style, table)


def test_an_unnamed_event_keeps_its_marker_and_number_in_its_home_lane(store):
    """Rows cut to one a lane: an event not named keeps its marker in its home lane, and
    a key number beside it where there is room (the page's key lists it), so the reader
    finds it there; its other lanes show its marker under their rows."""
    table, content = grouped(store, "theme")
    lanes, width = content.lanes, 1474.0
    style = LayoutStyle().scaled(1.5)
    measure_px = lambda text: 11.0 * len(text)  # noqa: E731
    view = Viewport(*content.fit_range, width)
    home = choose_homes(table, lanes, view, measure_px, style)
    rows = [1] * len(lanes.keys)
    plan = plan_view(table, lanes, view, measure_px, style, rows=rows, home=home, key=True)
    keyed = {ev for _, ev in plan.key}
    named = plan.named()
    assert keyed and not keyed & named
    badged = {int(e) for lp in plan.lanes for events in lp.cluster_events for e in events}
    for ev in set(range(len(table))) - named - badged:
        home_lane = int(lanes.lane[np.flatnonzero((lanes.event == ev) & home)[0]])
        lp = plan.lanes[home_lane]
        assert ev in lp.marker_event, table.labels[ev]
        assert (ev in keyed) == (ev in lp.label_event)  # a number beside it if keyed


def test_hit_names_the_marker_badge_or_label_under_the_pointer():
    """What a click finds, typed: an event by its marker or its label, a badge by its
    lane and index, nothing between them."""
    table = synthetic_table([100, 102, 600], [6, 0, 3], [1, 1, 1])
    plan = plan_view(table, one_lane(3), Viewport(0, 1000, 1000), measure, rows=[1])
    lp = plan.lanes[0]
    founding = int(np.flatnonzero(table.kind == 0)[0])
    assert lp.cluster_count.tolist() == [1]  # the "other" beside the founding is counted
    for ev in (founding, 2):
        x, row = lp.marker_of(ev)
        assert plan.hit(0, row, x + 1, 6) == EventHit(ev)
        label = lp.labels[lp.labels["event"] == ev][0]
        assert plan.hit(0, row, label["x"] + label["width"] / 2, 6) == EventHit(ev)
    assert plan.hit(0, 0, float(lp.cluster_x[0]), 6) == ClusterHit(0, 0)
    assert plan.hit(0, 0, 900.0, 6) is None and plan.hit(1, 0, 100.0, 6) is None
    assert lp.marker_of(1 - founding) is None  # in the badge, no marker of its own


def test_a_dense_lane_counts_a_period_whose_marker_is_far_past_its_start():
    """A three-year exercise started long before the view still has its marker (mid-period)
    in it: the dense lane's strip counts it like every other marker in view."""
    rng = np.random.default_rng(5)
    starts = [100.0, *rng.uniform(0, 3650, 20_000).tolist()]
    spans = [3 * 365.0, *[1.0] * 20_000]
    table = synthetic_table(starts, [5] * len(starts), spans)
    lanes = assign_lanes(table, table.all, "kind", TITLES)
    vp = Viewport(500, 900, 1200)
    lane = plan_view(table, lanes, vp, measure, rows=[3]).lanes[0]
    centre = marker_day(table.start, table.end)
    in_view = int(((centre >= vp.x0) & (centre <= vp.x1)).sum())
    assert lane.density is not None and lane.density.sum() == in_view


@settings(max_examples=150, deadline=None)
@given(
    days=st.lists(st.integers(0, 400), min_size=1, max_size=400),
    kinds=st.lists(st.integers(0, len(KINDS) - 1), min_size=400, max_size=400),
    dim=st.lists(st.booleans(), min_size=400, max_size=400),
    lane=st.lists(st.integers(0, 2), min_size=400, max_size=400),
    view=st.tuples(st.integers(-40, 600), st.integers(1, 400), st.integers(1, 12)),
    pins=st.sets(st.integers(0, 399), max_size=4),
)
# A marker right on a bin's edge, which a search by the day alone puts in the next bin.
@example(
    days=[40], kinds=[0] * 400, dim=[False] * 400, lane=[0] * 400, view=(71, 17, 10), pins=set()
)
def test_dense_lanes_count_every_marker_in_view_and_offer_each_stretchs_first(
    days, kinds, dim, lane, view, pins
):
    """Each dense lane's strip counts, in each bin, its undimmed markers whose pixel
    falls in it (a marker on the view's edge included), and it offers one event per
    stretch holding any: the most important there (pinned, then by kind), the first by
    start among equals. Three lanes are laid out at once, some perhaps empty in view.
    Whole days put many markers on one pixel, and views that start on a half day with a
    bin of a few half days put markers right on the bins' edges."""
    n = len(days)
    table = synthetic_table([float(d) for d in days], kinds[:n], [1.0] * n)
    lanes = Lanes(("a", "b", "c"), ("A", "B", "C"), *_lanes_of(table, lane[:n], dim[:n]))
    half_days, span, bin_days = view
    style = LayoutStyle()
    width = span * max(2.0, style.marker_px / 3) / (bin_days / 2)
    vp = Viewport(half_days / 2, half_days / 2 + span, width)
    pinned = {p for p in pins if p < n}
    plans = [LanePlan(rows=3) for _ in range(3)]
    found = dense_candidates(table, lanes, [0, 1, 2], vp, pinned, style, plans)
    cols = lanes.columns(table)
    for which, (lp, cand) in enumerate(zip(plans, found, strict=True)):
        mine = lanes.lane == which
        shown = np.flatnonzero(vp.holds(cols.centre) & ~lanes.dim & mine)
        px = (cols.centre[shown] - vp.x0) * vp.px_per_day
        bins = len(lp.density)
        at = np.minimum((px / lp.density_bin_px).astype(np.int64), bins - 1)
        assert lp.density.tolist() == np.bincount(at, minlength=bins).tolist()
        stretch = (px / (style.marker_px * 4)).astype(np.int64)
        rank = np.where(np.isin(lanes.event[shown], list(pinned)), -1, cols.rank[shown])
        best = {}
        for s, r, i in zip(stretch.tolist(), rank.tolist(), shown.tolist(), strict=True):
            best[s] = min(best.get(s, (r, i)), (r, i))
        assert sorted(cand.inst.tolist()) == sorted(i for _, i in best.values())
        assert sorted(cand.rank.tolist()) == sorted(r for r, _ in best.values())


def _lanes_of(table: EventTable, lane: list[int], dim: list[bool]) -> tuple[np.ndarray, ...]:
    """Each event in lane ``lane`` (by lane, then start), ``dim`` marking those drawn
    dimmed: the instance columns of ``Lanes``."""
    start_order = np.argsort(table.start, kind="stable")
    lane_of = np.asarray(lane, dtype=np.int32)[start_order]
    event = start_order[np.argsort(lane_of, kind="stable")].astype(np.int32)
    lanes = np.asarray(lane, dtype=np.int32)[event]
    return event, lanes, np.asarray(dim, dtype=bool)[event]
