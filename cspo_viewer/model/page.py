"""The briefing page as data, built before anything is painted (no Qt).

Everything the page says comes from here: the title with the years it shows, the filter
in words, the lanes and range, the kinds in the legend, the footer, and the publishers
of the sources. The painter (``render/page.py``) only measures and draws, so it never
queries the database, and tests can check the words without drawing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from cspo_viewer import __version__
from cspo_viewer.data.annotations import Annotation, list_annotations, with_ids
from cspo_viewer.data.dates import display_date, from_day, to_day
from cspo_viewer.data.filters import EventFilter
from cspo_viewer.data.store import Store
from cspo_viewer.data.table import EventTable, load_table, matching_mask
from cspo_viewer.layout import TimelineContent, build_content, story_start
from cspo_viewer.model.options import PRODUCT_TITLE, ExportOptions

if TYPE_CHECKING:  # an event's pages are worded when a book is made, not at start-up
    from cspo_viewer.layout.membership import MembershipSeries
    from cspo_viewer.layout.participation import ParticipationMatrix
    from cspo_viewer.model.event_text import EventText

VIEW_TITLES = {
    "members": "membership growth",
    "participation": "who takes part",
}
"""Words the default title of a view adds after the record's name."""


@dataclass(frozen=True)
class ExportData:
    """The events to draw: a database, its event table and a filter with its mask."""

    store: Store
    table: EventTable
    flt: EventFilter
    mask: np.ndarray

    @classmethod
    def load(cls, store: Store, flt: EventFilter) -> ExportData:
        table = load_table(store)
        return cls(store, table, flt, matching_mask(store, table, flt))


@dataclass(frozen=True)
class KeyEntry:
    """One event of the page's key: its date and its title."""

    event: int  # row of the event table
    date: str
    title: str


@dataclass(frozen=True)
class PageModel:
    """What one export page says and shows, before layout and painting."""

    options: ExportOptions
    content: TimelineContent
    x_range: tuple[float, float]
    shown: np.ndarray  # event rows drawn in the range, in date order
    title: str
    subtitle: str
    kinds_shown: tuple[str, ...]
    kind_labels: dict[str, str]
    publishers: tuple[str, ...]
    footer: str
    pinned: frozenset[int]
    empty_message: str
    sources_filter: EventFilter | None = None  # whose sources the page cites
    members: MembershipSeries | None = None  # the body of the "members" view
    participation: ParticipationMatrix | None = None  # the body of "participation"

    @property
    def events_shown(self) -> int:
        return len(self.shown)

    def key_entry(self, event: int) -> KeyEntry:
        table = self.content.table
        iso = from_day(float(table.start[event])).isoformat()
        return KeyEntry(event, iso, table.title(event))


def timeline_content(
    data: ExportData,
    grouping: str,
    *,
    members: bool = True,
    keep_dimmed: bool = False,
    show_empty: bool = False,
    annotations: Sequence[Annotation] = (),
) -> TimelineContent:
    """The timeline's lanes (and its eras and notes) for ``data``: the one call behind the
    window's timeline and every export, so the same filter gives the same picture."""
    store, flt = data.store, data.flt
    return build_content(
        data.table,
        data.mask,
        grouping,
        [(k.id, k.label) for k in store.kinds()],
        store.nations(),
        [(t.id, t.label) for t in store.themes()],
        members=members,
        keep_dimmed=keep_dimmed,
        show_empty=show_empty,
        dates=(
            to_day(flt.date_from) if flt.date_from else None,
            to_day(flt.date_to) if flt.date_to else None,
        ),
        annotations=annotations,
    )


def build_page(data: ExportData, options: ExportOptions) -> PageModel:
    """The page for ``data`` and ``options``: range, words and sources, all looked up now."""
    store, flt, table = data.store, data.flt, data.table
    content = timeline_content(
        data,
        options.grouping,
        members=options.members,
        annotations=with_ids(list_annotations(store), options.annotations),
    )
    x_range = options.x_range or content.fit_range
    shown = content.shown_events(x_range)
    kind_ids = [k.id for k in store.kinds()]
    counts = np.bincount(table.kind[shown], minlength=len(table.kinds))
    present = {table.kinds[i] for i in np.flatnonzero(counts)}
    kinds_shown = tuple(k for k in kind_ids if k in present) + tuple(
        sorted(present - set(kind_ids))
    )
    vocab = store.vocabulary
    subtitle = flt.describe(vocab)
    if options.x_range is not None:
        first, last = range_days(x_range)
        subtitle += f" · Shown: {first} to {last}"
    n = len(shown)
    generated = options.generated or date.today()
    footer = (
        f"Generated {generated.isoformat()} · cspo-viewer {__version__} · "
        f"{n} event{'' if n == 1 else 's'} shown"
    )
    sources_flt = view_filter(flt, x_range) if options.x_range is not None else flt
    pinned = frozenset(i for i in (table.index_of(e) for e in options.pinned) if i is not None)
    page = PageModel(
        options=options,
        content=content,
        x_range=(float(x_range[0]), float(x_range[1])),
        shown=shown,
        title=title_for(options.title, table, shown, options.x_range, flt.date_from),
        subtitle=subtitle,
        kinds_shown=kinds_shown,
        kind_labels=dict(vocab.kinds),
        publishers=tuple(publishers(store, sources_flt)) if options.sources else (),
        footer=footer,
        pinned=pinned,
        empty_message="No events match this filter"
        + (" in these dates" if options.x_range else ""),
        sources_filter=sources_flt,
    )
    return page if options.view == "timeline" else _view_page(data, page)


MAX_ALT_CHARS = 900
"""Alt text names events while it stays this short; the rest are counted ("and 12
more"): a screen reader reads it whole, and the key and notes list everything."""
GROUPING_WORDS = {"kind": "kind", "nation": "nation", "theme": "theme"}


def alt_text(page: PageModel) -> str:
    """What the picture shows, in words, for a deck's ``descr``, the PNG's Description
    and the SVG's: "Timeline of 29 events, 2014–2024, lanes by kind: …; in date order:
    …", naming the events as far as ``MAX_ALT_CHARS`` allows."""
    if page.options.view == "members" and page.members is not None:
        return _members_alt(page.members)
    if page.options.view == "participation" and page.participation is not None:
        return _participation_alt(page.participation)
    n = page.events_shown
    flt = page.sources_filter
    years = years_shown(
        page.content.table, page.shown, page.options.x_range, flt.date_from if flt else None
    )
    years = f", {years}" if years else ""
    lanes = ", ".join(page.content.lanes.titles)
    head = (
        f"Timeline of {n} event{'' if n == 1 else 's'}{years}, lanes by "
        f"{GROUPING_WORDS.get(page.options.grouping, page.options.grouping)}: {lanes}"
    )
    if not n:
        return f"{head}; no events match this filter."
    table = page.content.table

    def name(i: int) -> str:
        ev = int(page.shown[i])
        return f"{table.title(ev)} ({_when(page, ev)})"

    return _listing(f"{head}; in date order: ", n, name)


def _when(page: PageModel, ev: int) -> str:
    entry = page.key_entry(ev)
    precision = ("day", "month", "year")[int(page.content.table.precision[ev])]
    return display_date(entry.date, precision)


def _listing(head: str, count: int, name_of: Callable[[int], str]) -> str:
    """``head`` and as many of the ``count`` names as ``MAX_ALT_CHARS`` allows, the rest
    counted. Names are made one by one (``name_of(i)``) and only while they fit: at
    100,000 events the text still names only the first few dozen."""
    text = head
    for i in range(count):
        name = name_of(i)
        rest = count - i - 1
        tail = f"; and {rest} more." if rest else "."
        if i and len(text) + len(name) + 2 + len(tail) > MAX_ALT_CHARS:
            return f"{text}; and {count - i} more."
        text += ("; " if i else "") + name
    return text + "."


def _members_alt(series: MembershipSeries) -> str:
    years = f"{series.years[0]}–{series.years[-1]}" if series.years else ""
    head = f"Membership growth chart, {years}: full members rising to {series.most}; "
    accessions = series.accessions
    return _listing(head + "accessions: ", len(accessions), lambda i: accessions[i].label)


def _participation_alt(matrix: ParticipationMatrix) -> str:
    years = f"{matrix.years[0]}–{matrix.years[-1]}" if matrix.years else ""
    busiest = sorted(
        zip(matrix.names, matrix.counts.sum(axis=1).tolist(), strict=True), key=lambda x: -x[1]
    )
    head = (
        f"Participation matrix: events each of {len(matrix.names)} nations took part in, "
        f"per year, {years}, {matrix.total} in all; by nation: "
    )
    return _listing(head, len(busiest), lambda i: "{} {}".format(*busiest[i]))


def book_events(data: ExportData, page: PageModel) -> list[EventText]:
    """The words of each event the page shows, in date order: the pages after the
    timeline in a briefing book (PDF or print)."""
    from cspo_viewer.model.event_text import event_text

    nations = {n.code: n.name for n in data.store.nations()}
    details = (data.store.event_detail(str(data.table.ids[int(row)])) for row in page.shown)
    return [event_text(d, nations) for d in details if d is not None]


def members_filter(flt: EventFilter) -> EventFilter:
    """Membership is about nations, not events: the growth chart keeps the filter's
    nations and dates, and reads observer and associate years from its membership events
    (kinds, themes and search words would only hide accessions)."""
    return flt.with_(kinds=("membership",), themes=(), text="")


def membership_model(data: ExportData) -> tuple[MembershipSeries, np.ndarray]:
    """The growth chart of ``data``'s filter, and the mask of its membership events
    (the window's view and every export build it here)."""
    # The growth chart's model loads when a view or a page first asks for it.
    from cspo_viewer.layout.membership import build_membership

    flt = data.flt
    dates = (
        float(to_day(flt.date_from)) if flt.date_from else None,
        float(to_day(flt.date_to)) if flt.date_to else None,
    )
    mask = matching_mask(data.store, data.table, members_filter(flt))
    nations = data.store.nations()
    series = build_membership(data.table, mask, nations, codes=flt.nations, dates=dates)
    return series, mask


def participation_model(data: ExportData, series: MembershipSeries) -> ParticipationMatrix:
    """The participation matrix of ``data``'s filter (statuses from ``series``)."""
    from cspo_viewer.layout.participation import build_participation  # as build_membership

    return build_participation(data.table, data.mask, data.store.nations(), series, data.flt)


def _view_page(data: ExportData, page: PageModel) -> PageModel:
    """``page`` with a view as its body: the view's model, title, footer and sources."""
    store, flt, options = data.store, data.flt, page.options
    member_flt = members_filter(flt)
    series, member_mask = membership_model(data)
    years = f"{series.years[0]}–{series.years[-1]}" if len(series.years) > 1 else ""
    if options.view == "members":
        shown = np.flatnonzero(member_mask)
        n = sum(len(a.codes) for a in series.accessions)
        what = f"{n} accession{'' if n == 1 else 's'} shown"
        sources_flt, matrix = member_flt, None
        empty = "No nation in this filter joined in these dates"
    else:
        matrix = participation_model(data, series)
        years = f"{matrix.years[0]}–{matrix.years[-1]}" if len(matrix.years) > 1 else years
        shown = np.flatnonzero(data.mask)
        what = f"{len(shown)} event{'' if len(shown) == 1 else 's'} counted"
        sources_flt = flt
        empty = "No events match this filter"
    title = page.title
    if options.title is None:
        title = f"{PRODUCT_TITLE}: {VIEW_TITLES[options.view]}" + (f", {years}" if years else "")
    generated = options.generated or date.today()
    return replace(
        page,
        shown=shown,
        title=title,
        kinds_shown=(),
        publishers=tuple(publishers(store, sources_flt)) if options.sources else (),
        footer=f"Generated {generated.isoformat()} · cspo-viewer {__version__} · {what}",
        empty_message=empty,
        sources_filter=sources_flt,
        members=series,
        participation=matrix,
    )


def title_for(
    title: str | None,
    table: EventTable,
    shown: np.ndarray,
    x_range: tuple[float, float] | None = None,
    date_from: str | None = None,
) -> str:
    """The given title, or the record's name with the years shown: those of a chosen
    range, or from the founding (when shown) to the last event shown ("…, 2014–2024":
    seniors date the initiative from its founding, and a precursor drawn before it is
    context); one year alone when they share it. A filter's own first date (``--from``)
    is where the reader asked the story to start, so it starts the years instead."""
    if title is not None:
        return title.strip()
    years = years_shown(table, shown, x_range, date_from)
    return f"{PRODUCT_TITLE}, {years}" if years else PRODUCT_TITLE


def years_shown(
    table: EventTable,
    shown: np.ndarray,
    x_range: tuple[float, float] | None = None,
    date_from: str | None = None,
) -> str:
    """ "2014–2024": the years of the events shown (one year alone when they share it),
    from the founding when it is shown, or from the filter's own first date; or those
    of a chosen range; "" when there is neither."""
    if x_range is not None:
        first_day, last_day = range_days(x_range)
        first, last = int(first_day[:4]), int(last_day[:4])
    elif not len(shown):
        return ""
    else:
        start = None if date_from else story_start(table, shown)
        if start is None:
            start = float(table.start[shown].min())
        first = int(date_from[:4]) if date_from else from_day(start).year
        last = from_day(float(table.end[shown].max()) - 1).year
    return str(first) if first == last else f"{first}–{last}"


def range_days(x_range: tuple[float, float]) -> tuple[str, str]:
    """The first and last day (ISO) that ``x_range`` shows, even in part."""
    first = from_day(np.floor(x_range[0])).isoformat()
    last = from_day(max(np.ceil(x_range[1]) - 1, np.floor(x_range[0]))).isoformat()
    return first, last


def view_filter(flt: EventFilter, x_range: tuple[float, float]) -> EventFilter:
    """``flt`` narrowed to the days of ``x_range`` (for the sources of a "current view")."""
    first, last = range_days(x_range)
    date_from = max(flt.date_from, first) if flt.date_from else first
    date_to = min(flt.date_to, last) if flt.date_to else last
    return flt.with_(date_from=date_from, date_to=date_to)


def publishers(store: Store, flt: EventFilter) -> list[str]:
    """Who published the sources of the matching events, once each, most cited first.

    ``sources_for`` ranks sources by citations; a publisher's rank is its number of cited
    sources, ties kept in the order of its best-cited source.
    """
    names: dict[str, str] = {}
    count: dict[str, int] = {}
    for source in store.sources_for(flt):
        name = (source.publisher or source.title or "").strip()
        if name:
            key = name.casefold()
            names.setdefault(key, name)
            count[key] = count.get(key, 0) + 1
    order = sorted(names, key=lambda k: -count[k])  # stable: ties keep citation order
    return [names[k] for k in order]


def source_lines(
    names: Sequence[str], fits: Callable[[str], bool], max_lines: int = 2
) -> list[str]:
    """ "Sources: A; B; C; +N more" broken into at most ``max_lines`` lines that ``fits``.

    As many publishers as fit are named, most cited first; the rest are counted. The
    number named is found by bisection, so a long list costs a few dozen measurements.
    """
    if not names:
        return ["Sources: none recorded for these events"]

    def attempt(k: int) -> list[str] | None:
        chunks = [f"{n};" for n in names[:k]]
        if k == len(names):
            chunks[-1] = chunks[-1][:-1]
        else:
            chunks.append(f"+{len(names) - k} more")
        lines = _wrap_chunks(["Sources:", *chunks], fits)
        return lines if lines is not None and len(lines) <= max_lines else None

    best = attempt(0) or [f"Sources: {len(names)} publishers"]
    lo, hi = 1, len(names)
    while lo <= hi:
        mid = (lo + hi) // 2
        lines = attempt(mid)
        if lines is None:
            hi = mid - 1
        else:
            best, lo = lines, mid + 1
    return best


def _wrap_chunks(chunks: Sequence[str], fits: Callable[[str], bool]) -> list[str] | None:
    """Greedy line breaking between chunks; ``None`` when one chunk alone is too wide."""
    lines: list[str] = []
    line = ""
    for chunk in chunks:
        candidate = f"{line} {chunk}" if line else chunk
        if fits(candidate):
            line = candidate
            continue
        if not line or not fits(chunk):
            return None
        lines.append(line)
        line = chunk
    if line:
        lines.append(line)
    return lines


def wrap_words(text: str, fits: Callable[[str], bool], max_lines: int) -> list[str]:
    """Word-wrap ``text`` into at most ``max_lines`` lines, the last one ending in "…"
    if the text does not fit."""
    words = text.split(" ")
    lines: list[str] = []
    line = ""
    for i, word in enumerate(words):
        candidate = f"{line} {word}" if line else word
        if fits(candidate) or not line:
            line = candidate
            continue
        lines.append(line)
        line = word
        if len(lines) == max_lines:
            lines[-1] = _longest_prefix(lines[-1] + " " + " ".join(words[i:]), fits)
            return lines
    lines.append(line)
    if not fits(lines[-1]):
        lines[-1] = _longest_prefix(lines[-1], fits)
    return lines


def _longest_prefix(text: str, fits: Callable[[str], bool]) -> str:
    """The longest start of ``text`` that fits with "…" after it, found by bisection:
    a long search text in the subtitle costs a few dozen measurements, not one per
    character."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(text[:mid].rstrip() + "…"):
            lo = mid
        else:
            hi = mid - 1
    return text[: max(lo, 1)].rstrip() + "…"
