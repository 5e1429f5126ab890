"""The dependencies every route declares, as ``Annotated`` aliases.

Tests swap the store with ``app.dependency_overrides[get_store]`` (and ``get_writable_store`` for
loads) instead of opening one from the settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tupu.api import disclosure
from tupu.api.auth import Role
from tupu.api.guard import ROLE_KEY
from tupu.api.state import AppState
from tupu.graph.analyses.config import AnalysisConfig
from tupu.graph.stores.store import GraphStore
from tupu.messages import msg
from tupu.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="TUPU_API_TOKENS 中的令牌")


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.tupu
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_settings(state: StateDep) -> Settings:
    return state.settings


def get_analysis(state: StateDep) -> AnalysisConfig:
    return state.analysis


def current_role(request: Request, state: StateDep,
                 credentials: Annotated[HTTPAuthorizationCredentials | None,
                                        Depends(_bearer)]) -> Role:
    """The role the authentication gate (:mod:`tupu.api.guard`) found for the request; 401
    without one. (``credentials`` is only there so that the OpenAPI description shows the
    bearer scheme.)"""
    role = request.scope.get(ROLE_KEY)
    if role is None:
        raise HTTPException(401, msg("api.unauthorized"), headers={"WWW-Authenticate": "Bearer"})
    assert isinstance(role, Role)
    return role


RoleDep = Annotated[Role, Depends(current_role)]


def get_store(state: StateDep, role: RoleDep) -> Iterator[GraphStore]:
    """The store, read under the shared lock — only ever for an authenticated request."""
    with state.lock.read():
        yield state.store


def get_writable_store(state: StateDep, role: RoleDep) -> Iterator[GraphStore]:
    """The store, held alone for writing (no request reads it meanwhile)."""
    with state.lock.write():
        try:
            yield state.store
        finally:
            disclosure.forget()  # the viewers' suppression pattern is built anew


SettingsDep = Annotated[Settings, Depends(get_settings)]
AnalysisDep = Annotated[AnalysisConfig, Depends(get_analysis)]
StoreDep = Annotated[GraphStore, Depends(get_store)]
WritableStoreDep = Annotated[GraphStore, Depends(get_writable_store)]


FORBIDDEN = {Role.analyst: "api.forbidden_analyst", Role.admin: "api.forbidden_admin"}


def ensure_role(role: Role, minimum: Role) -> Role:
    """``role`` if it is at least ``minimum``; 403 otherwise."""
    if role < minimum:
        raise HTTPException(403, msg(FORBIDDEN.get(minimum, "api.forbidden")))
    return role


def require_analyst(role: RoleDep) -> Role:
    return ensure_role(role, Role.analyst)


def require_admin(role: RoleDep) -> Role:
    return ensure_role(role, Role.admin)


AnalystDep = Annotated[Role, Depends(require_analyst)]
AdminDep = Annotated[Role, Depends(require_admin)]
