"""Failures an operator or a user reads speak Chinese from the catalogue (issue 12, point 5): the
upload checks, the Neo4j tools (import, build, start) and the ontology's schema reader."""

from __future__ import annotations

import ast
import io
import re
import zipfile
from pathlib import Path

import pytest

import tupu
from tests.webapp import admin_on_empty_store
from tupu.errors import ConfigError, SchemaError, StoreUnavailable
from tupu.graph.stores import neo4j_bulk, neo4j_server
from tupu.ontology.schema import load_schema
from tupu.settings import load_settings

HAN = re.compile(r"[\u4e00-\u9fff]")
ROOT = Path(tupu.__file__).resolve().parent.parent
CHECKED = ("api/uploads.py", "graph/stores/neo4j_bulk.py", "graph/stores/neo4j_server.py",
           "ontology/schema.py")
INTERNAL = {"NotBulkable"}  # logged for developers, then the ordinary write path is taken


def _upload(tmp_path: Path, name: str, data: bytes) -> tuple[int, str]:
    client, store = admin_on_empty_store(tmp_path / "api")
    r = client.post("/api/v1/load", files={"files": (name, data)})
    assert store.count_nodes() == {}
    return r.status_code, r.json()["detail"]


def _zip(members: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    return buf.getvalue()


@pytest.mark.parametrize("name, data, expected", [
    ("城市.zip", b"PK\x03\x04 not really a zip", "不是有效的 zip 压缩包"),
    ("城市.zip", _zip({"../../evil/nodes/Town.csv": "id\n"}), "指向压缩包之外"),
    ("城市.zip", _zip({"说明.txt": "无数据"}), "顶层既没有数据文件夹"),
    ("城市.exe", b"MZ", "请上传数据文件夹的 .zip"),
])
def test_upload_refusals_are_chinese(tmp_path: Path, name: str, data: bytes,
                                     expected: str) -> None:
    status, detail = _upload(tmp_path, name, data)
    assert status == 422 and expected in detail, detail
    assert str(tmp_path) not in detail and "\n" not in detail


def test_schema_reader_names_unknown_things_in_chinese() -> None:
    schema = load_schema()
    with pytest.raises(SchemaError, match="本体中没有节点类型“Enterprize”；已有：.*Enterprise"):
        schema.label("Enterprize")
    with pytest.raises(SchemaError, match="本体中没有关系类型"):
        schema.rel("SUPPLY")
    with pytest.raises(SchemaError, match="没有属性“revenu”"):
        schema.check_property(schema.label("Enterprise"), "revenu")


def test_neo4j_tool_failures_are_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(data_dir=tmp_path / "data", neo4j_password="short")
    with pytest.raises(ConfigError, match="TUPU_NEO4J_PASSWORD 至少要有"):
        neo4j_server.start(settings, timeout=1)
    monkeypatch.setattr(neo4j_bulk.shutil, "which", lambda name: None)
    with pytest.raises(StoreUnavailable, match="Neo4j 批量导入需要 Java 17"):
        neo4j_bulk._run_import(settings, tmp_path, [])
    monkeypatch.setattr(neo4j_server.shutil, "which", lambda name: None)
    with pytest.raises(StoreUnavailable, match="找不到 `mvn`"):
        neo4j_server._require_tool("mvn")


def _literal_messages(path: Path) -> list[str]:
    """``raise X("…")`` / ``raise X(f"…")`` in ``path``: a message not from the catalogue."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args):
            continue
        func = node.exc.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name in INTERNAL:
            continue
        first = node.exc.args[0]
        if isinstance(first, (ast.Constant, ast.JoinedStr)) and not HAN.search(ast.unparse(first)):
            found.append(f"{path.name}:{node.lineno}: {ast.unparse(first)[:60]}")
    return found


def test_no_english_failure_text_is_left_in_these_modules() -> None:
    left = [hit for rel in CHECKED for hit in _literal_messages(ROOT / rel)]
    assert not left, "\n".join(left)
