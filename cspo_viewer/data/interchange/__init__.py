"""Moving events in and out: JSON, CSV and TimelineJS import and export (no Qt).

``import_file`` validates and writes all or nothing; ``dump`` writes what ``import_file``
reads back. See ``importer`` for the flow and how SQLite keeps it all or nothing.
"""

from __future__ import annotations

from cspo_viewer.data.interchange.detect import detect_format
from cspo_viewer.data.interchange.dump import dump, dump_records
from cspo_viewer.data.interchange.importer import import_file
from cspo_viewer.data.interchange.model import (
    EventSummary,
    ImportCancelled,
    ImportOptions,
    ImportReport,
    InterchangeError,
    Problem,
    Progress,
)
from cspo_viewer.data.interchange_choices import FORMATS, ON_CONFLICT, Format
from cspo_viewer.data.writing import BUNDLED_REFUSAL, is_bundled_database

__all__ = [
    "BUNDLED_REFUSAL",
    "FORMATS",
    "ON_CONFLICT",
    "EventSummary",
    "Format",
    "ImportCancelled",
    "ImportOptions",
    "ImportReport",
    "InterchangeError",
    "Problem",
    "Progress",
    "detect_format",
    "dump",
    "dump_records",
    "import_file",
    "is_bundled_database",
]
