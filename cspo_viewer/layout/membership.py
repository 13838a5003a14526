"""Membership growth without Qt: full members over time as a step series, each accession
at its date, and the observer and associate years that came before full membership.

Full membership comes from the nations' join dates. Observer and associate years are
not in the memberships table: they are membership events (kind ``membership``) whose
nations were not yet full members on the event's date, the status named by the title
("… as observers", "… associate members"). Both the painter (``render/views.py``) and
the participation matrix read their statuses from here, so they agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from cspo_viewer.data.dates import EPOCH, display_date, from_day, period_end, to_day
from cspo_viewer.data.records import Nation
from cspo_viewer.data.table import EventTable

PRECISIONS = ("day", "month", "year")
STATUS_WORDS = (("observer", "observer"), ("associate", "associate"))
"""A word in a membership event's title -> the status it records (before full membership)."""


@dataclass(frozen=True)
class Accession:
    """One or more nations becoming full members on the same date: one step of the chart."""

    codes: tuple[str, ...]
    iso: str
    precision: str
    day: float  # first day of the date
    period_end: float  # day after the date's period (its month or year when imprecise)
    members: int  # full members after this step
    label: str  # "NZL Jul 2015", "AUS CAN GBR USA 22 Sep 2014"


@dataclass(frozen=True)
class StatusSpan:
    """A nation's observer or associate time, from its event to the next status or its
    full membership (or the end of the chart)."""

    code: str
    status: str  # "observer" | "associate"
    iso: str
    precision: str
    start: float  # first day
    end: float  # day after the last day
    event: int  # row of the event table that records it
    label: str  # "Observer 2016"


@dataclass(frozen=True)
class MembershipSeries:
    """What the growth chart draws: days from ``x_range[0]`` to ``x_range[1]``."""

    x_range: tuple[float, float]
    years: tuple[int, ...]  # the years the x axis spans
    step_x: np.ndarray  # float64 days where the count changes (first: x_range[0])
    step_y: np.ndarray  # int members from that day on
    accessions: tuple[Accession, ...]
    statuses: tuple[StatusSpan, ...]
    joined: dict[str, Accession]  # nation code -> its accession (in the chart or before it)
    names: dict[str, str]  # nation code -> name

    @property
    def most(self) -> int:
        return int(self.step_y.max()) if len(self.step_y) else 0

    @property
    def status_codes(self) -> tuple[str, ...]:
        """Nations with observer or associate time, in order of their first status."""
        return tuple(dict.fromkeys(s.code for s in self.statuses))


def year_start(year: int) -> float:
    """The day number of 1 January of ``year``, for any year a view's columns or axis can
    reach: 1 to 9999 as import accepts them, and 10000, the day after 9999-12-31, where the
    last year ends (an ISO string would need a four-digit year, and ``date`` stops at 9999)."""
    if year > date.max.year:
        return float(to_day(date.max.isoformat()) + 1)
    return float((date(max(year, 1), 1, 1) - EPOCH).days)


def status_of(title: str) -> str | None:
    """The pre-membership status a membership event's title records, if any."""
    words = title.casefold()
    for word, status in STATUS_WORDS:
        if word in words:
            return status
    return None


def precision_name(code: int) -> str:
    return PRECISIONS[int(code)] if 0 <= int(code) < len(PRECISIONS) else "day"


def build_membership(
    table: EventTable,
    mask: np.ndarray,
    nations: Sequence[Nation],
    *,
    codes: Sequence[str] = (),
    dates: tuple[float | None, float | None] = (None, None),
) -> MembershipSeries:
    """The growth chart for the nations ``codes`` (all when empty) over ``dates`` (days,
    None: from the first join's year to the last year of the record).

    ``mask`` selects the membership events that may record observer or associate years
    (the caller's filter, narrowed to kind ``membership``).
    """
    wanted = set(codes)
    chosen = [n for n in nations if n.joined and (not wanted or n.code in wanted)]
    names = {n.code: n.name for n in nations}
    statuses = _statuses(table, mask, chosen, wanted)
    x_range = _range(table, chosen, statuses, dates)
    by_date: dict[tuple[str, str], list[str]] = {}
    for n in sorted(chosen, key=lambda n: (n.joined or "", n.code)):
        by_date.setdefault((n.joined or "", n.joined_precision or "day"), []).append(n.code)
    accessions: list[Accession] = []
    joined: dict[str, Accession] = {}
    total = 0
    for (iso, precision), group in by_date.items():
        total += len(group)
        day = float(to_day(iso))
        acc = Accession(
            codes=tuple(group),
            iso=iso,
            precision=precision,
            day=day,
            period_end=float(to_day(period_end(iso, precision)) + 1),
            members=total,
            label=f"{' '.join(group)} {display_date(iso, precision)}",
        )
        for code in group:
            joined[code] = acc
        accessions.append(acc)
    before = [a for a in accessions if a.day <= x_range[0]]
    inside = [a for a in accessions if x_range[0] < a.day < x_range[1]]
    step_x = [x_range[0], *(a.day for a in inside)]
    step_y = [before[-1].members if before else 0, *(a.members for a in inside)]
    first_year = from_day(x_range[0]).year
    last_year = from_day(x_range[1] - 1).year
    return MembershipSeries(
        x_range=x_range,
        years=tuple(range(first_year, last_year + 1)),
        step_x=np.array(step_x, dtype=np.float64),
        step_y=np.array(step_y, dtype=np.int64),
        accessions=tuple(inside),
        statuses=tuple(s for s in statuses if s.end > x_range[0] and s.start < x_range[1]),
        joined=joined,
        names=names,
    )


def _statuses(
    table: EventTable, mask: np.ndarray, chosen: Sequence[Nation], wanted: set[str]
) -> list[StatusSpan]:
    """Observer and associate spans from the membership events in ``mask``."""
    if "membership" not in table.kinds or not len(table):
        return []
    kind = table.kinds.index("membership")
    join_day = {n.code: float(to_day(n.joined)) for n in chosen if n.joined}
    if not join_day:
        return []
    # A status precedes a join: only membership events before the last join, and of
    # those only the ones whose title names a status, need their nations (the nation
    # pairs of a large record take longer to load than the rest of the chart).
    before = mask & (table.kind == kind) & (table.start < max(join_day.values()))
    status_by_row = {int(r): status_of(table.title(int(r))) for r in np.flatnonzero(before)}
    rows = np.array([r for r, st in status_by_row.items() if st], dtype=np.int64)
    if not len(rows):
        return []
    pairs = table.nations
    found: dict[str, list[tuple[float, str, int]]] = {}
    in_rows = np.isin(pairs.event, rows)
    for ev, tag in zip(pairs.event[in_rows], pairs.tag[in_rows], strict=True):
        code = pairs.names[int(tag)]
        start = float(table.start[ev])
        if (wanted and code not in wanted) or code not in join_day or start >= join_day[code]:
            continue
        found.setdefault(code, []).append((start, str(status_by_row[int(ev)]), int(ev)))
    spans: list[StatusSpan] = []
    for code, items in found.items():
        items.sort()
        for i, (start, status, ev) in enumerate(items):
            end = items[i + 1][0] if i + 1 < len(items) else join_day[code]
            iso = from_day(start).isoformat()
            precision = precision_name(table.precision[ev])
            spans.append(
                StatusSpan(
                    code=code,
                    status=status,
                    iso=iso,
                    precision=precision,
                    start=start,
                    end=end,
                    event=ev,
                    label=f"{status.title()} {display_date(iso, precision)}",
                )
            )
    spans.sort(key=lambda s: (s.start, s.code))
    return spans


def _range(
    table: EventTable,
    chosen: Sequence[Nation],
    statuses: Sequence[StatusSpan],
    dates: tuple[float | None, float | None],
) -> tuple[float, float]:
    """Whole years from the first join or status to the record's last year, narrowed
    to the filter's dates."""
    starts = [float(to_day(n.joined)) for n in chosen if n.joined]
    starts += [s.start for s in statuses]
    ends = [*starts]
    if len(table):
        ends.append(float(table.end.max()) - 1)
    if not starts:
        starts = ends = [float(to_day("2014-01-01"))]
    lo = year_start(from_day(min(starts)).year)
    hi = year_start(from_day(max(ends)).year + 1)
    if dates[0] is not None:
        lo = float(dates[0])
    if dates[1] is not None:
        hi = float(dates[1]) + 1
    if hi <= lo:
        hi = lo + 1
    return lo, hi


def accession_event(table: EventTable, acc: Accession) -> int | None:
    """The row of the event that records ``acc`` (a membership or founding event of its
    nations, dated in the accession's period), for the window to select; None if the
    record has none."""
    kinds = [table.kinds.index(k) for k in ("membership", "founding") if k in table.kinds]
    if not kinds or not len(table):
        return None
    rows = np.flatnonzero(
        np.isin(table.kind, kinds) & (table.start >= acc.day) & (table.start < acc.period_end)
    )
    if not len(rows):
        return None
    pairs = table.nations
    codes = [pairs.names.index(c) for c in acc.codes if c in pairs.names]
    hit = np.isin(pairs.event, rows) & np.isin(pairs.tag, codes)
    found = np.unique(pairs.event[hit])
    return int(found[0]) if len(found) else None
