"""Date-axis layout per frame: ``DayAxis.tickValues`` (``date_ticks`` with the real tick
font's metrics) while panning and zooming, for spans of a week to 2,000 years.

    python benchmarks/bench_axis.py [--runs 2000]

Prints the median and 95th percentile per call in microseconds; a pan step moves the range
by 1% of its span (back and forth over two spans, so new labels keep being measured, then
remembered), a zoom step widens the span by 5% up to four times and starts again.
Target: far below a 16 ms frame (the axis is one of several items redrawn).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pyqtgraph as pg
from PySide6.QtWidgets import QApplication

from cspo_viewer.data.dates import to_day
from cspo_viewer.render.palette import LIGHT
from cspo_viewer.render.plot import TimelinePlot

SPANS = {"week": 7, "year": 365, "CSpO 2011-2025": 15 * 365.25, "2,000 years": 2000 * 365.25}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=2000)
    args = ap.parse_args()
    QApplication.instance() or QApplication([])
    for scale, width in ((1.0, 1600), (3.0, 3840)):
        plot = TimelinePlot(LIGHT.scaled(scale))
        widget = pg.PlotWidget(plotItem=plot)
        widget.resize(width, 600)
        widget.show()
        QApplication.processEvents()
        axis = plot.day_axis
        x0 = to_day("1200-01-01")
        for name, span in SPANS.items():
            for mode in ("pan", "zoom"):
                times, labels = [], 0
                lo, hi = x0, x0 + span
                for _ in range(args.runs):
                    if mode == "pan":  # back and forth over two spans
                        step = span * (0.01 if (len(times) // 200) % 2 == 0 else -0.01)
                        lo, hi = lo + step, hi + step
                    else:
                        hi = lo + (hi - lo) * 1.05
                        if hi - lo > span * 4:
                            hi = lo + span
                    t = time.perf_counter()
                    axis.tickValues(lo, hi, width)
                    times.append(time.perf_counter() - t)
                    labels = max(labels, sum(1 for tk in axis.ticks if tk.text))
                times.sort()
                med = statistics.median(times) * 1e6
                p95 = times[int(len(times) * 0.95)] * 1e6
                print(
                    f"{width} px x{scale:g}  {name:>15} {mode:>4}: median {med:7.0f} us"
                    f"  p95 {p95:7.0f} us  (up to {labels} labels)"
                )
        widget.close()


if __name__ == "__main__":
    main()
