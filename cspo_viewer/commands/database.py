"""``cspo-viewer db build|check|init|migrate``: make and validate database files."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path
from typing import Any

from cspo_viewer import paths
from cspo_viewer.commands.common import add_db_argument, db_path, open_from_args
from cspo_viewer.data import schema
from cspo_viewer.data.db_file import DatabaseError
from cspo_viewer.data.store import open_store
from cspo_viewer.errors import UserError

# The builder and the checks load when a ``db`` command runs: every other command, and
# the window (through ``cli``), registers ``db`` at start without them.


def register(subparsers: Any) -> None:
    db = subparsers.add_parser("db", help="build, check, create or migrate a database")
    sub = db.add_subparsers(dest="db_command", metavar="{build,check,init,migrate}")
    sub.required = True

    build = sub.add_parser("build", help="build the SQLite file from db/src/ text data")
    build.add_argument(
        "--src",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder of reviewable JSON (default: the bundled db/src)",
    )
    build.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="PATH",
        help="database to write (default: db/cspo.db of a source checkout; required when "
        "cspo-viewer is installed)",
    )
    build.set_defaults(func=run_build)

    check = sub.add_parser("check", help="validate a database and list its problems")
    add_db_argument(check, suppress=True)
    check.set_defaults(func=run_check)

    init = sub.add_parser("init", help="create a new database with reference rows only")
    init.add_argument("--db", type=Path, required=True, metavar="PATH")
    init.set_defaults(func=run_init)

    migrate = sub.add_parser("migrate", help="upgrade an older database to this schema")
    add_db_argument(migrate, suppress=True)
    migrate.set_defaults(func=run_migrate)


def run_build(args: argparse.Namespace) -> int:
    from cspo_viewer.data.build import build_database

    src = args.src or paths.data_src_dir()
    if args.out is None and paths.is_installed_package():
        raise UserError(
            "this cspo-viewer is installed, so db build will not rewrite the database inside "
            "the package; write your own: cspo-viewer db build --out cspo.db"
        )
    out = args.out or paths.bundled_db_path()
    if not (src / "events.json").is_file():
        raise UserError(f"{src} holds no events.json to build from")
    if not out.parent.is_dir():
        raise UserError(f"the folder {out.parent} does not exist")
    try:
        n = build_database(src, out)
    except PermissionError:
        raise UserError(f"cannot write {out}: permission denied") from None
    except (ValueError, KeyError) as exc:
        raise UserError(f"the data in {src} is inconsistent: {exc}") from None
    print(f"built {out} with {n} events")
    return 0


def run_check(args: argparse.Namespace) -> int:
    """List every problem, also of a file ``open_store`` refuses as damaged or old: the
    refusal sends people here, so this must not send them back."""
    from cspo_viewer.data.check import check_path
    from cspo_viewer.data.quote_check import check_quotes

    path = db_path(args)
    problems = check_path(path)
    quotes = quote_summary(path)
    if problems:
        for line in problems:
            print(f"{path}: {line}")
        if quotes:
            print(f"{path}: {quotes}", file=sys.stderr)
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    with open_from_args(args) as store:
        print(f"{path}: ok ({store.total_events()} events, schema v{store.schema_version})")
        print(f"{path}: {check_quotes(store.conn).summary()}")
    return 0


def quote_summary(path: Path) -> str | None:
    """The quote counts for a file with problems, as far as it can be read."""
    from cspo_viewer.data.quote_check import check_quotes

    try:
        with open_store(path) as store:
            return check_quotes(store.conn).summary()
    except (DatabaseError, sqlite3.Error):
        return None


def run_init(args: argparse.Namespace) -> int:
    from cspo_viewer.data.build import init_database

    target: Path = args.db
    if target.exists():
        raise UserError(f"{target} already exists; db init only creates new databases")
    if not target.parent.is_dir():
        raise UserError(f"the folder {target.parent} does not exist")
    try:
        init_database(paths.data_src_dir(), target)
    except PermissionError:
        raise UserError(f"cannot create {target}: permission denied") from None
    print(f"created {target} (schema v{schema.SCHEMA_VERSION}, no events yet)")
    return 0


def run_migrate(args: argparse.Namespace) -> int:
    """Upgrade in place; a writable open does it (see ``open_store``), this says what happened."""
    path = db_path(args)
    with open_from_args(args) as store:  # read-only first: a current file is never opened rw
        if store.schema_version >= schema.SCHEMA_VERSION:
            print(f"{path} is already at schema v{store.schema_version}")
            return 0
    with open_from_args(args, writable=True) as store:
        old = store.migrated_from
    if old is None:  # another program upgraded it between the two opens
        print(f"{path} is already at schema v{schema.SCHEMA_VERSION}")
    else:
        print(f"migrated {path} from schema v{old} to v{schema.SCHEMA_VERSION}")
    return 0
