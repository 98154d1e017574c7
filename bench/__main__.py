"""``python -m bench``: the start-up and API-latency benchmarks in one run, their tables in one file.

    python -m bench [--before PATH] [--scales 1,10] [--runs 5] [--requests 1000]

Each table gives the machine, medians (CPU beside wall for start-up), the same-run baseline
(``python -c pass``; an older checkout with ``--before``) and the targets met or missed. Writes
``bench/results/summary.md`` (and each benchmark's own file). The other scripts in ``bench/``
(questions, maps, imports, IATI reading) are run one by one.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--before", type=Path, help="an older checkout timed in the same run")
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--runs", default="5")
    parser.add_argument("--requests", default="1000")
    args = parser.parse_args()
    before = ["--before", str(args.before)] if args.before else []
    runs = {
        "startup.md": ["bench/startup.py", "--scales", args.scales, "--runs", args.runs],
        "api_hey.md": ["bench/api_hey.py", "--scales", args.scales, "--requests", args.requests],
    }
    for script in runs.values():
        subprocess.run([sys.executable, *script, *before], cwd=ROOT, check=True)
    text = "\n".join((RESULTS / name).read_text(encoding="utf-8") for name in runs)
    (RESULTS / "summary.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
