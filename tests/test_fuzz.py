"""Property tests (Hypothesis): mutated files thrown at the loaders and the API find no unhandled
exception (issue 12, point 5). Every outcome is a load, a list of problems (ValidationFailed) or
another TupuError — never anything else; the API answers with a JSON problem, never a 500.

Bounded: few examples, a deadline per example, so the whole file runs in well under a minute.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import Workbook

from tests.minicity import E1, E2
from tupu.api.app import create_app
from tupu.api.deps import get_store, get_writable_store
from tupu.errors import TupuError
from tupu.graph.stores.memory_store import MemoryStore
from tupu.loaders.pipeline import load
from tupu.settings import load_settings

FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
"""Examples, deadline and randomness come from the Hypothesis profile (tests/conftest.py: ``ci``,
20 derandomized examples, no deadline; ``--hypothesis-profile=thorough`` for more)."""

CSV = ("单位详细名称,统一社会信用代码,省份,城市,营业收入(万元)\n"
       f"迷你数字科技有限公司,{E1},江苏省,迷你市,5200.5\n"
       f"迷你装备制造有限公司,{E2},江苏省,迷你市,800\n").encode("utf-8")
CANONICAL = "id,name,kind,city\nt1,一镇,town,迷你市\nt2,二街道,street,迷你市\n".encode()
TURTLE = ('@prefix tupu: <https://w3id.org/tupu/ontology#> .\n'
          '<https://w3id.org/tupu/id/Town/t9> a tupu:Town ; tupu:id "t9" ; tupu:name "九镇" ; '
          'tupu:kind "town" ; tupu:city "迷你市" .\n').encode()
JSONLD = json.dumps({"@context": {"tupu": "https://w3id.org/tupu/ontology#",
                                  "Town": "tupu:Town", "id": "tupu:id", "name": "tupu:name",
                                  "kind": "tupu:kind", "city": "tupu:city"},
                     "@id": "https://w3id.org/tupu/id/Town/t9", "@type": "Town", "id": "t9",
                     "name": "九镇", "kind": "town", "city": "迷你市"}, ensure_ascii=False).encode()


def _xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for line in CSV.decode().splitlines():
        ws.append(line.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


XLSX = _xlsx()


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    """``original`` with bytes flipped, a piece cut out or inserted, or cut short."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[i] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del data[i:i + draw(st.integers(1, 64))]
        elif kind == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=32))
        else:
            del data[i:]
    return bytes(data)


def _load_bytes(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    try:
        load([path], MemoryStore(None), dry_run=True)
    except TupuError:
        pass  # problems reported: what a bad file should get


@FUZZ
@given(data=mutated(CSV))
def test_mutated_export_csv(tmp_path: Path, data: bytes) -> None:
    _load_bytes(tmp_path, "企业名录.csv", data)


@FUZZ
@given(data=mutated(CANONICAL))
def test_mutated_canonical_csv(tmp_path: Path, data: bytes) -> None:
    _load_bytes(tmp_path, "Town.csv", data)


@FUZZ
@given(data=mutated(XLSX))
def test_mutated_xlsx(tmp_path: Path, data: bytes) -> None:
    _load_bytes(tmp_path, "企业名录.xlsx", data)


@FUZZ
@given(data=mutated(TURTLE))
def test_mutated_turtle(tmp_path: Path, data: bytes) -> None:
    _load_bytes(tmp_path, "towns.ttl", data)


@FUZZ
@given(data=mutated(JSONLD))
def test_mutated_jsonld(tmp_path: Path, data: bytes) -> None:
    _load_bytes(tmp_path, "towns.jsonld", data)


CELLS = st.text(st.characters(codec="utf-8"), max_size=40)


@FUZZ
@given(rows=st.lists(st.lists(CELLS, min_size=1, max_size=6), min_size=1, max_size=6))
def test_random_cells_in_an_export(tmp_path: Path, rows: list[list[str]]) -> None:
    text = CSV.decode().splitlines()[0] + "\n" + "\n".join(
        ",".join('"' + c.replace('"', '""') + '"' for c in r) for r in rows)
    _load_bytes(tmp_path, "企业名录.csv", text.encode("utf-8"))


# -- the API ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def admin(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    store = MemoryStore(None)
    web = create_app(load_settings(data_dir=tmp_path_factory.mktemp("fuzz"), store="memory",
                                   api_tokens={"admin-token-0123456789ab": "admin"},
                                   env="development"))
    web.dependency_overrides[get_store] = lambda: store
    web.dependency_overrides[get_writable_store] = lambda: store
    return TestClient(web, headers={"Authorization": "Bearer admin-token-0123456789ab"},
                      raise_server_exceptions=False)


@FUZZ
@given(name=st.sampled_from(["Town.csv", "towns.ttl", "towns.jsonld", "city.zip", "x.csv"]),
       data=st.one_of(mutated(CANONICAL), mutated(TURTLE), mutated(JSONLD), st.binary(max_size=200)))
def test_mutated_uploads_get_a_json_problem(admin: TestClient, name: str, data: bytes) -> None:
    r = admin.post("/api/v1/load", params={"dry_run": "true"}, files={"files": (name, data)})
    assert r.status_code in (200, 400, 413, 422), r.text[:300]
    assert "error" in r.json() or r.status_code == 200


@FUZZ
@given(path=st.sampled_from(["/api/v1/targets", "/api/v1/projects", "/api/v1/gaps",
                             "/api/v1/stats", "/api/v1/chains"]),
       key=st.sampled_from(["period", "year", "limit", "scope", "chain", "all"]),
       value=st.text(max_size=20))
def test_random_query_parameters_never_500(admin: TestClient, path: str, key: str,
                                           value: str) -> None:
    r = admin.get(path, params={key: value})
    assert r.status_code < 500 or r.status_code == 503, (path, key, value, r.text[:300])
