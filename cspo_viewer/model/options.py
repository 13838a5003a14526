"""What a briefing export holds and how big it is: options, presets and their checks.

No Qt here: the command line checks a size, a target file or a theme before anything
starts drawing, and the dialog fills the same ``ExportOptions``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cspo_viewer.data.usable import clean_text
from cspo_viewer.errors import UserError

PRODUCT_TITLE = "Combined Space Operations Initiative"
DEFAULT_TITLE = f"{PRODUCT_TITLE}, 2014–2024"
"""The bundled record's title; an export without a title of its own says the years of
the range it shows instead (``title_for``)."""
REFERENCE_SIZE = (1280, 720)
"""The output size at which the page furniture (title, legend, footer) uses the window's
sizes. Larger outputs scale it up in proportion."""
PRINT_DPI = 300
"""Physical resolution written into PNG, SVG and PDF: an A4 preset prints at A4 size."""
SLIDE_WIDTH_IN = 13.333
"""A 16:9 PowerPoint slide is 13.33 in wide, whatever its pixel count."""
LABEL_PT = 11.0
"""Event labels are at least 11 pt on the printed or projected page."""
FORMATS = {".png": "PNG", ".svg": "SVG", ".pdf": "PDF", ".pptx": "PPTX"}
GROUPINGS = ("kind", "nation", "theme")
"""What the timeline's lanes can follow, in menu order: the window, the export, saved views
and the command line's --group-by all take theirs from here (no Qt and no numpy, so the
command line can name them before anything loads)."""
VIEWS = ("timeline", "members", "participation")
"""What the page's body holds: the timeline, the membership growth chart or the
participation matrix (the same heading, sources and footer around each)."""
DECK_SIZE = (3840, 2160)
"""The deck's picture is always a 4K 16:9 slide, whatever ``--width``/``--height`` say."""
THEMES = ("light", "dark")
MIN_SIDE, MAX_SIDE = 320, 16384
MAX_PIXELS = 120_000_000  # about 480 MB of image memory
PRESETS: tuple[tuple[str, int, int], ...] = (
    ("Full HD slide, 1920×1080", 1920, 1080),
    ("4K slide, 3840×2160", 3840, 2160),
    ("A4 landscape, 300 dpi (3508×2480)", 3508, 2480),
)
"""Named sizes offered by the dialog (the command line takes ``--width``/``--height``)."""


@dataclass(frozen=True)
class ExportOptions:
    """What the picture holds and how big it is. The dialog and the command line fill it."""

    width: int = 3840
    height: int = 2160
    title: str | None = None  # None: the record's name and the years shown
    subtitle: bool = True  # the active filter in words under the title
    marking: str = ""  # handling marking ("OFFICIAL"), centred at top and bottom
    legend: bool = True
    sources: bool = True
    members: bool = True  # the membership strip under the lanes
    theme: str = "light"  # "light" (prints well) or "dark"
    x_range: tuple[float, float] | None = None  # None: the filtered events; else days
    grouping: str = "kind"  # lanes by "kind", "nation" or "theme"
    pinned: tuple[str, ...] = ()  # event ids always labelled
    generated: date | None = None  # the date in the footer; None: today
    view: str = "timeline"  # the body: "timeline", "members" or "participation"
    heading_painted: bool = True  # False: room kept for marking, title and subtitle, but
    # nothing drawn there (the deck lays real text boxes over that room)
    event_slides: bool = False  # the deck: one more slide per event shown
    template: Path | None = None  # the deck: the organisation's .pptx or .potx
    editable: bool = False  # the deck: the timeline as native shapes, not a picture
    event_pages: bool = False  # the PDF: a page per event after the timeline (a book)
    annotations: tuple[int, ...] | None = None  # ids of the eras and notes drawn; None: all

    def __post_init__(self) -> None:
        # Typed text is drawn (and written into SVG/PDF): no character XML forbids.
        if self.title is not None:
            object.__setattr__(self, "title", clean_text(self.title))
        object.__setattr__(self, "marking", clean_text(self.marking))
        for name, value in (("width", self.width), ("height", self.height)):
            if not MIN_SIDE <= value <= MAX_SIDE:
                raise UserError(
                    f"the {name} {value} px is out of range ({MIN_SIDE} to {MAX_SIDE} px)"
                )
        if self.width * self.height > MAX_PIXELS:
            raise UserError(
                f"{self.width}x{self.height} is too large; keep it under "
                f"{MAX_PIXELS // 1_000_000} million pixels"
            )
        if self.theme not in THEMES:
            raise UserError(f"unknown theme {self.theme!r}; use light or dark")
        if self.view not in VIEWS:
            raise UserError(f"unknown view {self.view!r}; use {', '.join(VIEWS)}")
        if self.grouping not in GROUPINGS:
            raise UserError(f"unknown grouping {self.grouping!r}; use kind, nation or theme")
        if self.x_range is not None and not self.x_range[1] > self.x_range[0]:
            raise UserError("the date range to export is empty")

    @property
    def scale(self) -> float:
        """How much larger than the window's sizes the page furniture is drawn: by the
        area against ``REFERENCE_SIZE`` (x3 for 3840x2160), but at most 1.3 times what the
        narrower side allows, so a portrait page or a banner-shaped strip still fits."""
        ref_w, ref_h = REFERENCE_SIZE
        by_area = ((self.width * self.height) / (ref_w * ref_h)) ** 0.5
        by_side = 1.3 * min(self.width / ref_w, self.height / ref_h)
        return quantize(min(max(min(by_area, by_side), 0.5), 12.0))

    @property
    def is_slide(self) -> bool:
        """16:9 (give or take a pixel): a slide, projected at 13.33 in wide."""
        return abs(self.width / self.height - 16 / 9) < 0.01

    @property
    def label_px(self) -> float:
        """Event label size in pixels: 11 pt where the picture ends up. A 16:9 slide is
        13.33 in wide (22 px at 1920, 44 px at 3840); anything else is printed at
        ``PRINT_DPI`` (46 px, an A4 page), but never more than 1/75 of the width, so a
        small picture keeps room for its events."""
        if self.is_slide:
            px = self.width / SLIDE_WIDTH_IN * LABEL_PT / 72
        else:
            px = min(PRINT_DPI * LABEL_PT / 72, self.width / 75)
        return round(px * 4) / 4


def quantize(scale: float) -> float:
    """``scale`` in steps of 1/64: sizes scaled by it stay exact in binary floating point,
    so ``LayoutStyle``'s check (label offset >= marker / 2 + gap) holds after scaling."""
    return max(round(scale * 64), 1) / 64


def export_format(path: Path) -> str:
    """ "PNG", "SVG", "PDF" or "PPTX" from the file name, or ``UserError`` otherwise."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        shown = f"{suffix!r}" if suffix else "no extension"
        raise UserError(
            f"cannot export to {path.name!r}: {shown} is not a format the export writes; "
            "end the name in .png, .svg, .pdf or .pptx"
        )
    return FORMATS[suffix]


def check_target(path: str | os.PathLike[str], *, force: bool = False) -> str:
    """Refuse, before any work, a target the export could not or should not write.

    Returns the format. Raises ``UserError`` for an unknown extension, a folder that is
    missing, not a folder or not writable, and an existing file unless ``force``.
    """
    target = Path(path)
    fmt = export_format(target)
    parent = target.parent
    if not parent.exists():
        raise UserError(f"cannot write {target}: the folder {parent} does not exist")
    if not parent.is_dir():
        raise UserError(f"cannot write {target}: {parent} is a file, not a folder")
    if target.is_dir():
        raise UserError(f"cannot write {target}: it is a folder")
    if target.exists() and not force:
        raise UserError(f"{target} already exists; use --force to overwrite it")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UserError(f"cannot write to the folder {parent}: permission denied")
    return fmt
