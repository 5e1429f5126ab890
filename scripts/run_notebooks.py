"""Execute the analyst notebooks and save them WITH their outputs (charts as PNG), so that they
read as rendered on GitHub or any notebook viewer.

    .venv/bin/python scripts/run_notebooks.py            # every notebook in notebooks/
    .venv/bin/python scripts/run_notebooks.py notebooks/04-*.ipynb

Each notebook runs top to bottom in a fresh kernel of this interpreter, in an empty temporary
working directory, on the fictional sample city in a temporary memory store (``TUPU_STORE=memory``,
``TUPU_DATA_DIR`` temporary, the documented analysis defaults) — as ``tests/test_notebooks.py``
runs them. A cell error stops the script and leaves the notebook file unchanged. Run it after
changing a notebook or an analysis it shows; ``tests/test_notebooks.py`` fails when a committed
notebook lacks its outputs or a chart.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KERNEL = "tupu-notebooks"
CELL_TIMEOUT = 300


def _environment(tmp: Path) -> Path:
    """A kernel spec for this interpreter and Jupyter/IPython/tupu files kept in ``tmp``;
    returns the notebook's working directory."""
    spec = tmp / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "tupu notebooks", "language": "python",
    }), encoding="utf-8")
    os.environ.update({
        "JUPYTER_PATH": str(tmp / "jupyter"), "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "JUPYTER_PLATFORM_DIRS": "1", "IPYTHONDIR": str(tmp / "ipython"),
        "MPLCONFIGDIR": str(tmp / "matplotlib"),
        "TUPU_DATA_DIR": str(tmp / "data"), "TUPU_STORE": "memory",
    })
    os.environ.pop("TUPU_ANALYSIS_CONFIG", None)
    work = tmp / "work"
    work.mkdir()
    return work


def run(path: Path) -> None:
    """Execute ``path`` and write it back with its outputs (kernel metadata kept as it was)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    kernelspec = nb.metadata.get("kernelspec")
    with tempfile.TemporaryDirectory(prefix="tupu-run-notebooks-") as tmp:
        work = _environment(Path(tmp))
        NotebookClient(nb, kernel_name=KERNEL, timeout=CELL_TIMEOUT,
                       resources={"metadata": {"path": str(work)}}).execute()
    if kernelspec is not None:
        nb.metadata["kernelspec"] = kernelspec
    nbformat.write(nb, path)
    print(f"{path.relative_to(REPO)}: executed and saved with outputs")


def main(argv: list[str]) -> int:
    paths = [Path(a).resolve() for a in argv] or sorted((REPO / "notebooks").glob("*.ipynb"))
    for path in paths:
        run(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
