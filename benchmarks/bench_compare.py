"""Time of comparing two statements: the bundled pair, reworded texts, and a hostile size.

    python benchmarks/bench_compare.py

Prints medians. The bundled pair is what an analyst compares (2019 text taken from
``../shared/sources`` when the record does not hold it yet); "reworded" is a 200-sentence
statement against itself with every fifth sentence reworded (many pairs to find); "huge" is
a 3,000-sentence text against a reworded copy, where pairing stops at
``MAX_PAIRING_SENTENCES`` per side. The whole ``compare`` process is timed too, since that
is what a script waits for.
"""

from __future__ import annotations

import subprocess
import sys
import time

from _common import ROOT, machine_speed, median_ms

from cspo_viewer.data.compare import compare_events, compare_texts
from cspo_viewer.data.store import open_store

SEVEN = "2019-04-10-seven-nation-statement"
FLORENCE = "2024-12-06-florence-joint-statement"


def _seven_text(store) -> str:
    text = store.event_detail(SEVEN).statement_text
    if text:
        return text
    source = ROOT.parent / "shared" / "sources" / "rcaf-2019-04-10-multinational-statement.txt"
    return source.read_text(encoding="utf-8").split("\n\n", 1)[1] if source.exists() else ""


def _reworded(n: int) -> tuple[str, str]:
    a = [
        f"Sentence {i} says the partners will share data on topic {i} with all nations."
        for i in range(n)
    ]
    b = [s.replace("share data", "exchange data") if i % 5 == 0 else s for i, s in enumerate(a)]
    return " ".join(a), " ".join(b)


def _process_ms(repeat: int = 5) -> float:
    cmd = [sys.executable, "-m", "cspo_viewer", "compare", SEVEN, FLORENCE, "--json"]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append((time.perf_counter() - t0) * 1000)
    return sorted(times)[len(times) // 2]


def main() -> int:
    print(machine_speed())
    with open_store(ROOT / "db" / "cspo.db") as store:
        a, b = store.event_detail(SEVEN), store.event_detail(FLORENCE)
        seven, florence = _seven_text(store), b.statement_text or ""
        t_events = median_ms(lambda: compare_events(a, b))
    t_pair = median_ms(lambda: compare_texts(seven, florence))
    ra, rb = _reworded(200)
    t_reworded = median_ms(lambda: compare_texts(ra, rb), repeat=5)
    ha, hb = _reworded(3_000)
    t_huge = median_ms(lambda: compare_texts(ha, hb), repeat=3, warmup=0)
    print(f"{'bundled pair, texts (2019 vs 2024)':<42} {t_pair:>9.1f} ms")
    print(f"{'bundled pair, compare_events as stored':<42} {t_events:>9.1f} ms")
    print(f"{'200 sentences, 40 reworded':<42} {t_reworded:>9.1f} ms")
    print(f"{'3,000 sentences, 600 reworded (bounded)':<42} {t_huge:>9.1f} ms")
    print(f"{'whole process: compare --json':<42} {_process_ms():>9.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
