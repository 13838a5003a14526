"""SQL views for reading the record in Datasette or any SQLite tool, labels instead of ids.

``events_labelled`` is one row per event with its kind's label and its nations' and
themes' names (JSON arrays, which Datasette facets value by value): what a team browsing
the record wants, where the ``events`` table holds a kind slug and keeps its nations and
themes in link tables. ``db build``, ``db init`` and the upgrade to schema v3 create it
(``IF NOT EXISTS``); nothing in the app reads it. A file older than v3 opened read-only
lacks it; ``serve`` then simply does not list it.
"""

from __future__ import annotations

import sqlite3

EVENTS_LABELLED = "events_labelled"

_NAMES = (
    "(SELECT json_group_array(v) FROM (SELECT {name} AS v FROM {link} l JOIN {table} x"
    " ON x.{key} = l.{column} WHERE l.event_id = e.id ORDER BY {name}))"
)

_NATIONS = _NAMES.format(
    name="x.name", link="event_nations", table="nations", key="code", column="nation_code"
)
_THEMES = _NAMES.format(
    name="x.label", link="event_themes", table="themes", key="id", column="theme_id"
)

CREATE_EVENTS_LABELLED = f"""CREATE VIEW IF NOT EXISTS {EVENTS_LABELLED} AS
SELECT
  e.id,
  e.date,
  e.date_precision AS precision,
  e.end_date,
  e.title,
  COALESCE(k.label, e.kind) AS kind,
  {_NATIONS} AS nations,
  {_THEMES} AS themes,
  e.location,
  e.summary
FROM events e LEFT JOIN kinds k ON k.id = e.kind
ORDER BY e.date, e.id"""
"""The view's SQL, created as it stands: a change here needs a new name or a drop first."""


def create_browsing_views(conn: sqlite3.Connection) -> None:
    """Create the browsing views in a database being built (``IF NOT EXISTS``)."""
    conn.execute(CREATE_EVENTS_LABELLED)
