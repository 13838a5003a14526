"""Where the bundled database and resources live, in a checkout and in an installed wheel.

A wheel carries ``db/`` and ``resources/`` under ``cspo_viewer/_bundled/`` (see
``pyproject.toml``); a source checkout or editable install has them at the repository
root. Looking in both places, wheel first, keeps one code path for users and developers.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE_DIR / "_bundled"
_REPO_ROOT = _PACKAGE_DIR.parent

BUNDLED_DB_NAME = "cspo.db"


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[-1]


def db_dir() -> Path:
    """The folder holding the shipped database and its reviewable sources (``src/``)."""
    return _first_existing(_BUNDLED / "db", _REPO_ROOT / "db")


def is_installed_package() -> bool:
    """The data comes from an installed wheel (site-packages), not a source checkout."""
    return db_dir() == _BUNDLED / "db"


def bundled_db_path() -> Path:
    """The shipped SQLite database opened when no ``--db`` is given."""
    return db_dir() / BUNDLED_DB_NAME


def data_src_dir() -> Path:
    """The reviewable text data (JSON) that ``cspo-viewer db build`` turns into SQLite."""
    return db_dir() / "src"


def resources_dir() -> Path:
    """Icons and stylesheets."""
    return _first_existing(_BUNDLED / "resources", _REPO_ROOT / "resources")


def display_path(path: Path) -> str:
    """How a database path is shown to people: the bundled one by its project name,
    others relative to the working folder when inside it."""
    path = Path(path)
    try:
        if path.resolve() == bundled_db_path().resolve():
            return f"db/{BUNDLED_DB_NAME} (bundled)"
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (OSError, ValueError):
        return str(path)
