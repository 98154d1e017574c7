"""Start-up of the command line: whole processes, median wall and CPU time (not a test).

``python -c pass`` is the floor; ``tacmap --help`` and ``tacmap query gaps --as-of 2009-09-01``
(a table, and CSV, which leaves out drawing the table, over the seed at each scale) are what a person waits for. ``--before PATH`` times
another checkout of tacmap (e.g. a ``git worktree`` of an older commit) in the same run,
interleaved with this one, so the ratio is not skewed by a busy machine.

    python bench/startup.py --scales 1,10 --runs 7 [--before /tmp/tacmap-before]

Writes ``bench/results/startup.md``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.checkout import env_for

TACMAP = [sys.executable, "-c", "from tacmap.api.cli import main; main()"]
TARGETS = {"tacmap --help": 0.25, "query gaps, scale 1": 0.6, "query gaps, scale 10": 1.2}


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child) of one run; it must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, timeout=300, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode()[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def seeded(data_dir: Path, scale: int, env: dict[str, str]) -> Path:
    subprocess.run(
        [*TACMAP, "--data-dir", str(data_dir), "seed", "--scale", str(scale)],
        env=env,
        check=True,
        capture_output=True,
        timeout=1800,
    )
    return data_dir


def cases(scales: list[int], tmp: Path, env: dict[str, str]) -> dict[str, list[str]]:
    out = {"python -c pass": [sys.executable, "-c", "pass"], "tacmap --help": [*TACMAP, "--help"]}
    for scale in scales:
        data = seeded(tmp / f"seed-{scale}", scale, env)
        gaps = [*TACMAP, "--data-dir", str(data), "query", "gaps", "--as-of", "2009-09-01"]
        out[f"query gaps, scale {scale}"] = gaps
        out[f"query gaps --format csv, scale {scale}"] = [*gaps, "--format", "csv"]
    return out


def measure(scales: list[int], runs: int, checkouts: dict[str, Path]) -> list[dict]:
    """Median wall and CPU per case and checkout, the checkouts' runs interleaved."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        envs = {name: env_for(path) for name, path in checkouts.items()}
        for env in envs.values():
            env.pop("NEO4J_URI", None)
        first = next(iter(envs.values()))
        commands = cases(scales, Path(tmp), first)  # one seed per scale, read by every checkout
        for case, command in commands.items():
            samples: dict[str, list[tuple[float, float]]] = {name: [] for name in envs}
            for name, env in envs.items():
                run_once(command, env)  # warm the file cache and bytecode
            for _ in range(runs):
                for name, env in envs.items():
                    samples[name].append(run_once(command, env))
            for name in envs:
                wall = statistics.median(w for w, _ in samples[name])
                cpu = statistics.median(c for _, c in samples[name])
                rows.append({"case": case, "checkout": name, "wall": wall, "cpu": cpu})
                print(rows[-1], flush=True)
    return rows


def markdown(rows: list[dict], runs: int) -> str:
    from bench.machine import cpu_model

    floor = {r["checkout"]: r["cpu"] for r in rows if r["case"] == "python -c pass"}
    before = {r["case"]: r for r in rows if r["checkout"] == "before"}
    lines = [
        "# Command-line start-up",
        "",
        (
            f"Machine: {cpu_model()}, {os.cpu_count()} cores (shared), Python {sys.version.split()[0]}. "
            f"Median of {runs} whole-process runs per line, checkouts interleaved; CPU is user + system "
            "of the process. Target: the issue's, on the median wall time."
        ),
        "",
        "| case | checkout | wall (s) | CPU (s) | CPU / `python -c pass` | after / before (CPU) | target (s) | met |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        ratio = f"{r['cpu'] / before[r['case']]['cpu']:.2f}" if r["checkout"] == "after" and before else ""
        target = TARGETS.get(r["case"])
        met = "" if target is None else ("yes" if r["wall"] <= target else "no")
        lines.append(
            f"| {r['case']} | {r['checkout']} | {r['wall']:.2f} | {r['cpu']:.2f} | "
            f"{r['cpu'] / floor[r['checkout']]:.1f}x | {ratio} | {target or ''} | {met} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", default="1")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--before", type=Path, help="another checkout to time in the same run")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "startup.md")
    args = parser.parse_args()
    checkouts = {"after": ROOT} if args.before is None else {"before": args.before, "after": ROOT}
    rows = measure([int(s) for s in args.scales.split(",")], args.runs, checkouts)
    text = markdown(rows, args.runs)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
