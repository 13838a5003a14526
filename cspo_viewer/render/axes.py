"""Axes in our own units: a date axis over days since 2000-01-01, and lane headers.

pyqtgraph's ``DateAxisItem`` works in epoch seconds with a local-time offset that had
time-zone and DST bugs (#1345, #1389); days need neither, and ticks that step from years
to quarters, months and days read like a calendar.
"""

from __future__ import annotations

from datetime import date

import pyqtgraph as pg

from cspo_viewer.data.dates import EPOCH, from_day

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _month_starts(first: date, last: date, step: int) -> list[date]:
    months = []
    y, m = first.year, 1 + ((first.month - 1) // step) * step
    while (y, m) <= (last.year, last.month):
        months.append(date(y, m, 1))
        m += step
        if m > 12:
            y, m = y + 1, m - 12
    return months


def _day(d: date) -> float:
    return float((d - EPOCH).days)


class _SceneAxis(pg.AxisItem):
    """An axis that also draws in a scene without a view (the headless briefing export).

    pyqtgraph sizes ticks from the item's device transform, which only a ``QGraphicsView``
    provides; without one the axis would draw nothing. Rendered 1:1 (scene units are
    output pixels), the scene transform is the device transform.
    """

    def deviceTransform_(self):  # pyqtgraph's name
        if self.getViewWidget() is None:
            return self.sceneTransform()
        return super().deviceTransform_()

    def paint(self, p, opt, widget) -> None:
        """Without a view, draw straight onto the painter instead of replaying a cached
        ``QPicture``: a picture recorded at screen resolution rescales its text on a
        300 dpi image, SVG or PDF, and direct drawing keeps vector output vector."""
        if self.getViewWidget() is not None:
            super().paint(p, opt, widget)
            return
        p.save()
        if self.style["tickFont"]:
            p.setFont(self.style["tickFont"])
        specs = self.generateDrawSpecs(p)
        if specs is not None:
            self.drawPicture(p, *specs)
        p.restore()


class DayAxis(_SceneAxis):
    """Ticks on calendar boundaries, choosing the step from the pixels per day."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._px_per_day = 1.0

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        if maxVal <= minVal or size <= 0:
            return []
        px_per_day = size / (maxVal - minVal)
        self._px_per_day = px_per_day
        first, last = from_day(max(minVal, -300000)), from_day(min(maxVal, 300000))
        years_px = px_per_day * 365
        if years_px >= 700:  # months are wide: major months, minor days
            if px_per_day >= 28:
                major = [
                    _day(date.fromordinal(o))
                    for o in range(first.toordinal(), last.toordinal() + 2)
                ]
                return [(1.0, major)]
            major = [_day(d) for d in _month_starts(first, last, 1)]
            step = 7 if px_per_day * 7 >= 40 else 0
            minor = []
            if step:
                for o in range(first.toordinal(), last.toordinal() + 2):
                    d = date.fromordinal(o)
                    if d.day in (8, 15, 22):
                        minor.append(_day(d))
            return [(30.0, major), (7.0, minor)]
        if years_px >= 160:  # quarters
            major = [_day(date(y, 1, 1)) for y in range(first.year, last.year + 2)]
            minor = [_day(d) for d in _month_starts(first, last, 3) if d.month != 1]
            return [(365.0, major), (91.0, minor)]
        step = 1 if years_px >= 45 else (2 if years_px >= 22 else 5)
        years = [y for y in range(first.year - first.year % step, last.year + 2, step)]
        return [(365.0 * step, [_day(date(y, 1, 1)) for y in years])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        out = []
        for v in values:
            d = from_day(v + 0.5)
            if spacing >= 365 or (spacing >= 91 and d.month == 1):
                out.append(str(d.year))
            elif spacing >= 91:
                out.append(f"Q{(d.month - 1) // 3 + 1}")
            elif spacing >= 30:
                out.append(
                    f"{_MONTHS[d.month - 1]} {d.year}"
                    if d.month == 1 or self._px_per_day * 30 > 90
                    else _MONTHS[d.month - 1]
                )
            elif spacing >= 7:
                out.append(str(d.day))
            else:
                out.append(f"{d.day} {_MONTHS[d.month - 1]}")
        return out


class LaneAxis(_SceneAxis):
    """Lane headers at the lane centres, membership codes beside their rows."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._major: list[tuple[float, str]] = []
        self._minor: list[tuple[float, str]] = []

    def set_lanes(self, major: list[tuple[float, str]], minor: list[tuple[float, str]]) -> None:
        self._major, self._minor = major, minor
        self.setTicks([major, minor])
        self.picture = None
        self.update()
