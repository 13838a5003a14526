"""The active filter as removable chips above the timeline, and "12 of 29 events".

An analyst glancing at the timeline must see at once what is hidden and undo any part
of it with one click; the chips are that summary. They read the controller's filter and
remove their part through ``controller.set_filter``, like every other view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QToolButton, QWidget

from cspo_viewer.data.filters import EventFilter, Vocabulary
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.filter_panel import escape_mnemonic
from cspo_viewer.ui.flow_layout import FlowLayout
from cspo_viewer.ui.rich_text import literal, plain_label

TEXT_CHIP_MAX = 40
CHIP_STYLE = """
QToolButton[chip="true"] {
    border: 1px solid palette(mid);
    border-radius: 9px;
    padding: 1px 8px;
    background: palette(alternate-base);
}
QToolButton[chip="true"]:hover { border-color: palette(highlight); }
QToolButton#clearLink { color: palette(link); }
"""


@dataclass(frozen=True)
class Chip:
    """One removable part of the filter: what it says, and the change that removes it."""

    label: str
    removes: dict[str, Any]
    tooltip: str = ""


def _names(values: tuple[str, ...], lookup: dict[str, str]) -> list[str]:
    return [lookup.get(v, v) for v in values]


def _group_chip(
    what: str, values: list[str], match: str | None, removes: dict[str, Any], single: str
) -> Chip:
    """One value reads as itself ("Japan"); several name their match ("any of" / "all of")."""
    if len(values) == 1:
        return Chip(single, removes, f"Remove {values[0]} from the filter")
    joined = ", ".join(values)
    label = f"{what}: {match} of {joined}" if match else f"{what}: {joined}"
    return Chip(label, removes, f"Remove these {what.lower()} from the filter")


def chips_for(flt: EventFilter, vocab: Vocabulary) -> list[Chip]:
    """The chips for ``flt``, in the panel's order: nations, themes, kinds, dates, search."""
    chips: list[Chip] = []
    if flt.nations:
        names = [vocab.nation_name(c) for c in flt.nations]
        removes = {"nations": (), "match_nations": "any"}
        chips.append(_group_chip("Nations", names, flt.match_nations, removes, names[0]))
    if flt.themes:
        names = _names(flt.themes, dict(vocab.themes))
        removes = {"themes": (), "match_themes": "any"}
        chips.append(_group_chip("Themes", names, flt.match_themes, removes, f"Theme: {names[0]}"))
    if flt.kinds:
        names = _names(flt.kinds, dict(vocab.kinds))
        chips.append(_group_chip("Kinds", names, None, {"kinds": ()}, f"Kind: {names[0]}"))
    if flt.date_from or flt.date_to:
        if flt.date_from and flt.date_to:
            label = f"{flt.date_from} – {flt.date_to}"
        else:
            label = f"From {flt.date_from}" if flt.date_from else f"Until {flt.date_to}"
        chips.append(Chip(label, {"date_from": None, "date_to": None}, "Remove the date range"))
    if flt.text:
        text = flt.text if len(flt.text) <= TEXT_CHIP_MAX else flt.text[: TEXT_CHIP_MAX - 1] + "…"
        chips.append(Chip(f"“{text}”", {"text": ""}, f"Remove the search for {flt.text}"))
    return chips


class FilterChips(QWidget):
    """Chips for the active filter, a "Clear all" link, and the visible/total count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterChips")
        self.setStyleSheet(CHIP_STYLE)  # follows theme switches: theme.restyle
        self._controller: Controller | None = None
        self._chips: list[tuple[Chip, QToolButton]] = []

        self._area = QWidget(self)
        self._flow = FlowLayout(self._area)
        self._area.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

        self.clear_button = QToolButton(self)
        self.clear_button.setText("Clear all")
        self.clear_button.setAutoRaise(True)
        self.clear_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.clear_button.setToolTip("Remove every filter and show all events")
        self.clear_button.setObjectName("clearLink")  # reads as a link (CHIP_STYLE)
        self.clear_button.clicked.connect(self._on_clear)

        self.count_label = plain_label(parent=self)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(self._area, 1)
        layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignTop)
        # Keep the bar one chip high even when empty, so the timeline does not jump.
        probe = QToolButton()
        probe.setProperty("chip", True)
        probe.setText("Chip")
        self.setMinimumHeight(probe.sizeHint().height() + 4)
        self._show_chips(False)

    def bind(self, controller: Controller) -> None:
        """Follow ``controller`` from now on (call once)."""
        self._controller = controller
        controller.filterChanged.connect(self._rebuild)
        controller.databaseChanged.connect(self._refresh)
        controller.resultsChanged.connect(self._update_count)
        self._refresh()

    def _refresh(self) -> None:
        if self._controller is not None:
            self._rebuild(self._controller.filter)
            self._update_count()

    def _rebuild(self, flt: EventFilter) -> None:
        if self._controller is None:
            return
        self._flow.clear()
        self._chips = []
        for chip in chips_for(flt, self._controller.vocabulary):
            button = QToolButton(self._area)
            button.setProperty("chip", True)
            button.setText(escape_mnemonic(f"{chip.label} ×"))
            button.setToolTip(literal(chip.tooltip))
            button.setAccessibleName(f"Remove filter: {chip.label}")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, c=chip: self._remove(c))
            self._flow.addWidget(button)
            button.show()
            self._chips.append((chip, button))
        self._show_chips(bool(self._chips))
        self._area.updateGeometry()

    def _show_chips(self, visible: bool) -> None:
        """With nothing filtered only the count remains (compact bar)."""
        self._area.setVisible(visible)
        self.clear_button.setVisible(visible)

    def _update_count(self) -> None:
        if self._controller is None:
            return
        c = self._controller
        self.count_label.setText(f"{c.visible_count:,} of {c.total_count:,} events")

    def _remove(self, chip: Chip) -> None:
        if self._controller is not None:
            self._controller.set_filter(self._controller.filter.with_(**chip.removes))

    def _on_clear(self) -> None:
        if self._controller is not None:
            self._controller.clear_filter()

    # --- for tests ----------------------------------------------------------------------
    def chip_texts(self) -> list[str]:
        """What the chips say, as displayed ("Japan ×")."""
        return [f"{chip.label} ×" for chip, _ in self._chips]

    def chip_button(self, text: str) -> QToolButton:
        """The chip whose displayed text is ``text`` (with or without the " ×")."""
        for chip, button in self._chips:
            if text in (chip.label, f"{chip.label} ×"):
                return button
        raise KeyError(f"no chip {text!r}; chips: {self.chip_texts()}")

    @property
    def count_text(self) -> str:
        return self.count_label.text()
