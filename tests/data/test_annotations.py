"""Eras and notes without Qt: checked by the import's date rule, stored in `annotations`
through the one write path, recorded in the history, refused on the bundled record."""

from __future__ import annotations

from pathlib import Path

import pytest

from cspo_viewer.data.annotations import (
    Annotation,
    AnnotationError,
    add_annotation,
    check,
    delete_annotation,
    describe,
    list_annotations,
    update_annotation,
    with_ids,
)
from cspo_viewer.data.db_file import DatabaseError
from cspo_viewer.data.history import read_history
from cspo_viewer.data.store import open_store
from tests.conftest import sha256

ERA = Annotation("era", "Pandemic", "2020-03-11", "2023-05-05", colour="#c0504d")
NOTE = Annotation("note", "Ask J5 about the 2025 board", "2024-12-05")


def stored(db: Path) -> list[Annotation]:
    with open_store(db) as store:
        return list_annotations(store)


def test_an_era_and_a_note_are_stored_listed_and_recorded(db_copy):
    era = add_annotation(db_copy, ERA)
    note = add_annotation(db_copy, NOTE)
    assert era.id is not None and note.id is not None
    assert stored(db_copy) == [era, note]
    with open_store(db_copy) as store:
        row = store.conn.execute(
            "SELECT kind, title, date, end_date, colour FROM annotations WHERE id = ?", [era.id]
        ).fetchone()
        history = read_history(store.conn)
    assert row == ("era", "Pandemic", "2020-03-11", "2023-05-05", "#c0504d")
    assert [(c.action, c.title) for c in history[:2]] == [
        ("add", "Ask J5 about the 2025 board"),
        ("add", "Pandemic"),
    ]


def test_edit_and_delete_change_only_that_annotation(db_copy):
    era = add_annotation(db_copy, ERA)
    note = add_annotation(db_copy, NOTE)
    renamed = update_annotation(db_copy, Annotation(**{**era.record(), "title": "COVID-19"}))
    assert [a.title for a in stored(db_copy)] == ["COVID-19", NOTE.title]
    gone = delete_annotation(db_copy, note.id)
    assert gone == note
    assert stored(db_copy) == [renamed]
    # Undoing a delete adds it back with the same id.
    assert add_annotation(db_copy, gone).id == note.id


def test_a_note_tied_to_an_event_needs_that_event(db_copy):
    tied = Annotation("note", "Japan's first board", "2023-12-05", event_id="no-such-event")
    before = sha256(db_copy)
    with pytest.raises(DatabaseError, match="no event no-such-event to tie the note to"):
        add_annotation(db_copy, tied)
    assert sha256(db_copy) == before


@pytest.mark.parametrize(
    ("annotation", "sentence"),
    [
        (Annotation("era", "X", "2020-02-30", "2021-01-01"), "not a real date"),
        (Annotation("era", "X", "2020", None), "an era needs an end date"),
        (Annotation("era", "X", "2021", "2020-06"), "ends (2020-06) before it starts"),
        (Annotation("era", "X", "2020", "2021", colour="red"), "'red' is not a colour"),
        (Annotation("note", " ", "2020"), "the note has no title"),
        (Annotation("note", "X", "2020", "2021"), "an end date makes it an era"),
        (Annotation("band", "X", "2020"), "an era or a note, not 'band'"),
        (Annotation("note", "X" * 300, "2020"), "at most 280"),
    ],
)
def test_bad_annotations_are_refused_in_one_sentence(db_copy, annotation, sentence):
    before = sha256(db_copy)
    with pytest.raises(AnnotationError, match=sentence.replace("(", r"\(").replace(")", r"\)")):
        add_annotation(db_copy, annotation)
    assert sha256(db_copy) == before


def test_dates_keep_their_precision_and_an_era_covers_its_whole_end_month():
    era = check(Annotation("era", " Campaign ", "2019-04", "2019-06", colour="#AABBCC"))
    assert era.title == "Campaign"
    assert (era.first_day, era.last_day) == ("2019-04-01", "2019-06-30")


def test_the_bundled_record_is_never_written(bundled_db):
    before = sha256(bundled_db)
    with pytest.raises(DatabaseError, match="the bundled database"):
        add_annotation(bundled_db, NOTE)
    assert sha256(bundled_db) == before


def test_a_saved_view_shows_the_annotations_whose_ids_it_records(db_copy):
    era = add_annotation(db_copy, ERA)
    note = add_annotation(db_copy, NOTE)
    everything = stored(db_copy)
    assert with_ids(everything, None) == [era, note]
    assert with_ids(everything, [note.id]) == [note]
    assert with_ids(everything, []) == []


def test_a_change_by_another_program_is_refused_not_overwritten(db_copy):
    era = add_annotation(db_copy, ERA)
    shown = era  # what the window shows
    update_annotation(db_copy, Annotation(**{**era.record(), "title": "Elsewhere"}))
    before = sha256(db_copy)
    mine = Annotation(**{**era.record(), "title": "Mine"})
    with pytest.raises(DatabaseError, match="“Elsewhere” was changed by another program"):
        update_annotation(db_copy, mine, before=shown)
    with pytest.raises(DatabaseError, match="changed by another program"):
        delete_annotation(db_copy, era.id, before=shown)
    assert sha256(db_copy) == before
    assert [a.title for a in stored(db_copy)] == ["Elsewhere"]


def test_a_tooltip_says_what_it_is_its_dates_and_details():
    assert describe(Annotation("era", "Pandemic", "2020-03-11", "2023-05")) == (
        "Era: Pandemic\n11 Mar 2020 – May 2023"
    )
    assert describe(Annotation("note", "Ask J5", "2023", text="About the brief")) == (
        "Note: Ask J5\n2023\nAbout the brief"
    )


def test_an_export_draws_the_annotations_a_saved_view_names(db_copy):
    from cspo_viewer.data.filters import EventFilter
    from cspo_viewer.model.options import ExportOptions
    from cspo_viewer.model.page import ExportData, build_page

    era = add_annotation(db_copy, ERA)
    add_annotation(db_copy, NOTE)
    with open_store(db_copy) as store:
        data = ExportData.load(store, EventFilter())
        every = build_page(data, ExportOptions()).content.marks.annotations
        some = build_page(data, ExportOptions(annotations=(era.id,))).content.marks.annotations
    assert sorted(a.title for a in every) == sorted([ERA.title, NOTE.title])
    assert [a.title for a in some] == [ERA.title]
