"""Editing speed: the form, a save and an undo as the window does them, and `history`.

    python benchmarks/bench_edit.py [--size 100000] [--runs 7]

1. Opening the form: Edit event… on a selected event until the form is on screen
   (the bundled record, and the synthetic one). Target: 150 ms.
2. Save to repainted timeline: the form's Save (a one-field edit) through the undo stack,
   the write, the table following it and the timeline's synchronous repaint, on the
   synthetic record. Target: 100 ms.
3. Undo to repainted timeline: Edit → Undo of that save, to the repaint. Target: 100 ms.
4. `cspo-viewer history` as a whole process, on a record holding 10,000 changes (an import
   of 10,000 events). Target: 0.5 s.

Medians of ``--runs``; the synthetic records are copies, so nothing cached is changed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, machine_speed, synthetic_db

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")


def window_on(db: Path):
    from PySide6.QtWidgets import QApplication

    from cspo_viewer.data.store import open_store
    from cspo_viewer.ui.controller import Controller
    from cspo_viewer.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(Controller(open_store(db)), None, remember=False)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    window.timeline.repaint()
    return app, window


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def form_open_ms(db: Path, runs: int) -> float:
    app, window = window_on(db)
    c = window.controller
    c.select(str(c.table.ids[len(c.table) // 2]))
    times = []
    for _ in range(runs):

        def open_form() -> None:
            window.edits.act_edit.trigger()
            app.processEvents()
            assert window.edits.editor is not None and window.edits.editor.isVisible()

        times.append(timed(open_form))
        window.edits.editor.reject()
        app.processEvents()
    window.close()
    c.store.close()
    return statistics.median(times)


def save_and_undo_ms(db: Path, runs: int) -> tuple[float, float]:
    app, window = window_on(db)
    c = window.controller
    c.select(str(c.table.ids[len(c.table) // 2]))
    window.timeline.plot.fit_all()
    app.processEvents()
    saves, undos = [], []
    for i in range(runs):
        window.edits.act_edit.trigger()
        editor = window.edits.editor
        editor.location.setText(f"Benchmark place {i}")
        assert editor.validate()

        def save(editor=editor) -> None:
            editor.save_button.click()
            window.timeline.repaint()

        def undo() -> None:
            window.edits.act_undo.trigger()
            window.timeline.repaint()

        saves.append(timed(save))
        app.processEvents()
        undos.append(timed(undo))
        app.processEvents()
    window.close()
    c.store.close()
    return statistics.median(saves), statistics.median(undos)


def history_db(folder: Path, n: int = 10_000) -> Path:
    from cspo_viewer import paths
    from cspo_viewer.data.build import init_database
    from cspo_viewer.data.interchange import ImportOptions, import_file

    db = folder / "history.db"
    init_database(paths.data_src_dir(), db)
    csv = folder / "events.csv"
    lines = ["date,title,nations,source_title"]
    lines += [f"20{10 + i % 15}-0{1 + i % 9}-1{i % 9},Event {i},AUS;CAN,Bench" for i in range(n)]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_file(db, csv, ImportOptions())
    assert report.written and report.added == n, report.summary()
    return db


def history_seconds(db: Path, runs: int) -> float:
    times = []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "cspo_viewer", "history", "--db", str(db)],
            capture_output=True,
            env=env,
            check=True,
        ).stdout
        times.append(time.perf_counter() - t0)
        assert out.count(b"\n") == 10_000
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(machine_speed())
    from cspo_viewer import paths

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bundled = folder / "bundled-copy.db"
        shutil.copyfile(paths.bundled_db_path(), bundled)
        big = folder / f"syn-{args.size}.db"
        shutil.copyfile(synthetic_db(args.size), big)
        print(
            f"open the form, bundled:           {form_open_ms(bundled, args.runs):7.1f} ms"
            "  (target 150 ms)"
        )
        print(
            f"open the form, {args.size:,} events: {form_open_ms(big, args.runs):7.1f} ms"
            "  (target 150 ms)"
        )
        save, undo = save_and_undo_ms(big, args.runs)
        print(f"save to repainted timeline, {args.size:,}: {save:7.1f} ms  (target 100 ms)")
        print(f"undo to repainted timeline, {args.size:,}: {undo:7.1f} ms  (target 100 ms)")
        hist = history_seconds(history_db(folder), max(3, args.runs // 2))
        print(f"`history` on 10,000 changes:      {hist:7.3f} s   (target 0.5 s)")


if __name__ == "__main__":
    main()
