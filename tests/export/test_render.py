"""The briefing picture itself: size, content, legend colours, marking, title, scaling.

Pixels are read from the rendered ``QImage`` as a numpy array; the layout record that
``render_export`` returns says where the banner, title and legend entries were drawn.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage

from cspo_viewer.data.filters import EventFilter, build_filter
from cspo_viewer.errors import UserError
from cspo_viewer.export import (
    DEFAULT_TITLE,
    ExportData,
    ExportOptions,
    publishers,
    render_export,
    source_lines,
    wrap_words,
)
from cspo_viewer.render.style import KIND_STYLE, kind_color

DAY = date(2025, 1, 15)


def pixels(image: QImage) -> np.ndarray:
    """(height, width, 3) RGB uint8."""
    img = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = img.width(), img.height(), img.bytesPerLine()
    raw = np.frombuffer(img.constBits(), dtype=np.uint8, count=stride * h)
    return raw.reshape(h, stride)[:, : w * 3].reshape(h, w, 3).copy()


def rgb(colour: str) -> np.ndarray:
    c = QColor(colour)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.int16)


def crop(a: np.ndarray, rect: QRectF) -> np.ndarray:
    r = rect.toAlignedRect()
    return a[max(r.top(), 0) : r.bottom() + 1, max(r.left(), 0) : r.right() + 1]


def colour_count(a: np.ndarray, colour: str, tol: int = 3) -> int:
    return int((np.abs(a.astype(np.int16) - rgb(colour)).max(axis=2) <= tol).sum())


@pytest.fixture
def japan(qapp, store) -> ExportData:
    return ExportData.load(store, build_filter(store.vocabulary, nations=["Japan"]))


@pytest.fixture
def everything(qapp, store) -> ExportData:
    return ExportData.load(store, EventFilter())


def filtered_kinds(store, flt: EventFilter) -> set[str]:
    return {row.kind for row in store.event_rows(flt, with_tags=False)}


def test_png_has_the_requested_size_and_is_not_blank(everything):
    image, layout = render_export(everything, ExportOptions(1920, 1080, generated=DAY))
    assert (image.width(), image.height()) == (1920, 1080)
    a = pixels(image)
    background = colour_count(a, layout.background, tol=0)
    assert background < a.shape[0] * a.shape[1] * 0.9  # something is drawn
    assert len(np.unique(a.reshape(-1, 3)[::97], axis=0)) > 50
    assert layout.events_shown == everything.store.total_events()
    assert layout.footer_text == f"Generated 2025-01-15 · cspo-viewer 0.1.0 · {31} events shown"


def test_legend_holds_exactly_the_kinds_shown(japan, store):
    image, layout = render_export(japan, ExportOptions(1920, 1080, generated=DAY))
    shown = filtered_kinds(store, japan.flt)
    assert shown and shown != set(KIND_STYLE)  # the filter hides some kinds
    assert {e.kind for e in layout.legend} == shown == set(layout.kinds_shown)
    a = pixels(image)
    for entry in layout.legend:
        centre = entry.swatch.center()
        sample = a[int(centre.y()), int(centre.x())].astype(np.int16)
        assert np.abs(sample - rgb(kind_color(entry.kind))).max() <= 3, entry
    # No swatch of a hidden kind anywhere in the legend band...
    band = QRectF(0, min(e.swatch.top() for e in layout.legend) - 4, layout.width, 0)
    band.setBottom(max(e.swatch.bottom() for e in layout.legend) + 4)
    legend = crop(a, band)
    for kind in set(KIND_STYLE) - shown:
        assert colour_count(legend, kind_color(kind)) == 0, kind
    for kind in shown:
        assert colour_count(legend, kind_color(kind)) > 20, kind
    # ... nor a marker of one on the timeline (a few antialiased pixels may match by chance).
    plot = crop(a, layout.plot)
    for kind in set(KIND_STYLE) - shown - {"related"}:
        assert colour_count(plot, kind_color(kind)) < 10, kind
    for kind in shown:
        assert colour_count(plot, kind_color(kind)) > 30, kind


def test_marking_banners_top_and_bottom_with_centred_text(everything):
    opts = ExportOptions(1920, 1080, marking="OFFICIAL", generated=DAY)
    image, layout = render_export(everything, opts)
    a = pixels(image)
    top, bottom = layout.banners
    assert top.top() == 0 and bottom.bottom() == layout.height
    for rect in (top, bottom):
        area = crop(a, rect)
        n = area.shape[0] * area.shape[1]
        assert colour_count(area, layout.banner_colour, tol=2) > 0.85 * n
        text = np.abs(area.astype(np.int16) - rgb(layout.banner_text_colour)).max(axis=2) <= 40
        assert 0.005 * n < text.sum() < 0.2 * n  # white bold letters on the band
        cols = np.flatnonzero(text.any(axis=0))
        middle = (cols[0] + cols[-1]) / 2
        assert abs(middle - layout.width / 2) < 6  # centred
    # The same two bands in the dark theme, in colours that stand out there too.
    image, dark = render_export(everything, ExportOptions(1920, 1080, marking="X", theme="dark"))
    assert dark.banner_colour != dark.background
    assert colour_count(crop(pixels(image), dark.banners[0]), dark.banner_colour, tol=2) > 0


def test_no_marking_no_banner(everything):
    image, layout = render_export(everything, ExportOptions(1280, 720))
    assert layout.banners == ()
    top_row = pixels(image)[0]
    assert colour_count(top_row[None], layout.background, tol=0) == layout.width


def test_title_and_subtitle_are_drawn(japan):
    image, layout = render_export(japan, ExportOptions(1920, 1080, generated=DAY))
    a = pixels(image)
    assert layout.subtitle_text == "Nations: Japan · Themes: all"
    for rect in (layout.title, layout.subtitle):
        assert rect is not None and rect.width() > 100
        ink = crop(a, rect)
        dark = (ink.astype(np.int16).sum(axis=2) < 3 * 160).sum()
        assert dark > 0.03 * ink.shape[0] * ink.shape[1]
    # Without a title or subtitle, nothing is drawn there and the timeline moves up.
    _, bare = render_export(japan, ExportOptions(1920, 1080, title="", subtitle=False))
    assert bare.title is None and bare.subtitle is None
    assert bare.plot.top() < layout.plot.top()


def test_parts_never_overlap_and_stay_inside(everything):
    opts = ExportOptions(3508, 2480, marking="OFFICIAL", generated=DAY)
    _, layout = render_export(everything, opts)
    page = QRectF(0, 0, layout.width, layout.height)
    rects = [*layout.banners, layout.title, layout.subtitle, layout.plot, layout.sources]
    rects += [layout.footer, *(e.swatch for e in layout.legend), *(e.text for e in layout.legend)]
    for rect in rects:
        assert rect is not None and page.contains(rect), rect
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert not a.intersects(b), (a, b)


def test_fonts_and_markers_scale_with_the_output(everything):
    sizes = {}
    for w, h in ((1920, 1080), (3840, 2160), (3508, 2480)):
        _, layout = render_export(everything, ExportOptions(w, h))
        sizes[(w, h)] = (layout.scale, layout.title.height(), layout.legend[0].swatch.width())
    hd, uhd, a4 = sizes[(1920, 1080)], sizes[(3840, 2160)], sizes[(3508, 2480)]
    assert hd[0] == pytest.approx(1.5) and uhd[0] == pytest.approx(3.0)
    assert 2.9 < a4[0] < 3.2  # an A4 page at 300 dpi holds about as many pixels as 4K
    assert 2.4 < ExportOptions(2480, 3508).scale < a4[0]  # portrait: limited by the width
    assert uhd[1] == pytest.approx(2 * hd[1], rel=0.08)  # twice the pixels, twice the type
    assert uhd[2] == pytest.approx(2 * hd[2], rel=0.05)


def test_current_view_shows_only_its_dates(everything, store):
    from cspo_viewer.data.dates import to_day

    x_range = (float(to_day("2019-01-01")), float(to_day("2021-01-01")))
    opts = ExportOptions(1920, 1080, x_range=x_range, generated=DAY)
    _, layout = render_export(everything, opts)
    inside = store.count(EventFilter(date_from="2019-01-01", date_to="2020-12-31"))
    assert layout.events_shown == inside < store.total_events()
    assert layout.subtitle_text.endswith("Shown: 2019-01-01 to 2020-12-31")
    assert layout.x_range == x_range


def test_whole_filtered_range_follows_the_filter(qapp, store):
    flt = build_filter(store.vocabulary, date_from="2019", date_to="2024")
    _, layout = render_export(ExportData.load(store, flt), ExportOptions(1280, 720))
    from cspo_viewer.data.dates import from_day

    first, last = from_day(layout.x_range[0]), from_day(layout.x_range[1])
    assert first.year == 2018 and last.year == 2025  # the filter's years plus a margin


def test_lanes_by_nation_and_theme(everything):
    for grouping in ("nation", "theme"):
        image, layout = render_export(everything, ExportOptions(1280, 720, grouping=grouping))
        assert layout.events_shown > 0
        assert colour_count(crop(pixels(image), layout.plot), kind_color("membership")) > 20


def test_no_matching_event_still_says_what_was_asked(qapp, store):
    flt = EventFilter(text="zzzznotaword")
    _, layout = render_export(ExportData.load(store, flt), ExportOptions(1280, 720))
    assert layout.events_shown == 0 and layout.legend == ()
    assert layout.footer_text.endswith("0 events shown")
    assert "Search" in layout.subtitle_text


def test_options_are_validated():
    with pytest.raises(UserError, match="width"):
        ExportOptions(width=100)
    with pytest.raises(UserError, match="theme"):
        ExportOptions(theme="blue")
    with pytest.raises(UserError, match="too large"):
        ExportOptions(width=16000, height=16000)
    assert ExportOptions().title is None  # the years come from the range shown


def test_title_years_are_those_of_the_range_shown(store):
    from cspo_viewer.data.filters import EventFilter
    from cspo_viewer.export import build_page

    everything = build_page(ExportData.load(store, EventFilter()), ExportOptions())
    # The 2011 precursor forum is drawn as context; the years run from the founding.
    assert everything.shown.size == store.total_events()
    assert everything.title == "Combined Space Operations Initiative, 2014–2024"
    asked = build_page(ExportData.load(store, EventFilter(date_from="2011-01-01")), ExportOptions())
    assert asked.title == "Combined Space Operations Initiative, 2011–2024"  # --from rules
    later = build_page(ExportData.load(store, EventFilter(date_from="2019-01-01")), ExportOptions())
    assert later.title == "Combined Space Operations Initiative, 2019–2024"
    precursor = EventFilter(kinds=("other",), date_to="2013-12-31")
    alone = build_page(ExportData.load(store, precursor), ExportOptions())
    assert alone.title == "Combined Space Operations Initiative, 2011"  # no founding shown
    japan = EventFilter(nations=("JPN",))
    page = build_page(ExportData.load(store, japan), ExportOptions())
    assert page.title == "Combined Space Operations Initiative, 2023–2024"
    given = build_page(ExportData.load(store, japan), ExportOptions(title=DEFAULT_TITLE))
    assert given.title == DEFAULT_TITLE


def test_source_line_names_the_most_cited_and_counts_the_rest(store):
    names = publishers(store, EventFilter())
    assert names[0] == "German Federal Ministry of Defence (BMVg)"  # four sources cited
    assert len(names) == len({n.casefold() for n in names})

    def fits(text: str) -> bool:
        return len(text) <= 80

    lines = source_lines(names, fits)
    assert 1 <= len(lines) <= 2 and all(fits(line) for line in lines)
    assert lines[0].startswith("Sources: " + names[0])
    text = " ".join(lines).removeprefix("Sources: ")
    named, more = text.rsplit(" +", 1)
    named = named.removesuffix(";")
    assert named.split("; ") == names[: len(named.split("; "))]
    assert len(named.split("; ")) + int(more.removesuffix(" more")) == len(names)
    assert source_lines(names[:2], lambda s: len(s) <= 200) == [f"Sources: {names[0]}; {names[1]}"]
    # two names that do not share a line: the second goes to the next (a width from the
    # names themselves, so the record's publishers can change)
    first = f"Sources: {names[0]};"
    assert source_lines(names[:2], lambda s: len(s) <= len(first)) == [first, names[1]]
    assert source_lines([], fits) == ["Sources: none recorded for these events"]


def test_wrap_words_elides_the_last_line():
    lines = wrap_words("a b c d e f g h", lambda s: len(s) <= 5, 2)
    assert lines == ["a b c", "d e…"]
    assert wrap_words("short", lambda s: len(s) <= 5, 2) == ["short"]


def test_png_encoding_is_lossless_and_carries_its_resolution(everything, tmp_path):
    from cspo_viewer.export import png_bytes

    image, _ = render_export(everything, ExportOptions(640, 360, marking="OFFICIAL"))
    path = tmp_path / "t.png"
    path.write_bytes(png_bytes(image, {"Title": "Zeitstrahl – ä", "Warning": "OFFICIAL"}))
    back = QImage(str(path))
    assert np.array_equal(pixels(back), pixels(image))
    assert round(back.dotsPerMeterX() * 0.0254) == 300
    assert back.text("Title") == "Zeitstrahl – ä" and back.text("Warning") == "OFFICIAL"


SIZES = [(3840, 2160), (1920, 1080), (3508, 2480)]


@pytest.mark.parametrize("marking", ["", "OFFICIAL"])
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_bundled_event_is_named_on_the_timeline(everything, width, height, marking):
    """The measured goal: 31 of 31 named on the timeline itself (not in a key), at the
    two slide sizes and an A4 page, each label beside its own marker; the marking's
    banners take room, but not names."""
    options = ExportOptions(width=width, height=height, marking=marking)
    _, layout = render_export(everything, options)
    assert layout.events_shown == 31
    assert layout.named == 31 and layout.keyed == 0 and layout.uncounted == 0
    assert layout.key is None
    plan = layout.plan
    for lp in plan.lanes:
        where = dict(
            zip(lp.marker_event, zip(lp.marker_x, lp.marker_row, strict=True), strict=True)
        )
        for x, w, row, ev in zip(
            lp.label_x, lp.label_width, lp.label_row, lp.label_event, strict=True
        ):
            mx, mrow = where[ev]
            assert row == mrow and (x > mx or x + w < mx)


def test_labels_are_legible_when_projected():
    """11 pt on a 13.33 in slide: 44 px at 4K, 22 px at 1080p; 11 pt at 300 dpi on A4."""
    assert ExportOptions(width=3840, height=2160).label_px >= 44
    assert ExportOptions(width=1920, height=1080).label_px >= 22
    assert ExportOptions(width=3508, height=2480).label_px >= 45.5


def test_japan_export_names_its_six_and_draws_no_empty_lane(japan):
    _, layout = render_export(japan, ExportOptions(width=1920, height=1080))
    assert layout.events_shown == 6 and layout.named == 6
    assert all(len(lp.marker_event) for lp in layout.plan.lanes)  # no lane without events


def test_no_members_leaves_the_strip_out(everything):
    from cspo_viewer.export import build_page

    with_strip = build_page(everything, ExportOptions())
    without = build_page(everything, ExportOptions(members=False))
    assert len(with_strip.content.members) == 10 and without.content.members == ()


def test_a_crowded_small_page_numbers_what_it_cannot_name(everything):
    """Too small to name all: the rest are numbered beside their markers and listed in
    the key, so nothing on the page is anonymous."""
    _, layout = render_export(everything, ExportOptions(width=900, height=420))
    assert layout.named < 31
    assert layout.named + layout.keyed + layout.uncounted == 31
    assert layout.key is not None and len(layout.key_lines) >= 1
    numbered = [line for line in layout.key_lines if line.startswith("[")]
    assert len(numbered) == layout.keyed
    listed = (
        len(layout.key_lines) - 1
        if "more events" in layout.key_lines[-1]
        else len(layout.key_lines)
    )
    assert listed + layout.named <= 31
    if listed + layout.named < 31:
        assert "more events not named" in layout.key_lines[-1]


def test_pinned_event_is_named_first(everything):
    small = ExportOptions(width=900, height=420)
    _, plain = render_export(everything, small)
    table = everything.table
    unnamed = [i for i in range(len(table)) if i not in plain.plan.named()]
    target = str(table.ids[unnamed[0]])
    pinned = ExportOptions(width=900, height=420, pinned=(target,))
    _, layout = render_export(everything, pinned)
    assert table.index_of(target) in layout.plan.named()


def test_typed_title_and_marking_cannot_break_the_svg(everything, tmp_path):
    import xml.etree.ElementTree as ET

    from cspo_viewer.export import write_export

    options = ExportOptions(width=1280, height=720, title="Brief \uffff", marking="OFF\ufffeICIAL")
    target = tmp_path / "t.svg"
    write_export(target, everything, options)
    root = ET.parse(target).getroot()  # a character XML forbids would not parse
    assert root.tag.endswith("svg")


def test_current_view_title_and_count_are_the_range_shown(everything):
    from cspo_viewer.data.dates import to_day
    from cspo_viewer.export import build_page

    year = (float(to_day("2017-01-01")), float(to_day("2018-01-01")))
    page = build_page(everything, ExportOptions(x_range=year))
    assert page.title == "Combined Space Operations Initiative, 2017"
    shown = {str(everything.table.ids[i]) for i in page.shown}
    assert "2016-01-01-france-germany-observers" not in shown  # ends where 2017 begins
    assert "2017-01-01-france-germany-associates" in shown


@pytest.mark.parametrize("grouping", ["nation", "theme"])
@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160), (3508, 2480)])
def test_lanes_by_nation_and_theme_name_every_event_once(everything, grouping, size):
    _, layout = render_export(everything, ExportOptions(*size, grouping=grouping))
    titles = [
        ev
        for lp in layout.plan.lanes
        for ev, key in zip(lp.label_event, lp.label_key, strict=True)
        if not key
    ]
    assert len(titles) == len(set(titles))  # each named once
    assert layout.named == layout.events_shown == len(everything.table)
    assert not any(len(lp.cluster_count) for lp in layout.plan.lanes)  # no "+N" badge
