"""The FastAPI app: JSON under ``/api/v1``, zh-CN HTML pages under ``/``, every asset local.

``create_app(settings)`` builds one app around one :class:`~tupu.api.state.AppState` (the store
is opened on first use and closed at shutdown). Government intranets have no internet, so nothing
is loaded from a CDN: the pages' CSS is the app's own, the neighbourhood graph's vis-network comes
from the pyvis package, and ``/docs`` is Swagger UI from the ``swagger-ui-bundle-v2`` package.
ReDoc is switched off (it has no offline bundle here).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from tupu import __version__
from tupu.api import http_errors
from tupu.api.auth import check_auth_config
from tupu.api.graphview import VIS_DIR, VIS_URL
from tupu.api.guard import AuthGate, SecurityHeaders
from tupu.api.pages import pages_router
from tupu.api.pages.base import error_page
from tupu.api.routers import PREFIX, api_router
from tupu.api.state import AppState
from tupu.settings import Settings

STATIC_DIR = Path(__file__).resolve().parent / "static"

DESCRIPTION = """产业图谱（tupu）HTTP 接口。

以 `Authorization: Bearer <令牌>` 访问（令牌见 `TUPU_API_TOKENS`）。角色：
**浏览**（viewer，仅汇总数据，不含具名企业的营收、人数等数字）、**分析**（analyst，企业明细与导出）、
**管理**（admin，另可载入数据）。
"""


def create_app(settings: Settings) -> FastAPI:
    """The app for ``settings``; :class:`~tupu.errors.ConfigError` when its tokens are unusable
    (none, or short ones, in production)."""
    check_auth_config(settings)
    state = AppState(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(
        title="tupu 产业图谱", version=__version__, description=DESCRIPTION,
        docs_url=None, redoc_url=None, openapi_url="/openapi.json", lifespan=lifespan,
    )
    app.state.tupu = state
    app.include_router(api_router())
    app.include_router(pages_router())  # before the mounts: it serves Swagger UI's files
    app.mount(VIS_URL, StaticFiles(directory=VIS_DIR), name="vis-network")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    http_errors.install(app, error_page)
    app.middleware("http")(_upload_limit(settings.upload_max_mb << 20))
    app.add_middleware(AuthGate, state=state, page=error_page)  # before the upload limit
    app.add_middleware(SecurityHeaders, trust_forwarded=settings.forwarded_proto)  # outermost
    return app


def _upload_limit(limit: int) -> Callable[[Request, Callable[[Request], Awaitable[Response]]],
                                          Awaitable[Response]]:
    """Refuse a load whose body is over the limit, or of unknown length, before it is read."""
    async def check(request: Request,
                    call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.method == "POST" and request.url.path == f"{PREFIX}/load":
            length = request.headers.get("content-length")
            if length is None or not length.isdigit():
                return JSONResponse({"error": "HTTPError", "detail": "需要 Content-Length"},
                                    status_code=411)
            if int(length) > limit:
                return JSONResponse(
                    {"error": "TooLarge",
                     "detail": f"上传超过 {limit >> 20} MB（TUPU_UPLOAD_MAX_MB）"},
                    status_code=413)
        return await call_next(request)

    return check
