"""The detail pane: what an analyst reads for the selected event, and that hostile text
in a database stays text (no markup, no remote loads, no freeze)."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QColor, QPalette, QTextCursor

from cspo_viewer.data.filters import build_filter
from cspo_viewer.data.store import open_store
from cspo_viewer.render.style import KIND_STYLE, kind_color, kind_symbol
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.detail_pane import EMPTY_TEXT, DetailPane
from cspo_viewer.ui.rich_text import highlight, search_pattern

BOARD = "2024-12-03-florence-principals-board"
STATEMENT = "2024-12-06-florence-joint-statement"
KNIGHTON = (
    "It is crucial that we work alongside our allies, through partnerships like CSpO,"
    " to safeguard our interests in space."
)
HOSTILE = '<img src="http://example.invalid/x.png"><script>alert(1)</script>'


def make_controller(path) -> Controller:
    return Controller(open_store(path))


@pytest.fixture
def controller(bundled_db):
    c = make_controller(bundled_db)
    yield c
    c.store.close()


@pytest.fixture
def opened() -> list[QUrl]:
    return []


@pytest.fixture
def pane(qtbot, controller, opened):
    p = DetailPane(open_url=opened.append)
    qtbot.addWidget(p)
    p.bind(controller)
    p.resize(420, 900)
    p.show()
    qtbot.waitExposed(p)
    return p


def click_text(qtbot, view, text: str) -> None:
    """Click in the middle of ``text`` where it is drawn in a text view."""
    cursor = view.document().find(text)
    assert not cursor.isNull(), f"{text!r} is not in the view"
    middle = QTextCursor(view.document())
    middle.setPosition((cursor.selectionStart() + cursor.selectionEnd()) // 2)
    point = view.cursorRect(middle).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_nothing_selected_invites_a_selection(pane):
    assert pane.plain_text() == EMPTY_TEXT


def test_board_shows_title_date_place_chips_quote_and_sources(pane, controller):
    controller.select(BOARD)
    text = pane.plain_text()
    assert "Principals' Board in Florence on CSpO's tenth anniversary" in text
    assert "3–5 Dec 2024" in text
    assert "Florence, Italy" in text
    assert "Principals' meeting" in text
    assert "Japan" in text and "New Zealand" in text  # nation chips by name
    assert "Debris & ASAT tests" in text  # theme chips by label
    assert f"“{KNIGHTON}”" in text
    who = "— Air Chief Marshal Sir Richard Knighton, Chief of the Air Staff, United Kingdom [1]"
    assert who in text
    assert "International cooperation at the heart of space security" in text
    assert "UK Ministry of Defence · 6 Dec 2024 · wired-gov.net" in text
    assert "Confidence: high" in text
    assert "Statement text" not in text  # this event has none


def test_month_precision_is_visible(pane, controller):
    controller.select("2015-07-01-new-zealand-joins")
    assert "Jul 2015 (month known)" in pane.plain_text()


def test_statement_text_is_collapsible_and_readable(qtbot, pane, controller):
    controller.select(STATEMENT)
    assert "Statement text" in pane.plain_text()
    if not pane.statement_button.isChecked():
        qtbot.mouseClick(pane.statement_button, Qt.MouseButton.LeftButton)
    assert pane.statement_view.isVisible()
    text = pane.plain_text()
    assert "The Combined Space Operations (CSpO) Initiative Principals' Board met" in text
    assert "Uncertainty: Only Germany's defence ministry" in text
    qtbot.mouseClick(pane.statement_button, Qt.MouseButton.LeftButton)
    assert not pane.statement_view.isVisible()
    assert "Principals' Board met from December" not in pane.plain_text()


def test_source_without_url_is_named_by_title_and_publisher(pane, controller):
    """A bundled document's file name ("004_3fe6f76d63c4f1b0.txt") means nothing to a reader."""
    controller.select(STATEMENT)
    text = pane.plain_text()
    assert "[1] Joint Statement from The Combined Space Operations Initiative" in text
    assert "CSpO participants, published by the UK Ministry of Defence · 6 Dec 2024" in text
    assert "original document (no web address)" in text
    assert "004_3fe6f76d63c4f1b0.txt" not in text


def test_related_event_says_it_is_context(pane, controller):
    controller.select("2019-04-01-ood-announced")
    text = pane.plain_text()
    assert "Related (Olympic Defender)" in text
    assert "not a CSpO event" in text


def test_search_highlights_the_hit_in_the_statement(qtbot, pane, controller):
    controller.set_filter(build_filter(controller.vocabulary, text="celestial"))
    controller.select(STATEMENT)
    assert pane.statement_view.isVisible()  # opened to show where the search matched
    cursor = pane.statement_view.document().find("celestial")
    assert not cursor.isNull()
    inside = QTextCursor(cursor)
    inside.setPosition(cursor.selectionStart() + 1)
    assert inside.charFormat().background().style() != Qt.BrushStyle.NoBrush
    assert '<span class="hit">celestial</span>' in pane.html()
    # clearing the search clears the marks
    controller.clear_filter()
    controller.select(STATEMENT)
    assert 'class="hit"' not in pane.html()


def test_search_highlights_words_as_prefixes_and_phrases():
    pattern = search_pattern('celest "outer space treaty"')
    marked = highlight("Celestial bodies; the Outer-Space Treaty. Outer space.", pattern)
    assert marked.count('class="hit"') == 2
    assert '<span class="hit">Celestial</span>' in marked
    assert '<span class="hit">Outer-Space Treaty</span>' in marked


def test_highlight_escapes_and_never_splits_an_entity():
    marked = highlight("<b>amp</b> & amplify", search_pattern("amp"))
    assert "<b>" not in marked
    assert marked == (
        '&lt;b&gt;<span class="hit">amp</span>&lt;/b&gt; &amp; <span class="hit">amplify</span>'
    )


def test_link_click_calls_the_opener_and_loads_nothing(qtbot, pane, controller, opened):
    controller.select(BOARD)
    before = pane.plain_text()
    click_text(qtbot, pane.refs_view, "International cooperation at the heart")
    assert [u.toString() for u in opened] == [
        "https://www.wired-gov.net/wg/news.nsf/articles/"
        "international+cooperation+at+the+heart+of+space+security+06122024131500?open"
    ]
    assert pane.refs_view.source().isEmpty()
    assert pane.plain_text() == before
    assert pane.resource_requests == []


def test_non_web_links_are_not_links(qtbot, db_copy, opened):
    with sqlite3.connect(db_copy) as conn:
        conn.execute("UPDATE sources SET url = 'file:///etc/passwd' WHERE id = 'src-b927a46e1f'")
    c = make_controller(db_copy)
    try:
        p = DetailPane(open_url=opened.append)
        qtbot.addWidget(p)
        p.bind(c)
        p.resize(420, 900)
        p.show()
        c.select(BOARD)
        assert "address not opened: file:///etc/passwd" in p.plain_text()
        assert 'href="file:' not in p.html()
        click_text(qtbot, p.refs_view, "CSpO convened in Florence")
        assert opened == []
    finally:
        c.store.close()


def test_hostile_summary_is_shown_as_text_and_loads_nothing(qtbot, db_copy, opened):
    summary = HOSTILE + " \u202eevil 🛰️🚀 " + "A" * 1_000_000
    with sqlite3.connect(db_copy) as conn:
        conn.execute("UPDATE events SET summary = ? WHERE id = ?", [summary, BOARD])
        conn.execute("UPDATE events SET title = ? WHERE id = ?", ["<b>Bold</b> title", BOARD])
    c = make_controller(db_copy)
    try:
        p = DetailPane(open_url=opened.append)
        qtbot.addWidget(p)
        p.bind(c)
        p.resize(420, 900)
        p.show()
        c.select(BOARD)
        qtbot.waitExposed(p)
        text = p.plain_text()
        assert HOSTILE in text
        assert "<b>Bold</b> title" in text
        # the override is shown, not obeyed (issue 22: "Trojan Source")
        assert "[U+202E]evil 🛰️🚀" in text and "\u202e" not in text
        assert "more characters not shown" in text
        assert "<script>" not in p.html() and "<img" not in p.html()
        assert [u for u in p.resource_requests if u.scheme() in ("http", "https")] == []
        assert p.resource_requests == []
        assert opened == []
    finally:
        c.store.close()


def test_resource_hook_refuses_what_a_document_asks_for(qtbot, pane, controller):
    """Belt and braces: even markup we never generate could not fetch an image."""
    controller.select(BOARD)
    pane.body_view.setHtml('<img src="http://example.invalid/x.png"><img src="local.png">')
    qtbot.waitUntil(lambda: len(pane.resource_requests) >= 2)  # asked when laid out
    asked = {u.toString() for u in pane.resource_requests}
    assert asked == {"http://example.invalid/x.png", "local.png"}
    assert pane.body_view.document().resource(2, QUrl("local.png")) is None


def test_a_new_palette_restyles_the_text(pane, controller):
    """Theme switches re-render with the palette's colours; text colour is the palette's."""
    controller.select(STATEMENT)
    dark = QPalette(pane.palette())
    for role, colour in (
        (QPalette.ColorRole.Base, "#1e2127"),
        (QPalette.ColorRole.Text, "#e6e9ee"),
        (QPalette.ColorRole.PlaceholderText, "#8b93a1"),
    ):
        dark.setColor(role, QColor(colour))
    pane.setPalette(dark)
    assert "#8b93a1" in pane.body_view.document().defaultStyleSheet()
    assert pane.body_view.palette().color(QPalette.ColorRole.Text) == QColor("#e6e9ee")
    assert "Uncertainty:" in pane.plain_text()


def test_database_change_clears_the_pane(pane, controller, bundled_db):
    controller.select(BOARD)
    controller.open_database(bundled_db)
    assert pane.plain_text() == EMPTY_TEXT


def test_kind_style_covers_every_kind_with_distinct_looks(controller):
    kinds = [k.id for k in controller.kinds]
    assert set(kinds) <= set(KIND_STYLE)
    assert len({c for c, _ in KIND_STYLE.values()}) == len(KIND_STYLE)
    assert len({s for _, s in KIND_STYLE.values()}) == len(KIND_STYLE)
    assert kind_color("related") == "#7c818a"  # 3:1 on the related lane, light and dark
    assert kind_color("no-such-kind") == kind_color("other")
    assert kind_symbol("no-such-kind") == kind_symbol("other")


def test_statement_opens_in_full_in_the_pane_not_in_a_box_of_its_own(qtbot, pane, controller):
    controller.select(STATEMENT)
    if not pane.statement_button.isChecked():
        qtbot.mouseClick(pane.statement_button, Qt.MouseButton.LeftButton)
    view = pane.statement_view
    qtbot.waitUntil(lambda: view.height() >= view.document().size().height())
    assert view.verticalScrollBar().maximum() == 0  # nothing hidden inside the view
    assert view.height() > 600  # the whole Florence statement, not a 360 px window on it
    last_words = view.document().lastBlock().text().strip()[-30:]
    assert last_words and last_words in pane.plain_text()
    # The pane itself scrolls to the end of it.
    bar = pane._scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() >= view.height() - pane.height())  # laid out
    bar.setValue(bar.maximum())
    cursor = view.document().find(last_words)
    bottom = view.viewport().mapTo(pane._scroll.viewport(), view.cursorRect(cursor).center())
    assert pane._scroll.viewport().rect().contains(bottom)


def test_search_hit_deep_in_a_statement_is_scrolled_into_view(qtbot, pane, controller):
    statement = controller.detail(STATEMENT).statement_text
    word = statement.split()[-6].strip(".,;:()\"'")
    controller.set_filter(build_filter(controller.vocabulary, text=word))
    controller.select(STATEMENT)
    view = pane.statement_view
    assert view.isVisible()
    cursor = view.document().find(word)
    assert not cursor.isNull()

    def hit_visible() -> bool:
        first = view.document().find(word)
        point = view.viewport().mapTo(pane._scroll.viewport(), view.cursorRect(first).center())
        return pane._scroll.viewport().rect().contains(point)

    qtbot.waitUntil(hit_visible, timeout=2000)
    assert pane._scroll.verticalScrollBar().value() > 0
