"""Latency of the API under load, measured by a real load generator (``hey``), not a Python client.

Serves the seed at each scale with ``tacmap serve`` (one worker, the embedded store), warms each
endpoint (its answer is then cached per data version), and sends ``--requests`` requests from 16 and
64 concurrent clients with ``hey``; p50/p95/p99 from hey's latency distribution. ``--before PATH``
serves another checkout over the same data in the same run. ``hey`` is installed from Debian
(``apt-get install hey``) when missing.

    python bench/api_hey.py --scales 1,10 --requests 2000 [--before /tmp/tacmap-before]

Writes ``bench/results/api_hey.md``. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.api_load import served
from bench.checkout import env_for
from bench.machine import cpu_model
from bench.startup import TACMAP

AS_OF = "2009-09-01"
ENDPOINTS = ["/health", "/overlaps", f"/gaps?as_of={AS_OF}", "/pairings", f"/matrix?as_of={AS_OF}"]
CLIENTS = (16, 64)
TARGET = {"p95": 50.0, "p99": 100.0}  # ms, question endpoints at scale 10 with 16 clients


def hey() -> str:
    found = shutil.which("hey")
    if found is None:
        subprocess.run(["apt-get", "install", "-y", "hey"], check=True, capture_output=True)
        found = shutil.which("hey")
    assert found, "hey is not installed"
    return found


def percentiles(report: str) -> dict[str, float]:
    """p50/p95/p99 in ms and requests/s from hey's text report; every request must be a 200."""
    statuses = re.findall(r"\[(\d{3})\]\s+(\d+) responses", report)
    if not statuses or any(code != "200" for code, _ in statuses):
        raise RuntimeError(f"non-200 answers: {statuses}\n{report[-1500:]}")
    found = {f"p{p}": float(s) * 1000 for p, s in re.findall(r"\s(\d+)% in ([\d.]+) secs", report)}
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", report).group(1))  # type: ignore[union-attr]
    return {"p50": found["p50"], "p95": found["p95"], "p99": found["p99"], "rps": rps}


def bench_server(base: str, key: str, requests: int) -> list[dict]:
    rows = []
    for path in ENDPOINTS:
        command = [hey(), "-H", f"Authorization: Bearer {key}"]
        subprocess.run(
            [*command, "-n", "50", "-c", "4", base + path], check=True, capture_output=True
        )  # warm
        for clients in CLIENTS:
            done = subprocess.run(
                [*command, "-n", str(requests), "-c", str(clients), base + path],
                check=True,
                capture_output=True,
                text=True,
                timeout=600,
            )
            rows.append({"path": path, "clients": clients, **percentiles(done.stdout)})
            print(rows[-1], flush=True)
    return rows


def viewer_key(data_dir: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [*TACMAP, "--data-dir", str(data_dir), "keys", "create", "--role", "viewer", "--name", "bench"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip().splitlines()[-1].strip()


def markdown(rows: list[dict], requests: int) -> str:
    lines = [
        "# API latency under load (hey)",
        "",
        (
            f"Machine: {cpu_model()}, {os.cpu_count()} cores (shared with the load generator). `tacmap serve`, one "
            f"worker, embedded store, viewer key; {requests:,} requests per line after a warm-up (answers cached "
            "per data version). Target (question endpoints, scale 10, 16 clients): p95 <= 50 ms, p99 <= 100 ms."
        ),
        "",
        "| scale | endpoint | clients | checkout | p50 (ms) | p95 (ms) | p99 (ms) | req/s | target met |",
        "|---:|---|---:|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        judged = r["scale"] == 10 and r["clients"] == 16 and r["path"] != "/health"
        met = ("yes" if r["p95"] <= TARGET["p95"] and r["p99"] <= TARGET["p99"] else "no") if judged else ""
        lines.append(
            f"| {r['scale']} | `{r['path']}` | {r['clients']} | {r['checkout']} | {r['p50']:.1f} | "
            f"{r['p95']:.1f} | {r['p99']:.1f} | {r['rps']:.0f} | {met} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", default="1")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--before", type=Path, help="another checkout to serve over the same data")
    parser.add_argument("--data", type=Path, help="a folder holding seed-<scale> data folders to reuse")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "api_hey.md")
    args = parser.parse_args()
    checkouts = {"after": ROOT} if args.before is None else {"before": args.before, "after": ROOT}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for scale in (int(s) for s in args.scales.split(",")):
            data = (args.data or Path(tmp)) / f"seed-{scale}"
            for name, checkout in checkouts.items():
                env = env_for(checkout)
                env.pop("NEO4J_URI", None)
                if not (data / "tacmap.sqlite").exists():
                    subprocess.run(
                        [*TACMAP, "--data-dir", str(data), "seed", "--scale", str(scale)],
                        env=env,
                        check=True,
                        capture_output=True,
                    )
                key = viewer_key(data, env)
                with served(data, "embedded", env) as base:
                    rows += [
                        {"scale": scale, "checkout": name, **r}
                        for r in bench_server(base, key, args.requests)
                    ]
    text = markdown(
        sorted(
            rows,
            key=lambda r: (r["scale"], ENDPOINTS.index(r["path"]), r["clients"], r["checkout"] != "before"),
        ),
        args.requests,
    )
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
