"""View → Save view as… and View → Saved views ▸: named briefings in the window.

A saved view holds what the window shows (filter, lanes, the dates on screen, the labelled
events) and how the briefing is exported (title, marking, size, format). The window does
not hold the last four itself: they are those of the last export from this window (File →
Export), or of the saved view applied last. Views live in the open record
(``data.saved_views`` through the controller), so the bundled record first offers "Save a
copy as my record…", as editing does.

The export dialog offers the same views in a "Saved view" box (``add_saved_view_box``):
choosing one applies it to the window and fills the dialog's size, title, marking, file
type and dates.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
)

from cspo_viewer.data.db_file import DatabaseError
from cspo_viewer.data.saved_views import SavedView
from cspo_viewer.errors import UserError
from cspo_viewer.export import FORMATS, range_days
from cspo_viewer.model.options import GROUPINGS
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.filter_settings import dropped_sentence
from cspo_viewer.ui.rich_text import literal, warn

SAVE_TEXT = "Save &view as…"
MENU_TEXT = "Saved vie&ws"
RENAME_TEXT = "&Rename…"
DELETE_TEXT = "&Delete…"
NONE_TEXT = "No saved views"
NO_VIEW = "(none)"


def menu_text(name: str) -> str:
    """A name as a menu entry: "&" is a character, not a mnemonic."""
    return name.replace("&", "&&")


class SavedViewsMenu(QObject):
    """The window's saved views (see the module docstring)."""

    def __init__(self, window: QMainWindow, view_menu: QMenu) -> None:
        super().__init__(window)
        self.window = window
        self.controller: Controller = window.controller  # type: ignore[attr-defined]
        self.briefing = SavedView("")  # title, marking, size, format for the next save
        self.act_save = QAction(SAVE_TEXT, window)
        self.act_save.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.act_save.setStatusTip("Keep this filter, lanes, dates and labels under a name")
        self.act_save.triggered.connect(lambda *_: self.save_as())
        window.addAction(self.act_save)
        self.menu = QMenu(MENU_TEXT, window)
        self.menu.aboutToShow.connect(self.fill_menu)
        view_menu.addSeparator()
        view_menu.addAction(self.act_save)
        view_menu.addMenu(self.menu)
        self.fill_menu()

    # --- the menu -------------------------------------------------------------------------
    def names(self) -> list[str]:
        try:
            return [v.name for v in self.controller.saved_views()]
        except DatabaseError:
            return []

    def fill_menu(self) -> None:
        """The names, each applying its view, then Rename… and Delete… (rebuilt on show:
        another program, or the command line, may have saved one meanwhile)."""
        self.menu.clear()
        names = self.names()
        for name in names:
            act = self.menu.addAction(menu_text(name))
            act.triggered.connect(lambda *_, n=name: self.apply_named(n))
        if not names:
            self.menu.addAction(NONE_TEXT).setEnabled(False)
        self.menu.addSeparator()
        for text, slot in ((RENAME_TEXT, self.rename), (DELETE_TEXT, self.delete)):
            act = self.menu.addAction(text)
            act.setEnabled(bool(names))
            act.triggered.connect(lambda *_, s=slot: s())

    # --- the window's state -------------------------------------------------------------
    def current_view(self, name: str) -> SavedView:
        """What the window shows now, with the briefing's title, marking, size, format."""
        c = self.controller
        days = self.window.timeline.visible_days()  # type: ignore[attr-defined]
        return replace(
            self.briefing,
            name=name,
            filter=c.filter,
            grouping=c.grouping,
            date_range=range_days(days) if days else None,
            pins=tuple(sorted(c.pinned)),
            annotations=c.annotation_ids,
            notes=(),
        )

    def show(self, view: SavedView) -> None:
        """Show ``view``: filter, lanes, labelled events, then its dates (or fit)."""
        c = self.controller
        c.set_filter(view.filter)
        if view.grouping in GROUPINGS:
            c.set_grouping(view.grouping)
        c.set_pinned(set(view.pins))
        c.show_annotations(view.annotations)
        self.window.timeline.show_days(view.x_range)  # type: ignore[attr-defined]

    def apply(self, view: SavedView) -> None:
        """Show ``view`` and take its briefing (title, marking, size, format) as ours."""
        self.show(view)
        self.briefing = view
        c = self.controller
        said = f"Saved view “{view.name}” applied."
        if view.notes:
            said += " " + dropped_sentence(list(view.notes))
        c.message.emit(said)

    def apply_named(self, name: str) -> SavedView | None:
        view = next((v for v in self.controller.saved_views() if v.name == name), None)
        if view is None:  # deleted elsewhere since the menu was filled
            warn(self.window, "Saved views", f"There is no saved view named “{name}” any more.")
            return None
        self.apply(view)
        return view

    def remember_export(self, options: Any, path: Path | None) -> None:
        """The export dialog exported: its title, marking, size and format are what the
        next Save view as… stores."""
        fmt = path.suffix.lower().lstrip(".") if path is not None else None
        self.briefing = replace(
            self.briefing,
            title=options.title,
            marking=options.marking,
            size=(options.width, options.height),
            format=fmt if fmt and f".{fmt}" in FORMATS else self.briefing.format,
        )

    # --- writing ----------------------------------------------------------------------------
    def save_as(self) -> SavedView | None:
        """Ask a name (an existing one asks to replace), then store the window's view. On
        the bundled record, first "Save a copy as my record…"; the copy then shows it."""
        self.window.filter_panel.flush_search()  # type: ignore[attr-defined]  # typed = saved
        view = self.current_view("")
        if not self.window.edits.writable_record():  # type: ignore[attr-defined]
            return None
        if self.controller.filter != view.filter:  # the copy opened with no filter
            self.show(view)
        name, ok = QInputDialog.getText(
            self.window, "Save view as", "Name of the view:", QLineEdit.EchoMode.Normal,
            self.briefing.name,
        )  # fmt: skip
        if not ok:
            return None
        view = replace(view, name=name.strip())
        exists = view.name in self.names()
        if exists and not self._confirm(
            "Replace saved view", f"A saved view named “{view.name}” exists. Replace it?"
        ):
            return None
        try:
            self.controller.save_view(view, replace=exists)
        except (DatabaseError, UserError) as exc:
            warn(self.window, "Cannot save the view", str(exc))
            return None
        self.briefing = view
        self.controller.message.emit(f"Saved view “{view.name}”.")
        return view

    def _pick(self, title: str) -> str | None:
        names = self.names()
        if not names:
            return None
        name, ok = QInputDialog.getItem(self.window, title, "Saved view:", names, 0, False)
        return name if ok and name in names else None

    def rename(self) -> str | None:
        old = self._pick("Rename saved view")
        if old is None:
            return None
        new, ok = QInputDialog.getText(
            self.window, "Rename saved view", "New name:", QLineEdit.EchoMode.Normal, old
        )
        if not ok or new.strip() == old:
            return None
        try:
            stored = self.controller.rename_view(old, new)
        except (DatabaseError, UserError) as exc:
            warn(self.window, "Cannot rename the view", str(exc))
            return None
        if self.briefing.name == old:
            self.briefing = replace(self.briefing, name=stored)
        self.controller.message.emit(f"Saved view “{old}” renamed “{stored}”.")
        return stored

    def delete(self) -> str | None:
        name = self._pick("Delete saved view")
        if name is None or not self._confirm("Delete saved view", f"Delete the view “{name}”?"):
            return None
        try:
            self.controller.delete_view(name)
        except (DatabaseError, UserError) as exc:
            warn(self.window, "Cannot delete the view", str(exc))
            return None
        self.controller.message.emit(f"Saved view “{name}” deleted.")
        return name

    def _confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self.window,
            title,
            literal(text),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes


def install_saved_views(window: QMainWindow, view_menu: QMenu) -> SavedViewsMenu:
    return SavedViewsMenu(window, view_menu)


# --- the export dialog's box ------------------------------------------------------------------
def add_saved_view_box(dialog: Any) -> QComboBox | None:
    """A "Saved view" box at the top of the export dialog: choosing a view applies it to
    the window and fills the dialog's size, title, marking, file type and dates; an export
    made then becomes the briefing the next Save view as… stores."""
    views: SavedViewsMenu | None = getattr(dialog.host, "saved_views", None)
    if views is None:
        return None
    combo = QComboBox()
    combo.addItem(NO_VIEW, None)
    for name in views.names():
        combo.addItem(name, name)
    row = QHBoxLayout()
    label = QLabel("Sa&ved view:")
    label.setBuddy(combo)
    row.addWidget(label)
    row.addWidget(combo, 1)
    dialog.layout().insertLayout(0, row)
    combo.currentIndexChanged.connect(lambda _i: _choose(dialog, views, combo.currentData()))
    dialog.accepted.connect(lambda: views.remember_export(dialog.options(), dialog.written))
    dialog.saved_view_box = combo
    return combo


def _choose(dialog: Any, views: SavedViewsMenu, name: str | None) -> None:
    if name is None:
        return
    view = views.apply_named(name)
    if view is None:
        return
    if view.size:
        dialog.set_preset(*view.size)
    dialog.title_edit.setText(view.title or "")
    dialog.marking.setCurrentText(view.marking)
    target = dialog.target()
    if view.format and target is not None:
        dialog.set_path(target.with_suffix(f".{view.format}"))
    # The dialog's own helpers: the dates now on screen, and the subtitle's words.
    dialog.current.setEnabled(dialog._view_range() is not None)
    use_view_dates = view.date_range is not None and dialog.current.isEnabled()
    (dialog.current if use_view_dates else dialog.whole).setChecked(True)
    dialog._update_previews()
