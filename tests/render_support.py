"""Helpers for the direct render tests: small timelines built by hand, painted into a
``QImage`` of known size, and colours read back from it.

Expected places come from the layout's own results (the plan the item drew, its
``Frame``, ``lane_top``) and expected colours from the look and the kind style, so the
tests say what a reader sees without restating how the painter works.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsScene

from cspo_viewer.data.annotations import Annotation
from cspo_viewer.data.dates import to_day
from cspo_viewer.data.records import Nation
from cspo_viewer.data.table import PRECISION_CODES, EventTable
from cspo_viewer.layout import TimelineContent, build_content
from cspo_viewer.render.palette import DARK, LIGHT, RenderLook
from cspo_viewer.render.style import KIND_STYLE
from cspo_viewer.render.timeline_item import Frame, TimelineItem

LOOKS = pytest.mark.parametrize("look", [LIGHT, DARK], ids=["light", "dark"])
"""Run a test in the light and the dark look."""

KINDS = tuple(KIND_STYLE)
"""The kinds a hand-made table knows: every kind the style draws."""


@dataclass(frozen=True)
class Ev:
    """One hand-made event: its first day, kind and label; ``month`` makes it an event
    known only to its month (drawn with a bar over that month)."""

    day: str
    kind: str
    label: str
    month: bool = False


def month_after(iso: str) -> str:
    """The first day of the month after ``iso``'s."""
    year, month = int(iso[:4]), int(iso[5:7])
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}-01"


def table_of(events: Sequence[Ev]) -> EventTable:
    """An event table holding ``events`` in date order (rows as the store sorts them)."""
    events = sorted(events, key=lambda e: e.day)
    n = len(events)
    start = np.array([to_day(e.day) for e in events], dtype=np.float64)
    end = np.array(
        [to_day(month_after(e.day)) if e.month else to_day(e.day) + 1 for e in events],
        dtype=np.float64,
    )
    precision = [PRECISION_CODES["month" if e.month else "day"] for e in events]
    return EventTable(
        rowid=np.arange(1, n + 1),
        ids=np.array([f"ev-{i}" for i in range(n)], dtype=object),
        start=start,
        end=end,
        precision=np.array(precision, dtype=np.int8),
        kind=np.array([KINDS.index(e.kind) for e in events], dtype=np.int16),
        kinds=KINDS,
        labels=np.array([e.label for e in events], dtype=object),
    )


def day_view(first: str, width_px: int, px_per_day: float) -> tuple[float, float]:
    """A day range ``width_px`` wide at ``px_per_day`` that puts the middle of each whole
    day's first pixel on a pixel centre, so a one-pixel line at a day covers one column
    whole instead of two columns by half (antialiasing would halve its colour)."""
    x0 = to_day(first) - 0.5 / px_per_day
    return x0, x0 + width_px / px_per_day


def content_of(
    table: EventTable,
    x_range: tuple[float, float],
    *,
    nations: Sequence[Nation] = (),
    annotations: Sequence[Annotation] = (),
    mask: np.ndarray | None = None,
) -> TimelineContent:
    """Lanes by kind (as the window builds them), shown and fitted over ``x_range``
    exactly. ``mask``: the events the filter matches (default all); the others stay in
    their lanes, dimmed, as the window's "dim" mode keeps them."""
    content = build_content(
        table,
        table.all if mask is None else mask,
        "kind",
        [(k, k.title()) for k in KINDS],
        nations,
        [],
        keep_dimmed=mask is not None,
        annotations=annotations,
    )
    return replace(content, x_range=x_range, fit_range=x_range)


def lane_band(look: RenderLook, key: str, lane: int) -> str:
    """What a lane is drawn on: lanes alternate the look's first two bands; the related
    (Olympic Defender) lane has its own."""
    background, alternate, related = look.bands
    if key == "related":
        return related
    return alternate if lane % 2 else background


def paint_item(item: TimelineItem, width: int, height: int) -> QImage:
    """``item``'s content painted into a ``width`` x ``height`` ARGB32 image filled with
    its look's background: the content's day range across the width, all its rows down
    the height, as a view of that size shows them."""
    content_range = item.boundingRect()
    item.allot_rows(width, height)
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor(item.look.background))
    scene = QGraphicsScene()
    scene.addItem(item)
    source = QRectF(content_range.left(), 0.0, content_range.width(), item.total_height)
    p = QPainter(image)
    try:
        scene.render(p, QRectF(0, 0, width, height), source, Qt.AspectRatioMode.IgnoreAspectRatio)
    finally:
        p.end()
        scene.removeItem(item)
    return image


@dataclass(frozen=True)
class Drawn:
    """One marker as the last paint placed it, in image pixels."""

    lane: int
    row: int
    event: int
    x: float
    y: float


def markers(frame: Frame) -> Iterator[Drawn]:
    """Every marker in the lanes' rows of the last paint."""
    for lane, lp in enumerate(frame.plan.lanes):
        for x, row, ev in zip(lp.marker_x, lp.marker_row, lp.marker_event, strict=True):
            yield Drawn(lane, int(row), int(ev), frame.dev_x0 + float(x), frame.row_y(lane, row))


def day_x(frame: Frame, day: float) -> float:
    """Image x of ``day`` in the last paint."""
    return frame.dev_x0 + float(frame.plan.viewport.to_px(day))


def colour_at(image: QImage, x: float, y: float) -> QColor:
    """The pixel that holds the point (``x``, ``y``)."""
    return image.pixelColor(int(np.floor(x)), int(np.floor(y)))


def distance(a: QColor | str, b: QColor | str) -> int:
    """The largest difference of one channel between two colours (0 to 255)."""
    a, b = QColor(a), QColor(b)
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue()))


def near(a: QColor | str, b: QColor | str, tol: int = 3) -> bool:
    return distance(a, b) <= tol


def pixels(image: QImage) -> np.ndarray:
    """(height, width, 3) RGB as int16, for counting colours in an area."""
    img = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = img.width(), img.height(), img.bytesPerLine()
    raw = np.frombuffer(img.constBits(), dtype=np.uint8, count=stride * h)
    return raw.reshape(h, stride)[:, : w * 3].reshape(h, w, 3).astype(np.int16)


def rgb(colour: str | QColor) -> np.ndarray:
    c = QColor(colour)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.int16)


def matches(area: np.ndarray, colour: str | QColor, tol: int = 3) -> np.ndarray:
    """Which pixels of ``area`` (from ``pixels``) are ``colour``, within ``tol``."""
    return np.abs(area - rgb(colour)).max(axis=-1) <= tol
