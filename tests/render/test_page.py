"""The briefing page painter (``render/page.py``'s ``paint_page``, what every export
calls) painted straight into an image: its size, its marking and title, its margins,
and the timeline's markers and grid on it.

The bundled record is laid out as the export lays it out (``build_page``); where things
went comes from the ``ExportLayout`` the painter returns and the timeline's ``Frame``,
colours from the look. Images are ARGB32, filled first with a colour the page never uses,
so a pixel the painter left alone shows.
"""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from cspo_viewer.data.filters import EventFilter
from cspo_viewer.model.options import PRESETS, VIEWS, ExportOptions
from cspo_viewer.model.page import ExportData, PageModel, build_page
from cspo_viewer.render.page import ExportLayout, paint_page
from cspo_viewer.render.palette import blend, look
from cspo_viewer.render.style import kind_color
from tests.render_support import (
    colour_at,
    distance,
    lane_band,
    markers,
    matches,
    near,
    pixels,
)

UNPAINTED = "#ff00ff"
"""What the image holds before painting: no part of a page is this magenta."""
DAY = date(2025, 1, 15)
THEMES = pytest.mark.parametrize("theme", ["light", "dark"])


@pytest.fixture
def record(qapp, store) -> ExportData:
    """Every event of the bundled record."""
    return ExportData.load(store, EventFilter())


def painted(page: PageModel, extra: int = 0) -> tuple[QImage, ExportLayout]:
    """``page`` painted by the export's painter into an image ``extra`` pixels larger
    than the page each way, filled with ``UNPAINTED`` first."""
    options = page.options
    image = QImage(options.width + extra, options.height + extra, QImage.Format.Format_ARGB32)
    image.fill(QColor(UNPAINTED))
    p = QPainter(image)
    try:
        layout = paint_page(p, page)
    finally:
        p.end()
    return image, layout


def area(a: np.ndarray, rect: QRectF) -> np.ndarray:
    r = rect.toAlignedRect()
    return a[max(r.top(), 0) : r.bottom() + 1, max(r.left(), 0) : r.right() + 1]


SIZES = [(w, h) for _name, w, h in PRESETS] + [(1280, 720), (800, 1000)]
"""The dialog's presets, the size the page furniture is designed at, and a portrait."""


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_picture_is_exactly_the_size_asked_for(record, width, height):
    options = ExportOptions(width, height, marking="OFFICIAL", generated=DAY)
    page = build_page(record, options)
    image, layout = painted(page, extra=24)
    assert (layout.width, layout.height) == (width, height)
    assert layout.scale == options.scale
    a = pixels(image)
    unpainted = matches(a, UNPAINTED, tol=0)
    assert not unpainted[:height, :width].any()  # every pixel of the page is painted ...
    assert unpainted[height:, :].all() and unpainted[:, width:].all()  # ... and none beyond
    # The page's parts lie inside it.
    for rect in (layout.plot, layout.footer, layout.title, *layout.banners):
        assert rect is not None
        assert QRectF(0, 0, width, height).contains(rect), rect


@THEMES
def test_the_marking_bands_and_the_title_are_drawn_where_the_layout_says(record, theme):
    options = ExportOptions(
        1920, 1080, marking="OFFICIAL", title="Space partners", theme=theme, generated=DAY
    )
    image, layout = painted(build_page(record, options))
    a = pixels(image)
    background = layout.background
    assert background == look(theme).background
    for band in layout.banners:
        cells = area(a, band)
        n = cells.shape[0] * cells.shape[1]
        assert matches(cells, layout.banner_colour, tol=2).sum() > 0.8 * n
        assert matches(cells, layout.banner_text_colour, tol=40).sum() > 0.005 * n  # words
        assert distance(layout.banner_colour, background) > 100  # a band that stands out
    assert layout.title is not None and layout.title_text == "Space partners"
    title = area(a, layout.title)
    n = title.shape[0] * title.shape[1]
    assert 0.05 * n < (~matches(title, background, tol=8)).sum() < 0.6 * n
    assert matches(title, look(theme).text, tol=30).sum() > 0.02 * n  # in the text colour
    assert layout.title.top() >= layout.banners[0].bottom()  # under the top band
    # The footer's words are drawn too.
    footer = area(a, layout.footer)
    assert (~matches(footer, background, tol=8)).sum() > 0.02 * footer.size / 3


@THEMES
@pytest.mark.parametrize("view", VIEWS)
def test_the_margins_are_background(record, theme, view):
    """Whatever the body holds (the timeline or a view), nothing strays into the
    margins round it."""
    options = ExportOptions(1920, 1080, marking="OFFICIAL", theme=theme, view=view, generated=DAY)
    image, layout = painted(build_page(record, options))
    a = pixels(image)
    background = layout.background
    top, bottom = layout.banners[0].bottom(), layout.banners[1].top()
    parts = [layout.plot, layout.footer, layout.title, layout.subtitle, layout.key]
    parts += [layout.sources] + [e.swatch for e in layout.legend] + [e.text for e in layout.legend]
    drawn = [r for r in parts if r is not None and not r.isEmpty()]
    left = min(r.left() for r in drawn)
    right = max(r.right() for r in drawn)
    first = min(r.top() for r in drawn)
    last = max(r.bottom() for r in drawn)
    assert left > 4 and right < layout.width - 4  # there are margins to look at
    inner = a[int(top) + 1 : int(bottom) - 1]
    assert matches(inner[:, : int(left) - 1], background, tol=0).all()  # left margin
    assert matches(inner[:, int(right) + 2 :], background, tol=0).all()  # right margin
    assert matches(a[int(top) + 1 : int(first) - 1], background, tol=0).all()  # under the band
    assert matches(a[int(last) + 2 : int(bottom) - 1], background, tol=0).all()  # above it


@THEMES
def test_the_timelines_markers_on_the_page_have_their_kinds_colours(record, theme):
    image, layout = painted(build_page(record, ExportOptions(1920, 1080, theme=theme)))
    assert layout.timeline is not None
    frame = layout.timeline.frame
    table = record.table
    drawn = list(markers(frame))
    assert len(drawn) >= 0.5 * layout.events_shown  # most events have a marker of their own
    dark = look(theme).is_dark
    for m in drawn:
        assert layout.plot.contains(m.x, m.y), m
        kind = table.kinds[table.kind[m.event]]
        assert near(colour_at(image, m.x, m.y), kind_color(kind, dark)), (kind, m)


@THEMES
def test_grid_lines_run_down_the_lanes_at_the_date_axis_labelled_ticks(record, theme):
    image, layout = painted(build_page(record, ExportOptions(1920, 1080, theme=theme)))
    geometry = layout.timeline
    assert geometry is not None and len(geometry.ticks) >= 3
    lk = look(theme)
    a = pixels(image)
    lanes = geometry.lanes
    height = sum(bottom - top for _k, _t, top, bottom in lanes)

    def grid_share(x: int) -> float:
        """The share of the lanes' height at column ``x`` in the grid's colour over the
        lane's band."""
        hits = 0
        for lane, (key, _title, top, bottom) in enumerate(lanes):
            grid = blend(lk.grid, lane_band(lk, key, lane), lk.grid_alpha)
            hits += int(matches(a[int(top) + 1 : int(bottom) - 1, x], grid, tol=2).sum())
        return hits / height

    xs = [x for x, _text in geometry.ticks]
    for x in xs:
        best = max(grid_share(int(x) + d) for d in (-1, 0, 1))
        assert best > 0.3, (x, best)
    for x0, x1 in itertools.pairwise(xs):
        middle = int((x0 + x1) / 2)
        assert grid_share(middle) < 0.05, (x0, x1)
