"""Who takes part: nations (rows) by years (columns), each cell the number of matching
events that nation took part in that year and its membership status then (no Qt).

An event counts in every year its dates touch (the filter's own rule: start to end
date), so a cell's count is exactly what ``cell_filter`` then lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cspo_viewer.data.dates import from_day, to_day
from cspo_viewer.data.filters import EventFilter
from cspo_viewer.data.records import Nation
from cspo_viewer.data.table import EventTable
from cspo_viewer.layout.membership import MembershipSeries, year_start

NONE, OBSERVER, ASSOCIATE, JOINED, MEMBER = range(5)
STATUS_NAMES = {
    NONE: "Not a member",
    OBSERVER: "Observer",
    ASSOCIATE: "Associate",
    JOINED: "Joined that year",
    MEMBER: "Member all year",
}


@dataclass(frozen=True)
class ParticipationMatrix:
    codes: tuple[str, ...]  # rows: nation codes, in order of joining
    names: tuple[str, ...]
    years: tuple[int, ...]  # columns
    counts: np.ndarray  # int (rows, columns): events the nation took part in that year
    status: np.ndarray  # int8 (rows, columns): NONE .. MEMBER
    joined_fraction: np.ndarray  # float (rows, columns): share of the year before joining
    before: np.ndarray  # int8 (rows, columns): in a JOINED cell, the status until then
    spans: tuple[tuple[float, float], ...]  # per column: first day, day after the last

    @property
    def total(self) -> int:
        return int(self.counts.sum())


def build_participation(
    table: EventTable,
    mask: np.ndarray,
    nations: Sequence[Nation],
    series: MembershipSeries,
    flt: EventFilter,
) -> ParticipationMatrix:
    """The matrix of the events in ``mask``. Rows are the filter's nations (all nations
    when it names none); columns the years of the filter's dates, else of the matching
    events."""
    order = [n for n in nations if not flt.nations or n.code in flt.nations]
    codes = tuple(n.code for n in order)
    lo_day, hi_day = _days(table, mask, flt)
    first, last = from_day(lo_day).year, from_day(hi_day - 1).year
    years = tuple(range(first, last + 1))
    spans = tuple(
        (
            max(year_start(y), lo_day),
            min(year_start(y + 1), hi_day),
        )
        for y in years
    )
    counts = np.zeros((len(codes), len(years)), dtype=np.int64)
    pairs = table.nations
    row_of = np.full(len(pairs.names), -1, dtype=np.int64)  # tag index -> matrix row
    for i, code in enumerate(codes):
        if code in pairs.names:
            row_of[pairs.names.index(code)] = i
    if len(pairs.event) and years:
        keep = mask[pairs.event] & (row_of[pairs.tag] >= 0)
        ev, rows = pairs.event[keep], row_of[pairs.tag[keep]]
        start, last_day = table.start[ev], table.end[ev] - 1
        for col, (a, b) in enumerate(spans):
            touch = (start < b) & (last_day >= a)
            counts[:, col] = np.bincount(rows[touch], minlength=len(codes))
    status, fraction, before = _status(codes, years, series)
    return ParticipationMatrix(
        codes=codes,
        names=tuple(n.name for n in order),
        years=years,
        counts=counts,
        status=status,
        joined_fraction=fraction,
        before=before,
        spans=spans,
    )


def _days(table: EventTable, mask: np.ndarray, flt: EventFilter) -> tuple[float, float]:
    """First day and the day after the last that the columns cover."""
    chosen = np.flatnonzero(mask)
    if len(chosen):
        lo, hi = float(table.start[chosen].min()), float(table.end[chosen].max())
    elif len(table):
        lo, hi = float(table.start.min()), float(table.end.max())
    else:
        lo, hi = float(to_day("2014-01-01")), float(to_day("2025-01-01"))
    if flt.date_from:
        lo = float(to_day(flt.date_from))
    if flt.date_to:
        hi = float(to_day(flt.date_to)) + 1
    return lo, max(hi, lo + 1)


def _status(
    codes: Sequence[str], years: Sequence[int], series: MembershipSeries
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    status = np.zeros((len(codes), len(years)), dtype=np.int8)
    before = np.zeros((len(codes), len(years)), dtype=np.int8)
    fraction = np.zeros((len(codes), len(years)), dtype=np.float64)
    for r, code in enumerate(codes):
        acc = series.joined.get(code)
        spans = [s for s in series.statuses if s.code == code]
        for c, year in enumerate(years):
            y0, y1 = year_start(year), year_start(year + 1)
            held = [s for s in spans if s.start < y1 and s.end > y0]
            pre = (
                ASSOCIATE
                if any(s.status == "associate" for s in held)
                else (OBSERVER if held else NONE)
            )
            if acc is not None and acc.day <= y0:
                status[r, c] = MEMBER
            elif acc is not None and acc.day < y1:
                status[r, c], before[r, c] = JOINED, pre
                fraction[r, c] = (acc.day - y0) / (y1 - y0)
            else:
                status[r, c] = pre
    return status, fraction, before


def cell_filter(flt: EventFilter, matrix: ParticipationMatrix, row: int, col: int) -> EventFilter:
    """The filter that lists exactly the events of one cell: its nation (kept as it is
    when the filter asks for all of its nations, which includes this one) and its year,
    inside the filter's own dates."""
    code = matrix.codes[row]
    a, b = matrix.spans[col]
    nations = flt.nations if flt.match_nations == "all" and code in flt.nations else (code,)
    return flt.with_(
        nations=nations,
        date_from=from_day(a).isoformat(),
        date_to=from_day(b - 1).isoformat(),
    )
