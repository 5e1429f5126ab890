"""A thin reader over rows: CSV text streamed as (row number, cells) pairs.

Row numbers are those a spreadsheet shows: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tupu.errors import InputError


@dataclass(frozen=True)
class Table:
    """A header and a stream of records, read from ``source``."""

    source: str
    header: tuple[str, ...]
    rows: Iterator[tuple[int, dict[str, str]]]


def parse_csv(lines: Iterable[str], source: str) -> Table:
    """Parse CSV ``lines`` (text, header first) into a :class:`Table`."""
    reader = csv.reader(iter(lines))
    try:
        header = tuple(h.strip() for h in next(reader))
    except StopIteration:
        header = ()

    def records() -> Iterator[tuple[int, dict[str, str]]]:
        for i, cells in enumerate(reader, start=2):
            if not cells or all(not c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                extra = cells[len(header):]
                if any(c.strip() for c in extra):
                    yield i, {"\0extra": ",".join(extra)}
                    continue
            yield i, dict(zip(header, cells, strict=False))

    return Table(source, header, records())


def open_csv(path: Path, source: str) -> tuple[IO[str], Table]:
    """Open a UTF-8 CSV file (a BOM is allowed) as a :class:`Table`; the caller closes the file."""
    try:
        f = open(path, encoding="utf-8-sig", newline="")
        f.readline()
        f.seek(0)
    except UnicodeDecodeError as e:
        raise InputError(
            f"{source}: is not UTF-8 (byte {e.start}); save it as UTF-8 CSV "
            "(Excel: 另存为 → CSV UTF-8)"
        ) from e
    except OSError as e:
        raise InputError(f"{source}: cannot be read: {e}") from e
    return f, parse_csv(f, source)
