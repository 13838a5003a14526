"""Eras and notes laid out without Qt: their names have a strip of rows of their own above
the lanes, so no era band or note ever covers an event label, and names never overprint
each other."""

from __future__ import annotations

import itertools

import pytest

from cspo_viewer.data.annotations import Annotation
from cspo_viewer.data.dates import to_day
from cspo_viewer.data.table import load_table
from cspo_viewer.layout import LayoutStyle, Viewport, build_content, lane_rows, plan_view
from cspo_viewer.layout.annotations import (
    MAX_STRIP_LINES,
    build_marks,
    plan_strip,
    strip_height,
    strip_lines,
)


def measure(text: str) -> float:
    return 7.0 * len(text)


STYLE = LayoutStyle()
ERAS = [
    Annotation("era", "COVID-19 pandemic", "2020-03-11", "2023-05-05", colour="#c0504d", id=1),
    Annotation("era", "Founding years", "2014-02", "2015-12", id=2),
    Annotation("era", "Inside the pandemic", "2021", "2021", id=3),
]
NOTES = [
    Annotation("note", "Japan joins: ask J5", "2023-12-05", id=4),
    Annotation("note", "Seven nations sign", "2019-04-10", id=5),
    Annotation("note", "Same week", "2019-04-12", id=6),
]


def content_with(store, annotations):
    table = load_table(store)
    return build_content(
        table,
        table.all,
        "kind",
        [(k.id, k.label) for k in store.kinds()],
        store.nations(),
        [(t.id, t.label) for t in store.themes()],
        annotations=annotations,
    )


def label_boxes(plan) -> list[tuple[int, int, float, float]]:
    """(lane, row, left, right) of every event label the plan places."""
    return [
        (i, row, x, x + w)
        for i, lp in enumerate(plan.lanes)
        for x, w, row in zip(lp.label_x, lp.label_width, lp.label_row, strict=True)
    ]


def name_boxes(strip) -> list[tuple[int, float, float]]:
    """(line, left, right) of every era and note name in the strip."""
    return [
        (line, x, x + w)
        for line, x, w in zip(strip.label_line, strip.label_x, strip.label_width, strict=True)
    ]


@pytest.mark.parametrize("width", [500, 1200, 3000])
def test_era_bands_and_note_names_never_cover_an_event_label(store, width):
    """Every event label lies in a lane row, below the strip; every era and note name
    lies in a strip row; the bands are behind the lanes. In one y space (rows from the
    top, as the painter draws them), no name box meets a label box."""
    content = content_with(store, ERAS + NOTES)
    vp = Viewport(*content.fit_range, width)
    lines = strip_lines(content.marks, vp, measure, STYLE)
    strip = plan_strip(content.marks, vp, measure, STYLE, lines)
    assert lines >= 1 and strip.label_text
    rows = lane_rows(content.table, content.lanes, vp, measure, STYLE, 40)
    plan = plan_view(content.table, content.lanes, vp, measure, STYLE, rows=rows)
    top = strip_height(lines)
    lane_top = [top + sum(rows[:i]) for i in range(len(rows))]
    labels = [(lane_top[lane] + row, x0, x1) for lane, row, x0, x1 in label_boxes(plan)]
    names = [(float(line), x0, x1) for line, x0, x1 in name_boxes(strip)]
    assert labels and names
    for y, x0, x1 in names:
        assert 0 <= y < top
        for ly, lx0, lx1 in labels:
            assert not (ly < y + 1 and y < ly + 1 and lx0 < x1 and x0 < lx1), (y, ly)
    assert min(y for y, _, _ in labels) >= top


@pytest.mark.parametrize("width", [300, 800, 2000])
def test_names_never_overprint_and_stay_in_view(width):
    marks = build_marks(ERAS + NOTES)
    vp = Viewport(to_day("2013-01-01"), to_day("2025-01-01"), width)
    for lines in range(1, MAX_STRIP_LINES + 1):
        strip = plan_strip(marks, vp, measure, STYLE, lines)
        boxes = sorted(name_boxes(strip))
        for (l1, _a0, a1), (l2, b0, _b1) in itertools.pairwise(boxes):
            assert l1 != l2 or a1 <= b0
        assert all(x0 >= 0 and x1 <= width + 1e-6 for _, x0, x1 in boxes)
        assert len(boxes) + strip.hidden == len(marks)


def test_enough_lines_name_everything_and_the_rest_is_counted():
    marks = build_marks(ERAS + NOTES)
    vp = Viewport(to_day("2013-01-01"), to_day("2025-01-01"), 1200)
    lines = strip_lines(marks, vp, measure, STYLE)
    plan = plan_strip(marks, vp, measure, STYLE, lines)
    assert plan.hidden == 0
    near_the_end = "Japan joins: ask J5 ▾"  # its text ends at its date, by the view's edge
    assert sorted(plan.label_text) == sorted(
        [a.title for a in ERAS] + [near_the_end, "▾ Seven nations sign", "▾ Same week"]
    )
    at = plan.label_text.index(near_the_end)
    tick = plan.tick_x[plan.tick_mark.index(plan.label_mark[at])]
    assert plan.label_x[at] + plan.label_width[at] == pytest.approx(tick + STYLE.gap_px)
    assert plan.label_x[at] + plan.label_width[at] <= 1200
    one = plan_strip(marks, vp, measure, STYLE, 1)
    assert lines > 1 and one.hidden > 0  # the nested era and the close notes need rows


def test_bands_cover_their_whole_period_and_a_tied_note_follows_its_event(store):
    table = load_table(store)
    japan = "2023-12-05-japan-joins"
    tied = Annotation("note", "Japan", "2000-01-01", event_id=japan, id=9)
    marks = build_marks([*ERAS, tied], table)
    vp = Viewport(to_day("2014-01-01"), to_day("2025-01-01"), 1100)
    plan = plan_strip(marks, vp, measure, STYLE, 3)
    covid = marks.annotations.index(ERAS[0])
    x0, x1 = plan.band_x0[plan.band_mark.index(covid)], plan.band_x1[plan.band_mark.index(covid)]
    assert x0 == pytest.approx(vp.to_px(to_day("2020-03-11")))
    assert x1 == pytest.approx(vp.to_px(to_day("2023-05-06")))  # through its last day
    [tick] = plan.tick_x
    assert tick == pytest.approx(vp.to_px(float(table.start[table.index_of(japan)])))
    assert plan.band_at(vp.to_px(to_day("2021-06-01"))) == marks.annotations.index(ERAS[2])


def test_no_annotations_take_no_room(store):
    content = content_with(store, [])
    vp = Viewport(*content.fit_range, 1200)
    assert strip_lines(content.marks, vp, measure, STYLE) == 0
    assert strip_height(0) == 0
