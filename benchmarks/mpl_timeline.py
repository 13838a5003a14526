"""The briefing picture the way an analyst would otherwise make it: a matplotlib script.

    python benchmarks/mpl_timeline.py --out X.png [--width 3840 --height 2160] [--db PATH]

Same data (read through the Qt-free data layer), same pixel size, same parts: title and
subtitle, one lane per kind with its colour and marker shape, a label beside every event
(matplotlib has no label placement, so dense periods overlap), membership bars, legend,
sources and footer. ``bench_export.py`` times it as a whole process against
``cspo-viewer export``. Needs matplotlib (the ``bench`` extra).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from cspo_viewer import paths
from cspo_viewer.data.dates import to_day
from cspo_viewer.data.filters import EventFilter
from cspo_viewer.data.store import open_store
from cspo_viewer.data.table import load_table


def _kind_style() -> dict[str, tuple[str, str]]:
    """The kinds' colours and shapes from render/style.py, without importing the Qt package."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "cspo_viewer" / "render" / "style.py"
    spec = importlib.util.spec_from_file_location("_kind_style", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.KIND_STYLE


KIND_STYLE = _kind_style()
MARKERS = {"star": "*", "o": "o", "s": "s", "t": "v", "d": "D", "h": "h", "p": "p", "x": "X"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--width", type=int, default=3840)
    parser.add_argument("--height", type=int, default=2160)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()

    store = open_store(args.db or paths.bundled_db_path())
    table = load_table(store)
    kinds = store.kinds()
    nations = [n for n in store.nations() if n.joined]
    dpi = 100
    scale = min(args.width / 1280, args.height / 720)
    pt = 72 / dpi * scale  # points per "window pixel" at this output size

    fig = plt.figure(figsize=(args.width / dpi, args.height / dpi), dpi=dpi)
    fig.suptitle(
        "Combined Space Operations Initiative, 2014–2024",
        x=0.02,
        ha="left",
        fontsize=30 * pt,
        fontweight="bold",
    )
    fig.text(0.02, 0.9, EventFilter().describe(store.vocabulary), fontsize=17 * pt, color="#5b6470")
    ax = fig.add_axes((0.13, 0.14, 0.85, 0.70))
    years = table.start / 365.25 + 2000  # days since 2000 -> fractional years
    ends = table.end / 365.25 + 2000
    for lane, kind in enumerate(kinds):
        colour, symbol = KIND_STYLE.get(kind.id, KIND_STYLE["other"])
        rows = np.flatnonzero(np.asarray(table.kinds)[table.kind] == kind.id)
        if lane % 2:
            ax.axhspan(lane - 0.5, lane + 0.5, color="#f4f6f9", zorder=0)
        ax.scatter(
            years[rows],
            np.full(len(rows), lane),
            s=(12 * scale) ** 2,
            c=colour,
            marker=MARKERS[symbol],
            edgecolors="white",
            label=kind.label,
            zorder=3,
        )
        for r in rows:
            if ends[r] - years[r] > 1.5 / 365:
                ax.plot([years[r], ends[r]], [lane, lane], color=colour, alpha=0.28, lw=6 * pt)
            ax.annotate(
                str(table.labels[r]),
                (years[r], lane),
                xytext=(9 * scale, 0),
                textcoords="offset pixels",
                va="center",
                fontsize=12 * pt,
            )
    base = len(kinds) + 0.4
    for i, n in enumerate(nations):
        start = to_day(n.joined) / 365.25 + 2000
        y = base + i * 0.45
        ax.broken_barh([(start, 2025.5 - start)], (y, 0.35), color="#4c78a8")
        ax.text(
            start + 0.05,
            y + 0.18,
            f"{n.code} · joined {n.joined}",
            color="white",
            fontsize=10 * pt,
            fontweight="bold",
            va="center",
        )
    ax.set_yticks(range(len(kinds)), [k.label for k in kinds], fontsize=12 * pt)
    ax.set_ylim(base + len(nations) * 0.45, -0.6)
    lo = min(years.min(), *(to_day(n.joined) / 365.25 + 2000 for n in nations)) - 0.3
    ax.set_xlim(lo, ends.max() + 0.3)
    ax.tick_params(axis="x", labelsize=12 * pt)
    ax.grid(axis="x", alpha=0.2)
    fig.legend(
        loc="upper left",
        bbox_to_anchor=(0.02, 0.885),
        ncol=len(kinds),
        frameon=False,
        fontsize=14 * pt,
    )
    sources = {s.publisher for s in store.sources_for(EventFilter()) if s.publisher}
    fig.text(
        0.02,
        0.05,
        "Sources: " + "; ".join(sorted(sources)[:12]) + f"; +{max(len(sources) - 12, 0)} more",
        fontsize=12.5 * pt,
        color="#5b6470",
    )
    fig.text(
        0.02,
        0.03,
        f"Generated {date.today()} · matplotlib · {len(table)} events shown",
        fontsize=12.5 * pt,
        color="#5b6470",
    )
    fig.savefig(args.out, dpi=dpi)
    print(f"wrote {args.out} ({args.width}x{args.height}, {len(table)} events)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
