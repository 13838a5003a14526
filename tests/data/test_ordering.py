"""The event list's orders (``data.ordering``): the same order a person gets by sorting
the column's text, computed without building a string per event."""

from __future__ import annotations

import numpy as np

from cspo_viewer.data.ordering import rank_of, tag_rank, title_rank
from cspo_viewer.data.table import TagPairs, load_table


def test_title_rank_is_case_blind_title_order(store):
    table = load_table(store)
    rank = title_rank(store, table)
    titles = [table.title(i) for i in range(len(table))]
    by_rank = [titles[i] for i in np.argsort(rank)]
    assert by_rank == sorted(titles, key=str.casefold)


def test_nation_rank_is_the_order_of_the_nations_column(store):
    table = load_table(store)
    pairs = table.nations
    text = [
        " ".join(sorted(pairs.names[t] for t in pairs.tag[pairs.event == i]))
        for i in range(len(table))
    ]
    rank = tag_rank(pairs, len(table))
    assert [text[i] for i in np.argsort(rank)] == sorted(text)


def test_tag_rank_puts_prefixes_and_untagged_events_first():
    names = ("CAN", "AUS", "DEU")  # not alphabetical in the table
    #        event 0: AUS DEU   1: AUS   2: (none)   3: AUS CAN   4: CAN
    event = np.array([0, 0, 1, 3, 3, 4], dtype=np.int32)
    tag = np.array([2, 1, 1, 0, 1, 0], dtype=np.int32)
    rank = tag_rank(TagPairs(names, event, tag), 5)
    assert list(np.argsort(rank)) == [2, 1, 3, 0, 4]


def test_rank_of_is_stable():
    assert list(rank_of(["b", "a", "b", "a"])) == [2, 0, 3, 1]
