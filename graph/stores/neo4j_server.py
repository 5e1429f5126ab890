"""The bundled Neo4j: build, start, stop and ask about the server of ``neo4j-server/``.

``neo4j-server/`` (a Maven module beside this package's folder in the repository) starts Neo4j
Community 5.26 LTS embedded, with Bolt on 127.0.0.1. This module drives it for ``tupu neo4j
start|stop|status`` and for the tests:

- :func:`build` runs ``mvn -q -B package`` when the jar is missing or older than ``pom.xml`` or a
  source file, then makes a class-data-sharing archive of a short training run, which takes a
  few seconds off every later start (optional: a start without it works the same).
- :func:`start` launches ``java`` in its own session (it outlives the caller), logs to
  ``<data_dir>/neo4j/server.log``, records pid and port in ``<data_dir>/neo4j/server.json`` and
  returns once a driver logged in with the settings' user and password has verified the
  connection; :class:`~tupu.errors.StoreUnavailable` with the log's last lines otherwise.
- :func:`stop` sends SIGTERM (a clean Neo4j shutdown), SIGKILL after a grace period, and returns
  once the port is free.
- :func:`status` says whether it runs, and which Neo4j version answers.

The password of the ``neo4j`` user is the settings' ``neo4j_password``. The server applies it on
every start (it is handed over on the child's stdin, never on its command line), so the settings
always open the bundled server; the factory default ``neo4j/neo4j`` is never reachable.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from tupu.errors import ConfigError, StoreUnavailable
from tupu.messages import msg
from tupu.settings import Settings

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
START_TIMEOUT = 90.0  # seconds from the launch of java (a build before it does not count)
STOP_TIMEOUT = 30.0
LOG_TAIL_LINES = 20
MIN_PASSWORD_LENGTH = 8  # Neo4j's default dbms.security.auth_minimum_password_length

JAR_NAME = "tupu-neo4j-server.jar"
CDS_NAME = "tupu-neo4j-server.jsa"
READY = re.compile(r"^tupu-neo4j ready (?P<uri>\S+) version (?P<version>\S+)\s*$")
FAILED = re.compile(r"^tupu-neo4j (failed|usage error):")
# "[INFO] --- maven-compiler-plugin:3.13.0:compile (default-compile) @ tupu-neo4j-server ---"
MAVEN_PHASE = re.compile(r"^\[INFO\] --- (?P<plugin>[^:\s]+):(?:[^:\s]+:)?(?P<goal>[^:\s]+) ")
DOWNLOADS_PER_REPORT = 50
HEARTBEAT_SECONDS = 30.0

Progress = Callable[[str], None]

# JVM options besides the heap. The jar's manifest carries the --add-opens Neo4j needs on JDK 17.
JVM_OPTIONS: tuple[str, ...] = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dfile.encoding=UTF-8",
    "-Dlog4j2.disable.jmx=true",
)

# Popen objects of servers started by this process, kept so that their exit is reaped (a zombie
# would still look alive to a signal-0 probe) and no "still running" warning is emitted.
_children: dict[int, subprocess.Popen[bytes]] = {}


# ---------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class ServerInfo:
    """A server that answers: what :func:`start` returns."""

    pid: int
    port: int
    bolt_uri: str
    version: str
    home: Path
    log_path: Path
    already_running: bool  # True: start found it running and did nothing
    seconds: float  # how long start took

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["home"], d["log_path"] = str(self.home), str(self.log_path)
        d["seconds"] = round(self.seconds, 2)
        return d


@dataclass(frozen=True)
class ServerStatus:
    """What :func:`status` and :func:`stop` report."""

    running: bool
    pid: int | None
    port: int
    bolt_uri: str
    version: str | None  # from CALL dbms.components(); None when not running or not reachable
    home: Path
    log_path: Path
    detail: str  # one sentence for people

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["home"], d["log_path"] = str(self.home), str(self.log_path)
        return d


# ---------------------------------------------------------------------------------------------
# where things are


def module_dir() -> Path:
    """The Maven module: ``neo4j-server/`` beside the folder of this file in the repository."""
    return Path(__file__).resolve().parents[2] / "neo4j-server"


def jar_path() -> Path:
    return module_dir() / "target" / JAR_NAME


def cds_archive_path() -> Path:
    return module_dir() / "target" / CDS_NAME


def server_home(settings: Settings) -> Path:
    """Neo4j's home (its ``data/`` and ``logs/``), and the server's log and state file."""
    return settings.data_dir.expanduser().resolve() / "neo4j"


def log_path(settings: Settings) -> Path:
    return server_home(settings) / "server.log"


def state_path(settings: Settings) -> Path:
    return server_home(settings) / "server.json"


def bolt_uri(port: int) -> str:
    return f"bolt://{HOST}:{port}"


# ---------------------------------------------------------------------------------------------
# build


def _require_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        what = "Java 17 (`java`)" if name == "java" else "Maven (`mvn`)"
        raise StoreUnavailable(msg("neo4j.tool_missing", what=what, name=name))
    return found


def _sources(root: Path) -> Iterator[Path]:
    yield root / "pom.xml"
    src = root / "src"
    if src.is_dir():
        yield from (p for p in src.rglob("*") if p.is_file())


def needs_build() -> bool:
    """True when the jar or its libraries are missing, or older than ``pom.xml`` or a source."""
    root, jar = module_dir(), jar_path()
    lib = jar.parent / "lib"
    if not jar.is_file() or not lib.is_dir() or not any(lib.glob("*.jar")):
        return True
    built = jar.stat().st_mtime
    return any(p.stat().st_mtime > built for p in _sources(root))


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock (flock) held for the block: one build or start at a time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def build(
    *, force: bool = False, timeout: float = 1800.0, progress: Progress | None = None
) -> Path:
    """Build the server jar with Maven unless it is up to date; returns the jar's path.

    The first build downloads Neo4j and its libraries from Maven Central into ``~/.m2``; later
    builds work offline. ``progress`` is called with one short line per Maven phase, every
    :data:`DOWNLOADS_PER_REPORT` downloaded files and every :data:`HEARTBEAT_SECONDS` of silence
    (the first build on a busy machine takes minutes). Raises :class:`StoreUnavailable` when
    Maven or Java is missing or the build fails (with Maven's last lines).
    """
    root = module_dir()
    if not (root / "pom.xml").is_file():
        raise StoreUnavailable(msg("neo4j.module_missing", path=root / "pom.xml"))
    with _file_lock(Path(tempfile.gettempdir()) / f"tupu-neo4j-build-{_path_key(root)}.lock"):
        if not force and not needs_build():
            if _cds_archive_wanted():  # e.g. the jar was rebuilt by hand with mvn
                _make_cds_archive()
            return jar_path()
        mvn = _require_tool("mvn")
        _require_tool("java")
        log.info("building the Neo4j server in %s (the first build downloads from Maven Central)", root)
        for old in (cds_archive_path(), cds_archive_path().with_suffix(".jsa.failed")):
            old.unlink(missing_ok=True)  # made for the previous jar
        t0 = time.monotonic()
        report = progress or (lambda line: log.info("%s", line))
        returncode, output = _run_maven([mvn, "-B", "package"], root, timeout, report)
        if returncode != 0 or not jar_path().is_file():
            tail = _last_lines(output, 30)
            raise StoreUnavailable(msg("neo4j.build_failed", root=root, code=returncode,
                                       tail=tail))
        jar_path().touch()  # newer than every source, also when Maven left the jar unchanged
        report(f"built {jar_path().name} in {time.monotonic() - t0:.0f} s")
        log.info("built %s in %.1f s", jar_path(), time.monotonic() - t0)
        report("recording a class-data-sharing archive (a training start, once per build) ...")
        _make_cds_archive()
        return jar_path()


def _run_maven(
    cmd: Sequence[str], cwd: Path, timeout: float, report: Progress
) -> tuple[int, str]:
    """Run Maven, reporting its phases and downloads; returns its exit code and whole output."""
    t0 = time.monotonic()
    try:
        proc = subprocess.Popen(
            cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, errors="replace",
        )
    except OSError as e:
        raise StoreUnavailable(msg("neo4j.cannot_run", tool="Maven", reason=e.strerror or e)) from e
    out: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            out.put(line.rstrip("\n"))
        out.put(None)

    threading.Thread(target=pump, name="maven-output", daemon=True).start()
    lines: list[str] = []
    downloads = 0
    last_report = t0
    while True:
        try:
            line = out.get(timeout=1.0)
        except queue.Empty:
            line = ""
        now = time.monotonic()
        if line is None:
            break
        if now - t0 > timeout:
            proc.kill()
            proc.wait()
            raise StoreUnavailable(msg("neo4j.build_timeout", seconds=f"{timeout:.0f}"))
        if line:
            lines.append(line)
            phase = MAVEN_PHASE.match(line)
            if line.startswith("Downloaded from"):
                downloads += 1
                if downloads % DOWNLOADS_PER_REPORT == 0:
                    report(f"maven: {downloads} files downloaded ({now - t0:.0f} s)")
                    last_report = now
            elif phase:
                report(f"maven: {phase.group('plugin')}:{phase.group('goal')} ({now - t0:.0f} s)")
                last_report = now
        if now - last_report >= HEARTBEAT_SECONDS:
            last_report = now
            report(f"maven: still building ({now - t0:.0f} s)")
    proc.wait()
    if downloads:
        report(f"maven: {downloads} files downloaded in all")
    return proc.returncode, "\n".join(lines)


def _path_key(path: Path) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", str(path)).strip("-")[-80:]


def _cds_archive_wanted() -> bool:
    """No archive for the current jar, and no failed attempt for it either."""
    jar, archive = jar_path(), cds_archive_path()
    if not jar.is_file():
        return False
    built = jar.stat().st_mtime
    if archive.is_file() and archive.stat().st_mtime >= built:
        return False
    failed = archive.with_suffix(".jsa.failed")
    return not (failed.is_file() and failed.stat().st_mtime >= built)


def _make_cds_archive() -> None:
    """Record a class-data-sharing archive of a training start (best effort, ~15 s once).

    Loading and verifying Neo4j's ~15,000 classes is much of a start; with the archive the JVM
    maps them in. Any failure just leaves starts without it.
    """
    target = cds_archive_path()
    partial = target.with_suffix(".jsa.partial")
    partial.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="tupu-neo4j-cds-") as tmp:
        port = free_port()
        cmd = _java_command(
            Path(tmp) / "home", port, extra=(f"-XX:ArchiveClassesAtExit={partial}",), use_cds=False
        )
        out_path = Path(tmp) / "training.log"
        ready = False
        try:
            with open(out_path, "wb") as out:
                proc = subprocess.Popen(
                    cmd, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT, cwd=tmp
                )
            _send_password(proc, "tupu-cds-training-" + os.urandom(8).hex())
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline and proc.poll() is None:
                if _matches_line(READY, out_path):
                    ready = True
                    break
                time.sleep(0.2)
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)  # the archive is written as the JVM exits
                try:
                    proc.wait(timeout=120)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            if ready and partial.is_file() and partial.stat().st_size > 0:
                partial.replace(target)
                log.info("class-data-sharing archive written: %s", target)
            else:
                log.warning(
                    "no class-data-sharing archive (training run exit %s):\n%s",
                    proc.returncode, _log_tail(out_path),
                )
                target.with_suffix(".jsa.failed").touch()  # not again for this jar
        except OSError as e:
            log.warning("no class-data-sharing archive: %s", e)
        finally:
            partial.unlink(missing_ok=True)


def _matches_line(pattern: re.Pattern[str], path: Path) -> bool:
    try:
        text = path.read_text("utf-8", "replace")
    except OSError:
        return False
    return any(pattern.match(line) for line in text.splitlines())


# ---------------------------------------------------------------------------------------------
# processes and ports


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def port_answers(port: int, timeout: float = 0.5) -> bool:
    """Whether something accepts TCP connections on 127.0.0.1:port."""
    try:
        with socket.create_connection((HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


def port_is_free(port: int) -> bool:
    """Whether a server could listen on 127.0.0.1:port now (bound as servers bind)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def _reap(pid: int) -> None:
    child = _children.get(pid)
    if child is not None and child.poll() is not None:
        _children.pop(pid, None)


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists and has not exited (zombies count as exited)."""
    _reap(pid)
    if pid in _children:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        with contextlib.suppress(OSError, IndexError):
            return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _command_line(pid: int) -> str | None:
    proc = Path(f"/proc/{pid}/cmdline")
    if proc.exists():
        try:
            return proc.read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            return None
    try:  # no /proc (macOS): ask ps
        out = subprocess.run(
            ["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _is_our_server(pid: int, home: Path) -> bool:
    """Whether ``pid`` is a live tupu Neo4j server for this home (not a reused pid)."""
    if not pid_alive(pid):
        return False
    cmd = _command_line(pid)
    if cmd is None:  # cannot tell: trust the state file
        return True
    return JAR_NAME in cmd and str(home) in cmd


def _java_command(
    home: Path, port: int, *, extra: Sequence[str] = (), use_cds: bool = True,
    heap: str = "1g", pagecache: str = "512m",
) -> list[str]:
    java = _require_tool("java")
    cmd = [java, "-Xms256m", f"-Xmx{heap}", *JVM_OPTIONS]
    cds = cds_archive_path()
    if use_cds and cds.is_file():
        cmd += [f"-XX:SharedArchiveFile={cds}", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"]
    cmd += [*extra, "-jar", str(jar_path())]
    cmd += ["--home", str(home), "--address", HOST, "--port", str(port)]
    cmd += ["--pagecache", pagecache, "--password-stdin"]
    return cmd


def _send_password(proc: subprocess.Popen[bytes], password: str) -> None:
    stdin: IO[bytes] | None = proc.stdin
    if stdin is None:
        return
    try:
        stdin.write(password.encode("utf-8") + b"\n")
        stdin.flush()
    except BrokenPipeError:  # the child already exited; its log says why
        pass
    finally:
        with contextlib.suppress(BrokenPipeError):
            stdin.close()


# ---------------------------------------------------------------------------------------------
# state file and log


def _read_state(settings: Settings) -> dict[str, Any] | None:
    path = state_path(settings)
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("pid"), int) else None


def _write_state(settings: Settings, state: dict[str, Any]) -> None:
    path = state_path(settings)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(state, indent=2, ensure_ascii=False) + "\n", "utf-8")
    tmp.replace(path)


def _clear_state(settings: Settings) -> None:
    state_path(settings).unlink(missing_ok=True)


def _last_lines(text: str, n: int) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip("\0 \t")]
    return "\n".join(lines[-n:])


def _log_tail(path: Path, offset: int = 0, n: int = LOG_TAIL_LINES) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return "(no log)"
    return _last_lines(text, n) or "(the log is empty)"


def _new_log_lines(path: Path, offset: int) -> list[str]:
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            return fh.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return []


# ---------------------------------------------------------------------------------------------
# the driver


def _driver_check(settings: Settings, port: int, *, timeout: float) -> str:
    """Log in over Bolt with the settings' user and password; returns the Neo4j version.

    Raises neo4j driver errors (AuthError, ServiceUnavailable, ...) and OSError unchanged.
    """
    from neo4j import GraphDatabase

    with GraphDatabase.driver(
        bolt_uri(port),
        auth=(settings.neo4j_user, settings.neo4j_password),
        connection_timeout=timeout,
        connection_acquisition_timeout=timeout,
        max_connection_pool_size=1,
    ) as driver:
        driver.verify_connectivity()
        records, _, _ = driver.execute_query(
            "CALL dbms.components() YIELD name, versions RETURN name, versions",
            database_="system",
        )
    for record in records:
        if record["name"] == "Neo4j Kernel" and record["versions"]:
            return str(record["versions"][0])
    return "unknown"


def _is_auth_error(e: BaseException) -> bool:
    from neo4j.exceptions import AuthError

    return isinstance(e, AuthError)


# ---------------------------------------------------------------------------------------------
# start / stop / status


def start(
    settings: Settings, *, timeout: float = START_TIMEOUT, progress: Progress | None = None
) -> ServerInfo:
    """Start the bundled Neo4j for these settings (building it first if needed).

    A no-op when it already runs (``already_running`` says so). Raises :class:`StoreUnavailable`
    with the server log's last lines when it does not answer within ``timeout`` seconds of the
    launch of ``java`` (it is then stopped again) — a Maven build before the launch has its own
    deadline and reports its progress to ``progress`` —, or when the port is taken by another
    program; :class:`ConfigError` when the password is shorter than Neo4j accepts.
    ``seconds`` of the result counts from the launch as well.
    """
    t0 = time.monotonic()
    if len(settings.neo4j_password) < MIN_PASSWORD_LENGTH:
        raise ConfigError(msg("neo4j.password_short", length=MIN_PASSWORD_LENGTH))
    home = server_home(settings)
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):
        os.chmod(home, 0o700)  # Neo4j's store files and the log are for the owner only
    port = settings.neo4j_bolt_port
    with _file_lock(home / ".start.lock"):
        state = _read_state(settings)
        if state is not None and _is_our_server(state["pid"], home):
            running_port = int(state.get("port", port))
            if running_port != port:
                raise StoreUnavailable(msg("neo4j.other_port", home=home, running=running_port,
                                           port=port))
            version = _wait_until_answering(
                settings, state["pid"], port, log_path(settings), 0, t0 + timeout, started=False
            )
            return ServerInfo(
                pid=state["pid"], port=port, bolt_uri=bolt_uri(port), version=version, home=home,
                log_path=log_path(settings), already_running=True, seconds=time.monotonic() - t0,
            )
        if state is not None:
            _clear_state(settings)  # left by a server that is gone
        if not port_is_free(port) or port_answers(port):
            raise StoreUnavailable(msg("neo4j.port_taken", port=port, host=HOST))
        build(progress=progress)
        t0 = time.monotonic()  # the deadline counts from the launch, not from before the build
        cmd = _java_command(
            home, port, heap=settings.neo4j_heap, pagecache=settings.neo4j_pagecache
        )
        logfile = log_path(settings)
        with os.fdopen(os.open(logfile, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab") as out:
            stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
            out.write(f"---- tupu neo4j start {stamp} port {port}\n".encode())
            out.flush()
            offset = out.tell()
            try:
                proc = subprocess.Popen(
                    cmd, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT,
                    cwd=home, start_new_session=True, close_fds=True,
                )
            except OSError as e:
                raise StoreUnavailable(msg("neo4j.cannot_run", tool="Java", reason=e.strerror or e)) from e
        _children[proc.pid] = proc
        _send_password(proc, settings.neo4j_password)
        state = {
            "pid": proc.pid, "port": port, "bolt_uri": bolt_uri(port), "home": str(home),
            "log": str(logfile), "started_at": stamp, "jar": str(jar_path()), "version": None,
        }
        _write_state(settings, state)
        try:
            version = _wait_until_answering(
                settings, proc.pid, port, logfile, offset, t0 + timeout, started=True
            )
        except BaseException:
            _terminate(proc.pid, STOP_TIMEOUT)
            _clear_state(settings)
            raise
        _write_state(settings, {**state, "version": version})
        return ServerInfo(
            pid=proc.pid, port=port, bolt_uri=bolt_uri(port), version=version, home=home,
            log_path=logfile, already_running=False, seconds=time.monotonic() - t0,
        )


def _wait_until_answering(
    settings: Settings, pid: int, port: int, logfile: Path, offset: int, deadline: float,
    *, started: bool,
) -> str:
    """Wait for the ready line (when we started it), a TCP connect and a driver login."""
    ready = not started
    last_error: BaseException | None = None
    auth_failures = 0
    while True:
        if not pid_alive(pid):
            raise StoreUnavailable(msg("neo4j.exited", uri=bolt_uri(port), log=logfile,
                                       tail=_log_tail(logfile, offset)))
        if not ready:
            lines = _new_log_lines(logfile, offset)
            ready = any(READY.match(ln) for ln in lines)
            failed = [ln for ln in lines if FAILED.match(ln)]
            if failed:
                raise StoreUnavailable(msg("neo4j.start_failed", line=failed[-1], log=logfile,
                                           tail=_log_tail(logfile, offset)))
        if ready and port_answers(port):
            try:
                return _driver_check(settings, port, timeout=max(1.0, settings.neo4j_connect_timeout))
            except Exception as e:  # noqa: BLE001 - any driver failure: retry until the deadline
                last_error = e
                if _is_auth_error(e):
                    auth_failures += 1
                    if auth_failures >= 2:  # do not run into Neo4j's failed-login lockout
                        raise StoreUnavailable(msg(
                            "neo4j.password_refused", uri=bolt_uri(port),
                            user=settings.neo4j_user)) from e
        if time.monotonic() >= deadline:
            because = msg("neo4j.last_error", error=last_error) if last_error else ""
            raise StoreUnavailable(msg("neo4j.no_answer", uri=bolt_uri(port), because=because,
                                       log=logfile, tail=_log_tail(logfile, offset)))
        time.sleep(0.25)


def _terminate(pid: int, timeout: float) -> bool:
    """SIGTERM, wait up to ``timeout`` s, then SIGKILL. True when it had to be killed."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            _children.pop(pid, None)
            return False
        time.sleep(0.1)
    log.warning("the bundled Neo4j (pid %d) ignored SIGTERM for %.0f s: killing it", pid, timeout)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    _children.pop(pid, None)
    return True


def stop(settings: Settings, *, timeout: float = STOP_TIMEOUT) -> ServerStatus:
    """Stop the bundled Neo4j of these settings: SIGTERM, then SIGKILL after ``timeout`` s.

    Returns once the process is gone and its port is free; a no-op when it does not run.
    """
    home = server_home(settings)
    if not home.is_dir():
        port = settings.neo4j_bolt_port
        return ServerStatus(
            running=False, pid=None, port=port, bolt_uri=bolt_uri(port), version=None, home=home,
            log_path=log_path(settings), detail="not running",
        )
    with _file_lock(home / ".start.lock"):
        return _stop_locked(settings, home, timeout)


def _stop_locked(settings: Settings, home: Path, timeout: float) -> ServerStatus:
    state = _read_state(settings)
    port = int(state["port"]) if state and "port" in state else settings.neo4j_bolt_port
    if state is None or not _is_our_server(state["pid"], home):
        _clear_state(settings)
        return ServerStatus(
            running=False, pid=None, port=port, bolt_uri=bolt_uri(port), version=None, home=home,
            log_path=log_path(settings), detail="not running",
        )
    pid = int(state["pid"])
    t0 = time.monotonic()
    killed = _terminate(pid, timeout)
    deadline = time.monotonic() + 10
    while not port_is_free(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    _clear_state(settings)
    how = "killed after ignoring SIGTERM" if killed else "stopped"
    if not port_is_free(port):
        raise StoreUnavailable(msg("neo4j.port_still_taken", port=port))
    return ServerStatus(
        running=False, pid=pid, port=port, bolt_uri=bolt_uri(port), version=None, home=home,
        log_path=log_path(settings), detail=f"{how} in {time.monotonic() - t0:.1f} s",
    )


def status(settings: Settings) -> ServerStatus:
    """Whether the bundled Neo4j of these settings runs, and the version that answers."""
    home = server_home(settings)
    state = _read_state(settings)
    port = int(state["port"]) if state and "port" in state else settings.neo4j_bolt_port

    def report(running: bool, pid: int | None, version: str | None, detail: str) -> ServerStatus:
        return ServerStatus(
            running=running, pid=pid, port=port, bolt_uri=bolt_uri(port), version=version,
            home=home, log_path=log_path(settings), detail=detail,
        )

    if state is None or not _is_our_server(state["pid"], home):
        if port_answers(port):
            return report(False, None, None, f"not running (port {port} answers, but not for a "
                                             f"tupu server of {home})")
        return report(False, None, None, "not running")
    pid = int(state["pid"])
    try:
        version = _driver_check(settings, port, timeout=max(1.0, settings.neo4j_connect_timeout))
    except Exception as e:  # noqa: BLE001 - report, do not fail: status is a question
        if _is_auth_error(e):
            return report(True, pid, None, "running, but the configured password is refused")
        return report(True, pid, None, f"running, but not answering: {e}")
    return report(True, pid, version, "running")
