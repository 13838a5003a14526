"""Each facet (nations, themes, kinds) is described once, by ``filters.Facet``, and that
one description resolves typed words, reads the filter in words, builds its SQL, its
stored form and its command-line words: a filter naming every facet goes round each."""

from __future__ import annotations

import argparse

import pytest

from cspo_viewer.commands.filter_args import (
    add_filter_arguments,
    filter_from_args,
    filter_to_args,
)
from cspo_viewer.data.filters import (
    FACETS,
    KINDS,
    NATIONS,
    THEMES,
    FilterError,
    build_filter,
    filter_from_settings,
)


@pytest.fixture
def every_facet(store):
    return build_filter(
        store.vocabulary,
        nations=["japan", "NO"],
        match_nations="all",
        themes=["Resilience"],
        kinds=["exercise", "Statement"],
        date_from="2023",
    )


def test_words_resolve_by_id_or_label_in_any_case(store):
    vocab = store.vocabulary
    assert [NATIONS.resolve(vocab, w) for w in ("jp", "Japan", "JPN")] == ["JPN"] * 3
    assert THEMES.resolve(vocab, "  RESILIENCE ") == "resilience"
    assert KINDS.resolve(vocab, "principals' meeting") == "principals-meeting"
    with pytest.raises(
        FilterError, match=r"unknown nation 'Atlantis'; valid nations: .*Japan \(JPN\)"
    ):
        NATIONS.resolve(vocab, "Atlantis")
    with pytest.raises(FilterError, match=r"unknown kind 'x'; valid kinds: founding, membership"):
        KINDS.resolve(vocab, "x")


def test_one_filter_goes_round_settings_and_command_line(store, every_facet):
    vocab = store.vocabulary
    assert filter_from_settings(every_facet.to_settings(), vocab) == (every_facet, [])
    parser = argparse.ArgumentParser()
    add_filter_arguments(parser)
    args = parser.parse_args(filter_to_args(every_facet))
    assert filter_from_args(args, vocab) == every_facet
    assert list(every_facet.to_settings())[:5] == [
        "nations",
        "match_nations",
        "themes",
        "match_themes",
        "kinds",
    ]


def test_the_words_and_the_sql_name_each_chosen_facet(store, every_facet):
    words = every_facet.describe(store.vocabulary)
    assert words.startswith(
        "Nations: Japan and Norway · Themes: Resilience · Kinds: Exercise, Statement · "
    )
    shown = store.event_rows(every_facet)
    assert shown
    for row in shown:
        assert {"JPN", "NOR"} <= set(row.nations)
        assert "resilience" in row.themes
        assert row.kind in ("exercise", "statement")
    assert [f.name for f in FACETS] == ["nation", "theme", "kind"]
