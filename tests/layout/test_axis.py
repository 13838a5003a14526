"""Date-axis ticks without Qt: labels never overprint, at any span and width.

The geometry checked here is the one the axis draws: a tick at ``(day - x0) / (x1 - x0) *
width`` with its label centred on it, labels sticking out of the axis not drawn.
"""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
from datetime import date, timedelta

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from cspo_viewer.data.dates import EPOCH, to_day
from cspo_viewer.layout.axis import FIRST_DAY, LAST_DAY, Tick, date_ticks

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
WIDEST = "27 Nov 2023"  # the longest label any step uses
YEARS_2000 = 2000 * 365.25


def mono(k: float):
    return lambda s: len(s) * k


def proportional(digit: float, letter: float, space: float):
    return lambda s: sum(digit if c.isdigit() else letter if c.isalpha() else space for c in s)


measures = st.one_of(
    st.builds(mono, st.sampled_from([3.0, 5.5, 7.0, 9.0, 12.0, 21.0])),
    st.builds(
        proportional,
        st.floats(3, 20),
        st.floats(3, 30),
        st.floats(1, 10),
    ),
)


@st.composite
def ranges(draw) -> tuple[float, float]:
    """A span of 1 day .. 2,000 years, anywhere in years 1..9999, not on whole days."""
    span = math.exp(draw(st.floats(0, math.log(YEARS_2000))))
    x0 = draw(st.floats(FIRST_DAY, LAST_DAY - span))
    return x0, x0 + span


def to_date(day: float) -> date:
    assert day == int(day), "ticks fall on midnights"
    return EPOCH + timedelta(days=int(day))


def names_date(text: str, d: date) -> bool:
    """Whether ``text`` is one of the ways the axis may name the day ``d``."""
    mon, q = MONTHS[d.month - 1], (d.month - 1) // 3 + 1
    ok = set()
    ok.add(f"{d.day} {mon} {d.year}")  # the first label of a day step names its year
    if (d.month, d.day) == (1, 1):
        ok |= {str(d.year), f"1 Jan {d.year}", f"Jan {d.year}", f"Q1 {d.year}"}
    elif d.day == 1:
        ok |= {f"1 {mon}", mon, f"{mon} {d.year}"}
        if d.month in (4, 7, 10):
            ok |= {f"Q{q}", f"Q{q} {d.year}"}
    else:
        ok |= {str(d.day), f"{d.day} {mon}"}
    return text in ok


def names_year(t: Tick) -> bool:
    year = str(to_date(t.day).year)
    return t.text == year or t.text.endswith(" " + year)


def label_boxes(ticks: list[Tick], x0, x1, width, measure) -> list[tuple[float, float, str]]:
    px = width / (x1 - x0)
    boxes = []
    for t in ticks:
        if t.text:
            x, w = (t.day - x0) * px, measure(t.text)
            boxes.append((x - w / 2, x + w / 2, t.text))
    return sorted(boxes)


def check(x0, x1, width, measure, gap) -> list[Tick]:
    calls = []

    def counting(s: str) -> float:
        calls.append(s)
        return measure(s)

    ticks = date_ticks(x0, x1, width, counting, gap)
    days = [t.day for t in ticks]
    assert len(set(days)) == len(days), "one tick per day"
    for t in ticks:
        assert x0 <= t.day <= x1 and FIRST_DAY <= t.day <= LAST_DAY
        d = to_date(t.day)
        if t.text:
            assert t.major
            assert names_date(t.text, d), (t.text, d)
    majors = [t.day for t in ticks if t.major]
    assert majors == sorted(majors)

    # No axis leaves the reader guessing the year: the first label names it, or the labels
    # before the first one that does fall in the year just before (the first label stays
    # plain rather than hide that year's label).
    labelled = [t for t in ticks if t.text]
    if labelled:
        first = next(i for i, t in enumerate(labelled) if names_year(t))
        year = to_date(labelled[first].day).year
        assert all(to_date(t.day).year == year - 1 for t in labelled[:first]), labelled

    boxes = label_boxes(ticks, x0, x1, width, measure)
    for left, right, text in boxes:
        assert left >= 0 and right <= width, f"{text!r} cut by the axis end"
    for (_, r1, a), (l2, _, b) in itertools.pairwise(boxes):
        assert l2 - r1 >= gap - 1e-9, f"{a!r} and {b!r} only {l2 - r1:.1f} px apart"

    # Bounded work: a per-frame call measures about as many labels as could fit, and the
    # unlabelled subdivision is a small multiple of the labels, whatever the span in days.
    fit = width / (min(measure("1"), measure("0")) + gap)
    assert len(calls) <= 3 * fit + 120
    assert len(ticks) <= 13 * (2 * fit + 6)

    # Two labels whenever the width leaves room: if every label fits eight times over
    # and the span holds a few midnights, some step shows at least two.
    room = measure(WIDEST) + gap
    if width >= 8 * room and x1 - x0 >= 3:
        assert len(boxes) >= 2
        # ...and the step is no coarser than it must be: neighbours are at most the
        # widest label (plus gap) times the largest ratio between adjacent steps apart,
        # or a few days when even single days have room.
        px_per_day = width / (x1 - x0)
        limit = max(3.4 * room, 3.01 * px_per_day)
        centres = [(a + b) / 2 for a, b, _ in boxes]
        assert max(b - a for a, b in itertools.pairwise(centres)) <= limit
    return ticks


@settings(max_examples=800, deadline=None)
@given(ranges(), st.floats(200, 8000), measures, st.floats(0, 30))
@example((to_day("1815-01-01"), to_day("1985-12-31")), 1600.0, mono(7.0), 10.0)
@example((to_day("2014-01-01"), to_day("2024-12-31")), 1600.0, mono(7.0), 10.0)
@example((FIRST_DAY - 0.5, FIRST_DAY + 3.5), 800.0, mono(7.0), 10.0)
@example((LAST_DAY - 3.5, LAST_DAY + 0.5), 800.0, mono(7.0), 10.0)
def test_labels_never_overlap_and_name_their_dates(span, width, measure, gap):
    x0, x1 = span
    check(x0, x1, width, measure, gap)


@settings(max_examples=300, deadline=None)
@given(st.floats(-1e9, 1e9), st.floats(0, 1e10), st.floats(1, 8000), measures)
def test_any_range_is_safe(x0, span, width, measure):
    """Ranges far beyond years 1..9999 clamp: ticks only on real dates, never an error."""
    assume(span > 0 and x0 + span > x0)
    for t in date_ticks(x0, x0 + span, width, measure, 8.0):
        assert FIRST_DAY <= t.day <= LAST_DAY and x0 <= t.day <= x0 + span


def test_a_two_century_record_reads_in_years():
    """The TimelineJS record of 1815-1985 on a 1600 px axis: years a few apart, never the
    run of digits "182018251830" the old thresholds drew."""
    x0, x1 = to_day("1815-01-01"), to_day("1985-12-31")
    ticks = check(x0, x1, 1600, mono(7.0), 10.0)
    texts = [t.text for t in ticks if t.text]
    years = [int(s) for s in texts]
    assert years == list(range(1820, 1985, 5))


def test_a_wider_font_picks_a_coarser_step():
    """The 4K export's font (3x) gets fewer, equally readable labels over the same span."""
    x0, x1 = to_day("2014-01-01"), to_day("2024-12-31")
    screen = [t.text for t in check(x0, x1, 1600, mono(7.0), 10.0) if t.text]
    slide = [t.text for t in check(x0, x1, 1600, mono(21.0), 30.0) if t.text]
    assert "Q2" in screen and "2015" in screen
    assert slide == [str(y) for y in range(2015, 2025, 2)] or slide == [
        str(y) for y in range(2015, 2025)
    ]


def test_label_formats_follow_the_step():
    """Days carry their month, months their year, and the compact forms keep context on
    the first of the month and of the year; the first label always names the year."""
    x0 = to_day("2023-11-27") - 0.5
    days = [t.text for t in date_ticks(x0, x0 + 10, 1600, mono(7.0), 10.0) if t.text]
    assert days[:6] == ["27 Nov 2023", "28 Nov", "29 Nov", "30 Nov", "1 Dec", "2 Dec"]
    x0 = to_day("2023-06-20")
    weeks = [t.text for t in date_ticks(x0, x0 + 365, 1600, mono(7.0), 10.0) if t.text]
    assert weeks[:6] == ["1 Jul 2023", "15", "22", "Aug", "8", "15"]
    months = [t.text for t in date_ticks(x0, x0 + 365, 500, mono(7.0), 10.0) if t.text]
    assert months[:6] == ["Aug 2023", "Oct", "Nov", "Dec", "2024", "Feb"]
    wide = [t.text for t in date_ticks(x0, x0 + 365, 1400, mono(7.0), 40.0) if t.text]
    assert wide[:3] == ["Jul 2023", "Aug 2023", "Sep 2023"]


def test_nothing_to_show():
    assert date_ticks(10, 10, 800, mono(7), 10) == []
    assert date_ticks(10, 5, 800, mono(7), 10) == []
    assert date_ticks(0, 100, 0, mono(7), 10) == []
    assert date_ticks(float("nan"), 100, 800, mono(7), 10) == []
    assert date_ticks(0.2, 0.8, 800, mono(7), 10) == []  # no midnight in range


def test_module_needs_no_qt():
    code = "import sys, cspo_viewer.layout.axis; print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
