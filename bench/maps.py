"""Benchmark: map build time (Python) and time to the final picture in headless Chromium, ours against
pyvis defaults on the same graphs, at 100, 1,000 and 5,000 nodes. Writes ``bench/results/maps.md``.

    python bench/maps.py [--sizes 100,1000,5000] [--cap 300] [--repeat 3]

The graphs are "everything" maps of the illustrative seed (scale 5): State by State, the State, its needs,
the projects that benefit it, their funders and its networks, until N nodes, with every relationship between
them (the same nodes and edges for both). Ours: positions computed in Python, physics off, straight edges, one page with vis-network inline;
final picture = the first ``afterDrawing``. pyvis defaults: ``Network(cdn_resources="in_line")`` (the only
setting that draws offline), ``add_node``/``add_edge`` per node and edge, physics on, dynamic smooth edges;
final picture = ``stabilizationIterationsDone`` (or the cap). Its Bootstrap CDN links are removed so that the
network cannot slow it down: only drawing is measured. Times in the browser count from navigation start.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import networkx as nx
from pyvis.network import Network
from tacmap.graph.schema import mapping
from tacmap.graph.store import EmbeddedStore
from tacmap.seed.generate import generate
from tacmap.viz import nodes as map_nodes
from tacmap.viz.render import MapSpec, render
from tacmap.viz.style import legend

from bench.machine import cpu_model
from tests.chromium import chromium

ORDER = ("State", "Provider", "Network", "Project", "Need")
RESULTS = ROOT / "bench" / "results" / "maps.md"


def everything(g: nx.MultiDiGraph, size: int) -> nx.MultiDiGraph:
    """``size`` nodes of the seed, State by State (in ISO3 order): the State, its needs, the projects that
    benefit it, their funders and its networks; with every relationship between the nodes kept."""
    chosen: dict[tuple, None] = {}
    for state in sorted(n for n in g if n[0] == "State" and g.degree(n)):
        projects = sorted((u for u, _, k in g.in_edges(state, keys=True) if k == "BENEFITS"), key=str)
        group = [state]
        group += sorted(
            (v for _, v, k in g.out_edges(state, keys=True) if k in ("HAS_NEED", "MEMBER_OF")), key=str
        )
        group += projects
        group += sorted(
            {u for p in projects for u, _, k in g.in_edges(p, keys=True) if k == "FUNDS"}, key=str
        )
        for ref in group:
            chosen.setdefault(ref, None)
        if len(chosen) >= size:
            break
    keep = list(chosen)[:size]
    kept = set(keep)
    out = nx.MultiDiGraph()
    for ref in keep:
        out.add_node(f"{ref[0]}:{ref[1]}", **map_nodes.any_node(g, ref))
    for u, v, k in g.edges(keys=True):
        if u in kept and v in kept:
            out.add_edge(f"{u[0]}:{u[1]}", f"{v[0]}:{v[1]}", key=k.lower(), kind=k.lower(), tooltip=k.lower())
    return out


def ours(graph: nx.MultiDiGraph) -> tuple[str, float]:
    started = time.perf_counter()
    html = render(
        MapSpec(
            graph=graph,
            title=f"Benchmark: {graph.number_of_nodes():,} nodes",
            filters="all",
            legend=legend(list(ORDER), ["funds", "benefits", "member_of", "has_need"]),
        )
    )
    return html, time.perf_counter() - started


def pyvis_defaults(graph: nx.MultiDiGraph) -> tuple[str, float]:
    started = time.perf_counter()
    net = Network(cdn_resources="in_line", directed=True)
    for n, d in graph.nodes(data=True):
        net.add_node(n, label=d.get("label"), title=d.get("tooltip"))
    for u, v in graph.edges():
        net.add_edge(u, v)
    html = net.generate_html()
    elapsed = time.perf_counter() - started
    # keep pyvis's page as it is, minus its remote Bootstrap links (see the module docstring), plus a
    # hook that records when vis reports the end of stabilisation
    lines = [line for line in html.split("\n") if "cdn.jsdelivr.net" not in line]
    html = "\n".join(lines)
    hook = (
        "(function () { var emit = vis.Network.prototype.emit;"
        " vis.Network.prototype.emit = function (name) {"
        " if (name === 'stabilizationIterationsDone' && !window.__done) { window.__done = performance.now(); }"
        " return emit.apply(this, arguments); }; })();\n"
    )
    html = html.replace("drawGraph();\n", hook + "drawGraph();\n", 1)
    if "window.__done" not in html:
        raise RuntimeError("could not hook pyvis's page")
    return html, elapsed


def picture(driver, page: Path, script: str, cap: float) -> float | None:
    """Seconds from navigation start to the final picture, or None past ``cap``."""
    driver.get("about:blank")
    driver.get(page.as_uri())
    from selenium.common.exceptions import TimeoutException

    deadline = time.monotonic() + cap
    while time.monotonic() < deadline:
        try:
            done = driver.execute_script(script)
        except TimeoutException:  # the page kept the browser busy longer than a script may wait
            continue
        if done is not None:
            return float(done) / 1000.0
        time.sleep(0.05)
    return None


def fmt(seconds: float | None, cap: float) -> str:
    return f"> {cap:.0f} (cap)" if seconds is None else f"{seconds:.2f}"


def machine() -> str:
    cpu = cpu_model()
    try:
        browser = subprocess.run(
            ["/usr/bin/chromium", "--version"], check=False, capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        browser = "chromium"
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}, "
        f"{browser.strip()} (headless)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument(
        "--cap", type=float, default=300.0, help="seconds to wait for pyvis defaults to settle"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of ours per size (median reported)")
    parser.add_argument("--scale", type=int, default=5, help="seed scale (5 gives more than 5,000 nodes)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    work = Path(tempfile.mkdtemp(prefix="tacmap-bench-maps-"))
    store = EmbeddedStore(work / "data")
    print(f"loading the seed at scale {args.scale} …", flush=True)
    store.write(mapping.to_changes(generate(args.scale)))
    g = store.projection()
    store.close()

    rows = []
    with chromium(work / "profile", page_load="none", command_timeout=max(900.0, args.cap * 2)) as driver:
        driver.set_script_timeout(max(900.0, args.cap * 2))
        warm = work / "warm.html"
        warm.write_text(ours(everything(g, 50))[0], encoding="utf-8")
        picture(driver, warm, "return window.tacmap && window.tacmap.firstPictureAt || null;", 60.0)
        for size in sizes:
            graph = everything(g, size)
            n, m = graph.number_of_nodes(), graph.number_of_edges()
            builds, pictures = [], []
            for _ in range(args.repeat):
                html, built = ours(graph)
                page = work / f"ours-{size}.html"
                page.write_text(html, encoding="utf-8")
                builds.append(built)
                pictures.append(
                    picture(
                        driver, page, "return window.tacmap && window.tacmap.firstPictureAt || null;", 60.0
                    )
                )
            drawn = driver.execute_script("return tacmap.network.body.data.nodes.length;")
            assert drawn == n, (drawn, n)
            html, pyvis_built = pyvis_defaults(graph)
            page = work / f"pyvis-{size}.html"
            page.write_text(html, encoding="utf-8")
            pyvis_picture = picture(driver, page, "return window.__done || null;", args.cap)
            our_picture = statistics.median(p for p in pictures if p is not None)
            row = {
                "nodes": n,
                "edges": m,
                "build_ours": statistics.median(builds),
                "build_pyvis": pyvis_built,
                "picture_ours": our_picture,
                "picture_pyvis": pyvis_picture,
            }
            rows.append(row)
            print(row, flush=True)

    lines = [
        "# Maps: build time and time to the final picture",
        "",
        f"Run on {date.today().isoformat()} with `python bench/maps.py` on: {machine()}.",
        "",
        (
            'Same graphs for both ("everything" maps of the illustrative seed at scale '
            f"{args.scale}: State by State, with needs, projects, funders and networks, to N nodes). Build = Python, graph in hand to HTML string (ours: layout, labels, "
            "page; pyvis: `add_node`/`add_edge` per item and `generate_html`). Final picture = seconds from "
            "navigation start in headless Chromium (ours: first `afterDrawing`, physics off; pyvis defaults: "
            "`stabilizationIterationsDone`, physics on). Ours: median of "
            f"{args.repeat} runs; pyvis: one run, capped at {args.cap:.0f} s."
        ),
        "",
        (
            "| nodes | edges | build, ours (s) | build, pyvis defaults (s) | final picture, ours (s) "
            "| final picture, pyvis defaults (s) | pyvis / ours |"
        ),
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ratio = (
            f"{r['picture_pyvis'] / r['picture_ours']:.0f}×"
            if r["picture_pyvis"] is not None
            else f"> {args.cap / r['picture_ours']:.0f}×"
        )
        lines.append(
            f"| {r['nodes']:,} | {r['edges']:,} | {r['build_ours']:.2f} | {r['build_pyvis']:.2f} | "
            f"{r['picture_ours']:.2f} | {fmt(r['picture_pyvis'], args.cap)} | {ratio} |"
        )
    biggest = max(rows, key=lambda r: r["nodes"])
    verdict = "meets" if biggest["picture_ours"] < 2.0 else "misses"
    lines += [
        "",
        (
            f"Target: a 5,000-node map reaches its final picture in under 2 s. Ours at {biggest['nodes']:,} nodes: "
            f"{biggest['picture_ours']:.2f} s ({verdict} the target)."
        ),
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
