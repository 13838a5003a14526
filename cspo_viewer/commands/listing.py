"""``cspo-viewer list``: matching events by date, as text or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cspo_viewer.commands.common import add_db_argument, open_from_args
from cspo_viewer.commands.filter_args import add_filter_arguments, filter_from_args
from cspo_viewer.data.dates import short_iso
from cspo_viewer.data.usable import clean_text


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "list",
        help="print matching events by date",
        description="Print the events that match a filter, in date order.",
    )
    add_filter_arguments(p, suppress=True)
    add_db_argument(p, suppress=True)
    p.add_argument(
        "--json",
        action="store_true",
        help="print a JSON list with nations, themes, sources and quotes",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_from_args(args) as store:
        store.read_once()
        flt = filter_from_args(args, store.vocabulary)
        if args.json:
            json.dump(list(store.records(flt)), sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
            return 0
        rows = store.event_rows(flt)
        for row in rows:
            when = short_iso(row.date, row.date_precision)
            if row.end_date:
                when += (
                    f"..{row.end_date[5:] if row.end_date[:4] == row.date[:4] else row.end_date}"
                )
            nations = ",".join(row.nations)
            # drawn on a terminal: controls shown, never obeyed (--json keeps text exactly)
            print(f"{when:<16} {row.kind:<18} {clean_text(row.title)}  [{nations}]")
        total = store.total_events()
        print(f"{len(rows)} of {total} events", file=sys.stderr)
    return 0
