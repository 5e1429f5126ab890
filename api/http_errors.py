"""Domain errors turned into HTTP statuses: the one place where that happens.

::

    TupuError            500
    ├── InputError       422 (ValidationFailed: with its problems, each naming file, row, column)
    │   ├── TooLarge     413 (an upload, or what it unpacks to, over TUPU_UPLOAD_MAX_MB)
    │   └── BadValue     400 (a malformed parameter, e.g. a period that is not yyyyQn)
    ├── SchemaError      400
    ├── UsageError       400
    │   └── NotFound     404 (a chain, link, enterprise, park or period that does not exist)
    ├── ConfigError      500
    └── StoreError       503 (one Chinese line; the store's own message goes to the log only)
    any other exception  500 (one Chinese line; the traceback goes to the log) — a full disk 503

Under ``/api/`` the answer is JSON ``{"error": <class>, "detail": <message>, "problems": […]}``;
elsewhere an HTML page (zh-CN) says what went wrong. HTTP errors raised by the framework or by the
role checks (401, 403, 404 of unknown paths) are rendered the same way. Nothing else leaves the
app: :func:`install` adds a last middleware that turns any exception left into a logged
traceback and that one line, so no request ends in a bare 500 or shows a traceback.
"""

from __future__ import annotations

import errno
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from tupu.api.uploads import TooLarge
from tupu.errors import (
    BadValue, ConfigError, InputError, SchemaError, StoreError, StoreUnavailable, TupuError,
    UsageError, ValidationFailed,
)
from tupu.messages import msg

log = logging.getLogger("tupu.api")


class NotFound(UsageError):
    """A resource named in the request (chain, link, enterprise, park, period) does not exist."""


STATUSES: tuple[tuple[type[TupuError], int], ...] = (  # most specific first
    (NotFound, 404),
    (TooLarge, 413),
    (BadValue, 400),
    (StoreUnavailable, 503),
    (StoreError, 503),
    (InputError, 422),
    (SchemaError, 400),
    (UsageError, 400),
    (ConfigError, 500),
    (TupuError, 500),
)

TITLES_ZH = {400: "请求有误", 401: "请先登录", 403: "无权访问", 404: "未找到", 405: "方法不允许",
             413: "上传文件过大", 422: "数据有误", 500: "服务器内部错误", 503: "数据存储暂不可用"}

HtmlRenderer = Callable[[Request, int, str], Response]


def status_of(error: TupuError) -> int:
    for cls, status in STATUSES:
        if isinstance(error, cls):
            return status
    return 500


def error_body(error: TupuError) -> dict[str, Any]:
    if isinstance(error, StoreError):  # its message may name paths or URIs: those go to the log
        return {"error": type(error).__name__, "detail": msg("failure.store_api")}
    body: dict[str, Any] = {"error": type(error).__name__, "detail": str(error)}
    if isinstance(error, ValidationFailed):
        body["problems"] = [
            {"file": p.file, "row": p.row, "column": p.column, "value": p.value,
             "message": p.message}
            for p in error.problems
        ]
    return body


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def install(app: FastAPI, html: HtmlRenderer) -> None:
    """Register the handlers; ``html`` renders the error page of a non-API request."""

    async def on_tupu_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, TupuError)
        status = status_of(exc)
        if status >= 500:
            log.error("%s %s: %s", request.method, request.url.path, exc, exc_info=exc)
        body = error_body(exc)
        if is_api(request):
            return JSONResponse(body, status_code=status)
        return html(request, status, str(body["detail"]))

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers or {})
        if is_api(request):
            return JSONResponse({"error": "HTTPError", "detail": exc.detail},
                                status_code=exc.status_code, headers=headers)
        page = html(request, exc.status_code, str(exc.detail))
        page.headers.update(headers)
        return page

    handlers: dict[type[Exception], Callable[[Request, Exception], Awaitable[Response]]] = {
        TupuError: on_tupu_error, StarletteHTTPException: on_http_error,
    }
    for cls, handler in handlers.items():
        app.add_exception_handler(cls, handler)

    async def last_resort(request: Request,
                          call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        try:
            return await call_next(request)
        except Exception as exc:  # noqa: BLE001 - the edge: one line for the user, the log keeps all
            log.error("%s %s: unhandled %s", request.method, request.url.path,
                      type(exc).__name__, exc_info=exc)
            full = isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)
            status, key = (503, "failure.disk_full_api") if full else (500, "failure.internal_api")
            if is_api(request):
                return JSONResponse({"error": "InternalError", "detail": msg(key)},
                                    status_code=status)
            return html(request, status, msg(key))

    app.middleware("http")(last_resort)
