"""The counts beside the filter's checkboxes (``data.facets``): each is what ticking gives.

The reference is the query every command runs (``Store.event_ids`` on the ``EventFilter``
with the value added, as ``cspo-viewer list`` prints it), so the panel, the README and the
command line cannot disagree.
"""

from __future__ import annotations

import json
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cspo_viewer.data.facets import FACETS, VALUES_FIELD, FacetCounter
from cspo_viewer.data.filters import EventFilter, build_filter
from cspo_viewer.data.table import load_table, matching_mask


def ticking_gives(store, flt: EventFilter, facet: str, value: str) -> int:
    """What a person sees after ticking the box (for a ticked box: the shown events that
    carry its value), by the shared query builder."""
    field = VALUES_FIELD[facet]
    chosen = getattr(flt, field)
    if value in chosen:
        carrying = set(store.event_ids(flt.with_(**{field: (value,)})))
        return len(carrying & set(store.event_ids(flt)))
    return len(store.event_ids(flt.with_(**{field: (*chosen, value)})))


def counts(store, flt: EventFilter, facet: str, counter: FacetCounter | None = None):
    table = load_table(store)
    counter = counter or FacetCounter()
    return counter.counts(store, table, flt, matching_mask(store, table, flt), facet)


def values(store, facet: str) -> list[str]:
    if facet == "nation":
        return [n.code for n in store.nations()]
    if facet == "theme":
        return [t.id for t in store.themes()]
    return [k.id for k in store.kinds()]


def test_all_of_japan_and_norway_australia_counts_what_ticking_gives(store):
    """The reported case: "all of Japan, Norway" showed Australia (16); ticking gave 5."""
    flt = build_filter(store.vocabulary, nations=["Japan", "Norway"], match_nations="all")
    assert counts(store, flt, "nation")["AUS"] == 5
    nations = ["--nation", "Japan", "--nation", "Norway", "--nation", "Australia"]
    cli = subprocess.run(
        [sys.executable, "-m", "cspo_viewer", "list", *nations, "--match-nations", "all", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 0, cli.stderr
    assert len(json.loads(cli.stdout)) == 5


def test_nothing_ticked_counts_the_events_carrying_each_value(store):
    flt = build_filter(store.vocabulary, themes=["deterrence"])
    nations = counts(store, flt, "nation")
    assert nations["USA"] == len(store.event_ids(flt.with_(nations=("USA",))))
    kinds = counts(store, flt, "kind")
    assert sum(kinds.values()) == len(store.event_ids(flt))  # one kind per event


def test_any_mode_counts_the_union_ticking_would_show(store):
    flt = build_filter(store.vocabulary, nations=["Norway"])
    nations = counts(store, flt, "nation")
    assert nations["NOR"] == 7  # ticked: the shown events carrying it
    norway = set(store.event_ids(flt))
    usa = set(store.event_ids(flt.with_(nations=("USA",))))
    assert nations["USA"] == len(norway | usa) > len(usa)


NATIONS = ["AUS", "CAN", "GBR", "USA", "NZL", "DEU", "FRA", "NOR", "JPN", "ITA"]
THEMES = ["debris-asat", "deterrence", "outer-space-treaty", "resilience", "sanctions"]
KINDS = ["membership", "statement", "principals-meeting", "related"]


@st.composite
def random_filters(draw) -> EventFilter:
    return EventFilter(
        nations=tuple(draw(st.lists(st.sampled_from(NATIONS), unique=True, max_size=3))),
        match_nations=draw(st.sampled_from(["any", "all"])),
        themes=tuple(draw(st.lists(st.sampled_from(THEMES), unique=True, max_size=2))),
        match_themes=draw(st.sampled_from(["any", "all"])),
        kinds=tuple(draw(st.lists(st.sampled_from(KINDS), unique=True, max_size=2))),
        date_from=draw(st.sampled_from([None, "2015-01-01", "2020-01-01", "2023-12-05"])),
        text=draw(st.sampled_from(["", "space", "Florence", '"outer space"'])),
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(flt=random_filters())
def test_every_count_is_what_ticking_gives(store, flt):
    """Every box of every facet, both modes, against the query the CLI runs."""
    counter = FacetCounter()
    for facet in FACETS:
        got = counts(store, flt, facet, counter)
        assert set(got) == set(values(store, facet))
        for value in got:
            assert got[value] == ticking_gives(store, flt, facet, value), (facet, value)


def test_a_new_table_forgets_cached_masks(store):
    counter = FacetCounter()
    flt = build_filter(store.vocabulary, nations=["Japan"], themes=["deterrence"])
    table = load_table(store)
    assert not counter.is_ready(table, flt, "nation")  # the theme-only mask needs a query
    counter.counts(store, table, flt, matching_mask(store, table, flt), "nation")
    assert counter.is_ready(table, flt, "nation")
    assert not counter.is_ready(load_table(store), flt, "nation")
