"""The event list's sorting and the filter panel's counts at 10,000 and 100,000 events.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_list.py [--sizes 10000,100000]

Printed (median ms): a header click sorting by title the first time (every title is read
in one query and ranked once per database), by nations the first time, the same title
sort again (ranks cached), a filter change while
sorted by title (one ``argsort`` of the visible rows), and the three facets' counts
(``data.facets``) for a nation filter in "any" mode (the mode that needs the filter's
nation-less mask) and in "all" mode (counted from the shown events alone).
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from _common import machine_speed, median_ms, synthetic_db
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from cspo_viewer.data.facets import FACETS, FacetCounter
from cspo_viewer.data.filters import EventFilter
from cspo_viewer.data.ordering import title_rank
from cspo_viewer.data.store import open_store
from cspo_viewer.data.table import load_table, matching_mask
from cspo_viewer.ui.event_list import DATE, NATIONS, TITLE, EventListModel

ANY = EventFilter(nations=("JPN", "NOR"), themes=("deterrence",))
ALL = EventFilter(nations=("JPN", "NOR"), match_nations="all", themes=("deterrence",))


def measure(n: int, repeat: int) -> dict[str, float]:
    store = open_store(synthetic_db(n))
    out: dict[str, float] = {}
    labels = {k.id: k.label for k in store.kinds()}

    table = load_table(store)

    def new_model() -> EventListModel:
        model = EventListModel()
        model.title_ranker = lambda t: title_rank(store, t)  # as EventList.bind sets it
        model.set_rows(table, table.all, labels)
        return model

    for name, column in (("title_first", TITLE), ("nations_first", NATIONS)):
        fresh = [new_model() for _ in range(max(3, repeat // 4) + 1)]  # ranks not cached
        out[name] = median_ms(lambda c=column, f=fresh: f.pop().sort(c), len(fresh) - 1, 0)
    model = new_model()
    model.sort(TITLE)

    def resort() -> None:
        model.sort(DATE)
        model.sort(TITLE, Qt.SortOrder.DescendingOrder)

    out["title_again"] = median_ms(resort, repeat=repeat) / 2
    mask = matching_mask(store, table, ANY)
    out["filter_sorted"] = median_ms(lambda: model.set_rows(table, mask, labels), repeat=repeat)
    for name, flt in (("counts_any", ANY), ("counts_all", ALL)):
        counter = FacetCounter()
        shown = matching_mask(store, table, flt)

        def count(counter=counter, flt=flt, shown=shown) -> None:
            for facet in FACETS:
                counter.counts(store, table, flt, shown, facet)

        out[name] = median_ms(count, repeat=repeat)
    store.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    QApplication.instance() or QApplication([])
    columns = ["title_first", "nations_first", "title_again", "filter_sorted"]
    columns += ["counts_any", "counts_all"]
    print(machine_speed())
    print(f"{'events':>10} " + " ".join(f"{c:>14}" for c in columns))
    for n in (int(s) for s in args.sizes.split(",")):
        figures = measure(n, args.repeat)
        print(f"{n:>10,} " + " ".join(f"{figures[c]:>14.1f}" for c in columns))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
