"""The commands docs/whatif.md shows with their output print that output.

Each fenced block that starts with ``$ tariffs`` is run from the repository's top
directory (the command's continuation lines end in a backslash). What it prints must
begin with the text shown, and a line ``...`` stands for lines left out: the shown parts
come in the output in their order.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tariffs.cli import main

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "docs" / "whatif.md").read_text(encoding="utf-8")


def shown_commands() -> list[tuple[str, list[str]]]:
    """Each ``$ tariffs`` block: its command, and the parts of its output shown."""
    found = []
    for block in re.findall(r"^```\n(\$ tariffs .*?)^```$", TEXT, re.M | re.S):
        lines = block.splitlines(keepends=True)
        command = ""
        while True:
            line = lines.pop(0)
            command += line.rstrip("\n").removesuffix("\\")
            if not line.rstrip("\n").endswith("\\"):
                break
        parts = "".join(lines).split("...\n")
        found.append((command.removeprefix("$ "), parts))
    return found


def test_the_page_shows_the_eligibility_and_the_price_response_examples() -> None:
    commands = " ".join(command for command, _ in shown_commands())
    assert "--account examples/eligibility/factory-account.yaml" in commands
    assert "--elasticity examples/portfolio/elasticity.yaml" in commands


@pytest.mark.parametrize(("command", "parts"), shown_commands(), ids=lambda c: str(c)[:60])
def test_each_command_prints_what_the_page_shows(
    command: str,
    parts: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    argv = shlex.split(command)
    assert argv[0] == "tariffs"
    assert main([*argv[1:], *(["--workers", "1"] if argv[1] == "portfolio" else [])]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(parts[0])
    at = len(parts[0])
    for part in parts[1:]:
        found = printed.find(part, at)
        assert found >= 0, part
        at = found + len(part)
