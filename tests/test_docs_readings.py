"""docs/readings-format.md and docs/tutorial.md are run as written.

The files of a guide (fenced blocks whose info string names a ``file=``) are written to a
folder, each ``$ tariffs ...`` line of its ``console`` blocks is run there, and what the
command prints (stdout, then stderr) must be the text shown under it. A command whose
text starts with ``tariffs: error:`` must end with exit code 1, one that ends with the
comment ``# exit code N`` with N, any other with 0.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tariffs.cli import main

DOCS = Path(__file__).resolve().parents[1] / "docs"
GUIDES = ("readings-format.md", "tutorial.md")
TEXTS = {name: (DOCS / name).read_text(encoding="utf-8") for name in GUIDES}
TEXT = TEXTS["readings-format.md"]
BLOCK = re.compile(r"^```(\w+)(?: file=(\S+))?\n(.*?)^```$", re.M | re.S)


def files(text: str = TEXT) -> dict[str, str]:
    return {m.group(2): m.group(3) for m in BLOCK.finditer(text) if m.group(2)}


def commands(text: str = TEXT) -> list[tuple[str, str]]:
    """Each ``$`` command of the console blocks and the text shown under it."""
    found = []
    for match in BLOCK.finditer(text):
        if match.group(1) != "console":
            continue
        for chunk in match.group(3).split("$ ")[1:]:
            command, _, shown = chunk.partition("\n")
            found.append((command, shown))
    return found


def every_command() -> list[tuple[str, str, str]]:
    return [(guide, *pair) for guide in GUIDES for pair in commands(TEXTS[guide])]


def test_the_guide_has_its_examples() -> None:
    assert {"readings.csv", "meter.csv", "accounts.csv", "all.csv"} <= set(files())
    names = " ".join(command for command, _ in commands())
    for option in ("--columns", "--units", "--as-year", "--align", "--wall-clock"):
        assert option in names
    for option in ("--demand-window", "--allow-gaps", "batch", "portfolio"):
        assert option in names


def test_the_tutorial_goes_from_a_table_to_a_portfolio() -> None:
    names = " ".join(command for command, _ in commands(TEXTS["tutorial.md"]))
    for step in ("validate", "show", "price", "compare", "portfolio"):
        assert f"tariffs {step} " in names
    assert {"gd-tou.yaml", "shop.csv", "accounts.csv"} <= set(files(TEXTS["tutorial.md"]))


@pytest.mark.parametrize(("guide", "command", "shown"), every_command(), ids=lambda c: str(c)[:70])
def test_every_command_of_the_guide_prints_what_it_shows(
    guide: str,
    command: str,
    shown: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, text in files(TEXTS[guide]).items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    argv = shlex.split(command, comments=True)
    assert argv[0] == "tariffs"
    code = main(argv[1:])
    out, err = capsys.readouterr()
    assert out + err == shown
    stated = re.search(r"# exit code (\d+)$", command)
    expected = int(stated.group(1)) if stated else 0
    assert code == (1 if shown.startswith("tariffs: error:") else expected)
