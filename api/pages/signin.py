"""登录 and 退出: a browser signs in with its token once and then holds only a session id.

The cookie (``tupu_session``) is a random id the server maps to the role until it expires
(:mod:`tupu.api.sessions`); it is HttpOnly, SameSite=Strict, and Secure when the request came over
HTTPS (or, with ``TUPU_FORWARDED_PROTO=1``, through a proxy that says so). These pages are public:
they never open the store (the footer shows the notice only once a signed-in page has read it).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tupu.api.auth import COOKIE, Role, role_of_token
from tupu.api.deps import SettingsDep, StateDep
from tupu.api.guard import is_https
from tupu.api.pages.base import Page, safe_next
from tupu.messages import msg

router = APIRouter()


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, settings: SettingsDep, state: StateDep,
               next: str = "/") -> HTMLResponse:
    page = Page(request, Role.viewer, state.notice, signed_in=False)
    return page.render("login.html", next=safe_next(next), open_access=not settings.api_tokens)


@router.post("/login", response_class=HTMLResponse, response_model=None)
def login(request: Request, settings: SettingsDep, state: StateDep,
          token: Annotated[str, Form(max_length=1000)], next: Annotated[str, Form()] = "/",
          ) -> Response:
    target = safe_next(next)
    role = role_of_token(settings, token.strip()) if settings.api_tokens else None
    if role is None:
        page = Page(request, Role.viewer, state.notice, signed_in=False)
        message = msg("api.login_bad_token" if settings.api_tokens else "api.login_open_access")
        return page.render("login.html", 401 if settings.api_tokens else 200, message=message,
                           next=target, open_access=not settings.api_tokens)
    state.sessions.close(request.cookies.get(COOKIE))  # a new sign-in replaces the old one
    root = request.scope.get("root_path", "")
    response = RedirectResponse(root + target, status_code=303)
    response.set_cookie(COOKIE, state.sessions.open(role),
                        max_age=int(state.sessions.seconds), httponly=True, samesite="strict",
                        secure=is_https(request.scope, settings.forwarded_proto),
                        path=root or "/")
    return response


@router.get("/logout")
def logout(request: Request, state: StateDep) -> Response:
    state.sessions.close(request.cookies.get(COOKIE))
    root = request.scope.get("root_path", "")
    response = RedirectResponse(f"{root}/login", status_code=303)
    response.delete_cookie(COOKIE, path=root or "/")
    return response
