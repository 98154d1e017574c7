"""Benchmark of questions 1-4 (overlaps, gaps, matrix, orphans, fragmentation, darlings).

Runs each question on the embedded store at seed scale ×1, ×10 and ×100 and on a Neo4j-protocol
store (ArcadeDB's Bolt server, started here as the tests do) at ×1 and ×10, next to the naive
brute-force baseline (``tests/worlds.py``'s references: all pairs of projects, a scan of every
project per need) measured in the same run, and writes a markdown table to
``bench/results/questions_a.md``.

    /work/venv/bin/python bench/questions_a.py                  # everything
    /work/venv/bin/python bench/questions_a.py --embedded 1,10 --neo4j ''   # quicker

Times:
- ``cold``: the first call after the question indexes are dropped (embedded: builds the
  ``_portfolio`` index and the question's own memo, then answers; the networkx projection of the
  store is already loaded — its time is the ``projection`` line of each scale); Neo4j: first call.
- ``warm``: the median of ``--runs`` further calls.
- ``naive``: the brute-force reference on the same records, in memory. When a full run would take
  longer than ``--naive-budget`` seconds, it is run on a sample (projects for overlaps, quadratic;
  needs for gaps and the matrix, linear) and extrapolated: shown with ``~``.

Seed worlds and the embedded stores built from them are cached (``--cache``), keyed by the text of
``seed/generate.py``: generating ×100 takes minutes.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import pickle
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tacmap.graph.queries.fragmentation import darlings, fragmentation
from tacmap.graph.queries.gaps import gaps
from tacmap.graph.queries.matrix import matrix
from tacmap.graph.queries.orphans import orphans
from tacmap.graph.queries.overlaps import overlaps
from tacmap.graph.schema import mapping
from tacmap.graph.schema.models import Bundle
from tacmap.graph.store import EmbeddedStore, Neo4jSettings, Neo4jStore, Store

from bench.machine import cpu_model, memory_gib
from tests import worlds

AS_OF = worlds.SEED_AS_OF  # the seed world's "today": 2009-09-01
TARGETS_MS = {10: 50.0, 100: 500.0}  # embedded store, warm


@dataclass(frozen=True)
class Question:
    name: str
    run: Callable[[Store], Any]
    naive: Callable[[Bundle], Any]
    sample: str  # how the naive run is sampled: "projects^2", "needs" or "none"


def _ken(data: Bundle) -> Bundle:
    return data.model_copy(update={"needs": [n for n in data.needs if n.state == "KEN"]})


def _top_darlings(data: Bundle) -> list:
    rows = worlds.ref_fragmentation(data, AS_OF)
    return sorted(rows.items(), key=lambda kv: (-kv[1]["providers"], -kv[1]["budget_usd"], kv[0]))[:10]


QUESTIONS: tuple[Question, ...] = (
    Question("overlaps", lambda s: overlaps(s), lambda d: worlds.ref_overlaps(d), "projects^2"),
    Question(
        "overlaps state=KEN",
        lambda s: overlaps(s, state="KEN"),
        lambda d: worlds.ref_overlaps(d, state="KEN"),
        "projects^2",
    ),
    Question("gaps", lambda s: gaps(s, as_of=AS_OF), lambda d: worlds.ref_gaps(d, AS_OF), "needs"),
    Question(
        "gaps state=KEN",
        lambda s: gaps(s, as_of=AS_OF, state="KEN"),
        lambda d: worlds.ref_gaps(_ken(d), AS_OF),
        "needs",
    ),
    Question(
        "matrix article×level",
        lambda s: matrix(s, "article", "level", as_of=AS_OF),
        lambda d: worlds.ref_matrix(d, "article", "level", AS_OF),
        "needs",
    ),
    Question("orphans", lambda s: orphans(s, as_of=AS_OF), lambda d: worlds.ref_orphans(d, AS_OF), "none"),
    Question(
        "fragmentation by chapter",
        lambda s: fragmentation(s, as_of=AS_OF, by_chapter=True),
        lambda d: worlds.ref_fragmentation(d, AS_OF, True),
        "none",
    ),
    Question("darlings k=10", lambda s: darlings(s, k=10, as_of=AS_OF), _top_darlings, "none"),
)


# -- data ------------------------------------------------------------------------------------------


def _seed_key() -> str:
    return hashlib.sha256((ROOT / "seed" / "generate.py").read_bytes()).hexdigest()[:12]


def seed_world(scale: int, cache: Path) -> Bundle:
    path = cache / f"seed-{_seed_key()}-x{scale}.pickle"
    if path.exists():
        with path.open("rb") as f:
            return pickle.load(f)
    from tacmap.seed.generate import generate

    started = time.perf_counter()
    data = generate(scale)
    print(f"  generated seed ×{scale} in {time.perf_counter() - started:.0f} s", flush=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as f:
        pickle.dump(data, f)
    tmp.replace(path)
    return data


def embedded_store(scale: int, data: Bundle, cache: Path) -> EmbeddedStore:
    folder = cache / f"embedded-{_seed_key()}-x{scale}"
    done = folder / "loaded"
    if not done.exists():
        store = EmbeddedStore(folder)
        store.clear()
        started = time.perf_counter()
        store.write(mapping.to_changes(data))
        print(f"  loaded embedded ×{scale} in {time.perf_counter() - started:.0f} s", flush=True)
        store.close()
        done.write_text("ok\n")
    return EmbeddedStore(folder)


# -- timing ----------------------------------------------------------------------------------------


def _ms(seconds: float) -> float:
    return seconds * 1000.0


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def medians(call: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Median wall-clock and median CPU (process) seconds of ``runs`` calls. CPU time is what the
    question itself costs; wall time also counts waiting for the cores other programs use."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _size(result: Any) -> int:
    return len(result)


def naive_time(q: Question, data: Bundle, budget: float) -> tuple[float, bool]:
    """Seconds for the naive reference on ``data``; (estimate, True) when sampled."""
    if q.sample == "none":
        return timed(lambda: q.naive(data))[0], False
    if q.sample == "projects^2":
        items, field, power = data.projects, "projects", 2
    else:
        items, field, power = data.needs, "needs", 1
    n = len(items)
    if n == 0:
        return timed(lambda: q.naive(data))[0], False
    k = min(n, 300)  # a sample first: big enough to time, small enough to be quick
    sample = data.model_copy(update={field: items[:k]})
    seconds = timed(lambda: q.naive(sample))[0]
    estimate = seconds * (n / k) ** power
    if estimate <= budget:
        return timed(lambda: q.naive(data))[0], False
    return estimate, True


@dataclass
class Row:
    question: str
    store: str
    scale: int
    rows: int
    cold_ms: float
    warm_ms: float
    warm_cpu_ms: float
    naive_ms: float | None
    naive_estimated: bool


def bench_store(
    store: Store, data: Bundle, scale: int, runs: int, naive: dict, drop_indexes: Callable[[], None]
) -> list[Row]:
    out = []
    for q in QUESTIONS:
        drop_indexes()
        gc.collect()
        cold, result = timed(lambda q=q: q.run(store))
        warm, warm_cpu = medians(lambda q=q: q.run(store), runs)
        seconds, estimated = naive.get(q.name, (None, False))
        out.append(
            Row(
                q.name,
                store.name,
                scale,
                _size(result),
                _ms(cold),
                _ms(warm),
                _ms(warm_cpu),
                None if seconds is None else _ms(seconds),
                estimated,
            )
        )
        print(
            f"  {store.name:8s} ×{scale:<3d} {q.name:26s} rows {_size(result):6d}  cold {_ms(cold):9.1f} ms  "
            f"warm {_ms(warm):9.1f} ms (cpu {_ms(warm_cpu):9.1f} ms)",
            flush=True,
        )
    return out


def naive_times(data: Bundle, budget: float) -> dict[str, tuple[float, bool]]:
    out = {}
    for q in QUESTIONS:
        gc.collect()
        out[q.name] = naive_time(q, data, budget)
        sec, est = out[q.name]
        print(f"  naive          {q.name:26s} {'~' if est else ' '}{_ms(sec):10.1f} ms", flush=True)
    return out


# -- report ----------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    gib = memory_gib()
    return {
        "cpu": cpu_model(),
        "cores": str(os.cpu_count()),
        "memory": f"{gib:.0f} GiB" if gib is not None else "?",
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def _fmt(ms: float | None, estimated: bool = False) -> str:
    if ms is None:
        return "—"
    text = f"{ms:,.1f}" if ms < 10_000 else f"{ms:,.0f}"
    return ("~" if estimated else "") + text


def _ratio(value: float) -> str:
    return f"{value:,.0f}×" if value >= 10 else f"{value:.1f}×"


def report(
    rows: list[Row],
    sizes: dict[int, dict[str, int]],
    loads: dict[str, float],
    info: dict[str, str],
    started: str,
    load_avg: tuple[str, str],
    runs: int,
) -> str:
    lines = [
        "# Questions 1-4: benchmark",
        "",
        f"Generated by `bench/questions_a.py` on {started} (UTC). as_of = {AS_OF.isoformat()} (the seed's today).",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']} RAM; Python {info['python']}; {info['os']}.",
        f"Load average (1, 5, 15 min) at start: {load_avg[0]}; at end: {load_avg[1]} — other work shared the machine.",
        "",
        "Seed sizes: "
        + "; ".join(
            f"×{s}: {n['projects']:,} projects, {n['needs']:,} needs, {n['experts']:,} experts"
            for s, n in sorted(sizes.items())
        ),
        "",
        "Store set-up (not part of any question): "
        + "; ".join(f"{k} {v:,.1f} s" for k, v in loads.items())
        + ".",
        "",
        (
            f"`cold` = first call after the question indexes were dropped (embedded: builds `_portfolio` + the "
            f"question's memo from the loaded projection); `warm` = median wall-clock time of {runs} calls "
            f"(Neo4j: the `--neo4j-runs` value); `warm cpu` = median CPU time of this process for the same calls "
            "(for the Neo4j store most work is in the server, so it is small); `naive` = brute-force reference "
            "(tests/worlds.py) on the same records in memory, wall-clock, `~` = extrapolated from a sample "
            "(quadratic in projects for overlaps, linear in needs for gaps and the matrix). Times in ms. "
            "Target (embedded, warm): ≤ 50 ms at ×10, ≤ 500 ms at ×100: ✓ = met in wall-clock time, "
            "✓cpu = met in CPU time only (the wall-clock time waited for cores busy with other work), ✗ = missed."
        ),
        "",
        "| question | store | scale | rows | cold | warm | warm cpu | naive | naive / warm | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for r in rows:
        target = TARGETS_MS.get(r.scale) if r.store == "embedded" else None
        verdict = (
            ""
            if target is None
            else ("✓" if r.warm_ms <= target else "✓cpu" if r.warm_cpu_ms <= target else "✗")
        )
        ratio = "—" if r.naive_ms is None or r.warm_ms <= 0 else _ratio(r.naive_ms / r.warm_ms)
        lines.append(
            f"| {r.question} | {r.store} | ×{r.scale} | {r.rows:,} | {_fmt(r.cold_ms)} | {_fmt(r.warm_ms)} | "
            f"{_fmt(r.warm_cpu_ms)} | {_fmt(r.naive_ms, r.naive_estimated)} | {ratio} | {verdict} |"
        )
    return "\n".join(lines) + "\n"


def _loadavg() -> str:
    try:
        return ", ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--embedded", default="1,10,100", help="scales for the embedded store")
    parser.add_argument("--neo4j", default="1,10", help="scales for the Neo4j store ('' = none)")
    parser.add_argument("--runs", type=int, default=7, help="warm runs per question (median)")
    parser.add_argument("--neo4j-runs", type=int, default=3)
    parser.add_argument(
        "--naive-budget", type=float, default=30.0, help="seconds before sampling the naive run"
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "tacmap-bench",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "questions_a.md")
    args = parser.parse_args(argv)
    emb_scales = [int(x) for x in args.embedded.split(",") if x.strip()]
    neo_scales = [int(x) for x in args.neo4j.split(",") if x.strip()]
    args.cache.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    load_start = _loadavg()

    rows: list[Row] = []
    sizes: dict[int, dict[str, int]] = {}
    loads: dict[str, float] = {}
    naive: dict[int, dict[str, tuple[float, bool]]] = {}
    for scale in sorted(set(emb_scales) | set(neo_scales)):
        data = seed_world(scale, args.cache)
        sizes[scale] = {k: len(v) for k, v in data.tables().items()}
        print(f"×{scale}: {sizes[scale]}", flush=True)
        naive[scale] = naive_times(data, args.naive_budget)
        if scale in emb_scales:
            store = embedded_store(scale, data, args.cache)
            seconds, _ = timed(store.projection)
            loads[f"embedded ×{scale} projection"] = seconds
            rows += bench_store(
                store, data, scale, args.runs, naive[scale], lambda store=store: store._memo.clear()
            )  # bench only: drop the indexes
            store.close()
        del data
        gc.collect()

    if neo_scales:
        from tests.bolt_server import arcadedb_server

        with tempfile.TemporaryDirectory(prefix="tacmap-bench-") as tmp, arcadedb_server(Path(tmp)) as server:
            store = Neo4jStore(
                Neo4jSettings(
                    uri=server.uri, user=server.user, password=server.password, database=server.database
                )
            )
            try:
                for scale in neo_scales:
                    data = seed_world(scale, args.cache)
                    seconds, _ = timed(
                        lambda data=data: (store.clear(), store.write(mapping.to_changes(data)))
                    )
                    loads[f"ArcadeDB ×{scale} import"] = seconds
                    print(f"  loaded ArcadeDB ×{scale} in {seconds:.0f} s", flush=True)
                    rows += bench_store(store, data, scale, args.neo4j_runs, naive[scale], lambda: None)
            finally:
                store.close()

    order = {q.name: i for i, q in enumerate(QUESTIONS)}
    rows.sort(key=lambda r: (order[r.question], r.scale, r.store != "embedded"))
    text = report(rows, sizes, loads, machine(), started, (load_start, _loadavg()), args.runs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
