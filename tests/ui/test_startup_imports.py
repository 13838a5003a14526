"""The window's first frame loads only what it draws: the edit path, the import's
validation, the export's painter and writers, print support, the dialogs and the Help
pages load when a person first asks for them (launch is measured by
``benchmarks/bench_launch.py``; this keeps a stray top-level import from undoing it).

A fresh interpreter opens the window on the bundled record and paints it, then names the
modules it loaded; a second run also selects an event, copies it as a briefing note and
opens File → Print preview as a person would, to show the deferred modules arrive when
used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

DEFERRED = (
    "cspo_viewer.data.edits",
    "cspo_viewer.data.interchange",
    "cspo_viewer.data.compare",
    "cspo_viewer.data.briefing_note",
    "cspo_viewer.render.page",
    "cspo_viewer.render.views",
    "cspo_viewer.export.files",
    "cspo_viewer.model.event_text",
    "cspo_viewer.ui.event_editor",
    "cspo_viewer.ui.compare_dialog",
    "cspo_viewer.ui.annotation_dialog",
    "cspo_viewer.ui.import_dialog",
    "cspo_viewer.ui.help",
    "cspo_viewer.ui.detail_html",
    "cspo_viewer.layout.membership",
    "cspo_viewer.layout.participation",
    "cspo_viewer.data.build",
    "getpass",
    "PySide6.QtPrintSupport",
    "numpy.ma",
)

PROGRAM = """
import json, sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
from cspo_viewer import paths
from cspo_viewer.data.store import open_store
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.main_window import MainWindow
window = MainWindow(Controller(open_store(paths.bundled_db_path())), None, remember=False)
window.resize(1200, 800)
window.show()
app.processEvents()
painted = window.timeline.item.frame is not None
if sys.argv[1] == "use":
    from PySide6.QtPrintSupport import QPrintPreviewDialog
    QPrintPreviewDialog.exec = lambda self: 0  # a person closes the preview at once
    menus = (window.file_menu, window.briefing.menu)
    actions = {a.text().replace("&", ""): a for m in menus for a in m.actions()}
    window.controller.select("2014-09-22-mou-signed-ottawa")
    actions["Copy as briefing note"].trigger()
    actions["Print preview"].trigger()
    window.act_views["members"].trigger()  # View -> Membership growth
    app.processEvents()
names = [n for n in json.loads(sys.argv[2]) if n in sys.modules]
print(json.dumps({"painted": painted, "loaded": names}), flush=True)
import os
os._exit(0)  # a bare script's teardown order (dialogs after the application) is not ours
"""


def loaded(mode: str) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM, mode, json.dumps(DEFERRED)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_first_frame_leaves_editing_export_and_printing_unloaded():
    first = loaded("look")
    assert first["painted"]  # the timeline drew its first frame
    assert first["loaded"] == []


def test_the_deferred_parts_load_when_a_person_uses_them():
    used = loaded("use")
    assert used["painted"]
    for name in (
        "cspo_viewer.data.briefing_note",
        "cspo_viewer.ui.detail_html",  # the detail pane showed the selected event
        "cspo_viewer.layout.membership",  # the growth chart drew
        "PySide6.QtPrintSupport",
    ):
        assert name in used["loaded"], name
