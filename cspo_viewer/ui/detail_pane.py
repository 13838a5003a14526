"""Everything about the selected event, for an analyst preparing a briefing.

Title, date with its precision, place, kind, nations and themes as chips, our summary,
the uncertainty in the record, the confidence, the statement text, the quotes with who
said them, and the sources with their links.

Safety: a database may come from anywhere, so its text never reaches a rich-text widget
unescaped (``rich_text``), plain fields go to ``QLabel`` in plain-text format, nothing
remote is ever loaded (``_RichView.loadResource`` refuses and records every request),
and a link opens in the user's browser only when clicked and only for http(s).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl
from PySide6.QtGui import QColor, QDesktopServices, QFont, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStackedLayout,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cspo_viewer.data.history import Change
from cspo_viewer.data.links import is_web_link
from cspo_viewer.data.records import EventDetail, EventRow
from cspo_viewer.render.style import kind_color
from cspo_viewer.render.timeline_item import symbol_pixmap
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.event_actions import attach_event_menu
from cspo_viewer.ui.flow_layout import FlowLayout
from cspo_viewer.ui.rich_text import SafeBrowser, has_hit, search_pattern, tooltip
from cspo_viewer.ui.theme import is_dark

EMPTY_TEXT = "Select an event on the timeline or in the list"
LABEL_LIMIT = 1_000  # characters of a title or place shown in a label
CHIP_LIMIT = 60
HIT_MARGIN_PX = 80  # room kept above and below a search hit scrolled into view

CHIP_STYLE = """
QLabel[chip="true"] {
    border: 1px solid palette(mid);
    border-radius: 10px;
    padding: 2px 9px;
    background: palette(alternate-base);
}
"""


def _anchor_position(view: QTextBrowser, name: str) -> int | None:
    """Where the anchor ``name`` sits in the view's document."""
    block = view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if name in fragment.charFormat().anchorNames():
                return fragment.position()
            it += 1
        block = block.next()
    return None


HISTORY_LINES = 12
"""The newest changes shown in the pane (``cspo-viewer history ID`` lists them all)."""


def _short(text: str | None, limit: int) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _RichView(SafeBrowser):
    """A ``SafeBrowser`` that grows to fit its text (the pane scrolls, not the view)."""

    def __init__(self, requests: list[QUrl]) -> None:
        super().__init__(requests)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().setDocumentMargin(0)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self.highlighted.connect(self._hover)

    def show_html(self, html: str, css: str) -> None:
        super().show_html(html, css)
        self._fit()

    def _fit(self, *_: object) -> None:
        height = math.ceil(self.document().size().height()) + 2 * self.frameWidth() + 2
        if height != self.height():
            self.setFixedHeight(height)

    def _hover(self, url: QUrl) -> None:
        self.setToolTip(tooltip(url.toString()) if url.isValid() and not url.isEmpty() else "")


class DetailPane(QWidget):
    """The selected event in full; a friendly hint when nothing is selected.

    ``open_url`` receives the ``QUrl`` of a clicked http(s) link (default: the desktop's
    browser); tests inject their own. ``resource_requests`` lists every resource a
    document asked for; it stays empty because nothing is ever fetched.
    """

    def __init__(
        self, parent: QWidget | None = None, *, open_url: Callable[[QUrl], object] | None = None
    ) -> None:
        super().__init__(parent)
        self._open_url = open_url or QDesktopServices.openUrl
        self.resource_requests: list[QUrl] = []
        self._controller: Controller | None = None
        self._detail: EventDetail | None = None
        self._history: list[Change] = []  # the selected event's, newest first
        self._search = ""
        self._pattern: re.Pattern[str] | None = None
        self._has_event_page = False
        self._build()
        self._show_empty()
        self._attach_event_menu()

    # --- widgets ----------------------------------------------------------------------
    def _build(self) -> None:
        """The hint shown while nothing is selected; the event's page is made when the
        first event is shown (``_build_event_page``): the window's first frame shows the
        hint only, and the page's labels and four text views took a tenth of the
        window's start-up."""
        self.setMinimumWidth(240)
        self._stack = QStackedLayout(self)

        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setMargin(24)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty_label.setBackgroundRole(QPalette.ColorRole.Base)
        self.empty_label.setAutoFillBackground(True)
        self._stack.addWidget(self.empty_label)

    def _build_event_page(self) -> None:
        """Title, kind, date, place, chips and the text views, once, in the scroll area."""
        if self._has_event_page:
            return
        self._has_event_page = True
        content = QWidget()
        content.setBackgroundRole(QPalette.ColorRole.Base)
        col = QVBoxLayout(content)
        col.setContentsMargins(16, 14, 16, 16)
        col.setSpacing(6)

        # Title first (it is what the analyst looks for), then kind, date and place.
        self.title_label = self._label()
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.45)
        title_font.setWeight(QFont.Weight.DemiBold)
        self.title_label.setFont(title_font)
        col.addWidget(self.title_label)

        kind_row = QHBoxLayout()
        kind_row.setSpacing(6)
        self.kind_marker = QLabel()
        self.kind_label = self._label(bold=True, muted=True, small=True)
        kind_row.addWidget(self.kind_marker)
        kind_row.addWidget(self.kind_label, 1)
        col.addSpacing(2)
        col.addLayout(kind_row)

        self.context_label = self._label(muted=True, small=True)
        self.date_label = self._label(bold=True)
        self.location_label = self._label(muted=True)
        for w in (self.context_label, self.date_label, self.location_label):
            col.addWidget(w)

        self.nations_caption = self._label(muted=True, small=True, bold=True)
        self.nations_caption.setText("Nations")
        self.nation_chips = self._chip_box()
        self._nation_flow = FlowLayout(self.nation_chips)
        self.themes_caption = self._label(muted=True, small=True, bold=True)
        self.themes_caption.setText("Themes")
        self.theme_chips = self._chip_box()
        self._theme_flow = FlowLayout(self.theme_chips)
        col.addSpacing(4)
        col.addWidget(self.nations_caption)
        col.addWidget(self.nation_chips)
        col.addSpacing(2)
        col.addWidget(self.themes_caption)
        col.addWidget(self.theme_chips)
        col.addSpacing(8)

        self.body_view = self._view()
        col.addWidget(self.body_view)

        self.statement_button = QToolButton()
        self.statement_button.setText("Statement text")
        self.statement_button.setCheckable(True)
        self.statement_button.setAutoRaise(True)
        self.statement_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.statement_button.setArrowType(Qt.ArrowType.RightArrow)
        self.statement_button.toggled.connect(self._statement_toggled)
        # In full, in the pane's own scrolling: a scroll box nested in a scrolling pane
        # showed a few lines at a time and trapped the mouse wheel.
        self.statement_view = self._view()
        self.statement_view.setVisible(False)
        col.addWidget(self.statement_button)
        col.addWidget(self.statement_view)
        col.addSpacing(6)

        self.refs_view = self._view()
        col.addWidget(self.refs_view)
        self.history_view = self._view()  # the event's recorded changes, newest first
        col.addWidget(self.history_view)
        col.addStretch(1)

        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setWidget(content)
        self._stack.addWidget(self._scroll)
        self.event_menu.take_over_children()  # its labels' right-clicks open the event menu

    def _label(self, *, bold: bool = False, muted: bool = False, small: bool = False) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)  # never interpret database text
        label.setWordWrap(True)
        # A title that is one endless word must not widen the pane: clip it instead.
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.font())
        if bold:
            font.setWeight(QFont.Weight.DemiBold)
        if small:
            font.setPointSizeF(font.pointSizeF() * 0.9)
        label.setFont(font)
        if muted:
            label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        return label

    @staticmethod
    def _chip_box() -> QWidget:
        """Chips get their style sheet here only: a style sheet on the whole pane would
        stop palette changes (a theme switch) from reaching the text views."""
        box = QWidget()
        box.setStyleSheet(CHIP_STYLE)  # follows theme switches: theme.restyle
        return box

    def _view(self) -> _RichView:
        view = _RichView(self.resource_requests)
        view.anchorClicked.connect(self._anchor_clicked)
        return view

    def _chip(self, text: str, tip: str) -> QLabel:
        chip = QLabel(_short(text, CHIP_LIMIT))
        chip.setTextFormat(Qt.TextFormat.PlainText)
        chip.setProperty("chip", True)
        if tip:
            chip.setToolTip(tooltip(tip))
        return chip

    # --- binding ----------------------------------------------------------------------
    def bind(self, controller: Controller) -> None:
        """Follow ``controller``: its selection, its search text, its database."""
        self._controller = controller
        controller.selectionChanged.connect(self._selection_changed)
        controller.filterChanged.connect(self._filter_changed)
        controller.databaseChanged.connect(self._database_changed)
        controller.recordChanged.connect(self._record_changed)
        self._search = controller.filter.text
        self._pattern = search_pattern(self._search)
        self._selection_changed(controller.selected)

    def _selection_changed(self, event_id: str | None) -> None:
        c = self._controller
        detail = c.detail(event_id) if (c is not None and event_id) else None
        if detail is None:
            self._show_empty()
        else:
            self._history = c.history(event_id, HISTORY_LINES) if c and event_id else []
            self._show(detail)

    def _filter_changed(self, flt: object) -> None:
        text = getattr(flt, "text", "")
        if text == self._search:
            return
        self._search = text
        self._pattern = search_pattern(text)
        if self._detail is not None:
            self._show(self._detail)

    def _database_changed(self) -> None:
        self._show_empty()

    def _record_changed(self, event_ids: list[str]) -> None:
        """An edit, undo or outside change: show the selected event as it is now."""
        c = self._controller
        if c is not None and c.selected and (not event_ids or c.selected in event_ids):
            self._selection_changed(c.selected)

    # --- content ----------------------------------------------------------------------
    def _show_empty(self) -> None:
        self._detail = None
        self._stack.setCurrentWidget(self.empty_label)

    def _show(self, detail: EventDetail) -> None:
        # The markup loads with the first event shown, as the page does.
        from cspo_viewer.ui.detail_html import (
            FIRST_HIT,
            date_text,
            detail_html,
            document_css,
            history_html,
        )

        self._build_event_page()
        self._detail = detail
        row = detail.row
        kinds = {k.id: k for k in self._controller.kinds} if self._controller else {}
        kind = kinds.get(row.kind)
        colour = kind_color(row.kind, is_dark(self.palette()))
        self.kind_marker.setPixmap(
            symbol_pixmap(row.kind, 11, colour, QColor(colour).darker(160).name(), None)
        )
        self.kind_label.setText(kind.label if kind else row.kind)
        self.kind_label.setToolTip(tooltip(kind.description) if kind else "")
        self.context_label.setText(kind.description if kind and row.kind == "related" else "")
        self.context_label.setVisible(bool(self.context_label.text()))
        self.title_label.setText(_short(row.title, LABEL_LIMIT))
        self.date_label.setText(date_text(row))
        self.location_label.setText(_short(row.location, LABEL_LIMIT))
        self.location_label.setVisible(bool(row.location))
        self._fill_chips(row)

        pal = self.palette()
        css = document_css(pal.color(QPalette.ColorRole.PlaceholderText).name())
        bar = pal.color(QPalette.ColorRole.Mid).name()
        parts = detail_html(detail, self._pattern, self._nation_name, quote_bar=bar)
        self.body_view.show_html(parts.body, css)
        self.statement_view.show_html(parts.statement, css)
        self.refs_view.show_html(parts.refs, css)
        self.history_view.show_html(history_html(self._history), css)
        self.history_view.setVisible(bool(self._history))
        has_statement = bool(parts.statement)
        self.statement_button.setVisible(has_statement)
        if has_statement and has_hit(detail.statement_text, self._pattern):
            self.statement_button.setChecked(True)  # show where the search matched
        self.statement_view.setVisible(has_statement and self.statement_button.isChecked())
        self._stack.setCurrentWidget(self._scroll)
        self._scroll.verticalScrollBar().setValue(0)
        if FIRST_HIT in parts.statement:
            QTimer.singleShot(0, self.scroll_to_first_hit)  # once the pane is laid out

    def scroll_to_first_hit(self) -> None:
        """Scroll the pane (only as far as needed) to the statement's first search hit."""
        from cspo_viewer.ui.detail_html import FIRST_HIT  # loaded by ``_show`` already

        if self._detail is None or not self.statement_view.isVisible():
            return
        view = self.statement_view
        position = _anchor_position(view, FIRST_HIT)
        if position is None:
            return
        content = self._scroll.widget()
        assert content is not None  # the scroll area's content is made with the pane
        if (layout := content.layout()) is not None:
            layout.activate()
        cursor = QTextCursor(view.document())
        cursor.setPosition(position)
        rect = view.cursorRect(cursor)
        top = view.viewport().mapTo(content, rect.topLeft())
        self._scroll.ensureVisible(top.x(), top.y(), 0, HIT_MARGIN_PX)

    def _fill_chips(self, row: EventRow) -> None:
        vocab = self._controller.vocabulary if self._controller else None
        themes = {t.id: t for t in self._controller.themes} if self._controller else {}
        self._nation_flow.clear()
        names = sorted((vocab.nation_name(c) if vocab else c, c) for c in row.nations)
        for name, code in names:
            self._nation_flow.addWidget(self._chip(name, code))
        self._theme_flow.clear()
        for theme_id in row.themes:
            theme = themes.get(theme_id)
            label = theme.label if theme else theme_id
            self._theme_flow.addWidget(self._chip(label, theme.description if theme else ""))
        self.nations_caption.setVisible(bool(row.nations))
        self.themes_caption.setVisible(bool(row.themes))

    def _nation_name(self, code: str) -> str:
        return self._controller.vocabulary.nation_name(code) if self._controller else code

    # --- interaction ------------------------------------------------------------------
    def _anchor_clicked(self, url: QUrl) -> None:
        """Only a click opens a link, only http(s), and only in the user's browser."""
        if is_web_link(url.toString()):
            self._open_url(url)

    def _statement_toggled(self, checked: bool) -> None:
        arrow = Qt.ArrowType.DownArrow if checked else Qt.ArrowType.RightArrow
        self.statement_button.setArrowType(arrow)
        self.statement_view.setVisible(checked and self._detail is not None)

    def changeEvent(self, event: QEvent) -> None:
        """A theme switch re-renders the documents with the new palette's colours."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._detail is not None:
            self._show(self._detail)

    # --- context menu (copy for a briefing, compare: event_actions) -------------------
    def _attach_event_menu(self) -> None:
        self.event_menu = attach_event_menu(
            self,
            lambda: self._controller,
            lambda _pos: self._detail.row.id if self._detail else None,
            take_over_children=True,
        )

    # --- for tests and tools ----------------------------------------------------------
    def plain_text(self) -> str:
        """What a person reads in the pane now (a collapsed statement is not read)."""
        if self._detail is None:
            return self.empty_label.text()
        lines = []
        for label in (
            self.title_label,
            self.kind_label,
            self.context_label,
            self.date_label,
            self.location_label,
        ):
            if label.text():
                lines.append(label.text())
        for caption, flow in (
            (self.nations_caption, self._nation_flow),
            (self.themes_caption, self._theme_flow),
        ):
            chips = _chip_texts(flow)
            if chips:
                lines.append(f"{caption.text()}: {' · '.join(chips)}")
        lines.append(self.body_view.toPlainText())
        if self.statement_button.isVisibleTo(self):
            lines.append(self.statement_button.text())
            if self.statement_button.isChecked():
                lines.append(self.statement_view.toPlainText())
        lines.append(self.refs_view.toPlainText())
        return "\n".join(line for line in lines if line)

    def html(self) -> str:
        """The rich-text parts as generated (escaped, highlighted) HTML."""
        if self._detail is None:
            return ""
        views = (self.body_view, self.statement_view, self.refs_view)
        return "\n".join(v.html_source for v in views if v.html_source)


def _chip_texts(flow: FlowLayout) -> list[str]:
    """The texts of the chips in ``flow``, in order."""
    texts = []
    for i in range(flow.count()):
        item = flow.itemAt(i)
        chip = item.widget() if item is not None else None
        if isinstance(chip, QLabel):
            texts.append(chip.text())
    return texts
