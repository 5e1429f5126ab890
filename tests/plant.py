"""Plant known truths in a copy of the sample city (tests find them again)."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

from tests.conftest import SAMPLE

Row = dict[str, str]


def copy_sample(dest: Path) -> Path:
    """A copy of ``data/sample`` at ``dest`` (a folder called ``sample`` like the original)."""
    folder = dest / "sample"
    shutil.copytree(SAMPLE, folder)
    return folder


def read_rows(path: Path) -> list[Row]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_rows(path: Path, rows: list[Row], header: list[str] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    cols = header or list(rows[0])
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        w.writerows(rows)


def edit_rows(path: Path, change: Callable[[list[Row]], list[Row]]) -> None:
    """Rewrite a CSV file through ``change``, keeping its header."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    write_rows(path, change(rows), header)


def add_rows(folder: Path, name: str, rows: list[Row]) -> None:
    """Append rows to ``folder/name`` (created with the rows' header when missing)."""
    path = folder / name
    if not path.exists():
        write_rows(path, rows)
        return
    edit_rows(path, lambda existing: existing + rows)
