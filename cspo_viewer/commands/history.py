"""``cspo-viewer history [EVENT_ID] [--json]``: what was changed, when, by whom, from where.

Newest first. The plain listing gives one line per change (with the event's title and
the fields an edit changed); ``--json`` gives each change whole, the event before and
after included, for scripts.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cspo_viewer.commands.common import add_db_argument, open_from_args, terminal_text
from cspo_viewer.data.history import describe, read_history
from cspo_viewer.errors import UserError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "history",
        help="list the changes made to the record (all, or one event's), newest first",
        description=(
            "List the recorded changes, newest first: when (UTC), who, what (add, edit, "
            "delete, import, undo, redo, migrate), which event and where from (the window "
            "or an imported file's name)."
        ),
    )
    p.add_argument("event_id", nargs="?", metavar="EVENT_ID", help="only this event's changes")
    p.add_argument("--json", action="store_true", help="print a JSON list of whole changes")
    p.add_argument("--limit", type=int, metavar="N", help="at most N changes")
    add_db_argument(p, suppress=True)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 1:
        raise UserError("--limit takes a whole number of at least 1")
    with open_from_args(args) as store:
        changes = read_history(store.conn, args.event_id, limit=args.limit, whole=args.json)
        if args.event_id and not changes and store.event_detail(args.event_id) is None:
            raise UserError(f"no event with id {args.event_id!r} and no recorded change to one")
    if args.json:
        json.dump([c.as_json() for c in changes], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    if not changes:
        print("no changes recorded")
    for change in changes:
        title = terminal_text(change.title, one_line=True)
        event = terminal_text(change.event_id, one_line=True)
        subject = f"{event}  {title}" if change.event_id else title or "(source)"
        print(f"{terminal_text(describe(change), one_line=True)}  {subject}")
    return 0
