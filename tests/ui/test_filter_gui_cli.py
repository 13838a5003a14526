"""The window and the command line agree: a filter made by ticking, picking and typing in
the panel selects exactly the events `cspo-viewer list` prints for the same filter."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QDate, Qt

from cspo_viewer import paths
from cspo_viewer.cli import main
from cspo_viewer.commands.filter_args import filter_to_args
from cspo_viewer.data.store import open_store
from cspo_viewer.ui.filter_panel import FilterPanel
from tests.filter_panel_support import checkbox, date_edits, match_combo, search_pending

with open_store(paths.bundled_db_path()) as _store:
    NATIONS = [n.code for n in _store.nations()]
    THEMES = [t.id for t in _store.themes()]
    KINDS = [k.id for k in _store.kinds()]
DAYS = ["2014-09-22", "2016-01-01", "2019-06-15", "2020-02-11", "2023-12-01", "2024-12-31"]
WORDS = ["space", "debris", "Florence", '"outer space"', "sanct", "principals board"]


@st.composite
def choices(draw) -> dict:
    """What an analyst might pick: a few values per facet, a range, a search."""
    bounds = sorted(draw(st.lists(st.sampled_from(DAYS), unique=True, max_size=2)))
    date_from = date_to = None
    if len(bounds) == 2:
        date_from, date_to = bounds
    elif bounds:
        date_from, date_to = (bounds[0], None) if draw(st.booleans()) else (None, bounds[0])
    return {
        "nations": draw(st.lists(st.sampled_from(NATIONS), unique=True, max_size=4)),
        "match_nations": draw(st.sampled_from(["any", "all"])),
        "themes": draw(st.lists(st.sampled_from(THEMES), unique=True, max_size=3)),
        "match_themes": draw(st.sampled_from(["any", "all"])),
        "kinds": draw(st.lists(st.sampled_from(KINDS), unique=True, max_size=3)),
        "date_from": date_from,
        "date_to": date_to,
        "text": draw(st.one_of(st.just(""), st.sampled_from(WORDS))),
    }


def pick(qtbot, panel: FilterPanel, c: dict) -> None:
    """Make the choices with the panel's own widgets, as a person would."""
    panel.clear_button.click()
    for facet, values in (("nation", c["nations"]), ("theme", c["themes"]), ("kind", c["kinds"])):
        for value in values:
            checkbox(panel, facet, value).click()
    for facet, key in (("nation", "match_nations"), ("theme", "match_themes")):
        combo = match_combo(panel, facet)
        combo.setCurrentIndex(combo.findData(c[key]))
    for edit, day in zip(date_edits(panel), (c["date_from"], c["date_to"]), strict=True):
        if day:
            edit.setDate(QDate.fromString(day, Qt.DateFormat.ISODate))
    if c["text"]:
        qtbot.keyClicks(panel.search_edit, c["text"])
        assert search_pending(panel)
        panel.flush_search()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(c=choices())
def test_panel_and_cli_list_give_the_same_events(qtbot, capsys, panel, controller, c):
    pick(qtbot, panel, c)
    flt = controller.filter
    assert set(flt.nations) == set(c["nations"]) and set(flt.themes) == set(c["themes"])
    assert set(flt.kinds) == set(c["kinds"]) and flt.text == c["text"]
    assert (flt.date_from, flt.date_to) == (c["date_from"], c["date_to"])
    assert (flt.match_nations, flt.match_themes) == (c["match_nations"], c["match_themes"])
    gui = [str(e) for e in controller.table.ids[controller.mask]]

    capsys.readouterr()
    assert main(["list", *filter_to_args(flt), "--json"]) == 0
    cli = [record["id"] for record in json.loads(capsys.readouterr().out)]
    assert gui == cli
    event("some events" if gui else "no events")
