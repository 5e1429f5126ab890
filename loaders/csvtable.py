"""A thin reader of CSV exports: bytes → decoded, delimited rows, streamed line by line.

The encoding is detected or checked by :mod:`tupu.loaders.encoding` from the first bytes; the
delimiter (comma, tab — Excel's "Unicode 文本" —, semicolon) is sniffed from the first lines. Rows
are yielded one at a time as ``(row number, cells)``, numbered as a spreadsheet shows them (the
first record is row 1, whatever the header position). A byte that does not decode further into the
file stops the stream with an :class:`~tupu.loaders.encoding.EncodingProblem` naming the row.

Lines are read with a bound on their length, so a file is never held in memory whole, and every
row passes the :class:`~tupu.loaders.guard.RowGuard` (limits on rows, columns, cells and cell
length; no control characters): a file past them stops with a
:class:`~tupu.loaders.guard.FileProblem` naming the row and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from tupu.loaders.encoding import (
    SAMPLE_SIZE,
    EncodingProblem,
    check_declared,
    decode_head,
    detect_encoding,
    display_name,
)
from tupu.loaders.guard import RowGuard, bounded_lines, csv_error_problem, use_field_limit
from tupu.loaders.tables import RawRow
from tupu.settings import Limits, current_limits

__all__ = ["CsvRows", "open_csv_rows", "parse_rows", "sniff_delimiter"]

_DELIMITERS = (",", "\t", ";", "|")


@dataclass
class CsvRows:
    """The rows of a CSV file and the encoding they are read in."""

    encoding: str
    delimiter: str
    rows: Iterator[RawRow]


def sniff_delimiter(text: str) -> str:
    """The delimiter used most in the first lines of ``text`` (a comma when none is used)."""
    head = "\n".join(text.splitlines()[:20])
    counts = {d: head.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def parse_rows(lines: Iterable[str], delimiter: str = ",") -> Iterator[RawRow]:
    """Split text lines into numbered rows of cells (RFC 4180 quoting)."""
    for number, cells in enumerate(csv.reader(iter(lines), delimiter=delimiter), start=1):
        yield number, cells


def _guarded(rows: Iterator[RawRow], codec: str, limits: Limits) -> Iterator[RawRow]:
    last = 0
    guard = RowGuard(limits, text_only=True)
    try:
        for number, cells in rows:
            last = number
            guard.check(number, cells)
            yield number, cells
    except csv.Error as e:
        raise csv_error_problem(e, last + 1, limits) from None
    except UnicodeDecodeError:
        raise EncodingProblem(
            f"第{last + 1}行附近有无法按{display_name(codec)}解码的字节（文件混用了编码或已损坏）；"
            "请在Excel中打开后“另存为”→“CSV UTF-8（逗号分隔）”重新提交"
        ) from None


def open_csv_rows(
    binary: BinaryIO, declared: str | None = None, limits: Limits | None = None
) -> CsvRows:
    """Stream the rows of a CSV file opened in binary mode (it must be seekable).

    ``declared`` is the encoding a delivery names, checked against the bytes; without it the
    encoding is detected. Raises EncodingProblem (message in Chinese); the rows raise it, or
    :class:`~tupu.loaders.guard.FileProblem` past ``limits`` (default: the settings'), as they
    are read.
    """
    lim = limits or current_limits()
    use_field_limit(lim)
    head = binary.read(SAMPLE_SIZE)
    complete = len(head) < SAMPLE_SIZE
    binary.seek(0)
    codec = check_declared(head, declared, complete) if declared else \
        detect_encoding(head, complete)
    delimiter = sniff_delimiter(decode_head(head, codec))
    text = io.TextIOWrapper(binary, encoding=codec, errors="strict", newline="")
    lines = bounded_lines(text, lim.max_line_chars)
    return CsvRows(codec, delimiter, _guarded(parse_rows(lines, delimiter), codec, lim))
