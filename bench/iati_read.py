"""How fast tacmap reads IATI files, against a bare lxml ``iterparse`` pass over the same bytes.

Builds three inputs from the real publisher files in ``tests/data/iati/real`` (activities
repeated with new identifiers until the size is reached): one file of ~1 MB, one of ~30 MB and
a folder of ~160 MB (files of ~20 MB). For each, in a fresh process (so peak memory is that
input's alone), it measures

- **baseline**: ``lxml.etree.iterparse(tag="iati-activity")`` with the same safety flags,
  clearing each activity — the least any streaming reader can do;
- **tacmap**: :func:`tacmap.graph.ingest.iati.parse.read_document` per file with the default selection
  (15113, SDG 16.5, keywords): the safety checks, the selection of every activity and the full
  read of the selected ones — everything an import does before mapping.

Wall and CPU seconds are medians of ``--repeat`` runs, interleaved (baseline, tacmap, baseline,
...), and the table gives the ratio of tacmap to the baseline of the same run. Peak RSS is the
process's high-water mark (``ru_maxrss``); the growth column is that mark minus the mark after
the imports (what reading costs, which the memory target is about: below 2× the largest file). Usage: ``python -m bench.iati_read [--repeat 3]``;
writes ``bench/results/iati_read.md``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from bench.machine import cpu_model, memory_gib

REAL = Path(__file__).resolve().parent.parent / "tests" / "data" / "iati" / "real"
RESULTS = Path(__file__).resolve().parent / "results" / "iati_read.md"
MB = 1024 * 1024

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, path = sys.argv[1], Path(sys.argv[2])
files = sorted(path.rglob("*.xml")) if path.is_dir() else [path]
if mode == "baseline":
    from lxml import etree
else:
    from tacmap.graph.ingest.iati.parse import DEFAULT_LIMITS, sources, read_document
    from tacmap.graph.ingest.iati.select import Selection
    Selection.parse(None).reasons([], [], ["warm the keyword tables"])
rss_start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
wall, cpu = time.perf_counter(), time.process_time()
activities = selected = 0
if mode == "baseline":
    for f in files:
        for _, el in etree.iterparse(str(f), tag="iati-activity", resolve_entities=False, no_network=True,
                                     load_dtd=False, huge_tree=False):
            activities += 1
            el.clear()
            while el.getprevious() is not None:
                del el.getparent()[0]
else:
    selection = Selection.parse(None)
    found, _ = sources(path)
    count = [0]
    for source in found:
        result = read_document(source, selection, count, DEFAULT_LIMITS)
        activities += result.read.activities
        selected += result.read.selected
print(json.dumps({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "growth_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - rss_start,
                  "activities": activities, "selected": selected}))
"""


def _activities() -> list[bytes]:
    """Every real activity (2.0x files and 1.0x files alike) as bytes, with its file's version."""
    from lxml import etree

    out = []
    for f in sorted(REAL.rglob("*.xml")):
        root_version = None
        for event, el in etree.iterparse(
            str(f), events=("start", "end"), tag=("iati-activities", "iati-activity")
        ):
            if el.tag == "iati-activities" and event == "start":
                root_version = el.get("version")
            elif el.tag == "iati-activity" and event == "end":
                if root_version and not el.get("version"):
                    el.set("version", root_version)
                out.append(etree.tostring(el))
    return out


def build(target: Path, size: int, activities: list[bytes], start: int = 0) -> int:
    """Write ~``size`` bytes of activities to ``target``, identifiers made unique; returns the next index."""
    i = start
    with target.open("wb") as out:
        out.write(
            b'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities generated-datetime="2026-12-03T00:00:00">\n'
        )
        written = 0
        while written < size:
            body = activities[i % len(activities)]
            body = body.replace(b"</iati-identifier>", f"-r{i}</iati-identifier>".encode(), 1)
            out.write(body + b"\n")
            written += len(body) + 1
            i += 1
        out.write(b"</iati-activities>\n")
    return i


def run(mode: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    activities = _activities()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        small, medium, folder = base / "one_mb.xml", base / "thirty_mb.xml", base / "folder"
        index = build(small, 1 * MB, activities)
        index = build(medium, 30 * MB, activities, index)
        folder.mkdir()
        for n in range(8):
            index = build(folder / f"part{n}.xml", 20 * MB, activities, index)
        inputs = [("1 MB file", small), ("30 MB file", medium), ("160 MB folder (8 files)", folder)]
        for label, path in inputs:
            size = sum(p.stat().st_size for p in ([path] if path.is_file() else path.iterdir()))
            largest = max(p.stat().st_size for p in ([path] if path.is_file() else path.iterdir()))
            runs: dict[str, list[dict[str, float]]] = {"baseline": [], "tacmap": []}
            for _ in range(args.repeat):
                for mode, done in runs.items():
                    done.append(run(mode, path))
            med = {m: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for m, rs in runs.items()}
            b, t = med["baseline"], med["tacmap"]
            rows.append(
                f"| {label} | {size / MB:,.1f} | {int(t['activities']):,} | {int(t['selected']):,} "
                f"| {b['wall']:.2f} / {b['cpu']:.2f} | {t['wall']:.2f} / {t['cpu']:.2f} "
                f"| **{t['wall'] / b['wall']:.2f}×** / {t['cpu'] / b['cpu']:.2f}× "
                f"| {t['activities'] / t['wall']:,.0f} | {size / MB / t['wall']:,.1f} "
                f"| {b['rss_mib']:,.0f} | {t['rss_mib']:,.0f} | {t['growth_mib']:,.0f} | {largest / MB:,.1f} |"
            )
            print(rows[-1], flush=True)
    mem = memory_gib()
    text = "\n".join(
        [
            "# IATI reading speed",
            "",
            f"Run {datetime.now():%Y-%m-%d %H:%M} with `python -m bench.iati_read --repeat {args.repeat}` on {cpu_model()}"
            + (f", {mem:.0f} GiB" if mem else "")
            + " (2 shared cores). Medians; wall / CPU seconds; the ratio is tacmap over the bare lxml pass of the same "
            "run. Targets: ratio ≤ 2×, RSS growth while reading below 2× the largest single file.",
            "",
            (
                "| input | MB | activities | selected | bare lxml s (wall / CPU) | tacmap s (wall / CPU) | ratio (wall / CPU) "
                "| tacmap activities/s | tacmap MB/s | bare peak RSS MiB | tacmap peak RSS MiB | tacmap RSS growth while reading MiB | largest file MB |"
            ),
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            *rows,
            "",
        ]
    )
    RESULTS.write_text(text)
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
