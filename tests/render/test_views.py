"""The two briefing views (``render/views.py``) painted straight into an image: the
membership growth chart and the participation matrix, light and dark.

The bundled record's models are built as the window and the export build them; where
things went comes from the geometry each painter returns, colours from the look and the
views' own public colour rules (``member_colour``, ``tint``).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from cspo_viewer.data.filters import EventFilter
from cspo_viewer.layout.membership import MembershipSeries
from cspo_viewer.layout.participation import (
    ASSOCIATE,
    JOINED,
    MEMBER,
    NONE,
    OBSERVER,
    ParticipationMatrix,
)
from cspo_viewer.model.page import ExportData, membership_model, participation_model
from cspo_viewer.render.palette import RenderLook
from cspo_viewer.render.style import kind_color
from cspo_viewer.render.views import (
    MatrixGeometry,
    MembersGeometry,
    member_colour,
    paint_members,
    paint_participation,
    tint,
)
from tests.render_support import LOOKS, colour_at, matches, near, pixels

WIDTH, HEIGHT = 1200, 800
BODY = QRectF(20, 20, WIDTH - 40, HEIGHT - 40)
"""Where the view is painted: inside the image, with a margin it must leave alone."""


@pytest.fixture
def series(qapp, store) -> MembershipSeries:
    return membership_model(ExportData.load(store, EventFilter()))[0]


@pytest.fixture
def matrix(qapp, store) -> ParticipationMatrix:
    data = ExportData.load(store, EventFilter())
    return participation_model(data, membership_model(data)[0])


def paint(look: RenderLook, painter) -> tuple[QImage, object]:
    image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32)
    image.fill(QColor(look.background))
    p = QPainter(image)
    try:
        geometry = painter(p, BODY, look)
    finally:
        p.end()
    return image, geometry


def members_image(series, look) -> tuple[QImage, MembersGeometry]:
    image, geo = paint(look, lambda p, rect, lk: paint_members(p, rect, series, lk, 1.0))
    assert isinstance(geo, MembersGeometry)
    return image, geo


def matrix_image(matrix, look) -> tuple[QImage, MatrixGeometry]:
    image, geo = paint(look, lambda p, rect, lk: paint_participation(p, rect, matrix, lk, 1.0))
    assert isinstance(geo, MatrixGeometry)
    return image, geo


def outside_body_is_background(image: QImage, look: RenderLook) -> bool:
    """Nothing drawn outside ``BODY``, give or take one pixel: a border stroked along
    the body's edge is centred on it, so half its width falls outside."""
    a = pixels(image)
    body = np.zeros(a.shape[:2], dtype=bool)
    r = BODY.adjusted(-1, -1, 1, 1).toAlignedRect()
    body[r.top() : r.bottom() + 1, r.left() : r.right() + 1] = True
    return bool(matches(a[~body], look.background, tol=0).all())


def in_boxes(x: float, y: float, boxes: list[QRectF], pad: float) -> bool:
    return any(box.adjusted(-pad, -pad, pad, pad).contains(x, y) for box in boxes)


# --- membership growth --------------------------------------------------------------------


@LOOKS
def test_each_accession_is_a_dot_on_its_step_named_beside_it(series, look):
    image, geo = members_image(series, look)
    assert len(geo.points) == len(series.accessions) >= 5
    dot = kind_color("membership", look.is_dark)  # the timeline's membership marker
    a = pixels(image)
    for point, (text, box) in zip(geo.points, geo.labels, strict=True):
        assert geo.chart.contains(point)
        assert near(colour_at(image, point.x(), point.y()), dot), text
        assert BODY.contains(box)
        words = a[int(box.top()) : int(box.bottom()), int(box.left()) : int(box.right())]
        assert matches(words, look.text, tol=40).sum() > 2 * len(text), text
    # Counts on the steps rise with each accession.
    ys = [p.y() for p in geo.points]
    assert ys == sorted(ys, reverse=True)
    assert outside_body_is_background(image, look)


@LOOKS
def test_the_steps_are_filled_below_the_curve_and_plain_above_it(series, look):
    image, geo = members_image(series, look)
    a = pixels(image)
    fill = tint(member_colour(look), look.background, 0.12).name()
    line = member_colour(look)
    chart = geo.chart
    labels = [box for _text, box in geo.labels]
    points = geo.points
    checked = 0
    for here, there in itertools.pairwise(points):
        if there.x() - here.x() < 40:
            continue  # accessions in the same month: no flat step between them to look at
        x = int((here.x() + there.x()) / 2)
        level = here.y()
        assert near(colour_at(image, x, level), line, tol=3)  # the step itself
        below = [
            y
            for y in range(int(level) + 4, int(chart.bottom()) - 2)
            if not in_boxes(x, y, labels, 3)
        ]
        above = [
            y for y in range(int(chart.top()) + 2, int(level) - 3) if not in_boxes(x, y, labels, 3)
        ]
        assert matches(a[below, x], fill, tol=2).all(), (x, level)
        plain = matches(a[above, x], look.background, tol=2) | matches(a[above, x], look.grid, 2)
        assert plain.all(), (x, level)
        checked += 1
    assert checked >= 3


@LOOKS
def test_observer_and_associate_years_are_patterned_and_membership_solid(series, look):
    image, geo = members_image(series, look)
    assert geo.strip is not None and geo.bars
    a = pixels(image)
    colour = member_colour(look)
    kinds = set()
    for code, label, bar in geo.bars:
        inner = bar.adjusted(3, 3, -3, -3)
        cells = a[int(inner.top()) : int(inner.bottom()), int(inner.left()) : int(inner.right())]
        share = matches(cells, colour, tol=30).mean()
        kind = label.split(" ", 1)[0]
        kinds.add(kind)
        if kind == "Member":
            assert share > 0.7, (code, label, share)  # solid, the words in white on it
        else:
            assert 0.03 < share < 0.6, (code, label, share)  # lines or dots on background
            assert matches(cells, look.background, tol=30).mean() > 0.3, (code, label)
    assert {"Observer", "Associate", "Member"} <= kinds


# --- participation matrix -----------------------------------------------------------------


def cell_area(a: np.ndarray, geo: MatrixGeometry, r: int, c: int, f0=0.0, f1=1.0) -> np.ndarray:
    """The cell's pixels from ``f0`` to ``f1`` of its width, inside its border and away
    from the count in its middle."""
    cell = geo.cell_rect(r, c)
    x0 = cell.left() + f0 * cell.width() + 3
    x1 = cell.left() + f1 * cell.width() - 3
    y0, y1 = cell.top() + 3, cell.bottom() - 3
    block = a[int(y0) : int(y1), int(x0) : int(x1)]
    h, w = block.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w]
    cx = cell.center().x() - int(x0)
    cy = cell.center().y() - int(y0)
    middle = (np.abs(xs - cx) < cell.width() * 0.25) & (np.abs(ys - cy) < cell.height() * 0.3)
    return block[~middle]


@LOOKS
def test_each_cell_is_filled_by_the_nations_status_that_year(matrix, look):
    image, geo = matrix_image(matrix, look)
    assert (geo.rows, geo.cols) == matrix.status.shape and not geo.message
    a = pixels(image)
    colour = member_colour(look)
    seen = set()
    for r in range(geo.rows):
        for c in range(geo.cols):
            status = int(matrix.status[r, c])
            seen.add(status)
            where = (matrix.codes[r], matrix.years[c], status)
            if status == JOINED:
                f = float(matrix.joined_fraction[r, c])
                if f < 0.75:  # from the join date on: a member
                    after = cell_area(a, geo, r, c, f + 0.02, 1.0)
                    assert matches(after, colour, tol=3).mean() > 0.95, where
                if f > 0.25 and int(matrix.before[r, c]) == NONE:
                    before = cell_area(a, geo, r, c, 0.0, f - 0.02)
                    assert matches(before, look.background, tol=3).mean() > 0.95, where
                continue
            cells = cell_area(a, geo, r, c)
            member = matches(cells, colour, tol=30).mean()
            blank = matches(cells, look.background, tol=30).mean()
            if status == MEMBER:
                assert member > 0.98, where
            elif status == NONE:
                assert blank > 0.98, where
            else:  # associate lines, observer dots: both colours show
                assert 0.03 < member < 0.7 and blank > 0.25, (where, member, blank)
    assert {NONE, MEMBER, JOINED, ASSOCIATE, OBSERVER} <= seen
    assert outside_body_is_background(image, look)


@LOOKS
def test_each_cell_shows_its_count(matrix, look):
    image, geo = matrix_image(matrix, look)
    a = pixels(image)
    for r in range(geo.rows):
        for c in range(geo.cols):
            n = int(matrix.counts[r, c])
            assert geo.texts[(r, c)] == (str(n) if n else "·")
            cell = geo.cell_rect(r, c)
            assert geo.cell_at(cell.center()) == (r, c)
            middle = cell.adjusted(cell.width() * 0.3, cell.height() * 0.25, 0, 0)
            middle.setWidth(cell.width() * 0.4)
            middle.setHeight(cell.height() * 0.5)
            block = a[
                int(middle.top()) : int(middle.bottom()), int(middle.left()) : int(middle.right())
            ]
            status = int(matrix.status[r, c])
            # White on the member fill; elsewhere the count, or a muted dot for none.
            ink = "#ffffff" if status == MEMBER else (look.text if n else look.muted_text)
            assert matches(block, ink, tol=60).sum() >= 2, (r, c, n)
