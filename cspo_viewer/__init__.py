"""cspo-viewer: a desktop timeline of the Combined Space Operations (CSpO) Initiative."""

from cspo_viewer.sqlite_setup import disable_memory_statistics

__version__ = "0.1.0"

# Before anything loads sqlite3: the setting is only taken then (see sqlite_setup).
disable_memory_statistics()
