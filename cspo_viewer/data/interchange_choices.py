"""The choices ``import`` and ``dump`` offer, by name: formats, conflict policies, groups.

They live apart from the ``interchange`` package so that the command line can list them
(``--help``, argparse's ``choices``) without loading the readers, the validator and the
writers, which every other command and the window would otherwise pay for at start.
"""

from __future__ import annotations

from typing import Literal

Format = Literal["json", "csv", "timelinejs", "timelinejs-csv"]
FORMATS: tuple[Format, ...] = ("json", "csv", "timelinejs", "timelinejs-csv")
OnConflict = Literal["skip", "replace", "fail"]
ON_CONFLICT: tuple[OnConflict, ...] = ("skip", "replace", "fail")
MapGroup = Literal["kind", "theme"]

SHEETS_CANNOT_CARRY = (
    "shows the nations and sources in each slide's text, but an import of it gives back "
    "only the date, end date, title, summary, kind and id: the nations, themes, sources "
    "(its events then cite the sheet), quotes, statement text, location, short title, "
    "confidence, uncertainty and evidence are lost"
)
"""What the Sheets CSV dump (``timelinejs-csv``) cannot carry, said in ``dump --help``."""
