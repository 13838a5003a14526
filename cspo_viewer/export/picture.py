"""The page as a picture: painted into an image by the export's painter and encoded as
PNG (the PNG export, and the picture a deck embeds, are the same file)."""

from __future__ import annotations

import os
from datetime import date

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage, QImageWriter, QPainter

from cspo_viewer import __version__
from cspo_viewer.errors import UserError
from cspo_viewer.model.options import PRINT_DPI, ExportOptions
from cspo_viewer.model.page import ExportData, PageModel, build_page
from cspo_viewer.render.page import ExportLayout, Progress, paint_page
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
