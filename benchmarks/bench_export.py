"""Briefing export speed: whole ``cspo-viewer export`` processes against a bare Qt process
and against the same picture made with matplotlib, all measured in one run.

    python benchmarks/bench_export.py [--runs 7] [--events 10000] [--skip-mpl] [--skip-pack]

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
(e) the briefing pack against the PNG export of the same data (bundled and synthetic),
    runs interleaved round-robin so a busy moment hits every command alike: the .pptx
    deck, the ``--editable`` deck, ``--view members`` and ``--view participation`` as
    PNG, each at most 2x the PNG (the editable deck of 100,000 events at most 3x); the
    bundled record's ``--event-slides`` deck (its 29 events' slides after the timeline)
    and ``--event-pages`` PDF book, each at most 3 s. ``--pack-only`` runs just (e).
(f) the PNG's zlib level: whole bundled and 100,000-event exports at each level against
    stored pixels (level 0, what the export wrote before), interleaved, with each file's
    size. The level chosen (``PNG_ZLIB_LEVEL``) must be within 1.15x of level 0 on both;
    of those, the lowest: higher levels save a tenth of a megabyte at a cost that comes
    and goes with the machine's load. ``--levels-only`` runs just (f).

Every figure is printed beside the size of the file it wrote.
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

from _common import ROOT, interleaved, machine_speed, synthetic_db

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


AT_LEVEL = """
import sys
from cspo_viewer.export import picture
picture.PNG_ZLIB_LEVEL = int(sys.argv[1])
from cspo_viewer.cli import main
raise SystemExit(main(sys.argv[2:]))
"""
"""An export process with the PNG written at another zlib level (argv[1])."""

LEVELS = (0, 1, 2, 3, 6, 9)
MAX_SLOWER = 1.15


def size_of(path: Path) -> str:
    """ "0.63 MB" """
    return f"{path.stat().st_size / 1e6:6.2f} MB" if path.exists() else "   (none)"


def levels(export: list[str], big: Path, out: Path, runs: int) -> int:
    """(f): the PNG's zlib level from whole processes, every level in the same run."""
    py = sys.executable
    print(f"PNG zlib level, whole processes, medians of {runs} interleaved runs:")
    from cspo_viewer.export.picture import PNG_ZLIB_LEVEL

    for label, db in (("bundled", []), (f"{big.stem}", ["--db", str(big)])):
        cmds = {
            level: [
                py,
                "-c",
                AT_LEVEL,
                str(level),
                *export[3:],
                *db,
                "--out",
                str(out / f"level{level}-{label}.png"),
            ]
            for level in LEVELS
        }
        t = interleaved(cmds, runs)
        for level in LEVELS:
            ratio = t[level] / t[0]
            mark = "  within 1.15x" if ratio <= MAX_SLOWER else "  SLOWER than 1.15x"
            mark += "  <- PNG_ZLIB_LEVEL" if level == PNG_ZLIB_LEVEL else ""
            print(
                f"  {label:<16} level {level}  {t[level]:6.3f} s  {ratio:4.2f}x  "
                f"{size_of(out / f'level{level}-{label}.png')}{mark}"
            )
    return 0


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


PACK_TARGETS = {
    "pptx": ("PPTX deck", 2.0),
    "editable": ("PPTX --editable", 2.0),
    "members": ("members view PNG", 2.0),
    "participation": ("participation PNG", 2.0),
}
"""Each output's name and its target, a multiple of the PNG export's time (same data)."""
SECONDS_TARGETS = {
    "deck30": ("30-slide --event-slides deck", 3.0),
    "book": ("--event-pages PDF book", 3.0),
}


def pack(export: list[str], big: Path, out: Path, runs: int, events: int) -> int:
    """(e): the decks, the views and the briefing book against the PNG export of the same
    data, each time printed beside the size of the file it wrote."""
    print(
        f"briefing pack, whole processes, medians of {runs} interleaved runs ({machine_speed()}):"
    )
    huge = synthetic_db(100_000)
    sets = (
        ("bundled data", [], PACK_TARGETS),
        (f"{events:,} events", ["--db", str(big)], PACK_TARGETS),
        ("100,000 events", ["--db", str(huge)], {"editable": ("PPTX --editable", 3.0)}),
    )
    for label, db, targets in sets:
        tag = label.split()[0].replace(",", "")
        files = {"png": out / f"pack-{tag}.png"}
        cmds = {"png": [*export, *db, "--out", str(files["png"])]}
        for name in targets:
            suffix = "pptx" if name in ("pptx", "editable") else "png"
            files[name] = out / f"{name}-{tag}.{suffix}"
            extra = {
                "editable": ["--editable"],
                "members": ["--view", "members"],
                "participation": ["--view", "participation"],
            }.get(name, [])
            cmds[name] = [*export, *db, *extra, "--out", str(files[name])]
        if not db:
            files["deck30"] = out / "deck30.pptx"
            cmds["deck30"] = [*export, "--event-slides", "--out", str(files["deck30"])]
            files["book"] = out / "book.pdf"
            cmds["book"] = [
                *export,
                "--event-pages",
                "--width",
                "3508",
                "--height",
                "2480",
                "--out",
                str(files["book"]),
            ]
        t = interleaved(cmds, runs)
        png = t["png"]
        print(
            f"  {label}: {'PNG export':<30} {png:6.3f} s  {size_of(files['png'])}"
            f"  (target <= 1 MB bundled, <= 2 MB at 100,000)"
        )
        for name, (what, most) in targets.items():
            print(
                f"  {label}: {what:<30} {t[name]:6.3f} s  {size_of(files[name])}"
                f"  ({t[name] / png:.2f}x PNG, target <= {most:g}x)"
            )
        for name, (what, most) in SECONDS_TARGETS.items():
            if name in t:
                print(
                    f"  {label}: {what:<30} {t[name]:6.3f} s  {size_of(files[name])}"
                    f"  (target <= {most:g} s)"
                )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--skip-mpl", action="store_true")
    parser.add_argument("--pack-only", action="store_true", help="only the briefing pack (e)")
    parser.add_argument("--skip-pack", action="store_true", help="leave out the briefing pack (e)")
    parser.add_argument("--levels-only", action="store_true", help="only the PNG levels (f)")
    args = parser.parse_args()
    runs = max(args.runs, 5)
    py = sys.executable
    out = Path(tempfile.mkdtemp(prefix="cspo-bench-export-"))
    big = synthetic_db(args.events)
    size = ["--width", "3840", "--height", "2160"]
    export = [py, "-m", "cspo_viewer", "export", *size, "--force"]
    mpl = [py, str(ROOT / "benchmarks" / "mpl_timeline.py"), *size]

    if args.pack_only:
        return pack(export, big, out, runs, args.events)
    if args.levels_only:
        return levels(export, synthetic_db(100_000), out, runs)
    bare = seconds([py, "-c", BARE, str(out / "bare.png")], runs)
    small = seconds([*export, "--out", str(out / "export.png")], runs)
    large = seconds([*export, "--db", str(big), "--out", str(out / "export-big.png")], runs)
    print(f"3840x2160 PNG, whole processes, medians of {runs} runs:")
    print(
        f"  (b) bare PySide6+pyqtgraph empty plot -> PNG   {bare:6.3f} s  "
        f"{size_of(out / 'bare.png')}"
    )
    print(
        f"  (a) cspo-viewer export, bundled data           {small:6.3f} s  "
        f"{size_of(out / 'export.png')}  "
        f"(target <= 1.0 s; {small / bare:.2f}x bare, target <= 1.5x)"
    )
    print(
        f"  (c) cspo-viewer export, {args.events:,} events        {large:6.3f} s  "
        f"{size_of(out / 'export-big.png')}  "
        f"(target <= 3.0 s; {large / bare:.2f}x bare, {large / small:.2f}x bundled)"
    )
    if not args.skip_pack:
        pack(export, big, out, runs, args.events)
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
        f"{size_of(out / 'mpl.png')}  "
        f"(export is {mpl_small / small:.2f}x faster)"
    )
    print(
        f"  (d) matplotlib script, {args.events:,} events         {mpl_large:6.3f} s  "
        f"{size_of(out / 'mpl-big.png')}  "
        f"(export is {mpl_large / large:.2f}x faster)"
    )
    print(f"  pictures in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
