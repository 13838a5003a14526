"""The event table follows an edit by reading only the changed events: the result equals
a full reload, tags included, whatever was added, changed or deleted."""

from __future__ import annotations

import numpy as np
import pytest

from cspo_viewer.data import edits
from cspo_viewer.data.event_record import load_record
from cspo_viewer.data.store import open_store
from cspo_viewer.data.table import apply_changes, load_table

COLUMNS = ("rowid", "ids", "start", "end", "precision", "kind", "labels")


def same(a, b) -> None:
    for name in COLUMNS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.position == b.position  # patched in place of a rebuild
    for facet in ("nations", "themes"):
        pa, pb = getattr(a, facet), getattr(b, facet)
        assert sorted(zip(pa.event, pa.tag, strict=True)) == sorted(
            zip(pb.event, pb.tag, strict=True)
        ), facet


@pytest.mark.parametrize("tags_loaded", [True, False])
def test_add_change_and_delete_match_a_full_reload(db_copy, tags_loaded):
    with open_store(db_copy) as store:  # the window's read connection, open throughout
        table = load_table(store)
        if tags_loaded:
            table.nations, table.themes  # noqa: B018 - load them, as the filter panel does
        florence = load_record(store.conn, "2024-12-06-florence-joint-statement")
        founding = load_record(store.conn, "2014-09-22-mou-signed-ottawa")
        add = edits.check_event(
            store,
            {
                **florence,
                "id": None,
                "title": "Same day, earlier id",
                "quotes": [],
                "date": "2014-09-22",
                "nations": ["JPN"],
                "themes": ["debris-asat"],
            },
        )
        moved = edits.check_event(
            store, {**florence, "date": "2011-06-01", "nations": ["NOR"]}, editing=florence["id"]
        )
        table.position  # noqa: B018 - built, as the window's first lookup builds it
        edits.apply_edit(db_copy, edits.add_edit(add))
        table = apply_changes(store, table, [add.record["id"]])
        same(table, load_table(store))
        edits.apply_edit(db_copy, edits.change_edit(florence, moved))
        edits.apply_edit(db_copy, edits.delete_edit(founding))
        changed = [add.record["id"], florence["id"], founding["id"]]
        updated = apply_changes(store, table, changed)
        same(updated, load_table(store))
        vision = load_record(store.conn, "2022-02-22-vision-2031-released")
        kept_date = edits.check_event(store, {**vision, "location": "Ottawa"}, editing=vision["id"])
        edits.apply_edit(db_copy, edits.change_edit(vision, kept_date))
        same(apply_changes(store, updated, [vision["id"]]), load_table(store))
        assert updated.index_of(founding["id"]) is None
        assert updated.ids[1] == florence["id"]  # now 2011-06-01, after the 2011 precursor
