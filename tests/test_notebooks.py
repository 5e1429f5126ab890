"""The analyst notebooks in ``notebooks/``.

- Committed clean: no outputs, no execution counts, and the first cell says the sample is fictional.
- Executed (slow): each notebook runs top to bottom in a fresh kernel (nbclient with the ipykernel
  of this interpreter) in a temporary working directory, with ``TUPU_DATA_DIR`` in a temporary
  folder and ``TUPU_STORE=memory``; any cell error fails, and a few outputs are checked.
- With a Neo4j (``neo4j`` marker), 03's Cypher section runs against it on the sample city.

Executed notebooks are never written back, so the committed files stay without outputs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
KERNEL = "tupu-tests"
CELL_TIMEOUT = 300  # seconds per cell: a generous bound, not a performance check

# Phrases the outputs of a notebook must contain: evidence that the analyses ran and said something.
EXPECTED: dict[str, list[str]] = {
    "01-产业链全景与缺口.ipynb": ["虚构", "断链", "各项之和等于总分：已核对", "落地园区建议"],
    "02-集群与锚点企业.ipynb": ["虚构", "中介中心性前十名", "特色产业集群", "模块度", "假设「"],
    "03-SPARQL与Cypher.ipynb": ["虚构", "三者一致", "跳过 Cypher", "tupu neo4j start"],
    "04-季度监测与计划对照.ipynb": ["虚构", "按进度", "滞后", "脱幅项目", "缺口与招引", "<svg",
                                "没有监测数据"],
    "05-对标其他城市.ipynb": ["虚构", "对接清单", "候选总分最高的城市", "<svg"],
}
NEO4J_EXPECTED = [
    "Cypher 与 DataFrame 接口（同一个 Neo4j）结果一致",
    "Cypher、SPARQL 与 DataFrame 接口答案一致",
]


def _read(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def test_notebooks_exist() -> None:
    names = {p.name for p in NOTEBOOKS}
    assert set(EXPECTED) <= names, f"missing notebooks: {sorted(set(EXPECTED) - names)}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path: Path) -> None:
    nb = _read(path)
    dirty = [
        i for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert not dirty, (
        f"{path.name}: cells {dirty} have outputs or execution counts; clear them before "
        "committing (Jupyter: Edit → Clear Outputs of All Cells)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_first_cell_says_the_sample_is_fictional(path: Path) -> None:
    first = _read(path)["cells"][0]
    assert first["cell_type"] == "markdown"
    text = _source(first)
    assert "虚构" in text and "fictional" in text, f"{path.name}: first cell must say so"


def _kernel_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A kernel spec for this interpreter, and environment that keeps Jupyter and IPython files
    and the memory store's data in ``tmp_path``. Returns the notebook's working directory."""
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "tupu tests",
        "language": "python",
    }), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))  # searched before user dirs
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("TUPU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TUPU_STORE", "memory")
    monkeypatch.delenv("TUPU_ANALYSIS_CONFIG", raising=False)  # the documented defaults
    work = tmp_path / "work"
    work.mkdir()
    return work


def _execute(path: Path, work: Path) -> str:
    """Run the notebook in ``work``; fail on any cell error; return the text of its outputs."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, kernel_name=KERNEL, timeout=CELL_TIMEOUT, resources={"metadata": {"path": str(work)}}
    )
    try:
        client.execute()
    except CellExecutionError as e:
        pytest.fail(f"{path.name}: a cell failed:\n{e}")
    texts: list[str] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                texts.append(str(out.get("text", "")))
            for mime in ("text/plain", "text/html", "image/svg+xml"):
                value = out.get("data", {}).get(mime)
                if value:
                    texts.append("".join(value) if isinstance(value, list) else str(value))
    return "\n".join(texts)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = _kernel_env(tmp_path, monkeypatch)
    text = _execute(path, work)
    missing = [phrase for phrase in EXPECTED.get(path.name, []) if phrase not in text]
    assert not missing, f"{path.name}: outputs lack {missing}"
    assert sorted(p.name for p in work.iterdir()) == [], f"{path.name} wrote into its working dir"


@pytest.mark.slow
@pytest.mark.neo4j
@pytest.mark.usefixtures("neo4j_sample")
def test_cypher_section_runs_on_neo4j(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = REPO / "notebooks" / "03-SPARQL与Cypher.ipynb"
    work = _kernel_env(tmp_path, monkeypatch)
    monkeypatch.setenv("TUPU_STORE", "neo4j")  # URI, user and password: as the fixture's
    text = _execute(path, work)
    missing = [phrase for phrase in NEO4J_EXPECTED if phrase not in text]
    assert not missing, f"{path.name} on Neo4j: outputs lack {missing}"
