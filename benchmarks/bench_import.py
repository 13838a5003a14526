"""Import speed against ``sqlite-utils insert``, and peak memory at 100,000 events.

    python benchmarks/bench_import.py [--events 10000] [--runs 5] [--memory-events 100000]

Speed: the same 10,000 synthetic events (dumps of the synthetic database, so they carry
nations, themes, a source, some quotes and statement texts), once as our JSON and once as
CSV, imported into a new ``db init`` database by ``cspo-viewer import`` as a whole
process; beside it, ``sqlite-utils insert`` of the same events into a new file as one
flat table (no validation, tags, quotes, indexes or full-text index), also a whole
process, measured in the same run, turn about. The goal is at most 1.5 times its time.
Beside wall time, each process's CPU time (user + system): on a shared machine a busy
disk can hold ``sqlite-utils insert`` (a commit per chunk) for seconds that are not its
work, and the CPU ratio is the steadier comparison.

Memory: the peak resident size of ``cspo-viewer import`` of 100,000 events in each
format (goal: under 400 MB); the JSON dump of 100,000 events is over 64 MiB, so it is
streamed rather than read whole.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from _common import CACHE, ROOT, machine_speed, synthetic_db

from cspo_viewer import paths
from cspo_viewer.data.build import init_database
from cspo_viewer.data.filters import EventFilter
from cspo_viewer.data.interchange import dump
from cspo_viewer.data.store import open_store

FORMATS = ("json", "csv")
CLI = [sys.executable, "-m", "cspo_viewer"]
SQLITE_UTILS = [str(Path(sys.executable).with_name("sqlite-utils"))]
TIME = Path("/usr/bin/time")


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


def flat_json(source: Path) -> Path:
    """The events of a JSON dump as the flat list of objects ``sqlite-utils insert`` takes
    (lists and objects inside an event become JSON text columns)."""
    path = source.with_name(source.stem + "-flat.json")
    if not path.exists():
        events = json.loads(source.read_text(encoding="utf-8"))["events"]
        path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    return path


class Run(NamedTuple):
    """One process: wall seconds, CPU seconds (user + system) and peak resident MiB."""

    seconds: float
    cpu: float
    peak: float


def run(args: list[str]) -> Run:
    """Wall and CPU seconds and peak resident MiB of one process."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {err.strip()}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def ours(source: Path, folder: Path) -> Run:
    db = folder / "ours.db"
    db.unlink(missing_ok=True)
    init_database(paths.data_src_dir(), db)
    return run([*CLI, "import", str(source), "--db", str(db)])


def peak_mib(source: Path, folder: Path) -> tuple[float, float]:
    """Seconds and peak MiB of one import, measured by GNU time around it where there is
    one: the rusage of a child of this process also counts the pages it shared with this
    one before it started Python, and this process has just dumped big files."""
    if not TIME.exists():
        alone = ours(source, folder)
        return alone.seconds, alone.peak
    report = folder / "time.txt"
    db = folder / "ours.db"
    db.unlink(missing_ok=True)
    init_database(paths.data_src_dir(), db)
    seconds = run(
        [str(TIME), "-f", "%M", "-o", str(report), *CLI, "import", str(source), "--db", str(db)]
    ).seconds
    return seconds, int(report.read_text().split()[-1]) / 1024


def theirs(source: Path, fmt: str, folder: Path) -> Run:
    db = folder / "flat.db"
    db.unlink(missing_ok=True)
    flag = ["--csv"] if fmt == "csv" else []
    return run([*SQLITE_UTILS, "insert", str(db), "events", str(source), *flag])


def print_speed(
    args: argparse.Namespace,
    sources: dict[str, Path],
    times: dict[tuple[str, str], list[Run]],
) -> None:
    print(f"\n{args.events:,} events into a new database, whole process, median of {args.runs}")
    row = "{:>7} {:>8} {:>22} {:>22} {:>7} {:>9}"
    heads = (
        "format",
        "file MB",
        "cspo-viewer import s",
        "sqlite-utils insert s",
        "ratio",
        "CPU ratio",
    )
    print(row.format(*heads))
    print(row.format("", "", "wall (CPU)", "wall (CPU)", "ratio", "CPU ratio"))
    for fmt in FORMATS:
        mine, base = times[("cspo-viewer import", fmt)], times[("sqlite-utils insert", fmt)]
        wall = [statistics.median(r.seconds for r in runs) for runs in (mine, base)]
        cpu = [statistics.median(r.cpu for r in runs) for runs in (mine, base)]
        size = sources[fmt].stat().st_size / 1e6
        print(
            row.format(
                fmt,
                f"{size:.1f}",
                f"{wall[0]:.2f} ({cpu[0]:.2f})",
                f"{wall[1]:.2f} ({cpu[1]:.2f})",
                f"{wall[0] / wall[1]:.2f}x",
                f"{cpu[0] / cpu[1]:.2f}x",
            )
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5, help="0: memory only")
    parser.add_argument("--memory-events", type=int, default=100_000)
    args = parser.parse_args()
    print(machine_speed())
    compileall.compile_dir(ROOT / "cspo_viewer", quiet=1)  # not compiled at each run
    sources = {fmt: make_file(args.events, fmt) for fmt in FORMATS}
    flat = {"json": flat_json(sources["json"]), "csv": sources["csv"]}
    times: dict[tuple[str, str], list[Run]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for _ in range(args.runs):  # turn about, so a busy spell falls on both alike
            for fmt in FORMATS:
                times.setdefault(("cspo-viewer import", fmt), []).append(ours(sources[fmt], folder))
                times.setdefault(("sqlite-utils insert", fmt), []).append(
                    theirs(flat[fmt], fmt, folder)
                )
        if args.runs:
            print_speed(args, sources, times)
        print(f"\n{args.memory_events:,} events, peak resident memory of cspo-viewer import")
        for fmt in FORMATS:
            n = args.memory_events
            source = make_file(n, fmt)
            size = source.stat().st_size
            seconds, peak = peak_mib(source, folder)
            print(
                f"{fmt:>7}: {n:,} events, {size / 2**20:.0f} MiB file, {seconds:.1f} s, "
                f"peak {peak:.0f} MiB"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
