"""Is a quote verbatim in its source (data/verbatim.py)? Whitespace never counts; every
other character does, as a reader comparing the quote with the page would see it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cspo_viewer.data import verbatim
from cspo_viewer.data.verbatim import normalise_space, verbatim_in, verbatim_span

SOURCE = (
    "As defence leaders in our respective nations, we unequivocally recognize the\n"
    "strategic importance the space domain has on our economy.\u00a0To that end, we\r\n"
    "collectively share the view that military cooperation concerning the space domain\n\n"
    "is vital to our countries’ interests — and “shared”.\t"
)


@pytest.mark.parametrize(
    "quote",
    [
        "we unequivocally recognize the strategic importance",  # across a line break
        "our economy. To that end",  # a no-break space in the source
        "space domain is vital to our countries’ interests",  # across a blank line
        "  \n the space domain has on our economy.  ",  # the quote's own ends
        "interests\u00a0—\tand “shared”.",  # whitespace of any kind inside the quote
        "As defence leaders",
    ],
)
def test_whitespace_differences_do_not_count(quote):
    assert verbatim_in(quote, SOURCE)


@pytest.mark.parametrize(
    "quote",
    [
        "our countries' interests",  # straight apostrophe for the source's curly one
        'and "shared".',  # straight quotation marks for curly ones
        "interests - and",  # hyphen for the source's em dash
        "interests – and",  # en dash for the source's em dash
        "as defence leaders",  # case
        "To that end,we collectively",  # a space taken out is a change, not whitespace
        "military co-operation",  # a word spelled otherwise
    ],
)
def test_every_other_difference_counts(quote):
    assert not verbatim_in(quote, SOURCE)


def test_curly_quotes_in_the_quote_need_curly_quotes_in_the_source():
    assert not verbatim_in("countries’ interests", "countries' interests")
    assert verbatim_in("countries' interests", "countries'\ninterests")


@pytest.mark.parametrize("quote", ["", "   ", "\n\u00a0\t"])
def test_a_blank_quote_is_never_verbatim(quote):
    assert not verbatim_in(quote, SOURCE)


def test_normalise_space_makes_every_run_of_whitespace_one_space():
    assert normalise_space(" a\u00a0\u00a0b\r\n\n c\u2009d\u202fe\t ") == "a b c d e"
    assert normalise_space("“x”—y") == "“x”—y"


def test_a_megabyte_source_is_made_comparable_once_for_many_quotes():
    """An editor checks each of an event's quotes against the same long source."""
    paragraph = SOURCE + "\n\n"
    text = paragraph * (1_000_000 // len(paragraph)) + "The last words.\n"
    assert len(text) > 990_000
    verbatim._normalised_source.cache_clear()
    found = [verbatim_in(q, text) for q in ("The last words.", "our countries’ interests")]
    missing = [verbatim_in(q, text) for q in ("The last word!", "our countries' interests")]
    assert found == [True, True]
    assert missing == [False, False]
    assert verbatim._normalised_source.cache_info().misses == 1


def test_the_span_of_a_quote_is_where_a_reader_would_highlight_it():
    start, end = verbatim_span("collectively share the view", SOURCE)
    assert SOURCE[start:end] == "collectively share the view"
    start, end = verbatim_span(" the\nstrategic  importance ", SOURCE)
    assert SOURCE[start:end] == "the\nstrategic importance"
    start, end = verbatim_span("economy. To that end,", SOURCE)
    assert SOURCE[start:end] == "economy.\u00a0To that end,"
    assert verbatim_span("our countries' interests", SOURCE) is None
    assert verbatim_span(" \n", SOURCE) is None


_WORDS = st.text(alphabet="ab’—", min_size=1, max_size=4)
_GAPS = st.text(alphabet=" \n\t\u00a0\r", min_size=1, max_size=3)


@given(
    words=st.lists(_WORDS, min_size=1, max_size=12),
    gaps=st.lists(_GAPS, min_size=13, max_size=13),
    ends=st.tuples(st.text(alphabet=" \n", max_size=2), st.text(alphabet=" \n", max_size=2)),
    pick=st.tuples(st.integers(0, 11), st.integers(0, 11)),
)
def test_a_span_found_holds_the_quote_and_verbatim_in_agrees(words, gaps, ends, pick):
    """Any run of words cut from a text with any whitespace is found, and its span,
    read back, is the same words from letter to letter; verbatim_in agrees."""
    text = ends[0] + "".join(word + gap for word, gap in zip(words, gaps, strict=False)) + ends[1]
    first, last = sorted(index % len(words) for index in pick)
    quote = " ".join(words[first : last + 1])
    span = verbatim_span(quote, text)
    assert span is not None
    assert normalise_space(text[span[0] : span[1]]) == quote
    assert not text[span[0]].isspace() and not text[span[1] - 1].isspace()
    assert verbatim_in(quote, text)
    assert verbatim_span(quote + "x", text) is None  # no x anywhere in the text
    assert not verbatim_in(quote + "x", text)
