"""Tags read for the matching events only must be the same tags, in the same order."""

from __future__ import annotations

from cspo_viewer.data.filters import EventFilter, build_filter


def test_filtered_rows_carry_the_same_tags_as_their_detail(store):
    flt = build_filter(store.vocabulary, nations=["Japan"], date_from="2023")
    rows = store.event_rows(flt)
    assert rows
    for row in rows:
        detail = store.event_detail(row.id)
        assert sorted(row.nations) == list(detail.row.nations)
        assert row.themes == detail.row.themes


def test_filtered_records_match_the_unfiltered_ones(store):
    everything = {r["id"]: r for r in store.records(EventFilter())}
    flt = build_filter(store.vocabulary, themes=["deterrence"])
    some = list(store.records(flt))
    assert 0 < len(some) < len(everything)
    for record in some:
        assert record == everything[record["id"]]


def test_no_matching_events_reads_no_tags(store):
    flt = build_filter(store.vocabulary, text="zzzznothing")
    assert store.event_rows(flt) == [] and list(store.records(flt)) == []
