"""The one event filter: its model, its SQL, its description in words and its stored form.

Every view and command (the filter panel, ``list``, ``export``, ``dump``, ``--screenshot``)
goes through ``EventFilter``; values are resolved against the database's vocabulary once,
here, and then travel as canonical ids (ISO alpha-3 codes, theme slugs, kind ids).
SQL is built with bound parameters only. The command-line options that name a filter are
``commands/filter_args.py``; the window's remembered filter is ``ui/filter_settings.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

from cspo_viewer.data.usable import clean_text

Match = Literal["any", "all"]
MATCH_CHOICES: tuple[Match, ...] = ("any", "all")


class FilterError(ValueError):
    """A filter value the database does not know; the message lists the valid ones."""


@dataclass(frozen=True)
class Vocabulary:
    """The names a filter may use, read from the database it will run against.

    ``nations`` maps alpha-3 code -> (English name, alpha-2 code); ``themes`` and ``kinds``
    map id -> label. Nations are matched case-insensitively by name, alpha-2 or alpha-3.
    """

    nations: Mapping[str, tuple[str, str]]
    themes: Mapping[str, str]
    kinds: Mapping[str, str]

    def nation_name(self, code: str) -> str:
        return NATIONS.label(self, code)


@dataclass(frozen=True)
class Facet:
    """One vocabulary an event filter narrows by (nations, themes or kinds), described
    once for everything that handles it, as Datasette describes each facet by a class:
    the filter's field, how a typed word resolves to a value, how the values read in
    words, how they become SQL, and the stored and command-line names built from these.

    ``name`` is the singular ("nation": ``--nation``, "unknown nation"); ``field`` the
    plural, which is the ``EventFilter`` field, the ``Vocabulary`` mapping and the stored
    key ("nations"). A tag facet is held in ``table`` as ``column`` per event, one of
    several, and has an any/all mode (``match_field``); a facet without a table is the
    events' own ``column``, one per event, always "any".
    """

    name: str
    field: str
    heading: str
    column: str
    table: str | None = None
    key: str = "id"
    """The primary key of the vocabulary's own table, which is named ``field``."""
    listed_by_name: bool = False
    """An unknown word's message lists the valid values as "Name (ID)" (nations, whose
    codes say little), else by id."""

    @property
    def match_field(self) -> str | None:
        """The ``EventFilter`` field of the any/all mode (a tag facet's only)."""
        return f"match_{self.field}" if self.table else None

    def values(self, flt: EventFilter) -> tuple[str, ...]:
        return tuple(getattr(flt, self.field))

    def match(self, flt: EventFilter) -> Match:
        return getattr(flt, self.match_field) if self.match_field else "any"

    # --- values and words ------------------------------------------------------------
    def _entries(self, vocab: Vocabulary) -> Mapping[str, Any]:
        """Value -> label, or for nations (name, alpha-2)."""
        entries: Mapping[str, Any] = getattr(vocab, self.field)
        return entries

    def label(self, vocab: Vocabulary | None, value: str) -> str:
        """How ``value`` reads in words: its label (a nation's English name), else itself."""
        entry = self._entries(vocab).get(value) if vocab is not None else None
        if entry is None:
            return value
        return str(entry[0] if isinstance(entry, tuple) else entry)

    def words(self, vocab: Vocabulary) -> dict[str, str]:
        """Every word that names a value, casefolded -> the value: its id and label (a
        nation's name and alpha-2 code); the first value to claim a word keeps it. Import
        matches an event's nations by the same index."""
        index: dict[str, str] = {}
        for value, entry in self._entries(vocab).items():
            names = entry if isinstance(entry, tuple) else (entry,)
            for word in (value, *(n or "" for n in names)):
                if word:
                    index.setdefault(word.casefold(), value)
        return index

    def resolve(self, vocab: Vocabulary, word: str) -> str:
        """The value ``word`` names: its id or label in any case (a nation also by its
        alpha-2 code); ``FilterError`` listing the valid ones otherwise."""
        value = self.words(vocab).get(word.strip().casefold())
        if value is not None:
            return value
        entries = self._entries(vocab)
        if self.listed_by_name:
            valid = ", ".join(f"{self.label(vocab, v)} ({v})" for v in entries)
        else:
            valid = ", ".join(entries)
        raise FilterError(f"unknown {self.name} {word!r}; valid {self.field}: {valid}")

    def describe(self, flt: EventFilter, vocab: Vocabulary | None) -> str | None:
        """The facet's part of the filter's subtitle: a tag facet always ("Nations: all",
        "Nations: Japan or Norway"), the others when chosen ("Kinds: Exercise, Other")."""
        values = self.values(flt)
        if not values and not self.table:
            return None
        if not values:
            return f"{self.heading}: all"
        joiner = ", " if not self.table else " and " if self.match(flt) == "all" else " or "
        return f"{self.heading}: {joiner.join(self.label(vocab, v) for v in values)}"

    # --- SQL -------------------------------------------------------------------------
    def tag_sets(self, flt: EventFilter) -> list[tuple[str, list[str]]]:
        """A tag facet's tests as ``SELECT event_id`` queries of its table with their
        parameters: "any" is one query for all the chosen values, "all" one per value."""
        values = list(self.values(flt))
        if not self.table or not values:
            return []
        groups = [[v] for v in values] if self.match(flt) == "all" else [values]
        return [
            (
                f"SELECT event_id FROM {self.table} WHERE {self.column} IN"
                f" ({', '.join('?' * len(g))})",
                g,
            )
            for g in groups
        ]

    def column_clause(self, flt: EventFilter, alias: str) -> tuple[str, list[str]] | None:
        """An events-column facet's test (``None`` for a tag facet or nothing chosen)."""
        values = list(self.values(flt))
        if self.table or not values:
            return None
        return f"{alias}.{self.column} IN ({', '.join('?' * len(values))})", values


NATIONS = Facet(
    "nation", "nations", "Nations", "nation_code", "event_nations", key="code", listed_by_name=True
)
THEMES = Facet("theme", "themes", "Themes", "theme_id", "event_themes")
KINDS = Facet("kind", "kinds", "Kinds", "kind")
FACETS: tuple[Facet, ...] = (NATIONS, THEMES, KINDS)
"""Every facet, in the order the filter's SQL, words, stored form and options list them."""
TAG_FACETS = {facet.field: facet for facet in FACETS if facet.table}
"""The facets held in tag tables, by field ("nations", "themes")."""


def parse_date(text: str, *, end: bool = False) -> str:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD and return an ISO day.

    A partial date means the start of its period for ``--from`` and its end for ``--to``,
    so ``--from 2019 --to 2020`` covers both whole years.
    """
    text = text.strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not m:
        raise FilterError(f"invalid date {text!r}; use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(m[1]), m[2], m[3]
    try:
        if day is not None:
            return date(year, int(month), int(day)).isoformat()
        if month is not None:
            first = date(year, int(month), 1)
            if not end:
                return first.isoformat()
            nxt = date(year + (first.month == 12), first.month % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1).isoformat()
        return (date(year, 12, 31) if end else date(year, 1, 1)).isoformat()
    except ValueError as exc:
        raise FilterError(f"invalid date {text!r}: {exc}") from None


_TOKEN = re.compile(r'"([^"]*)"|(\S+)')


def fts_query(text: str) -> str | None:
    """Turn what a person types into a safe FTS5 query.

    Quoted text is a phrase; every other word matches as a prefix ("sanct" finds
    "sanctions"). Every term is quoted, so FTS5 operators and punctuation in the input
    cannot change the query's meaning or raise a syntax error. All terms must match.
    """
    terms: list[str] = []
    for phrase, word in _TOKEN.findall(text):
        if phrase:
            words = re.findall(r"\w+", phrase)
            if words:
                terms.append('"' + " ".join(words) + '"')
        else:
            terms.extend(f'"{w}"*' for w in re.findall(r"\w+", word))
    return " ".join(terms) or None


@dataclass(frozen=True)
class EventFilter:
    """What the analyst asked to see. Empty fields mean "no restriction"."""

    nations: tuple[str, ...] = ()
    match_nations: Match = "any"
    themes: tuple[str, ...] = ()
    match_themes: Match = "any"
    kinds: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return self == EventFilter()

    def with_(self, **changes: Any) -> EventFilter:
        return replace(self, **changes)

    # --- SQL -------------------------------------------------------------------------
    def tag_sets(self) -> list[tuple[str, list[str]]]:
        """The tag tests as ``SELECT event_id`` queries of a tag table, with their
        parameters (``Facet.tag_sets`` of each facet)."""
        return [test for facet in FACETS for test in facet.tag_sets(self)]

    def _range(self) -> tuple[str, str]:
        return self.date_from or "0000-01-01", self.date_to or "9999-12-31"

    def _date_branches(self) -> list[tuple[str, list[Any]]]:
        """The two index ranges of the events that overlap the date range, as conditions
        on ``events``: those starting in the range (the (date, id) index), and multi-day
        ones that start before it and reach into it (the end_date index)."""
        lo, hi = self._range()
        return [("date >= ? AND date <= ?", [lo, hi]), ("end_date >= ? AND date < ?", [lo, lo])]

    def starting_in_range(self) -> tuple[str, list[Any]]:
        """The rowids of the events that start in the date range: one range of the
        (date, id) index, which holds the rowid, so no event row is read."""
        condition, params = self._date_branches()[0]
        return f"SELECT rowid FROM events WHERE {condition}", params

    def date_candidates(
        self, tests: str = "", test_params: Sequence[Any] = ()
    ) -> tuple[str, list[Any]]:
        """The rowids of the events that overlap the date range (the filter has one) and
        pass ``tests`` (conditions on ``events``), one query per branch of
        ``_date_branches``."""
        selects, params = [], []
        for condition, values in self._date_branches():
            selects.append(f"SELECT rowid FROM events WHERE {condition}{tests}")
            params += [*values, *test_params]
        return " UNION ALL ".join(selects), params

    def where(self, alias: str = "e", *, dates_first: bool = False) -> tuple[str, list[Any]]:
        """The WHERE clause (without the keyword) and its bound parameters.

        By default nations and themes narrow a set of event ids read from covering
        indexes ("all" intersects one set per value, which SQLite does without touching
        ``events``) and dates test those candidates. With ``dates_first`` (when the date
        range holds far fewer events than the tags: ``Store`` measures it) the events in
        the range are read by the date indexes and each is tested for its tags by the
        tag tables' (event_id, value) keys, inside the subquery, so that the events
        starting in the range are tested on the (date, id) index and only those that
        pass are read: a month of a common nation costs that month's events instead of
        every event of the nation. Both select the same events.
        """
        clauses: list[str] = []
        params: list[Any] = []
        sets = self.tag_sets()
        dated = bool(self.date_from or self.date_to)
        narrowed = False  # whether a clause already reads only a few candidate events
        if dates_first and dated and sets:
            tests = "".join(
                f" AND EXISTS ({select} AND event_id = events.id)" for select, _ in sets
            )
            values = [value for _, group in sets for value in group]
            candidates, candidate_params = self.date_candidates(tests, values)
            clauses.append(f"{alias}.rowid IN ({candidates})")
            params.extend(candidate_params)
            sets = []
            narrowed = True
        elif sets:
            clauses.append(f"{alias}.id IN ({' INTERSECT '.join(s for s, _ in sets)})")
            params.extend(value for _, values in sets for value in values)
            narrowed = True
        for facet in FACETS:
            column = facet.column_clause(self, alias)
            if column:
                clauses.append(column[0])
                params.extend(column[1])
        if dated:
            if not (narrowed or self.text):
                # Read by the date indexes rather than testing every row.
                candidates, candidate_params = self.date_candidates()
                clauses.append(f"{alias}.rowid IN ({candidates})")
                params.extend(candidate_params)
            # The range itself, whatever read the candidates: an index names the rows to
            # test, this says which pass (a foreign file's end before its start included).
            clauses.append(f"{alias}.date <= ? AND COALESCE({alias}.end_date, {alias}.date) >= ?")
            params.extend(reversed(self._range()))
        query = fts_query(self.text) if self.text else None
        if query:
            clauses.append(
                f"{alias}.rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?"
                " UNION SELECT qe.rowid FROM quotes q JOIN events qe ON qe.id = q.event_id"
                " WHERE q.rowid IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ?))"
            )
            params.extend([query, query])
        return (" AND ".join(clauses) or "1"), params

    # --- words -----------------------------------------------------------------------
    def describe(self, vocab: Vocabulary | None = None) -> str:
        """The filter as a subtitle: "Nations: Japan · Themes: all · 2019-01-01 to 2024-12-31"."""

        parts = [part for facet in FACETS if (part := facet.describe(self, vocab))]
        if self.date_from or self.date_to:
            parts.append(f"{self.date_from or 'start'} to {self.date_to or 'end'}")
        if self.text:
            parts.append(f"Search: “{self.text}”")
        # Words for people and pictures: a character no XML may hold (U+FFFF typed into
        # the search) would make an SVG export invalid.
        return clean_text(" · ".join(parts))

    def to_settings(self) -> dict[str, Any]:
        """The filter as a plain dict of str and lists, stored as it is: the window's
        remembered filter (QSettings, in ``ui/filter_settings.py``) and a saved view's
        JSON; ``filter_from_settings`` reads it back."""
        data: dict[str, Any] = {}
        for facet in FACETS:
            data[facet.field] = list(facet.values(self))
            if facet.match_field:
                data[facet.match_field] = facet.match(self)
        data.update(date_from=self.date_from or "", date_to=self.date_to or "", text=self.text)
        return data


def build_filter(
    vocab: Vocabulary,
    *,
    nations: Iterable[str] = (),
    match_nations: str = "any",
    themes: Iterable[str] = (),
    match_themes: str = "any",
    kinds: Iterable[str] = (),
    date_from: str | None = None,
    date_to: str | None = None,
    text: str | None = None,
) -> EventFilter:
    """Validate raw words against ``vocab`` and return the canonical filter.

    Raises ``FilterError`` on the first unknown value, naming the valid ones.
    """
    if match_nations not in MATCH_CHOICES or match_themes not in MATCH_CHOICES:
        raise FilterError("match must be 'any' or 'all'")
    start = parse_date(date_from) if date_from else None
    end = parse_date(date_to, end=True) if date_to else None
    if start and end and start > end:
        raise FilterError(f"the start date {start} is after the end date {end}")
    given = {NATIONS: nations, THEMES: themes, KINDS: kinds}
    chosen: dict[str, Any] = {
        f.field: _unique(f.resolve(vocab, word) for word in given[f]) for f in FACETS
    }
    return EventFilter(
        **chosen,
        match_nations=match_nations,
        match_themes=match_themes,
        date_from=start,
        date_to=end,
        text=(text or "").strip(),
    )


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def filter_from_settings(
    data: Mapping[str, Any], vocab: Vocabulary
) -> tuple[EventFilter, list[str]]:
    """Rebuild a saved filter, dropping values the database no longer knows.

    Returns the filter and one message per dropped value, for the status bar: a stale
    saved filter must never stop the app from opening.
    """
    dropped: list[str] = []

    def keep(facet: Facet) -> tuple[str, ...]:
        kept = []
        for value in _as_list(data.get(facet.field)):
            try:
                kept.append(facet.resolve(vocab, value))
            except FilterError:
                dropped.append(f"saved {facet.name} {value!r} is not in this database")
        return _unique(kept)

    def valid_date(value: Any, end: bool) -> str | None:
        if not value:
            return None
        try:
            return parse_date(str(value), end=end)
        except FilterError:
            dropped.append(f"saved date {value!r} is not a date")
            return None

    def match(value: Any) -> Match:
        return value if value in MATCH_CHOICES else "any"

    chosen: dict[str, Any] = {facet.field: keep(facet) for facet in FACETS}
    for facet in FACETS:
        if facet.match_field:
            chosen[facet.match_field] = match(data.get(facet.match_field))
    flt = EventFilter(
        **chosen,
        date_from=valid_date(data.get("date_from"), False),
        date_to=valid_date(data.get("date_to"), True),
        text=str(data.get("text") or "").strip(),
    )
    return flt, dropped


def _as_list(values: Any) -> list[str]:
    """A stored list may come back as a lone string for one element and None for none
    (QSettings does so; a hand-edited saved view may)."""
    if values is None or values == "":
        return []
    if isinstance(values, str):
        return [values]
    return [str(v) for v in values]
