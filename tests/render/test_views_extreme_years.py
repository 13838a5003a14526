"""Every view works across the whole range of dates that import accepts (issue 22): an
event on 9999-12-31 or 0001-01-01 is drawn, listed and exported, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from cspo_viewer.cli import main
from cspo_viewer.data.interchange import import_file
from cspo_viewer.data.store import open_store
from tests.interchange_support import fresh_db

ENDS = {"9999": "9999-12-31", "0001": "0001-01-01"}


def far_db(folder: Path, iso: str) -> Path:
    db = fresh_db(folder)
    src = folder / "far.json"
    events = [
        {"date": iso, "title": "Far event", "nations": ["AUS"], "sources": [{"title": "S"}]},
        {
            "date": "2015-07-01",
            "title": "Near event",
            "nations": ["NZL"],
            "sources": [{"title": "S"}],
        },
    ]
    src.write_text(json.dumps({"events": events}), encoding="utf-8")
    assert import_file(db, src).added == 2
    return db


@pytest.mark.parametrize("end", sorted(ENDS))
@pytest.mark.parametrize("view", ["timeline", "members", "participation"])
def test_views_export_at_both_ends_of_the_calendar(qapp, tmp_path, capsys, end, view):
    db = far_db(tmp_path, ENDS[end])
    out = tmp_path / f"{view}.png"
    code = main(
        [
            "export",
            "--db",
            str(db),
            "--view",
            view,
            "--out",
            str(out),
            "--width",
            "1280",
            "--height",
            "720",
        ]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    assert "Traceback" not in err
    assert QImage(str(out)).width() == 1280


def test_a_matrix_of_ten_thousand_years_says_to_narrow_the_dates(qapp, tmp_path):
    from cspo_viewer.data.filters import EventFilter
    from cspo_viewer.export import ExportData, ExportOptions
    from cspo_viewer.export.picture import render_export

    with open_store(far_db(tmp_path, ENDS["9999"])) as store:
        data = ExportData.load(store, EventFilter())
        _, layout = render_export(data, ExportOptions(width=1280, height=720, view="participation"))
    assert "too many cells to draw here" in layout.view.message
    assert "narrow the dates" in layout.view.message


@pytest.fixture
def far_window(open_window, tmp_path, request):
    return open_window(far_db(tmp_path, ENDS[request.param]), size=(1200, 800), settings=None)


def view_action(window, text: str):
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    return next(a for a in view_menu.actions() if a.text() == text)


@pytest.mark.parametrize("far_window", sorted(ENDS), indirect=True)
@pytest.mark.parametrize(
    ("action", "attr"),
    [("&Membership growth", "members_view"), ("&Participation matrix", "participation_view")],
)
def test_view_menu_draws_both_ends_of_the_calendar(far_window, qtbot, action, attr):
    view_action(far_window, action).trigger()
    view = getattr(far_window, attr)
    qtbot.waitUntil(lambda: view.canvas.isVisible() and view.canvas.geometry_drawn is not None)
    image = view.canvas.grab().toImage()
    assert image.width() > 100
    far_window.timeline.fit_all()
    far_window.timeline.repaint()
