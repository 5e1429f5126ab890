"""The package type-checks under mypy --strict (scripts/typecheck.sh)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO


@pytest.mark.slow
def test_mypy_strict_passes() -> None:
    mypy = Path(sys.executable).with_name("mypy")
    if not mypy.exists() and shutil.which("mypy") is None:
        pytest.skip("mypy is not installed (pip install -e '.[dev]')")
    proc = subprocess.run(
        [str(REPO / "scripts" / "typecheck.sh")],
        env={"MYPY": str(mypy) if mypy.exists() else "mypy", "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
