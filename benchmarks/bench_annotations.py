"""What eras and notes add to a frame: zoom and pan repaints at 100,000 events, without
and with 1,000 annotations.

    python benchmarks/bench_annotations.py [--events 100000] [--annotations 1000]
        [--steps 40] [--cpu]

Two timeline views of the same synthetic database, one drawing no annotation and one
drawing ``--annotations`` of them (a third eras, the rest notes, spread over the data's
years, kept in memory: the cached database is never written), take the same zoom and pan
steps in turn, so a busy shared machine slows both alike. Prints the median synchronous
repaint of each and the difference. Target: at most 2 ms more per frame.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from _common import machine_speed, synthetic_db

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def annotations(count: int, first: float, last: float) -> list:
    """``count`` eras and notes, deterministic, over the days ``first`` to ``last``."""
    from cspo_viewer.data.annotations import Annotation
    from cspo_viewer.data.dates import from_day

    out = []
    span = last - first
    for i in range(count):
        start = first + span * ((i * 7919) % count) / count
        date = from_day(start).isoformat()
        if i % 3 == 0:
            end = from_day(start + 20 + (i % 11) * 30).isoformat()
            out.append(Annotation("era", f"Era {i}", date, end, colour="#8da0cb", id=i + 1))
        else:
            out.append(Annotation("note", f"Note {i}: look again", date, id=i + 1))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--annotations", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--cpu", action="store_true", help="steps in CPU time, not wall time")
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from cspo_viewer.data.store import open_store
    from cspo_viewer.ui.controller import Controller
    from cspo_viewer.ui.timeline_view import TimelineView

    app = QApplication.instance() or QApplication([])
    path = synthetic_db(args.events)
    views = []
    for with_annotations in (False, True):
        controller = Controller(open_store(path))
        table = controller.table
        if with_annotations:
            session = controller.session
            session.annotations = annotations(
                args.annotations, float(table.start.min()), float(table.end.max())
            )
            controller.annotationsChanged.emit()
        view = TimelineView(controller)
        view.resize(1400, 800)
        view.show()
        app.processEvents()
        view.repaint()
        views.append(view)
    drawn = views[1].item.frame.strip
    clock = time.process_time if args.cpu else time.perf_counter
    x0, x1 = views[0].plot.x_range()
    span = x1 - x0

    def ranges():
        for i in range(args.steps):  # zoom steps around several centres
            w = span / 1.25 ** (i % 12)
            c = x0 + span * (0.3 + 0.4 * ((i * 7) % 10) / 10)
            yield c - w / 2, c + w / 2
        for i in range(args.steps):  # pans at a quarter of the span
            w = span / 4
            s = x0 + (span - w) * ((i * 3) % 20) / 20
            yield s, s + w
        for _ in range(args.steps // 2):
            yield x0, x1

    times: list[list[float]] = [[], []]
    for lo, hi in ranges():
        for which, view in enumerate(views):
            view.plot.getViewBox().setXRange(lo, hi, padding=0)
            t0 = clock()
            view.viewport().repaint()
            times[which].append((clock() - t0) * 1000)
    without, with_ = (statistics.median(t) for t in times)
    print(machine_speed())
    print(
        f"{args.events:,} events, frame repaint (median of {len(times[0])} zoom, pan and "
        f"full steps{', CPU time' if args.cpu else ''}): without annotations "
        f"{without:.2f} ms, with {args.annotations:,} ({len(drawn.band_x0)} era bands and "
        f"{len(drawn.tick_x)} note ticks in the full view) {with_:.2f} ms: "
        f"+{with_ - without:.2f} ms (target <= 2 ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
