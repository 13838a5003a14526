"""Qt painting of a timeline layout: the one renderer shared by the window and export."""

# PySide6 before pyqtgraph, so pyqtgraph binds to it even where another Qt binding is
# installed (pyqtgraph #1614).
import PySide6  # noqa: F401
