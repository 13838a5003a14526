"""Shared helpers for the benchmark scripts: synthetic databases (cached) and medians."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

CACHE = Path(tempfile.gettempdir()) / "cspo-viewer-bench"


def synthetic_db(n: int, seed: int = 1) -> Path:
    """A synthetic database of ``n`` events, made once per machine and reused."""
    from make_synthetic_db import make

    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"syn-{n}-s{seed}.db"
    if not path.exists():
        make(n, path, seed)
    return path


def median_ms(fn: Callable[[], object], repeat: int = 15, warmup: int = 2) -> float:
    """Median wall time of ``fn`` in milliseconds, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def machine_speed() -> str:
    """How fast this machine runs plain Python right now, to read figures by: machines
    here are shared, and the same code has measured 1.5x slower from one hour to the next.
    The median of five 2,000,000-step loops: compare it between two runs before comparing
    their figures."""

    def loop() -> None:
        total = 0
        for i in range(2_000_000):
            total += i

    return f"machine speed: a 2M-step Python loop takes {median_ms(loop, 5, 1):.0f} ms"


def interleaved(cmds: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median wall time of each command, the runs taken round-robin (one untimed
    warm-up of each first)."""
    return {name: wall for name, (wall, _) in interleaved_times(cmds, runs).items()}


def interleaved_times(cmds: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds of each command, the runs taken round-robin after one
    untimed warm-up of each. CPU is the process's user + system time (``wait4``), which
    a neighbour's load on a shared machine disturbs far less than wall time."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    for cmd in cmds.values():
        subprocess.run(cmd, check=True, env=env, capture_output=True)
    wall: dict[str, list[float]] = {name: [] for name in cmds}
    cpu: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            _, status, usage = os.wait4(proc.pid, 0)
            wall[name].append(time.perf_counter() - t0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode != 0:
                raise subprocess.CalledProcessError(proc.returncode, cmd)
            cpu[name].append(usage.ru_utime + usage.ru_stime)
    return {n: (statistics.median(wall[n]), statistics.median(cpu[n])) for n in cmds}
