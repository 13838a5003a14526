"""Fonts sized in output pixels: a page, a slide picture and a view are laid out in
pixels of the file being written, not in points of a screen."""

from __future__ import annotations

from PySide6.QtGui import QFont


def pixel_font(family: str, px: float, *, bold: bool = False) -> QFont:
    """A font of ``px`` output pixels (page sizes are pixels, not points)."""
    font = QFont(family)
    font.setPixelSize(max(1, round(px)))
    font.setBold(bold)
    return font
