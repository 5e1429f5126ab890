"""Files from outside are hostile until read (issue 12, point 2): nothing is fetched while a file is
parsed, reads are bounded, control characters are refused — each with a clear Chinese problem
naming the file (and row and column where there is one), and nothing is written."""

from __future__ import annotations

import io
import json
import socket
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from tests.minicity import E1, write_city
from tupu.api.app import create_app
from tupu.api.cli import main
from tupu.api.deps import get_store, get_writable_store
from tupu.errors import ValidationFailed
from tupu.graph.stores.jsonld import context_iri, jsonld_context
from tupu.graph.stores.memory_store import MemoryStore
from tupu.graph.stores.store import GraphStore
from tupu.loaders.csvtable import open_csv_rows
from tupu.loaders.guard import FileProblem, bounded_lines
from tupu.loaders.pipeline import load
from tupu.loaders.xlsx import XlsxProblem, check_package, open_sheet
from tupu.settings import Limits, get_settings, load_settings

ADMIN = {"admin-token-0123456789ab": "admin"}


# -- helpers ----------------------------------------------------------------------------------
class Listener:
    """A TCP server on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def town_doc(context: object) -> dict[str, object]:
    return {"@context": context, "@id": "https://w3id.org/tupu/id/Town/t9", "@type": "Town",
            "id": "t9", "name": "九镇", "kind": "town", "city": "迷你市"}


def problems_of(paths: list[Path], store: GraphStore) -> list[str]:
    with pytest.raises(ValidationFailed) as e:
        load(paths, store, dry_run=False)
    assert not any(store.count_nodes().values()), "nothing may be written"
    return [str(p) for p in e.value.problems]


def admin_client(tmp_path: Path, store: GraphStore) -> TestClient:
    web = create_app(load_settings(data_dir=tmp_path / "api", store="memory", api_tokens=ADMIN,
                                   env="development"))
    web.dependency_overrides[get_store] = lambda: store
    web.dependency_overrides[get_writable_store] = lambda: store
    return TestClient(web, headers={"Authorization": "Bearer admin-token-0123456789ab"})


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def patch_member(data: bytes, name: str, change: callable) -> bytes:  # type: ignore[valid-type]
    """The XLSX ``data`` with member ``name`` rewritten by ``change(bytes) -> bytes``."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info)
            z.writestr(info.filename, change(body) if info.filename == name else body)
    return out.getvalue()


ENTERPRISES = [["单位详细名称", "统一社会信用代码", "省份", "城市"],
               ["迷你数字科技有限公司", E1, "江苏省", "迷你市"]]


# -- JSON-LD: nothing is fetched --------------------------------------------------------------
@pytest.mark.parametrize("where", ["http", "file", "import", "scoped", "relative"])
def test_jsonld_contexts_are_never_fetched_from_the_cli(
    tmp_path: Path, listener: Listener, capsys: pytest.CaptureFixture[str], where: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    good = tmp_path / "good-context.jsonld"  # a context that would make the file load
    good.write_text(json.dumps({"@context": jsonld_context(get_schema())}), encoding="utf-8")
    url = f"http://127.0.0.1:{listener.port}/context.jsonld"
    context: object = {
        "http": url, "file": good.as_uri(), "import": {"@import": url},
        "scoped": [{"Town": {"@id": "https://w3id.org/tupu/ontology#Town", "@context": url}}],
        "relative": "good-context.jsonld",
    }[where]
    path = tmp_path / "towns.jsonld"
    path.write_text(json.dumps(town_doc(context)), encoding="utf-8")
    monkeypatch.setenv("TUPU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    code = main(["load", str(path)])
    err = capsys.readouterr().err
    assert code == 1
    assert "@context" in err or "@import" in err
    assert "不下载任何上下文" in err and "Traceback" not in err
    assert listener.connections == 0


def test_jsonld_upload_never_fetches(tmp_path: Path, listener: Listener) -> None:
    store = MemoryStore(None)
    client = admin_client(tmp_path, store)
    doc = town_doc(f"http://127.0.0.1:{listener.port}/ctx")
    r = client.post("/api/v1/load", files={"files": ("towns.jsonld", json.dumps(doc).encode())})
    assert r.status_code == 422
    assert "不下载任何上下文" in r.json()["problems"][0]["message"]
    assert listener.connections == 0 and store.count_nodes() == {}


def get_schema():  # type: ignore[no-untyped-def]
    from tupu.ontology.schema import load_schema

    return load_schema()


def test_tupu_context_named_by_its_iri_is_the_bundled_copy(tmp_path: Path,
                                                             store: GraphStore) -> None:
    path = tmp_path / "towns.jsonld"
    path.write_text(json.dumps([town_doc(context_iri(store.schema))]), encoding="utf-8")
    report = load([path], store)
    assert report.nodes == {"Town": 1}
    assert store.count_nodes().get("Town") == 1


def test_jsonld_syntax_error_is_one_problem_with_the_line(tmp_path: Path,
                                                          store: GraphStore) -> None:
    path = tmp_path / "broken.jsonld"
    path.write_text('{\n "@id": "x",\n "name": \n}', encoding="utf-8")
    (problem,) = problems_of([path], store)
    assert "不是有效的JSON（第4行" in problem


# -- bounded reads ----------------------------------------------------------------------------
def test_a_cell_over_131072_characters_is_refused_naming_row_and_column(
    tmp_path: Path, store: GraphStore
) -> None:
    folder = write_city(tmp_path / "city", {
        "nodes/Town.csv": "id,name,kind,city\nt1," + "镇" * 131_073 + ",town,迷你市\n"})
    problems = problems_of([folder], store)
    assert any("Town.csv，第2行，“name”列" in p and "131072" in p for p in problems)
    export = tmp_path / "企业名录.csv"
    export.write_text("单位详细名称,统一社会信用代码\n" + "名" * 140_000 + f",{E1}\n",
                      encoding="utf-8")
    (problem,) = problems_of([export], store)
    assert "第2行，“A”列" in problem and "TUPU_LOAD_MAX_FIELD_CHARS" in problem


def test_limits_on_rows_columns_cells_and_lines() -> None:
    text = "a,b,c\n" + "1,2,3\n" * 10
    small = Limits(max_rows=5)
    with pytest.raises(FileProblem, match="第6行.*5 行的上限") as e:
        list(open_csv_rows(io.BytesIO(text.encode()), limits=small).rows)
    assert e.value.row == 6
    with pytest.raises(FileProblem, match="4 列，超过 3 列"):
        list(open_csv_rows(io.BytesIO(b"a,b,c,d\n"), limits=Limits(max_columns=3)).rows)
    # empty cells past the limit are what spreadsheets write: not refused
    assert len(list(open_csv_rows(io.BytesIO(b"a,b,,,\n"), limits=Limits(max_columns=3)).rows)) == 1
    with pytest.raises(FileProblem, match="20 个的上限"):
        list(open_csv_rows(io.BytesIO(text.encode()), limits=Limits(max_cells=20)).rows)
    with pytest.raises(FileProblem, match="第2行超过 100 个字符"):
        list(bounded_lines(io.StringIO("short\n" + "x" * 101 + "\n"), 100))
    assert list(bounded_lines(io.StringIO("x" * 100 + "\r\n"), 100)) == ["x" * 100 + "\r\n"]


def test_a_csv_without_line_breaks_is_not_read_whole(tmp_path: Path, store: GraphStore,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUPU_LOAD_MAX_LINE_CHARS", "1000")
    get_settings.cache_clear()
    try:
        path = tmp_path / "企业名录.csv"
        path.write_text("单位详细名称,统一社会信用代码" + ",x" * 50_000, encoding="utf-8")
        (problem,) = problems_of([path], store)
        assert "第1行超过 1000 个字符" in problem
    finally:
        get_settings.cache_clear()


def test_xlsx_row_limit_from_the_settings(tmp_path: Path, store: GraphStore,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUPU_LOAD_MAX_ROWS", "3")
    get_settings.cache_clear()
    try:
        path = tmp_path / "企业名录.xlsx"
        path.write_bytes(xlsx_bytes(ENTERPRISES + [["某公司", "", "江苏省", "迷你市"]] * 3))
        (problem,) = problems_of([path], store)
        assert "第4行" in problem and "TUPU_LOAD_MAX_ROWS" in problem
    finally:
        get_settings.cache_clear()


# -- XLSX: the zip and its XML ------------------------------------------------------------------
def test_an_xlsx_with_a_dtd_is_refused(tmp_path: Path, store: GraphStore,
                                       capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    laughs = (b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n')

    def with_dtd(body: bytes) -> bytes:
        return laughs + (body.split(b"?>", 1)[1].lstrip() if body.startswith(b"<?xml") else body)

    path = tmp_path / "企业名录.xlsx"
    path.write_bytes(patch_member(xlsx_bytes(ENTERPRISES), "xl/worksheets/sheet1.xml", with_dtd))
    (problem,) = problems_of([path], store)
    assert "xl/worksheets/sheet1.xml" in problem and "DTD" in problem
    monkeypatch.setenv("TUPU_DATA_DIR", str(tmp_path / "data"))
    assert main(["load", str(path)]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_an_xlsx_in_utf16_is_refused() -> None:
    data = patch_member(xlsx_bytes(ENTERPRISES), "xl/workbook.xml",
                        lambda b: b.decode("utf-8").replace("UTF-8", "UTF-16").encode("utf-16"))
    with pytest.raises(XlsxProblem, match="不是UTF-8编码的XML"):
        check_package(io.BytesIO(data), Limits())


def test_an_xlsx_zip_bomb_is_refused_before_parsing() -> None:
    rows = b"".join(b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' for _ in range(60_000))

    def huge(body: bytes) -> bytes:
        return body.replace(b"</sheetData>", rows + b"</sheetData>")

    data = patch_member(xlsx_bytes(ENTERPRISES), "xl/worksheets/sheet1.xml", huge)
    with pytest.raises(XlsxProblem, match="压缩炸弹"):
        check_package(io.BytesIO(data), Limits(max_unpack_ratio=50))
    with pytest.raises(XlsxProblem, match="TUPU_LOAD_MAX_UNPACKED_MB"):
        check_package(io.BytesIO(data), Limits(max_unpacked_bytes=1 << 20))
    with open_sheet(io.BytesIO(data), limits=Limits(max_rows=1000, max_unpack_ratio=1000)) \
            as sheet, \
            pytest.raises(FileProblem, match="第1001行"):
        list(sheet.rows)


def test_an_uploaded_zip_bomb_is_413(tmp_path: Path) -> None:
    store = MemoryStore(None)
    client = admin_client(tmp_path, store)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("city/nodes/Town.csv", "id,name,kind,city\n" + " " * (8 << 20))
    r = client.post("/api/v1/load", files={"files": ("city.zip", buf.getvalue())})
    assert r.status_code == 413 and "压缩炸弹" in r.json()["detail"]
    assert store.count_nodes() == {}


# -- control characters -----------------------------------------------------------------------
@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f"])
def test_control_characters_are_refused_naming_row_and_column(
    tmp_path: Path, store: GraphStore, char: str
) -> None:
    folder = write_city(tmp_path / "city", {
        "nodes/Town.csv": f"id,name,kind,city\nt1,一镇,town,迷你市\nt2,二街道,street,迷你市\n"
                          f"t3,三{char}镇,town,迷你市\n"})
    (problem,) = problems_of([folder], store)
    assert "Town.csv，第4行，“name”列" in problem and f"U+{ord(char):04X}" in problem
    export = tmp_path / "企业名录.csv"
    export.write_text(f"单位详细名称,统一社会信用代码\n迷你{char}公司,{E1}\n", encoding="utf-8")
    (problem,) = problems_of([export], store)
    assert "第2行，“A”列" in problem and "控制字符" in problem


def test_control_characters_in_turtle_are_refused(tmp_path: Path, store: GraphStore) -> None:
    ttl = tmp_path / "towns.ttl"
    ttl.write_text(
        '@prefix tupu: <https://w3id.org/tupu/ontology#> .\n'
        '<https://w3id.org/tupu/id/Town/t9> a tupu:Town ; tupu:id "t9" ; '
        'tupu:name "九\\u0000镇" ; tupu:kind "town" ; tupu:city "迷你市" .\n', encoding="utf-8")
    (problem,) = problems_of([ttl], store)
    assert "name" in problem and "U+0000" in problem
