"""The columns of ``events``, ``sources`` and ``quotes`` that travel as one record: built,
imported, dumped, checked for usability and read back whole (``event_record``).

Apart from ``build`` so that reading a database (the window, ``list``) names them
without loading the builder and its file-writing helpers.
"""

from __future__ import annotations

EVENT_COLUMNS = (
    "id",
    "date",
    "date_precision",
    "end_date",
    "title",
    "short_title",
    "kind",
    "location",
    "summary",
    "statement_text",
    "confidence",
    "uncertainty",
    "evidence",
)
SOURCE_COLUMNS = ("id", "title", "publisher", "date", "url", "document", "date_note")
"""Every column of ``sources``, as import and dump exchange them (schema v2 added
``date_note``: what a source says of its date where that is not an ISO date)."""
QUOTE_COLUMNS = ("id", "speaker", "role", "nation_code", "text", "source_id")
