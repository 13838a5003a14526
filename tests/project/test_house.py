"""The house checks itself: the linter, the formatter and the type checker pass on the
tree, run from the venv's own bin directory as a developer runs them (pinned in the test
extra). The import-linter contracts are checked in ``test_layers.py`` beside it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import REPO

BIN = Path(sys.executable).parent


def run_tool(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``name args`` from the venv, in the repository root; its output kept for the report."""
    tool = shutil.which(name, path=str(BIN))
    assert tool is not None, f"{name} is not installed beside {sys.executable} (the test extra)"
    return subprocess.run(
        [tool, *args], cwd=REPO, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("ruff", ("check", ".")),
        ("ruff", ("format", "--check", ".")),
        ("mypy", ("cspo_viewer",)),
    ],
    ids=["ruff check", "ruff format --check", "mypy"],
)
def test_the_tool_passes_on_the_tree(name, args):
    result = run_tool(name, *args)
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, f"{name} {' '.join(args)} failed:\n{output[-6000:]}"
