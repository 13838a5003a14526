"""Widgets and their controller; they read the data layer through ``Controller`` only."""

# PySide6 before pyqtgraph, so pyqtgraph binds to it even where another Qt binding is
# installed (pyqtgraph #1614).
import PySide6  # noqa: F401
