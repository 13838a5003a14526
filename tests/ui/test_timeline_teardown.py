"""A timeline view that is dropped is freed without crashing the process.

The window once gave its date axis one of its own methods as the axis's drag handler.
That tied the axis (a Qt graphics item) and the view (a Qt widget) in a reference cycle,
and when Python's collector broke it by freeing the axis first, the view's scene then
deleted that half-freed axis again: the process died (SIGSEGV or SIGBUS), as the timeline
benchmark did on its third view. Run in a process of its own, so a crash is a failure
here and not the end of the test run."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.paths import REPO

DROP_THREE_VIEWS = """
import gc
from PySide6.QtWidgets import QApplication
from cspo_viewer import paths
from cspo_viewer.data.store import open_store
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.timeline_view import TimelineView

app = QApplication([])
for grouping in ("kind", "nation", "theme"):
    view = TimelineView(Controller(open_store(paths.bundled_db_path())))
    view.controller.set_grouping(grouping)
    view.show()
    app.processEvents()
    del view
    gc.collect()
print("dropped three views")
"""


def test_dropping_timeline_views_frees_them_without_a_crash():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", DROP_THREE_VIEWS],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,  # a passing run takes a second or two; a crashed one may hang
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "dropped three views"
