"""The event list's sorting and the filter panel's counts at 10,000 and 100,000 events,
and the ``list`` command's time at two database sizes.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_list.py [--sizes 10000,100000]
    python benchmarks/bench_list.py --cli [--cli-sizes 1000,100000] [--runs 15]
        [--baseline DIR]

``--cli``: ``cspo-viewer list`` with a selective nation + theme + month filter (Japan,
deterrence, March 2020: a few dozen events at 100,000) as a whole process at each size,
and ``sqlite-utils query`` running the same SQL on the largest, the runs taken turn about
(medians). The goal (issue 21): the largest size at most 1.2 times the smallest.
``--baseline DIR`` also runs the ``cspo_viewer`` package found in DIR (a checkout of
another commit) the same way, in the same rounds, to compare a change with what it
replaces.

Printed (median ms): a header click sorting by title the first time (every title is read
in one query and ranked once per database), by nations the first time, the same title
sort again (ranks cached), a filter change while
sorted by title (one ``argsort`` of the visible rows), and the three facets' counts
(``data.facets``) for a nation filter in "any" mode (the mode that needs the filter's
nation-less mask) and in "all" mode (counted from the shown events alone).
"""

from __future__ import annotations

import argparse
import compileall
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import sys

from _common import ROOT, interleaved, machine_speed, median_ms, synthetic_db
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


LIST_FILTER = ["--nation", "Japan", "--theme", "deterrence", "--from", "2020-03", "--to", "2020-03"]
"""The selective filter ``--cli`` lists: one month of a common nation and a common theme."""


def measure_cli(sizes: list[int], runs: int, baseline: str | None) -> None:
    """``list`` at each size (and the baseline's, if given) and sqlite-utils' query of the
    largest, in the same rounds; prints the medians and the ratio to the smallest size."""
    from cspo_viewer.data.filters import build_filter

    dbs = {n: synthetic_db(n) for n in sizes}
    largest = dbs[max(sizes)]
    with open_store(largest) as store:
        flt = build_filter(
            store.vocabulary,
            nations=["Japan"],
            themes=["deterrence"],
            date_from="2020-03",
            date_to="2020-03",
        )
        where, params = store.filter_sql(flt)
    sql = f"SELECT e.* FROM events e WHERE {where} ORDER BY e.date, e.id"
    for i in range(len(params)):
        sql = sql.replace("?", f":p{i}", 1)
    cmds: dict[str, list[str]] = {}
    versions = {"": None} if baseline is None else {"": None, "baseline ": baseline}
    for root in (ROOT, baseline):  # neither pays for compiling (PYTHONDONTWRITEBYTECODE)
        if root is not None:
            compileall.compile_dir(Path(root) / "cspo_viewer", quiet=1)
    for label, root in versions.items():
        prefix = ["env", f"PYTHONPATH={root}"] if root else []
        for n, db in dbs.items():
            cmds[f"{label}list {n:,}"] = [
                *prefix,
                sys.executable,
                "-P",  # not the working folder's package first: PYTHONPATH's
                "-m",
                "cspo_viewer",
                "list",
                "--db",
                str(db),
                *LIST_FILTER,
            ]
    query = [str(Path(sys.executable).with_name("sqlite-utils")), "query", str(largest), sql]
    for i, value in enumerate(params):
        query += ["-p", f"p{i}", str(value)]
    cmds[f"sqlite-utils query {max(sizes):,}"] = query
    times = interleaved(cmds, runs)
    print(machine_speed())
    for label in versions:
        small, large = times[f"{label}list {min(sizes):,}"], times[f"{label}list {max(sizes):,}"]
        for n in sizes:
            print(f"{label}list {n:>9,} events: {times[f'{label}list {n:,}'] * 1000:7.0f} ms")
        print(f"{label}list {max(sizes):,} vs {min(sizes):,}: {large / small:.2f}x")
    query_ms = times[f"sqlite-utils query {max(sizes):,}"] * 1000
    print(f"sqlite-utils query, same SQL, {max(sizes):,}: {query_ms:.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--cli", action="store_true", help="time the list command instead")
    parser.add_argument("--cli-sizes", default="1000,100000")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--baseline", metavar="DIR", help="also run the package in DIR")
    args = parser.parse_args()
    if args.cli:
        measure_cli([int(s) for s in args.cli_sizes.split(",")], args.runs, args.baseline)
        return 0
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
