"""Authentication first, session cookies, security headers, /docs in production, and settings
errors that never quote a secret — each defect of issue 12 reproduced and now refused."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tupu.api.app import create_app
from tupu.api.auth import COOKIE, Role
from tupu.api.deps import get_store
from tupu.api.guard import CSP
from tupu.api.sessions import SessionTable
from tupu.errors import ConfigError
from tupu.graph.stores.memory_store import MemoryStore
from tupu.settings import Settings, load_settings

VIEWER = "viewer-token-0123456789"
ADMIN = "admin-token-0123456789ab"
TOKENS = {VIEWER: "viewer", "analyst-token-0123456789": "analyst", ADMIN: "admin"}
TEMPLATES = Path(__file__).resolve().parent.parent / "api" / "templates"


def settings_for(tmp_path: Path, **extra: object) -> Settings:
    values: dict[str, object] = {"data_dir": tmp_path / "data", "store": "memory",
                                 "api_tokens": TOKENS, "env": "development", **extra}
    return load_settings(**values)


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    web = create_app(settings_for(tmp_path))
    store = MemoryStore(None)
    web.dependency_overrides[get_store] = lambda: store
    return web


# -- authentication first ---------------------------------------------------------------------
def test_without_a_token_the_answer_is_401_even_when_the_store_is_down(tmp_path: Path) -> None:
    down = settings_for(tmp_path, store="neo4j", neo4j_uri="bolt://127.0.0.1:9",
                        neo4j_connect_timeout=0.5)
    client = TestClient(create_app(down))
    r = client.get("/api/v1/stats")
    assert r.status_code == 401  # was 503 naming the Bolt URI
    assert r.headers["www-authenticate"] == "Bearer"
    for secret in ("bolt", "127.0.0.1", ":9", str(tmp_path)):
        assert secret not in r.text
    page = client.get("/gaps")
    assert page.status_code == 401 and "bolt" not in page.text and "登录" in page.text
    assert client.get("/api/v1/stats", headers={"Authorization": "Bearer nope"}).status_code == 401
    signed = client.get("/api/v1/stats", headers={"Authorization": f"Bearer {VIEWER}"})
    assert signed.status_code == 503  # the store is reached only for a known token


def test_unknown_paths_tell_a_stranger_nothing(app: FastAPI) -> None:
    client = TestClient(app)
    assert client.get("/api/v1/no-such-thing").status_code == 401
    assert client.get("/api/v1/no-such-thing",
                      headers={"Authorization": f"Bearer {VIEWER}"}).status_code == 404


@pytest.fixture
def server(tmp_path: Path) -> Iterator[int]:
    """The app served by uvicorn on a free port (the upload test needs a real socket)."""
    web = create_app(settings_for(tmp_path))
    store = MemoryStore(None)
    web.dependency_overrides[get_store] = lambda: store
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    srv = uvicorn.Server(uvicorn.Config(web, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield port
    srv.should_exit = True
    thread.join(10)


def post_upload_head(port: int, token: str | None, size: int, sent: int) -> bytes:
    """Start a multipart upload announcing ``size`` bytes, send only ``sent`` of them, and
    return what the server answers within 3 s (b"" if it keeps waiting for the body)."""
    head = (f"POST /api/v1/load HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: multipart/form-data; boundary=xx\r\nContent-Length: {size}\r\n"
            + (f"Authorization: Bearer {token}\r\n" if token else "") + "\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=3) as sock:
        part = (b'--xx\r\nContent-Disposition: form-data; name="files"; filename="a.csv"\r\n'
                b"Content-Type: text/csv\r\n\r\n")
        sock.sendall(head + part + b"x" * (sent - len(part)))
        try:
            return sock.recv(4096)
        except TimeoutError:
            return b""


def test_an_unauthenticated_upload_is_refused_before_its_body_is_read(server: int) -> None:
    size = 200 << 20  # 200 MB: within TUPU_UPLOAD_MAX_MB, so only the token can stop it
    answer = post_upload_head(server, None, size, 64 << 10)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    # an admin's upload is read: the server waits for the rest of the body
    assert post_upload_head(server, ADMIN, size, 64 << 10) == b""


# -- sessions ---------------------------------------------------------------------------------
def test_the_login_cookie_is_a_session_id_not_the_token(app: FastAPI) -> None:
    browser = TestClient(app)
    ok = browser.post("/login", data={"token": VIEWER, "next": "/gaps"}, follow_redirects=False)
    assert ok.status_code == 303
    cookie = ok.headers["set-cookie"]
    sid = browser.cookies[COOKIE]
    assert VIEWER not in cookie and VIEWER[-6:] not in cookie and len(sid) >= 40
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    assert browser.get("/api/v1/stats").status_code == 200
    assert browser.get("/api/v1/export/ttl").status_code == 403  # the session is a viewer's
    browser.get("/logout")
    stale = TestClient(app, cookies={COOKIE: sid})
    assert stale.get("/api/v1/stats").status_code == 401  # signed out on the server
    assert TestClient(app, cookies={COOKIE: VIEWER}).get("/api/v1/stats").status_code == 401


def test_the_cookie_is_secure_over_https_or_a_trusted_proxy(tmp_path: Path) -> None:
    def cookie(web: FastAPI, base: str, headers: dict[str, str]) -> str:
        r = TestClient(web, base_url=base).post("/login", data={"token": VIEWER},
                                                headers=headers, follow_redirects=False)
        return r.headers["set-cookie"]

    plain = create_app(settings_for(tmp_path))
    assert "Secure" in cookie(plain, "https://testserver", {})
    assert "Secure" not in cookie(plain, "http://testserver", {"X-Forwarded-Proto": "https"})
    proxied = create_app(settings_for(tmp_path, forwarded_proto=True))
    assert "Secure" in cookie(proxied, "http://testserver", {"X-Forwarded-Proto": "https"})


def test_sessions_expire() -> None:
    now = [1000.0]
    table = SessionTable(hours=1, clock=lambda: now[0], limit=3)
    sid = table.open(Role.analyst)
    assert table.role_of(sid) is Role.analyst
    assert table.role_of(sid + "x") is None and table.role_of(None) is None
    now[0] += 3601
    assert table.role_of(sid) is None
    ids = [table.open(Role.viewer) for _ in range(5)]
    assert len(table) == 3 and table.role_of(ids[-1]) is Role.viewer  # bounded


# -- headers -----------------------------------------------------------------------------------
def assert_secured(r: object, what: str) -> None:
    headers = r.headers  # type: ignore[attr-defined]
    assert headers.get("content-security-policy") == CSP, what
    assert "frame-ancestors 'none'" in CSP and "script-src 'self'" in CSP
    assert headers.get("x-content-type-options") == "nosniff", what
    assert headers.get("x-frame-options") == "DENY", what
    assert headers.get("referrer-policy") == "no-referrer", what


def test_every_response_carries_the_security_headers(app: FastAPI) -> None:
    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    anonymous = TestClient(app, raise_server_exceptions=False)
    signed = TestClient(app, headers={"Authorization": f"Bearer {VIEWER}"},
                        raise_server_exceptions=False)
    for what, r in (
        ("page", signed.get("/")), ("json", signed.get("/api/v1/stats")),
        ("401", anonymous.get("/api/v1/stats")), ("login", anonymous.get("/login")),
        ("404", signed.get("/api/v1/chains/none")), ("403", signed.get("/api/v1/export/ttl")),
        ("static", anonymous.get("/static/tupu.css")),
        ("redirect", anonymous.get("/logout", follow_redirects=False)),
        ("500", signed.get("/api/v1/boom")),
    ):
        assert_secured(r, what)
    assert signed.get("/api/v1/stats").headers["cache-control"] == "no-store"
    crash = signed.get("/api/v1/boom")
    assert crash.status_code == 500 and "a bug" not in crash.text and "Traceback" not in crash.text


INLINE = re.compile(r"<script(?![^>]*(\bsrc=|type=\"application/json\"))[^>]*>|\sstyle=|<style|"
                    r"\son[a-z]+=", re.I)


def test_templates_have_no_inline_script_or_style() -> None:
    for path in sorted(TEMPLATES.glob("*.html")):
        found = INLINE.search(path.read_text(encoding="utf-8"))
        assert found is None, f"{path.name}: {found.group(0) if found else ''} (CSP forbids it)"


def test_docs_need_a_token_in_production(tmp_path: Path) -> None:
    prod = create_app(settings_for(tmp_path, env="production", neo4j_password="a-real-password"))
    anonymous = TestClient(prod)
    assert anonymous.get("/openapi.json").status_code == 401
    assert anonymous.get("/docs").status_code == 401
    assert anonymous.get("/static/tupu.css").status_code == 200
    signed = TestClient(prod, headers={"Authorization": f"Bearer {VIEWER}"})
    assert signed.get("/openapi.json").status_code == 200
    assert signed.get("/docs").status_code == 200
    dev = TestClient(create_app(settings_for(tmp_path)))
    assert dev.get("/openapi.json").status_code == 200  # development: public


# -- secrets never in messages -----------------------------------------------------------------
SECRET = "s3cr3t-Token-ABCDEFGHIJ"


def pieces(secret: str, n: int = 4) -> set[str]:
    return {secret[i:i + n] for i in range(len(secret) - n + 1)}


@pytest.mark.parametrize("tokens", [
    f'{{"{SECRET}": "boss"}}',  # an unknown role
    f'{{"{SECRET}": "viewer"',  # not JSON
    f'["{SECRET}"]',  # not an object
])
def test_bad_tokens_setting_never_prints_a_token(monkeypatch: pytest.MonkeyPatch,
                                                  tokens: str) -> None:
    monkeypatch.setenv("TUPU_API_TOKENS", tokens)
    with pytest.raises(ConfigError) as err:
        load_settings()
    text = str(err.value) + repr(err.value) + str(err.value.__cause__ or "")
    assert "TUPU_API_TOKENS" in text
    assert not [p for p in pieces(SECRET) if p in text], text


def test_the_production_password_error_never_prints_a_token(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUPU_API_TOKENS", f'{{"{SECRET}": "admin"}}')
    monkeypatch.setenv("TUPU_ENV", "production")
    monkeypatch.delenv("TUPU_NEO4J_PASSWORD", raising=False)
    with pytest.raises(ConfigError) as err:
        load_settings()
    text = str(err.value) + repr(err.value) + str(err.value.__cause__ or "")
    assert "TUPU_NEO4J_PASSWORD" in text
    assert not [p for p in pieces(SECRET) if p in text], text
    assert "tupu-dev-password" not in text


def test_a_short_production_token_is_refused_without_showing_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        create_app(settings_for(tmp_path, env="production", neo4j_password="a-real-password",
                                api_tokens={"shorty-tok": "admin"}))
    assert "shorty" not in str(err.value) and "TUPU_API_TOKENS" in str(err.value)
