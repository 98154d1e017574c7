"""Benchmark: what leaving restricted needs out costs. The same questions and maps asked of the embedded
store itself (what editors get) and of a ``NeedView`` for the public (what anonymous and viewer keys get),
on the illustrative seed. Writes ``bench/results/visibility.md``.

    python bench/visibility.py [--scales 1,10] [--repeat 5]

Warm medians: every timing is repeated and the first (cold) run is not counted. "view" rebuilds the
filtered graph on every run (as the command line does); "view, cached" keeps it between runs, as the API
does per version of the data (``DataCache``), so it is what a request pays once the data is unchanged.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tacmap.graph.ingest.bundle import import_bundle
from tacmap.graph.queries.gaps import gaps
from tacmap.graph.queries.pairings import pairings
from tacmap.graph.store import EmbeddedStore, Store
from tacmap.graph.visibility import PUBLIC, NeedView
from tacmap.seed.generate import generate
from tacmap.viz.maps import build_map

AS_OF = "2009-09-01"
RESULTS = ROOT / "bench" / "results" / "visibility.md"
CASES: dict[str, Callable[[Store], Any]] = {
    "gaps (all)": lambda s: gaps(s, as_of=AS_OF),
    "pairings (state=KEN)": lambda s: pairings(s, state="KEN"),
    "pairings (group=asia_pacific)": lambda s: pairings(s, group="asia_pacific"),
    "gaps map (group=asia_pacific)": lambda s: build_map(s, "gaps", group="asia_pacific", as_of=AS_OF),
}


def median_ms(action: Callable[[], Any], repeat: int) -> float:
    action()  # cold run: not counted
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for scale in (int(s) for s in args.scales.split(",")):
            bundle = generate(scale=scale)
            hidden = sum(1 for n in bundle.needs if n.visibility == "restricted")
            store = EmbeddedStore(Path(tmp) / f"seed-{scale}")
            import_bundle(store, bundle)
            for name, case in CASES.items():
                full = median_ms(lambda c=case, s=store: c(s), args.repeat)
                view = median_ms(lambda c=case, s=store: c(NeedView(s, PUBLIC)), args.repeat)
                kept: dict[Any, Any] = {}
                cached = NeedView(
                    store, PUBLIC, remember=lambda k, f, kept=kept: kept.get(k) or kept.setdefault(k, f())
                )
                warm = median_ms(lambda c=case, v=cached: c(v), args.repeat)
                rows.append((scale, len(bundle.needs), hidden, name, full, view, warm))
                print(rows[-1], flush=True)
            store.close()
    lines = [
        "# Restricted needs: questions and maps for editors (store) and for the public (view)",
        "",
        (
            f"{date.today().isoformat()}, {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}; warm medians of {args.repeat} runs, ms. "
            "`python bench/visibility.py`"
        ),
        "",
        "| scale | needs | restricted | question | store (ms) | view (ms) | ratio | view, cached (ms) | ratio |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {s} | {n:,} | {h:,} | {name} | {full:.1f} | {view:.1f} | {view / full:.2f} | {warm:.1f} | {warm / full:.2f} |"
        for s, n, h, name, full, view, warm in rows
    ]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
