"""Export files: the page as PNG, SVG, PDF or PPTX bytes, written through a temporary
file (one writing path for every format: ``write_export``).

Qt draws without a display here (``ensure_app`` starts the ``offscreen`` platform when
the process has no ``QApplication``), so the command line and the window's dialog write
the same bytes for the same options.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSize, QSizeF
from PySide6.QtGui import QColor, QImage, QImageWriter, QPageLayout, QPageSize, QPainter, QPdfWriter

from cspo_viewer import __version__
from cspo_viewer.data.file_output import output_error, replacing
from cspo_viewer.errors import UserError
from cspo_viewer.export.event_text import EventText
from cspo_viewer.export.options import PRINT_DPI, ExportOptions, check_target
from cspo_viewer.export.page import ExportData, PageModel, alt_text, book_events, build_page
from cspo_viewer.render.page import ExportLayout, Progress, paint_book, paint_page
from cspo_viewer.render.palette import look

_APP = None

PNG_ZLIB_LEVEL = 1
"""zlib level of every PNG written. ``benchmarks/bench_export.py`` measures whole export
processes at each level against stored (level 0) pixels in one run: level 1 makes the
bundled 3840x2160 slide some 0.6 MB instead of 24.9 MB (100,000 events: 0.8 MB) at no
measurable cost in time, while 6 and above cost more than the 15% the issue allows."""


def qt_png_quality(level: int) -> int:
    """Qt's PNG writer takes a 0-100 "quality" and derives zlib's level from it as
    ``(100 - quality) * 9 // 91`` (``setCompression`` is ignored for PNG, so the old
    ``setCompression(1)`` stored the pixels raw): the quality that gives ``level``."""
    return 100 - -(-level * 91 // 9)


def ensure_app():  # -> QApplication (imported lazily)
    """The running ``QApplication``, or a new one on the ``offscreen`` platform (no display
    is needed or touched) when this process has none yet."""
    global _APP
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["cspo-viewer"])
    _APP = app
    return app


def render_export(
    data: ExportData, options: ExportOptions, progress: Progress | None = None
) -> tuple[QImage, ExportLayout]:
    """The picture as an image of ``options.width`` x ``options.height`` and its layout."""
    ensure_app()
    return render_page(build_page(data, options), progress)


def render_page(page: PageModel, progress: Progress | None = None) -> tuple[QImage, ExportLayout]:
    options = page.options
    image = QImage(options.width, options.height, QImage.Format.Format_RGB32)
    dots_per_metre = round(PRINT_DPI / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(QColor(look(options.theme).background))
    p = QPainter(image)
    try:
        layout = paint_page(p, page, progress, filled=True)
    finally:
        p.end()
    return image, layout


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


def png_texts(page: PageModel, description: str) -> dict[str, str]:
    """The PNG's text chunks: title, the alt text as its Description, the marking as its
    Warning (the deck embeds the same file, so these travel with the picture)."""
    texts = {
        "Title": page.title,
        "Description": description,
        "Software": f"cspo-viewer {__version__}",
        "Creation Time": (page.options.generated or date.today()).isoformat(),
    }
    if page.options.marking.strip():
        texts["Warning"] = page.options.marking.strip()
    return texts


def png_bytes(image: QImage, texts: dict[str, str] | None = None) -> bytes:
    """``image`` as PNG through Qt's writer, with ``texts`` as text chunks (Qt writes
    them as iTXt, so any Unicode survives) and the image's 300 dpi."""
    if image.isNull() or image.width() == 0 or image.height() == 0:
        raise UserError("could not encode the PNG image (it is empty)")
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, b"png")
    writer.setQuality(qt_png_quality(PNG_ZLIB_LEVEL))
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    # On the image, not ``writer.setText``: the writer joins its texts as "key: value"
    # pairs and splits them again at ": ", so a Description holding a colon was lost.
    for key, value in (texts or {}).items():
        rgb.setText(key, value)
    if not writer.write(rgb):
        raise UserError(f"could not encode the PNG image: {writer.errorString()}")
    buffer.close()
    return bytes(array.data())


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
