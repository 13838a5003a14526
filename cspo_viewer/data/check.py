"""Validate a whole database: integrity, foreign keys, schema version and our content rules.

``open_store`` already refuses files that cannot be read at all; this goes further, for
``cspo-viewer db check``: every event sourced, dates real and consistent with their
precision, quotes attributed, vocabulary known, and the full-text indexes intact and in
step with their tables. Every problem is one line naming the event (or nation, quote) it
concerns, so a person can find the row; a damaged file gets its problems listed, as far
as SQLite can read it, never a pointer back to this check.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from cspo_viewer.data import schema
from cspo_viewer.data.dates import is_partial_iso
from cspo_viewer.data.db_file import _check_file, connect, one_line
from cspo_viewer.data.quote_check import check_quotes
from cspo_viewer.data.store import Store
from cspo_viewer.data.usable import BIDI_CONTROLS, event_problem, has_blob

INTEGRITY_LINES = 20

FTS_TABLES = {"events_fts": "events", "quotes_fts": "quotes"}


def check_path(path: Path) -> list[str]:
    """Every problem of the database file at ``path`` (which ``open_store`` may refuse as
    damaged or too old: those are exactly the files this is for)."""
    _check_file(path)
    conn = connect(path, writable=False)
    try:
        return check_store(Store(path, conn, writable=False))
    finally:
        conn.close()


def check_store(store: Store) -> list[str]:
    """Every problem found, one line each; an empty list means the database is sound."""
    conn = store.conn
    problems: list[str] = []

    def step(what: str, check: Callable[[], list[str]]) -> None:
        try:
            problems.extend(check())
        except sqlite3.DatabaseError as exc:  # a page this step needs cannot be read
            problems.append(f"{what} could not be checked: {one_line(exc)}")

    step("integrity", lambda: _integrity(conn))
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    missing = [t for t in schema.REQUIRED_TABLES if t not in tables]
    if missing:
        return [*problems, f"not a cspo-viewer database: missing tables {', '.join(missing)}"]
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version != schema.SCHEMA_VERSION:
        upgrade = " (run: cspo-viewer db migrate)" if version < schema.SCHEMA_VERSION else ""
        problems.append(f"schema version is v{version}, expected v{schema.SCHEMA_VERSION}{upgrade}")
    step("foreign keys", lambda: _foreign_keys(conn))
    step("events", lambda: _events(conn))
    step("quotes", lambda: _quotes(conn))
    step("sources", lambda: _sources(conn, version))
    step("quotes against their sources", lambda: check_quotes(conn).problems())
    step("full-text index", lambda: _fts(conn, tables))
    step("bidirectional controls", lambda: _bidi_controls(conn))
    return problems


def _bidi_controls(conn: sqlite3.Connection) -> list[str]:
    """Events whose own text, quotes or sources hold a bidirectional control, which can
    make text read other than it is stored (drawn visibly: see ``usable.clean_text``)."""
    texts = (
        "SELECT id, 'its ' || c, v FROM (SELECT id, 'title' c, title v FROM events"
        " UNION ALL SELECT id, 'short title', short_title FROM events"
        " UNION ALL SELECT id, 'location', location FROM events"
        " UNION ALL SELECT id, 'summary', summary FROM events"
        " UNION ALL SELECT id, 'statement text', statement_text FROM events"
        " UNION ALL SELECT id, 'uncertainty', uncertainty FROM events"
        " UNION ALL SELECT event_id, 'quote ' || id, speaker || ' ' || COALESCE(role, '')"
        " || ' ' || text FROM quotes"
        " UNION ALL SELECT es.event_id, 'source ' || s.id,"
        " s.title || ' ' || COALESCE(s.publisher, '')"
        " FROM event_sources es JOIN sources s ON s.id = es.source_id)"
        " WHERE typeof(v) = 'text' AND v GLOB ? ORDER BY id"
    )
    found: dict[str, list[str]] = {}
    for event_id, where, value in conn.execute(texts, [f"*{BIDI_CONTROLS.pattern}*"]):
        codes = sorted({f"U+{ord(c):04X}" for c in BIDI_CONTROLS.findall(value)})
        if codes:
            found.setdefault(str(event_id), []).append(f"{where} ({', '.join(codes)})")
    return [
        f"event {event_id}: bidirectional control characters in {'; '.join(places)}"
        for event_id, places in found.items()
    ]


def _integrity(conn: sqlite3.Connection) -> list[str]:
    """SQLite's integrity check, one line per message. On some damage the check itself
    stops with "malformed" when asked for many messages, yet gives the first one; so it
    is asked again for one."""
    try:
        lines = [one_line(r[0]) for r in conn.execute(f"PRAGMA integrity_check({INTEGRITY_LINES})")]
    except sqlite3.DatabaseError:
        lines = [one_line(r[0]) for r in conn.execute("PRAGMA integrity_check(1)")]
    return [] if lines == ["ok"] else [f"integrity: {line}" for line in lines]


_FK_SUBJECT = {
    "events": ("event", "id"),
    "event_nations": ("event", "event_id"),
    "event_themes": ("event", "event_id"),
    "event_sources": ("event", "event_id"),
    "quotes": ("event", "event_id"),
    "memberships": ("nation", "nation_code"),
}


def _foreign_keys(conn: sqlite3.Connection) -> list[str]:
    """Each broken reference by the event (or nation) it belongs to, and the value that
    points nowhere: "event X: its nation_code 'ZZZ' is not in nations"."""
    out = []
    columns: dict[tuple[str, int], str] = {}
    for table, rowid, parent, fkid in conn.execute("PRAGMA foreign_key_check"):
        if (table, parent) == ("events", "kinds"):
            continue  # ``_events`` names the kind, by the rule every loader applies
        if (table, fkid) not in columns:
            for row in conn.execute("SELECT * FROM pragma_foreign_key_list(?)", [table]):
                columns[(table, row[0])] = row[3]
        column = columns.get((table, fkid), "?")
        noun, key = _FK_SUBJECT.get(table, (f"{table} row", "rowid"))
        found = conn.execute(
            f'SELECT "{key}", "{column}", rowid FROM "{table}" WHERE rowid = ?', [rowid]
        ).fetchone()
        subject, value, _ = found if found else (rowid, None, None)
        whose = "its"
        if table == "quotes":
            (qid,) = conn.execute("SELECT id FROM quotes WHERE rowid = ?", [rowid]).fetchone()
            whose = f"quote {qid}'s"
        out.append(f"{noun} {subject}: {whose} {column} {value!r} is not in {parent}")
    return out


def _events(conn: sqlite3.Connection) -> list[str]:
    """The rules every command applies when it loads events (``usable``), and the
    softer ones of our own data: a source for each event, dates that fit their precision."""
    out = []
    kinds = {r[0] for r in conn.execute("SELECT id FROM kinds")}
    sourced = {r[0] for r in conn.execute("SELECT DISTINCT event_id FROM event_sources")}
    for row in conn.execute(
        "SELECT id, date, date_precision, end_date, title, short_title, kind, location,"
        " summary, statement_text, confidence, uncertainty FROM events ORDER BY date, id"
    ):
        eid, day, precision = row[0], row[1], row[2]
        why = event_problem(row, kinds)
        if why is not None:
            out.append(f"event {eid}: {why}")
        elif precision not in schema.PRECISIONS:
            out.append(f"event {eid}: unknown date precision {precision!r}")
        elif (precision == "month" and not day.endswith("-01")) or (
            precision == "year" and not day.endswith("-01-01")
        ):
            out.append(f"event {eid}: date {day} does not fit its {precision} precision")
        if eid not in sourced:
            out.append(f"event {eid} cites no source")
    return out


def _quotes(conn: sqlite3.Connection) -> list[str]:
    out = []
    for row in conn.execute(
        "SELECT id, event_id, speaker, role, nation_code, text, source_id FROM quotes"
    ):
        qid, eid, speaker = row[0], row[1], row[2]
        if has_blob(row):
            out.append(f"event {eid}: quote {qid} holds binary data where text belongs")
        elif not str(speaker or "").strip():
            out.append(f"event {eid}: quote {qid} has no speaker")
        if row[6] is None:
            out.append(f"event {eid}: quote {qid} names no source")
    return out


def _iso_source_date(value: object) -> bool:
    return isinstance(value, str) and is_partial_iso(value)


def _sources(conn: sqlite3.Connection, version: int) -> list[str]:
    out = []
    for r in conn.execute("SELECT id, title, publisher, date, url, document FROM sources"):
        if has_blob(r):
            out.append(f"source {r[0]!s} holds binary data where text belongs")
        elif version >= 2 and r[3] is not None and not _iso_source_date(r[3]):
            out.append(f"source {r[0]} has the date {r[3]!r}, not YYYY, YYYY-MM or YYYY-MM-DD")
    return out


def _fts(conn: sqlite3.Connection, tables: set[str]) -> list[str]:
    """Row counts, then FTS5's own 'integrity-check' against the content table.

    SQLite runs that check only on a writable connection (it is spelled as an INSERT,
    though it changes nothing), and ours is read-only; so it runs on a copy in memory
    made with SQLite's backup API. The file itself is never opened for writing.
    """
    out = []
    for fts, table in FTS_TABLES.items():
        if fts not in tables:
            out.append(f"full-text index {fts} is missing")
            continue
        n_rows = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        # The external-content FTS table reads through to its table; its docsize shadow
        # table holds one row per indexed document, so it shows a stale index.
        n_fts = conn.execute(f"SELECT COUNT(*) FROM {fts}_docsize").fetchone()[0]
        if n_rows != n_fts:
            out.append(f"full-text index {fts} has {n_fts} rows for {n_rows} {table}")
    present = [fts for fts in FTS_TABLES if fts in tables]
    if not present:
        return out
    copy = sqlite3.connect(":memory:")
    try:
        conn.backup(copy)
        copy.execute("PRAGMA trusted_schema = OFF")
        for fts in present:
            try:
                copy.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")
            except sqlite3.DatabaseError as exc:
                out.append(
                    f"full-text index {fts} does not match the {FTS_TABLES[fts]} table"
                    f" ({one_line(exc)}); rebuild it with: INSERT INTO {fts}({fts})"
                    " VALUES ('rebuild')"
                )
    finally:
        copy.close()
    return out
