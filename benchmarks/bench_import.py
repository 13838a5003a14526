"""Import speed and memory: 100,000 events in each format into a fresh database.

    python benchmarks/bench_import.py [--events 100000] [--runs 3]

The files are dumps (``cspo-viewer dump``) of the synthetic database, so they carry what
a real file carries: nations, themes, a source, some quotes and statement texts (the
TimelineJS file carries only what that format holds). Each run imports into a new
``db init`` database in a fresh process; the script prints the median events/s and the
peak resident memory of the import process. Target (issue 6): 20,000 events/s or better
with memory that does not grow with the file. The child process imports ``cspo_viewer``
before anything loads ``sqlite3``, as the ``cspo-viewer`` command does, so it runs with
the same SQLite settings (``cspo_viewer/sqlite_setup.py``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import CACHE, ROOT, machine_speed, synthetic_db

from cspo_viewer import paths
from cspo_viewer.data.build import init_database
from cspo_viewer.data.filters import EventFilter
from cspo_viewer.data.interchange import dump
from cspo_viewer.data.store import open_store

FORMATS = ("json", "csv", "timelinejs")

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from cspo_viewer.data.interchange import import_file, ImportOptions
from cspo_viewer import sqlite_setup
t0 = time.perf_counter()
report = import_file(Path(sys.argv[1]), Path(sys.argv[2]), ImportOptions(format=sys.argv[3]))
seconds = time.perf_counter() - t0
assert report.written and report.rejected == 0, report.problems[:5]
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "added": report.added, "peak_mib": peak_kib / 1024,
                  "statistics_off": sqlite_setup.statistics_off}))
"""


def make_file(n: int, fmt: str) -> Path:
    """A dump of the synthetic ``n``-event database in ``fmt``, made once and cached."""
    path = CACHE / f"import-{n}.{fmt}"
    if not path.exists():
        tmp = path.with_suffix(".part")
        with (
            open_store(synthetic_db(n)) as store,
            tmp.open("w", encoding="utf-8", newline="") as out,
        ):
            dump(store, EventFilter(), fmt, out)  # type: ignore[arg-type]
        tmp.replace(path)
    return path


def run_once(source: Path, fmt: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "fresh.db"
        init_database(paths.data_src_dir(), db)
        result = subprocess.run(
            [sys.executable, "-c", _CHILD, str(db), str(source), fmt],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
    return json.loads(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()
    row = "{:>11} {:>8} {:>8} {:>9} {:>9} {:>9}"
    print(machine_speed())
    print(row.format("format", "file MB", "events", "median s", "events/s", "peak MiB"))
    formats = args.formats.split(",")
    sources = {fmt: make_file(args.events, fmt) for fmt in formats}
    # Round robin, so that a busy spell on this shared machine falls on every format alike.
    results: dict[str, list[dict[str, float]]] = {fmt: [] for fmt in formats}
    for _ in range(args.runs):
        for fmt in formats:
            results[fmt].append(run_once(sources[fmt], fmt))
    for fmt in formats:
        source, runs = sources[fmt], results[fmt]
        seconds = statistics.median(r["seconds"] for r in runs)
        added = int(runs[0]["added"])
        peak = max(r["peak_mib"] for r in runs)
        size = source.stat().st_size / 1e6
        rate = f"{added / seconds:,.0f}"
        print(row.format(fmt, f"{size:.1f}", added, f"{seconds:.2f}", rate, f"{peak:.0f}"))
    off = all(r["statistics_off"] for runs in results.values() for r in runs)
    print(f"SQLite memory statistics: {'off' if off else 'ON (sqlite_setup did not apply)'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
