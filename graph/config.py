"""Thresholds and weights of the analyses: ``graph/analysis.yaml`` plus an optional override file."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

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


class AnalysisConfig(_Frozen):
    gaps: GapConfig
    candidates: CandidateConfig


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
