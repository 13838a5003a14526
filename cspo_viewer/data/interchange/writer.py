"""Writing validated events into the working copy, fast and with the FTS index right.

The FTS triggers cannot run here: connections keep ``trusted_schema`` off (a database from
elsewhere may carry hostile triggers), and then SQLite refuses triggers that write to a
virtual table. They are also slow: 10 s for 100,000 events against 1.5 s for set-based
inserts. So for the length of an import the six FTS triggers are dropped and the writer
keeps the index itself, batch by batch: it takes replaced rows out of the index before they
change and indexes every row it wrote. ``finish`` puts the triggers back with their own
SQL. This only ever runs on the private working copy.
"""

from __future__ import annotations

import operator
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from cspo_viewer.data import schema
from cspo_viewer.data.build import EVENT_COLUMNS, QUOTE_COLUMNS, SOURCE_COLUMNS

_FTS = {"events": schema.EVENT_FTS_COLUMNS, "quotes": schema.QUOTE_FTS_COLUMNS}
_event_values = operator.itemgetter(*EVENT_COLUMNS)
_quote_values = operator.itemgetter(*QUOTE_COLUMNS)
Row = Mapping[str, Any]


class Writer:
    """Writes batches of new and replacing events; ``finish`` restores the FTS triggers."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._triggers: list[str] = []
        for table in _FTS:
            for suffix in ("ai", "ad", "au"):
                row = conn.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                    [f"{table}_{suffix}"],
                ).fetchone()
                if row:
                    self._triggers.append(row[0])
                    conn.execute(f'DROP TRIGGER "{table}_{suffix}"')

    def write(
        self,
        adds: Sequence[Row],
        replaces: Sequence[Row],
        sources: Sequence[Row] = (),
        changed_sources: Sequence[Row] = (),
    ) -> None:
        """One batch: sources first (events cite them), then events, then their index."""
        self._add_sources(sources)
        self._replace_sources(changed_sources)
        if replaces:
            self._remove_children(replaces)
        max_event = self._max_rowid("events")
        max_quote = self._max_rowid("quotes")
        self._insert("events", EVENT_COLUMNS, list(map(_event_values, adds)))
        if replaces:
            self._update_events(replaces)
        self._insert_children([*adds, *replaces])
        self._index("events", f"rowid > {max_event}")
        self._index("quotes", f"rowid > {max_quote}")
        if replaces:
            self._index("events", "id = ?", [[r["id"]] for r in replaces])

    def add_kinds(self, kinds: Mapping[str, str], origin: str) -> None:
        start = self.conn.execute("SELECT COALESCE(MAX(sort_order), 0) FROM kinds").fetchone()[0]
        self.conn.executemany(
            "INSERT INTO kinds (id, label, description, sort_order) VALUES (?, ?, ?, ?)",
            [
                (kid, label, f"Imported from {origin}.", start + i + 1)
                for i, (kid, label) in enumerate(kinds.items())
            ],
        )

    def add_themes(self, themes: Mapping[str, str], origin: str) -> None:
        self.conn.executemany(
            "INSERT INTO themes (id, label, description) VALUES (?, ?, ?)",
            [(tid, label, f"Imported from {origin}.") for tid, label in themes.items()],
        )

    def finish(self) -> None:
        """Put the FTS triggers back, so later edits by other tools keep the index."""
        for sql in self._triggers:
            self.conn.execute(sql)
        self._triggers.clear()

    # --- pieces -------------------------------------------------------------------------
    def _max_rowid(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {table}").fetchone()[0])

    def _index(self, table: str, where: str, params: Sequence[Sequence[Any]] | None = None) -> None:
        names = ", ".join(f'"{c}"' for c in _FTS[table])
        sql = (
            f'INSERT INTO "{table}_fts" (rowid, {names})'
            f' SELECT rowid, {names} FROM "{table}" WHERE {where}'
        )
        if params is None:
            self.conn.execute(sql)
        else:
            self.conn.executemany(sql, params)

    def _unindex(self, table: str, where: str, params: Sequence[Sequence[Any]]) -> None:
        """Take rows out of ``table``'s index while they still hold their old text."""
        names = ", ".join(f'"{c}"' for c in _FTS[table])
        self.conn.executemany(
            f'INSERT INTO "{table}_fts" ("{table}_fts", rowid, {names})'
            f" SELECT 'delete', rowid, {names} FROM \"{table}\" WHERE {where}",
            params,
        )

    def _insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            marks = ", ".join("?" * len(columns))
            self.conn.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
            )

    def _insert_children(self, rows: Sequence[Row]) -> None:
        """Nations, themes, sources and quotes of new or replacing events."""
        for table, column, key in (
            ("event_nations", "nation_code", "nations"),
            ("event_themes", "theme_id", "themes"),
            ("event_sources", "source_id", "sources"),
        ):
            self._insert(table, ("event_id", column), [[r["id"], v] for r in rows for v in r[key]])
        self._insert(
            "quotes",
            ("event_id", *QUOTE_COLUMNS),
            [(r["id"], *_quote_values(q)) for r in rows for q in r["quotes"]],
        )

    def _add_sources(self, sources: Sequence[Row]) -> None:
        self._insert("sources", SOURCE_COLUMNS, [[s[c] for c in SOURCE_COLUMNS] for s in sources])

    def _replace_sources(self, sources: Sequence[Row]) -> None:
        sets = ", ".join(f"{c} = ?" for c in SOURCE_COLUMNS[1:])
        self.conn.executemany(
            f"UPDATE sources SET {sets} WHERE id = ?",
            [[*(s[c] for c in SOURCE_COLUMNS[1:]), s["id"]] for s in sources],
        )

    def _remove_children(self, rows: Sequence[Row]) -> None:
        """Tags and quotes of events about to be replaced; their index entries first."""
        ids = [[r["id"]] for r in rows]
        self._unindex("events", "id = ?", ids)
        self._unindex("quotes", "event_id = ?", ids)
        for table in ("event_nations", "event_themes", "event_sources", "quotes"):
            self.conn.executemany(f"DELETE FROM {table} WHERE event_id = ?", ids)

    def _update_events(self, rows: Sequence[Row]) -> None:
        """Overwrite stored events in place, keeping their rowids."""
        sets = ", ".join(f"{c} = ?" for c in EVENT_COLUMNS[1:])
        self.conn.executemany(
            f"UPDATE events SET {sets} WHERE id = ?",
            [[*(r.get(c) for c in EVENT_COLUMNS[1:]), r["id"]] for r in rows],
        )
