"""Orders for the event list other than by date, as ranks over an ``EventTable``.

The table is in (date, id) order. Sorting the list by title needs every title, which the
table reads lazily in chunks for display; reading them chunk by chunk for a sort took
seconds at 100,000 events, so the title rank comes from one query here (widgets run no
SQL). A rank is each event's place in the whole table; the list then orders whatever
rows a filter shows by it with one ``argsort``.
"""

from __future__ import annotations

import numpy as np

from cspo_viewer.data.store import Store
from cspo_viewer.data.table import EventTable, TagPairs


def rank_of(keys: list[str]) -> np.ndarray:
    """Each position's place when ``keys`` are sorted (stable: ties keep table order).
    Python's own sort: on strings it beats ``numpy.argsort`` of an object array."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys))
    return rank


def tag_rank(pairs: TagPairs, n: int) -> np.ndarray:
    """Events ranked by their tags as the list shows them (names in alphabetical order,
    "AUS CAN" before "AUS DEU", "AUS" before "AUS CAN", no tags first), in numpy: each
    event's tags become a row of alphabetical places padded with -1, sorted by
    ``lexsort`` (stable), instead of a joined string per event."""
    if not n:
        return np.zeros(0, dtype=np.int64)
    alpha = rank_of([name.casefold() for name in pairs.names])
    tags = alpha[pairs.tag] if len(pairs.tag) else np.zeros(0, dtype=np.int64)
    order = np.lexsort((tags, pairs.event))
    event, tags = pairs.event[order], tags[order]
    counts = np.bincount(event, minlength=n)
    width = int(counts.max()) if len(counts) else 0
    grid = np.full((n, max(width, 1)), -1, dtype=np.int64)
    starts = np.cumsum(counts) - counts
    grid[event, np.arange(len(event)) - starts[event]] = tags
    by_tags = np.lexsort(tuple(grid[:, j] for j in reversed(range(grid.shape[1]))))
    rank = np.empty(n, dtype=np.int64)
    rank[by_tags] = np.arange(n)
    return rank


def title_rank(store: Store, table: EventTable) -> np.ndarray:
    """Events ranked by full title, case-blind (Unicode case folding)."""
    # The table's own order (see ``load_table``), so row i is table index i.
    cursor = store.conn.execute("SELECT title FROM events ORDER BY date, id")
    keys = [str(title or "").casefold() for (title,) in cursor]
    if len(keys) != len(table):  # the file changed under us: fall back to the table
        keys = [table.title(i).casefold() for i in range(len(table))]
    return rank_of(keys)
