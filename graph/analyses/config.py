"""Thresholds and weights of the analyses: ``graph/analysis.yaml`` plus an optional override file."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from tupu.errors import ConfigError


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GapPriority(_Frozen):
    broken: float
    missing: float
    weak: float
    downstream_per_enterprise: float
    downstream_cap: float
    core_domain: float
    plan_format: float


class GapConfig(_Frozen):
    weak_below: int
    weak_lq: float
    strong_min: int
    strong_lq: float
    present_statuses: tuple[str, ...]
    priority: GapPriority


class ScaleWeights(_Frozen):
    weight: float
    full_at_revenue: float


class TieWeights(_Frozen):
    direct: float
    direct_cap: float
    indirect: float
    indirect_cap: float


class FitWeights(_Frozen):
    upstream: float
    downstream: float


class ParkWeights(_Frozen):
    weight: float
    space_per_employee: float
    min_space: float
    branch_employees: float


class CandidateConfig(_Frozen):
    scale: ScaleWeights
    listed: float
    unicorn: float
    top30: float
    ties: TieWeights
    fit: FitWeights
    park: ParkWeights
    fund: float
    fund_cap: float
    university: float
    university_cap: float


class MonitoringConfig(_Frozen):
    off_track_margin: float
    not_started_statuses: tuple[str, ...]
    stalled_statuses: tuple[str, ...]
    started_statuses: tuple[str, ...]
    bulletin_top: int
    bulletin_gaps: int
    growth_min_base: float
    bulletin_title: str
    level_measures: tuple[str, ...]
    target_profiles: dict[str, Literal["pro_rata", "level"] | tuple[float, float, float, float]]


class AnalysisConfig(_Frozen):
    gaps: GapConfig
    candidates: CandidateConfig
    monitoring: MonitoringConfig
    clusters: ClusterConfig
    impact: ImpactConfig
    matching: MatchingConfig


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in override.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def load_analysis_config(override: Path | None = None) -> AnalysisConfig:
    """The defaults, with ``override`` (a YAML file of the same shape) on top."""
    text = resources.files("tupu.graph").joinpath("analysis.yaml").read_text(encoding="utf-8")
    raw: dict[str, Any] = yaml.safe_load(text)
    if override is not None:
        try:
            extra = yaml.safe_load(override.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as e:
            raise ConfigError(f"{override}: cannot be read as YAML: {e}") from e
        raw = _merge(raw, extra)
    try:
        return AnalysisConfig.model_validate(raw)
    except ValidationError as e:
        raise ConfigError(f"analysis configuration {override or 'defaults'}: {e}") from e


@lru_cache(maxsize=4)
def default_analysis_config() -> AnalysisConfig:
    return load_analysis_config()


# -- clusters, anchor impact, landing and matching (graph/analyses/clusters.py, impact.py, matching.py) --


class ClusterWeights(_Frozen):
    supplies: float
    cooperates: float
    co_location: float


class ClusterConfig(_Frozen):
    algorithm: Literal["louvain", "greedy"]
    seed: int
    resolution: float
    weights: ClusterWeights
    min_size: int
    significant_size: int
    plan_min: int
    plan_max: int
    label_links: int
    place_share: float
    place_abbreviations: dict[str, str]
    place_cut_words: tuple[str, ...]
    place_suffixes: tuple[str, ...]


class ImpactConfig(_Frozen):
    per_status_level: float
    newly_broken: float
    per_orphan: float


class TaxonomyMatch(_Frozen):
    exact: float
    group: float
    category: float


class ParkMatchConfig(_Frozen):
    positioned: float
    space: float
    partner: float
    partner_cap: float
    chain: float
    chain_cap: float


class UniversityMatchConfig(_Frozen):
    match: TaxonomyMatch
    local: float
    breadth: float
    scale: float
    full_at_revenue: float
    open: float
    existing: float


class StageRules(_Frozen):
    seed_max_age: float
    seed_max_revenue: float
    early_max_revenue: float
    growth_max_revenue: float


class FundMatchConfig(_Frozen):
    match: TaxonomyMatch
    stage: float
    size: float
    existing: float
    stages: StageRules
    enterprise_need: tuple[float, float]
    project_need: tuple[float, float]


class MatchingConfig(_Frozen):
    parks: ParkMatchConfig
    universities: UniversityMatchConfig
    funds: FundMatchConfig
