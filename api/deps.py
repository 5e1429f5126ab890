"""The dependencies every route declares, as ``Annotated`` aliases.

Tests swap the store with ``app.dependency_overrides[get_store]`` (and ``get_writable_store`` for
loads) instead of opening one from the settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tupu.api.auth import COOKIE, Role, role_of_token
from tupu.api.state import AppState
from tupu.graph.analyses.config import AnalysisConfig
from tupu.graph.stores.store import GraphStore
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


def get_store(state: StateDep) -> Iterator[GraphStore]:
    """The store, read under the shared lock."""
    with state.lock.read():
        yield state.store


def get_writable_store(state: StateDep) -> Iterator[GraphStore]:
    """The store, held alone for writing (no request reads it meanwhile)."""
    with state.lock.write():
        yield state.store


SettingsDep = Annotated[Settings, Depends(get_settings)]
AnalysisDep = Annotated[AnalysisConfig, Depends(get_analysis)]
StoreDep = Annotated[GraphStore, Depends(get_store)]
WritableStoreDep = Annotated[GraphStore, Depends(get_writable_store)]


def current_role(
    request: Request,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Role:
    """The role of the request's bearer token (header, else the sign-in cookie); 401 without."""
    token = credentials.credentials if credentials is not None else request.cookies.get(COOKIE)
    role = role_of_token(settings, token)
    if role is None:
        raise HTTPException(
            401, "缺少或无效的访问令牌（Authorization: Bearer <token>）",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return role


RoleDep = Annotated[Role, Depends(current_role)]


FORBIDDEN = {
    Role.analyst: "需要“分析”或“管理”角色：企业明细数据与导出仅对分析人员开放",
    Role.admin: "需要“管理”角色：只有管理员可以载入数据",
}


def ensure_role(role: Role, minimum: Role) -> Role:
    """``role`` if it is at least ``minimum``; 403 otherwise."""
    if role < minimum:
        raise HTTPException(403, FORBIDDEN.get(minimum, "无权访问"))
    return role


def require_analyst(role: RoleDep) -> Role:
    return ensure_role(role, Role.analyst)


def require_admin(role: RoleDep) -> Role:
    return ensure_role(role, Role.admin)


AnalystDep = Annotated[Role, Depends(require_analyst)]
AdminDep = Annotated[Role, Depends(require_admin)]
