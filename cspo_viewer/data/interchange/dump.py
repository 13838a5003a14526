"""Write matching events in one of the three formats, streaming.

JSON and CSV carry everything an import needs to rebuild the same events, quotes and
sources (``evidence`` included, which ``store.records`` leaves out); TimelineJS carries
what a TimelineJS slide shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TextIO

from cspo_viewer.data.annotations import list_annotations
from cspo_viewer.data.filters import EventFilter
from cspo_viewer.data.interchange.csvfmt import write_csv
from cspo_viewer.data.interchange.jsonfmt import write_json
from cspo_viewer.data.interchange.model import Format
from cspo_viewer.data.interchange.sheets import write_timelinejs_csv
from cspo_viewer.data.interchange.timelinejs import write_timelinejs
from cspo_viewer.data.store import Store

DEFAULT_TITLE = "Combined Space Operations (CSpO) Initiative"


def dump_records(store: Store, flt: EventFilter) -> Iterator[dict[str, Any]]:
    """``store.records`` plus ``evidence``: the complete record of each matching event."""
    where, params = store.filter_sql(flt)
    evidence = dict(
        store.conn.execute(
            f"SELECT e.id, e.evidence FROM events e WHERE {where} AND e.evidence IS NOT NULL",
            params,
        )
    )
    for record in store.records(flt):
        record["evidence"] = evidence.get(record["id"])
        yield record


def dump_title(store: Store, flt: EventFilter) -> str:
    """The dump's title: the timeline's name, and the filter when there is one."""
    if flt.is_empty:
        return DEFAULT_TITLE
    return f"{DEFAULT_TITLE} — {flt.describe(store.vocabulary)}"


def dump(store: Store, flt: EventFilter, fmt: Format, out: TextIO) -> int:
    """Write the events matching ``flt`` to ``out``; return how many."""
    records = dump_records(store, flt)
    title = dump_title(store, flt)
    if fmt == "json":
        return write_json(records, out, title=title)
    if fmt == "csv":
        return write_csv(records, out)
    if fmt == "timelinejs-csv":
        return write_timelinejs_csv(
            records,
            out,
            title=title,
            description=f"Exported from cspo-viewer ({store.path.name}).",
            kind_labels=store.vocabulary.kinds,
            eras=list_annotations(store),
        )
    return write_timelinejs(
        records,
        out,
        title=title,
        description=f"Exported from cspo-viewer ({store.path.name}).",
        kind_labels=store.vocabulary.kinds,
        eras=list_annotations(store),
    )
