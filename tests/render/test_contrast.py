"""Contrast of the timeline's colours, computed from the palette (WCAG 2 AA), light and
dark: every label at least 4.5:1 on what it is drawn over, and the graphics a reader must
make out (the membership strip's steps, the observer and associate bars, the related
lane's markers) at least 3:1."""

from __future__ import annotations

import pytest

from cspo_viewer.render.palette import (
    GRAPHIC_CONTRAST,
    TEXT_CONTRAST,
    RenderLook,
    blend,
    contrast,
)
from cspo_viewer.render.style import KIND_STYLE, kind_color
from cspo_viewer.render.views import member_colour
from tests.render_support import LOOKS


def test_contrast_is_computed_as_wcag_says():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert blend("#000000", "#ffffff", 0.5) == "#808080"


def label_grounds(look: RenderLook) -> list[str]:
    """What a label's text can sit on: its halo over any lane band, and over any kind's
    period bar (a label beside a month or year event covers the rest of its bar)."""
    unders = [*look.bands]
    unders += [look.span_colour(kind_color(k, look.is_dark)) for k in KIND_STYLE]
    return [blend(look.label_halo, under, look.halo_alpha) for under in unders]


@LOOKS
def test_every_label_reads_at_aa(look):
    for ground in label_grounds(look):
        for role, text in (("title", look.text), ("key number", look.muted_text)):
            assert contrast(text, ground) >= TEXT_CONTRAST, (role, text, ground)
        assert contrast(look.selection, ground) >= TEXT_CONTRAST  # the selected title
    # Lane headers, date axis, the strip's join names and the selection's callout.
    for text in (look.text, look.muted_text, look.selection):
        assert contrast(text, look.background) >= TEXT_CONTRAST


@LOOKS
def test_related_lane_reads(look):
    """Operation Olympic Defender's lane: grey on grey, but readable."""
    ground = blend(look.label_halo, look.related_band, look.halo_alpha)
    assert contrast(look.text, ground) >= TEXT_CONTRAST
    assert contrast(look.muted_text, ground) >= TEXT_CONTRAST
    for band in look.bands:
        assert contrast(kind_color("related", look.is_dark), band) >= GRAPHIC_CONTRAST


@LOOKS
@pytest.mark.parametrize("total", range(1, 11))
def test_membership_strip_steps_stand_out_and_deepen(look, total):
    steps = look.member_steps(total)
    assert len(steps) == total
    for step in steps:
        assert contrast(step, look.background) >= GRAPHIC_CONTRAST
        assert contrast(look.text_on(step), step) >= TEXT_CONTRAST  # the count inside
    ratios = [contrast(step, look.background) for step in steps]
    assert ratios == sorted(ratios) and (total == 1 or ratios[-1] > ratios[0])


@LOOKS
def test_period_bars_stand_out_on_every_lane(look):
    """France's and Germany's observer (2016) and associate (2017) years are membership
    bars; every kind's bar is held to the same."""
    for kind in KIND_STYLE:
        bar = look.span_colour(kind_color(kind, look.is_dark))
        for band in look.bands:
            assert contrast(bar, band) >= GRAPHIC_CONTRAST, (kind, bar, band)


@LOOKS
def test_scaled_looks_keep_their_colours(look):
    big = look.scaled(3.0)
    assert big.member_steps(10) == look.member_steps(10)
    assert big.span_colour("#0072B2") == look.span_colour("#0072B2")


@LOOKS
def test_full_membership_fill_carries_white_counts_and_stands_out(look):
    """The participation matrix's counts and the growth chart's "Member" bar labels are
    white on the full-membership fill; the fill itself must stand out from the page."""
    fill = member_colour(look)
    assert contrast("#ffffff", fill) >= TEXT_CONTRAST
    assert contrast(fill, look.background) >= GRAPHIC_CONTRAST
