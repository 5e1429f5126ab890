"""The two outermost layers of the app: security headers on every response, and the
authentication gate that runs before anything else.

:class:`AuthGate` resolves the request's role from its bearer token or session cookie *before*
routing: a request without a valid token never reaches a dependency that opens the store, and an
upload is refused before one byte of its body is read (the gate never calls ``receive``). It
answers 401 (JSON under ``/api/``, the sign-in page elsewhere) for every path except the public
ones: the sign-in pages, the static files, and ``/docs`` with ``/openapi.json`` outside
production. The role found is left in the ASGI scope for :func:`tupu.api.deps.current_role`.

:class:`SecurityHeaders` adds a strict Content-Security-Policy (scripts, styles, images and fonts
from the app itself only; no inline script or style; no framing), ``X-Content-Type-Options``,
``X-Frame-Options``, ``Referrer-Policy`` and, except for static files, ``Cache-Control:
no-store`` to every response — errors, redirects and static files included. An exception that
escapes the app before a response started becomes a 500 problem carrying the same headers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tupu.api.auth import COOKIE, Role, resolve_role
from tupu.api.state import AppState
from tupu.messages import msg

log = logging.getLogger("tupu.api")

ROLE_KEY = "tupu.role"  # the ASGI scope key the gate leaves the role under

CSP = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'",
    "form-action 'self'", "frame-ancestors 'none'",
))
HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CSP),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cross-origin-opener-policy", "same-origin"),
)
PUBLIC = ("/login", "/logout")
PUBLIC_PREFIXES = ("/static/",)
DOCS = ("/docs", "/openapi.json")

HtmlRenderer = Callable[[Request, int, str], Response]


def app_path(scope: Scope) -> str:
    """The request's path inside the app (without a proxy's root path)."""
    path: str = scope.get("path", "")
    root: str = scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


def is_api_path(path: str) -> bool:
    return path.startswith("/api/") or path == "/openapi.json"


def is_public(path: str, production: bool) -> bool:
    """Paths anyone may fetch: signing in, static files, and the API docs outside production."""
    if path in PUBLIC or path.startswith(PUBLIC_PREFIXES):
        return True
    return path in DOCS and not production


def is_https(scope: Scope, trust_forwarded: bool) -> bool:
    """The request came over HTTPS (or through a trusted proxy that says so)."""
    if scope.get("scheme") == "https":
        return True
    if trust_forwarded:
        for name, value in scope.get("headers", ()):
            if name == b"x-forwarded-proto":
                proto: bytes = value.split(b",")[0].strip().lower()
                return proto == b"https"
    return False


class AuthGate:
    """Refuses unauthenticated requests to non-public paths before they are routed."""

    def __init__(self, app: ASGIApp, state: AppState, page: HtmlRenderer) -> None:
        self.app, self.state, self.page = app, state, page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)  # headers and cookies only: the body is never read here
        settings = self.state.settings
        role: Role | None = resolve_role(settings, self.state.sessions,
                                         request.headers.get("authorization"),
                                         request.cookies.get(COOKIE))
        scope[ROLE_KEY] = role
        path = app_path(scope)
        if role is None and not is_public(path, settings.env == "production"):
            response = unauthorized(request, path, self.page)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def unauthorized(request: Request, path: str, page: HtmlRenderer) -> Response:
    """The 401 answer: a JSON problem under ``/api/``, else the sign-in page."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if is_api_path(path):
        return JSONResponse({"error": "HTTPError", "detail": msg("api.unauthorized")},
                            status_code=401, headers=challenge)
    response = page(request, 401, msg("api.unauthorized"))
    response.headers.update(challenge)
    return response


class SecurityHeaders:
    """Adds :data:`HEADERS` (and no-store, HSTS where they apply) to every response."""

    def __init__(self, app: ASGIApp, trust_forwarded: bool = False) -> None:
        self.app, self.trust_forwarded = app, trust_forwarded

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = app_path(scope)
        extra = list(HEADERS)
        if not path.startswith("/static/"):
            extra.append(("cache-control", "no-store"))
        if is_https(scope, self.trust_forwarded):
            extra.append(("strict-transport-security", "max-age=31536000"))
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k.encode(), v.encode()) for k, v in extra
                            if k.encode() not in present]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if not started:  # one problem with the headers; the server logs the traceback
                detail = msg("api.internal_error")
                response: Response = (
                    JSONResponse({"error": "InternalError", "detail": detail}, status_code=500)
                    if is_api_path(path) else PlainTextResponse(detail, status_code=500))
                await response(scope, receive, send_with_headers)
            raise
