"""``cspo-viewer export``: files of every format, headless, and clean refusals.

A refusal is exit code 2 with one clear line on stderr, and the folder holds exactly what
it held before: no file, no temporary.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from cspo_viewer.cli import main
from cspo_viewer.export import files as export_files
from tests.paths import REPO

SMALL = ["--width", "640", "--height", "360", "--generated", "2025-01-15"]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["export", *args])
    out, err = capsys.readouterr()
    return code, out, err


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_writes_png_of_the_requested_size(qapp, tmp_path, capsys):
    target = tmp_path / "japan.png"
    code, out, err = run(capsys, "--out", str(target), "--nation", "Japan", *SMALL)
    assert code == 0, err
    assert out.strip() == f"wrote {target} (640x360, 6 events)"
    image = QImage(str(target))
    assert (image.width(), image.height()) == (640, 360)
    assert image.text("Software").startswith("cspo-viewer")
    assert listing(tmp_path) == ["japan.png"]
    assert (target.stat().st_mode & 0o777) == 0o666 & ~_umask()  # not the temp file's 0600


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_default_size_is_a_4k_slide(qapp, tmp_path, capsys):
    target = tmp_path / "slide.png"
    code, _, err = run(capsys, "--out", str(target), "--kind", "founding")
    assert code == 0, err
    assert (QImage(str(target)).width(), QImage(str(target)).height()) == (3840, 2160)


def test_svg_and_pdf_are_vector(qapp, tmp_path, capsys):
    svg, pdf = tmp_path / "t.svg", tmp_path / "t.PDF"
    assert run(capsys, "--out", str(svg), "--marking", "OFFICIAL", *SMALL)[0] == 0
    assert run(capsys, "--out", str(pdf), *SMALL)[0] == 0
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert 'viewBox="0 0 640 360"' in text
    assert "OFFICIAL" in text and "Combined Space Operations Initiative" in text
    assert "<image" not in text  # markers, legend and axes are drawn as paths and text
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert listing(tmp_path) == ["t.PDF", "t.svg"]


@pytest.mark.parametrize("name", ["timeline.jpg", "timeline.txt", "timeline"])
def test_unknown_extension_is_refused(tmp_path, capsys, name):
    code, out, err = run(capsys, "--out", str(tmp_path / name), *SMALL)
    assert code == 2 and out == ""
    assert err.startswith("cspo-viewer: error: ") and err.count("\n") == 1
    assert ".png, .svg, .pdf or .pptx" in err
    assert listing(tmp_path) == []


def test_missing_folder_is_refused(tmp_path, capsys):
    code, _, err = run(capsys, "--out", str(tmp_path / "nope" / "t.png"), *SMALL)
    assert code == 2 and "does not exist" in err
    assert listing(tmp_path) == []


def test_parent_that_is_a_file_is_refused(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    code, _, err = run(capsys, "--out", str(tmp_path / "file" / "t.png"), *SMALL)
    assert code == 2 and "is a file, not a folder" in err
    assert listing(tmp_path) == ["file"]


def test_target_that_is_a_folder_is_refused(tmp_path, capsys):
    (tmp_path / "t.png").mkdir()
    code, _, err = run(capsys, "--out", str(tmp_path / "t.png"), "--force", *SMALL)
    assert code == 2 and "is a folder" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_unwritable_folder_is_refused(tmp_path, capsys):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        code, _, err = run(capsys, "--out", str(folder / "t.png"), *SMALL)
    finally:
        folder.chmod(0o755)
    assert code == 2 and "permission denied" in err
    assert listing(folder) == []


def test_folder_refusing_the_write_is_reported(qapp, tmp_path, capsys, monkeypatch):
    """What root meets instead of mode bits (a read-only mount, an ACL): the temporary
    file cannot be created."""
    import cspo_viewer.data.file_output as file_output

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(file_output.tempfile, "mkstemp", refuse)
    code, _, err = run(capsys, "--out", str(tmp_path / "t.png"), *SMALL)
    assert code == 2 and "Permission denied" in err and err.count("\n") == 1
    assert listing(tmp_path) == []


def test_existing_file_needs_force(qapp, tmp_path, capsys):
    target = tmp_path / "t.png"
    target.write_bytes(b"keep me")
    code, _, err = run(capsys, "--out", str(target), *SMALL)
    assert code == 2 and "already exists" in err and "--force" in err
    assert target.read_bytes() == b"keep me"
    code, _, err = run(capsys, "--out", str(target), "--force", *SMALL)
    assert code == 0, err
    assert QImage(str(target)).width() == 640
    assert listing(tmp_path) == ["t.png"]


def test_full_disk_leaves_no_partial_file(qapp, tmp_path, capsys, monkeypatch):
    def half_then_full(fh, payload: bytes) -> None:
        fh.write(payload[: len(payload) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export_files, "_write_bytes", half_then_full)
    code, _, err = run(capsys, "--out", str(tmp_path / "t.png"), *SMALL)
    assert code == 2 and "No space left on device" in err and "nothing was written" in err
    assert listing(tmp_path) == []
    # An existing file being replaced is left exactly as it was.
    (tmp_path / "old.png").write_bytes(b"old")
    code, _, _ = run(capsys, "--out", str(tmp_path / "old.png"), "--force", *SMALL)
    assert code == 2 and (tmp_path / "old.png").read_bytes() == b"old"
    assert listing(tmp_path) == ["old.png"]


def test_failed_encoding_leaves_nothing(qapp, tmp_path, capsys, monkeypatch):
    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(export_files, "png_bytes", no_memory)
    code, _, err = run(capsys, "--out", str(tmp_path / "t.png"), *SMALL)
    assert code == 2 and "not enough memory" in err
    assert listing(tmp_path) == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--width", "100"], "out of range"),
        (["--nation", "Atlantis"], "unknown nation"),
        (["--generated", "yesterday"], "--generated"),
    ],
)
def test_bad_arguments_exit_2(tmp_path, capsys, args, words):
    code, _, err = run(capsys, "--out", str(tmp_path / "t.png"), *args)
    assert code == 2 and words in err
    assert listing(tmp_path) == []


def test_runs_headless_without_a_display(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    target = tmp_path / "t.png"
    proc = subprocess.run(
        [sys.executable, "-m", "cspo_viewer", "export", "--out", str(target), *SMALL],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert QImage(str(target)).width() == 640
