"""A thin reader over rows: CSV text streamed as (row number, cells) pairs.

Row numbers are those a spreadsheet shows: the header is row 1, the first record row 2. Lines are
read with a bound on their length and every row passes the :class:`~tupu.loaders.guard.RowGuard`
(limits on rows, columns, cells and cell length; no control characters).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tupu.errors import InputError
from tupu.loaders.guard import FileProblem, RowGuard, bounded_lines, csv_error_problem, use_field_limit
from tupu.loaders.tables import column_letter
from tupu.messages import msg
from tupu.settings import Limits, current_limits


@dataclass(frozen=True)
class Table:
    """A header and a stream of records, read from ``source``."""

    source: str
    header: tuple[str, ...]
    rows: Iterator[tuple[int, dict[str, str]]]


def parse_csv(lines: Iterable[str], source: str, limits: Limits | None = None) -> Table:
    """Parse CSV ``lines`` (text, header first) into a :class:`Table`.

    Raises :class:`~tupu.loaders.guard.FileProblem` (while the header or the records are read)
    for a file past the limits (``limits``, default: the settings').
    """
    lim = limits or current_limits()
    use_field_limit(lim)
    reader = csv.reader(iter(lines))
    guard = RowGuard(lim, text_only=True)
    try:
        first = next(reader)
    except StopIteration:
        first = []
    except csv.Error as e:
        raise csv_error_problem(e, 1, lim) from None
    guard.check(1, first)
    header = tuple(h.strip() for h in first)
    guard.column_name = lambda j: header[j] if j < len(header) and header[j] else column_letter(j)

    def checked() -> Iterator[tuple[int, list[str]]]:
        i = 1
        try:
            for i, cells in enumerate(reader, start=2):
                guard.check(i, cells)
                yield i, cells
        except csv.Error as e:
            raise csv_error_problem(e, i + 1, lim) from None

    def records() -> Iterator[tuple[int, dict[str, str]]]:
        for i, cells in checked():
            if not cells or all(not c.strip() for c in cells):
                continue
            if len(cells) > len(header):
                extra = cells[len(header):]
                if any(c.strip() for c in extra):
                    yield i, {"\0extra": ",".join(extra)}
                    continue
            yield i, dict(zip(header, cells, strict=False))

    return Table(source, header, records())


def open_csv(path: Path, source: str, limits: Limits | None = None) -> tuple[IO[str], Table]:
    """Open a UTF-8 CSV file (a BOM is allowed) as a :class:`Table`; the caller closes the file.

    Raises :class:`~tupu.loaders.guard.FileProblem` for a header past the limits; the records
    raise it while they are read.
    """
    lim = limits or current_limits()
    try:
        f = open(path, encoding="utf-8-sig", newline="")
        f.readline(lim.max_line_chars + 3)
        f.seek(0)
    except UnicodeDecodeError as e:
        raise InputError(msg("file.csv_not_utf8", source=source, byte=e.start)) from e
    except OSError as e:
        raise InputError(msg("failure.cannot_read", path=source,
                             reason=e.strerror or type(e).__name__)) from e
    try:
        return f, parse_csv(bounded_lines(f, lim.max_line_chars), source, lim)
    except (FileProblem, UnicodeDecodeError):
        f.close()
        raise
