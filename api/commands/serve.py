"""``tupu serve [--host H] [--port P]``: the web UI and the HTTP API (uvicorn)."""

from __future__ import annotations

import click

from tupu.api.commands.common import pass_app
from tupu.api.context import AppContext


@click.command()
@click.option("--host", default=None,
              help="Address to listen on (default: TUPU_SERVE_HOST, else 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port to listen on (default: TUPU_SERVE_PORT, else 8000).")
@pass_app
def serve(app: AppContext, host: str | None, port: int | None) -> None:
    """Serve the zh-CN pages under / and the JSON API under /api/v1 (docs at /docs), offline.

    Roles come from TUPU_API_TOKENS (bearer tokens); production refuses to start without them.
    """
    import uvicorn

    from tupu.api.app import create_app

    settings = app.settings.model_copy(update={
        k: v for k, v in (("serve_host", host), ("serve_port", port)) if v is not None})
    web = create_app(settings)
    shown = f"[{settings.serve_host}]" if ":" in settings.serve_host else settings.serve_host
    click.echo(f"tupu 产业图谱: http://{shown}:{settings.serve_port}/  "
               "（接口 /api/v1，文档 /docs；Ctrl+C 停止）", err=True)
    uvicorn.run(web, host=settings.serve_host, port=settings.serve_port, log_level="info")
