"""Briefing export speed: whole ``cspo-viewer export`` processes against a bare Qt process
and against the same picture made with matplotlib, all measured in one run.

    python benchmarks/bench_export.py [--runs 7] [--events 10000] [--skip-mpl]

Each figure is the median wall time of ``--runs`` whole processes (after one untimed warm-up
of each), writing a 3840x2160 PNG:

(a) ``python -m cspo_viewer export --out X.png --width 3840 --height 2160 --force`` on the
    bundled database. Targets: at most 1.0 s, and at most 1.5x (b).
(b) a bare process: PySide6 + pyqtgraph rendering an empty ``PlotWidget`` to a PNG of the
    same size (not shown; offscreen platform, as the export uses).
(c) (a) on a synthetic database of ``--events`` events. Target: at most 3 s.
(d) ``benchmarks/mpl_timeline.py``: the same picture (title, lanes per kind, markers,
    labels, membership bars, legend, footer) with matplotlib, for the bundled and the
    synthetic database. Needs matplotlib (``pip install matplotlib``, the ``bench`` extra).
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

BARE = """
import sys
import PySide6
from PySide6 import QtGui, QtWidgets
import pyqtgraph as pg
app = QtWidgets.QApplication([])
w = pg.PlotWidget()
w.resize(3840, 2160)
image = QtGui.QImage(3840, 2160, QtGui.QImage.Format.Format_RGB32)
image.fill(QtGui.QColor("white"))
p = QtGui.QPainter(image)
w.render(p)
p.end()
assert image.save(sys.argv[1])
"""


def seconds(cmd: list[str], runs: int) -> float:
    """Median wall time of ``runs`` runs of ``cmd`` (after one untimed warm-up)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run(cmd, check=True, env=env, capture_output=True)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, env=env, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--skip-mpl", action="store_true")
    args = parser.parse_args()
    runs = max(args.runs, 5)
    py = sys.executable
    out = Path(tempfile.mkdtemp(prefix="cspo-bench-export-"))
    big = synthetic_db(args.events)
    size = ["--width", "3840", "--height", "2160"]
    export = [py, "-m", "cspo_viewer", "export", *size, "--force"]
    mpl = [py, str(ROOT / "benchmarks" / "mpl_timeline.py"), *size]

    bare = seconds([py, "-c", BARE, str(out / "bare.png")], runs)
    small = seconds([*export, "--out", str(out / "export.png")], runs)
    large = seconds([*export, "--db", str(big), "--out", str(out / "export-big.png")], runs)
    print(f"3840x2160 PNG, whole processes, medians of {runs} runs:")
    print(f"  (b) bare PySide6+pyqtgraph empty plot -> PNG   {bare:6.3f} s")
    print(
        f"  (a) cspo-viewer export, bundled data           {small:6.3f} s  "
        f"(target <= 1.0 s; {small / bare:.2f}x bare, target <= 1.5x)"
    )
    print(
        f"  (c) cspo-viewer export, {args.events:,} events        {large:6.3f} s  "
        f"(target <= 3.0 s; {large / bare:.2f}x bare)"
    )
    if args.skip_mpl:
        return 0
    try:
        import matplotlib  # noqa: F401
    except ModuleNotFoundError:
        print("  (d) matplotlib not installed: pip install matplotlib (the bench extra)")
        return 0
    mpl_small = seconds([*mpl, "--out", str(out / "mpl.png")], runs)
    mpl_large = seconds([*mpl, "--db", str(big), "--out", str(out / "mpl-big.png")], runs)
    print(
        f"  (d) matplotlib script, bundled data           {mpl_small:6.3f} s  "
        f"(export is {mpl_small / small:.2f}x faster)"
    )
    print(
        f"  (d) matplotlib script, {args.events:,} events         {mpl_large:6.3f} s  "
        f"(export is {mpl_large / large:.2f}x faster)"
    )
    print(f"  pictures in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
