"""Colours and sizes of a rendered timeline: light or dark, screen or page.

One ``RenderLook`` goes to the timeline item; the window uses ``for_screen`` and the
briefing export ``for_page`` with a scale factor, so fonts, markers and pens grow with
the output's resolution instead of being upscaled afterwards (pyqtgraph #1455, #1767).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from cspo_viewer.layout import LayoutStyle


@dataclass(frozen=True)
class RenderLook:
    background: str
    lane_band: str  # every other lane
    related_band: str  # the Olympic Defender context lane
    text: str
    muted_text: str
    grid: str  # year/month lines, drawn under the lanes' markers ...
    dim: str  # events outside the filter in "dim" mode
    selection: str
    member_band: str
    label_halo: str
    font_family: str = "DejaVu Sans"
    font_px: float = 12.0
    small_font_px: float = 10.0
    layout: LayoutStyle = LayoutStyle()  # noqa: RUF009 - frozen, safe to share
    pen_px: float = 1.0
    grid_alpha: float = 0.18  # ... at this opacity

    @property
    def is_dark(self) -> bool:
        return self.background.lower() in ("#1e2127", "#15181d")

    def scaled(self, factor: float) -> RenderLook:
        """The same look for an output ``factor`` times denser (a 4K slide, a 300 dpi page)."""
        return replace(
            self,
            font_px=self.font_px * factor,
            small_font_px=self.small_font_px * factor,
            layout=self.layout.scaled(factor),
            pen_px=self.pen_px * factor,
        )


LIGHT = RenderLook(
    background="#ffffff",
    lane_band="#f4f6f9",
    related_band="#eceef1",
    text="#1b1f24",
    muted_text="#5b6470",
    grid="#d9dee5",
    dim="#c3c8cf",
    selection="#d62728",
    member_band="#4c78a8",
    label_halo="#ffffff",
)

DARK = RenderLook(
    background="#1e2127",
    lane_band="#252931",
    related_band="#2b2f36",
    text="#e6e9ee",
    muted_text="#a3abb6",
    grid="#3a404a",
    dim="#4a505a",
    selection="#ff6b6b",
    member_band="#3b6aa3",
    label_halo="#1e2127",
    grid_alpha=0.16,
)


def look(name: str) -> RenderLook:
    """``"light"`` or ``"dark"``."""
    return DARK if name == "dark" else LIGHT
