"""Timeline speed: launch to first frame, initial draw and zoom/pan redraws.

    python benchmarks/bench_timeline.py [--sizes 10000,100000] [--runs 5]
        [--group-by kind,nation,theme] [--skip-launch] [--skip-screenshots] [--cpu]

1. Launch to first painted timeline on the bundled database, as a whole process, against a
   bare PySide6 process that imports pyqtgraph and shows an empty plot (same run, medians).
   Target: at most 1.25x the bare process.
2. For synthetic databases: initial draw (load the events, build the window's timeline,
   paint it once) and a zoom or pan step's synchronous repaint (median of many steps).
   Targets: 0.3 s and 8 ms (half a 60 Hz frame). Every step moves the view, so each
   frame lays the timeline out again (a repaint of an unchanged view reuses the layout:
   the fully zoomed-out steps nudge the range by a hair). ``--group-by`` measures each grouping
   given (lanes by kind by default; nation and theme lanes hold an event once per tag).
   ``--cpu`` times the steps in this process's CPU time instead of wall time: on a
   machine shared with other work, wall-clock medians of the same code vary by 2x.
3. ``cspo-viewer --screenshot`` as a whole process, on the bundled database and on the
   largest synthetic one. Target: at most 1.5x the bundled one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, synthetic_db

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BARE = """
import PySide6
from PySide6 import QtWidgets, QtCore
import pyqtgraph as pg
app = QtWidgets.QApplication([])
w = pg.PlotWidget(); w.resize(1600, 1000); w.show()
QtCore.QTimer.singleShot(0, app.quit)
app.exec()
w.grab()
"""

APP = """
import PySide6
from PySide6 import QtWidgets, QtCore
app = QtWidgets.QApplication([])
from cspo_viewer.data.store import open_store
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.main_window import MainWindow
from cspo_viewer import paths
w = MainWindow(Controller(open_store(paths.bundled_db_path())), None, remember=False)
w.resize(1600, 1000); w.show()
QtCore.QTimer.singleShot(0, app.quit)
app.exec()
w.grab()
assert w.timeline.item.frame is not None  # the timeline has painted
"""


def process_seconds(code: str, runs: int) -> float:
    times = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def launch(runs: int) -> None:
    process_seconds(BARE, 1)  # warm the file cache for both
    process_seconds(APP, 1)
    bare = process_seconds(BARE, runs)
    app = process_seconds(APP, runs)
    print(
        f"launch to first frame (bundled, {runs} runs, median): app {app:.3f} s, "
        f"bare PySide6+pyqtgraph {bare:.3f} s, ratio {app / bare:.2f}x (target <= 1.25x)"
    )


def draw_and_steps(n: int, steps: int, grouping: str = "kind", cpu: bool = False) -> None:
    from PySide6.QtWidgets import QApplication

    from cspo_viewer.data.store import open_store
    from cspo_viewer.ui.controller import Controller
    from cspo_viewer.ui.timeline_view import TimelineView

    app = QApplication.instance() or QApplication([])
    path = synthetic_db(n)
    inits = []
    for _ in range(3):
        t0 = time.perf_counter()
        controller = Controller(open_store(path))
        controller.set_grouping(grouping)
        view = TimelineView(controller)
        view.resize(1400, 800)
        view.show()
        app.processEvents()
        view.repaint()
        inits.append(time.perf_counter() - t0)
    vb = view.plot.getViewBox()
    x0, x1 = view.plot.x_range()
    span = x1 - x0

    clock = time.process_time if cpu else time.perf_counter

    def timed(step) -> float:
        step()
        t0 = clock()
        view.viewport().repaint()
        return (clock() - t0) * 1000

    zoom, pan = [], []
    for i in range(steps):
        factor = 1.25 ** (i % 12)
        w = span / factor
        c = x0 + span * (0.3 + 0.4 * ((i * 7) % 10) / 10)
        zoom.append(timed(lambda c=c, w=w: vb.setXRange(c - w / 2, c + w / 2, padding=0)))
    for i in range(steps):
        w = span / 4
        s = x0 + (span - w) * ((i * 3) % 20) / 20
        pan.append(timed(lambda s=s, w=w: vb.setXRange(s, s + w, padding=0)))
    # Weeks to months in view: lanes hold a few hundred events each, too many to name
    # and too few for a density strip (the layout's busiest case).
    months = []
    for i in range(steps):
        w = 30.0 + 30.0 * (i % 3)
        s = x0 + (span - w) * ((i * 7) % 20) / 20
        months.append(timed(lambda s=s, w=w: vb.setXRange(s, s + w, padding=0)))
    vb.setXRange(x0, x1, padding=0)
    nudge = span * 1e-6  # a new view each step (an unchanged one keeps its layout)
    full = [
        timed(lambda i=i: vb.setXRange(x0, x1 + nudge * (i % 2 + 1), padding=0))
        for i in range(steps // 2)
    ]
    print(
        f"{n:>7,} events by {grouping}: initial draw {statistics.median(inits):.3f} s "
        f"(target 0.3 s); "
        f"zoom step {statistics.median(zoom):.1f} ms, pan step {statistics.median(pan):.1f} "
        f"ms, 30-90 days in view {statistics.median(months):.1f} ms, fully zoomed out "
        f"{statistics.median(full):.1f} ms (target 8 ms, medians of {steps}"
        f"{', CPU time' if cpu else ''})"
    )


def screenshots(n: int, runs: int) -> None:
    out = Path(tempfile.mkdtemp()) / "shot.png"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}

    def timed(db: Path) -> float:
        cmd = [
            sys.executable,
            "-m",
            "cspo_viewer",
            "--db",
            str(db),
            "--screenshot",
            str(out),
            "--size",
            "1600x1000",
        ]
        times = []
        for _ in range(runs + 1):  # the first run warms the file cache
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, env=env, capture_output=True)
            times.append(time.perf_counter() - t0)
        return statistics.median(times[1:])

    bundled = timed(ROOT / "db" / "cspo.db")
    large = timed(synthetic_db(n))
    print(
        f"--screenshot whole process ({runs} runs, median): bundled {bundled:.3f} s, "
        f"{n:,} events {large:.3f} s, ratio {large / bundled:.2f}x (target <= 1.5x)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--group-by", default="kind", help="groupings, comma-separated")
    parser.add_argument("--skip-launch", action="store_true")
    parser.add_argument("--skip-screenshots", action="store_true")
    parser.add_argument("--cpu", action="store_true", help="steps in CPU time, not wall time")
    args = parser.parse_args()
    if not args.skip_launch:
        launch(args.runs)
    sizes = [int(n) for n in args.sizes.split(",")]
    for grouping in args.group_by.split(","):
        for n in sizes:
            draw_and_steps(n, args.steps, grouping, args.cpu)
    if not args.skip_screenshots:
        screenshots(max(sizes), args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
