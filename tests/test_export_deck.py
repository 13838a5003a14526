"""Briefings that go straight into PowerPoint (issue 19): small PNGs, decks on layouts
with the organisation's template, the marking everywhere, alt text, the editable
timeline slide, even event slides and the briefing book. Decks are read back with
python-pptx, as PowerPoint would open them."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from cspo_viewer.cli import main

DAY = ["--generated", "2025-01-15"]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["export", *args])
    out, err = capsys.readouterr()
    return code, out, err


# --- small pictures -----------------------------------------------------------------------


def test_png_is_compressed_and_keeps_its_pixels(qapp, tmp_path, capsys):
    target = tmp_path / "brief.png"
    code, _, err = run(capsys, "--out", str(target), *DAY)
    assert code == 0, err
    assert target.stat().st_size <= 1_000_000  # was 24.9 MB stored raw
    image = QImage(str(target))
    assert (image.width(), image.height()) == (3840, 2160)
    assert image.pixelColor(5, 1000).name() == "#ffffff"
