#!/usr/bin/env python3
"""Every element of a memory store's map as one line, to compare two runs' maps with ``sort`` and
``diff`` (the same writes by two versions of tupu: a baseline's code and this checkout's).

Usage::

    .venv/bin/python benchmarks/map_lines.py DATA/map.snapshot OUT.txt [--mask TEXT ...]
    LC_ALL=C sort OUT.txt > OUT.sorted            # then: diff A.sorted B.sorted

The map is read by the code running the script (a baseline's, through its own venv or
``PYTHONPATH``, reads the snapshot its way; this checkout reads snapshot + deltas). A node is
``((label, key), [(property, value), ...])``, a relationship ``(start, end, type, [...])``,
properties sorted. What differs between two runs of the same writes is masked: times of the run
(ISO ``…T…`` of today, and the compact ``YYYYMMDDTHHMMSSZ`` in delivery ids), and each
``--mask`` text (e.g. the run's work folder).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from pathlib import Path
from typing import Any

from tupu.graph.stores.memory_store import MemoryStore


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("snapshot", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--mask", action="append", default=[], help="text to mask (repeatable)")
    args = parser.parse_args(argv)
    today = dt.datetime.now(dt.UTC).date()
    times = re.compile(rf"{today.isoformat()}T[0-9:.+]*|{today:%Y%m%d}T\d{{6}}Z")
    texts = [re.escape(m) for m in args.mask]
    folders = re.compile("|".join(texts)) if texts else None

    def mask(value: Any) -> str:
        if not isinstance(value, str):
            return repr(value)
        value = times.sub("<time>", value)
        return folders.sub("<mask>", value) if folders is not None else value

    def props(data: dict[str, Any]) -> list[tuple[str, str]]:
        return sorted((k, mask(v)) for k, v in data.items())

    graph = MemoryStore(args.snapshot).graph
    with args.out.open("w", encoding="utf-8") as out:
        for nid, data in graph.nodes(data=True):
            out.write(repr((tuple(map(mask, nid)), props(data))) + "\n")
        for u, v, k, data in graph.edges(keys=True, data=True):
            out.write(repr((tuple(map(mask, u)), tuple(map(mask, v)), k, props(data))) + "\n")
    print(f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} relationships: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
