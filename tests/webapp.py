"""What the web tests share: tokens of each role, the app on a given store, the sample city."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import shared_sample
from tupu.api.app import create_app
from tupu.api.deps import get_store, get_writable_store
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.store import GraphStore
from tupu.settings import Settings, load_settings

TOKENS = {"viewer-token-0123456789": "viewer", "analyst-token-0123456789": "analyst",
          "admin-token-0123456789ab": "admin"}
FIGURE_KEYS = {"annual_revenue", "employees", "registered_capital", "revenue_ttm", "revenue_ytd",
               "revenue_ytd_prev", "annual_value", "amount", "need", "observations", "scale"}
"""Enterprise figures: never in what a viewer receives."""


def bearer(role: str) -> dict[str, str]:
    """The Authorization header of ``role``'s token."""
    return {"Authorization": f"Bearer {next(t for t, r in TOKENS.items() if r == role)}"}


def sample_store() -> MemoryStore:
    """The fictional sample city in memory, loaded once per run and shared read-only
    (:func:`tests.conftest.shared_sample`; writing into it fails)."""
    return shared_sample()


def web_settings(data_dir: Path) -> Settings:
    """Development settings with :data:`TOKENS`, the memory store in ``data_dir``."""
    return load_settings(data_dir=data_dir, store="memory", api_tokens=TOKENS, env="development")


def app_on(settings: Settings, store: GraphStore) -> FastAPI:
    """The app as ``tupu serve`` builds it, reading ``store``."""
    web = create_app(settings)
    web.dependency_overrides[get_store] = lambda: store
    return web


def admin_on_empty_store(data_dir: Path) -> tuple[TestClient, MemoryStore]:
    """An admin's client of the app whose reads and writes go to a new, empty memory store (the
    upload tests: whatever a refused upload wrote would show in the store)."""
    store = MemoryStore(None)
    web = app_on(web_settings(data_dir), store)
    web.dependency_overrides[get_writable_store] = lambda: store
    return TestClient(web, headers=bearer("admin")), store
