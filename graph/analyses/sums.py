"""Float sums in the order numpy and pandas add, so that plain Python gives their answers to the
last bit.

The analyses once summed revenue with pandas (per enterprise: a sorted groupby) and numpy (per
link: ``np.sum``); their published figures are those sums. Floating-point addition depends on its
order, so the plain-Python path adds in the same order:

- :func:`sorted_group_sum` is one group of pandas' ``groupby(...).sum()`` when the rows are
  sorted by the group key (pandas then reduces each run of rows with ``np.add.reduceat``: the
  first value plus numpy's pairwise sum of the rest — blocks of eight running sums below 129
  values, halves above, a plain loop from 0.0 below eight);
- :func:`column_sums` is ``np.sum`` of a column over many groups of rows at once: one
  ``np.add.reduceat`` per column whose every segment starts with a 0.0 (0.0 plus the pairwise
  sum of the group is what ``np.sum`` gives).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_BLOCK = 128  # numpy's PW_BLOCKSIZE


def column_sums(table: Sequence[tuple[float, ...]], groups: Sequence[Sequence[int]],
                width: int) -> list[tuple[float, ...]]:
    """For each group (indices into ``table``, rows of ``width`` floats, in the order to add
    them): each column's sum over the group's rows, as ``np.sum`` of those values gives it."""
    if not groups:
        return []
    rows = np.vstack([np.zeros((1, width)), np.asarray(table, dtype=float).reshape(-1, width)])
    take: list[int] = []
    starts: list[int] = []
    for group in groups:
        starts.append(len(take))
        take.append(0)  # the 0.0 each segment starts from
        take.extend(i + 1 for i in group)
    picked = rows[take]
    sums = [np.add.reduceat(np.ascontiguousarray(picked[:, k]), starts).tolist()
            for k in range(width)]
    return list(zip(*sums, strict=True))


def sorted_group_sum(values: Sequence[float]) -> float:
    """What pandas' groupby sum gives for a group of these values (rows sorted by the key, no
    NaN): the first value plus the pairwise sum of the others; 0.0 for none."""
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return values[0] + _pairwise(values, 1, len(values) - 1)


def _pairwise(v: Sequence[float], lo: int, n: int) -> float:
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += v[i]
        return res
    if n <= _BLOCK:
        r = [v[lo + j] for j in range(8)]
        i = 8
        end = n - n % 8
        while i < end:
            for j in range(8):
                r[j] += v[lo + i + j]
            i += 8
        res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for k in range(lo + i, lo + n):
            res += v[k]
        return res
    half = n // 2
    half -= half % 8
    return _pairwise(v, lo, half) + _pairwise(v, lo + half, n - half)
