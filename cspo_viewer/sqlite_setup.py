"""Process-wide SQLite settings, made before Python's ``sqlite3`` module loads SQLite.

SQLite keeps memory statistics by default, and so every allocation and free takes one
global mutex. An import runs SQLite in two threads at once (the reading thread binds rows
into its stage while the writer's helper thread writes the working copy), and the two
queued at that mutex some 60,000 times per 100,000 events, each time a sleep and a wake in
the kernel. Without the statistics, 100,000 events imported 10-20 % faster (interleaved
runs, both formats; see ``benchmarks/bench_import.py``). Nothing here reads them: they
serve ``sqlite3_memory_used`` and the soft heap limit, which neither Python's ``sqlite3``
nor this program uses.

SQLite takes the setting only before it initializes, which ``import sqlite3`` does. So
``cspo_viewer/__init__.py`` calls this first thing, and it does nothing at all when
``sqlite3`` is already loaded (an interactive shell that imported it first, say), off
Linux on x86-64 and 64-bit Arm (a variadic C call through ``ctypes`` is only portable
where the calling convention is the plain one), or where the module does not expose
SQLite's functions (SQLite linked in privately). The setting is process-wide.
"""

from __future__ import annotations

import os
import sys

SQLITE_OK = 0
SQLITE_CONFIG_MEMSTATUS = 9
"""From ``sqlite3.h``: ``sqlite3_config(SQLITE_CONFIG_MEMSTATUS, int onoff)``."""
statistics_off = False
"""Whether this process runs without the statistics (the benchmarks report it)."""


def disable_memory_statistics() -> bool:
    """Turn SQLite's memory statistics off for this process; True if it was done now."""
    global statistics_off
    if not statistics_off and _disable():
        statistics_off = True
        return True
    return False


def _disable() -> bool:
    if "_sqlite3" in sys.modules or not _plain_varargs():
        return False
    try:
        import ctypes
        import importlib.util

        spec = importlib.util.find_spec("_sqlite3")
        if spec is None or not spec.origin:
            return False
        # Loading the extension's file runs none of its Python code; its symbols, or those
        # of the libsqlite3 it links to, are the very SQLite that ``sqlite3`` will use.
        config = getattr(ctypes.CDLL(spec.origin), "sqlite3_config", None)
        if config is None:
            return False
        return bool(config(SQLITE_CONFIG_MEMSTATUS, ctypes.c_int(0)) == SQLITE_OK)
    except (ImportError, OSError, AttributeError, ValueError):
        return False


def _plain_varargs() -> bool:
    """Linux on x86-64 or 64-bit Arm: an int passed to a variadic C function the way
    ``ctypes`` passes it to any other (not so on Apple's Arm, nor checked elsewhere)."""
    return sys.platform.startswith("linux") and os.uname().machine in ("x86_64", "aarch64")
