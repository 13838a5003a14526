"""The one filter model and query builder, against the bundled data."""

from __future__ import annotations

import pytest

from cspo_viewer.data.filters import (
    EventFilter,
    FilterError,
    build_filter,
    filter_from_settings,
    fts_query,
    parse_date,
)


def ids(store, **kw):
    return store.event_ids(build_filter(store.vocabulary, **kw))


def tags(store, event_id):
    return store.event_detail(event_id).row


def test_nation_names_and_codes_case_insensitive(store):
    expected = ids(store, nations=["JPN"])
    assert expected
    for word in ("Japan", "japan", "JP", "jp", "jpn"):
        assert ids(store, nations=[word]) == expected


def test_norway_first_event_is_norway_joining(store):
    found = ids(store, nations=["Norway"])
    assert all("NOR" in tags(store, e).nations for e in found)
    assert found[0] == "2023-12-01-norway-joins"


def test_unknown_values_list_the_valid_ones(store):
    with pytest.raises(FilterError, match=r"unknown nation 'Atlantis'.*Japan \(JPN\)"):
        build_filter(store.vocabulary, nations=["Atlantis"])
    with pytest.raises(FilterError, match=r"valid themes: .*debris-asat"):
        build_filter(store.vocabulary, themes=["lasers"])
    with pytest.raises(FilterError, match=r"valid kinds: .*principals-meeting"):
        build_filter(store.vocabulary, kinds=["party"])


def test_theme_filter_matches_tags(store):
    found = ids(store, themes=["debris-asat"])
    assert len(found) == 6
    assert all("debris-asat" in tags(store, e).themes for e in found)


def test_any_versus_all(store):
    any_ = set(ids(store, nations=["France", "Japan"]))
    all_ = set(ids(store, nations=["France", "Japan"], match_nations="all"))
    assert all_ < any_
    for e in all_:
        assert {"FRA", "JPN"} <= set(tags(store, e).nations)
    for e in any_ - all_:
        assert len({"FRA", "JPN"} & set(tags(store, e).nations)) == 1
    themes_all = set(ids(store, themes=["outer-space-treaty", "debris-asat"], match_themes="all"))
    assert themes_all == {
        "2024-12-03-florence-principals-board",
        "2024-12-06-florence-joint-statement",
    }


def test_kind_and_dates(store):
    meetings = ids(store, kinds=["principals-meeting"])
    assert len(meetings) == 6
    in_2023 = ids(store, date_from="2023", date_to="2023")
    assert in_2023 and all(e.startswith("2023-") for e in in_2023)
    # A meeting that spans the start of the range still counts (overlap).
    assert "2024-12-03-florence-principals-board" in ids(store, date_from="2024-12-05")


def test_text_search_covers_summaries_statements_quotes_and_speakers(store):
    assert "2024-12-06-florence-joint-statement" in ids(store, text="celestial bodies")
    assert ids(store, text="Knighton") == ["2024-12-03-florence-principals-board"]
    assert ids(store, text='"safeguard our interests"') == ["2024-12-03-florence-principals-board"]
    assert "2021-12-01-cape-canaveral-principals-board" in ids(store, text="Canav")  # prefix
    assert ids(store, text='"interests safeguard"') == []  # phrase order matters


def test_date_range_and_text_combine_with_and(store):
    text_only = set(ids(store, text="statement"))
    ranged = set(ids(store, text="statement", date_from="2024"))
    assert ranged and ranged < text_only
    assert all(e >= "2024" for e in ranged)


@pytest.mark.parametrize(
    "text",
    ['"', "AND OR NOT", "a:b", "NEAR(", "*", "'); DROP TABLE events;--", "日本 🚀", "\u202eevil"],
)
def test_hostile_search_text_never_errors(store, text):
    store.event_ids(build_filter(store.vocabulary, text=text))
    assert store.total_events() == 31


def test_fts_query_quotes_every_term():
    assert fts_query('debris "outer space" asat') == '"debris"* "outer space" "asat"*'
    assert fts_query("   ") is None


def test_partial_dates():
    assert parse_date("2019") == "2019-01-01"
    assert parse_date("2019", end=True) == "2019-12-31"
    assert parse_date("2024-02", end=True) == "2024-02-29"
    for bad in ("2024-02-30", "19", "yesterday"):
        with pytest.raises(FilterError):
            parse_date(bad)


def test_reversed_range_is_an_error(store):
    with pytest.raises(FilterError, match="after the end date"):
        build_filter(store.vocabulary, date_from="2024", date_to="2020")


def test_settings_round_trip_and_stale_values(store):
    flt = build_filter(
        store.vocabulary,
        nations=["Japan", "NOR"],
        match_nations="all",
        themes=["deterrence"],
        kinds=["statement"],
        date_from="2019",
        date_to="2024-06",
        text="space",
    )
    again, dropped = filter_from_settings(flt.to_settings(), store.vocabulary)
    assert again == flt and dropped == []
    stale = {**flt.to_settings(), "nations": ["JPN", "XXX"]}
    again, dropped = filter_from_settings(stale, store.vocabulary)
    assert again.nations == ("JPN",)
    assert dropped == ["saved nation 'XXX' is not in this database"]


def test_describe_in_words(store):
    flt = build_filter(store.vocabulary, nations=["jp"], date_from="2019", date_to="2024")
    assert flt.describe(store.vocabulary) == (
        "Nations: Japan · Themes: all · 2019-01-01 to 2024-12-31"
    )
    assert EventFilter().describe() == "Nations: all · Themes: all"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2015-10-13", "2015-10-13"),
        ("2020-02-12", "2021"),
        ("2024-12-04", None),
        (None, "2015-10-12"),
        ("2019", "2019-12"),
    ],
)
def test_date_ranges_alone_and_combined_follow_the_overlap_rule(store, start, end):
    """Dates alone use index ranges, dates with nations test candidates: same rule."""
    rows = store.conn.execute("SELECT id, date, COALESCE(end_date, date) FROM events").fetchall()
    flt = build_filter(store.vocabulary, date_from=start, date_to=end)
    lo, hi = flt.date_from or "0000", flt.date_to or "9999"
    expected = {eid for eid, d, e in rows if d <= hi and e >= lo}
    assert set(store.event_ids(flt)) == expected
    with_nation = build_filter(store.vocabulary, nations=["NZL"], date_from=start, date_to=end)
    nz = set(ids(store, nations=["NZL"]))
    assert set(store.event_ids(with_nation)) == expected & nz
