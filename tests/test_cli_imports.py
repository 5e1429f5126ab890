"""`tupu --help` stays fast: the CLI imports the heavy libraries only in the commands that use them.

Measured as the set of modules imported (not wall time, which a busy machine inflates): a fresh
interpreter runs ``tupu --help`` and reports ``sys.modules``.
"""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from tupu.api import cli as cli_module
from tupu.api.cli import COMMANDS, main

HEAVY = ("pandas", "numpy", "networkx", "rdflib", "neo4j", "fastapi", "starlette", "uvicorn",
         "openpyxl", "pyarrow", "pyshacl", "jinja2", "pyvis")
SETTINGS = ("pydantic", "pydantic_settings", "yaml")  # not even the settings for the group's help

PROBE = """
import contextlib, io, json, sys
from tupu.api.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def _modules_after(*argv: str) -> tuple[int, set[str]]:
    out = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True,
                         check=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return int(data["code"]), {m.split(".")[0] for m in data["modules"]}


@pytest.mark.parametrize("argv", [["--help"], ["--version"]])
def test_help_imports_no_heavy_library(argv: list[str]) -> None:
    code, top = _modules_after(*argv)
    assert code == 0
    assert sorted(top & {*HEAVY, *SETTINGS}) == []


def test_a_light_command_help_imports_no_heavy_library() -> None:
    code, top = _modules_after("neo4j", "--help")
    assert code == 0
    assert sorted(top & set(HEAVY)) == []


def test_a_command_imports_what_it_needs() -> None:
    code, top = _modules_after("gaps", "--help")
    assert code == 0 and "pandas" in top


def test_every_command_is_listed_with_its_own_short_help() -> None:
    group = cli_module.cli
    ctx = click.Context(group)
    for name, entry in COMMANDS.items():
        command = group.get_command(ctx, name)
        assert command is not None and command.help is not None, name
        assert command.name == name
        for limit in (30, 45, 60, 80, 120, 300):
            listed = click.Command(name, help=entry.help).get_short_help_str(limit)
            assert listed == command.get_short_help_str(limit), (
                f"{name}: update COMMANDS[{name!r}].help in api/cli.py to the command's first "
                f"paragraph: {command.help.split(chr(10) * 2)[0]!r}"
            )


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    listed = capsys.readouterr().out
    for name in COMMANDS:
        assert f"\n  {name} " in listed
