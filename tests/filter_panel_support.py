"""Find the filter panel's widgets as a person sees them (no tests here).

The panel names its widgets (``objectName``) by facet and value, so tests reach the box a
user ticks, the count beside it and the note under it without members kept only for tests.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QLabel, QWidget

from cspo_viewer.ui.filter_panel import FilterPanel


def _child(panel: FilterPanel, kind: type, name: str):
    found = panel.findChild(kind, name)
    assert found is not None, f"the filter panel has no {kind.__name__} named {name!r}"
    return found


def checkbox(panel: FilterPanel, facet: str, value: str) -> QCheckBox:
    return _child(panel, QCheckBox, f"{facet}:{value}")


def nation_checkbox(panel: FilterPanel, code: str) -> QCheckBox:
    return checkbox(panel, "nation", code)


def theme_checkbox(panel: FilterPanel, theme_id: str) -> QCheckBox:
    return checkbox(panel, "theme", theme_id)


def kind_checkbox(panel: FilterPanel, kind_id: str) -> QCheckBox:
    return checkbox(panel, "kind", kind_id)


def values(panel: FilterPanel, facet: str) -> list[str]:
    """The facet's boxes, top to bottom, by value."""
    prefix = f"{facet}:"
    return [
        box.objectName()[len(prefix) :]
        for box in panel.findChildren(QCheckBox)
        if box.objectName().startswith(prefix)
    ]


def count_text(panel: FilterPanel, facet: str, value: str) -> str:
    return _child(panel, QLabel, f"{facet}-count:{value}").text()


def join_text(panel: FilterPanel, code: str) -> str:
    note = panel.findChild(QLabel, f"nation-note:{code}")
    return note.text() if note is not None else ""


def is_greyed(panel: FilterPanel, facet: str, value: str) -> bool:
    """The box's text is drawn in the disabled grey (a zero count), as the eye sees it."""
    role = QPalette.ColorRole.WindowText
    grey = panel.palette().color(QPalette.ColorGroup.Disabled, role)
    return checkbox(panel, facet, value).palette().color(role) == grey


def match_combo(panel: FilterPanel, facet: str) -> QComboBox:
    return _child(panel, QComboBox, f"match:{facet}")


def date_edits(panel: FilterPanel) -> tuple[QDateEdit, QDateEdit]:
    return _child(panel, QDateEdit, "fromDate"), _child(panel, QDateEdit, "toDate")


def date_bound_boxes(panel: FilterPanel) -> tuple[QCheckBox, QCheckBox]:
    return _child(panel, QCheckBox, "fromBound"), _child(panel, QCheckBox, "toBound")


def date_note(panel: FilterPanel) -> str:
    return _child(panel, QLabel, "dateNote").text()


def section(panel: FilterPanel, key: str) -> QWidget:
    """``"nation"``, ``"theme"``, ``"kind"``, ``"dates"`` or ``"search"``; the section has
    ``toggle`` (its header button) and ``set_expanded``."""
    return _child(panel, QWidget, f"section:{key}")


def search_pending(panel: FilterPanel) -> bool:
    """Typed search text still waits for the debounce."""
    return _child(panel, QTimer, "searchTimer").isActive()


def counts_pending(panel: FilterPanel) -> bool:
    """Counts for shown sections are still to come (deferred past the repaint)."""
    return _child(panel, QTimer, "countTimer").isActive()
