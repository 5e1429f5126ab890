"""``/docs``: Swagger UI for the OpenAPI description, from the ``swagger-ui-bundle-v2`` package's
files served by the app (no CDN; the online validator is switched off)."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tupu.api.pages.base import templates

router = APIRouter()

SWAGGER_DIR = Path(str(swagger_ui_bundle.swagger_ui_path))
SWAGGER_URL = "/static/vendor/swagger-ui"


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    return templates.TemplateResponse(request, "docs.html", {
        "root": root, "assets": root + SWAGGER_URL, "openapi_url": root + "/openapi.json",
    })
