"""The timeline item painted straight into an image: what a reader sees at the places the
layout chose.

A few events on known dates are laid out in lanes by kind and painted into an ARGB32
image of known size (light and dark). Every expected place comes from the plan the item
drew (its ``frame``) and ``lane_top``; every expected colour from the look and the kind
style. Nothing here reads the painter's private state, so the tests hold however the
painting is organised inside.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor

from cspo_viewer.data.annotations import Annotation
from cspo_viewer.data.dates import from_day, to_day
from cspo_viewer.data.records import Nation
from cspo_viewer.layout import Viewport
from cspo_viewer.layout.placement import EventHit
from cspo_viewer.render.palette import DARK, LIGHT, RenderLook, blend
from cspo_viewer.render.style import kind_color
from cspo_viewer.render.timeline_item import TimelineItem, fill_translucent
from tests.render_support import (
    LOOKS,
    Ev,
    colour_at,
    content_of,
    day_view,
    day_x,
    distance,
    lane_band,
    markers,
    matches,
    near,
    paint_item,
    pixels,
    table_of,
)

WIDTH, HEIGHT = 800, 400
PX_PER_DAY = 4.0
VIEW = day_view("2020-01-01", WIDTH, PX_PER_DAY)  # 200 days from 1 January 2020

EVENTS = (
    Ev("2020-01-10", "founding", "Founding"),
    Ev("2020-01-20", "statement", "Statement"),
    Ev("2020-02-01", "membership", "Joins"),
    Ev("2020-03-01", "exercise", "March exercise", month=True),
    Ev("2020-04-04", "principals-meeting", "Board"),
    Ev("2020-05-05", "related", "Related"),
    Ev("2020-06-01", "vision", "Vision"),
    Ev("2020-06-20", "other", "Other"),
)
"""One event of each kind, so each has a lane, and one known to its month."""


def item_for(look: RenderLook, events=EVENTS, **content) -> TimelineItem:
    item = TimelineItem(look)
    item.set_content(content_of(table_of(events), VIEW, **content))
    return item


def kind_of(event: int, events=EVENTS) -> str:
    table = table_of(events)
    return table.kinds[table.kind[event]]


def lane_edges(item: TimelineItem, lane: int, image_height: int) -> tuple[float, float]:
    """Image y of a lane's top and bottom (the item's rows fill the image's height)."""
    row_px = image_height / item.total_height
    return item.lane_top(lane) * row_px, item.lane_top(lane + 1) * row_px


def quiet_y(item: TimelineItem, lane: int, image_height: int) -> int:
    """An image row inside the lane above its first row's markers and labels: only the
    lane's band (and what runs down the lanes) is drawn there."""
    top, bottom = lane_edges(item, lane, image_height)
    return int(top + 0.12 * (bottom - top)) + 1


@LOOKS
def test_each_marker_has_its_kinds_fill_where_the_layout_put_it(qapp, look):
    item = item_for(look)
    image = paint_item(item, WIDTH, HEIGHT)
    assert (image.width(), image.height()) == (WIDTH, HEIGHT)
    frame = item.frame
    assert frame is not None
    table = table_of(EVENTS)
    drawn = list(markers(frame))
    assert sorted(m.event for m in drawn) == list(range(len(EVENTS)))  # every event once
    for m in drawn:
        kind = table.kinds[table.kind[m.event]]
        assert 0 <= m.x < WIDTH and 0 <= m.y < HEIGHT
        assert near(colour_at(image, m.x, m.y), kind_color(kind, look.is_dark)), (kind, m)
        # The marker stands within the days its event covers (its day, or its month).
        assert day_x(frame, table.start[m.event]) <= m.x <= day_x(frame, table.end[m.event])


@LOOKS
def test_the_plan_drawn_is_the_plan_for_the_view(qapp, look):
    """What the item painted is what ``layout_plan`` says for the same view and size."""
    item = item_for(look)
    paint_item(item, WIDTH, HEIGHT)
    assert item.frame is not None
    planned = item.layout_plan(Viewport(*VIEW, WIDTH))
    assert item.frame.plan.viewport == planned.viewport
    for drawn, lp in zip(item.frame.plan.lanes, planned.lanes, strict=True):
        assert list(drawn.marker_event) == list(lp.marker_event)
        assert np.allclose(list(drawn.marker_x), list(lp.marker_x))
        assert list(drawn.marker_row) == list(lp.marker_row)


@LOOKS
def test_lane_bands_alternate_in_the_looks_band_colours(qapp, look):
    item = item_for(look)
    image = paint_item(item, WIDTH, HEIGHT)
    keys = content_of(table_of(EVENTS), VIEW).lanes.keys
    assert item.lane_count == len(keys) >= 4
    a = pixels(image)
    seen = set()
    for lane, key in enumerate(keys):
        band = lane_band(look, key, lane)
        y = quiet_y(item, lane, HEIGHT)
        assert matches(a[y], band, tol=1).all(), (lane, key, band)
        # And the lane's middle (where its header is centred), between its markers and
        # labels, is the same band.
        middle = a[int(item.lane_centre(lane) * HEIGHT / item.total_height)]
        assert matches(middle, band, tol=1).mean() > 0.6, (lane, key)
        seen.add(band)
    assert seen == set(look.bands)  # both alternating bands and the related lane's
    # The lanes fill the image from top to bottom (no membership strip here).
    assert lane_edges(item, 0, HEIGHT)[0] == 0
    assert lane_edges(item, item.lane_count - 1, HEIGHT)[1] == pytest.approx(HEIGHT)


@LOOKS
def test_grid_lines_are_drawn_at_the_axis_tick_days_and_nowhere_else(qapp, look):
    item = item_for(look)
    ticks = [float(to_day(f"2020-{m:02d}-01")) for m in range(2, 8)]  # 1 Feb .. 1 Jul
    asked: list[tuple[float, float]] = []

    def labelled_days(lo: float, hi: float) -> list[float]:
        asked.append((lo, hi))
        return [d for d in ticks if lo <= d <= hi]

    item.set_grid(labelled_days)
    image = paint_item(item, WIDTH, HEIGHT)
    frame = item.frame
    assert frame is not None
    assert asked and asked[-1] == pytest.approx(VIEW)  # the days of the range shown
    columns = [int(np.floor(day_x(frame, d))) for d in ticks]
    assert all(0 < c < WIDTH - 1 for c in columns)
    a = pixels(image)
    keys = content_of(table_of(EVENTS), VIEW).lanes.keys
    for lane in (0, 1):  # on the background and on the alternate band
        band = lane_band(look, keys[lane], lane)
        grid = blend(look.grid, band, look.grid_alpha)
        assert distance(grid, band) >= 3  # a faint line, but one a reader can see
        row = a[quiet_y(item, lane, HEIGHT)]
        for c in columns:
            assert matches(row[c], grid, tol=2), (lane, c, QColor(*row[c]).name(), grid)
        between = np.ones(WIDTH, dtype=bool)
        for c in columns:
            between[c - 1 : c + 2] = False
        assert matches(row[between], band, tol=1).all(), lane
    # The lines run down every lane, under its band's colour.
    for lane, key in enumerate(keys):
        y = quiet_y(item, lane, HEIGHT)
        grid = blend(look.grid, lane_band(look, key, lane), look.grid_alpha)
        assert near(colour_at(image, columns[0] + 0.5, y), grid, tol=2), key


def ring_area(image, x: float, y: float, radius: float, side: int) -> np.ndarray:
    """Which pixels lie in a ring round (``x``, ``y``) between half of ``radius`` and
    ``radius``, on one side only (``side`` -1: left, +1: right)."""
    a = pixels(image)
    h, w = a.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w]
    d = np.hypot(xs + 0.5 - x, ys + 0.5 - y)
    inside = (d > radius / 2) & (d <= radius) & ((xs + 0.5 - x) * side > 2)
    return inside


@LOOKS
def test_the_selected_events_marker_shows_the_selection_ring(qapp, look):
    item = item_for(look)
    before = paint_item(item, WIDTH, HEIGHT)
    assert item.frame is not None
    drawn = {m.event: m for m in markers(item.frame)}
    plan = item.frame.plan
    board = next(e for e in drawn if kind_of(e) == "principals-meeting")
    label_x = {
        int(ev): float(x)
        for lp in plan.lanes
        for x, ev in zip(lp.label_x, lp.label_event, strict=True)
    }
    size = look.layout.marker_px

    def ring(image, event: int) -> int:
        m = drawn[event]
        # The side away from the label: the label turns the selection colour too.
        side = -1 if label_x[event] + item.frame.dev_x0 > m.x else 1
        area = ring_area(image, m.x, m.y, size * 1.1, side)
        return int(matches(pixels(image)[area], look.selection, tol=40).sum())

    assert all(ring(before, e) == 0 for e in drawn)
    item.set_selected(board)
    after = paint_item(item, WIDTH, HEIGHT)
    assert ring(after, board) >= 12
    assert all(ring(after, e) == 0 for e in drawn if e != board)
    # Selecting moves nothing and keeps the marker's own fill.
    assert {m.event: m for m in markers(item.frame)} == drawn
    m = drawn[board]
    assert near(colour_at(after, m.x, m.y), kind_color("principals-meeting", look.is_dark))


@LOOKS
def test_an_event_known_to_its_month_draws_a_bar_over_that_month(qapp, look):
    item = item_for(look)
    image = paint_item(item, WIDTH, HEIGHT)
    frame = item.frame
    assert frame is not None
    table = table_of(EVENTS)
    period = next(i for i in range(len(table)) if table.end[i] - table.start[i] > 1)
    kind = table.kinds[table.kind[period]]
    span = look.span_colour(kind_color(kind, look.is_dark))
    m = next(m for m in markers(frame) if m.event == period)
    x0, x1 = day_x(frame, table.start[period]), day_x(frame, table.end[period])
    assert x1 - x0 == pytest.approx(31 * PX_PER_DAY)  # all of March
    lp = frame.plan.lanes[m.lane]
    size = look.layout.marker_px
    covered = np.zeros(WIDTH, dtype=bool)  # the marker and the label stand over the bar
    covered[int(m.x - size) : int(m.x + size) + 1] = True
    for x, w, ev in zip(lp.label_x, lp.label_width, lp.label_event, strict=True):
        if ev == period:
            left = frame.dev_x0 + float(x)
            covered[int(left - 2) : int(left + float(w) + 3)] = True
    row = pixels(image)[int(m.y)]
    bar = np.zeros(WIDTH, dtype=bool)
    bar[int(x0) + 3 : int(x1) - 3] = True
    free = bar & ~covered
    assert free.sum() > 10 * PX_PER_DAY  # most of the month shows
    assert matches(row[free], span, tol=3).all()
    # Nothing of it before the month begins or after it ends.
    outside = np.ones(WIDTH, dtype=bool)
    outside[int(x0) - 1 : int(x1) + 2] = False
    assert not matches(row[outside & ~covered], span, tol=3).any()
    # A day event has no bar: its row shows the bar's colour nowhere.
    day_event = next(d for d in markers(frame) if d.event != period)
    assert not matches(pixels(image)[int(day_event.y)], span, tol=3).any()


@LOOKS
def test_a_badge_counts_the_events_that_find_no_room_at_their_place(qapp, look):
    drills = [Ev("2020-03-05", "exercise", f"Drill {i}") for i in range(30)]
    events = (Ev("2020-02-01", "statement", "Statement"), *drills)
    item = item_for(look, events)
    image = paint_item(item, WIDTH, 300)
    frame = item.frame
    assert frame is not None
    lane = next(i for i, lp in enumerate(frame.plan.lanes) if len(lp.cluster_x))
    lp = frame.plan.lanes[lane]
    assert len(lp.marker_event) + sum(lp.cluster_count) == len(drills)  # each counted once
    assert len(lp.cluster_x) == 1 and lp.cluster_count[0] > 1
    x = frame.dev_x0 + float(lp.cluster_x[0])
    y = frame.row_y(lane, lp.cluster_row[0])
    # A disc in the kind's colour round a count in white.
    r = look.layout.marker_px * 0.5
    a = pixels(image)
    disc = a[int(y - r) : int(y + r) + 1, int(x - r) : int(x + r) + 1]
    fill = matches(disc, kind_color("exercise", look.is_dark), tol=3).sum()
    white = matches(disc, "#ffffff", tol=60).sum()
    assert fill > 0.25 * disc.shape[0] * disc.shape[1], fill
    assert white >= 3, white
    # It stands beside the markers that did fit, at their place (the same day).
    day = day_x(frame, float(to_day("2020-03-05")))
    assert abs(x - day) <= 3 * look.layout.marker_px
    # A click on it hits the badge, not one of its events.
    vp = frame.plan.viewport
    found = item.hit(QPointF(vp.x0 + (x - frame.dev_x0) / vp.px_per_day, y / frame.row_px))
    assert found is not None and event_hit(found) is None
    # Selecting an event inside it rings the badge in the selection colour.
    ring = ring_area(image, x, y, look.layout.marker_px * 1.1, -1)
    assert not matches(pixels(image)[ring], look.selection, tol=40).any()
    item.set_selected(int(lp.cluster_events[0][0]))
    selected = paint_item(item, WIDTH, 300)
    assert matches(pixels(selected)[ring], look.selection, tol=40).sum() >= 8


@LOOKS
def test_eras_tint_the_lanes_over_their_days_and_notes_draw_a_line(qapp, look):
    era = Annotation("era", "Era of drills", "2020-02-10", end_date="2020-03-20", colour="#e78ac3")
    note = Annotation("note", "A note", "2020-05-20")
    item = item_for(look, annotations=(era, note))
    image = paint_item(item, WIDTH, HEIGHT)
    frame = item.frame
    assert frame is not None
    assert item.note_lines >= 1 and item.notes_height > 0  # names get rows of their own
    a = pixels(image)
    keys = content_of(table_of(EVENTS), VIEW).lanes.keys
    e0, e1 = day_x(frame, to_day(era.date)), day_x(frame, to_day("2020-03-21"))
    for lane, key in enumerate(keys):
        band = rgb_of(lane_band(look, key, lane))
        row = a[quiet_y(item, lane, HEIGHT)]
        inside = row[int(e0) + 3 : int(e1) - 3]
        # Every column over the era: the band moved part way toward the era's colour,
        # the same part in each channel (a tint, not another colour), little enough
        # that labels stay legible.
        share = tint_share(inside, band, rgb_of(era.colour))
        assert 0.05 < share < 0.5, (key, share)
        before = row[: int(e0) - 2]
        assert matches(before, lane_band(look, key, lane), tol=1).all(), key
    # The note's date: a faint line in the muted text colour down the lanes.
    nx = int(np.floor(day_x(frame, to_day(note.date))))
    y = quiet_y(item, 0, HEIGHT)
    line = a[y, nx - 1 : nx + 2]
    band0 = rgb_of(lane_band(look, keys[0], 0))
    assert any(tint_share(line[i : i + 1], band0, rgb_of(look.muted_text)) > 0.2 for i in range(3))
    # The strip above the lanes names them: the era after a swatch of its colour.
    strip = a[: int(item.notes_height * HEIGHT / item.total_height)]
    assert matches(strip, era.colour, tol=3).sum() >= 16
    assert matches(strip, look.text, tol=40).sum() > 10  # the era's name
    assert matches(strip, look.muted_text, tol=40).sum() > 10  # the note's


def rgb_of(colour: str | None) -> np.ndarray:
    c = QColor(colour)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


def tint_share(area: np.ndarray, under: np.ndarray, over: np.ndarray) -> float:
    """How far every pixel of ``area`` lies from ``under`` toward ``over`` (0: not at
    all, 1: all the way), asserting it is the same share in each channel and pixel."""
    flat = area.reshape(-1, 3).astype(np.float64)
    channels = np.abs(over - under) > 40  # channels far enough apart to measure
    assert channels.any()
    shares = (flat[:, channels] - under[channels]) / (over - under)[channels]
    assert np.ptp(shares) < 0.06, shares
    return float(shares.mean())


@LOOKS
def test_the_membership_strip_deepens_at_each_accession(qapp, look):
    nations = (
        Nation("AUS", "Australia", "AU", joined="2020-01-15"),
        Nation("NZL", "New Zealand", "NZ", joined="2020-03-15"),
        Nation("FRA", "France", "FR", joined="2020-05-15"),
    )
    item = item_for(look, nations=nations)
    image = paint_item(item, WIDTH, HEIGHT)
    frame = item.frame
    assert frame is not None
    assert item.strip_top > item.lanes_height  # under the lanes
    steps = look.member_steps(len(nations))
    joins = [day_x(frame, to_day(n.joined or "")) for n in nations]
    ends = [*joins[1:], WIDTH]
    a = pixels(image)
    row_px = HEIGHT / item.total_height
    strip = a[int(item.strip_top * row_px) : HEIGHT]
    for i, (x0, x1) in enumerate(zip(joins, ends, strict=True)):
        column = strip[:, int(x0 + 0.75 * (x1 - x0))]
        assert matches(column, steps[i], tol=2).sum() >= 4, (i, steps[i])
        for j, other in enumerate(steps):
            if j != i and distance(other, steps[i]) > 4:
                assert not matches(column, other, tol=2).any(), (i, j)
    # Before the first accession the strip is empty.
    column = strip[:, int(joins[0] / 2)]
    assert not any(matches(column, s, tol=2).any() for s in steps)


@pytest.mark.parametrize(
    ("first", "then"), [(LIGHT, DARK), (DARK, LIGHT)], ids=["to-dark", "to-light"]
)
def test_a_new_look_repaints_every_marker_and_band_in_its_colours(qapp, first, then):
    """The window's theme switch: ``set_look`` on the item already showing content."""
    item = item_for(first)
    paint_item(item, WIDTH, HEIGHT)
    item.set_look(then)
    assert item.look == then
    image = paint_item(item, WIDTH, HEIGHT)
    assert item.frame is not None
    for m in markers(item.frame):
        assert near(colour_at(image, m.x, m.y), kind_color(kind_of(m.event), then.is_dark))
    a = pixels(image)
    keys = content_of(table_of(EVENTS), VIEW).lanes.keys
    for lane, key in enumerate(keys):
        assert matches(a[quiet_y(item, lane, HEIGHT)], lane_band(then, key, lane), tol=1).all()
    # "other" is black on light and the text colour on dark: the look decides.
    assert kind_color("other", first.is_dark) != kind_color("other", then.is_dark)


def event_hit(found: object) -> int | None:
    """The event a ``hit`` result names, or None for nothing or a badge."""
    return found.event if isinstance(found, EventHit) else None


def test_a_click_on_a_drawn_marker_hits_its_event(qapp):
    """What is hit is what was drawn there: each marker's place in the last paint, in
    the item's own coordinates (days across, rows down), names its event."""
    item = item_for(LIGHT)
    paint_item(item, WIDTH, HEIGHT)
    frame = item.frame
    assert frame is not None
    vp = frame.plan.viewport
    found = 0
    for m in markers(frame):
        day = vp.x0 + (m.x - frame.dev_x0) / vp.px_per_day
        row = (m.y - frame.dev_y0) / frame.row_px
        assert event_hit(item.hit(QPointF(day, row))) == m.event
        found += 1
    assert found == len(EVENTS)
    # Between the lanes' markers and labels there is nothing to hit.
    assert item.hit(QPointF(vp.x0 + 1 / vp.px_per_day, item.lane_centre(0))) is None


@LOOKS
def test_events_outside_the_filter_stay_as_dim_dots(qapp, look):
    """The window's "dim" mode: events the filter leaves out keep their place, drawn
    small in the look's dim colour, not as their kind's marker."""
    table = table_of(EVENTS)
    mask = table.all.copy()
    dimmed = [i for i in range(len(table)) if table.kinds[table.kind[i]] == "statement"]
    mask[dimmed] = False
    item = TimelineItem(look)
    item.set_content(content_of(table, VIEW, mask=mask))
    image = paint_item(item, WIDTH, HEIGHT)
    frame = item.frame
    assert frame is not None
    assert {m.event for m in markers(frame)} == set(range(len(table))) - set(dimmed)
    lane = next(i for i, lp in enumerate(frame.plan.lanes) if len(lp.dim_x))
    lp = frame.plan.lanes[lane]
    assert len(lp.dim_x) == len(dimmed)
    for x in lp.dim_x:
        px, py = frame.dev_x0 + float(x), frame.row_y(lane, 0)
        assert near(colour_at(image, px, py), look.dim, tol=3)
        assert day_x(frame, table.start[dimmed[0]]) <= px <= day_x(frame, table.end[dimmed[0]])
    a = pixels(image)
    assert not matches(a, kind_color("statement", look.is_dark), tol=3).any()


@LOOKS
def test_a_lane_with_more_events_than_room_shows_a_density_strip(qapp, look):
    """Thousands of events in a lane: a strip darker where they are denser, in the muted
    text colour, over the days they fall on and not beyond."""
    rng = np.random.default_rng(7)
    first = to_day("2020-02-01")
    days = np.sort(rng.integers(0, 60, 3000)) + first  # February and March 2020
    events = [Ev(day_iso(int(d)), "exercise", f"Drill {i}") for i, d in enumerate(days)]
    item = item_for(look, events)
    image = paint_item(item, WIDTH, 200)
    frame = item.frame
    assert frame is not None
    lp = frame.plan.lanes[0]
    assert lp.density is not None and int(np.sum(lp.density)) == len(events)
    y = frame.row_y(0, 0)
    row = pixels(image)[int(y)]
    x0, x1 = day_x(frame, first), day_x(frame, first + 60)
    strip = row[int(x0) + 2 : int(x1) - 2]
    band = lane_band(look, "exercise", 0)
    share = tint_share_any(strip, rgb_of(band), rgb_of(look.muted_text))
    assert share.min() > 0.1  # every column with events is shaded
    assert matches(row[: int(x0) - 2], band, tol=1).all()  # none before the first event
    assert matches(row[int(x1) + 6 :], band, tol=1).all()  # nor after the last


def day_iso(day: int) -> str:
    return from_day(float(day)).isoformat()


def tint_share_any(area: np.ndarray, under: np.ndarray, over: np.ndarray) -> np.ndarray:
    """Per pixel, how far it lies from ``under`` toward ``over`` (mean over channels)."""
    flat = area.reshape(-1, 3).astype(np.float64)
    channels = np.abs(over - under) > 40
    return ((flat[:, channels] - under[channels]) / (over - under)[channels]).mean(axis=1)


def test_a_translucent_fill_paints_the_pixels_an_antialiased_rect_does(qapp):
    """Nation lanes' membership tints fill whole pixels without antialiasing and
    antialias only their fractional edges (several times faster): every pixel comes out
    as the one antialiased ``drawRect`` paints, whatever the fractions, on light and
    dark grounds."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QImage, QPainter

    rng = np.random.default_rng(7)
    tint = QColor(LIGHT.member_band)
    tint.setAlphaF(0.12)
    for ground in (LIGHT.background, LIGHT.lane_band, DARK.background):
        for x, y, w, h in [
            (10.0, 10.5, 100.0, 20.25),
            (3.5, 3.5, 0.5, 50.0),
            *rng.uniform((0, 0, 0.3, 0.3), (150, 80, 200, 120), (40, 4)).tolist(),
        ]:
            images = []
            for fill in ("plain", "split"):
                image = QImage(400, 220, QImage.Format.Format_ARGB32_Premultiplied)
                image.fill(QColor(ground))
                p = QPainter(image)
                p.setRenderHint(QPainter.RenderHint.Antialiasing)
                p.setPen(Qt.PenStyle.NoPen)
                if fill == "plain":
                    p.setBrush(tint)
                    p.drawRect(QRectF(x, y, w, h))
                else:
                    fill_translucent(p, QRectF(x, y, w, h), tint)
                p.end()
                images.append(pixels(image))
            assert np.array_equal(*images), (ground, x, y, w, h)
