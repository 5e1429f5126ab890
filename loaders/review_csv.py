"""The entity-resolution review list as a CSV file for Excel (UTF-8 with BOM, Chinese headers).

A file for people: every cell passes :func:`tupu.inert.inert` (no formulas).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from tupu.inert import inert
from tupu.loaders.resolve import ReviewItem

COLUMNS = ("原因", "企业标识", "企业名称", "来源文件", "行号", "可能是")


def review_rows(items: Sequence[ReviewItem]) -> list[dict[str, object]]:
    """One row per item, keyed by :data:`COLUMNS`."""
    return [
        dict(zip(COLUMNS, (i.reason, i.key, i.name, i.source, i.row, "、".join(i.candidates)),
                 strict=True))
        for i in items
    ]


def write_review_csv(path: Path, items: Sequence[ReviewItem]) -> None:
    """Write ``items`` to ``path`` (a header only when there are none)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows({k: inert(v) for k, v in row.items()} for row in review_rows(items))
