"""A non-editable install finds the bundled database and resources from any folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_wheel_install_runs_with_bundled_data(tmp_path: Path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(REPO),
        ],
        check=True,
        timeout=300,
    )
    [wheel] = wheels.glob("cspo_viewer-*.whl")
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "QT_QPA_PLATFORM": "offscreen"}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import cspo_viewer, cspo_viewer.paths as p; print(cspo_viewer.__file__);"
            "print(p.bundled_db_path()); print(p.resources_dir())",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    module, db, resources = probe.stdout.splitlines()
    assert module.startswith(str(target)) and db.startswith(str(target))
    assert resources.startswith(str(target)) and Path(resources).is_dir()
    result = subprocess.run(
        [sys.executable, "-m", "cspo_viewer", "list", "--nation", "Italy", "--json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert next(r["id"] for r in json.loads(result.stdout)) == "2023-12-05-berlin-principals-board"
