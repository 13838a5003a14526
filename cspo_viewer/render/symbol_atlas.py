"""Many small pixmaps drawn in one ``QPainter`` call: every marker of a lane, whatever
its kind, colour, size or ring.

Each distinct pixmap (a kind's marker at a size, with or without the selection ring)
is rendered once into one atlas pixmap, and a frame's markers become rows of a numpy
array of ``QPainter.PixmapFragment`` (centre, source rect, scale, rotation, opacity)
drawn with one ``drawPixmapFragments`` call, as pyqtgraph's ``ScatterPlotItem`` does
with its ``SymbolAtlas``. Drawn in the array's order, markers overlap as they did one
``drawPixmap`` at a time; thousands of markers cost one call instead of thousands.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import cast

import numpy as np
import shiboken6
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainter, QPixmap

FRAGMENT_FIELDS = 10
"""A ``QPainter::PixmapFragment``: x, y (its centre), sourceLeft, sourceTop, width,
height, scaleX, scaleY, rotation, opacity, each a C double."""


class SymbolAtlas:
    """Pixmaps side by side in one pixmap, each found again by its key."""

    def __init__(self) -> None:
        self._parts: dict[Hashable, QPixmap] = {}
        self._rects: dict[Hashable, tuple[int, int, int, int]] = {}
        self._pixmap: QPixmap | None = None

    def index(self, key: Hashable, render: Callable[[], QPixmap]) -> tuple[int, int, int, int]:
        """The source rect (left, top, width, height) of ``key``'s pixmap in the atlas;
        ``render`` makes it the first time the key is asked for."""
        rect = self._rects.get(key)
        if rect is None:
            part = render()
            left = sum(p.width() + 1 for p in self._parts.values())
            self._parts[key] = part
            rect = self._rects[key] = (left, 0, part.width(), part.height())
            self._pixmap = None  # packed again on the next draw
        return rect

    @property
    def pixmap(self) -> QPixmap:
        """The atlas: every pixmap asked for so far, left to right, a pixel apart."""
        if self._pixmap is None:
            width = max(sum(p.width() + 1 for p in self._parts.values()), 1)
            height = max((p.height() for p in self._parts.values()), default=1)
            atlas = QPixmap(width, height)
            atlas.fill(Qt.GlobalColor.transparent)
            painter = QPainter(atlas)
            for part, (left, top, _, _) in zip(
                self._parts.values(), self._rects.values(), strict=True
            ):
                painter.drawPixmap(QPointF(left, top), part)
            painter.end()
            self._pixmap = atlas
        return self._pixmap

    def draw(self, p: QPainter, x: np.ndarray, y: np.ndarray, rects: np.ndarray) -> None:
        """Draw the atlas pixmaps ``rects`` (n x 4: left, top, width, height) centred on
        (``x``, ``y``) in device pixels, in that order, with one call."""
        n = len(x)
        if not n:
            return
        fragments = np.empty((n, FRAGMENT_FIELDS), dtype=np.float64)
        fragments[:, 0], fragments[:, 1] = x, y
        fragments[:, 2:6] = rects
        fragments[:, 6:] = (1.0, 1.0, 0.0, 1.0)  # no scale, no rotation, opaque
        # PySide takes the first of a C array of fragments and their count.
        first = cast(
            QPainter.PixmapFragment,
            shiboken6.wrapInstance(fragments.ctypes.data, QPainter.PixmapFragment),
        )
        p.drawPixmapFragments(first, n, self.pixmap)
