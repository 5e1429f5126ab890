"""The analyst notebooks in ``notebooks/``.

- Committed as rendered: executed top to bottom (``scripts/run_notebooks.py``), with no error and
  their charts as PNG images, so they read on GitHub; the first cell says the sample is fictional.
- On the facade only: a notebook imports ``tupu`` (``tupu.open()``), ``tupu.charts`` and
  ``tupu.errors`` — never ``tupu.graph``, ``tupu.loaders`` or another internal module.
- Executed (slow): each notebook runs top to bottom in a fresh kernel (nbclient with the ipykernel
  of this interpreter) in a temporary working directory, with ``TUPU_DATA_DIR`` in a temporary
  folder and ``TUPU_STORE=memory``; any cell error fails, a few outputs are checked and each
  notebook draws its charts (matplotlib PNGs).
- With a Neo4j (``neo4j`` marker), 03's Cypher section runs against it on the sample city.

Executed notebooks are never written back by the tests; ``scripts/run_notebooks.py`` does that.
"""

from __future__ import annotations

import ast
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
    "04-季度监测与计划对照.ipynb": ["虚构", "按进度", "滞后", "脱幅项目", "缺口与招引",
                                "没有监测数据"],
    "05-对标其他城市.ipynb": ["虚构", "对接清单", "候选总分最高的城市"],
}
# Charts (PNG images) a notebook draws at least: one per question it answers.
CHARTS: dict[str, int] = {
    "01-产业链全景与缺口.ipynb": 3,   # links by status per chain, revenue by chain, candidates' terms
    "02-集群与锚点企业.ipynb": 2,     # cluster sizes, anchor impact
    "03-SPARQL与Cypher.ipynb": 2,    # query results
    "04-季度监测与计划对照.ipynb": 3,  # targets against expected, projects by status, off-track by town
    "05-对标其他城市.ipynb": 2,       # cities by candidates' score, the city against others per gap
}
# What a notebook may import from tupu: the entry point, its charts helper and the errors it raises.
FACADE = {"tupu", "tupu.charts", "tupu.errors"}
FACADE_ATTRIBUTES = {"open", "sample_data", "configured_store", "charts", "errors", "__version__"}
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


def _outputs(nb: dict[str, Any]) -> tuple[str, int]:
    """The text of a notebook's outputs and the number of PNG images among them."""
    texts: list[str] = []
    images = 0
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                text = out.get("text", "")
                texts.append("".join(text) if isinstance(text, list) else str(text))
            data = out.get("data", {})
            images += "image/png" in data
            for mime in ("text/plain", "text/html"):
                value = data.get(mime)
                if value:
                    texts.append("".join(value) if isinstance(value, list) else str(value))
    return "\n".join(texts), images


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_rendered(path: Path) -> None:
    """Saved with the outputs of one run top to bottom: readable as rendered (GitHub)."""
    nb = _read(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    counts = [c.get("execution_count") for c in code]
    hint = "run .venv/bin/python scripts/run_notebooks.py and commit the result"
    assert counts == list(range(1, len(code) + 1)), (
        f"{path.name}: not executed top to bottom in one run (execution counts {counts}); {hint}")
    errors = [i for i, c in enumerate(nb["cells"])
              for out in c.get("outputs", []) if out.get("output_type") == "error"]
    assert not errors, f"{path.name}: cells {errors} were saved with an error; {hint}"
    text, images = _outputs(nb)
    assert images >= CHARTS.get(path.name, 1), (
        f"{path.name}: {images} charts saved, {CHARTS.get(path.name, 1)} expected; {hint}")
    missing = [phrase for phrase in EXPECTED.get(path.name, []) if phrase not in text]
    assert not missing, f"{path.name}: saved outputs lack {missing}; {hint}"


def _tupu_uses(source: str) -> list[str]:
    """The tupu modules a cell imports and the ``tupu.x`` attributes it reads."""
    found: list[str] = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "tupu"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "tupu":
                found.append(node.module)
                if node.module == "tupu":
                    found += [f"tupu.{a.name}" for a in node.names
                              if a.name not in FACADE_ATTRIBUTES - {"charts", "errors"}]
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id == "tupu" and node.attr not in FACADE_ATTRIBUTES):
            found.append(f"tupu.{node.attr}")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_use_only_the_facade(path: Path) -> None:
    """Analysts copy from the notebooks: they show ``import tupu`` only, no internal module."""
    code = [_source(c) for c in _read(path)["cells"] if c["cell_type"] == "code"]
    uses = [name for src in code for name in _tupu_uses(src)]
    assert any(name == "tupu" for name in uses), f"{path.name} does not import tupu"
    internal = sorted({name for name in uses if name not in FACADE})
    assert not internal, f"{path.name} uses tupu internals {internal}; add what it needs to tupu.open()"


def test_facade_check_catches_internals() -> None:
    """The check above is not vacuous: the imports the notebooks used to have are caught."""
    assert _tupu_uses("from tupu.graph.analyses import frames") == ["tupu.graph.analyses"]
    assert _tupu_uses("import tupu.loaders.pipeline") == ["tupu.loaders.pipeline"]
    assert _tupu_uses("import tupu\ntupu.graph.exports.rdf.build_graph(s)") == ["tupu", "tupu.graph"]
    assert _tupu_uses("from tupu import map") == ["tupu", "tupu.map"]
    assert _tupu_uses("import tupu\nimport tupu.charts\nm = tupu.open()") == ["tupu", "tupu.charts"]


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
    monkeypatch.setenv("MPLCONFIGDIR", str(tmp_path / "matplotlib"))
    monkeypatch.setenv("TUPU_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TUPU_STORE", "memory")
    monkeypatch.delenv("TUPU_ANALYSIS_CONFIG", raising=False)  # the documented defaults
    work = tmp_path / "work"
    work.mkdir()
    return work


def _execute(path: Path, work: Path) -> tuple[str, int]:
    """Run the notebook in ``work``; fail on any cell error; return the text of its outputs and
    the number of PNG images (charts) among them."""
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
    return _outputs(nb)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = _kernel_env(tmp_path, monkeypatch)
    text, images = _execute(path, work)
    missing = [phrase for phrase in EXPECTED.get(path.name, []) if phrase not in text]
    assert not missing, f"{path.name}: outputs lack {missing}"
    assert images >= CHARTS.get(path.name, 1), f"{path.name}: drew {images} charts"
    assert sorted(p.name for p in work.iterdir()) == [], f"{path.name} wrote into its working dir"


@pytest.mark.slow
@pytest.mark.neo4j
@pytest.mark.usefixtures("neo4j_sample")
def test_cypher_section_runs_on_neo4j(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = REPO / "notebooks" / "03-SPARQL与Cypher.ipynb"
    work = _kernel_env(tmp_path, monkeypatch)
    monkeypatch.setenv("TUPU_STORE", "neo4j")  # URI, user and password: as the fixture's
    text, _ = _execute(path, work)
    missing = [phrase for phrase in NEO4J_EXPECTED if phrase not in text]
    assert not missing, f"{path.name} on Neo4j: outputs lack {missing}"
