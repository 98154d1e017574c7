"""Load benchmark of the question endpoints (not a test): p50/p95 latency and requests/s.

Starts ``tacmap serve`` as a real process (one worker) on a free loopback port over the
illustrative seed at scale 1, on the embedded store and on Neo4j (ArcadeDB's Bolt server from
``tests/bolt_server.py``, or the server named by NEO4J_URI), then sends a fixed number of requests
per endpoint from 16 concurrent asyncio/httpx clients. The first request of each endpoint is
timed apart ("cold": the answer is computed; later ones are served from the per-version cache).

    python bench/api_load.py                      # both stores, writes bench/results/api_load.md
    python bench/api_load.py --store embedded --requests 200

Traffic goes to 127.0.0.1 only; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.processes import free_port, stop, wait_until_up

AS_OF = "2009-09-01"  # "today" of the illustrative world
ENDPOINTS = [
    ("/health", {}),  # reference: no key, no store; the floor of server + client on this host
    ("/overlaps", {}),
    ("/gaps", {"as_of": AS_OF}),
    ("/matrix", {"as_of": AS_OF}),
    ("/orphans", {"as_of": AS_OF}),
    ("/fragmentation", {"as_of": AS_OF}),
    ("/pairings", {}),
    ("/experts/shortlist", {"need": None}),  # filled with a need that has candidates
    ("/networks/metrics", {}),
]
TIME_CAP_S = 300.0  # per endpoint, whatever the request count


def tacmap() -> list[str]:
    return [
        sys.executable,
        "-c",
        "import tacmap.api.cli.serve, tacmap.api.cli.keys; from tacmap.api.cli import main; main()",
    ]


@contextmanager
def served(data_dir: Path, store: str, env: dict[str, str], workers: int = 1) -> Iterator[str]:
    port = free_port()
    log = (data_dir / "server.log").open("w")
    proc = subprocess.Popen(
        [
            *tacmap(),
            "--data-dir",
            str(data_dir),
            "--store",
            store,
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        if not wait_until_up(proc, f"{base}/ready", 120):
            raise RuntimeError(f"server did not start: {(data_dir / 'server.log').read_text()[-2000:]}")
        yield base
    finally:
        stop(proc, seconds=30)
        log.close()


async def hammer(
    base: str, headers: dict[str, str], path: str, params: dict, requests: int, clients: int, warm: int = 1
) -> dict:
    latencies: list[float] = []
    errors = 0
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=600) as http:
        started = time.perf_counter()
        cold = await http.get(path, params=params)
        cold_s = time.perf_counter() - started
        if cold.status_code != 200:
            raise RuntimeError(f"{path}: {cold.status_code} {cold.text[:300]}")
        # with several workers each has its own cache: warm them all (concurrent requests spread
        # over the workers) before timing
        await asyncio.gather(*(http.get(path, params=params) for _ in range(4 * (warm - 1))))
        remaining = requests
        deadline = time.monotonic() + TIME_CAP_S

        async def client() -> None:
            nonlocal remaining, errors
            while remaining > 0 and time.monotonic() < deadline:
                remaining -= 1
                t = time.perf_counter()
                response = await http.get(path, params=params)
                latencies.append(time.perf_counter() - t)
                errors += response.status_code != 200

        began = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "path": path,
        "cold_ms": cold_s * 1000,
        "n": len(latencies),
        "errors": errors,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000,
        "rps": len(latencies) / elapsed,
    }


def prepare(data_dir: Path, store: str, env: dict[str, str]) -> tuple[str, str]:
    """Load the seed (scale 1) with the command line; a viewer key; a need with a shortlist."""
    subprocess.run(
        [*tacmap(), "--data-dir", str(data_dir), "--store", store, "seed"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    from tacmap.api.auth import AuthDB, KeyStore
    from tacmap.graph.queries.experts import shortlist
    from tacmap.seed.generate import generate

    _, key = KeyStore(AuthDB(data_dir)).create("viewer", "bench")
    from tacmap.graph.store import EmbeddedStore

    probe = EmbeddedStore(data_dir / "probe")
    from tacmap.graph.ingest.bundle import import_bundle

    bundle = generate(scale=1)
    import_bundle(probe, bundle)
    need = next(n.id for n in bundle.needs if shortlist(probe, n.id))
    probe.close()
    return key, need


def bench_store(store: str, requests: int, clients: int, workers: int, stack: ExitStack) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TACMAP_")}
    if store == "neo4j" and not env.get("NEO4J_URI"):
        from tests.bolt_server import arcadedb_server

        server = stack.enter_context(
            arcadedb_server(Path(stack.enter_context(tempfile.TemporaryDirectory())))
        )
        env |= {
            "NEO4J_URI": server.uri,
            "NEO4J_USER": server.user,
            "NEO4J_PASSWORD": server.password,
            "NEO4J_DATABASE": server.database,
        }
    data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
    key, need = prepare(data_dir, store, env)
    results = []
    with served(data_dir, store, env, workers) as base:
        for path, params in ENDPOINTS:
            params = {k: (need if k == "need" else v) for k, v in params.items()}
            row = asyncio.run(
                hammer(base, {"Authorization": f"Bearer {key}"}, path, params, requests, clients, workers)
            )
            row["store"] = store
            row["workers"] = workers
            print(
                f"{store:9} w{workers} {path:20} cold {row['cold_ms']:8.1f} ms  p50 {row['p50_ms']:7.1f} ms  "
                f"p95 {row['p95_ms']:7.1f} ms  {row['rps']:7.1f} req/s  ({row['n']} requests, {row['errors']} errors)",
                flush=True,
            )
            results.append(row)
    return results


def markdown(rows: list[dict], requests: int, clients: int) -> str:
    lines = [
        "# API load benchmark: question endpoints",
        "",
        (
            f"Run {date.today().isoformat()} by `python bench/api_load.py` on {platform.machine()} "
            f"({os.cpu_count()} cores), Python {platform.python_version()}: `tacmap serve` over the "
            f"illustrative seed at scale 1, {clients} concurrent asyncio/httpx clients on loopback, {requests} "
            "requests per endpoint after one cold request (JSON, default page of 50). Neo4j = ArcadeDB's Bolt "
            "server from the test helper (`store_cache_seconds` = 5: answers are recomputed when older). "
            f"Load average of the host when written: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
            "(other work shares these cores)."
        ),
        "",
        "| store | workers | endpoint | cold (ms) | p50 (ms) | p95 (ms) | req/s | errors |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['store']} | {r['workers']} | `{r['path']}` | {r['cold_ms']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | "
            f"{r['rps']:.0f} | {r['errors']} |"
        )
    for workers in sorted({r["workers"] for r in rows}):
        embedded = [
            r for r in rows if r["store"] == "embedded" and r["workers"] == workers and r["path"] != "/health"
        ]
        if embedded:
            worst = max(r["p95_ms"] for r in embedded)
            verdict = "met" if worst < 100 else "NOT met"
            lines.append(
                f"\nTarget embedded p95 < 100 ms with {workers} worker(s): {verdict} (worst endpoint p95 {worst:.1f} ms)."
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", choices=["embedded", "neo4j", "both"], default="both")
    parser.add_argument(
        "--requests", type=int, default=400, help="Requests per endpoint (after the cold one)."
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, nargs="+", default=[1], help="Server worker counts to run.")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "api_load.md")
    args = parser.parse_args()
    stores = ["embedded", "neo4j"] if args.store == "both" else [args.store]
    rows: list[dict] = []
    with ExitStack() as stack:
        for store in stores:
            for workers in args.workers:
                rows += bench_store(store, args.requests, args.clients, workers, stack)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown(rows, args.requests, args.clients), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
