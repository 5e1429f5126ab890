"""Docs that cannot rot: every CLI command and every setting is documented in the README."""

from __future__ import annotations

import click

from tests.conftest import REPO
from tupu.api.cli import cli
from tupu.settings import Settings

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme() -> None:
    for name in cli.list_commands(click.Context(cli)):
        assert f"`tupu {name}" in README, f"tupu {name} is not documented in README.md"


def test_every_setting_is_in_the_readme() -> None:
    for field in Settings.model_fields:
        var = f"TUPU_{field.upper()}"
        assert f"`{var}`" in README, f"{var} is not documented in README.md"


def test_the_two_quick_start_commands_are_what_ci_runs() -> None:
    assert "make demo" in README and "make test" in README
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
