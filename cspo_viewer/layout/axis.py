"""Date-axis ticks chosen from the measured width of their labels (no Qt).

The x unit is days since 2000-01-01 (``cspo_viewer.data.dates``). A tick step is only as
fine as its labels allow: each candidate step, from one day to a thousand years, is tried
finest first with the real label texts measured by the caller (the painter's font
metrics), and the first whose labels keep ``min_gap_px`` between neighbours wins. Widths
are never estimated, so "Sep 2014" and "May" each take their own room, and a 3x export
font simply picks a coarser step.

Geometry (the axis draws exactly this): a tick at day ``d`` sits at
``(d - x0) / (x1 - x0) * width_px`` and its label is centred on it; a label that would
stick out of ``[0, width_px]`` is not drawn (its tick is, with an empty text). The first
drawn label always names its year ("27 Nov 2023", "Aug 2023", "Q2 2014"), so a zoomed-in
axis with no 1 January in view still says which year it shows.

Ticks are generated lazily and a candidate is abandoned at its first collision, so the
work per call is bounded by the number of labels that fit, not by the span in days.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from cspo_viewer.data.dates import EPOCH

_EPOCH_ORD = EPOCH.toordinal()
FIRST_DAY = date(1, 1, 1).toordinal() - _EPOCH_ORD
LAST_DAY = date(9999, 12, 31).toordinal() - _EPOCH_ORD
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class Tick(NamedTuple):
    """One tick: ``day`` in timeline units, its label ("" when unlabelled), and whether it
    belongs to the chosen (labelled) step rather than the finer unlabelled subdivision.
    A named tuple: every zoom or pan step makes a hundred or so."""

    day: float
    text: str
    major: bool


Measure = Callable[[str], float]


def _day(d: date) -> int:
    return d.toordinal() - _EPOCH_ORD


def _date(day: int) -> date:
    return date.fromordinal(day + _EPOCH_ORD)


# --- tick positions ---------------------------------------------------------------------
def _odd_days(length: int) -> range:
    # 1, 3, 5 ...; stops before the month's last day so the next month's 1st is 2-3 days on.
    return range(1, length, 2)


_DAY_SETS: dict[str, Callable[[int], Iterable[int]]] = {
    "day": lambda length: range(1, length + 1),
    "2 days": _odd_days,
    "5 days": lambda length: (1, 6, 11, 16, 21, 26),
    "week": lambda length: (1, 8, 15, 22),
    "half-month": lambda length: (1, 16),
}


def _days_of_month(lo: int, hi: int, pick: Callable[[int], Iterable[int]]) -> Iterator[int]:
    d = _date(lo)
    y, m = d.year, d.month
    while True:
        length = calendar.monthrange(y, m)[1]
        base = _day(date(y, m, 1)) - 1
        for dom in pick(length):
            day = base + dom
            if day > hi:
                return
            if day >= lo:
                yield day
        if y == 9999 and m == 12:
            return
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def _month_starts(lo: int, hi: int, step: int) -> Iterator[int]:
    d = _date(lo)
    k = d.year * 12 + d.month - 1
    if d.day != 1:
        k += 1
    k = -(-k // step) * step
    while k < 10000 * 12:
        day = _day(date(k // 12, k % 12 + 1, 1))
        if day > hi:
            return
        yield day
        k += step


def _year_starts(lo: int, hi: int, step: int) -> Iterator[int]:
    d = _date(lo)
    y = d.year + (d.month != 1 or d.day != 1)
    y = max(step, -(-y // step) * step)
    while y <= 9999:
        day = _day(date(y, 1, 1))
        if day > hi:
            return
        yield day
        y += step


# --- labels ---------------------------------------------------------------------------
def _day_full(d: date) -> str:
    if d.month == 1 and d.day == 1:
        return f"1 Jan {d.year}"
    return f"{d.day} {MONTHS[d.month - 1]}"


def _day_context(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def _day_concise(d: date) -> str:
    if d.day == 1:
        return str(d.year) if d.month == 1 else MONTHS[d.month - 1]
    return str(d.day)


def _month_full(d: date) -> str:
    return f"{MONTHS[d.month - 1]} {d.year}"


def _month_concise(d: date) -> str:
    return str(d.year) if d.month == 1 else MONTHS[d.month - 1]


def _quarter_full(d: date) -> str:
    return f"Q{(d.month - 1) // 3 + 1} {d.year}"


def _quarter_concise(d: date) -> str:
    return str(d.year) if d.month == 1 else f"Q{(d.month - 1) // 3 + 1}"


def _year(d: date) -> str:
    return str(d.year)


_DAY_LABELS = (_day_full, _day_concise)
_MONTH_LABELS = (_month_full, _month_concise)


@dataclass(frozen=True)
class _Step:
    name: str
    mean_days: float
    ticks: Callable[[int, int], Iterator[int]]
    labels: tuple[Callable[[date], str], ...]  # richest first
    context: Callable[[date], str]  # the first label's form: it always names the year
    minors: tuple[str, ...]  # finer steps nested in this one, finest first


def _days_step(name: str, mean: float, minors: tuple[str, ...]) -> _Step:
    pick = _DAY_SETS[name]
    return _Step(
        name, mean, lambda lo, hi: _days_of_month(lo, hi, pick), _DAY_LABELS, _day_context, minors
    )


def _months_step(name: str, n: int, labels: tuple, minors: tuple[str, ...]) -> _Step:
    ticks = lambda lo, hi: _month_starts(lo, hi, n)  # noqa: E731
    return _Step(name, n * 30.44, ticks, labels, labels[0], minors)


def _years_step(n: int, minors: tuple[str, ...]) -> _Step:
    name = "year" if n == 1 else f"{n} years"
    return _Step(name, n * 365.25, lambda lo, hi: _year_starts(lo, hi, n), (_year,), _year, minors)


STEPS: tuple[_Step, ...] = (
    _days_step("day", 1.0, ()),
    _days_step("2 days", 2.0, ("day",)),
    _days_step("5 days", 5.0, ("day",)),
    _days_step("week", 7.6, ("day",)),
    _days_step("half-month", 15.2, ("5 days",)),
    _months_step("month", 1, _MONTH_LABELS, ("week",)),
    _months_step("quarter", 3, (_quarter_full, _quarter_concise), ("month",)),
    _months_step("half-year", 6, _MONTH_LABELS, ("month", "quarter")),
    _years_step(1, ("month", "quarter")),
    _years_step(2, ("year",)),
    _years_step(5, ("year",)),
    _years_step(10, ("year", "2 years", "5 years")),
    _years_step(20, ("2 years", "5 years", "10 years")),
    _years_step(25, ("5 years",)),
    _years_step(50, ("5 years", "10 years", "25 years")),
    _years_step(100, ("10 years", "20 years", "25 years", "50 years")),
    _years_step(200, ("20 years", "50 years", "100 years")),
    _years_step(250, ("25 years", "50 years")),
    _years_step(500, ("50 years", "100 years", "250 years")),
    _years_step(1000, ("100 years", "200 years", "250 years", "500 years")),
)
_BY_NAME = {s.name: s for s in STEPS}


# --- choosing -------------------------------------------------------------------------
def _names_year(text: str, d: date) -> bool:
    return text == str(d.year) or text.endswith(f" {d.year}")


def _try(
    step: _Step,
    label: Callable[[date], str],
    lo: int,
    hi: int,
    to_px: Callable[[float], float],
    width_px: float,
    measure: Measure,
    min_gap_px: float,
    cap: int,
    context: bool = True,
) -> list[Tick] | None:
    """The step's ticks with labels, or None at the first pair of labels closer than
    ``min_gap_px`` (or when there are more ticks than could ever carry labels).

    The first drawn label takes the step's context form ("27 Nov 2023" before "28", "29"),
    so the axis names its year even when no 1 January is in view; the few labels that
    longer text would touch are left out rather than making the whole step coarser. If
    one of those names a year itself ("2012" after "Jul 2011"), the year is there to read
    and the first label stays plain instead.
    """
    out: list[Tick] = []
    right = -math.inf  # right edge of the last drawn label
    context_right: float | None = None  # right edge of the context label, once drawn
    for day in step.ticks(lo, hi):
        if len(out) >= cap:
            return None
        d = _date(day)
        text = label(d)
        if context and context_right is None and not _names_year(text, d):
            text = step.context(d)
        x = to_px(day)
        year = _names_year(text, d)
        if right == context_right and x < right + min_gap_px and not year:
            out.append(Tick(float(day), "", True))  # under the context label, however short
            continue
        w = measure(text)
        left = x - w / 2
        if left < 0 or x + w / 2 > width_px:
            out.append(Tick(float(day), "", True))  # its label would be cut by the edge
            continue
        if left < right + min_gap_px:
            if right != context_right:
                return None
            if year:  # the year is there to read: the first label can stay plain
                args = (lo, hi, to_px, width_px, measure, min_gap_px, cap)
                return _try(step, label, *args, context=False)
            out.append(Tick(float(day), "", True))  # under the context label
            continue
        right = x + w / 2
        if context and context_right is None:
            context_right = right
        out.append(Tick(float(day), text, True))
    return out


def _minors(
    step: _Step, majors: list[Tick], lo: int, hi: int, px_per_day: float, min_px: float
) -> list[Tick]:
    """The finest nested subdivision (at most about 12 per step) whose ticks are at least
    ``min_px`` apart (the label gap: grid lines no denser than the words), so the count
    stays a small multiple of the labels'."""
    taken = {t.day for t in majors}
    for name in step.minors:
        minor = _BY_NAME[name]
        if minor.mean_days * px_per_day < min_px:
            continue
        return [Tick(float(d), "", False) for d in minor.ticks(lo, hi) if d not in taken]
    return []


def date_ticks(
    x0: float,
    x1: float,
    width_px: float,
    measure: Measure,
    min_gap_px: float,
) -> list[Tick]:
    """Ticks for the days ``x0..x1`` drawn over ``width_px``, labels centred on their ticks.

    The finest step whose measured labels all keep ``min_gap_px`` apart and that shows at
    least two labels is chosen; failing two, the finest showing one; failing that, no
    ticks. Labelled ticks come first in the list (in day order), then the unlabelled
    subdivision. Days outside years 1..9999 get no ticks.
    """
    if not (math.isfinite(x0) and math.isfinite(x1) and math.isfinite(width_px)):
        return []
    if x1 <= x0 or width_px <= 0:
        return []
    lo, hi = max(math.ceil(x0), FIRST_DAY), min(math.floor(x1), LAST_DAY)
    if lo > hi:
        return []
    px_per_day = width_px / (x1 - x0)

    def to_px(day: float) -> float:
        return (day - x0) * px_per_day

    narrowest = max(1e-6, min(measure("1"), measure("0")) + max(0.0, min_gap_px))
    cap = int(2 * width_px / narrowest) + 6
    gap = max(0.0, min_gap_px)
    fallback: tuple[_Step, list[Tick]] | None = None
    for step in STEPS:
        if (hi - lo) / step.mean_days > cap:
            continue
        for label in step.labels:
            ticks = _try(step, label, lo, hi, to_px, width_px, measure, gap, cap)
            if ticks is None:
                continue
            shown = sum(1 for t in ticks if t.text)
            if shown >= 2:
                return ticks + _minors(step, ticks, lo, hi, px_per_day, max(4.0, gap))
            if shown == 1 and fallback is None:
                fallback = (step, ticks)
    if fallback is None:
        return []
    step, ticks = fallback
    return ticks + _minors(step, ticks, lo, hi, px_per_day, max(4.0, gap))
