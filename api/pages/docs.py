"""``/docs``: Swagger UI for the OpenAPI description, from the ``swagger-ui-bundle-v2`` package's
files served by the app (no CDN; the online validator is switched off).

Only the three files the page needs are served: the package's own ``index.html`` and initializer
point at an online demo API.
"""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

from tupu.api.pages.base import templates

router = APIRouter()

SWAGGER_DIR = Path(str(swagger_ui_bundle.swagger_ui_path))
SWAGGER_URL = "/static/vendor/swagger-ui"
SWAGGER_FILES = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
                 "favicon-32x32.png": "image/png"}


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    return templates.TemplateResponse(request, "docs.html", {
        "root": root, "assets": root + SWAGGER_URL, "openapi_url": root + "/openapi.json",
    })


@router.get(SWAGGER_URL + "/{name}")
def swagger_asset(name: str) -> FileResponse:
    media = SWAGGER_FILES.get(name)
    if media is None:
        raise HTTPException(404, f"no such file {name!r}")
    return FileResponse(SWAGGER_DIR / name, media_type=media)
