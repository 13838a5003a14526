"""Is a quote verbatim in its source (data/verbatim.py)? Whitespace never counts; every
other character does, as a reader comparing the quote with the page would see it."""

from __future__ import annotations

import pytest

from cspo_viewer.data import verbatim
from cspo_viewer.data.verbatim import normalise_space, verbatim_in

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
