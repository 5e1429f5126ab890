"""Cells for people's spreadsheets that stay text: no formula, no DDE, whatever a name holds.

Excel, WPS and LibreOffice run a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula,
and tab or carriage return can smuggle one in after a separator. Following the OWASP guidance on
CSV injection, every XLSX and CSV written for people passes its text cells through
:func:`inert`, which puts an apostrophe in front of such a value: the spreadsheet shows the text
as it was and runs nothing. Machine formats (JSON, the canonical CSV folder, RDF) keep values
exact; see docs/canonical-format.md for how the canonical CSV round-trips such names.
"""

from __future__ import annotations

from typing import TypeVar

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet treat a cell as a formula."""

T = TypeVar("T")


def inert(value: T) -> T | str:
    """``value`` made safe for a spreadsheet cell: text starting with a trigger gets a leading
    apostrophe; numbers, dates, booleans and other text are returned unchanged."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value
