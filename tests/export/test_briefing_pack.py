"""The briefing pack: the PowerPoint deck (read back with python-pptx), the membership
growth chart and the participation matrix, exported and in the window."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QImage

from cspo_viewer.cli import main
from cspo_viewer.data.filters import EventFilter, build_filter
from cspo_viewer.export import ExportData, ExportOptions
from cspo_viewer.export.picture import render_export
from cspo_viewer.layout.participation import (
    ASSOCIATE,
    JOINED,
    MEMBER,
    NONE,
    OBSERVER,
    cell_filter,
)
from cspo_viewer.model.page import build_page, membership_model, participation_model

pptx = pytest.importorskip("pptx")
from pptx import Presentation  # noqa: E402
from pptx.util import Emu  # noqa: E402

DAY = ["--generated", "2025-01-15"]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["export", *args])
    out, err = capsys.readouterr()
    return code, out, err


def texts(slide) -> dict[str, str]:
    return {s.name: s.text_frame.text for s in slide.shapes if s.has_text_frame}


def notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text


CONT = " (cont.)"


def event_firsts(deck) -> list:
    """Each event's first slide (after the timeline slide); its "(cont.)" slides must
    follow it directly, carrying its title."""
    firsts = []
    for slide in list(deck.slides)[1:]:
        title = texts(slide)["Title"]
        if title.endswith(CONT):
            assert firsts and texts(firsts[-1])["Title"] == title[: -len(CONT)]
        else:
            firsts.append(slide)
    return firsts


# --- the deck -----------------------------------------------------------------------------


def test_deck_first_slide(qapp, tmp_path, capsys, store):
    target = tmp_path / "brief.pptx"
    code, out, err = run(capsys, "--out", str(target), "--marking", "OFFICIAL", *DAY)
    assert code == 0, err
    assert "1 slide" in out and "31 events" in out
    deck = Presentation(str(target))
    assert (deck.slide_width, deck.slide_height) == (Emu(12_192_000), Emu(6_858_000))  # 16:9
    assert len(deck.slides) == 1
    slide = deck.slides[0]
    pictures = [s for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 1
    pic = pictures[0]
    assert (pic.left, pic.top, pic.width, pic.height) == (0, 0, deck.slide_width, 6_858_000)
    assert pic.image.size == (3840, 2160)
    words = texts(slide)
    assert words["Title"] == "Combined Space Operations Initiative, 2014–2024"
    assert words["Filter"] == "Nations: all · Themes: all"
    marks = [s for s in slide.shapes if s.name == "Marking"]
    assert [s.text_frame.text for s in marks] == ["OFFICIAL", "OFFICIAL"]
    assert marks[0].top == 0 and marks[1].top + marks[1].height == pytest.approx(
        6_858_000, abs=4000
    )
    # The picture keeps that room empty: no title drawn under the text box.
    img = QImage.fromData(pic.image.blob).convertToFormat(QImage.Format.Format_RGB32)
    title_box = next(s for s in slide.shapes if s.name == "Title")
    y = round((title_box.top + title_box.height / 2) / 12_192_000 * 3840)
    row = {img.pixel(x, y) for x in range(0, 3840, 7)}
    assert row == {QColor("#ffffff").rgb()}
    # Numbered sources of every event shown in the notes.
    sources = store.sources_for(EventFilter())
    text = notes(slide)
    assert f"{len(sources)}. " in text and f"{len(sources) + 1}. " not in text
    assert f"1. {sources[0].title}" in text
    assert [p.name for p in tmp_path.iterdir()] == ["brief.pptx"]


def test_event_slides_in_date_order(qapp, tmp_path, capsys, store):
    target = tmp_path / "japan.pptx"
    code, _, err = run(capsys, "--out", str(target), "--nation", "Japan", "--event-slides")
    assert code == 0, err
    deck = Presentation(str(target))
    rows = store.event_rows(build_filter(store.vocabulary, nations=["Japan"]))
    assert 1 + len(event_firsts(deck)) == 1 + len(rows) == 7
    titles = [texts(s)["Title"] for s in event_firsts(deck)]
    assert titles == [r.title for r in rows]
    japan = next(
        s
        for s in event_firsts(deck)
        if texts(s)["Title"] == "Japan completes procedures to join CSpO"
    )
    words = texts(japan)
    assert words["Date and location"] == "5 Dec 2023 · Tokyo, Japan"
    body = words["Summary and quotes"]
    assert body.startswith("Japan's Ministry of Defense announced")
    assert "— Minoru Kihara, Minister of Defense, Japan (Jiji Press translation)" in body
    assert words["Sources"].startswith("Sources: [1] ")
    detail = store.event_detail("2023-12-05-japan-joins")
    assert f"{len(detail.sources)}. " in notes(japan)
    assert detail.sources[0].title in notes(japan)


def test_thirty_slide_deck_and_precision_in_words(qapp, tmp_path, capsys):
    target = tmp_path / "all.pptx"
    code, _, err = run(capsys, "--out", str(target), "--event-slides")
    assert code == 0, err
    deck = Presentation(str(target))
    assert 1 + len(event_firsts(deck)) == 32
    by_title = {texts(s)["Title"]: texts(s) for s in event_firsts(deck)}
    assert by_title["New Zealand joins CSpO"]["Date and location"] == (
        "Jul 2015 (known to the month) · Location not recorded"
    )
    assert by_title["France and Germany join CSpO as observers"]["Date and location"].startswith(
        "2016 (known to the year)"
    )


def test_hostile_text_goes_in_as_plain_text(qapp, tmp_path, capsys, db_copy):
    with sqlite3.connect(db_copy) as conn:
        conn.execute(
            "UPDATE events SET summary = ?, location = ? WHERE id = ?",
            ("<b>bold</b> & \x01\x0bok", "<i>Rome</i>", "2023-12-07-italy-joins"),
        )
    target = tmp_path / "odd.pptx"
    code, _, err = run(
        capsys, "--db", str(db_copy), "--out", str(target), "--nation", "Italy", "--event-slides"
    )
    assert code == 0, err
    deck = Presentation(str(target))
    italy = next(s for s in deck.slides if texts(s).get("Title") == "Italy signs accession to CSpO")
    assert texts(italy)["Summary and quotes"] == "<b>bold</b> & ok"
    assert "<i>Rome</i>" in texts(italy)["Date and location"]


def test_deck_needs_force_and_leaves_nothing_on_failure(qapp, tmp_path, capsys, monkeypatch):
    target = tmp_path / "b.pptx"
    target.write_bytes(b"keep")
    code, _, err = run(capsys, "--out", str(target))
    assert code == 2 and "already exists" in err and target.read_bytes() == b"keep"
    code, _, err = run(capsys, "--out", str(target), "--force", "--nation", "Japan")
    assert code == 0, err
    assert len(Presentation(str(target)).slides) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["b.pptx"]
    code, _, err = run(capsys, "--out", str(tmp_path / "x.png"), "--event-slides")
    assert code == 2 and "--event-slides needs a .pptx" in err


# --- the views ----------------------------------------------------------------------------


@pytest.fixture
def everything(qapp, store) -> ExportData:
    return ExportData.load(store, EventFilter())


def overlaps(a: QRectF, b: QRectF) -> bool:
    return a.intersects(b) and a.intersected(b).width() > 0.5 and a.intersected(b).height() > 0.5


@pytest.mark.parametrize(("width", "height"), [(3840, 2160), (1280, 720), (1920, 1080)])
def test_members_chart_names_every_accession_without_overlap(everything, width, height):
    _, layout = render_export(everything, ExportOptions(width=width, height=height, view="members"))
    geo = layout.view
    names = [t for t, _ in geo.labels]
    assert names == [
        "AUS CAN GBR USA 22 Sep 2014",
        "NZL Jul 2015",
        "DEU Dec 2019",
        "FRA 11 Feb 2020",
        "NOR Dec 2023",
        "JPN 5 Dec 2023",
        "ITA 7 Dec 2023",
    ]
    boxes = [r for _, r in geo.labels]
    for i, a in enumerate(boxes):
        assert geo.chart.contains(a), names[i]
        for b in boxes[i + 1 :]:
            assert not overlaps(a, b)
    # Labels sit beside their own step, never on another's.
    for (_, box), point in zip(geo.labels, geo.points, strict=True):
        assert box.top() >= point.y() - 1
    # Observer and associate years apart from full membership, with their dates.
    bars = {(code, label) for code, label, _ in geo.bars}
    assert {("FRA", "Observer 2016"), ("DEU", "Associate 2017")} <= bars
    assert ("DEU", "Member Dec 2019") in bars and ("FRA", "Member 11 Feb 2020") in bars
    assert all(not geo.chart.intersects(r) for _, _, r in geo.bars)
    assert layout.title_text.startswith("Combined Space Operations Initiative: membership growth")


def test_members_follow_the_filter(qapp, store):
    flt = build_filter(store.vocabulary, nations=["Japan", "Italy"], date_from="2020")
    series, _ = membership_model(ExportData.load(store, flt))
    assert [a.label for a in series.accessions] == ["JPN 5 Dec 2023", "ITA 7 Dec 2023"]
    assert series.years[0] == 2020 and series.statuses == ()


def test_participation_counts_are_what_a_cell_lists(qapp, store):
    for flt in (EventFilter(), build_filter(store.vocabulary, themes=["resilience"])):
        data = ExportData.load(store, flt)
        series, _ = membership_model(data)
        matrix = participation_model(data, series)
        assert matrix.years[-1] == 2024 and matrix.years[0] == (2011 if flt.is_empty else 2014)
        for r in range(len(matrix.codes)):
            for c in range(len(matrix.years)):
                assert store.count(cell_filter(flt, matrix, r, c)) == matrix.counts[r, c]
    deu = matrix.codes.index("DEU")
    col = {y: i for i, y in enumerate(matrix.years)}
    status = matrix.status[deu]
    assert [int(status[col[y]]) for y in (2015, 2016, 2017, 2018, 2019, 2020)] == [
        NONE,
        OBSERVER,
        ASSOCIATE,
        ASSOCIATE,
        JOINED,
        MEMBER,
    ]
    assert int(matrix.before[deu, col[2019]]) == ASSOCIATE


@pytest.mark.parametrize("view", ["members", "participation"])
@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf", ".pptx"])
def test_views_export_in_every_format(qapp, tmp_path, capsys, view, suffix):
    target = tmp_path / f"{view}{suffix}"
    code, _, err = run(
        capsys, "--out", str(target), "--view", view, "--width", "1280", "--height", "720", *DAY
    )
    assert code == 0, err
    data = target.read_bytes()
    if suffix == ".png":
        assert QImage(str(target)).width() == 1280
    elif suffix == ".svg":
        assert b"<svg" in data[:2000]
    elif suffix == ".pdf":
        assert data.startswith(b"%PDF")
    else:
        deck = Presentation(str(target))
        title = texts(deck.slides[0])["Title"]
        assert title.startswith("Combined Space Operations Initiative: ")
        assert "Sources" in notes(deck.slides[0])


def test_view_pages_share_the_furniture(everything):
    options = ExportOptions(width=1920, height=1080, view="participation", marking="OFFICIAL")
    page = build_page(everything, options)
    _, layout = render_export(everything, options)
    assert layout.banners and layout.sources_lines[0].startswith("Sources:")
    assert layout.footer_text.endswith("31 events counted")
    assert page.kinds_shown == () and not layout.legend
    for part in (layout.title, layout.subtitle, layout.sources, layout.footer):
        assert not part.intersects(layout.view.grid)


# --- the window ---------------------------------------------------------------------------


@pytest.fixture
def window(open_window, bundled_db):
    return open_window(bundled_db, size=(1500, 950), settings=None)


def view_action(window, text: str):
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    return next(a for a in view_menu.actions() if a.text() == text)


def test_participation_cell_click_filters_the_window(window, qtbot):
    action = view_action(window, "&Participation matrix")
    action.trigger()
    view = window.participation_view
    qtbot.waitUntil(lambda: view.canvas.isVisible() and view.canvas.geometry_drawn is not None)
    view.canvas.repaint()
    geo = view.canvas.geometry_drawn
    matrix = view.canvas.model
    row, col = matrix.codes.index("NZL"), matrix.years.index(2024)
    expected = int(matrix.counts[row, col])
    before = window.event_list.model.rowCount()
    centre = geo.cell_rect(row, col).center()
    qtbot.mouseClick(
        view.canvas, Qt.MouseButton.LeftButton, pos=QPoint(round(centre.x()), round(centre.y()))
    )
    flt = window.controller.filter
    assert flt.nations == ("NZL",)
    # the columns cover the data: the record ends with the statement of 6 December 2024
    assert (flt.date_from, flt.date_to) == ("2024-01-01", "2024-12-06")
    assert window.event_list.model.rowCount() == expected == 7 < before
    assert view.back.isVisible()
    view.back.click()
    assert window.controller.filter == EventFilter()


def test_membership_view_from_the_menu(window, qtbot):
    view_action(window, "&Membership growth").trigger()
    view = window.members_view
    qtbot.waitUntil(lambda: view.canvas.isVisible() and view.canvas.geometry_drawn is not None)
    view.canvas.repaint()
    geo = view.canvas.geometry_drawn
    names = [t for t, _ in geo.labels]
    assert len(names) == 7 and "NZL Jul 2015" in names
    boxes = [r for _, r in geo.labels]
    assert not any(overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    window.controller.set_filter(build_filter(window.controller.vocabulary, nations=["Norway"]))
    view.canvas.repaint()
    assert [t for t, _ in view.canvas.geometry_drawn.labels] == ["NOR Dec 2023"]


def test_dialog_writes_a_deck_with_event_slides(window, qtbot, tmp_path):
    from cspo_viewer.ui.export_dialog import ExportDialog

    window.controller.set_filter(build_filter(window.controller.vocabulary, nations=["Italy"]))
    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    dialog.event_slides_box.setChecked(True)
    dialog.set_path(tmp_path / "italy.pptx")
    dialog.accept()
    assert dialog.written == tmp_path / "italy.pptx"
    deck = Presentation(str(dialog.written))
    n = int(np.count_nonzero(window.controller.mask))
    assert 1 + len(event_firsts(deck)) == 1 + n
    assert texts(deck.slides[0])["Filter"] == "Nations: Italy · Themes: all"


def test_pptx_in_the_file_types(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from cspo_viewer.ui.export_dialog import ExportDialog

    seen = {}

    def fake(parent, caption, start, filters, **kw):
        seen["filters"] = filters
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake)
    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    dialog.browse()
    assert "PowerPoint deck (*.pptx)" in seen["filters"]


@pytest.mark.parametrize(
    "args",
    [
        ["--theme", "resilience"],
        ["--kind", "statement", "--kind", "principals-meeting"],
        ["--from", "2020", "--to", "2022"],
        ["--search", "debris"],
        ["--nation", "France", "--nation", "Germany", "--match-nations", "all"],
    ],
)
def test_deck_takes_every_filter(qapp, tmp_path, capsys, store, args):
    from cspo_viewer.cli import build_parser
    from cspo_viewer.commands.filter_args import filter_from_args

    target = tmp_path / "f.pptx"
    code, _, err = run(capsys, "--out", str(target), "--event-slides", *args)
    assert code == 0, err
    flt = filter_from_args(build_parser().parse_args(["list", *args]), store.vocabulary)
    rows = store.event_rows(flt)
    deck = Presentation(str(target))
    assert [texts(s)["Title"] for s in event_firsts(deck)] == [r.title for r in rows]
    assert texts(deck.slides[0])["Filter"] == flt.describe(store.vocabulary)


def test_deck_of_no_events_says_so(qapp, tmp_path, capsys):
    target = tmp_path / "none.pptx"
    code, out, err = run(capsys, "--out", str(target), "--search", "zzzqqq", "--event-slides")
    assert code == 0 and "0 events" in out and "no events match" in err
    assert "named" not in err
    deck = Presentation(str(target))
    assert len(deck.slides) == 1
    assert "none recorded" in notes(deck.slides[0])


def test_huge_title_is_shortened_on_the_slide(qapp, tmp_path, capsys):
    target = tmp_path / "t.pptx"
    code, _, err = run(capsys, "--out", str(target), "--title", "A" * 50_000, "--kind", "vision")
    assert code == 0, err
    title = texts(Presentation(str(target)).slides[0])["Title"]
    assert len(title) <= 1_400 and title.endswith("…")


def test_event_slides_refuse_a_huge_deck(qapp, tmp_path, capsys, monkeypatch):
    from cspo_viewer.export import deck

    monkeypatch.setattr(deck, "MAX_EVENT_SLIDES", 10)
    code, _, err = run(capsys, "--out", str(tmp_path / "big.pptx"), "--event-slides")
    assert code == 2 and "31 events match" in err and "at most 10" in err
    assert list(tmp_path.iterdir()) == []


def test_hidden_views_wait_until_shown(window, qtbot):
    view = window.members_view
    assert not view.isVisible() and view.canvas.model is None  # nothing built while closed
    window.controller.set_filter(build_filter(window.controller.vocabulary, nations=["Japan"]))
    assert view.canvas.model is None
    view_action(window, "&Membership growth").trigger()
    qtbot.waitUntil(lambda: view.canvas.model is not None)
    assert [a.label for a in view.canvas.model.accessions] == ["JPN 5 Dec 2023"]


def test_empty_view_says_so(qapp, tmp_path, capsys):
    target = tmp_path / "none.png"
    args = ["--view", "members", "--nation", "Japan", "--from", "2010", "--to", "2012"]
    code, out, err = run(capsys, "--out", str(target), *args)
    assert code == 0 and "0 accessions shown" in out and "nothing to show" in err
    code, out, err = run(capsys, "--out", str(tmp_path / "all.png"), "--view", "members")
    assert code == 0 and "10 accessions shown" in out and err == ""


def test_clicking_an_accession_selects_its_event(window, qtbot):
    view_action(window, "&Membership growth").trigger()
    view = window.members_view
    qtbot.waitUntil(lambda: view.canvas.geometry_drawn is not None)
    view.canvas.repaint()
    boxes = dict(view.canvas.geometry_drawn.labels)
    for label, event_id in (
        ("NZL Jul 2015", "2015-07-01-new-zealand-joins"),
        ("AUS CAN GBR USA 22 Sep 2014", "2014-09-22-mou-signed-ottawa"),
        ("ITA 7 Dec 2023", "2023-12-07-italy-joins"),
    ):
        centre = boxes[label].center()
        qtbot.mouseClick(
            view.canvas, Qt.MouseButton.LeftButton, pos=QPoint(round(centre.x()), round(centre.y()))
        )
        assert window.controller.selected == event_id
        assert window.event_list.selected_id() == event_id  # the list follows


def test_dialog_exports_a_view(window, qtbot, tmp_path):
    from cspo_viewer.ui.export_dialog import ExportDialog

    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    dialog.set_preset(1280, 720)
    dialog.view_combo.setCurrentIndex(dialog.view_combo.findData("participation"))
    dialog.set_path(tmp_path / "who.png")
    dialog.accept()
    assert dialog.written == tmp_path / "who.png"
    assert dialog.layout_drawn.title_text.startswith(
        "Combined Space Operations Initiative: who takes part"
    )
    assert dialog.layout_drawn.view.rows == 10
    assert QImage(str(dialog.written)).width() == 1280
