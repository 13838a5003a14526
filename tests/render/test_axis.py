"""The real date axis, drawn: its tick texts never overlap in the real font, in the window
(a view, cached picture) and in the headless export (a scene painted straight onto the
image, fonts scaled 3x for a 4K slide). The texts are captured from pyqtgraph's own draw
specs, so what is checked is what is painted."""

from __future__ import annotations

import itertools
import re

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter

from cspo_viewer.data.dates import to_day
from cspo_viewer.render.palette import LIGHT
from cspo_viewer.render.plot import TimelinePlot

RECORD_1815 = ("1815-01-01", "1985-12-31")
CSPO = ("2014-01-01", "2024-12-31")


def spy_on_texts(axis) -> list:
    """Record the (rect, flags, text) specs of every draw of ``axis``."""
    drawn: list = []
    generate = axis.generateDrawSpecs

    def recording(p):
        specs = generate(p)
        if specs is not None:
            drawn.append([(QRectF(r), t) for r, _, t in specs[2] if t])
        return specs

    axis.generateDrawSpecs = recording
    return drawn


def export_like(width: int, height: int, scale: float, span) -> tuple[TimelinePlot, list]:
    """The plot laid out in a scene without a view and painted 1:1, as the export does."""
    plot = TimelinePlot(LIGHT.scaled(scale))
    scene = pg.GraphicsScene()
    scene.addItem(plot)
    size = QRectF(0, 0, width, height)
    scene.setSceneRect(size)
    plot.setGeometry(size)
    plot.layout.activate()
    drawn = spy_on_texts(plot.day_axis)
    plot.getViewBox().setXRange(to_day(span[0]), to_day(span[1]), padding=0)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    scene.render(p, size, size)
    p.end()
    scene.removeItem(plot)
    assert drawn, "the axis was painted"
    return plot, drawn[-1]


def assert_readable(plot: TimelinePlot, texts: list) -> None:
    """At least two labels; no two closer than the axis's gap, neither by the rects
    pyqtgraph drew them in nor by the ink of the real font; exactly the laid-out labels."""
    axis = plot.day_axis
    assert len(texts) >= 2
    assert [t for _, t in texts] == [t.text for t in axis.ticks if t.text]
    metrics = QFontMetricsF(axis.style["tickFont"])
    gap = axis.label_gap()
    assert gap >= metrics.height() * 0.5
    rects = sorted((r.left(), r.right(), t) for r, t in texts)
    for (_, r1, a), (l2, _, b) in itertools.pairwise(rects):
        assert l2 - r1 >= gap - 0.01, f"{a!r} and {b!r} {l2 - r1:.1f} px apart"
    ink = []
    for r, t in texts:
        box = metrics.tightBoundingRect(t)
        left = r.center().x() - metrics.horizontalAdvance(t) / 2 + box.left()
        ink.append((left, left + box.width(), t))
    for (_, r1, a), (l2, _, b) in itertools.pairwise(sorted(ink)):
        assert l2 > r1 + gap / 2, f"ink of {a!r} and {b!r} {l2 - r1:.1f} px apart"


def years_of(texts) -> list[int]:
    return [int(t) for _, t in texts]


@pytest.mark.parametrize("scale, width, height", [(1.0, 1600, 500), (3.0, 3840, 1500)])
def test_a_two_century_record_draws_separate_years(qapp, scale, width, height):
    plot, texts = export_like(width, height, scale, RECORD_1815)
    assert_readable(plot, texts)
    years = years_of(texts)
    steps = {b - a for a, b in itertools.pairwise(years)}
    assert len(steps) == 1 and steps <= {5, 10, 20, 25}, years
    assert years[0] - 1815 < 2 * steps.pop() and 1985 - years[-1] < 50


@pytest.mark.parametrize("scale, width, height", [(1.0, 1600, 500), (3.0, 3840, 1500)])
def test_the_cspo_decade_is_named_year_by_year(qapp, scale, width, height):
    plot, texts = export_like(width, height, scale, CSPO)
    assert_readable(plot, texts)
    named = {t for _, t in texts}
    for y in range(2015, 2025):
        assert str(y) in named or f"Jan {y}" in named, (y, sorted(named))


def test_the_window_draws_what_was_laid_out(qtbot):
    """In the window (a view, pyqtgraph's cached picture) at 1600 px, both spans."""
    plot = TimelinePlot(LIGHT)
    widget = pg.PlotWidget(plotItem=plot)
    qtbot.addWidget(widget)
    widget.resize(1600, 500)
    widget.show()
    qtbot.waitExposed(widget)
    drawn = spy_on_texts(plot.day_axis)
    for span in (RECORD_1815, CSPO):
        drawn.clear()
        plot.getViewBox().setXRange(to_day(span[0]), to_day(span[1]), padding=0)
        widget.grab()
        assert drawn, "the axis was painted"
        assert plot.day_axis.mapRectFromParent(plot.day_axis.geometry()).width() > 1300
        assert_readable(plot, drawn[-1])
    widget.close()


def test_zooming_the_window_in_keeps_every_year_readable(qtbot, open_window, bundled_db):
    """The analyst's way in: the main window on the bundled record, Zoom in pressed
    (toolbar action) from the whole 2011-2025 range down to days, then right arrow to walk
    events. At every step the axis draws exactly its layout, no two labels closer than the
    gap, and the first label (or the second, then a 1 January) names the year."""
    from PySide6.QtCore import Qt

    window = open_window(bundled_db, show=False)
    plot = window.timeline.plot
    drawn = spy_on_texts(plot.day_axis)
    window.show()
    qtbot.waitExposed(window)
    seen_spans = []

    def check_frame() -> None:
        window.timeline.grab()  # paints; the axis re-lays out whenever the range moved
        assert drawn, "the axis was painted"
        texts = drawn[-1]
        assert_readable(plot, texts)
        first, second = (t for _, t in texts[:2])
        year = re.compile(r"20[12]\d")  # the record's years, 2011-2025
        assert year.fullmatch(first.split()[-1]) or year.fullmatch(second), texts[:2]
        x0, x1 = plot.x_range()
        seen_spans.append(x1 - x0)

    check_frame()
    for _ in range(30):
        window.act_zoom_in.trigger()
        check_frame()
    window.timeline.setFocus()
    for _ in range(6):
        qtbot.keyClick(window.timeline, Qt.Key.Key_Right)
        check_frame()
    assert max(seen_spans) > 12 * 365 and min(seen_spans) < 15
    window.close()
