"""Layout without Qt: lanes, clusters, and labels that never overlap."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cspo_viewer.data.table import EventTable, TagPairs, load_table
from cspo_viewer.layout import (
    LayoutStyle,
    Viewport,
    assign_lanes,
    build_content,
    plan_view,
)

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


def assert_no_overlap(plan, style: LayoutStyle) -> None:
    """No two labels in a lane row overlap; no label leaves the viewport or covers a
    marker or cluster on the marker line other than its own."""
    boxes = plan.label_boxes()
    by_row: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for lane, row, left, right in boxes:
        assert left >= 0 and right <= plan.viewport.width_px
        by_row.setdefault((lane, row), []).append((left, right))
    for intervals in by_row.values():
        intervals.sort()
        for (_, r1), (l2, _) in itertools.pairwise(intervals):
            assert r1 <= l2, intervals
    half = style.marker_px / 2
    for lane, lp in enumerate(plan.lanes):
        shapes = [(x - half, x + half) for x in lp.marker_x]
        shapes += [(x - half * 1.3, x + half * 1.3) for x in lp.cluster_x]
        for x, w, row in zip(lp.label_x, lp.label_width, lp.label_row, strict=True):
            if row:
                continue
            for a, b in shapes:
                assert b <= x or a >= x + w, (lane, x, w, a, b)
        # Markers and clusters never touch each other either.
        centres = sorted(lp.marker_x + lp.cluster_x)
        for a, b in itertools.pairwise(centres):
            assert b - a >= style.marker_px - 1e-6


@settings(max_examples=120, deadline=None)
@given(
    events=st.lists(
        st.tuples(st.floats(0, 4000), st.integers(0, len(KINDS) - 1), st.floats(0, 400)),
        min_size=1,
        max_size=400,
    ),
    view=st.tuples(st.floats(-100, 3000), st.floats(5, 5000), st.floats(200, 3000)),
)
def test_labels_never_overlap(events, view):
    starts, kinds, spans = (list(v) for v in zip(*events, strict=True))
    table = synthetic_table(starts, kinds, spans)
    lanes = assign_lanes(table, table.all, "kind", TITLES)
    style = LayoutStyle()
    vp = Viewport(view[0], view[0] + view[1], view[2])
    plan = plan_view(table, lanes, vp, measure, style)
    assert_no_overlap(plan, style)
    # Every visible event is drawn exactly once: alone or inside a cluster.
    drawn = sum(len(lp.marker_x) + sum(lp.cluster_count) + len(lp.dim_x) for lp in plan.lanes)
    visible = np.sum((table.start <= vp.x1) & (table.end >= vp.x0))
    assert drawn == visible


def test_zooming_in_reveals_labels_zooming_out_clusters():
    rng = np.random.default_rng(3)
    starts = sorted(rng.uniform(0, 3650, 2000).tolist())
    table = synthetic_table(starts, [1] * 2000, [1] * 2000)
    lanes = assign_lanes(table, table.all, "kind", TITLES)
    wide = plan_view(table, lanes, Viewport(0, 3650, 1200), measure)
    membership = wide.lanes[1]
    assert membership.cluster_count and sum(membership.cluster_count) > 1900
    assert len(membership.marker_x) + len(membership.cluster_x) <= 1200 / 15 + 1
    narrow = plan_view(table, lanes, Viewport(1000, 1010, 1200), measure)
    assert narrow.lanes[1].label_event  # a ten-day window names its events


def test_selected_event_is_always_labelled():
    table = synthetic_table([10, 11, 12, 13], [1, 1, 1, 1], [1, 1, 1, 1])
    lanes = assign_lanes(table, table.all, "kind", TITLES)
    vp = Viewport(0, 100, 600)  # markers 6 px apart: they cluster
    plan = plan_view(table, lanes, vp, measure)
    assert plan.lanes[1].cluster_count == [4]
    vp = Viewport(9, 15, 600)  # 100 px apart: each alone, labels compete
    for selected in range(4):
        plan = plan_view(table, lanes, vp, measure, selected=selected)
        assert selected in plan.lanes[1].label_event


def test_bundled_data_lanes_by_kind_nation_theme(store):
    table = load_table(store)
    kinds = [(k.id, k.label) for k in store.kinds()]
    themes = [(t.id, t.label) for t in store.themes()]
    by_kind = build_content(table, table.all, "kind", kinds, store.nations(), themes)
    assert by_kind.lanes.keys[-1] == "related"
    assert len(by_kind.lanes.event) == 29
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
