"""Node positions computed on the server, so that the browser draws a graph once, physics off.

- Chains need no force layout: their links sit in stage columns (upstream, midstream, downstream),
  ordered by their position in the chain (:func:`stage_columns`); the whole city is one band of
  columns per chain, stacked (:func:`chain_bands`).
- An explorer view is laid out with igraph's Fruchterman–Reingold (:func:`force_layout`),
  started from deterministic positions so that the same view always gets the same picture. Only
  its core takes part: nodes with a single neighbour (most of an expansion: a sub-sector's or a
  town's enterprises) go on rings around that neighbour afterwards, so a 2,000-node view of a
  hundred hubs costs the force layout of a hundred nodes (``benchmarks/bench_browser.py``).
- Nodes added to a drawn view (an expansion in place) go on rings around the node they came from
  (:func:`rings`).
- A 以商引商 view has three columns: the candidate, intermediaries, local partners
  (:func:`columns`).

Positions are vis-network canvas coordinates (pixels at zoom 1, y down).
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Hashable, Iterable, Mapping, Sequence

import igraph

from tupu.graph.analyses.chain_links import STAGES

Point = tuple[float, float]

COLUMN_GAP = 300.0  # between stage columns
ROW_GAP = 130.0  # between links of one stage (the largest dot and its label fit)
BAND_GAP = 170.0  # between chains stacked in the city view
NODE_SPACING = 110.0  # mean distance between neighbouring nodes of a large force layout
SMALL_VIEW = 150  # views up to this many nodes get room for every label
SMALL_SPACING = 170.0
RING_GAP = 110.0  # between the rings of an expansion
RING_SPACING = 140.0  # between neighbours along a ring (a label's width)
FR_ITERATIONS = 300
_RANDOM = threading.Lock()


def stage_columns(links: Sequence[Mapping[str, object]], top: float = 0.0,
                  left: float = 0.0) -> tuple[dict[str, Point], float]:
    """Positions of one chain's links (rows with ``link``, ``stage``, ``position``) in stage
    columns, top-aligned at ``top``; and the height the band takes."""
    by_stage: dict[str, list[Mapping[str, object]]] = {s: [] for s in STAGES}
    for row in links:
        by_stage.setdefault(str(row["stage"]), []).append(row)
    tallest = max((len(v) for v in by_stage.values()), default=0)
    out: dict[str, Point] = {}
    for col, stage in enumerate(by_stage):
        rows = sorted(by_stage[stage], key=lambda r: (_num(r.get("position")), str(r["link"])))
        offset = (tallest - len(rows)) * ROW_GAP / 2  # centre a short column against the tallest
        for i, row in enumerate(rows):
            out[str(row["link"])] = (left + col * COLUMN_GAP, top + offset + i * ROW_GAP)
    return out, max(tallest - 1, 0) * ROW_GAP


def extent(points: Sequence[Point]) -> dict[str, float]:
    """The bounding box of ``points``: ``left``, ``top``, ``width``, ``height``."""
    xs, ys = zip(*points, strict=True) if points else ((0.0,), (0.0,))
    return {"left": min(xs), "top": min(ys), "width": max(xs) - min(xs),
            "height": max(ys) - min(ys)}


def chain_bands(chains: Sequence[tuple[str, Sequence[Mapping[str, object]]]],
                per_row: int = 1) -> tuple[dict[str, Point], dict[str, Point]]:
    """Every chain's links in stage columns, one band per chain, ``per_row`` bands side by side
    and rows of bands top to bottom: the links' positions, and where each chain's title goes
    (above its band)."""
    links: dict[str, Point] = {}
    titles: dict[str, Point] = {}
    band_width = COLUMN_GAP * (len(STAGES) - 1) + BAND_GAP * 1.5
    top = 0.0
    for start in range(0, len(chains), per_row):
        row_height = 0.0
        for i, (chain, rows) in enumerate(chains[start:start + per_row]):
            left = i * band_width
            placed, height = stage_columns(rows, top, left)
            links.update(placed)
            titles[chain] = (left + COLUMN_GAP * (len(STAGES) - 1) / 2, top - ROW_GAP * 0.75)
            row_height = max(row_height, height)
        top += row_height + ROW_GAP + BAND_GAP
    return links, titles


def force_layout(nodes: Sequence[Hashable],
                 edges: Iterable[tuple[Hashable, Hashable]]) -> dict[Hashable, Point]:
    """Fruchterman–Reingold positions of ``nodes`` joined by ``edges``: deterministic (started
    from a spiral), centred on (0, 0), scaled so that neighbours sit about
    :data:`NODE_SPACING` apart. The force layout moves the core only (:func:`_leaves`); the
    leaves are put on rings around their hub (:func:`_ring_leaves`)."""
    if not nodes:
        return {}
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {n: i for i, n in enumerate(nodes)}
    pairs = sorted({(min(index[a], index[b]), max(index[a], index[b]))
                    for a, b in edges if a in index and b in index and a != b})
    leaves = _leaves(len(nodes), pairs)
    core = [i for i in range(len(nodes)) if i not in leaves]
    at = {i: k for k, i in enumerate(core)}
    graph = igraph.Graph(n=len(core), edges=[(at[a], at[b]) for a, b in pairs
                                             if a in at and b in at])
    start = [list(_spiral(i)) for i in range(len(core))]
    with _RANDOM:  # igraph draws random numbers from one process-wide generator
        igraph.set_random_number_generator(random.Random(len(nodes)))
        try:
            layout = graph.layout_fruchterman_reingold(seed=start, niter=FR_ITERATIONS,
                                                       grid=len(core) > SMALL_VIEW)
        finally:
            igraph.set_random_number_generator(random)
    # each hub gets room for its leaves: the picture's area is shared out by all the nodes
    placed = _spread([(float(x), float(y)) for x, y in layout.coords], len(nodes))
    coords: list[Point] = [(0.0, 0.0)] * len(nodes)
    for i, spot in zip(core, placed, strict=True):
        coords[i] = spot
    _ring_leaves(coords, pairs)
    return {n: coords[i] for n, i in index.items()}


def _leaves(count: int, pairs: Sequence[tuple[int, int]]) -> set[int]:
    """Nodes with one neighbour whose neighbour has more (a pair joined to nothing else stays
    in the core, and so does at least one node)."""
    degree = [0] * count
    for a, b in pairs:
        degree[a] += 1
        degree[b] += 1
    found = {leaf for a, b in pairs for leaf, hub in ((a, b), (b, a))
             if degree[leaf] == 1 and degree[hub] > 1}
    return found if len(found) < count else set()


def _ring_leaves(coords: list[Point], pairs: Sequence[tuple[int, int]]) -> None:
    """Nodes with one neighbour (most of an expansion) pile up around it in a force layout:
    put them on rings around that neighbour instead, turned to face away from the picture's
    centre, so that every label can be read."""
    degree = [0] * len(coords)
    for a, b in pairs:
        degree[a] += 1
        degree[b] += 1
    leaves: dict[int, list[int]] = {}
    for a, b in pairs:
        for leaf, hub in ((a, b), (b, a)):
            if degree[leaf] == 1 and degree[hub] > 1:
                leaves.setdefault(hub, []).append(leaf)
    for hub, mine in leaves.items():
        mine.sort(key=lambda i: math.atan2(coords[i][1] - coords[hub][1],
                                           coords[i][0] - coords[hub][0]))
        for leaf, spot in zip(mine, _fan(coords[hub], len(mine)), strict=True):
            coords[leaf] = spot


def _fan(centre: Point, count: int) -> list[Point]:
    """``count`` places on rings around ``centre`` at small-node spacing."""
    out: list[Point] = []
    ring = 1
    while len(out) < count:
        radius = NODE_SPACING * 0.9 * ring
        room = max(6, int(2 * math.pi * radius / (NODE_SPACING * 0.8)))
        n = min(room, count - len(out))
        out += [(centre[0] + radius * math.cos(2 * math.pi * k / n + ring * 0.5),
                 centre[1] + radius * math.sin(2 * math.pi * k / n + ring * 0.5))
                for k in range(n)]
        ring += 1
    return out


def rings(centre: Point, count: int, taken: int = 0) -> list[Point]:
    """``count`` positions on concentric rings around ``centre``, the innermost first, about
    :data:`NODE_SPACING` apart along each ring; ``taken`` skips that many inner places."""
    out: list[Point] = []
    ring, index = 1, 0
    remaining = count + taken
    while remaining > 0:
        radius = RING_GAP * (ring + 1)
        room = max(6, int(2 * math.pi * radius / RING_SPACING))
        n = min(room, remaining)
        for k in range(n):
            if index >= taken:
                angle = 2 * math.pi * k / n + ring * 0.37  # turn each ring a little
                out.append((centre[0] + radius * math.cos(angle),
                            centre[1] + radius * math.sin(angle)))
            index += 1
        remaining -= n
        ring += 1
    return out


def columns(groups: Sequence[Sequence[Hashable]], gap: float = COLUMN_GAP) -> dict[Hashable, Point]:
    """Each group a column left to right, its members stacked and centred on y = 0."""
    out: dict[Hashable, Point] = {}
    for col, members in enumerate(groups):
        top = -(len(members) - 1) * ROW_GAP * 0.6 / 2
        for i, n in enumerate(members):
            out[n] = (col * gap, top + i * ROW_GAP * 0.6)
    return out


def _spiral(i: int) -> Point:
    """A deterministic start: the sunflower spiral, so no two nodes start in one place."""
    r = math.sqrt(i + 0.5)
    a = i * 2.399963229728653  # the golden angle
    return (r * math.cos(a), r * math.sin(a))


def _spread(coords: list[Point], total: int) -> list[Point]:
    """Centre on (0, 0) and scale so that each of ``total`` nodes (``coords`` and the leaves
    that will be put around them) gets about :data:`NODE_SPACING` squared of the picture's area
    (the layout's own unit varies with the graph)."""
    cx = sum(x for x, _ in coords) / len(coords)
    cy = sum(y for _, y in coords) / len(coords)
    width = max(x for x, _ in coords) - min(x for x, _ in coords)
    height = max(y for _, y in coords) - min(y for _, y in coords)
    side = max(width, height)  # a core in a line still gets a square's room
    area = max(width * height, side * side / 4, 1e-12)
    spacing = SMALL_SPACING if total <= SMALL_VIEW else NODE_SPACING
    factor = spacing * math.sqrt(total / area)
    return [((x - cx) * factor, (y - cy) * factor) for x, y in coords]


def _num(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0
