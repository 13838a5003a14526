"""Saved views: ``export --saved-view NAME`` against the same export written out in full.

    python benchmarks/bench_views.py [--runs 9] [--events 10000]

Whole ``python -m cspo_viewer export`` processes writing a 3840x2160 PNG, the two commands
run round-robin (one untimed warm-up of each) so a busy moment hits both alike, on the
bundled record and on a synthetic record of ``--events`` events. Each record is a copy
made with SQLite's backup API (the bundled one is never written) holding one saved view:
Japan, lanes by nation, a title, a marking, one labelled event. The full command is the
view's own words (``saved_view_options.export_words``), so both draw the same picture.
Target: the saved view within 1.1x of the full command.

Whole processes on a shared machine vary by several percent from run to run, so the
script also prints, in-process, what ``--saved-view`` adds: reading the view and filling
the options (``saved_view_options.fill``), median of 15 calls.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import interleaved, machine_speed, median_ms, synthetic_db

from cspo_viewer import paths
from cspo_viewer.cli import build_parser
from cspo_viewer.commands import saved_view_options
from cspo_viewer.commands.saved_view_options import export_words
from cspo_viewer.data.filters import EventFilter
from cspo_viewer.data.saved_views import SavedView, save_view
from cspo_viewer.data.store import open_store

NAME = "Japan brief"


def record_with_view(source: Path, target: Path) -> SavedView:
    """A backup of ``source`` at ``target`` holding the benchmark's saved view."""
    with open_store(source) as store:
        store.save_copy(target)
        pin = store.event_ids(EventFilter(nations=("JPN",)))[0]
    view = SavedView(
        NAME,
        filter=EventFilter(nations=("JPN",)),
        grouping="nation",
        pins=(pin,),
        title="Japan in CSpO",
        marking="OFFICIAL",
        size=(3840, 2160),
        format="png",
    )
    save_view(target, view)
    return view


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--events", type=int, default=10000)
    args = parser.parse_args()
    runs = max(args.runs, 5)
    out = Path(tempfile.mkdtemp(prefix="cspo-bench-views-"))
    export = [sys.executable, "-m", "cspo_viewer", "export", "--force"]
    print(
        f"3840x2160 PNG, whole processes, medians of {runs} interleaved runs ({machine_speed()}):"
    )
    worst = 0.0
    for label, source in (
        ("bundled data", paths.bundled_db_path()),
        (f"{args.events:,} events", synthetic_db(args.events)),
    ):
        db = out / f"{source.stem}-record.db"
        view = record_with_view(source, db)
        t = interleaved(
            {
                "full": [
                    *export,
                    "--db",
                    str(db),
                    *export_words(view),
                    "--out",
                    str(out / "a.png"),
                ],
                "saved": [
                    *export,
                    "--db",
                    str(db),
                    "--saved-view",
                    NAME,
                    "--out",
                    str(out / "b.png"),
                ],
            },
            runs,
        )
        words = ["export", "--db", str(db), "--saved-view", NAME, "--out", str(out / "c.png")]
        fill = median_ms(lambda w=words: saved_view_options.fill(build_parser().parse_args(w)))
        ratio = t["saved"] / t["full"]
        worst = max(worst, ratio)
        print(f"  {label}: export written out in full  {t['full']:6.3f} s")
        print(
            f"  {label}: export --saved-view         {t['saved']:6.3f} s  "
            f"({ratio:.3f}x the full command, target <= 1.1x)"
        )
        print(f"  {label}: reading the view and filling the options, in-process  {fill:5.1f} ms")
    print(f"  worst ratio {worst:.3f}x; pictures in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
