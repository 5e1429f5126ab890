"""A delivery's ``manifest.yaml`` is hostile until read (issue 12, point 2): alias bombs, huge
files, deep nesting, tags, non-mapping roots and paths out of the delivery are each refused with
one Chinese line naming the file and what to do — from the CLI and from an upload — and nothing
is read from outside nor written."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from tests.minicity import E1, write_city
from tests.webapp import admin_on_empty_store
from tupu.api.cli import main
from tupu.errors import InputError
from tupu.graph.stores.memory_store import MemoryStore
from tupu.loaders.manifest import read_manifest
from tupu.loaders.pipeline import load
from tupu.loaders.yamlfile import MAX_YAML_BYTES, MAX_YAML_DEPTH
from tupu.ontology.schema import load_schema

REGISTRY = f"单位详细名称,统一社会信用代码,省份,城市\n迷你数字科技有限公司,{E1},江苏省,迷你市\n"

BILLION_LAUGHS = "\n".join(
    ["a: &a [\"哈\",\"哈\",\"哈\",\"哈\",\"哈\",\"哈\",\"哈\",\"哈\",\"哈\"]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    + ["files: [名录.csv]"]) + "\n"


def delivery(tmp_path: Path, manifest: str | bytes, name: str = "报送") -> Path:
    folder = tmp_path / name
    folder.mkdir(parents=True)
    (folder / "名录.csv").write_text(REGISTRY, encoding="utf-8")
    data = manifest.encode("utf-8") if isinstance(manifest, str) else manifest
    (folder / "manifest.yaml").write_bytes(data)
    return folder


def cli_refusal(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                monkeypatch: pytest.MonkeyPatch) -> str:
    """The one line ``tupu load folder`` prints when it refuses the delivery (exit 1)."""
    monkeypatch.setenv("TUPU_DATA_DIR", str(tmp_path / "data"))
    assert main(["load", str(folder)]) == 1
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert "报送/manifest.yaml" in err, err  # the file, by its delivery name
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").rglob("*.snapshot*"))
    return err


HOSTILE = {
    "alias bomb": (BILLION_LAUGHS, "锚点或别名"),
    "one alias": ("x: &x 名录.csv\nfiles: [*x]\n", "锚点或别名"),
    "python object tag": ("files: !!python/object/apply:os.system [\"echo hi\"]\n", "标签"),
    "unknown tag": ("files: [!secret 名录.csv]\n", "标签"),
    "binary tag": ("name: !!binary aGk=\nfiles: [名录.csv]\n", "标签"),
    "deep nesting": ("files: " + "[" * (MAX_YAML_DEPTH + 5) + "]" * (MAX_YAML_DEPTH + 5) + "\n",
                     "嵌套超过"),
    "very deep nesting": ("x: " + "[" * 100_000 + "\n", "嵌套超过"),
    "huge": ("files: [名录.csv]\n" + "# 注释\n" * (MAX_YAML_BYTES // 8), "KB 的上限"),
    "syntax": ("files:\n  - path: 名录.csv\n kind: [\n", "不是有效的YAML"),
    "list root": ("- 名录.csv\n", "映射"),
    "scalar root": ("名录.csv\n", "映射"),
    "gbk": ("files: [名录.csv]  # 企业名录\n".encode("gbk").decode("latin-1"), "UTF-8"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_manifests_are_refused_from_the_cli(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text, expected = HOSTILE[case]
    data = text.encode("latin-1") if case == "gbk" else text
    err = cli_refusal(delivery(tmp_path, data), tmp_path, capsys, monkeypatch)
    assert expected in err, err


def test_the_yaml_reader_never_builds_the_bomb(tmp_path: Path) -> None:
    folder = delivery(tmp_path, BILLION_LAUGHS)
    with pytest.raises(InputError, match="第1行使用了 YAML 锚点或别名"):
        read_manifest(folder / "manifest.yaml", load_schema())


OUTSIDE = {
    "parent of parent": ("../../etc/passwd", "超出了清单所在文件夹及其同级文件夹的范围"),
    "absolute": ("/etc/passwd", "绝对路径"),
    "windows absolute": ("C:\\Windows\\win.ini", "绝对路径"),
    "backslashes up": ("..\\..\\etc\\passwd", "超出了清单所在文件夹及其同级文件夹的范围"),
    "link out": ("链接.csv", "符号链接"),
}


def _secret(tmp_path: Path) -> Path:
    """A file outside the deliveries' folder that a manifest must never reach."""
    secret = tmp_path / "机密" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text(f"单位详细名称,统一社会信用代码\n机密内容,{E1}\n", encoding="utf-8")
    return secret


@pytest.mark.parametrize("case", sorted(OUTSIDE))
@pytest.mark.parametrize("section", ["files", "canonical", "columns"])
def test_paths_out_of_the_delivery_are_refused(
    case: str, section: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, expected = OUTSIDE[case]
    secret = _secret(tmp_path)
    deliveries = tmp_path / "报送文件夹"
    manifest = {
        "files": f"files:\n  - path: '{path}'\n    kind: enterprises\n",
        "canonical": f"canonical: ['{path}']\nfiles: [名录.csv]\n",
        "columns": f"files:\n  - path: 名录.csv\n    kind: enterprises\n    columns: '{path}'\n",
    }[section]
    folder = delivery(deliveries, manifest)
    if case == "link out":
        os.symlink(secret, folder / "链接.csv")
    err = cli_refusal(folder, tmp_path, capsys, monkeypatch)
    assert expected in err and "机密内容" not in err, err


def test_a_sibling_folder_is_within_reach_on_the_command_line(tmp_path: Path) -> None:
    """The documented way to complete a delivery with base data beside it still works."""
    write_city(tmp_path / "mini")
    folder = delivery(tmp_path, "canonical: [../mini/nodes/Town.csv]\nfiles: [名录.csv]\n")
    store = MemoryStore(None)
    report = load([folder], store)
    assert report.nodes["Town"] >= 1 and store.get_node("Town", "t1") is not None


def _upload(tmp_path: Path, members: dict[str, str]) -> tuple[int, str, MemoryStore]:
    client, store = admin_on_empty_store(tmp_path / "api")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in members.items():
            z.writestr(name, text)
    r = client.post("/api/v1/load", files={"files": ("报送.zip", buf.getvalue())})
    return r.status_code, r.text, store


@pytest.mark.parametrize("manifest, expected", [
    ("canonical: [../mini/nodes/Town.csv]\nfiles: [名录.csv]\n", "在本次报送的文件夹之外"),
    ("files: ['/etc/passwd']\n", "绝对路径"),
    (BILLION_LAUGHS, "锚点或别名"),
])
def test_an_uploaded_manifest_reaches_nothing_outside_its_folder(
    tmp_path: Path, manifest: str, expected: str
) -> None:
    status, body, store = _upload(tmp_path, {
        "manifest.yaml": manifest, "名录.csv": REGISTRY,
        "nodes/Town.csv": "id,name,kind,city\nt2,二镇,town,迷你市\n"})  # a data folder
    assert status == 422 and expected in body, body
    assert str(tmp_path) not in body  # no server path in the answer
    assert store.count_nodes() == {}
