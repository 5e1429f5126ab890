"""The dashboard charts drawn by a real headless Chromium against the app served over HTTP.

Each chart page is opened with ``chromium --headless --dump-dom``; the DOM after its scripts ran
must show every chart place drawn by ECharts (a canvas inside, ``data-drawn`` set by
``static/charts.js``) and the browser must log no script error. Skipped when no Chromium is
installed (the browser tests' setup installs Debian's ``chromium``).
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from tests.conftest import shared_sample
from tupu.api.app import create_app
from tupu.api.deps import get_store
from tupu.settings import load_settings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed")]
CHART_PLACE = re.compile(r'<div class="chart[^"]*" data-chart="([a-z_]+)"[^>]*>')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on the sample city, served by uvicorn on 127.0.0.1 (development: no tokens,
    every request is an analyst)."""
    store = shared_sample()
    app = create_app(load_settings(data_dir=tmp_path_factory.mktemp("data"), store="memory",
                                   env="development"))
    app.dependency_overrides[get_store] = lambda: store
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def render(url: str, profile: Path) -> tuple[str, str]:
    """The DOM of ``url`` after its scripts ran, and what the browser logged."""
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
         "--virtual-time-budget=20000", "--dump-dom", url],
        capture_output=True, text=True, timeout=180, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, done.stderr


@pytest.mark.parametrize("path", ["/", "/targets", "/bulletin/2025Q2"])
def test_every_chart_is_drawn_without_script_errors(base_url: str, path: str,
                                                    tmp_path: Path) -> None:
    dom, log = render(base_url + path, tmp_path / "profile")
    places = CHART_PLACE.findall(dom)
    assert places, dom[:2000]
    for chart in places:
        tag = re.search(rf'<div class="chart[^"]*" data-chart="{chart}"[^>]*>', dom)
        assert tag is not None and 'data-drawn="true"' in tag.group(0), (path, chart)
    assert dom.count("<canvas") >= len(places), path
    errors = [line for line in log.splitlines()
              if "CONSOLE" in line and ("Uncaught" in line or "Error" in line)]
    assert not errors, errors
