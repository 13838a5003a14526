"""Colours and sizes of a rendered timeline: light or dark, screen or page.

One ``RenderLook`` goes to the timeline item; the window uses ``for_screen`` and the
briefing export ``for_page`` with a scale factor, so fonts, markers and pens grow with
the output's resolution instead of being upscaled afterwards (pyqtgraph #1455, #1767).

Colours that carry meaning are checked against WCAG 2 AA here, for both looks: text at
least ``TEXT_CONTRAST`` to what it is drawn on, and graphics a reader must see (the
membership strip's steps, a period bar such as France's and Germany's observer year) at
least ``GRAPHIC_CONTRAST``. Shades derived by blending are pushed until they reach it,
so a palette change cannot quietly make them vanish (the dark theme once did).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

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
    halo_alpha: float = 0.9  # a label's backing: the bar or line under it only shows through
    span_alpha: float = 0.4  # a period bar's shade of its kind's colour, before contrast

    @property
    def is_dark(self) -> bool:
        return self.background.lower() in ("#1e2127", "#15181d")

    @property
    def bands(self) -> tuple[str, str, str]:
        """What lanes are drawn on: the background, every other lane, the related lane."""
        return (self.background, self.lane_band, self.related_band)

    def span_colour(self, kind_colour: str) -> str:
        """A month, year or multi-day event's period bar: a shade of its kind's colour
        that stands out from every lane band (``GRAPHIC_CONTRAST``)."""
        return _span_colour(self, kind_colour)

    def member_steps(self, total: int) -> list[str]:
        """The membership strip's shade after each of ``total`` accessions: deeper with
        each, from ``GRAPHIC_CONTRAST`` against the background to twice that."""
        return list(_member_steps(self, total))

    def text_on(self, fill: str) -> str:
        """The text colour that reads best on ``fill`` (a count inside the strip)."""
        options = (self.text, self.background, "#ffffff", "#000000")
        return max(options, key=lambda c: contrast(c, fill))

    def scaled(self, factor: float) -> RenderLook:
        """The same look for an output ``factor`` times denser (a 4K slide, a 300 dpi page)."""
        return replace(
            self,
            font_px=self.font_px * factor,
            small_font_px=self.small_font_px * factor,
            layout=self.layout.scaled(factor),
            pen_px=self.pen_px * factor,
        )


TEXT_CONTRAST = 4.5
"""WCAG 2 AA for text (1.4.3)."""
GRAPHIC_CONTRAST = 3.0
"""WCAG 2 AA for graphics a reader must make out (1.4.11)."""


def _rgb(colour: str) -> tuple[int, int, int]:
    h = colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _hex(rgb: Iterable[float]) -> str:
    return "#" + "".join(f"{min(max(round(c), 0), 255):02x}" for c in rgb)


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""

    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def blend(colour: str, under: str, alpha: float) -> str:
    """``colour`` at ``alpha`` over ``under``, as the opaque colour a reader sees."""
    return mix(under, colour, alpha)


def mix(a: str, b: str, t: float) -> str:
    """From ``a`` (t = 0) to ``b`` (t = 1)."""
    return _hex(tuple(x + (y - x) * t for x, y in zip(_rgb(a), _rgb(b), strict=True)))


def reach(
    colour: str, grounds: tuple[str, ...], toward: str, ratio: float = GRAPHIC_CONTRAST
) -> str:
    """``colour``, moved toward ``toward`` (the look's text colour: darker on light,
    lighter on dark) just far enough to contrast ``ratio`` with every one of ``grounds``."""
    for step in range(41):
        out = mix(colour, toward, step / 40)
        if all(contrast(out, g) >= ratio for g in grounds):
            return out
    return toward


def shade(colour: str, alpha: float, grounds: tuple[str, ...], toward: str) -> str:
    """The palest shade of ``colour`` from ``alpha`` over the first of ``grounds`` that
    contrasts ``GRAPHIC_CONTRAST`` with all of them: more of the colour first (it keeps
    its hue), then toward ``toward`` if even the colour itself is too faint."""
    for step in range(21):
        a = alpha + (1.0 - alpha) * step / 20
        out = blend(colour, grounds[0], a)
        if all(contrast(out, g) >= GRAPHIC_CONTRAST for g in grounds):
            return out
    return reach(colour, grounds, toward)


@lru_cache(maxsize=256)
def _span_colour(look: RenderLook, kind_colour: str) -> str:
    return shade(kind_colour, look.span_alpha, look.bands, look.text)


@lru_cache(maxsize=64)
def _member_steps(look: RenderLook, total: int) -> tuple[str, ...]:
    ground = (look.background,)
    faint = shade(look.member_band, 0.3, ground, look.text)
    deep = reach(look.member_band, ground, look.text, 2 * GRAPHIC_CONTRAST)
    return tuple(mix(faint, deep, (i + 1) / total) for i in range(total))


LIGHT = RenderLook(
    background="#ffffff",
    lane_band="#f4f6f9",
    related_band="#eceef1",
    text="#1b1f24",
    muted_text="#5b6470",
    grid="#d9dee5",
    dim="#c3c8cf",
    selection="#c62828",
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
