"""Imports follow the layers of DESIGN.md; a test fails on one that runs backwards.

ontology ← graph stores ← analyses ← exports and api; loaders ← api. Each layer may import itself,
the package root (settings, errors) and the layers below it. Imports inside functions count too:
a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# folder → (its package, the packages it may import besides itself)
BASE = ("tupu.errors", "tupu.settings", "tupu.messages", "tupu.inert")
LAYERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ontology": ("tupu.ontology", BASE),
    "graph/stores": ("tupu.graph.stores", BASE + ("tupu.ontology",)),
    "graph/analyses": ("tupu.graph.analyses", BASE + ("tupu.ontology", "tupu.graph.stores")),
    "graph/exports": ("tupu.graph.exports",
                      BASE + ("tupu.ontology", "tupu.graph.stores", "tupu.graph.analyses")),
    "loaders": ("tupu.loaders", BASE + ("tupu.ontology", "tupu.graph.stores")),
}
# Within the api layer, the HTTP side (queries, routers, pages) never imports the CLI's commands.
API_HTTP = ("api/queries", "api/routers", "api/pages")


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # "from tupu.graph import stores" imports the module tupu.graph.stores
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return [(line, name) for line, name in found if name == "tupu" or name.startswith("tupu.")]


def _under(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def _violations() -> list[str]:
    bad: list[str] = []
    for folder, (own, allowed) in LAYERS.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            for line, name in _imports(path):
                if name.startswith("tupu.") and name.count(".") >= 1 and not _under(
                        name, (own,) + allowed) and not _is_parent_package(name, own):
                    bad.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    for folder in API_HTTP:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for line, name in _imports(path):
                if _under(name, ("tupu.api.commands", "tupu.api.cli")):
                    bad.append(f"{path.relative_to(ROOT)}:{line} imports {name} (the CLI)")
    return bad


def _is_parent_package(name: str, own: str) -> bool:
    """``from tupu.graph import x`` names the package ``tupu.graph`` itself, which holds no code."""
    return own.startswith(name + ".") and name in ("tupu.graph",)


def test_imports_follow_the_layers() -> None:
    bad = _violations()
    assert not bad, "imports against the layers:\n" + "\n".join(bad)


@pytest.mark.parametrize("source, expected", [
    ("from tupu.graph.exports.rdf import x\n", "tupu.graph.exports.rdf"),
    ("import tupu.api.cli\n", "tupu.api.cli"),
    ("def f():\n    from tupu.graph.analyses import gaps\n", "tupu.graph.analyses.gaps"),
])
def test_the_checker_sees_every_form_of_import(tmp_path: Path, source: str,
                                               expected: str) -> None:
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    assert expected in {name for _, name in _imports(path)}
