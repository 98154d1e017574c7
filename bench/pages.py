"""Server time of every page type (what a browser gets), at seed scale ×1 and ×10.

Each page is asked with ``Accept: text/html`` through the app in this process (no network, no
browser: the time is the server's), once to warm the per-data-version cache, then ``--runs`` times;
the table gives the median and p95 of wall time with the CPU time of the median beside it. The
baseline measured in the same run is ``GET /health`` (the app's fixed cost per request). Target:
p95 under 150 ms per page at ×10. Writes ``bench/results/pages.md``.

    python bench/pages.py --scales 1,10 --runs 30
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient
from tacmap.api.app import create_app
from tacmap.graph.queries.spec import QUESTIONS
from tacmap.graph.schema.mapping import to_changes
from tacmap.graph.settings import Settings
from tacmap.graph.store import EmbeddedStore

from bench.machine import cpu_model, memory_gib
from bench.questions_b import seed_bundle

TARGET_P95 = 0.150  # seconds per page at ×10


def pages(client: TestClient, auth: dict[str, str]) -> list[tuple[str, str]]:
    """(page type, path) for every page type, with real ids from the store."""
    first = {
        kind: client.get(f"/{kind}?limit=1", headers=auth).json()["items"][0]
        for kind in ("projects", "needs", "networks", "experts", "providers")
    }
    found = [
        ("home", "/"),
        ("sign-in", "/sign-in"),
        ("uploads (editor)", "/imports"),
        ("State brief", "/states/KEN"),
        ("donor brief", f"/providers/{first['providers']['id']}"),
        ("matrix picture", "/matrix"),
        *((f"question: {q.name}", q.path) for q in QUESTIONS if q.name not in ("matrix", "experts")),
        ("question: experts", f"/experts/shortlist?need={first['needs']['id']}"),
        ("question: overlaps, one State", "/overlaps?state=KEN"),
        *((f"list: {kind}", f"/{kind}") for kind in ("states", "providers", "networks", "needs", "projects")),
        ("list: experts", "/experts"),
        *((f"record: {kind}", f"/{kind}/{first[kind]['id']}") for kind in ("projects", "needs", "networks")),
        ("record: expert", f"/experts/{first['experts']['id']}"),
    ]
    return found


def timed(client: TestClient, path: str, headers: dict[str, str], runs: int) -> dict[str, float]:
    """Median and p95 wall seconds, and the median CPU seconds, of ``runs`` requests after one warm-up."""
    answer = client.get(path, headers=headers)
    assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        client.get(path, headers=headers)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    walls.sort()
    return {
        "median": statistics.median(walls),
        "p95": walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))],
        "cpu": statistics.median(cpus),
        "bytes": len(answer.content),
    }


def bench_scale(scale: int, runs: int, cache_dir: Path) -> list[dict[str, object]]:
    bundle, _ = seed_bundle(scale, cache_dir)
    with tempfile.TemporaryDirectory() as tmp:
        store = EmbeddedStore(Path(tmp) / "store")
        store.write(to_changes(bundle))
        app = create_app(Settings(data_dir=Path(tmp), store="embedded"), store=store)
        with TestClient(app) as client:
            _, editor = app.state.services.keys.create("editor", "bench")
            auth = {"Authorization": f"Bearer {editor}"}
            html = {**auth, "Accept": "text/html"}
            rows: list[dict[str, object]] = [
                {"page": "baseline: /health", **timed(client, "/health", auth, runs)}
            ]
            for name, path in pages(client, auth):
                rows.append({"page": name, "path": path, **timed(client, path, html, runs)})
                print(f"  ×{scale} {name}: p95 {rows[-1]['p95'] * 1000:.0f} ms", flush=True)
        store.close()
    return rows


def markdown(results: dict[int, list[dict[str, object]]], runs: int) -> str:
    memory = memory_gib()
    lines = [
        "# Pages: server time per page type",
        "",
        (
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {cpu_model()} · {memory:.0f} GiB · "
            f"{runs} requests per page after one warm-up, in process (no network) · target p95 ≤ "
            f"{TARGET_P95 * 1000:.0f} ms at ×10"
        ),
        "",
        "| scale | page | median ms | p95 ms | CPU ms (median) | × /health | KiB | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for scale, rows in results.items():
        base = float(rows[0]["median"])  # type: ignore[arg-type]
        for row in rows:
            p95 = float(row["p95"])  # type: ignore[arg-type]
            met = "" if scale != 10 or row is rows[0] else ("met" if p95 <= TARGET_P95 else "missed")
            lines.append(
                f"| ×{scale} | {row['page']} | {float(row['median']) * 1000:.1f} | {p95 * 1000:.1f} | "  # type: ignore[arg-type]
                f"{float(row['cpu']) * 1000:.1f} | {float(row['median']) / base:.1f} | "  # type: ignore[arg-type]
                f"{int(row['bytes']) / 1024:.0f} | {met} |"  # type: ignore[call-overload]
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "tacmap-bench")
    args = parser.parse_args()
    results = {int(s): bench_scale(int(s), args.runs, args.cache_dir) for s in args.scales.split(",")}
    text = markdown(results, args.runs)
    out = ROOT / "bench" / "results" / "pages.md"
    out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
