"""docs/readings-format.md is run as written.

Its files (fenced blocks whose info string names a ``file=``) are written to a folder,
each ``$ tariffs ...`` line of its ``console`` blocks is run there, and what the command
prints (stdout, then stderr) must be the text shown under it; a command whose text starts
with ``tariffs: error:`` must end with exit code 1, any other with 0.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tariffs.cli import main

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "readings-format.md"
TEXT = GUIDE.read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(\w+)(?: file=(\S+))?\n(.*?)^```$", re.M | re.S)


def files() -> dict[str, str]:
    return {m.group(2): m.group(3) for m in BLOCK.finditer(TEXT) if m.group(2)}


def commands() -> list[tuple[str, str]]:
    """Each ``$`` command of the console blocks and the text shown under it."""
    found = []
    for match in BLOCK.finditer(TEXT):
        if match.group(1) != "console":
            continue
        for chunk in match.group(3).split("$ ")[1:]:
            command, _, shown = chunk.partition("\n")
            found.append((command, shown))
    return found


def test_the_guide_has_its_examples() -> None:
    assert {"readings.csv", "meter.csv", "accounts.csv", "all.csv"} <= set(files())
    names = " ".join(command for command, _ in commands())
    for option in ("--columns", "--units", "--as-year", "--align", "--wall-clock"):
        assert option in names
    for option in ("--demand-window", "--allow-gaps", "batch", "portfolio"):
        assert option in names


@pytest.mark.parametrize(("command", "shown"), commands(), ids=lambda c: c[:70])
def test_every_command_of_the_guide_prints_what_it_shows(
    command: str,
    shown: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, text in files().items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    argv = shlex.split(command)
    assert argv[0] == "tariffs"
    code = main(argv[1:])
    out, err = capsys.readouterr()
    assert out + err == shown
    assert code == (1 if shown.startswith("tariffs: error:") else 0)
