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
