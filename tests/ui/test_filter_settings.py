"""The filter survives a restart: QSettings on an ini file, written and read back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from cspo_viewer.data.filters import EventFilter, build_filter
from cspo_viewer.data.store import open_store
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.filter_settings import restore_filter, save_filter


@pytest.fixture
def controller(bundled_db):
    c = Controller(open_store(bundled_db))
    yield c
    c.store.close()


def fresh(path: Path, tmp_path: Path) -> QSettings:
    """A QSettings that must parse the file from disk: a copy under a new name, so Qt's
    per-file cache of what this process wrote cannot answer instead (a real restart)."""
    copy = tmp_path / f"reread-{len(list(tmp_path.iterdir()))}.ini"
    shutil.copyfile(path, copy)
    return QSettings(str(copy), QSettings.Format.IniFormat)


def write_ini(path: Path, body: str) -> QSettings:
    path.write_text(body, encoding="utf-8")
    return QSettings(str(path), QSettings.Format.IniFormat)


@pytest.mark.parametrize(
    "words",
    [
        {},
        {"nations": ["Japan"], "themes": ["deterrence"], "kinds": ["statement"]},
        {
            "nations": ["FR", "DE", "Norway"],
            "match_nations": "all",
            "themes": ["debris-asat", "outer-space-treaty", "resilience"],
            "match_themes": "all",
            "kinds": ["membership", "statement"],
            "date_from": "2019",
            "date_to": "2024-06",
            "text": '"outer space", treaty = sanct*',
        },
    ],
    ids=["empty", "one-each", "many"],
)
def test_filter_round_trips_through_an_ini_file(qapp, tmp_path, controller, words):
    flt = build_filter(controller.vocabulary, **words)
    path = tmp_path / "cspo-viewer.ini"
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    save_filter(settings, flt)
    settings.sync()
    assert settings.status() == QSettings.Status.NoError
    assert "[filter]" in path.read_text(encoding="utf-8")

    messages: list[str] = []
    controller.message.connect(messages.append)
    assert restore_filter(fresh(path, tmp_path), controller) == []
    assert controller.filter == flt and messages == []


def test_saved_file_reads_as_the_filter(qapp, tmp_path, controller):
    path = tmp_path / "cspo-viewer.ini"
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    save_filter(settings, build_filter(controller.vocabulary, nations=["japan"], date_from="2019"))
    settings.sync()
    text = path.read_text(encoding="utf-8")
    assert "nations=JPN" in text  # canonical codes, not what was typed
    assert "date_from=2019-01-01" in text and "match_nations=any" in text


def test_saving_replaces_the_previous_filter(qapp, tmp_path, controller):
    path = tmp_path / "cspo-viewer.ini"
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    save_filter(settings, EventFilter(nations=("JPN", "ITA"), text="space"))
    save_filter(settings, EventFilter(themes=("deterrence",)))
    settings.sync()
    restore_filter(fresh(path, tmp_path), controller)
    assert controller.filter == EventFilter(themes=("deterrence",))


def test_stale_nation_is_dropped_with_a_status_message(qapp, tmp_path, controller):
    settings = write_ini(
        tmp_path / "old.ini",
        "[filter]\nnations=XXX, JPN\nmatch_nations=all\nthemes=lasers\ntext=debris\n"
        "[window]\ngeometry=whatever\n",
    )
    messages: list[str] = []
    controller.message.connect(messages.append)
    dropped = restore_filter(settings, controller)
    assert dropped == [
        "saved nation 'XXX' is not in this database",
        "saved theme 'lasers' is not in this database",
    ]
    assert controller.filter == EventFilter(nations=("JPN",), match_nations="all", text="debris")
    assert messages == [
        "Saved nation 'XXX' is not in this database; saved theme 'lasers' is not in this"
        " database; they were left out of the restored filter."
    ]


def test_lone_stale_value_and_garbage_do_not_crash(qapp, tmp_path, controller):
    settings = write_ini(
        tmp_path / "odd.ini",
        "[filter]\nnations=XXX\nmatch_nations=sometimes\ndate_from=yesterday\nkinds=@Invalid()\n",
    )
    messages: list[str] = []
    controller.message.connect(messages.append)
    dropped = restore_filter(settings, controller)
    assert dropped == [
        "saved nation 'XXX' is not in this database",
        "saved date 'yesterday' is not a date",
    ]
    assert controller.filter.is_empty and len(messages) == 1
    assert messages[0].endswith("they were left out of the restored filter.")


def test_nothing_saved_means_no_filter_and_no_message(qapp, tmp_path, controller):
    messages: list[str] = []
    controller.message.connect(messages.append)
    settings = QSettings(str(tmp_path / "none.ini"), QSettings.Format.IniFormat)
    assert restore_filter(settings, controller) == []
    assert controller.filter.is_empty and messages == []
