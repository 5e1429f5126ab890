"""A city whose one link's outside pool is crafted for the ranked pool (``pool_top``) and the top N
of ``tupu candidates``: property scores a few thousandths apart around the roundings to
hundredths, exact ties, keys ordered against the scores (a tie of rounded scores goes to the
smaller key, which has the lower unrounded score), the park term's space boundary, values that
are not numbers or not booleans, members with ties, a fund or a university (not plain), and a
dead and a located member that score highest of all but are never candidates.

The weights of :data:`RULE` are the default configuration's (``graph/analysis.yaml``) for this
city's park, so the store's order and the candidates' score rest on the same numbers.
"""

from __future__ import annotations

import math
from typing import Any

from tupu.graph.stores.model import ChangeSet, RelRow
from tupu.graph.stores.queries import PropertyScore

LINK = "R"
VACANT = 1500.0  # the park positioned for R: members with at most 150 employees fit
RULE = PropertyScore(scale_weight=20.0, full_at_revenue=1_000_000.0,
                     brand_weights=(10.0, 10.0, 15.0), park_weight=10.0, roomiest=VACANT,
                     space_per_employee=10.0, min_space=1000.0, branch_employees=200.0)


def revenue_for(scale: float) -> float:
    """The annual revenue whose scale term (before rounding) is about ``scale``."""
    return float(10 ** (scale / RULE.scale_weight * math.log10(1 + RULE.full_at_revenue)) - 1)


def _members() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    # 7.000 … 7.035 in steps of 0.0013 (near every x.xx5), keys in the order (so the smaller key
    # of a rounded tie has the lower unrounded score), headcounts too big for the park
    for i in range(28):
        out[f"m{10 + i:02d}"] = {"annual_revenue": revenue_for(7.0 + 0.0013 * i), "employees": 500}
    # the same scores with a listed flag, and plain copies: exact ties, broken by key
    for i in (3, 11, 19):
        out[f"b{i:02d}"] = {"annual_revenue": revenue_for(7.0 + 0.0013 * i), "employees": 500,
                            "listed": True}
        out[f"c{i:02d}"] = dict(out[f"m{10 + i:02d}"])
    # the park boundary: 150 people need exactly the vacant space, 151 a little more
    out["k150"] = {"annual_revenue": revenue_for(7.03), "employees": 150}
    out["k151"] = {"annual_revenue": revenue_for(7.03), "employees": 151}
    out["k-text"] = {"annual_revenue": revenue_for(7.03), "employees": "100"}  # read as 0
    # not numbers, not booleans, nothing at all
    out["v-text"] = {"annual_revenue": "900000", "employees": 500}
    out["v-bool"] = {"annual_revenue": True, "employees": 500, "unicorn": "true"}
    out["v-int"] = {"annual_revenue": 400, "employees": 500, "top30": 1}
    out["v-neg"] = {"annual_revenue": -5.0, "employees": -3}
    out["v-none"] = {}
    # not plain: scored by their ties, funds and universities as well
    out["t-direct"] = {"annual_revenue": revenue_for(0.5), "employees": 500}
    out["t-partner"] = {"annual_revenue": revenue_for(5.004), "employees": 500}
    out["t-fund"] = {"annual_revenue": revenue_for(4.006), "employees": 500}
    out["t-uni"] = {"annual_revenue": revenue_for(4.0149), "employees": 500}
    return out


MEMBERS = _members()
PLAIN = sorted(k for k in MEMBERS if not k.startswith("t-"))


def _rel(c: ChangeSet, rtype: str, a: tuple[str, str], b: tuple[str, str]) -> None:
    c.add_rel(rtype, a[0], b[0], RelRow(a[1], b[1], {}))


def rank_city() -> ChangeSet:
    """The city (see the module doc)."""
    c = ChangeSet()
    c.add_node("Chain", {"id": "C", "name": "链"})
    for key, stage, pos in (("RU", "upstream", 1), (LINK, "midstream", 2)):
        c.add_node("ChainLink", {"id": key, "name": f"环节{key}", "stage": stage, "position": pos})
        _rel(c, "HAS_LINK", ("Chain", "C"), ("ChainLink", key))
    _rel(c, "FEEDS", ("ChainLink", "RU"), ("ChainLink", LINK))
    for code, link in (("SU", "RU"), ("S1", LINK), ("S2", LINK)):
        c.add_node("SubSector", {"code": code, "name": f"领域{code}", "domain": "core"})
        _rel(c, "COVERS", ("ChainLink", link), ("SubSector", code))
    c.add_node("Town", {"id": "T", "name": "一镇"})
    c.add_node("Park", {"id": "P", "name": "一号园", "vacant_area": VACANT})
    _rel(c, "IN_TOWN", ("Park", "P"), ("Town", "T"))
    _rel(c, "POSITIONED_FOR", ("Park", "P"), ("ChainLink", LINK))
    for key, code in (("local-a", "SU"), ("local-b", "S1")):
        c.add_node("Enterprise", {"id": key, "name": f"本地{key}", "annual_revenue": 5000.0,
                                  "above_scale": True})
        _rel(c, "IN_SUBSECTOR", ("Enterprise", key), ("SubSector", code))
        _rel(c, "LOCATED_IN", ("Enterprise", key), ("Park", "P"))
    # the best scores of all, never candidates: dead, located
    c.add_node("Enterprise", {"id": "x-dead", "annual_revenue": 1e9, "listed": True,
                              "reg_status": "revoked"})
    _rel(c, "IN_SUBSECTOR", ("Enterprise", "x-dead"), ("SubSector", "S1"))
    c.add_node("Enterprise", {"id": "x-local", "annual_revenue": 1e9, "listed": True})
    _rel(c, "IN_SUBSECTOR", ("Enterprise", "x-local"), ("SubSector", "S2"))
    _rel(c, "LOCATED_IN", ("Enterprise", "x-local"), ("Town", "T"))
    for i, (key, props) in enumerate(sorted(MEMBERS.items())):
        c.add_node("Enterprise", {"id": key, "name": f"企业{key}", **props})
        _rel(c, "IN_SUBSECTOR", ("Enterprise", key), ("SubSector", "S1" if i % 2 else "S2"))
    _rel(c, "IN_SUBSECTOR", ("Enterprise", "m10"), ("SubSector", "S1"))  # in both: once
    c.add_node("Enterprise", {"id": "partner", "name": "伙伴"})  # in no link, not located
    _rel(c, "SUPPLIES", ("Enterprise", "t-direct"), ("Enterprise", "local-b"))
    _rel(c, "SUPPLIES", ("Enterprise", "t-partner"), ("Enterprise", "partner"))
    _rel(c, "COOPERATES_WITH", ("Enterprise", "partner"), ("Enterprise", "local-a"))
    c.add_node("Fund", {"id": "F-focus", "name": "关注基金"})
    _rel(c, "FOCUSES_ON", ("Fund", "F-focus"), ("SubSector", "S1"))
    c.add_node("Fund", {"id": "F-in", "name": "投资基金"})
    _rel(c, "INVESTED_IN", ("Fund", "F-in"), ("Enterprise", "t-fund"))
    c.add_node("University", {"id": "U", "name": "一大学", "local": True})
    _rel(c, "STRONG_IN", ("University", "U"), ("SubSector", "S2"))
    c.add_node("University", {"id": "U-far", "name": "远方大学", "local": False})
    _rel(c, "COOPERATES_WITH", ("Enterprise", "t-uni"), ("University", "U-far"))
    return c
