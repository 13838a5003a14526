"""File → Print… (Ctrl+P) and File → Print preview: the briefing book on paper.

The book is what ``export --out book.pdf --event-pages`` writes: the timeline page, then
(when "A page per event" is ticked) each event's pages, every page numbered and carrying
the marking the export dialog last used. It is painted by the export's own painter
(``render.page.paint_book``) onto the ``QPrinter``, laid out at 300 dpi in the printer
page's proportions, so paper, preview and PDF agree.

Qt's print support, the printer and the page painter load when the book is first
printed or previewed: the window's first frame needs only the two menu entries.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QCheckBox, QDialog, QMessageBox, QToolBar, QVBoxLayout, QWidget

from cspo_viewer.errors import UserError
from cspo_viewer.export import ExportOptions, build_page
from cspo_viewer.model.options import MAX_SIDE, MIN_SIDE, PRINT_DPI
from cspo_viewer.model.page import book_events

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog

    from cspo_viewer.render.page import ExportLayout

PAGE_WIDTH_PX = round(11.69 * PRINT_DPI)
"""The book is laid out 3508 px wide (A4 landscape at 300 dpi), in the printer page's
proportions, and scaled onto the printer's own resolution."""


class BriefingPrinter:
    """The window's printer and what the book holds (remembered for the session)."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.event_pages = False
        self.last: ExportLayout | None = None  # what the last print or preview drew
        self.option_tab: QWidget | None = None  # the print dialog's "Briefing book" tab

    @cached_property
    def printer(self) -> QPrinter:
        """The session's printer, landscape, made when first printed or previewed."""
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageOrientation(printer.pageLayout().Orientation.Landscape)
        return printer

    def options(self) -> ExportOptions:
        """The page at 300 dpi in the printer page's proportions, the export dialog's
        remembered marking, and the window's grouping, pins and theme-neutral light look."""
        rect = self.printer.pageLayout().paintRectPixels(self.printer.resolution())
        ratio = rect.height() / max(rect.width(), 1)
        height = min(max(round(PAGE_WIDTH_PX * ratio), MIN_SIDE), MAX_SIDE)
        controller = self.window.controller
        return ExportOptions(
            width=PAGE_WIDTH_PX,
            height=height,
            marking=self._marking(),
            grouping=controller.grouping,
            pinned=tuple(sorted(controller.pinned)),
            event_pages=self.event_pages,
        )

    def _marking(self) -> str:
        settings = getattr(self.window, "settings", None)
        value = settings.value("export/marking", "") if settings is not None else ""
        return str(value or "")

    def paint(self, printer: QPrinter) -> None:
        """Paint the book onto ``printer`` (the preview calls this for every refresh)."""
        from cspo_viewer.render.page import paint_book

        c = self.window.controller
        data = c.export_data()
        page = build_page(data, self.options())
        events = book_events(data, page) if self.event_pages else []
        try:
            self.last = paint_book(printer, page, events)
        except UserError as exc:
            QMessageBox.warning(self.window, "Cannot print", str(exc))

    def book_option(self) -> QWidget:
        """The print dialog's "Briefing book" tab: a page per event, or not."""
        tab = QWidget()
        tab.setWindowTitle("Briefing book")
        box = QCheckBox("A page per event after the timeline")
        box.setChecked(self.event_pages)
        box.toggled.connect(lambda on: setattr(self, "event_pages", on))
        layout = QVBoxLayout(tab)
        layout.addWidget(box)
        layout.addStretch(1)
        tab.event_pages_box = box  # type: ignore[attr-defined]
        return tab

    def print_(self) -> QPrintDialog:
        from PySide6.QtPrintSupport import QPrintDialog

        dialog = QPrintDialog(self.printer, self.window)
        dialog.setWindowTitle("Print the briefing")
        self.option_tab = self.book_option()  # Qt keeps it apart from the dialog's children
        dialog.setOptionTabs([self.option_tab])
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.paint(self.printer)
        return dialog

    def preview(self) -> QPrintPreviewDialog:
        from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrintPreviewWidget

        dialog = QPrintPreviewDialog(self.printer, self.window)
        dialog.setWindowTitle("Print preview: the briefing")
        dialog.paintRequested.connect(self.paint)
        toolbar = dialog.findChild(QToolBar)
        toggle = QAction("A page per event", dialog)
        toggle.setCheckable(True)
        toggle.setChecked(self.event_pages)
        toggle.setToolTip("Add one page per event after the timeline")

        pages = dialog.findChild(QPrintPreviewWidget)

        def switch(on: bool) -> None:
            self.event_pages = on
            if pages is not None:
                pages.updatePreview()

        toggle.toggled.connect(switch)
        if toolbar is not None:
            toolbar.addSeparator()
            toolbar.addAction(toggle)
        dialog.event_pages_action = toggle  # type: ignore[attr-defined]
        dialog.exec()
        return dialog


def print_actions(window: Any) -> tuple[QAction, QAction]:
    """File → "Print…" (Ctrl+P) and File → "Print preview", over ``window``."""
    book = BriefingPrinter(window)
    window.briefing_printer = book
    printing = QAction("&Print…", window)
    printing.setShortcut(QKeySequence(QKeySequence.StandardKey.Print))
    printing.setStatusTip("Print the timeline page and, if chosen, a page per event")
    printing.triggered.connect(lambda _checked=False: book.print_())
    preview = QAction("Print pre&view", window)
    preview.setStatusTip("See the printed briefing, page by page, before printing")
    preview.triggered.connect(lambda _checked=False: book.preview())
    return printing, preview
