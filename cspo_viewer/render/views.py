"""Painters of the two briefing views: membership growth and the participation matrix.

Each paints into a rectangle of any ``QPainter`` (the window's widget, a PNG, SVG or PDF
page, a slide's picture) and returns where it drew, so the window hit-tests clicks and
the tests check geometry against the same numbers. Sizes follow ``u``, the page's scale
(1 in the window). Everything reads in greyscale: member cells are filled, associate
cells hatched, observer cells dotted, and the counts are printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen

from cspo_viewer.layout import is_period
from cspo_viewer.layout.membership import MembershipSeries, year_start
from cspo_viewer.layout.participation import (
    ASSOCIATE,
    JOINED,
    MEMBER,
    NONE,
    OBSERVER,
    STATUS_NAMES,
    ParticipationMatrix,
)
from cspo_viewer.render.fonts import pixel_font
from cspo_viewer.render.palette import RenderLook
from cspo_viewer.render.style import kind_color

MEMBER_LIGHT, MEMBER_DARK = "#3f6e9e", "#4a78b0"
"""Full membership (fill of the matrix, bars of the strip): dark enough for white text,
and in greyscale distinct from the hatched and dotted statuses."""


def member_colour(lk: RenderLook) -> str:
    return MEMBER_DARK if lk.is_dark else MEMBER_LIGHT


def tint(colour: str, background: str, share: float) -> QColor:
    """``share`` of ``colour`` over ``background``, as one opaque colour: SVG viewers
    differ in how they honour fill-opacity, a plain colour reads the same in all."""
    a, b = QColor(colour), QColor(background)
    return QColor.fromRgbF(
        a.redF() * share + b.redF() * (1 - share),
        a.greenF() * share + b.greenF() * (1 - share),
        a.blueF() * share + b.blueF() * (1 - share),
    )


def fill_status(p: QPainter, rect: QRectF, status: int, lk: RenderLook, u: float) -> None:
    """Fill ``rect`` for a membership status: solid for members, diagonal lines for
    associates, a grid of dots for observers. Drawn as lines and dots of the page's
    scale (Qt's pattern brushes are one device pixel thin at 4K and vary in SVG/PDF)."""
    if rect.width() <= 0 or rect.height() <= 0 or status == NONE:
        return
    colour = QColor(member_colour(lk))
    if status in (MEMBER, JOINED):
        p.fillRect(rect, colour)
        return
    p.save()
    p.setClipRect(rect, Qt.ClipOperation.IntersectClip)
    if status == ASSOCIATE:
        pen = QPen(colour, 1.6 * u)
        p.setPen(pen)
        step = 7 * u
        x = rect.left() - rect.height()
        while x < rect.right():
            p.drawLine(QPointF(x, rect.bottom()), QPointF(x + rect.height(), rect.top()))
            x += step
    else:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        step, r = 6 * u, 1.3 * u
        y = rect.top() + step / 2
        row = 0
        while y < rect.bottom():
            x = rect.left() + step / 2 + (step / 2 if row % 2 else 0)
            while x < rect.right():
                p.drawEllipse(QPointF(x, y), r, r)
                x += step
            y += step
            row += 1
    p.restore()


# --- membership growth ------------------------------------------------------------------


@dataclass
class MembersGeometry:
    """Where the growth chart went, in the painter's coordinates."""

    chart: QRectF = field(default_factory=QRectF)
    labels: list[tuple[str, QRectF]] = field(default_factory=list)  # accession label, box
    points: list[QPointF] = field(default_factory=list)  # each accession's step
    bars: list[tuple[str, str, QRectF]] = field(default_factory=list)  # code, label, bar
    strip: QRectF | None = None
    label_px: float = 0.0


def paint_members(
    p: QPainter, rect: QRectF, series: MembershipSeries, lk: RenderLook, u: float
) -> MembersGeometry:
    """Full members as a step chart with every accession named beside its step, and
    under it one row per nation with observer or associate years, apart from the steps."""
    geo = MembersGeometry()
    family = lk.font_family
    axis_font = pixel_font(family, 12.5 * u)
    am = QFontMetricsF(axis_font)
    codes = series.status_codes
    row_h = am.height() * 2.5  # the pattern shows above and below a bar's label
    strip_h = (len(codes) * row_h + am.height() * 1.6) if codes else 0.0
    key_h = am.height() * 1.8
    left = rect.left() + max(am.horizontalAdvance(t) for t in ("10", *codes)) + 14 * u
    chart = QRectF(
        left,
        rect.top() + am.height() * 0.6,
        rect.right() - left - 8 * u,
        rect.height() - am.height() * 2.2 - strip_h - key_h,
    )
    if chart.height() < 40 * u or chart.width() < 80 * u:
        return geo
    geo.chart = chart
    x0, x1 = series.x_range
    most = max(series.most, 1)

    def x_of(day: float) -> float:
        return chart.left() + (day - x0) / (x1 - x0) * chart.width()

    def y_of(level: float) -> float:
        return chart.bottom() - level / (most + 0.6) * chart.height()

    colour = QColor(member_colour(lk))
    grid = QPen(QColor(lk.grid))
    grid.setWidthF(max(1.0, u))
    p.setFont(axis_font)
    # Counts on the left, a line per member.
    step = 1 if most <= 12 else max(1, most // 10)
    for level in range(0, most + 1, step):
        y = y_of(level)
        p.setPen(grid)
        p.drawLine(QPointF(chart.left(), y), QPointF(chart.right(), y))
        p.setPen(QColor(lk.muted_text))
        box = QRectF(rect.left(), y - am.height() / 2, left - rect.left() - 6 * u, am.height())
        p.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(level))
    _year_axis(p, series.years, x_of, chart, rect, lk, axis_font, u, bottom=chart.bottom())
    # The steps, filled below.
    path = QPainterPath(QPointF(x_of(series.step_x[0]), y_of(0)))
    for i, (day, count) in enumerate(zip(series.step_x, series.step_y, strict=True)):
        x = x_of(float(day))
        if i:
            path.lineTo(x, y_of(float(series.step_y[i - 1])))
        path.lineTo(x, y_of(float(count)))
    path.lineTo(chart.right(), y_of(float(series.step_y[-1])))
    area = QPainterPath(path)
    area.lineTo(chart.right(), y_of(0))
    area.closeSubpath()
    p.fillPath(area, tint(member_colour(lk), lk.background, 0.12))
    pen = QPen(colour)
    pen.setWidthF(3 * u)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
    _accessions(p, series, geo, chart, x_of, y_of, lk, u)
    if codes:
        _status_strip(p, series, geo, rect, chart, x_of, lk, u, axis_font, row_h)
    _members_key(p, geo, rect, lk, u, axis_font, bool(codes))
    return geo


def _year_axis(p, years, x_of, chart, rect, lk, font, u, *, bottom: float) -> None:
    """A tick at each 1 January and the year's number centred under its span."""
    m = QFontMetricsF(font)
    pen = QPen(QColor(lk.muted_text))
    pen.setWidthF(max(1.0, u))
    widest = m.horizontalAdvance("2024") * 1.3
    span = (x_of(year_start(2001)) - x_of(year_start(2000))) if years else 0
    every = max(1, int(widest // max(span, 1)) + 1) if span < widest else 1
    for i, year in enumerate(years):
        a = max(x_of(year_start(year)), chart.left())
        b = min(x_of(year_start(year + 1)), chart.right())
        p.setPen(pen)
        p.drawLine(QPointF(a, bottom), QPointF(a, bottom + 6 * u))
        if i % every == 0 and b - a > m.horizontalAdvance(str(year)) * 0.8:
            p.drawText(
                QRectF(a, bottom + 6 * u, b - a, m.height()),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                str(year),
            )


def _accessions(p, series, geo, chart, x_of, y_of, lk, u) -> None:
    """Each accession's label in the band just below its step's level: left of the
    riser (above the curve there) when it fits, else right of it (below the curve).
    The curve only rises, so those bands hold no line and no other label."""
    band = y_of(0) - y_of(1)
    px = min(15 * u, 0.62 * band)  # a label never taller than its band
    font = pixel_font(lk.font_family, px, bold=True)
    m = QFontMetricsF(font)
    geo.label_px = font.pixelSize()
    gap = 8 * u
    marker = QColor(kind_color("membership"))
    for acc in series.accessions:
        x, top = x_of(acc.day), y_of(acc.members)
        centre_y = top + band / 2
        # The date's precision: the step's level drawn across the whole month or year.
        if is_period(acc.day, acc.period_end):
            whisker = QPen(tint(member_colour(lk), lk.background, 0.45))
            whisker.setWidthF(9 * u)
            whisker.setCapStyle(Qt.PenCapStyle.FlatCap)
            p.setPen(whisker)
            p.drawLine(QPointF(x, top), QPointF(min(x_of(acc.period_end), chart.right()), top))
        point = QPointF(x, top)
        geo.points.append(point)
        p.setPen(QPen(QColor(lk.background), 1.5 * u))
        p.setBrush(marker)
        p.drawEllipse(point, 6 * u, 6 * u)
        text = acc.label
        w = m.horizontalAdvance(text)
        if x - gap - w >= chart.left():
            box = QRectF(x - gap - w, centre_y - m.height() / 2, w, m.height())
        else:
            box = QRectF(min(x + gap, chart.right() - w), centre_y - m.height() / 2, w, m.height())
        p.setFont(font)
        p.setPen(QColor(lk.text))
        p.drawText(QPointF(box.left(), box.top() + m.ascent()), text)
        geo.labels.append((text, box))


def _status_strip(p, series, geo, rect, chart, x_of, lk, u, font, row_h) -> None:
    """One row per nation that was an observer or associate: those years hatched or
    dotted, full membership solid from its date, each bar labelled with its date."""
    m = QFontMetricsF(font)
    top = chart.bottom() + m.height() * 1.7
    p.setFont(font)
    p.setPen(QColor(lk.muted_text))
    p.drawText(QPointF(chart.left(), top + m.ascent()), "Before full membership:")
    top += m.height() * 1.1
    geo.strip = QRectF(chart.left(), top, chart.width(), row_h * len(series.status_codes))
    for i, code in enumerate(series.status_codes):
        y = top + i * row_h
        bar_h = row_h * 0.8
        p.setPen(QColor(lk.text))
        p.drawText(
            QRectF(rect.left(), y, chart.left() - rect.left() - 6 * u, bar_h),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            code,
        )
        parts = [(s.status, s.start, s.end, s.label) for s in series.statuses if s.code == code]
        acc = series.joined.get(code)
        if acc is not None:
            from cspo_viewer.data.dates import display_date

            member_label = f"Member {display_date(acc.iso, acc.precision)}"
            parts.append(("member", acc.day, series.x_range[1], member_label))
        for status, start, end, label in parts:
            a, b = max(x_of(start), chart.left()), min(x_of(end), chart.right())
            if b <= a:
                continue
            bar = QRectF(a, y, b - a, bar_h)
            code_status = {"observer": OBSERVER, "associate": ASSOCIATE}.get(status, MEMBER)
            p.fillRect(bar, QColor(lk.background))
            fill_status(p, bar, code_status, lk, u)
            p.setPen(QPen(QColor(member_colour(lk)), max(1.0, u)))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(bar)
            _bar_label(p, bar, label, code_status, lk, font, u)
            geo.bars.append((code, label, bar))


def _bar_label(p, bar, label, status, lk, font, u) -> None:
    m = QFontMetricsF(font)
    w = m.horizontalAdvance(label)
    if w + 8 * u > bar.width():
        label = label.split(" ", 1)[-1]  # "2016": the date alone when the word does not fit
        w = m.horizontalAdvance(label)
    box = QRectF(bar.left() + 4 * u, bar.center().y() - m.height() / 2, w, m.height())
    if status == MEMBER:
        p.setPen(QColor("#ffffff"))
    else:  # a halo over the hatching keeps the words legible
        p.fillRect(box.adjusted(-2 * u, 0, 2 * u, 0), QColor(lk.background))
        p.setPen(QColor(lk.text))
    p.setFont(font)
    p.drawText(QPointF(box.left(), box.top() + m.ascent()), label)


def _members_key(p, geo, rect, lk, u, font, statuses: bool) -> None:
    entries = [
        (MEMBER, "Full members (step: count; dot: accession; band: date known to the month)")
    ]
    if statuses:
        entries = [
            (MEMBER, "Full member"),
            (ASSOCIATE, "Associate"),
            (OBSERVER, "Observer"),
        ]
    _key(p, entries, rect, lk, u, font)


# --- participation matrix -----------------------------------------------------------------


@dataclass
class MatrixGeometry:
    grid: QRectF = field(default_factory=QRectF)
    cell_w: float = 0.0
    cell_h: float = 0.0
    rows: int = 0
    cols: int = 0
    texts: dict[tuple[int, int], str] = field(default_factory=dict)
    message: str = ""  # said instead of the cells when they cannot be drawn legibly

    def cell_at(self, point: QPointF) -> tuple[int, int] | None:
        """(row, column) under ``point``, or None outside the cells."""
        if not self.rows or not self.cols or not self.grid.contains(point):
            return None
        col = int((point.x() - self.grid.left()) // self.cell_w)
        row = int((point.y() - self.grid.top()) // self.cell_h)
        if 0 <= row < self.rows and 0 <= col < self.cols:
            return row, col
        return None

    def cell_rect(self, row: int, col: int) -> QRectF:
        return QRectF(
            self.grid.left() + col * self.cell_w,
            self.grid.top() + row * self.cell_h,
            self.cell_w,
            self.cell_h,
        )


def too_many_cells(rows: int, cols: int) -> str:
    """What the matrix says when its cells would be too small to read (an event dated
    0001 or 9999 stretches the columns over thousands of years)."""
    return (
        f"{rows:,} nations by {cols:,} years are too many cells to draw here:"
        " narrow the dates (From/To, or --from/--to) or the nations."
    )


def paint_participation(
    p: QPainter, rect: QRectF, matrix: ParticipationMatrix, lk: RenderLook, u: float
) -> MatrixGeometry:
    """Nations by years: each cell's count of events, filled by membership status."""
    geo = MatrixGeometry(rows=len(matrix.codes), cols=len(matrix.years))
    if not geo.rows or not geo.cols:
        return geo
    family = lk.font_family
    head = pixel_font(family, 13 * u)
    hm = QFontMetricsF(head)
    key_h = hm.height() * 1.8
    names = [f"{name} ({code})" for code, name in zip(matrix.codes, matrix.names, strict=True)]
    name_w = max(hm.horizontalAdvance(n) for n in names) + 12 * u
    header_h = hm.height() * 1.4
    avail_h = rect.height() - header_h - key_h
    cell_h = min(avail_h / geo.rows, 64 * u)
    cell_w = min((rect.width() - name_w) / geo.cols, 150 * u)
    if cell_h < 8 * u or cell_w < 12 * u:
        geo.message = too_many_cells(geo.rows, geo.cols)
        p.setFont(head)
        p.setPen(QColor(lk.muted_text))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, geo.message)
        return geo
    grid = QRectF(rect.left() + name_w, rect.top() + header_h, cell_w * geo.cols, cell_h * geo.rows)
    geo.grid, geo.cell_w, geo.cell_h = grid, cell_w, cell_h
    p.setFont(head)
    p.setPen(QColor(lk.muted_text))
    for c, year in enumerate(matrix.years):
        box = QRectF(grid.left() + c * cell_w, rect.top(), cell_w, header_h)
        text = (
            str(year) if hm.horizontalAdvance(str(year)) < cell_w * 0.95 else f"’{year % 100:02d}"
        )
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    p.setPen(QColor(lk.text))
    for r, name in enumerate(names):
        box = QRectF(rect.left(), grid.top() + r * cell_h, name_w - 12 * u, cell_h)
        text = hm.elidedText(name, Qt.TextElideMode.ElideMiddle, box.width())
        p.drawText(box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
    count_font = pixel_font(family, min(15 * u, cell_h * 0.55), bold=True)
    cm = QFontMetricsF(count_font)
    border = QPen(QColor(lk.grid), max(1.0, u))
    for r in range(geo.rows):
        for c in range(geo.cols):
            cell = geo.cell_rect(r, c)
            status = int(matrix.status[r, c])
            p.setPen(Qt.PenStyle.NoPen)
            if status == JOINED:
                f = float(matrix.joined_fraction[r, c])
                before = int(matrix.before[r, c])
                # an associate (say) until the join date, a member from it
                fill_status(p, cell.adjusted(0, 0, -cell.width() * (1 - f), 0), before, lk, u)
                fill_status(p, cell.adjusted(cell.width() * f, 0, 0, 0), MEMBER, lk, u)
            else:
                fill_status(p, cell, status, lk, u)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(border)
            p.drawRect(cell)
            n = int(matrix.counts[r, c])
            text = str(n) if n else "·"
            geo.texts[(r, c)] = text
            tw = cm.horizontalAdvance(text)
            box = QRectF(
                cell.center().x() - tw / 2, cell.center().y() - cm.height() / 2, tw, cm.height()
            )
            p.setFont(count_font)
            if status == MEMBER:
                p.setPen(QColor("#ffffff"))
            else:
                if status != NONE:
                    p.fillRect(box.adjusted(-3 * u, 0, 3 * u, 0), QColor(lk.background))
                p.setPen(QColor(lk.text if n else lk.muted_text))
            p.drawText(QPointF(box.left(), box.top() + cm.ascent()), text)
    entries = [(s, STATUS_NAMES[s]) for s in (MEMBER, JOINED, ASSOCIATE, OBSERVER, NONE)]
    entries[1] = (JOINED, "Joined that year (filled from the date)")
    key_rect = QRectF(rect.left() + name_w, rect.top(), rect.width() - name_w, rect.height())
    _key(p, entries, key_rect, lk, u, head, "Each cell: events that nation took part in that year")
    return geo


def _key(p, entries, rect, lk, u, font, note: str = "") -> None:
    """Swatches and names along the bottom of ``rect``, then ``note``."""
    m = QFontMetricsF(font)
    size = m.height() * 0.9
    x, y = rect.left(), rect.bottom() - m.height() * 1.2
    p.setFont(font)
    for status, name in entries:
        swatch = QRectF(x, y + (m.height() - size) / 2, size * 1.4, size)
        p.fillRect(swatch, QColor(lk.background))
        if status == JOINED:
            fill_status(p, swatch.adjusted(swatch.width() * 0.5, 0, 0, 0), MEMBER, lk, u)
        else:
            fill_status(p, swatch, status, lk, u)
        p.setPen(QPen(QColor(lk.grid), max(1.0, u)))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(swatch)
        p.setPen(QColor(lk.text))
        p.drawText(QPointF(swatch.right() + 6 * u, y + m.ascent()), name)
        x = swatch.right() + 6 * u + m.horizontalAdvance(name) + 24 * u
    if note and x + m.horizontalAdvance(note) <= rect.right():
        p.setPen(QColor(lk.muted_text))
        p.drawText(QPointF(x, y + m.ascent()), note)
