"""What every page shares: the templates, the navigation, the footer notice and error pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from tupu.api.auth import Role
from tupu.api.deps import RoleDep, StateDep, StoreDep
from tupu.api.http_errors import TITLES_ZH
from tupu.api.queries.overview import FICTIONAL_NOTICE, Notice, notice
from tupu.api.state import AppState
from tupu.api.pages import filters
from tupu.messages import msg

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
filters.install(templates.env)
templates.env.globals["msg"] = msg  # the catalogue's texts in templates

NAV: tuple[tuple[str, str], ...] = (
    ("/", "首页"), ("/gaps", "缺口"), ("/clusters", "产业集群"), ("/parks", "园区"),
    ("/map", "产业图谱"), ("/explore", "图谱探索"),
    ("/enterprises", "企业检索"), ("/towns", "区镇"), ("/universities", "高校"), ("/funds", "基金"),
    ("/anchors", "龙头影响"), ("/projects", "项目监测"), ("/targets", "目标进度"),
    ("/bulletin", "季度通报"), ("/docs", "接口文档"),
)


def get_notice(state: StateDep, store: StoreDep) -> Notice:
    """The datasets' notice (kept on the app for error pages, which cannot read the store)."""
    found = notice(store)
    state.notice = found
    return found


NoticeDep = Annotated[Notice, Depends(get_notice)]


@dataclass(frozen=True)
class Page:
    """A page being answered: who asks and what the footer says."""

    request: Request
    role: Role
    notice: Notice | None
    signed_in: bool = True  # False on error pages, which do not know who asks

    @property
    def analyst(self) -> bool:
        return self.signed_in and self.role >= Role.analyst

    def render(self, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        context = {
            "role": self.role if self.signed_in else None, "analyst": self.analyst, "notice": self.notice,
            "fictional_notice": FICTIONAL_NOTICE, "nav": NAV,
            "root": self.request.scope.get("root_path", ""), "path": self.request.url.path,
            **values,
        }
        return templates.TemplateResponse(self.request, template, context,
                                          status_code=status_code)


def get_page(request: Request, role: RoleDep, found: NoticeDep) -> Page:
    return Page(request, role, found)


PageDep = Annotated[Page, Depends(get_page)]


def error_page(request: Request, status: int, message: str) -> Response:
    """The page of an error: the sign-in form for 401, else what went wrong."""
    state: AppState = request.app.state.tupu
    # 401: the request is not signed in, so the store is not opened for it; 503: it is down
    found = state.notice if status in (401, 503) else state.known_notice()
    page = Page(request, Role.viewer, found, signed_in=False)
    if status == 401:
        return page.render("login.html", 401, message=message, next=safe_next(
            request.url.path + (f"?{request.url.query}" if request.url.query else "")))
    return page.render("error.html", status, status=status,
                       title=TITLES_ZH.get(status, "出错了"), message=message)


def safe_next(target: str | None) -> str:
    """A local path to go back to after signing in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
