"""The bundled Neo4j server (neo4j-server/ and graph/stores/neo4j_server.py), really built and started.

Each test that starts a server uses its own temporary data folder and a free port, so it never
meets a server the developer (or ``make test``) runs. Without Java or Maven these tests skip,
unless TUPU_REQUIRE_NEO4J=1 (CI), where they fail.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tupu.api.commands.neo4j import neo4j as neo4j_group
from tupu.errors import ConfigError
from tupu.graph.stores import neo4j_server as ns
from tupu.settings import Settings, load_settings

PASSWORD = "test-password-1"
START_BUDGET = 60.0  # seconds a start from a built module must stay well under


def _require_java_and_maven() -> None:
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if not missing:
        return
    message = f"the bundled Neo4j needs Java 17 and Maven; not found: {', '.join(missing)}"
    if load_settings().require_neo4j:
        pytest.fail(f"{message} (TUPU_REQUIRE_NEO4J=1)")
    pytest.skip(message)


@pytest.fixture
def server_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Environment of a private server: its own data folder, a free port, a test password.

    Whatever a test leaves running is stopped afterwards.
    """
    port = ns.free_port()
    env = {
        "TUPU_DATA_DIR": str(tmp_path / "data"),
        "TUPU_NEO4J_BOLT_PORT": str(port),
        "TUPU_NEO4J_URI": ns.bolt_uri(port),
        "TUPU_NEO4J_PASSWORD": PASSWORD,
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    yield env
    ns.stop(load_settings())


def _driver_session_roundtrip(settings: Settings, password: str, name: str) -> int:
    """CREATE a node over Bolt and read back how many such nodes there are."""
    from neo4j import GraphDatabase

    with GraphDatabase.driver(ns.bolt_uri(settings.neo4j_bolt_port), auth=("neo4j", password)) as d:
        with d.session(database="neo4j") as session:
            session.execute_write(lambda tx: tx.run("CREATE (:Probe {name: $name})", name=name).consume())
            count = session.execute_read(
                lambda tx: tx.run("MATCH (p:Probe) RETURN count(p) AS n").single(strict=True)["n"]
            )
    return int(count)


# ------------------------------------------------------------------------------------------------
# without Java: what needs no server


def test_status_and_stop_when_nothing_runs(server_env: dict[str, str]) -> None:
    s = load_settings()
    st = ns.status(s)
    assert not st.running and st.pid is None and st.version is None
    assert st.bolt_uri == ns.bolt_uri(s.neo4j_bolt_port)
    assert not ns.stop(s).running


def test_a_state_file_of_a_gone_process_means_not_running(server_env: dict[str, str]) -> None:
    s = load_settings()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    ns.server_home(s).mkdir(parents=True)
    ns.state_path(s).write_text(json.dumps({"pid": gone.pid, "port": s.neo4j_bolt_port}))
    assert not ns.status(s).running
    assert not ns.stop(s).running
    assert not ns.state_path(s).exists()


def test_a_password_neo4j_would_refuse_is_a_config_error(server_env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="至少要有 8 个字符"):
        ns.start(load_settings(neo4j_password="short"))


def test_the_module_is_found_beside_the_package() -> None:
    assert (ns.module_dir() / "pom.xml").is_file()
    assert ns.jar_path().parent == ns.module_dir() / "target"


# ------------------------------------------------------------------------------------------------
# the real server


@pytest.mark.neo4j
@pytest.mark.timeout(1200)  # a first build downloads Neo4j from Maven Central
def test_start_status_use_stop_restart(server_env: dict[str, str]) -> None:
    _require_java_and_maven()
    s = load_settings()
    port = s.neo4j_bolt_port
    ns.build()

    t0 = time.monotonic()
    info = ns.start(s)
    took = time.monotonic() - t0
    print(f"\nneo4j start (built module, new data folder): {took:.1f} s")
    assert not info.already_running
    assert info.version.startswith("5.26"), info
    assert took < START_BUDGET
    assert info.bolt_uri == f"bolt://127.0.0.1:{port}"
    state = json.loads(ns.state_path(s).read_text())
    assert state["pid"] == info.pid and state["port"] == port

    st = ns.status(s)
    assert st.running and st.pid == info.pid, st
    assert st.version is not None and st.version.startswith("5.26"), st

    assert _driver_session_roundtrip(s, PASSWORD, "first") == 1

    again = ns.start(s)
    assert again.already_running and again.pid == info.pid

    stopped = ns.stop(s)
    assert not stopped.running and stopped.pid == info.pid
    assert ns.port_is_free(port) and not ns.port_answers(port)
    assert not ns.pid_alive(info.pid)
    after = ns.status(s)
    assert not after.running and after.pid is None and after.version is None
    assert not ns.state_path(s).exists()

    # a restart, through the CLI (`tupu neo4j start|status|stop`), keeps the data and applies the
    # password now in the settings
    env2 = {**server_env, "TUPU_NEO4J_PASSWORD": "another-password-2"}
    s2 = load_settings(neo4j_password="another-password-2")
    runner = CliRunner()
    t0 = time.monotonic()
    started = runner.invoke(neo4j_group, ["start", "--format", "json"], env=env2)
    print(f"neo4j start (built module, existing data folder): {time.monotonic() - t0:.1f} s")
    assert started.exit_code == 0, started.output + repr(started.exception)
    info2 = json.loads(started.output)
    assert info2["state"] == "started" and info2["version"].startswith("5.26")
    assert info2["pid"] != info.pid
    assert _driver_session_roundtrip(s2, "another-password-2", "second") == 2

    status = runner.invoke(neo4j_group, ["status", "--format", "json"], env=env2)
    assert status.exit_code == 0, status.output
    assert json.loads(status.output)["running"] is True
    table = runner.invoke(neo4j_group, ["status"], env=env2)
    assert table.exit_code == 0 and "running" in table.output and info2["bolt_uri"] in table.output
    refused = ns.status(s)  # the old password
    assert refused.running and refused.version is None and "refused" in refused.detail

    stopped2 = runner.invoke(neo4j_group, ["stop", "--format", "json"], env=env2)
    assert stopped2.exit_code == 0, stopped2.output
    assert json.loads(stopped2.output)["running"] is False
    assert ns.port_is_free(port)
    after2 = json.loads(runner.invoke(neo4j_group, ["status", "--format", "json"], env=env2).output)
    assert after2["running"] is False and after2["pid"] is None and after2["version"] is None
    assert "tupu-neo4j stopped" in ns.log_path(s).read_text()
