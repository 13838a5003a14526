"""The counts beside the filter's checkboxes: how many events ticking a box would show.

The rule, for every box, every facet and both match modes, is the one the README states:
the count beside an unticked box is the number of events the filter would select with that
value added, which is what ``list`` prints for the same filter. A ticked box counts the
shown events that carry its value (ticking it again would remove it, and "what unticking
gives" reads as nonsense beside a ticked box).

How that is worked out per mode, from the in-memory table (no ``GROUP BY`` per facet):

- nothing ticked in the facet: the events matching the other filters that carry the value;
- "all" (each ticked value is required): adding a value narrows the shown events to those
  that also carry it, so every count comes from the current mask;
- "any" (kinds are always "any"): adding a value adds the events of the other filters that
  carry it to those already shown.

Masks of the filter without a facet ("the other filters") come from the shared query
builder (``table.matching_mask``) and are cached, because ticking a nation leaves the
nation-less filter unchanged.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from cspo_viewer.data import filters
from cspo_viewer.data.filters import EventFilter
from cspo_viewer.data.store import Store
from cspo_viewer.data.table import EventTable, TagPairs, matching_mask

FACETS = tuple(facet.name for facet in filters.FACETS)
"""The facets by name ("nation", "theme", "kind"), as the filter panel keys its sections;
each is described once, by ``filters.Facet``."""
BY_NAME = {facet.name: facet for facet in filters.FACETS}
VALUES_FIELD = {facet.name: facet.field for facet in filters.FACETS}
MATCH_FIELD = {facet.name: facet.match_field for facet in filters.FACETS if facet.match_field}


def match_mode(flt: EventFilter, facet: str) -> str:
    """``"any"`` or ``"all"``; kinds are one per event, so always ``"any"``."""
    return BY_NAME[facet].match(flt)


def value_counts(table: EventTable, facet: str, mask: np.ndarray) -> dict[str, int]:
    """Per value of ``facet``, how many events selected by ``mask`` carry it (zeros too)."""
    if facet not in BY_NAME:
        raise ValueError(f"unknown facet {facet!r}")
    if BY_NAME[facet].table:  # the table keeps each tag facet's pairs under its field
        if mask.all():  # every event: counted without loading the pairs
            return table.tag_counts(facet)
        pairs: TagPairs = getattr(table, BY_NAME[facet].field)
        return pairs.counts(mask)
    hits = np.bincount(table.kind[mask], minlength=len(table.kinds))
    return {kind: int(n) for kind, n in zip(table.kinds, hits, strict=False)}


class FacetCounter:
    """Counts for the filter panel, from numpy over an ``EventTable``.

    Give it the filter and the mask that filter selects (the window has both at hand);
    it fetches only the masks of reduced filters it has not seen, and forgets them when
    the table changes (another database).
    """

    def __init__(self, cache_size: int = 8) -> None:
        self._cache: OrderedDict[EventFilter, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._table: EventTable | None = None

    def clear(self) -> None:
        self._cache.clear()
        self._table = None

    def is_ready(self, table: EventTable, flt: EventFilter, facet: str) -> bool:
        """Whether ``counts`` for ``facet`` needs no SQL (the masks it needs are at hand)."""
        if not getattr(flt, VALUES_FIELD[facet]) or match_mode(flt, facet) == "all":
            return True
        reduced = _without(flt, facet)
        return reduced.is_empty or (table is self._table and reduced in self._cache)

    def counts(
        self, store: Store, table: EventTable, flt: EventFilter, mask: np.ndarray, facet: str
    ) -> dict[str, int]:
        """``{value: count}`` for every value of ``facet``; ``mask`` is what ``flt`` selects."""
        ticked = set(getattr(flt, VALUES_FIELD[facet]))
        if not ticked or match_mode(flt, facet) == "all":
            # Nothing ticked: the mask is the other filters' mask. "All": adding a value
            # keeps the shown events that carry it, and a ticked value is on all of them.
            return value_counts(table, facet, mask)
        shown = value_counts(table, facet, mask)  # ticked values: shown events with it
        others = self._mask_without(store, table, flt, facet)
        added = value_counts(table, facet, others & ~mask)  # events a new value would add
        total = int(mask.sum())
        return {v: shown[v] if v in ticked else total + added[v] for v in shown}

    def _mask_without(
        self, store: Store, table: EventTable, flt: EventFilter, facet: str
    ) -> np.ndarray:
        if table is not self._table:  # another database: cached masks are meaningless
            self._cache.clear()
            self._table = table
        reduced = _without(flt, facet)
        if reduced in self._cache:
            self._cache.move_to_end(reduced)
            return self._cache[reduced]
        result = matching_mask(store, table, reduced)
        self._cache[reduced] = result
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return result


def _without(flt: EventFilter, facet: str) -> EventFilter:
    return flt.with_(**{VALUES_FIELD[facet]: ()})
