"""SQLite's memory statistics are off in our processes (a global mutex two import threads
fought over), and the switch leaves a process that loaded sqlite3 first alone."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cspo_viewer.sqlite_setup import _plain_varargs

PROBE = """
import ctypes, sys
{first}
import _sqlite3, sqlite3
from cspo_viewer.sqlite_setup import disable_memory_statistics
conn = sqlite3.connect(":memory:")
conn.execute("CREATE TABLE t (x)")
conn.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,)] * 100)
used = ctypes.CDLL(_sqlite3.__file__).sqlite3_memory_used
used.restype = ctypes.c_int64
print(used(), disable_memory_statistics(), conn.execute("SELECT COUNT(*) FROM t").fetchone()[0])
"""


def _probe(first: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(first=first)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return out.stdout.split()


@pytest.mark.skipif(not _plain_varargs(), reason="only made on Linux, x86-64 or 64-bit Arm")
def test_statistics_are_off_when_the_package_loads_first():
    used, again, rows = _probe("import cspo_viewer")
    assert used == "0" and rows == "100"
    assert again == "False"  # sqlite3 is loaded now: a second call changes nothing


def test_a_process_that_loaded_sqlite3_first_is_left_as_it_was():
    used, done, rows = _probe("import sqlite3; import cspo_viewer")
    assert int(used) > 100_000 and rows == "100"  # statistics kept: SQLite counts its heap
    assert done == "False"
