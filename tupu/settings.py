"""The one settings object. Nothing else in tupu reads the environment.

Every setting comes from an environment variable prefixed ``TUPU_`` (or a ``.env`` file in the
working directory), or from a command-line option that overrides it.

| variable              | meaning                                              | default                     |
|-----------------------|------------------------------------------------------|-----------------------------|
| TUPU_STORE            | ``memory`` (embedded networkx) or ``neo4j``          | memory                      |
| TUPU_DATA_DIR         | folder of the memory store's snapshot and run files  | ~/.local/share/tupu         |
| TUPU_NEO4J_URI        | ``bolt://`` or ``neo4j://`` address of Neo4j         | bolt://127.0.0.1:7687       |
| TUPU_NEO4J_USER       | Neo4j user                                           | neo4j                       |
| TUPU_NEO4J_PASSWORD   | Neo4j password (required outside development)        | tupu-dev-password (dev)     |
| TUPU_NEO4J_DATABASE   | Neo4j database name                                  | neo4j                       |
| TUPU_NEO4J_BOLT_PORT  | port of the bundled server (``tupu neo4j start``)    | 7687                        |
| TUPU_NEO4J_HEAP       | JVM heap of the bundled server (a transaction's cap  | 3g                          |
|                       | is 70% of it)                                        |                             |
| TUPU_NEO4J_PAGECACHE  | page cache of the bundled server                     | 1g                          |
| TUPU_ENV              | ``development`` or ``production``                    | development                 |
| TUPU_BATCH_SIZE       | rows per write batch                                 | 10000                       |
| TUPU_NEO4J_TX_ROWS    | rows a Neo4j load writes in one transaction; larger  | 100000                      |
|                       | loads go in chunks recorded on a Delivery node       |                             |
| TUPU_NEO4J_BULK_ROWS  | rows from which a first load into the empty bundled  | 100000                      |
|                       | server uses the import tool (0: never)               |                             |
| TUPU_ANALYSIS_CONFIG  | YAML overriding graph/analysis.yaml (thresholds)     | none                        |
| TUPU_EXCHANGE_RATES   | YAML overriding loaders/exchange-rates.yaml          | none                        |
| TUPU_REQUIRE_NEO4J    | tests: fail instead of skip without Neo4j            | 0                           |
| TUPU_SERVE_HOST       | address ``tupu serve`` listens on                    | 127.0.0.1                   |
| TUPU_SERVE_PORT       | port ``tupu serve`` listens on                       | 8000                        |
| TUPU_API_TOKENS       | JSON object of bearer tokens to roles (``viewer``,   | none: everyone is           |
|                       | ``analyst``, ``admin``); required in production      | ``analyst`` (development)   |
| TUPU_UPLOAD_MAX_MB    | largest upload ``POST /api/v1/load`` accepts (MB)    | 200                         |
| TUPU_DEBUG            | the CLI prints the traceback of an unforeseen error  | 0                           |
| TUPU_LOAD_MAX_ROWS    | rows one file (CSV, XLSX sheet) may hold             | 2000000                     |
| TUPU_LOAD_MAX_COLUMNS | columns one row may hold                             | 500                         |
| TUPU_LOAD_MAX_FIELD_CHARS | characters one cell may hold                     | 131072                      |
| TUPU_LOAD_MAX_LINE_CHARS | characters one CSV line may hold                  | 1048576                     |
| TUPU_LOAD_MAX_CELLS   | non-empty cells one file may hold                    | 50000000                    |
| TUPU_LOAD_MAX_UNPACKED_MB | what an XLSX or an uploaded zip may unpack to (MB) | 1024                     |
| TUPU_LOAD_MAX_UNPACK_RATIO | unpacked ÷ packed size of one zip member        | 200                         |
| TUPU_LOAD_MAX_RDF_MB  | largest Turtle / JSON-LD file read (MB; parsed whole) | 200                        |
| TUPU_LOAD_SPOOL_MB    | a load whose input files are larger (MB) keeps its   | 16                          |
|                       | validated rows in a spool file until written (0: always) |                         |
| TUPU_SNAPSHOT_COMPACT_SHARE | memory store: when its deltas hold more than this | 0.1                        |
|                       | share of the snapshot's elements, the next write     |                             |
|                       | rewrites the whole snapshot (graph/stores/snapshot_delta.py) |                     |
| TUPU_SESSION_HOURS    | a browser sign-in lasts this long (server-side)      | 8                           |
| TUPU_FORWARDED_PROTO  | trust ``X-Forwarded-Proto: https`` from a proxy for  | 0                           |
|                       | the ``Secure`` cookie flag                           |                             |
| TUPU_DISCLOSURE_MIN   | viewers: a cell needs this many enterprises          | 3                           |
| TUPU_DISCLOSURE_P     | viewers: p% dominance rule (docs/security.md)        | 10                          |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tupu.errors import ConfigError
from tupu.messages import msg

DEV_PASSWORD = "tupu-dev-password"
DEV_PASSWORD_REFUSED = "development password in production"


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "tupu"


@dataclass(frozen=True)
class Limits:
    """How much one file from outside may hold; past a limit the file is refused (see
    docs/security.md). Read from the settings (``TUPU_LOAD_MAX_*``)."""

    max_rows: int = 2_000_000
    max_columns: int = 500
    max_field_chars: int = 131_072
    max_line_chars: int = 1_048_576
    max_cells: int = 50_000_000
    max_unpacked_bytes: int = 1024 << 20
    max_unpack_ratio: int = 200
    max_rdf_bytes: int = 200 << 20


COMPACT_SHARE = 0.1
"""The memory store's deltas may hold this share of its snapshot's elements before a write
rewrites the snapshot (``TUPU_SNAPSHOT_COMPACT_SHARE``; graph/stores/snapshot_delta.py)."""


class Settings(BaseSettings):
    """Typed settings, read once from the environment (prefix ``TUPU_``)."""

    model_config = SettingsConfigDict(
        env_prefix="TUPU_", env_file=".env", extra="ignore", frozen=True
    )

    env: Literal["development", "production"] = "development"
    store: Literal["memory", "neo4j"] = "memory"
    data_dir: Path = Field(default_factory=_default_data_dir)
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    neo4j_password: str = DEV_PASSWORD
    neo4j_database: str = "neo4j"
    neo4j_bolt_port: int = 7687
    neo4j_connect_timeout: float = 5.0
    neo4j_heap: str = Field(default="3g", pattern=r"^\d+[mg]$")  # bundled server's JVM heap
    neo4j_pagecache: str = Field(default="1g", pattern=r"^\d+[mg]$")  # its page cache
    batch_size: int = Field(default=10_000, ge=1)
    neo4j_tx_rows: int = Field(default=100_000, ge=1)  # larger loads: chunks + a Delivery node
    neo4j_bulk_rows: int = Field(default=100_000, ge=0)  # first loads this large: import tool
    analysis_config: Path | None = None  # override of graph/analysis.yaml (thresholds, weights)
    exchange_rates: Path | None = None  # override of loaders/exchange-rates.yaml
    require_neo4j: bool = False  # tests: a missing Neo4j fails instead of skipping (CI)
    serve_host: str = "127.0.0.1"  # `tupu serve`
    serve_port: int = Field(default=8000, ge=1, le=65535)
    # bearer token -> role; read as JSON, e.g. {"<token>": "viewer"}; never shown in a repr
    api_tokens: dict[str, Literal["viewer", "analyst", "admin"]] = Field(
        default_factory=dict, repr=False
    )
    upload_max_mb: int = Field(default=200, ge=1)  # largest upload POST /api/v1/load accepts
    debug: bool = False  # the CLI prints the traceback of an unforeseen error (developers)
    # limits on one file from outside (tupu.settings.Limits; docs/security.md)
    load_max_rows: int = Field(default=Limits.max_rows, ge=1)
    load_max_columns: int = Field(default=Limits.max_columns, ge=1)
    load_max_field_chars: int = Field(default=Limits.max_field_chars, ge=1)
    load_max_line_chars: int = Field(default=Limits.max_line_chars, ge=1)
    load_max_cells: int = Field(default=Limits.max_cells, ge=1)
    load_max_unpacked_mb: int = Field(default=Limits.max_unpacked_bytes >> 20, ge=1)
    load_max_unpack_ratio: int = Field(default=Limits.max_unpack_ratio, ge=1)
    load_max_rdf_mb: int = Field(default=Limits.max_rdf_bytes >> 20, ge=1)
    # a load of more input than this (MB) keeps its validated rows on disk (loaders/spool.py);
    # below it a load in memory peaks lower than a spooled 200 MB one (docs/security.md)
    load_spool_mb: float = Field(default=16.0, ge=0)
    # the memory store's deltas grow to this share of its snapshot, then a write compacts
    snapshot_compact_share: float = Field(default=COMPACT_SHARE, gt=0)
    session_hours: float = Field(default=8.0, gt=0, le=24 * 30)  # a browser sign-in's lifetime
    forwarded_proto: bool = False  # trust X-Forwarded-Proto from a reverse proxy (Secure cookie)
    # statistical disclosure control for viewers (docs/security.md)
    disclosure_min: int = Field(default=3, ge=2)  # fewest enterprises a published cell holds
    disclosure_p: float = Field(default=10.0, ge=0, le=100)  # p% dominance rule

    @model_validator(mode="after")
    def _refuse_default_password_in_production(self) -> Settings:
        if self.env == "production" and self.neo4j_password == DEV_PASSWORD:
            raise ValueError(DEV_PASSWORD_REFUSED)
        return self

    @property
    def limits(self) -> Limits:
        """The limits on one file from outside."""
        return Limits(
            max_rows=self.load_max_rows, max_columns=self.load_max_columns,
            max_field_chars=self.load_max_field_chars, max_line_chars=self.load_max_line_chars,
            max_cells=self.load_max_cells, max_unpacked_bytes=self.load_max_unpacked_mb << 20,
            max_unpack_ratio=self.load_max_unpack_ratio, max_rdf_bytes=self.load_max_rdf_mb << 20,
        )

    @property
    def snapshot_path(self) -> Path:
        return self.data_dir / "map.snapshot"


def load_settings(**overrides: object) -> Settings:
    """Read the settings, applying explicit overrides (command-line options) on top."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})  # type: ignore[arg-type]
    except ValidationError as e:
        # never ``str(e)``: pydantic quotes the input, which holds the tokens and the password
        raise ConfigError("；".join(_problem(err) for err in e.errors())) from None
    except ValueError as e:  # pydantic-settings: a value that is not JSON, e.g. TUPU_API_TOKENS
        field = next((f for f in Settings.model_fields if f'"{f}"' in str(e)), None)
        raise ConfigError(_field_problem(field or "?")) from None


def _problem(err: Mapping[str, Any]) -> str:
    """One validation problem in Chinese, naming the setting but never quoting its value."""
    loc = err.get("loc") or ()
    if not loc:  # a model validator: the only one refuses the development password
        return msg("api.settings_dev_password")
    return _field_problem(str(loc[0]))


def _field_problem(field: str) -> str:
    name = f"TUPU_{field.upper()}"
    if field == "api_tokens":
        return msg("api.settings_invalid", name=name, why=msg("api.settings_tokens_invalid"))
    return msg("api.settings_invalid", name=name, why=msg("api.settings_invalid_value"))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()


def current_limits() -> Limits:
    """The limits of the process-wide settings (what a reader uses unless it is given others)."""
    return get_settings().limits
