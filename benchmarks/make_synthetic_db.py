"""Make a deterministic synthetic database in the real schema, for benchmarks.

    python benchmarks/make_synthetic_db.py --events 100000 --out syn100k.db [--seed 1]

Events spread over 2014-2024 with 1-4 nations and 1-3 themes each; some carry quotes and
statement text. The reference rows (nations, memberships, themes, kinds) are the real ones,
so every command opens the file with ``--db``. The same seed always gives the same file.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cspo_viewer import paths
from cspo_viewer.data.build import (
    insert_events,
    insert_reference,
    load_src,
    new_database,
)
from cspo_viewer.data.file_output import replacing
from cspo_viewer.data.schema import KINDS

WORDS = [
    "space",
    "orbit",
    "allied",
    "partners",
    "board",
    "statement",
    "debris",
    "resilience",
    "sharing",
    "awareness",
    "interoperability",
    "deterrence",
    "norms",
    "treaty",
    "conflict",
    "sanctions",
    "satellite",
    "launch",
    "command",
    "exercise",
    "vision",
    "principals",
    "meeting",
    "operations",
    "data",
    "coalition",
    "mission",
    "domain",
    "security",
]
SYLLABLES = [
    "ka",
    "ro",
    "mi",
    "ten",
    "sul",
    "par",
    "vo",
    "lin",
    "de",
    "ga",
    "ha",
    "bri",
    "ost",
    "el",
    "mun",
    "tra",
    "ve",
    "po",
]
SPEAKERS = ("Air Marshal A. Example", "General B. Sample", "Dr C. Placeholder", "Minister D. Test")
START, END = date(2014, 1, 1), date(2024, 12, 31)


def _word(rng: random.Random) -> str:
    """Mostly filler words; a domain word one time in 30, so a search for one of them
    matches a few per cent of events, as a real search would."""
    if rng.random() < 1 / 30:
        return rng.choice(WORDS)
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(_word(rng) for _ in range(n)).capitalize() + "."


def synthetic_events(
    n: int, seed: int, nations: list[str], themes: list[str], source_id: str
) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    kinds = [k for k, _, _ in KINDS]
    span = (END - START).days
    for i in range(n):
        day = START + timedelta(days=rng.randrange(span))
        precision = rng.choices(("day", "month", "year"), (85, 12, 3))[0]
        if precision == "month":
            day = day.replace(day=1)
        elif precision == "year":
            day = day.replace(month=1, day=1)
        end = None
        if precision == "day" and rng.random() < 0.1:
            end = (day + timedelta(days=rng.randint(1, 4))).isoformat()
        eid = f"syn-{i:06d}"
        words = rng.randint(3, 7)
        title = _sentence(rng, words)[:-1]
        event = {
            "id": eid,
            "date": day.isoformat(),
            "date_precision": precision,
            "end_date": end,
            "title": title,
            "short_title": title[:28],
            "kind": rng.choice(kinds),
            "location": rng.choice((None, "Ottawa, Canada", "Berlin, Germany", "Florence, Italy")),
            "summary": " ".join(_sentence(rng, 12) for _ in range(3)),
            "statement_text": "\n\n".join(_sentence(rng, 30) for _ in range(4))
            if rng.random() < 0.05
            else None,
            "confidence": rng.choice(("high", "medium")),
            "uncertainty": None,
            "evidence": None,
            "nations": rng.sample(nations, rng.randint(1, 4)),
            "themes": rng.sample(themes, rng.randint(1, 3)),
            "sources": [source_id],
            "quotes": [
                {
                    "id": f"{eid}-q{j + 1}",
                    "speaker": rng.choice(SPEAKERS),
                    "role": "Official",
                    "nation_code": None,
                    "text": _sentence(rng, 15),
                    "source_id": source_id,
                }
                for j in range(rng.choice((0, 0, 0, 1, 2)))
            ],
        }
        yield event


def make(n: int, out: Path, seed: int = 1) -> Path:
    data = load_src(paths.data_src_dir())
    source = {
        "id": "src-synthetic",
        "title": "Synthetic benchmark data (not real events)",
        "publisher": "cspo-viewer benchmarks",
        "date": None,
        "url": None,
        "document": None,
    }
    with replacing(out, ".db") as tmp:
        tmp.unlink()
        db = new_database(tmp)
        try:
            with db.conn:
                insert_reference(db, data["nations"], data["themes"], [*data["sources"], source])
                insert_events(
                    db.conn,
                    synthetic_events(
                        n,
                        seed,
                        [x["code"] for x in data["nations"]],
                        [t["id"] for t in data["themes"]],
                        source["id"],
                    ),
                )
            db.conn.execute("ANALYZE")
        finally:
            db.conn.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    t0 = time.perf_counter()
    make(args.events, args.out, args.seed)
    print(f"{args.out}: {args.events} events in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
