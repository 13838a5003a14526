"""Validate a whole database: integrity, foreign keys, schema version and our content rules.

``open_store`` already refuses files that cannot be read at all; this goes further, for
``cspo-viewer db check``: every event sourced, dates real and consistent with their
precision, quotes attributed, vocabulary known, and the FTS index in step with its table.
"""

from __future__ import annotations

from datetime import date

from cspo_viewer.data import schema
from cspo_viewer.data.dates import is_partial_iso
from cspo_viewer.data.store import Store


def _valid_day(text: str | None) -> bool:
    try:
        date.fromisoformat(text or "")
    except ValueError:
        return False
    return len(text or "") == 10


def check_store(store: Store) -> list[str]:
    """Every problem found, one sentence each; an empty list means the database is sound."""
    conn = store.conn
    problems: list[str] = []
    integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if integrity != ["ok"]:
        problems += [f"integrity: {line}" for line in integrity[:20]]
    for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
        problems.append(f"foreign key: {table} row {rowid} points to a missing {parent} row")
    version = store.schema_version
    if version != schema.SCHEMA_VERSION:
        upgrade = " (run: cspo-viewer db migrate)" if version < schema.SCHEMA_VERSION else ""
        problems.append(f"schema version is v{version}, expected v{schema.SCHEMA_VERSION}{upgrade}")

    def ids(sql: str) -> list[str]:
        return [str(r[0]) for r in conn.execute(sql)]

    for eid in ids("SELECT id FROM events WHERE id NOT IN (SELECT event_id FROM event_sources)"):
        problems.append(f"event {eid} cites no source")
    for eid, day, precision, end in conn.execute(
        "SELECT id, date, date_precision, end_date FROM events"
    ):
        if not _valid_day(day):
            problems.append(f"event {eid} has an invalid date {day!r}")
            continue
        if precision not in schema.PRECISIONS:
            problems.append(f"event {eid} has an unknown date precision {precision!r}")
        elif (precision == "month" and not day.endswith("-01")) or (
            precision == "year" and not day.endswith("-01-01")
        ):
            problems.append(f"event {eid}: date {day} does not fit its {precision} precision")
        if end is not None and (not _valid_day(end) or end < day):
            problems.append(f"event {eid} has an end date {end!r} before or unlike its start")
    for sid, given in conn.execute("SELECT id, date FROM sources WHERE date IS NOT NULL"):
        if version >= 2 and not (isinstance(given, str) and is_partial_iso(given)):
            problems.append(f"source {sid} has the date {given!r}, not YYYY, YYYY-MM or YYYY-MM-DD")
    for qid in ids("SELECT id FROM quotes WHERE TRIM(COALESCE(speaker, '')) = ''"):
        problems.append(f"quote {qid} has no speaker")
    for qid in ids("SELECT id FROM quotes WHERE source_id IS NULL"):
        problems.append(f"quote {qid} names no source")
    for eid, kind in conn.execute(
        "SELECT id, kind FROM events WHERE kind NOT IN (SELECT id FROM kinds)"
    ):
        problems.append(f"event {eid} has an unknown kind {kind!r}")
    for table in ("events", "quotes"):
        n_rows = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        # The external-content FTS table reads through to its table; its docsize shadow
        # table holds one row per indexed document, so it shows a stale index.
        n_fts = conn.execute(f"SELECT COUNT(*) FROM {table}_fts_docsize").fetchone()[0]
        if n_rows != n_fts:
            problems.append(f"full-text index {table}_fts has {n_fts} rows for {n_rows} {table}")
    return problems
