"""Every rule an imported event must pass, in one place for all three formats.

Dates must exist and fit their precision, kinds and nations must be known, every event
cites at least one source, every quote has a speaker and one of its event's sources. The
validator turns a ``RawEvent`` into the canonical row that ``build.insert_events`` takes,
or records why it cannot.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cspo_viewer.data import schema
from cspo_viewer.data.columns import EVENT_COLUMNS, QUOTE_COLUMNS, SOURCE_COLUMNS
from cspo_viewer.data.dates import is_partial_iso, parse_day, period_end
from cspo_viewer.data.filters import NATIONS, Vocabulary
from cspo_viewer.data.interchange import ids
from cspo_viewer.data.interchange.jsonfmt import json_type
from cspo_viewer.data.interchange.model import INVALID, MapGroup, RawEvent

_event_values = operator.itemgetter(*EVENT_COLUMNS)
_quote_values = operator.itemgetter(*QUOTE_COLUMNS)
_BAD_CHAR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def bad_characters(value: str) -> str | None:
    """What is wrong with the characters of a text, in a reader's words, or None: a
    control character, or half of a UTF-16 surrogate pair (JSON's ``\\ud800`` escape),
    which is no character at all and was called a control character."""
    bad = _BAD_CHAR.search(value)
    if bad is None:
        return None
    code = ord(bad.group())
    if 0xD800 <= code <= 0xDFFF:
        return (
            f"contains U+{code:04X}, half of a surrogate pair without its other half"
            " (not a character)"
        )
    return f"contains the control character U+{code:04X}"


OPTIONAL_TEXT = (
    "short_title",
    "location",
    "summary",
    "statement_text",
    "uncertainty",
    "evidence",
)


@dataclass
class ValidEvent:
    """A canonical event ready to write: ``row`` in ``build.insert_events`` shape, and the
    full source records it cites (those given as objects)."""

    where: str
    row: dict[str, Any]
    sources: list[dict[str, Any]]
    fingerprint: int = field(init=False, repr=False)
    """Equal for identical events, so a repeated line in a file is not a conflict. Worked
    out once, as the event is made: the second pass asks again of the events the first
    one kept (a cached_property took a lock per event)."""

    def __post_init__(self) -> None:
        r = self.row
        quotes = r["quotes"]
        if quotes:
            quotes = tuple(map(_quote_values, quotes))
        values = (_event_values(r), r["nations"], r["themes"], r["sources"], quotes or None)
        self.fingerprint = hash(values)


class Validator:
    """Checks ``RawEvent``s against one database's vocabulary and the import's options."""

    def __init__(
        self,
        vocab: Vocabulary,
        known_source_ids: set[str],
        file_source: dict[str, Any],
        *,
        map_group: MapGroup | None = None,
    ) -> None:
        self.vocab = vocab
        self.known_source_ids = known_source_ids
        self.file_source = file_source
        self.map_group = map_group
        self.kind_labels = dict(vocab.kinds)
        self.theme_labels = dict(vocab.themes)
        self.new_kinds: dict[str, str] = {}
        self.new_themes: dict[str, str] = {}
        self.unmapped_groups: dict[str, int] = {}
        self.file_sources: dict[str, tuple[dict[str, Any], str]] = {}
        self.cites_file = False
        self._nation_codes = NATIONS.words(vocab)  # the filter's words for a nation
        self._kinds = _lookup(self.kind_labels)
        self._themes = _lookup(self.theme_labels)

    # --- entry point --------------------------------------------------------------------
    def validate(self, raw: RawEvent) -> ValidEvent | None:
        """The canonical event, or None with the reasons appended to ``raw.problems``."""
        day = self._date(raw)
        end = self._end_date(raw, day[0] if day else None)
        title = self._text(raw, "title", required=True)
        fields = raw.fields
        texts: dict[str, str | None] = {}
        for name in OPTIONAL_TEXT:
            value = fields.get(name)
            if value is None:
                texts[name] = None
            elif value.__class__ is str and _plain(value):
                texts[name] = value  # the common case, as _text decides it
            else:
                texts[name] = self._text(raw, name)
        confidence = self._confidence(raw)
        kind, group_theme = self._kind(raw)
        nations = self._nations_of(raw)
        themes = self._themes_of(raw, group_theme)
        source_ids, sources = self._sources(raw)
        event_id = self._id(raw, day, title)
        quotes = self._quotes(raw, event_id, source_ids)
        if raw.problems:
            return None
        assert day is not None and title is not None and event_id is not None
        row: dict[str, Any] = {
            "id": event_id,
            "date": day[0],
            "date_precision": day[1],
            "end_date": end,
            "title": title,
            "kind": kind,
            "confidence": confidence,
            **texts,
            "nations": nations,
            "themes": themes,
            "sources": source_ids,
            "quotes": quotes,
        }
        return ValidEvent(raw.where, row, sources)

    # --- fields ---------------------------------------------------------------------------
    def _text(self, raw: RawEvent, name: str, *, required: bool = False) -> str | None:
        value = raw.fields.get(name)
        if value is None and not required:
            return None
        if value.__class__ is str and _plain(value):
            return value  # the common case, checked first
        if value is INVALID:
            return None
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raw.problem(name, f"missing; every event needs a {name}")
            return None
        if not isinstance(value, str):
            raw.problem(name, f"must be text, not {json_type(value)}")
            return None
        bad = bad_characters(value)
        if bad:
            raw.problem(name, bad)
            return None
        return value

    def _date(self, raw: RawEvent) -> tuple[str, str] | None:
        value = raw.fields.get("date")
        if value is INVALID:
            return None
        if value is None or value == "":
            raw.problem("date", "missing; every event needs a date (YYYY-MM-DD, YYYY-MM or YYYY)")
            return None
        if not isinstance(value, str):
            raw.problem("date", f"must be text such as 2024-12-04, not {json_type(value)}")
            return None
        try:
            first, given = parse_day(value)
        except ValueError as exc:
            raw.problem("date", str(exc))
            return None
        precision = self._precision(raw, value.strip(), first, given)
        return (first.isoformat(), precision) if precision else None

    def _precision(self, raw: RawEvent, text: str, first: date, given: str) -> str | None:
        """The stated precision, checked against what the date gives; else the date's own."""
        value = raw.fields.get("date_precision")
        if value is INVALID:
            return None
        if value is None or value == "":
            return given
        if not isinstance(value, str) or value.strip().lower() not in schema.PRECISIONS:
            raw.problem("date_precision", f"unknown precision {value!r}; use day, month or year")
            return None
        precision = value.strip().lower()
        order = schema.PRECISIONS.index
        if order(given) > order(precision):
            raw.problem(
                "date_precision", f"{precision} precision needs a fuller date than {text!r}"
            )
            return None
        if precision == "month" and first.day != 1:
            raw.problem("date", f"{text} does not fit month precision: write {text[:7]}")
            return None
        if precision == "year" and (first.month, first.day) != (1, 1):
            raw.problem("date", f"{text} does not fit year precision: write {text[:4]}")
            return None
        return precision

    def _end_date(self, raw: RawEvent, start: str | None) -> str | None:
        value = raw.fields.get("end_date")
        if value is INVALID or value is None or value == "":
            return None
        if not isinstance(value, str):
            raw.problem("end_date", f"must be text such as 2024-12-05, not {json_type(value)}")
            return None
        try:
            first, given = parse_day(value)
        except ValueError as exc:
            raw.problem("end_date", str(exc))
            return None
        end = period_end(first.isoformat(), given)
        if start is not None and end < start:
            raw.problem("end_date", f"{value.strip()} is before the start date {start}")
            return None
        return end

    def _confidence(self, raw: RawEvent) -> str | None:
        value = raw.fields.get("confidence")
        if value is INVALID or value is None or value == "":
            return None
        if value.__class__ is str and value in _CONFIDENCE:
            return value  # "high", "medium", "low" as written: the common case
        if not isinstance(value, str) or value.strip().lower() not in schema.CONFIDENCES:
            valid = ", ".join(schema.CONFIDENCES)
            raw.problem("confidence", f"unknown confidence {value!r}; use {valid} or leave empty")
            return None
        return value.strip().lower()

    def _kind(self, raw: RawEvent) -> tuple[str, str | None]:
        """The event kind and, for a TimelineJS group that names a theme, that theme."""
        if "group" in raw.fields:
            return self._group(raw, raw.fields["group"])
        value = raw.fields.get("kind")
        if value is INVALID or value is None or value == "":
            return "other", None
        if not isinstance(value, str):
            raw.problem("kind", f"must be text, not {json_type(value)}")
            return "other", None
        kind = self._kinds.get(value)  # an id as written: the common case
        if kind is None:
            kind = self._kinds.get(value.strip().casefold())
        if kind is None:
            raw.problem(
                "kind", f"unknown kind {value!r}; valid kinds: {', '.join(self.kind_labels)}"
            )
            return "other", None
        return kind, None

    def _group(self, raw: RawEvent, value: Any) -> tuple[str, str | None]:
        """TimelineJS ``group``: a known kind or theme, a new one if asked, else ``other``."""
        if value is None or value == "":
            return "other", None
        if not isinstance(value, str):
            raw.problem("kind", f"must be text, not {json_type(value)}")
            return "other", None
        key = value.strip().casefold()
        if key in self._kinds:
            return self._kinds[key], None
        if key in self._themes:
            return "other", self._themes[key]
        label = " ".join(value.split())[:200]
        if self.map_group == "kind":
            return self._new_entry(label, self._kinds, self.kind_labels, self.new_kinds), None
        if self.map_group == "theme":
            theme = self._new_entry(label, self._themes, self.theme_labels, self.new_themes)
            return "other", theme
        self.unmapped_groups[label] = self.unmapped_groups.get(label, 0) + 1
        return "other", None

    @staticmethod
    def _new_entry(
        label: str, lookup: dict[str, str], labels: dict[str, str], new: dict[str, str]
    ) -> str:
        """A new kind or theme named by a group; its id is the label's slug."""
        slug = ids.label_id(label)
        entry = lookup.get(slug, slug)
        if entry not in labels:
            labels[entry] = label
            new[entry] = label
        lookup[label.casefold()] = entry
        lookup[entry] = entry
        return entry

    def _nations_of(self, raw: RawEvent) -> tuple[str, ...]:
        words = self._word_list(raw, "nations")
        codes: list[str] = []
        for i, word in words:
            code = self._nation(word)
            if code is None:
                valid = ", ".join(self.vocab.nations)
                raw.problem(f"nations[{i}]", f"unknown nation {word!r}; valid: {valid}")
            elif code not in codes:
                codes.append(code)
        return tuple(codes)

    def _nation(self, word: str) -> str | None:
        """The nation code ``word`` names (a code, name or ISO alpha-2), or None."""
        return self._nation_codes.get(word.strip().casefold()) if word.strip() else None

    def _themes_of(self, raw: RawEvent, extra: str | None) -> tuple[str, ...]:
        themes = self._check_themes(raw)
        if extra and extra not in themes:
            return (*themes, extra)
        return themes

    def _check_themes(self, raw: RawEvent) -> tuple[str, ...]:
        themes: list[str] = []
        for i, word in self._word_list(raw, "themes"):
            theme = self._themes.get(word.strip().casefold())
            if theme is None:
                valid = ", ".join(self.theme_labels)
                raw.problem(f"themes[{i}]", f"unknown theme {word!r}; valid themes: {valid}")
            elif theme not in themes:
                themes.append(theme)
        return tuple(themes)

    def _word_list(self, raw: RawEvent, name: str) -> list[tuple[int, str]]:
        value = raw.fields.get(name)
        if value is None or value is INVALID:
            return []
        if not isinstance(value, (list, tuple)):
            raw.problem(name, f"must be a list, not {json_type(value)}")
            return []
        if all(item.__class__ is str for item in value):
            return [(i, word) for i, item in enumerate(value) if (word := item.strip())]
        words = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raw.problem(f"{name}[{i}]", f"must be text, not {json_type(item)}")
            elif item.strip():
                words.append((i, item.strip()))
        return words

    def _sources(self, raw: RawEvent) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
        value = raw.fields.get("sources")
        if value is INVALID:
            return (), []
        if value is None:
            self.cites_file = True
            return (self.file_source["id"],), [self.file_source]
        if not isinstance(value, list):
            raw.problem("sources", f"must be a list, not {json_type(value)}")
            return (), []
        if not value:
            raw.problem("sources", "empty; every event needs at least one source")
            return (), []
        source_ids: list[str] = []
        records: list[dict[str, Any]] = []
        for i, item in enumerate(value):
            record = self._source(raw, i, item)
            if record is None:
                continue
            sid = record if isinstance(record, str) else record["id"]
            if sid not in source_ids:
                source_ids.append(sid)
                if not isinstance(record, str):
                    records.append(record)
        return tuple(source_ids), records

    def check_source(self, raw: RawEvent, i: int) -> dict[str, Any] | str | None:
        """``raw``'s source ``i`` checked alone (the editor's source form)."""
        return self._source(raw, i, raw.fields["sources"][i])

    def _source(self, raw: RawEvent, i: int, item: Any) -> dict[str, Any] | str | None:
        name = f"sources[{i}]"
        if isinstance(item, str):
            sid = item.strip()
            if sid in self.known_source_ids or sid in self.file_sources:
                return sid
            raw.problem(name, f"unknown source id {item!r}; give new sources with a title")
            return None
        if not isinstance(item, dict):
            raw.problem(name, f"must be a source object or a source id, not {json_type(item)}")
            return None
        return self._source_record(raw, name, item)

    def _source_record(
        self, raw: RawEvent, name: str, item: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        record: dict[str, Any] = {}
        for column in SOURCE_COLUMNS:
            value = item.get(column)
            if value is None or (isinstance(value, str) and not value.strip()):
                record[column] = None
            elif not isinstance(value, str):
                raw.problem(f"{name}.{column}", f"must be text, not {json_type(value)}")
                return None
            elif bad_characters(value):
                raw.problem(f"{name}.{column}", str(bad_characters(value)))
                return None
            else:
                record[column] = value
        if record["title"] is None:
            raw.problem(f"{name}.title", "missing; every source needs a title")
            return None
        if record["date"] is not None and not is_partial_iso(record["date"].strip()):
            # "unknown", "undated excerpt": kept word for word, where it cannot break
            # sorting by date (schema v2).
            if record["date_note"] is not None:
                raw.problem(
                    f"{name}.date",
                    f"{record['date']!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD); "
                    "say it in date_note",
                )
                return None
            record["date"], record["date_note"] = None, record["date"]
        elif record["date"] is not None:
            record["date"] = record["date"].strip()
        if record["id"] is None:
            record["id"] = ids.source_id(record["title"], record["url"])
        elif not ids.valid_id(record["id"]):
            raw.problem(f"{name}.id", f"{record['id']!r} is not a valid source id")
            return None
        seen = self.file_sources.get(record["id"])
        if seen is None:
            self.file_sources[record["id"]] = (record, raw.at(name))
        elif seen[0] != record:
            raw.problem(name, f"source {record['id']} differs from its first use at {seen[1]}")
            return None
        return record

    def _id(self, raw: RawEvent, day: tuple[str, str] | None, title: str | None) -> str | None:
        value = raw.fields.get("id")
        if value is INVALID:
            return None
        if value is None or value == "":
            return ids.event_id(day[0], title) if day and title else None
        if not ids.valid_id(value):
            raw.problem(
                "id",
                f"{value!r} is not a valid id (letters, digits and . _ : ~ + -, "
                "at most 200 characters)",
            )
            return None
        return str(value)

    def _quotes(
        self, raw: RawEvent, event_id: str | None, source_ids: tuple[str, ...]
    ) -> list[dict[str, Any]]:
        value = raw.fields.get("quotes")
        if value is None or value is INVALID:
            return []
        if not isinstance(value, list):
            raw.problem("quotes", f"must be a list, not {json_type(value)}")
            return []
        quotes: list[dict[str, Any]] = []
        qids: set[Any] = set()
        for i, item in enumerate(value):
            quote = self._quote(raw, i, item, event_id, source_ids)
            if quote is not None:
                if quote["id"] in qids:
                    raw.problem(f"quotes[{i}].id", f"quote id {quote['id']} appears twice")
                qids.add(quote["id"])
                quotes.append(quote)
        return quotes

    def _quote(
        self,
        raw: RawEvent,
        i: int,
        item: Any,
        event_id: str | None,
        source_ids: tuple[str, ...],
    ) -> dict[str, Any] | None:
        name = f"quotes[{i}]"
        if not isinstance(item, dict):
            raw.problem(name, f"must be an object, not {json_type(item)}")
            return None
        quote: dict[str, Any] = {}
        for column, label in _QUOTE_TEXT:
            value = item.get(column)
            if value.__class__ is str and _plain(value):
                quote[column] = value  # the common case, as below decides it
                continue
            if value is None or (isinstance(value, str) and not value.strip()):
                if label:
                    raw.problem(f"{name}.{column}", f"missing; a quote needs {label}")
                    return None
                value = None
            elif not isinstance(value, str):
                raw.problem(f"{name}.{column}", f"must be text, not {json_type(value)}")
                return None
            elif bad_characters(value):
                raw.problem(f"{name}.{column}", str(bad_characters(value)))
                return None
            quote[column] = value
        quote["nation_code"] = self._quote_nation(raw, name, item)
        quote["source_id"] = self._quote_source(raw, name, item, source_ids)
        qid = item.get("id")
        if qid is None or qid == "":
            qid = ids.quote_id(event_id, i + 1) if event_id else None
        elif not ids.valid_id(qid):
            raw.problem(f"{name}.id", f"{qid!r} is not a valid quote id")
            return None
        quote["id"] = qid
        return quote

    def _quote_nation(self, raw: RawEvent, name: str, item: Mapping[str, Any]) -> str | None:
        value = item.get("nation_code", INVALID)
        if value is INVALID:
            value = item.get("nation")
        if value is None or value == "":
            return None
        code = self._nation(value) if isinstance(value, str) else None
        if code is None:
            raw.problem(f"{name}.nation_code", f"unknown nation {value!r}")
        return code

    def _quote_source(
        self, raw: RawEvent, name: str, item: Mapping[str, Any], source_ids: tuple[str, ...]
    ) -> str | None:
        value = item.get("source_id")
        if value is None or value == "":
            return source_ids[0] if source_ids else None
        if value not in source_ids:
            raw.problem(f"{name}.source_id", f"{value!r} is not one of this event's sources")
            return None
        return str(value)


_CONFIDENCE = frozenset(schema.CONFIDENCES)
_QUOTE_TEXT = (("speaker", "a speaker"), ("text", "its text"), ("role", ""))
"""A quote's text fields and, for those it cannot do without, what the message calls them."""


def _lookup(labels: Mapping[str, str]) -> dict[str, str]:
    """Case-insensitive id-or-label -> id."""
    out: dict[str, str] = {}
    for key, label in labels.items():
        out[label.casefold()] = key
        out[key.casefold()] = key
    return out


def _plain(value: str) -> bool:
    """Non-blank text without control characters or lone surrogates: text ``_text`` takes
    as it is. (Printable text has neither, and ``isprintable`` is the quicker scan; text
    with line breaks or tabs takes the regular expression.)"""
    return (
        bool(value) and not value.isspace() and (value.isprintable() or not _BAD_CHAR.search(value))
    )
