"""Analysis results as JSON-native values: what the HTTP API returns and the pages show.

NaN and NaT become None, numpy scalars Python numbers, dates ISO 8601 strings; lists, tuples and
mappings are converted element by element.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

Record = dict[str, Any]


def native(value: Any) -> Any:
    """One value as JSON-native Python (see the module doc)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):  # pandas Timestamps are datetimes
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): native(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
        return [native(v) for v in items]
    return str(value)


def records(df: pd.DataFrame) -> list[Record]:
    """The rows of ``df`` as JSON-native dicts, in column order."""
    cols = [str(c) for c in df.columns]
    return [{c: native(v) for c, v in zip(cols, row, strict=True)}
            for row in df.itertuples(index=False, name=None)]
