"""cspo-viewer: a desktop timeline of the Combined Space Operations (CSpO) Initiative."""

from cspo_viewer.sqlite_setup import disable_memory_statistics

__version__ = "0.1.0"
PRODUCT_NAME = "CSpO Viewer"
"""The one name of the product: window title, About, desktop entry and README."""
DESKTOP_ID = "cspo-viewer"
"""The desktop entry's file name without ``.desktop``, also the icon's name and what the
window gives Qt as its desktop file name."""

# Before anything loads sqlite3: the setting is only taken then (see sqlite_setup).
disable_memory_statistics()
