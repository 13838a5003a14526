"""The one way files are written: whole or not at all, beside the target, mode kept, a
symbolic link kept as a link; a missing or read-only folder is one sentence."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from cspo_viewer.data import file_output
from cspo_viewer.data.file_output import OutputError, check_folder, open_replacing, write_bytes
from cspo_viewer.errors import UserError


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_replaced_file_keeps_its_mode_and_a_new_one_gets_the_umask(tmp_path):
    old = tmp_path / "old.txt"
    old.write_text("before")
    os.chmod(old, 0o640)
    write_bytes(old, b"after")
    assert old.read_bytes() == b"after" and stat.S_IMODE(old.stat().st_mode) == 0o640
    mask = os.umask(0o022)
    try:
        new = tmp_path / "new.txt"
        write_bytes(new, b"x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o644  # not mkstemp's 0600
    assert names(tmp_path) == ["new.txt", "old.txt"]  # no temporary left


def test_a_symbolic_link_stays_a_link_to_the_replaced_file(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with open_replacing(link, "w", encoding="utf-8") as fh:
        fh.write("new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_failed_write_leaves_the_target_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "keep.csv"
    target.write_text("keep me")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(file_output.os, "fsync", full)
    with pytest.raises(OSError) as info:
        write_bytes(target, b"half")
    assert target.read_text() == "keep me" and names(tmp_path) == ["keep.csv"]
    error = file_output.output_error(target, info.value)
    assert isinstance(error, UserError)
    assert str(error) == f"could not write {target}: No space left on device; nothing was written"


def test_missing_and_read_only_folders_are_one_sentence(tmp_path):
    with pytest.raises(OutputError, match=r"^the folder .*nowhere does not exist$"):
        check_folder(tmp_path / "nowhere" / "out.png")
    if os.geteuid() == 0:
        pytest.skip("root may write into a read-only folder")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(OutputError, match="permission denied"):
        check_folder(locked / "out.png")
