"""From a click on a nation checkbox to the repainted timeline, list and counts.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_filter.py [--sizes 10000,100000]

Issue 4's target: at most 50 ms median at 10,000 events and 200 ms at 100,000. A "click"
is the panel's Japan box (``nation:JPN``) clicked, ticking Japan (the direction that
queries; unticking the only nation needs no SQL); "done"
is after the controller's new mask, the panel's counts, the chips, the event list and a
forced synchronous repaint of the main window's timeline (``timeline.repaint()`` then
``processEvents()``). Without a main window yet, the panel, chips and event list (where
they exist) are shown and their events processed instead.

Also printed, to show where the time goes: the mask query alone, the panel's counts
(numpy over the table, ``data.facets``), the same click with a
busy filter (theme, two kinds, a date range: counts then need two more masks; "cold" on
a first click, before the panel has cached them; "events shown" is the same click until the
timeline and list are painted, the counts following), one
keystroke in the search box (debounced) and a search applied with Enter.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from _common import ROOT, median_ms, synthetic_db
from PySide6.QtCore import Qt, QtMsgType, qInstallMessageHandler
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from cspo_viewer.data.filters import EventFilter
from cspo_viewer.data.store import open_store
from cspo_viewer.data.table import matching_mask
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.filter_chips import FilterChips
from cspo_viewer.ui.filter_panel import FilterPanel
from tests.filter_panel_support import counts_pending, nation_checkbox

BUSY = EventFilter(
    themes=("deterrence",),
    kinds=("statement", "exercise"),
    date_from="2016-01-01",
    date_to="2023-12-31",
)


class Harness:
    """The widgets a click has to update, in a window shown on the offscreen platform."""

    def __init__(self, app: QApplication, controller: Controller) -> None:
        self.app = app
        self.controller = controller
        self.window: QWidget | None = None
        self.timeline: QWidget | None = None
        self.what = "panel + chips"
        try:
            from cspo_viewer.ui.main_window import MainWindow
        except ImportError as exc:
            self.note = f"no main window ({exc})"
        else:
            self.window = MainWindow(controller)
            self.panel: FilterPanel = self.window.filter_panel
            self.timeline = self.window.timeline
            self.what = "main window"
            self.note = ""
        if self.window is None:
            self.window = QWidget()
            layout = QVBoxLayout(self.window)
            self.panel = FilterPanel()
            self.panel.bind(controller)
            chips = FilterChips()
            chips.bind(controller)
            layout.addWidget(chips)
            layout.addWidget(self.panel)
            try:
                from cspo_viewer.ui.event_list import EventList
            except ImportError:
                pass
            else:
                event_list = EventList()
                event_list.bind(controller)
                layout.addWidget(event_list)
                self.what += " + event list"
            self.window.resize(1200, 900)
        self.window.show()
        self.settle()

    def settle(self) -> None:
        """Until everything a click changes is on screen: timeline, list, chips, counts
        (from 20,000 events the counts may follow the repaint, in the same turn)."""
        if self.timeline is not None:
            self.timeline.repaint()
        self.app.processEvents()
        while counts_pending(self.panel):
            self.app.processEvents()

    def paint_only(self) -> None:
        """Paint the whole window now, without running the event loop (so without the
        counts that wait for it): when the analyst sees the new events."""
        assert self.window is not None
        self.window.repaint()

    def tick(
        self, settle: bool = True, cold: bool = False, counts: bool = True
    ) -> Callable[[], float]:
        """A timed tick of Japan (untick first, untimed): ticking is the direction that
        runs SQL, since unticking the only nation needs no query at all. ``cold`` empties
        the panel's cache of count masks first (a first click, not a repeated one)."""

        def run() -> float:
            box = nation_checkbox(self.panel, "JPN")
            if box.isChecked():
                box.click()
                self.settle()
            if cold:
                self.panel._counter.clear()
            t0 = time.perf_counter()
            box.click()
            if settle:
                self.settle() if counts else self.paint_only()
            elapsed = (time.perf_counter() - t0) * 1000
            self.settle()
            return elapsed

        return run

    def close(self) -> None:
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
        self.app.processEvents()


def timed(fn: Callable[[], object], repeat: int) -> float:
    return median_ms(fn, repeat=repeat, warmup=2)


def self_timed(fn: Callable[[], float], repeat: int) -> float:
    """Median of what ``fn`` reports (it times only its own part)."""
    for _ in range(2):
        fn()
    return statistics.median(fn() for _ in range(repeat))


def measure(app: QApplication, path: Path, repeat: int) -> tuple[dict[str, float], str]:
    store = open_store(path)
    controller = Controller(store)
    harness = Harness(app, controller)
    panel, out = harness.panel, {}
    try:
        out["click"] = self_timed(harness.tick(), repeat)
        out["set_filter"] = self_timed(harness.tick(settle=False), repeat)
        harness.settle()
        with_jpn = controller.filter.with_(nations=("JPN",))
        out["mask"] = timed(lambda: matching_mask(store, controller.table, with_jpn), repeat)
        controller.set_filter(with_jpn)
        harness.settle()
        out["counts"] = timed(panel._refresh_counts, repeat)

        controller.set_filter(BUSY)
        harness.settle()
        out["busy_click"] = self_timed(harness.tick(), repeat)
        out["busy_cold"] = self_timed(harness.tick(cold=True), repeat)
        out["busy_shown"] = self_timed(harness.tick(cold=True, counts=False), repeat)

        controller.clear_filter()
        harness.settle()
        edit = panel.search_edit
        edit.setFocus()
        out["keystroke"] = statistics.median(_keystrokes(edit, "debris"))
        panel.flush_search()
        controller.clear_filter()
        harness.settle()

        def search_enter() -> None:
            edit.setText("s")  # the widest prefix search: every word starting with s
            QTest.keyClick(edit, Qt.Key.Key_Return)
            harness.settle()
            controller.clear_filter()

        out["search"] = timed(search_enter, max(5, repeat // 3))
        n = controller.total_count
    finally:
        harness.close()
        store.close()
    return out, f"{n:,} events, {harness.what}" + (f"; {harness.note}" if harness.note else "")


def _keystrokes(edit: QWidget, word: str) -> list[float]:
    times = []
    for ch in word:
        t0 = time.perf_counter()
        QTest.keyClick(edit, ch)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def _quiet(kind: QtMsgType, context: object, message: str) -> None:
    """The offscreen platform warns about window hints on every show; keep the table clean."""
    if "propagateSizeHints" not in message:
        print(message)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    qInstallMessageHandler(_quiet)
    app = QApplication.instance() or QApplication([])
    cases = [("bundled", ROOT / "db" / "cspo.db")]
    cases += [(f"{int(n):,}", synthetic_db(int(n))) for n in args.sizes.split(",")]
    columns = [
        ("click", "click→paint"),
        ("set_filter", "no paint"),
        ("mask", "mask SQL"),
        ("counts", "counts"),
        ("busy_click", "busy click"),
        ("busy_cold", "busy, cold"),
        ("busy_shown", "…events shown"),
        ("keystroke", "keystroke"),
        ("search", "search ⏎"),
    ]
    print("median ms; counts = the panel's numpy counts (data.facets)")
    print(f"{'events':>10} " + " ".join(f"{title:>12}" for _, title in columns))
    notes = []
    for label, path in cases:
        figures, note = measure(app, path, args.repeat)
        print(f"{label:>10} " + " ".join(f"{figures[key]:>12.2f}" for key, _ in columns))
        notes.append(f"{label}: {note}")
    print("\n".join(notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
