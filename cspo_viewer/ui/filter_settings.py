"""The filter remembered between runs, in QSettings under the group "filter".

Writing goes through ``EventFilter.to_settings`` and reading through
``filter_from_settings``, the same model the command line uses, so a restored filter is
exactly one that ``cspo-viewer list`` accepts. A saved value the database no longer knows
(a nation removed, another database opened) is dropped with a status-bar sentence: a
stale setting must never stop the window from opening.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings

from cspo_viewer.data.filters import EventFilter, filter_from_settings
from cspo_viewer.ui.controller import Controller

GROUP = "filter"


def save_filter(settings: QSettings, flt: EventFilter) -> None:
    """Replace the saved filter with ``flt`` (keys from ``EventFilter.to_settings``)."""
    settings.beginGroup(GROUP)
    try:
        settings.remove("")  # drop keys an older version may have written
        for key, value in flt.to_settings().items():
            settings.setValue(key, value)
    finally:
        settings.endGroup()


def read_saved_filter(settings: QSettings) -> dict[str, Any]:
    """The raw saved values; lists may come back as None, a lone str or a list."""
    settings.beginGroup(GROUP)
    try:
        return {key: settings.value(key) for key in settings.childKeys()}
    finally:
        settings.endGroup()


def restore_filter(settings: QSettings, controller: Controller) -> list[str]:
    """Apply the saved filter to ``controller``; return what had to be dropped.

    The dropped values are also announced once on ``controller.message`` as one sentence.
    """
    flt, dropped = filter_from_settings(read_saved_filter(settings), controller.vocabulary)
    controller.set_filter(flt)
    if dropped:
        controller.message.emit(dropped_sentence(dropped))
    return dropped


def dropped_sentence(dropped: list[str]) -> str:
    """ "Saved nation 'XXX' is not in this database; it was left out of the restored filter." """
    parts = "; ".join(dropped)
    pronoun = "it was" if len(dropped) == 1 else "they were"
    return f"{parts[:1].upper()}{parts[1:]}; {pronoun} left out of the restored filter."
