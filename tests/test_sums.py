"""Plain-Python sums give pandas' and numpy's floats to the last bit (graph/analyses/sums.py).

The published revenue figures were pandas' groupby sums and numpy's sums; rounding hides most
differences of the last bit, so they are compared here before any rounding, on values whose
order matters (mixed magnitudes and decimals) and groups of every size the algorithms treat
apart (below eight, up to 128, above).
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from tupu.graph.analyses.periods import revenue_summary, revenue_totals
from tupu.graph.analyses.sums import column_sums, sorted_group_sum

SIZES = [1, 2, 3, 7, 8, 9, 15, 16, 17, 127, 128, 129, 130, 300, 1025]


def values(rng: random.Random, n: int) -> list[float]:
    return [round(rng.uniform(0, 1e5), rng.randint(0, 4)) * rng.choice([1, 1e-3, 1e3])
            for _ in range(n)]


def test_a_sorted_group_sums_as_pandas_groupby_does() -> None:
    rng = random.Random(7)
    groups = {f"e{i:03d}": values(rng, n) for i, n in enumerate(SIZES * 3)}
    frame = pd.DataFrame([(k, v) for k, vs in groups.items() for v in vs], columns=["k", "v"])
    expected = frame.groupby("k")["v"].sum()
    got = {k: sorted_group_sum(vs) for k, vs in groups.items()}
    assert [got[k] for k in expected.index] == expected.tolist()
    # the same values added in another order give other floats: the order is what is pinned
    assert any(sum(vs) != got[k] for k, vs in groups.items())


def test_column_sums_are_numpys_sums_of_each_group() -> None:
    rng = random.Random(11)
    table = [tuple(values(rng, 3)) for _ in range(2000)]
    groups = [[rng.randrange(len(table)) for _ in range(n)] for n in [0, *SIZES]]
    got = column_sums(table, groups, 3)
    for group, sums in zip(groups, got, strict=True):
        picked = np.array([table[i] for i in group], dtype=float).reshape(-1, 3)
        assert sums == tuple(float(np.sum(picked[:, k])) for k in range(3))
    assert column_sums(table, [], 3) == []


def test_revenue_totals_frame_as_the_groupbys_did() -> None:
    """Four quarters, the year to date and a year before, per enterprise, from rows in any
    order; missing revenue counts 0; undated observations count nowhere."""
    rows = [("b", "2025Q2", 2.5), ("a", "2025Q1", None), ("a", "2024Q2", 4.0),
            ("a", "2025Q2", 1.0), ("b", None, 99.0), ("c", "2023Q1", 7.0),
            ("a", "2024Q1", float("nan"))]
    # latest 2025Q2: four quarters 2024Q3–2025Q2, year to date 2025Q1–Q2, a year before 2024Q1–Q2
    assert revenue_totals(rows) == {"a": (1.0, 1.0, 4.0), "b": (2.5, 2.5, 0.0)}
    assert revenue_totals(rows, "2024Q2") == {"a": (4.0, 4.0, 0.0), "c": (0.0, 0.0, 7.0)}
    assert revenue_totals([("a", None, 1.0)]) == {}
    frame = revenue_summary(pd.DataFrame(rows, columns=["enterprise", "period", "revenue"]))
    assert frame.to_dict("list") == {"enterprise": ["a", "b"], "ttm": [1.0, 2.5],
                                     "ytd": [1.0, 2.5], "ytd_prev": [4.0, 0.0]}
