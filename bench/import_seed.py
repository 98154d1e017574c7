"""Import time of the illustrative seed at several scales, on both stores.

Run: ``python bench/import_seed.py [--scales 1,10]``. Starts ArcadeDB's Bolt server for the neo4j
store (or uses NEO4J_URI). Writes ``bench/results/import_seed.md``. The baseline is the time to
validate the same bundle (reading it back from a CSV folder), measured in the same run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tacmap.graph.ingest.bundle import import_bundle, read_bundle, write_bundle
from tacmap.graph.store import EmbeddedStore, Neo4jSettings, Neo4jStore
from tacmap.seed.generate import generate

from tests.bolt_server import arcadedb_server, server_from_env


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="1,10")
    scales = [int(s) for s in parser.parse_args().scales.split(",")]
    rows = []
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        server = server_from_env() or stack.enter_context(arcadedb_server(tmp / "arcadedb"))
        neo4j = Neo4jStore(Neo4jSettings(server.uri, server.user, server.password, server.database))
        for scale in scales:
            bundle = generate(scale=scale)
            folder = write_bundle(bundle, tmp / f"seed-{scale}", "dir")
            validate_s, _ = timed(lambda f=folder: read_bundle(f))
            for name, store in (("embedded", EmbeddedStore(tmp / f"embedded-{scale}")), ("neo4j", neo4j)):
                store.clear()
                import_s, _ = timed(lambda s=store, b=bundle: import_bundle(s, b))
                again_s, _ = timed(lambda s=store, b=bundle: import_bundle(s, b))
                rows.append((scale, bundle.size(), name, validate_s, import_s, again_s))
                print(rows[-1], flush=True)
        neo4j.close()
    lines = [
        "| scale | records | store | validate CSV folder (s) | first import (s) | re-import, no change (s) |",
        "|---:|---:|---|---:|---:|---:|",
    ]
    lines += [f"| {s} | {n:,} | {st} | {v:.1f} | {i:.1f} | {a:.1f} |" for s, n, st, v, i, a in rows]
    out = ROOT / "bench" / "results" / "import_seed.md"
    out.write_text("# Seed import time\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
