"""Start-up speed: launch to first frame and ``--screenshot``, runs interleaved.

    python benchmarks/bench_launch.py [--runs 9] [--events 100000] [--against DIR]
        [--skip-launch] [--skip-screenshots]

``bench_timeline.py`` times the bare process and then the app, one block of runs after
the other; on a shared machine a busy minute then lands on one side only. This script
takes the same two programs (``bench_timeline.BARE`` and ``bench_timeline.APP``, not
copies) round-robin, so every figure and its comparison share the machine's moments:

1. launch to first frame on the bundled database against bare PySide6 + pyqtgraph
   showing an empty plot. Target: at most 1.25x the bare process.
2. ``cspo-viewer --screenshot`` at 1600x1000 on ``--events`` synthetic events against
   the bundled database. Target: at most 1.5x.

``--against DIR`` also runs the app from another checkout (say ``git worktree add`` of
the commit before a change) in the same rounds: a before/after in one run.

Every figure is printed twice: wall time, what a person waits, and the process's CPU time
(user + system, from ``wait4``), which a neighbour's load on a shared machine disturbs far
less; compare the two ratios before trusting either.

Each checkout's package is byte-compiled first (``compileall``), as ``pip install`` does
and as a checkout's first run does: where ``PYTHONDONTWRITEBYTECODE`` is set and no
``__pycache__`` exists, every launch would otherwise compile our sources again (about
0.2 s), a cost no installed copy pays and the bare process, whose libraries are compiled,
never pays.
"""

from __future__ import annotations

import argparse
import compileall
import sys
import tempfile
from pathlib import Path

from _common import ROOT, interleaved_times, machine_speed, synthetic_db
from bench_timeline import APP, BARE

PY_ON_PATH = "import sys; sys.path.insert(0, {tree!r})\n"
"""Run a program against the package of one checkout (the app's, or ``--against``'s)."""

CLI = "from cspo_viewer.cli import main\nraise SystemExit(main(sys.argv[1:]))\n"


def trees(against: Path | None) -> dict[str, Path]:
    """The checkouts to time: this one, and ``--against`` when given."""
    found = {"app": ROOT}
    if against is not None:
        found["against"] = against.resolve()
    for tree in found.values():
        compileall.compile_dir(tree / "cspo_viewer", quiet=1)
    return found


def launch(runs: int, against: Path | None) -> None:
    """Launch to first frame, every program in the same rounds."""
    cmds = {"bare": [sys.executable, "-c", BARE]}
    for name, tree in trees(against).items():
        cmds[name] = [sys.executable, "-c", PY_ON_PATH.format(tree=str(tree)) + APP]
    t = interleaved_times(cmds, runs)
    print(f"launch to first frame, bundled database ({runs} interleaved runs, medians):")
    wall, cpu = t["bare"]
    print(f"  bare PySide6+pyqtgraph  wall {wall:6.3f} s  CPU {cpu:6.3f} s")
    for name, tree in trees(against).items():
        w, c = t[name]
        print(
            f"  {name:<8} {tree.name:<14} wall {w:6.3f} s {w / wall:.2f}x bare  "
            f"CPU {c:6.3f} s {c / cpu:.2f}x bare  (target <= 1.25x)"
        )


def screenshots(runs: int, events: int, against: Path | None, out: Path) -> None:
    """``--screenshot`` of the bundled database and of ``events`` events."""
    big = synthetic_db(events)
    cmds = {}
    for name, tree in trees(against).items():
        code = PY_ON_PATH.format(tree=str(tree)) + CLI
        for size, db in (("bundled", ROOT / "db" / "cspo.db"), ("large", big)):
            shot = out / f"{name}-{size}.png"
            cmds[f"{name} {size}"] = [
                sys.executable,
                "-c",
                code,
                "--db",
                str(db),
                "--screenshot",
                str(shot),
                "--size",
                "1600x1000",
            ]
    t = interleaved_times(cmds, runs)
    print(f"--screenshot 1600x1000, whole processes ({runs} interleaved runs, medians):")
    for name, tree in trees(against).items():
        for i, what in enumerate(("wall", "CPU")):
            small, large = t[f"{name} bundled"][i], t[f"{name} large"][i]
            print(
                f"  {name:<8} {tree.name:<14} {what:<4} bundled {small:6.3f} s, "
                f"{events:,} events {large:6.3f} s, {large / small:.2f}x (target <= 1.5x)"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--against", type=Path, help="another checkout, timed in the same runs")
    parser.add_argument("--skip-launch", action="store_true")
    parser.add_argument("--skip-screenshots", action="store_true")
    args = parser.parse_args()
    print(machine_speed())
    if not args.skip_launch:
        launch(args.runs, args.against)
    if not args.skip_screenshots:
        out = Path(tempfile.mkdtemp(prefix="cspo-bench-launch-"))
        screenshots(args.runs, args.events, args.against, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
