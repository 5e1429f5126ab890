"""Turn one cell of text into a typed property value, or say what is wrong with it."""

from __future__ import annotations

from tupu.messages import msg

import datetime as dt
import math
import re
from typing import TypeAlias

from tupu.ontology.schema import PropertyDef

Value: TypeAlias = str | int | float | bool | dt.date
"""A property value; an unknown value is absent, never None."""

_TRUE = {"true", "1", "yes", "y", "是", "t"}
_FALSE = {"false", "0", "no", "n", "否", "f"}
_PERIOD = re.compile(r"^(\d{4})Q([1-4])$")


def is_period(text: str) -> bool:
    """Whether ``text`` is a quarter written ``yyyyQn`` (the one format of a period)."""
    return _PERIOD.match(text) is not None


class CellError(ValueError):
    """A cell whose text cannot be read as its property's type; the message says what to do."""


def parse_cell(text: str, prop: PropertyDef) -> Value | None:
    """The value of ``text`` for ``prop``; None for an empty cell. Raises :class:`CellError`."""
    s = text.strip()
    if s == "":
        return None
    value: Value
    if prop.type == "string":
        value = s
    elif prop.type == "integer":
        try:
            value = int(s)
        except ValueError:
            raise CellError(msg("load.cell_integer", prop=prop.name,
                                unit=prop.unit or "无")) from None
    elif prop.type == "float":
        try:
            f = float(s)
        except ValueError:
            raise CellError(msg("load.cell_float", prop=prop.name,
                                unit=prop.unit or "无")) from None
        if not math.isfinite(f):
            raise CellError(msg("load.cell_finite", prop=prop.name))
        value = f
    elif prop.type == "boolean":
        low = s.lower()
        if low in _TRUE:
            value = True
        elif low in _FALSE:
            value = False
        else:
            raise CellError(msg("load.cell_boolean", prop=prop.name))
    elif prop.type == "date":
        try:
            value = dt.date.fromisoformat(s)
        except ValueError:
            raise CellError(msg("load.cell_date", prop=prop.name)) from None
    else:  # period
        if not _PERIOD.match(s):
            raise CellError(msg("load.cell_period", prop=prop.name))
        value = s
    if prop.values is not None and value not in prop.values:
        raise CellError(msg("load.cell_values", prop=prop.name, values="、".join(prop.values)))
    return value


def format_value(value: object) -> str:
    """The canonical text of a property value (the inverse of :func:`parse_cell`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    return str(value)
