"""File → Print… (Ctrl+P) and File → Print preview: the briefing book through
``QPrinter``, painted by the export's painter, and ``export --event-pages`` as a PDF."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor
from PySide6.QtPrintSupport import (
    QPrintDialog,
    QPrinter,
    QPrintPreviewDialog,
    QPrintPreviewWidget,
)
from PySide6.QtWidgets import QCheckBox, QDialog

from cspo_viewer.cli import main


@pytest.fixture
def window(open_window, bundled_db, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue("export/marking", "OFFICIAL")
    return open_window(bundled_db, size=None, settings=settings, show=False)


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def menu_action(window, text: str):
    return next(a for a in window.file_menu.actions() if a.text().replace("&", "") == text)


def test_print_from_the_file_menu_prints_the_book(window, tmp_path, monkeypatch):
    action = menu_action(window, "Print…")
    assert action.shortcut().toString() == "Ctrl+P"
    book = window.briefing_printer
    book.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    book.printer.setOutputFileName(str(tmp_path / "printed.pdf"))

    def accept(dialog):  # a person ticks "A page per event" on the Briefing book tab, OK
        box = book.option_tab.findChild(QCheckBox)
        assert book.option_tab.windowTitle() == "Briefing book"
        assert "page per event" in box.text()
        box.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    action.trigger()
    drawn = book.last
    n = window.controller.total_count
    assert drawn is not None and drawn.events_shown == n and drawn.named == n
    assert drawn.pages > n + 1  # the timeline page, every event, some of them continued
    printed = (tmp_path / "printed.pdf").read_bytes()
    assert pdf_pages(printed) == drawn.pages
    assert [b.height() for b in drawn.banners] and drawn.banners[0].top() == 0  # marked


def test_print_preview_toggles_event_pages(window, monkeypatch):
    seen = []

    def run(dialog):
        dialog.findChild(QPrintPreviewWidget).updatePreview()
        seen.append(window.briefing_printer.last.pages)
        dialog.event_pages_action.trigger()  # the preview's own "A page per event"
        seen.append(window.briefing_printer.last.pages)
        return 0

    monkeypatch.setattr(QPrintPreviewDialog, "exec", run)
    menu_action(window, "Print preview").trigger()
    assert seen[0] == 1 and seen[1] > 30


def test_event_pages_pdf_is_the_same_book(qapp, tmp_path, capsys):
    target = tmp_path / "book.pdf"
    code = main(
        [
            "export",
            "--out",
            str(target),
            "--event-pages",
            "--marking",
            "OFFICIAL",
            "--nation",
            "Japan",
            "--width",
            "3508",
            "--height",
            "2480",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    pages = pdf_pages(target.read_bytes())
    assert f"wrote {target} ({pages} pages, 3508x2480, 6 events)" in out
    assert pages >= 7
    assert (
        "Japan completes procedures to join CSpO".encode("utf-16-be").hex().upper().encode()
        in (target.read_bytes())
        or b"/Title" in target.read_bytes()
    )


def test_every_event_page_is_marked_and_numbered(qapp, store):
    """An event page as painted: the marking's band top and bottom, the title in the
    page's ink, and the text kept between the bands."""
    import numpy as np
    from PySide6.QtGui import QImage, QPainter

    from cspo_viewer.data.filters import EventFilter
    from cspo_viewer.export import ExportData, ExportOptions, build_page
    from cspo_viewer.model.page import book_events
    from cspo_viewer.render.page import book_sheets, paint_event_sheet

    data = ExportData.load(store, EventFilter())
    page = build_page(data, ExportOptions(width=1754, height=1240, marking="OFFICIAL"))
    sheets = book_sheets(page, book_events(data, page))
    assert len(sheets) > 29  # every event, and some continued
    assert any(s.title.endswith(" (cont.)") for s in sheets)
    image = QImage(1754, 1240, QImage.Format.Format_RGB32)
    p = QPainter(image)
    paint_event_sheet(p, page, sheets[0], 2, 1 + len(sheets))
    p.end()
    rows = np.array([[QColor(image.pixel(x, y)).name() for x in (5, 877, 1748)] for y in (3, 1236)])
    assert (rows == "#1b1f24").sum() >= 4  # the dark band at top and at bottom
    ink = {QColor(image.pixel(x, 140)).name() for x in range(60, 900, 3)}
    assert ink - {"#ffffff"}  # the title is drawn below the band
