"""登录 and 退出: a browser keeps its bearer token in an HttpOnly, SameSite=Strict cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tupu.api.auth import COOKIE, Role, role_of_token
from tupu.api.deps import SettingsDep
from tupu.api.pages.base import NoticeDep, Page, safe_next

router = APIRouter()
COOKIE_DAYS = 7


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, settings: SettingsDep, found: NoticeDep,
               next: str = "/") -> HTMLResponse:
    page = Page(request, Role.viewer, found, signed_in=False)
    return page.render("login.html", next=safe_next(next), open_access=not settings.api_tokens)


@router.post("/login", response_class=HTMLResponse, response_model=None)
def login(request: Request, settings: SettingsDep, found: NoticeDep,
          token: Annotated[str, Form(max_length=1000)], next: Annotated[str, Form()] = "/",
          ) -> Response:
    target = safe_next(next)
    if not settings.api_tokens or role_of_token(settings, token.strip()) is None:
        page = Page(request, Role.viewer, found, signed_in=False)
        message = "令牌无效，请重新输入。" if settings.api_tokens else "未配置令牌，无需登录。"
        return page.render("login.html", 401 if settings.api_tokens else 200, message=message,
                           next=target, open_access=not settings.api_tokens)
    root = request.scope.get("root_path", "")
    response = RedirectResponse(root + target, status_code=303)
    response.set_cookie(COOKIE, token.strip(), max_age=COOKIE_DAYS * 86400, httponly=True,
                        samesite="strict", secure=request.url.scheme == "https",
                        path=root or "/")
    return response


@router.get("/logout")
def logout(request: Request) -> Response:
    root = request.scope.get("root_path", "")
    response = RedirectResponse(f"{root}/login", status_code=303)
    response.delete_cookie(COOKIE, path=root or "/")
    return response
