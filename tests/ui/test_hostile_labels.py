"""A database whose every label is markup: each widget shows the text literally, and no
image loads (a kind labelled ``<img src="/dev/zero">`` used to abort the window with
``std::bad_alloc``; here a local magenta picture stands in for it, so a failure shows as
magenta pixels instead of a dead test run)."""

from __future__ import annotations

import shutil
import sqlite3

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QTextDocument
from PySide6.QtGui import Qt as GuiQt  # Qt::mightBeRichText lives in QtGui
from PySide6.QtWidgets import QApplication, QLabel, QToolTip, QWidget

from cspo_viewer.ui.export_dialog import ExportDialog
from tests.filter_panel_support import nation_checkbox, theme_checkbox

MAGENTA = QColor("#ff00ff")


@pytest.fixture
def picture(tmp_path) -> str:
    image = QImage(48, 48, QImage.Format.Format_RGB32)
    image.fill(MAGENTA)
    path = tmp_path / "m.png"
    assert image.save(str(path))
    return str(path)


def hostile(what: str, picture: str) -> str:
    return f'<img src="{picture}"><b>{what}</b> &amp; <i>x</i>'


@pytest.fixture
def hostile_db(tmp_path, bundled_db, picture):
    folder = tmp_path / "<b>folder&amp;"
    folder.mkdir()
    path = folder / "<i>evil&amp;.db"
    shutil.copyfile(bundled_db, path)
    with sqlite3.connect(path) as conn:
        for table, key in (("kinds", "id"), ("themes", "id")):
            for (value,) in conn.execute(f"SELECT {key} FROM {table}").fetchall():
                conn.execute(
                    f"UPDATE {table} SET label = ?, description = ? WHERE {key} = ?",
                    [
                        hostile(f"{table} {value}", picture),
                        hostile(f"about {value}", picture),
                        value,
                    ],
                )
        for (code,) in conn.execute("SELECT code FROM nations").fetchall():
            conn.execute(
                "UPDATE nations SET name = ? WHERE code = ?",
                [hostile(f"nation {code}", picture), code],
            )
            conn.execute(
                "UPDATE memberships SET note = ? WHERE nation_code = ?",
                [hostile(f"note {code}", picture), code],
            )
    return path


def shown_text(text: str, fmt: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    """What Qt draws for ``text`` in a label or tooltip of that format."""
    rich = fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)
    )
    if not rich:
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def labels_shown(root: QWidget) -> list[str]:
    return [shown_text(w.text(), w.textFormat()) for w in root.findChildren(QLabel)]


def tooltips_shown(root: QWidget) -> list[str]:
    return [shown_text(w.toolTip()) for w in [root, *root.findChildren(QWidget)] if w.toolTip()]


def magenta_pixels(widget: QWidget) -> int:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(-1, 4)
    return int(
        np.count_nonzero((pixels[:, 2] == 255) & (pixels[:, 1] == 0) & (pixels[:, 0] == 255))
    )


@pytest.fixture
def window(open_window, hostile_db):
    return open_window(hostile_db)


def test_every_widget_shows_hostile_labels_literally_and_loads_no_image(
    qtbot, window, hostile_db, picture
):
    c = window.controller
    panel = window.filter_panel
    nation_checkbox(panel, "JPN").click()  # as a person would: a chip appears
    theme_checkbox(panel, "deterrence").click()
    c.select(c.store.event_ids(c.filter)[0])
    qtbot.wait(50)

    labels = labels_shown(window)
    tips = tooltips_shown(window)
    # Legend bar: every kind shown, by its label, literally.
    for kind in window.legend.entries:
        assert kind.startswith(f'<img src="{picture}"><b>kinds ')
        assert any(kind == text for text in labels_shown(window.legend))
    # Filter panel: nation names on the boxes; descriptions and membership notes in tips.
    assert nation_checkbox(panel, "JPN").text() == hostile("nation JPN", picture).replace("&", "&&")
    assert hostile("note JPN", picture) in " ".join(tips)
    assert hostile("about deterrence", picture) in tips
    assert hostile("about statement", picture) in tips
    # Chips and their tooltips.
    chip_tips = [shown_text(b.toolTip()) for _, b in window.chips._chips]
    assert f"Remove {hostile('nation JPN', picture)} from the filter" in chip_tips
    # Status bar: the database's file name as it is.
    status = shown_text(window.status_label.text(), window.status_label.textFormat())
    assert "<b>folder&amp;/<i>evil&amp;.db" in status
    # Detail pane: kind label, nation and theme chips.
    assert any(text.startswith('<img src="') and "<b>kinds " in text for text in labels)
    # Nothing the database said was drawn as a picture anywhere in the window.
    assert magenta_pixels(window) == 0

    # Every tooltip, shown as Qt shows it, draws no picture either.
    for widget, expected in (
        (nation_checkbox(panel, "JPN"), hostile("note JPN", picture)),
        (theme_checkbox(panel, "deterrence"), hostile("about deterrence", picture)),
    ):
        QToolTip.showText(widget.mapToGlobal(QPoint(4, 4)), widget.toolTip(), widget)
        qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
        tip = next(w for w in QApplication.topLevelWidgets() if w.inherits("QTipLabel"))
        assert expected in shown_text(tip.text(), tip.textFormat())
        assert magenta_pixels(tip) == 0
        QToolTip.hideText()


def test_export_dialog_subtitle_preview_is_literal(qtbot, window, picture):
    nation_checkbox(window.filter_panel, "NOR").click()
    seen: list[str] = []

    def look_then_cancel() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ExportDialog)
        label = dialog.subtitle_preview
        seen.append(shown_text(label.text(), label.textFormat()))
        seen.append(str(magenta_pixels(dialog)))
        dialog.reject()

    QTimer.singleShot(200, look_then_cancel)
    export = next(a for a in window.file_menu.actions() if a.shortcut().toString() == "Ctrl+E")
    export.trigger()  # File → Export…, as a person opens it
    assert seen and hostile("nation NOR", picture) in seen[0]
    assert seen[1] == "0"
