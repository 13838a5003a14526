"""Export files: the page as PNG, SVG, PDF or PPTX bytes, written through a temporary
file (one writing path for every format: ``write_export``).

Qt draws without a display here (``ensure_app`` starts the ``offscreen`` platform when
the process has no ``QApplication``), so the command line and the window's dialog write
the same bytes for the same options.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSize, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter

from cspo_viewer import __version__
from cspo_viewer.data.file_output import output_error, replacing
from cspo_viewer.errors import UserError
from cspo_viewer.export.picture import (
    ensure_app,
    png_bytes,
    png_texts,
    render_page,
)
from cspo_viewer.model.event_text import EventText
from cspo_viewer.model.options import PRINT_DPI, ExportOptions, check_target
from cspo_viewer.model.page import ExportData, PageModel, alt_text, book_events, build_page
from cspo_viewer.render.page import ExportLayout, Progress, paint_book, paint_page


def encode_export(
    fmt: str, data: ExportData, options: ExportOptions, progress: Progress | None = None
) -> tuple[bytes, ExportLayout]:
    """The file's bytes in ``fmt`` ("PNG", "SVG", "PDF" or "PPTX") and the layout drawn
    (for a deck: of its first slide's picture)."""
    ensure_app()
    try:
        if fmt == "PPTX":
            from cspo_viewer.export.deck import encode_deck

            return encode_deck(data, options, progress)
        page = build_page(data, options)
        events = None
        if fmt == "PDF" and options.event_pages:
            from cspo_viewer.export import deck

            if page.events_shown > deck.MAX_EVENT_SLIDES:
                raise UserError(
                    f"{page.events_shown:,} events match, and a page per event makes at "
                    f"most {deck.MAX_EVENT_SLIDES}; narrow the filter or leave out --event-pages"
                )
            events = book_events(data, page)
        return _encode(fmt, page, alt_text(page), progress, events)
    except MemoryError:
        raise UserError(
            f"not enough memory for a {options.width}x{options.height} picture; "
            "choose a smaller size"
        ) from None


def _encode(
    fmt: str,
    page: PageModel,
    description: str,
    progress: Progress | None,
    events: list[EventText] | None = None,
) -> tuple[bytes, ExportLayout]:
    """The file's bytes; ``events``: a PDF briefing book, a page per event after the
    timeline."""
    report = progress or (lambda _pct, _what: None)
    options = page.options
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if fmt == "PNG":
        image, layout = render_page(page, progress)
        report(80, "Encoding the PNG")
        buffer.close()
        return png_bytes(image, png_texts(page, description)), layout
    if fmt == "SVG":
        from PySide6.QtSvg import QSvgGenerator

        gen = QSvgGenerator()
        gen.setOutputDevice(buffer)
        gen.setSize(QSize(options.width, options.height))
        gen.setViewBox(QRectF(0, 0, options.width, options.height))
        gen.setResolution(PRINT_DPI)
        gen.setTitle(page.title)
        gen.setDescription(description)
        layout = _paint_device(gen, page, progress)
    else:
        pdf = QPdfWriter(buffer)
        pdf.setResolution(PRINT_DPI)
        pdf.setCreator(f"cspo-viewer {__version__}")
        pdf.setTitle(page.title)
        inches = QPageSize(
            QSizeF(options.width / PRINT_DPI, options.height / PRINT_DPI),
            QPageSize.Unit.Inch,
            "cspo-viewer",
        )
        pdf.setPageLayout(
            QPageLayout(inches, QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0))
        )
        if events is not None:
            layout = paint_book(pdf, page, events, progress)
        else:
            layout = _paint_device(pdf, page, progress)
    buffer.close()
    payload = bytes(buffer.data().data())
    if not payload:
        raise UserError(f"could not encode the {fmt} file")
    return payload, layout


def _paint_device(device, page: PageModel, progress: Progress | None) -> ExportLayout:
    """Paint onto a vector device, mapping output pixels onto its page."""
    options = page.options
    p = QPainter()
    if not p.begin(device):
        raise UserError("could not start the vector output")
    try:
        sx = device.width() / options.width
        sy = device.height() / options.height
        if abs(sx - 1) > 1e-6 or abs(sy - 1) > 1e-6:
            p.scale(sx, sy)
        return paint_page(p, page, progress)
    finally:
        p.end()


def write_export(
    path: str | os.PathLike[str],
    data: ExportData,
    options: ExportOptions,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> ExportLayout:
    """Write the picture (or deck) to ``path`` (.png, .svg, .pdf or .pptx) through the
    one file-output helper (temporary file beside it, fsync, mode kept, rename).

    Raises ``UserError`` (nothing written, no temporary left) for a bad target or a failed
    write, such as a full disk.
    """
    target = Path(path)
    fmt = check_target(target, force=force)
    payload, layout = encode_export(fmt, data, options, progress)
    (progress or (lambda _pct, _what: None))(90, "Writing the file")
    try:
        with replacing(target) as tmp:
            with open(tmp, "wb") as fh:
                _write_bytes(fh, payload)
            if target.exists() and not force:  # appeared while we were drawing
                raise UserError(f"{target} already exists; use --force to overwrite it")
    except OSError as exc:
        raise output_error(target, exc) from None
    (progress or (lambda _pct, _what: None))(100, "Done")
    return layout


def _write_bytes(fh, payload: bytes) -> None:
    """One place that writes the bytes (tests make it fail as a full disk would)."""
    fh.write(payload)
