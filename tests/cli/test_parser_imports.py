"""Every command is registered at start (the window's launch goes through ``cli`` too), so
registering must not load what only one command runs: the import/dump readers and writers,
the statement comparison, the database builder and checks, and who is writing. They load
when their command runs (the other tests in this folder run each of them)."""

from __future__ import annotations

import json
import subprocess
import sys

RUN_ONLY = (
    "cspo_viewer.data.interchange",
    "cspo_viewer.data.compare",
    "cspo_viewer.data.check",
    "cspo_viewer.data.quote_check",
    "cspo_viewer.data.build",
    "difflib",
    "getpass",
)

PROGRAM = """
import json, sys
from cspo_viewer import cli
cli.build_parser().parse_args(sys.argv[2:])
print(json.dumps([n for n in json.loads(sys.argv[1]) if n in sys.modules]))
"""


def loaded_after_parsing(*argv: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM, json.dumps(RUN_ONLY), *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_parsing_the_window_s_arguments_loads_no_command_s_machinery():
    assert loaded_after_parsing("--screenshot", "shot.png") == []


def test_parsing_a_command_loads_only_what_registering_needs():
    assert loaded_after_parsing("dump", "--format", "timelinejs-csv") == []
    assert loaded_after_parsing("compare", "A", "B") == []
