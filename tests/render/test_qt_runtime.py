"""Guards against Qt binding releases that break a long-running timeline.

PySide6 6.12.0 decrements None's reference count on every ``QPainter.setPen`` call; a
timeline that repaints for a while then aborts with "none_dealloc". pyproject.toml keeps
PySide6 below 6.12; this test fails loudly if an allowed release has such a leak.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap


def test_painter_calls_keep_none_refcount(qapp):
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    colour, pen, pixmap = QColor("#336699"), QPen(QColor("#000000")), QPixmap(8, 8)
    calls = [
        lambda: painter.setPen(colour),
        lambda: painter.setPen(pen),
        lambda: painter.setPen(Qt.PenStyle.NoPen),
        lambda: painter.setBrush(colour),
        lambda: painter.drawPixmap(QPointF(1, 1), pixmap),
        lambda: painter.drawText(QPointF(5, 5), "x"),
        lambda: painter.fillRect(QRectF(0, 0, 4, 4), colour),
    ]
    # A leaking binding loses one reference per call (2,000 here); unrelated garbage being
    # freed moves the count by a few dozen at most, so the margin tells them apart.
    gc.disable()
    try:
        for call in calls:
            before = sys.getrefcount(None)
            for _ in range(2000):
                call()
            assert sys.getrefcount(None) > before - 500, call
    finally:
        gc.enable()
        painter.end()
