"""Eras and notes in exported pictures, through the command as a person runs it."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

from cspo_viewer.cli import main
from cspo_viewer.data.annotations import Annotation, add_annotation


def test_export_draws_eras_and_notes_unless_told_not_to(db_copy, tmp_path, capsys):
    """The command's picture has the era's tint across the lanes; with --no-annotations
    it has none."""
    add_annotation(
        db_copy, Annotation("era", "Pandemic", "2020-03-11", "2023-05-05", colour="#d62728")
    )
    add_annotation(db_copy, Annotation("note", "Ask J5", "2023-12-05"))

    def reddish(args: list[str], name: str) -> int:
        out = tmp_path / name
        code = main(
            [
                "export",
                "--db",
                str(db_copy),
                "--out",
                str(out),
                "--width",
                "1920",
                "--height",
                "1080",
                *args,
            ]
        )
        assert code == 0
        image = QImage(str(out)).convertToFormat(QImage.Format.Format_RGB32)
        rgb = np.frombuffer(image.constBits(), np.uint8).reshape(1080, 1920, 4)[..., :3]
        r, g, b = (rgb[..., i].astype(int) for i in (2, 1, 0))
        return int(((r - g > 12) & (r - b > 12) & (r > 200)).sum())

    with_them = reddish([], "with.png")
    without = reddish(["--no-annotations"], "without.png")
    assert with_them > 20 * max(without, 1)  # a pale red band across the lanes


def test_names_without_room_are_said_not_silently_dropped(db_copy, tmp_path, capsys):
    for day in range(1, 9):  # eight notes in one week: three rows cannot name them all
        add_annotation(db_copy, Annotation("note", f"Week note {day}", f"2020-06-0{day}"))
    out = tmp_path / "crowded.png"
    size = ["--width", "1920", "--height", "1080"]
    assert main(["export", "--db", str(db_copy), "--out", str(out), *size]) == 0
    err = capsys.readouterr().err
    assert "5 era or note name(s) found no room above the lanes" in err
