"""The main window: filters on the left, timeline and list in the middle, detail on the right.

It assembles the widgets around one ``Controller`` and owns the menus, toolbar, status
bar and remembered state (QSettings). It runs no SQL and holds no event data itself.

Remembered state is written shortly after each change (a debounce), not only on a clean
Quit, so a crash, a killed session or a logout keeps the layout, theme and filter.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from cspo_viewer import PRODUCT_NAME, __version__, paths
from cspo_viewer.data.db_file import DatabaseError
from cspo_viewer.model.options import GROUPINGS
from cspo_viewer.render.palette import look
from cspo_viewer.ui.annotation_actions import install_annotation_actions
from cspo_viewer.ui.briefing_views import install_briefing_views
from cspo_viewer.ui.controller import Controller
from cspo_viewer.ui.detail_pane import DetailPane
from cspo_viewer.ui.edit_actions import install_edit_actions
from cspo_viewer.ui.event_actions import install_briefing_actions
from cspo_viewer.ui.event_list import EventList
from cspo_viewer.ui.export_dialog import export_action
from cspo_viewer.ui.filter_chips import FilterChips
from cspo_viewer.ui.filter_panel import FilterPanel
from cspo_viewer.ui.filter_settings import restore_filter, save_filter
from cspo_viewer.ui.legend_bar import LegendBar
from cspo_viewer.ui.print_book import print_actions
from cspo_viewer.ui.rich_text import esc, plain_label, warn
from cspo_viewer.ui.saved_views_menu import install_saved_views
from cspo_viewer.ui.setting_values import as_int
from cspo_viewer.ui.theme import apply_app_theme
from cspo_viewer.ui.timeline_view import TimelineView

APP_TITLE = PRODUCT_NAME
GROUP_LABELS = {"kind": "Kind", "nation": "Nation", "theme": "Theme"}
SAVE_DELAY_MS = 500
"""Remembered state is written this long after the last change (a drag saves once)."""


class MainWindow(QMainWindow):
    """One window over one controller (one database)."""

    def __init__(
        self, controller: Controller, settings: QSettings | None = None, *, remember: bool = True
    ) -> None:
        super().__init__()
        self.controller = controller
        self.settings = settings
        self._remember = remember and settings is not None
        self._theme = "light"
        self._restoring = False
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_state)
        # Our palette, whatever the desktop's, before any widget exists: each widget is
        # then polished once (applied after them, it re-polished the whole window).
        apply_app_theme(self._theme)
        self.setWindowIcon(QIcon(str(paths.resources_dir() / "icons" / "cspo-viewer.svg")))
        self._build_widgets()
        self._build_actions()
        self._build_menus_and_toolbar()
        self._build_status_bar()
        self.add_file_action(export_action(self), toolbar=True)
        for action in print_actions(self):  # Print… (Ctrl+P), Print preview
            self.file_menu.insertAction(self.act_quit, action)
        self.file_menu.insertSeparator(self.act_quit)
        self.briefing = install_briefing_actions(self)  # Edit menu, event context menus
        self.edits = install_edit_actions(self, settings if self._remember else None)
        self.annotating = install_annotation_actions(self)  # eras and notes
        controller.filterChanged.connect(self._update_title)
        controller.resultsChanged.connect(self._update_status)
        controller.databaseChanged.connect(self._update_status)
        controller.groupingChanged.connect(self._grouping_changed)
        controller.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.resize(1600, 1000)
        self._show_theme(self._theme)
        self.state_changed()
        if self._remember:
            self._restore_state()
        screen = self.screen()
        if screen is not None:
            self.fit_to(screen.availableGeometry())
        self._update_title()
        self._update_status()
        self._watch_state()

    # --- layout -----------------------------------------------------------------------
    def _build_widgets(self) -> None:
        c = self.controller
        self.timeline = TimelineView(c)
        self.chips = FilterChips()
        self.chips.bind(c)
        self.event_list = EventList()
        self.event_list.bind(c)
        self.detail = DetailPane()
        self.detail.bind(c)
        self.filter_panel = FilterPanel()
        self.filter_panel.bind(c)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(2)
        top_layout.addWidget(self.chips)
        top_layout.addWidget(self.timeline, 1)
        self.legend = LegendBar()
        self.legend.bind(c)
        top_layout.addWidget(self.legend)

        self.centre_split = QSplitter(Qt.Orientation.Vertical)
        self.centre_split.addWidget(top)
        self.centre_split.addWidget(self.event_list)
        self.centre_split.setStretchFactor(0, 3)
        self.centre_split.setStretchFactor(1, 1)
        self.centre_split.setSizes([640, 260])

        self.main_split = QSplitter(Qt.Orientation.Horizontal)
        self.main_split.addWidget(self.centre_split)
        self.main_split.addWidget(self.detail)
        self.main_split.setStretchFactor(0, 3)
        self.main_split.setStretchFactor(1, 1)
        self.main_split.setSizes([1150, 420])
        self.setCentralWidget(self.main_split)

        self.filter_dock = QDockWidget("Filters", self)
        self.filter_dock.setObjectName("filters")
        self.filter_dock.setWidget(self.filter_panel)
        self.filter_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.filter_dock)

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(f"{tip} ({action.shortcut().toString()})" if shortcut else tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        tv = self.timeline
        self.act_open = self._action(
            "&Open database…",
            self.open_database_dialog,
            QKeySequence.StandardKey.Open,
            "Open another database",
        )
        self.act_quit = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.act_import = self._action(
            "&Import events…",
            lambda _checked=False: self.import_dialog(),  # not Qt's checked flag as a path
            "Ctrl+I",
            "Add events from JSON, CSV or TimelineJS (preview first)",
        )
        self.act_save_copy = self._action(
            "Save database &copy as…",
            self.save_copy_dialog,
            None,
            "Copy this database to a file of your own (to import into it)",
        )
        self.act_fit = self._action(
            "&Fit all", tv.fit_all, "Home", "Fit the matching events (as the export does)"
        )
        self.act_zoom_in = self._action(
            "Zoom &in", lambda: tv.zoom(1.25), QKeySequence.StandardKey.ZoomIn, "Zoom in"
        )
        self.act_zoom_out = self._action(
            "Zoom &out", lambda: tv.zoom(0.8), QKeySequence.StandardKey.ZoomOut, "Zoom out"
        )
        self.act_search = self._action(
            "&Search…",
            self.focus_search,
            QKeySequence.StandardKey.Find,
            "Full-text search",
        )
        self.act_next = self._action(
            "Next event",
            lambda: self.controller.select_step(1),
            "Alt+Right",
            "Select the next event by date",
        )
        self.act_prev = self._action(
            "Previous event",
            lambda: self.controller.select_step(-1),
            "Alt+Left",
            "Select the previous event by date",
        )
        self.act_clear = self._action(
            "&Clear all filters", self.controller.clear_filter, "Ctrl+Shift+X", "Show every event"
        )
        self.act_visible_dates = self._action(
            "Filter to &visible dates",
            tv.show_region_for_view,
            None,
            "Limit the filter to the dates on screen (a draggable region)",
        )
        self.act_dim = self._action(
            "&Dim filtered-out events",
            self._toggle_dim,
            None,
            "Show events outside the filter greyed instead of hiding",
        )
        self.act_dim.setCheckable(True)
        self.act_empty_lanes = self._action(
            "Show &empty lanes",
            self._toggle_empty_lanes,
            None,
            "Keep lanes that have no matching event (left out by default)",
        )
        self.act_empty_lanes.setCheckable(True)
        self.group_actions = QActionGroup(self)
        self.act_group: dict[str, QAction] = {}
        for i, grouping in enumerate(GROUPINGS):
            act = self._action(
                f"Lanes by {GROUP_LABELS[grouping].lower()}",
                lambda _=False, g=grouping: self.controller.set_grouping(g),
                f"Ctrl+{i + 1}",
                f"One lane per {grouping}",
            )
            act.setCheckable(True)
            act.setChecked(grouping == self.controller.grouping)
            self.group_actions.addAction(act)
            self.act_group[grouping] = act
        self.theme_actions = QActionGroup(self)
        self.act_theme: dict[str, QAction] = {}
        for name in ("light", "dark"):
            act = self._action(f"{name.title()} theme", lambda _=False, n=name: self.set_theme(n))
            act.setCheckable(True)
            act.setChecked(name == self._theme)
            self.theme_actions.addAction(act)
            self.act_theme[name] = act
        self.act_about = self._action(f"&About {APP_TITLE}", self.show_about)
        self.act_shortcuts = self._action(
            "&Keyboard shortcuts", self.show_shortcuts, "Ctrl+/", "Every key the window knows"
        )
        self.act_guide = self._action(
            "&User guide",
            self.show_user_guide,
            QKeySequence.StandardKey.HelpContents,
            "How to read, filter and export the timeline (offline)",
        )

    def _build_menus_and_toolbar(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.file_menu.addAction(self.act_open)
        self.file_menu.addAction(self.act_save_copy)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_import)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.act_quit)
        view = bar.addMenu("&View")
        for act in self.act_group.values():
            view.addAction(act)
        view.addSeparator()
        for act in (self.act_fit, self.act_zoom_in, self.act_zoom_out):
            view.addAction(act)
        view.addSeparator()
        for act in (self.act_prev, self.act_next):
            view.addAction(act)
        view.addSeparator()
        for act in (
            self.act_search,
            self.act_visible_dates,
            self.act_clear,
            self.act_dim,
            self.act_empty_lanes,
        ):
            view.addAction(act)
        view.addAction(self.filter_dock.toggleViewAction())
        self.act_views = install_briefing_views(self, view)  # membership, participation
        self.saved_views = install_saved_views(self, view)  # Save view as…, Saved views ▸
        view.addSeparator()
        for act in self.act_theme.values():
            view.addAction(act)
        self.help_menu = help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_guide)
        help_menu.addAction(self.act_shortcuts)
        help_menu.addSeparator()
        help_menu.addAction(self.act_about)

        tb = QToolBar("Main", self)
        tb.setObjectName("main-toolbar")
        tb.setMovable(False)
        tb.addAction(self.act_open)
        tb.addSeparator()
        tb.addAction(self.act_fit)
        tb.addAction(self.act_zoom_in)
        tb.addAction(self.act_zoom_out)
        tb.addSeparator()
        tb.addWidget(QLabel(" Group by: "))
        self.group_combo = QComboBox()
        for grouping in GROUPINGS:
            self.group_combo.addItem(GROUP_LABELS[grouping], grouping)
        self.group_combo.currentIndexChanged.connect(
            lambda i: self.controller.set_grouping(self.group_combo.itemData(i))
        )
        tb.addWidget(self.group_combo)
        tb.addSeparator()
        tb.addAction(self.act_search)
        tb.addAction(self.act_clear)
        self.toolbar = tb
        self.addToolBar(tb)

    def _build_status_bar(self) -> None:
        self.status_label = plain_label()  # the file name is the user's, not markup
        self.statusBar().addPermanentWidget(self.status_label)

    def add_file_action(self, action: QAction, *, toolbar: bool = False) -> None:
        """Features such as export add their File-menu entries here, above Quit."""
        self.file_menu.insertAction(self.act_quit, action)
        self.file_menu.insertSeparator(self.act_quit)
        if toolbar:
            self.toolbar.addAction(action)

    # --- state ------------------------------------------------------------------------
    def _grouping_changed(self, grouping: str) -> None:
        self.act_group[grouping].setChecked(True)
        blocker = self.group_combo.blockSignals(True)
        self.group_combo.setCurrentIndex(GROUPINGS.index(grouping))
        self.group_combo.blockSignals(blocker)

    def focus_search(self) -> None:
        """Ctrl+F: bring the filter dock back if it was closed, then type into search."""
        self.filter_dock.show()
        self.filter_dock.raise_()
        self.filter_panel.focus_search()

    def _toggle_dim(self) -> None:
        self.timeline.set_dim_outside(self.act_dim.isChecked())

    def _toggle_empty_lanes(self) -> None:
        self.timeline.set_show_empty_lanes(self.act_empty_lanes.isChecked())

    def set_theme(self, name: str) -> None:
        """Light or dark: window palette and timeline colours together."""
        apply_app_theme(name)
        self._show_theme(name)
        self.state_changed()

    def _show_theme(self, name: str) -> None:
        """The timeline's colours and View menu's tick for ``name``, whose application
        palette is in place."""
        self._theme = name
        if self.timeline.plot.look != look(name):  # the same look would lay it out again
            self.timeline.set_look(look(name))
        self.act_theme[name].setChecked(True)

    @property
    def theme(self) -> str:
        return self._theme

    def _update_title(self, *_: object) -> None:
        c = self.controller
        self.setWindowTitle(f"{APP_TITLE} — {c.filter.describe(c.vocabulary)}")

    def _update_status(self, *_: object) -> None:
        c = self.controller
        self.status_label.setText(
            f"{paths.display_path(c.db_path)} · {c.visible_count} of {c.total_count} events · "
            f"schema v{c.store.schema_version}"
        )

    def show_shortcuts(self) -> None:
        """Help → Keyboard shortcuts."""
        from cspo_viewer.ui.help import show_shortcuts  # the Help pages load when opened

        show_shortcuts(self, self.shortcut_rows())

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(keys, what they do): the menus' own shortcuts, read from the actions so the
        list cannot drift from them, then the keys the timeline and list handle."""
        rows: list[tuple[str, str]] = []
        for menu in (self.file_menu, *self._menus_after_file()):
            for act in menu.actions():
                keys = act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                if keys and not act.isSeparator():
                    rows.append((keys, act.text().replace("&", "").rstrip("…")))
        from cspo_viewer.ui.help import TIMELINE_KEYS

        return rows + TIMELINE_KEYS

    def _menus_after_file(self) -> list:
        return [a.menu() for a in self.menuBar().actions() if a.menu() is not self.file_menu]

    def show_user_guide(self) -> None:
        """Help → User guide: the bundled page, offline."""
        from cspo_viewer.ui.help import show_user_guide

        show_user_guide(self)

    def open_database_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            "Open database",
            str(self.controller.db_path.parent),
            "SQLite databases (*.db *.sqlite *.sqlite3);;All files (*)",
        )
        if name:
            self.open_database(Path(name))

    def open_database(self, path: Path) -> bool:
        """Switch databases; a bad file is reported and the current one stays open."""
        try:
            self.controller.open_database(path)
        except DatabaseError as exc:
            warn(self, "Cannot open database", str(exc))
            return False
        self.statusBar().showMessage(f"Opened {path}", 5000)
        return True

    def import_dialog(self, file_path: Path | None = None) -> bool:
        """File → Import…: preview, then import; the window then rereads the database."""
        from cspo_viewer.ui.import_dialog import run_import_dialog

        if not run_import_dialog(self, self.controller.db_path, file_path):
            return False
        try:
            self.edits.imported()  # one undoable step
        except DatabaseError as exc:
            warn(self, "Cannot reopen database", str(exc))
            return False
        self.statusBar().showMessage("Import finished; the timeline shows the new events.", 8000)
        return True

    def save_copy_dialog(self) -> bool:
        """File → Save a copy as my record…; True when the copy is now open."""
        name, _ = QFileDialog.getSaveFileName(
            self,
            "Save a copy as my record",
            str(Path.home() / "my-cspo.db"),
            "SQLite databases (*.db)",
        )
        return self.save_copy(Path(name)) if name else False

    def save_copy(self, target: Path) -> bool:
        """Copy the open database to ``target`` and open the copy."""
        try:
            self.controller.store.save_copy(target)
        except (DatabaseError, OSError) as exc:
            warn(self, "Cannot save a copy", str(exc))
            return False
        return self.open_database(target)

    def show_about(self) -> None:
        c = self.controller
        sources = ", ".join(
            f"{s.publisher}" for s in c.store.sources_for(c.filter)[:6] if s.publisher
        )
        text = (
            f"<b>{APP_TITLE}</b> {__version__}<br>"
            "A timeline of the Combined Space Operations Initiative, 2014–2024.<br><br>"
            f"Database: {esc(str(c.db_path))}<br>"
            f"{c.total_count} events · schema v{c.store.schema_version}<br><br>"
            "Facts, dates and quotes come from public sources cited with every event "
            f"(among them: {esc(sources)}). Summaries are written for this project; "
            "quotes are verbatim.<br><br>"
            "The record has gaps: an event missing here is not evidence that it did not happen. "
            "Known gaps, such as Principals' Boards for which no source was found, are noted "
            "under Uncertainty on the nearest events."
        )
        QMessageBox.about(self, f"About {APP_TITLE}", text)

    def fit_to(self, available: QRect) -> None:
        """Shrink the window to fit ``available`` (a screen less its panels): the default
        size, or one remembered from a larger monitor, must not open partly off screen."""
        width = min(self.width(), available.width())
        height = min(self.height(), available.height())
        if (width, height) != (self.width(), self.height()):
            self.resize(width, height)
            self.move(available.topLeft())

    def _watch_state(self) -> None:
        """Whatever the window remembers is saved shortly after it changes."""
        c = self.controller
        for signal in (
            c.filterChanged,
            c.groupingChanged,
            self.act_dim.toggled,
            self.main_split.splitterMoved,
            self.centre_split.splitterMoved,
            self.filter_dock.visibilityChanged,
            self.filter_dock.dockLocationChanged,
            self.filter_dock.topLevelChanged,
            self.event_list.view.horizontalHeader().sortIndicatorChanged,
        ):
            signal.connect(self.state_changed)

    def state_changed(self, *_: object) -> None:
        """Something remembered changed: save soon (restoring it saves nothing)."""
        if self._remember and not self._restoring:
            self._save_timer.start()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.state_changed()

    def moveEvent(self, event) -> None:
        super().moveEvent(event)
        self.state_changed()

    def _restore_state(self) -> None:
        self._restoring = True
        try:
            self._restore_saved()
        finally:
            self._restoring = False

    def _restore_saved(self) -> None:
        s = self.settings
        assert s is not None
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = s.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)
        for name, split in (("main", self.main_split), ("centre", self.centre_split)):
            sizes = s.value(f"window/split_{name}")
            if isinstance(sizes, QByteArray):
                split.restoreState(sizes)
        grouping = s.value("view/grouping", "kind")
        if grouping in GROUPINGS:
            self.controller.set_grouping(str(grouping))
        if s.value("view/dim", False) in (True, "true"):
            self.act_dim.setChecked(True)
            self._toggle_dim()
        pinned = s.value("timeline/pinned", [])
        if isinstance(pinned, str):
            pinned = [pinned]
        if isinstance(pinned, list):
            self.controller.set_pinned({str(p) for p in pinned if p})
        self.controller.pinsChanged.connect(self._save_pins)
        theme = s.value("view/theme", "light")
        self.set_theme("dark" if theme == "dark" else "light")
        column = as_int(s.value("list/sort_column", 0), 0)
        order = as_int(s.value("list/sort_order", 0), 0)
        with contextlib.suppress(ValueError):  # a hand-edited order: date order
            self.event_list.sort_by(column, Qt.SortOrder(order))
        restore_filter(s, self.controller)

    def _save_pins(self) -> None:
        """Pinned labels are remembered as soon as they change, not only on Quit."""
        if self._remember and self.settings is not None:
            self.settings.setValue("timeline/pinned", sorted(self.controller.pinned))
            self.settings.sync()

    def save_state(self) -> None:
        self._save_timer.stop()
        if not self._remember:
            return
        s = self.settings
        assert s is not None
        column, order = self.event_list.sort_key
        s.setValue("list/sort_column", column)
        s.setValue("list/sort_order", order.value)
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/split_main", self.main_split.saveState())
        s.setValue("window/split_centre", self.centre_split.saveState())
        s.setValue("view/grouping", self.controller.grouping)
        s.setValue("view/theme", self._theme)
        s.setValue("view/dim", self.act_dim.isChecked())
        save_filter(s, self.controller.filter)
        s.sync()

    def closeEvent(self, event) -> None:
        self.filter_panel.flush_search()  # text typed in the last debounce interval counts
        self.save_state()
        super().closeEvent(event)
