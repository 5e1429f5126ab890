"""Time to a drawn, stable graph in headless Chromium: the chain map of one chain, the whole city,
and a 2,000-node explorer view — with positions from the server and physics off (the app now),
against the settings the app used before (pyvis ``barnes_hut(gravity=-6000, spring_length=140)``,
physics on, no positions) on the same data, in the same run.

    .venv/bin/python benchmarks/bench_browser.py [--repeat 3] [--cap 30]

- The sample city is loaded into a temporary memory store and served by a real ``tupu serve`` on
  a free 127.0.0.1 port; Debian's chromium is driven by Playwright (``/usr/bin/chromium``).
- **app**: the real page (``/map?chain=…``, ``/map``, ``/explore#x=…``) from navigation to the
  first drawing, server time included (``page ms``), and from the data's arrival to the drawing
  (``draw ms``); then "stable" is checked: no node moves in the next 0.5 s.
- **same data, both settings**: the graph data the app's endpoint returns, drawn in a bare page
  (vis-network from the app): once as the app draws it, once with the positions removed and the
  former options — time to the first drawing and to vis-network's ``stabilized`` event, given up
  at ``--cap`` seconds (reported as "> cap").

- **the 2,000-node explorer view against the explorer before this round** (same run, same data):
  the server's layout — now the force layout of the view's core with the leaves on rings
  (``api/graphlayout.force_layout``) against Fruchterman–Reingold over every node as before
  (:func:`former_layout`) — and the endpoint's whole answer (``view ms``); in the browser, the
  answer drawn as the page now draws it (node looks by kind, filters applied before the first
  drawing) against the former client (every node carrying its own colour, shape and size, and
  a second pass over every node for the filters before the first drawing).

Results: a table and ``benchmarks/results/browser.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import RESULTS, machine_info, print_table, write_json  # noqa: E402
from pyvis.network import Network  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
CHAIN = "film-tv"

HARNESS = """
(args) => new Promise((resolve) => {
  const [data, options, cap] = args;
  const box = document.getElementById('g');
  const t0 = performance.now();
  let first = null;
  const net = new vis.Network(box, {nodes: new vis.DataSet(data.nodes),
                                    edges: new vis.DataSet(data.edges)}, options);
  let finished = false;
  const done = (stable) => {
    if (finished) { return; }
    finished = true;
    net.destroy();
    resolve({first: first, stable: stable});
  };
  net.once('afterDrawing', () => {
    first = performance.now() - t0;
    if (!options.physics || options.physics.enabled === false) { done(first); }
  });
  net.once('stabilized', () => done(performance.now() - t0));
  setTimeout(() => done(null), cap * 1000);
})
"""


FORMER_CLIENT = """
(args) => new Promise((resolve) => {
  const [data] = args;
  const box = document.getElementById('g');
  const t0 = performance.now();
  const nodes = new vis.DataSet(data.nodes);
  const net = new vis.Network(box, {nodes: nodes, edges: new vis.DataSet(data.edges)},
                              data.options);
  nodes.update(nodes.map((n) => ({id: n.id, hidden: false})));  /* the former filter pass */
  net.fit({animation: false});
  net.once('afterDrawing', () => { const t = performance.now() - t0; net.destroy(); resolve(t); });
})
"""
CLIENT = """
(args) => new Promise((resolve) => {
  const [data] = args;
  const box = document.getElementById('g');
  const t0 = performance.now();
  data.nodes.forEach((n) => { n.hidden = false; });
  const net = new vis.Network(box, {nodes: new vis.DataSet(data.nodes),
                                    edges: new vis.DataSet(data.edges)}, data.options);
  net.fit({animation: false});
  net.once('afterDrawing', () => { const t = performance.now() - t0; net.destroy(); resolve(t); });
})
"""


def former_layout(nodes: list[str], edges: list[tuple[str, str]]) -> None:
    """The explorer's layout before this round: Fruchterman–Reingold over every node (300
    iterations, igraph's grid past 1,000 nodes), then the same leaf rings."""
    import igraph
    from tupu.api import graphlayout

    index = {n: i for i, n in enumerate(nodes)}
    pairs = sorted({(min(index[a], index[b]), max(index[a], index[b]))
                    for a, b in edges if a in index and b in index and a != b})
    graph = igraph.Graph(n=len(nodes), edges=pairs)
    start = [list(graphlayout._spiral(i)) for i in range(len(nodes))]
    layout = graph.layout_fruchterman_reingold(seed=start, niter=graphlayout.FR_ITERATIONS,
                                               grid=len(nodes) > 1000)
    coords = graphlayout._spread([(float(x), float(y)) for x, y in layout.coords], len(nodes))
    graphlayout._ring_leaves(coords, pairs)


def former_styles(data: dict[str, Any]) -> dict[str, Any]:
    """The same answer as the former server sent it: each node with its own look."""
    styles = data["options"].get("groups", {})
    nodes = []
    for n in data["nodes"]:
        own = {k: v for k, v in n.items() if k != "group"}
        nodes.append({**styles.get(n.get("group"), {}), **own})
    options = {k: v for k, v in data["options"].items() if k != "groups"}
    return {"nodes": nodes, "edges": [{**e, "title": e.get("rel_zh"), "width": e.get("width", 1)}
                                      for e in data["edges"]], "options": options}


def explorer_rows(base: str, endpoint: str, page: Any, repeat: int) -> list[dict[str, Any]]:
    """The 2,000-node view: layout and answer on the server, drawing in the browser, now and as
    before this round (alternating, ``repeat`` times each)."""
    from tupu.api import graphlayout

    data = get(base + endpoint)
    ids = [n["id"] for n in data["nodes"]]
    pairs = [(e["from"], e["to"]) for e in data["edges"]]
    former = former_styles(data)
    times: dict[str, list[float]] = {k: [] for k in ("layout now", "layout former", "view",
                                                     "draw now", "draw former")}
    for _ in range(repeat):
        t = time.perf_counter()
        graphlayout.force_layout(ids, pairs)
        times["layout now"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        former_layout(ids, pairs)
        times["layout former"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        get(base + endpoint)
        times["view"].append((time.perf_counter() - t) * 1000)
        times["draw now"].append(page.evaluate(CLIENT, [data]))
        times["draw former"].append(page.evaluate(FORMER_CLIENT, [former]))
    med = {k: statistics.median(v) for k, v in times.items()}
    return [
        {"step": "server: layout of the view (in process)", "now ms": round(med["layout now"]),
         "former ms": round(med["layout former"]),
         "former / now": f"{med['layout former'] / med['layout now']:.1f}×"},
        {"step": "server: the view's whole answer (HTTP, now only)", "now ms": round(med["view"]),
         "former ms": "—", "former / now": "—"},
        {"step": "browser: answer → first drawing", "now ms": round(med["draw now"]),
         "former ms": round(med["draw former"]),
         "former / now": f"{med['draw former'] / med['draw now']:.1f}×"},
    ] + [{"step": "runs", "now ms": {k: [round(x) for x in v] for k, v in times.items()},
          "former ms": "", "former / now": ""}]


def former_options() -> dict[str, Any]:
    """The options the app's graph had before (api/graphview.py at aadb660): pyvis' barnes_hut
    with gravity -6000 and spring length 140, physics on, hover, arrows."""
    net = Network(directed=True, cdn_resources="local")
    net.barnes_hut(gravity=-6000, spring_length=140)
    opts: dict[str, Any] = json.loads(net.get_network_data()[5])
    opts.setdefault("interaction", {}).update({"hover": True, "navigationButtons": False})
    opts["edges"] = {**opts.get("edges", {}), "font": {"size": 10, "align": "middle"},
                     "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}}
    opts["nodes"] = {"font": {"size": 12}}
    return opts


def unplaced(data: dict[str, Any]) -> dict[str, Any]:
    """The same nodes and edges without positions or per-node physics switches."""
    drop = {"x", "y", "physics", "fixed"}
    return {"nodes": [{k: v for k, v in n.items() if k not in drop} for n in data["nodes"]],
            "edges": data["edges"]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=300) as r:
        return json.loads(r.read())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs of each app page (median)")
    ap.add_argument("--cap", type=float, default=30.0,
                    help="seconds to wait for the former settings to draw / stabilise")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    tupu = str(Path(sys.executable).parent / "tupu")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "TUPU_STORE": "memory", "TUPU_DATA_DIR": tmp, "TUPU_ENV": "development"}
        env.pop("TUPU_API_TOKENS", None)
        subprocess.run([tupu, "demo"], env=env, check=True, capture_output=True)
        port = free_port()
        server = subprocess.Popen([tupu, "serve", "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(base + "/login", timeout=2)
                    break
                except OSError:
                    time.sleep(0.3)
            rows, explorer = run(base, args, sync_playwright)
        finally:
            server.terminate()
            server.wait()
    print_table(rows, ["view", "nodes", "edges", "page ms", "draw ms", "stable",
                       "same data: now ms", "former: first draw ms", "former: stable ms",
                       "former / now"])
    print()
    print_table(explorer[:-1], ["step", "now ms", "former ms", "former / now"])
    path = write_json(RESULTS / "browser.json", {
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "machine": machine_info(), "rows": rows, "explorer_2000": explorer})
    print(f"\n{path}")


def run(base: str, args: argparse.Namespace,
        sync_playwright: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    links = [f"ChainLink:{lk['id']}" for c in get(base + "/api/v1/chains") for lk in c["links"]]
    covered = get(base + "/api/v1/graph/view?types=COVERS&expanded=" + ",".join(links))
    subsectors = sorted(n["id"] for n in covered["nodes"] if n["kind"] == "SubSector")
    views = [
        ("chain " + CHAIN, f"/map?chain={CHAIN}", "chainmap", f"/api/v1/graph/chains?chain={CHAIN}"),
        ("city (all chains)", "/map", "chainmap", "/api/v1/graph/chains"),
        ("explorer, 2,000 nodes", f"/explore#x={','.join(subsectors)}&t=IN_SUBSECTOR", "explorer",
         f"/api/v1/graph/view?types=IN_SUBSECTOR&expanded={','.join(subsectors)}"),
    ]
    rows = []
    with sync_playwright() as pw:
        with tempfile.TemporaryDirectory() as profile:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=FLAGS,
                viewport={"width": 1440, "height": 1000})
            page = context.new_page()
            for name, path, box, endpoint in views:
                pages, draws, stable = [], [], True
                for _ in range(args.repeat):
                    page.goto(base + "/login")  # a fresh page load each time
                    page.goto(base + path)
                    page.wait_for_selector(f'#{box}[data-ready="1"]', state="attached",
                                           timeout=300_000)
                    ds = page.eval_on_selector(f"#{box}", "e => ({...e.dataset})")
                    pages.append(float(ds["drawnMs"]))
                    draws.append(float(ds["drawMs"]))
                    pos = f"() => document.getElementById('{box}').tupu.net.getPositions()"
                    before = page.evaluate(pos)
                    page.wait_for_timeout(500)
                    stable = stable and page.evaluate(pos) == before
                data = get(base + endpoint)
                page.goto(base + "/login")
                page.set_content(
                    f'<html><body><div id="g" style="width:1000px;height:800px"></div>'
                    f'<script src="{base}/static/vendor/vis-network/vis-network.min.js"></script>'
                    "</body></html>")
                page.wait_for_function("() => window.vis !== undefined")
                now = page.evaluate(HARNESS, [data, data["options"], args.cap])
                former = page.evaluate(HARNESS, [unplaced(data), former_options(), args.cap])
                stable_ms = former["stable"]
                print(f"{name}: page {statistics.median(pages):.0f} ms", flush=True)
                rows.append({
                    "view": name, "nodes": len(data["nodes"]), "edges": len(data["edges"]),
                    "page ms": round(statistics.median(pages)),
                    "draw ms": round(statistics.median(draws)),
                    "stable": "yes" if stable else "NO",
                    "same data: now ms": round(now["stable"]),
                    "former: first draw ms": round(former["first"]) if former["first"] is not None
                    else f"> {args.cap * 1000:.0f}",
                    "former: stable ms": round(stable_ms) if stable_ms is not None
                    else f"> {args.cap * 1000:.0f}",
                    "former / now": (f"{stable_ms / now['stable']:.0f}×" if stable_ms is not None
                                     else f"> {args.cap * 1000 / now['stable']:.0f}×"),
                    "runs": {"page_ms": pages, "draw_ms": draws},
                })
            explorer = explorer_rows(base, views[-1][3], page, args.repeat + 2)
            context.close()
    return rows, explorer


if __name__ == "__main__":
    main()
