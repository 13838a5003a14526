"""Query time of the data layer: a nation + theme + date filter, and a full-text search.

    python benchmarks/bench_queries.py [--sizes 1000,10000,100000]

Prints the median over repeated runs for each database size. Target (issue 2): at most
5 ms at 10,000 events and 30 ms at 100,000. The last column is what ``list`` asks of the
data layer for a selective filter (a month of Japan + deterrence: a few dozen events):
the rows with their nations and themes, which should cost what they return (issue 13).
"""

from __future__ import annotations

import argparse

from _common import ROOT, median_ms, synthetic_db

from cspo_viewer.data.filters import build_filter
from cspo_viewer.data.store import open_store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    cases = [("bundled (29)", ROOT / "db" / "cspo.db")]
    cases += [(f"{int(n):,}", synthetic_db(int(n))) for n in args.sizes.split(",")]
    print(
        f"{'events':>14} {'nation+theme+date':>18} {'full-text':>10} {'(matches)':>16}"
        f" {'list: month':>12} {'(rows)':>7}"
    )
    for label, path in cases:
        with open_store(path) as store:
            vocab = store.vocabulary
            combo = build_filter(
                vocab, nations=["Japan"], themes=["deterrence"], date_from="2020", date_to="2023"
            )
            text = build_filter(vocab, text="debris")
            month = build_filter(
                vocab,
                nations=["Japan"],
                themes=["deterrence"],
                date_from="2020-03",
                date_to="2020-03",
            )
            t_combo = median_ms(lambda s=store, f=combo: s.event_ids(f))
            t_text = median_ms(lambda s=store, f=text: s.event_ids(f))
            t_rows = median_ms(lambda s=store, f=month: s.event_rows(f))
            n_combo, n_text = len(store.event_ids(combo)), len(store.event_ids(text))
            n_rows = len(store.event_rows(month))
        print(
            f"{label:>14} {t_combo:>15.2f} ms {t_text:>7.2f} ms {n_combo:>7} /{n_text:>7}"
            f" {t_rows:>9.2f} ms {n_rows:>7}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
