"""The briefing export: the filtered timeline (or the membership growth chart, or the
participation matrix) as a PNG, SVG or PDF of a given size, or a PowerPoint deck.

- ``model/options.py``: what the picture holds and how big it is, presets and checks;
- ``model/page.py``: the page as data, built before painting: title, range, lanes,
  sources, and a view's model;
- ``render/page.py``: the painter, beside the timeline and view painters it uses;
- ``picture``: the page painted into an image, and that image as PNG;
- ``deck``: the .pptx around the page picture (python-pptx), on ``template``'s layouts;
- ``template``: the organisation's .pptx/.potx, or python-pptx's default, and its layouts;
- ``editable``: the timeline slide as native shapes from the picture's layout;
- ``model/event_text.py``: what an event's slides and printed pages say, and how it flows;
- ``shapes``: a shape's alt text and z-order, which python-pptx has no public call for;
- ``files``: encoding and writing the file, one path for every format (a PDF may be a
  briefing book: the timeline page, then a page per event).

The window's export dialog and ``cspo-viewer export`` both call ``write_export`` with
the same ``ExportOptions``, so the same filter gives the same picture.
"""

from cspo_viewer.model.options import (
    DEFAULT_TITLE,
    FORMATS,
    MAX_SIDE,
    MIN_SIDE,
    PRESETS,
    PRINT_DPI,
    ExportOptions,
    check_target,
    export_format,
)
from cspo_viewer.model.page import (
    ExportData,
    PageModel,
    build_page,
    publishers,
    range_days,
    source_lines,
    view_filter,
    wrap_words,
)

__all__ = [
    "DEFAULT_TITLE",
    "FORMATS",
    "MAX_SIDE",
    "MIN_SIDE",
    "PRESETS",
    "PRINT_DPI",
    "ExportData",
    "ExportLayout",
    "ExportOptions",
    "PageModel",
    "build_page",
    "check_target",
    "encode_export",
    "ensure_app",
    "export_format",
    "png_bytes",
    "publishers",
    "range_days",
    "render_export",
    "source_lines",
    "view_filter",
    "wrap_words",
    "write_export",
]


def __getattr__(name: str):
    """The Qt parts load on first use, so the command line's early checks (options and
    the page model, under ``model/``) run before Qt loads."""
    if name in ("ExportLayout",):
        from cspo_viewer.render import page as _page

        return getattr(_page, name)
    if name in ("ensure_app", "png_bytes", "render_export"):
        from cspo_viewer.export import picture as _picture

        return getattr(_picture, name)
    if name in ("encode_export", "write_export"):
        from cspo_viewer.export import files as _files

        return getattr(_files, name)
    raise AttributeError(name)
