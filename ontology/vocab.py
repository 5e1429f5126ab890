"""Closed vocabularies of the ontology's names, for code that spells them.

``Label.Enterprise`` instead of the string ``"Enterprise"``: a misspelt member fails at import
time, and ``tests/test_ontology.py`` fails when these enums and ``schema.yaml`` disagree.
"""

from __future__ import annotations

from enum import StrEnum


class Label(StrEnum):
    Enterprise = "Enterprise"
    SubSector = "SubSector"
    Chain = "Chain"
    ChainLink = "ChainLink"
    Park = "Park"
    Town = "Town"
    University = "University"
    Fund = "Fund"
    Project = "Project"
    EnterpriseObservation = "EnterpriseObservation"
    ProjectObservation = "ProjectObservation"
    Dataset = "Dataset"
    Delivery = "Delivery"
    SubSectorTally = "SubSectorTally"


class Rel(StrEnum):
    IN_SUBSECTOR = "IN_SUBSECTOR"
    PART_OF = "PART_OF"
    HAS_LINK = "HAS_LINK"
    FEEDS = "FEEDS"
    COVERS = "COVERS"
    SUPPLIES = "SUPPLIES"
    COOPERATES_WITH = "COOPERATES_WITH"
    LOCATED_IN = "LOCATED_IN"
    IN_TOWN = "IN_TOWN"
    POSITIONED_FOR = "POSITIONED_FOR"
    STRONG_IN = "STRONG_IN"
    INVESTED_IN = "INVESTED_IN"
    FOCUSES_ON = "FOCUSES_ON"
    OWNS = "OWNS"
    SUBSIDIARY_OF = "SUBSIDIARY_OF"
    HAS_OBSERVATION = "HAS_OBSERVATION"


class RegStatus(StrEnum):
    """Enterprise.reg_status: the registration status (登记状态) of an enterprise."""

    active = "active"  # 存续
    operating = "operating"  # 在业
    moved_in = "moved_in"  # 迁入
    moved_out = "moved_out"  # 迁出
    suspended = "suspended"  # 停业
    liquidating = "liquidating"  # 清算
    deregistered = "deregistered"  # 注销
    revoked = "revoked"  # 吊销


REG_STATUS_ZH: dict[RegStatus, str] = {
    RegStatus.active: "存续", RegStatus.operating: "在业", RegStatus.moved_in: "迁入",
    RegStatus.moved_out: "迁出", RegStatus.suspended: "停业", RegStatus.liquidating: "清算",
    RegStatus.deregistered: "注销", RegStatus.revoked: "吊销",
}

DEAD_STATUSES: frozenset[str] = frozenset({
    RegStatus.suspended, RegStatus.liquidating, RegStatus.deregistered, RegStatus.revoked})
"""Dead or dying: never attraction candidates, never counted as members of a link."""


def is_dead(reg_status: object) -> bool:
    """Whether an enterprise with this ``reg_status`` is dead or dying (absent: alive)."""
    return reg_status in DEAD_STATUSES
