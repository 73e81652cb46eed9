"""The README's "Use" block shows the terminal commands and options, and each works.

Each line of the block checked here is run as a child process, as a person would type
it, and its output checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
USE = README.split("## Use", 1)[1].split("```", 2)[1]
EXAMPLE = [
    str(ROOT / "examples" / "readings.csv"),
    "--tariff",
    "cn-sh-industrial-two-part",
    "--account",
    str(ROOT / "examples" / "account.yaml"),
]


def tariffs(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(  # noqa: S603 - the interpreter running the tests
        [sys.executable, "-m", "tariffs", *argv],
        capture_output=True,
        text=True,
        check=False,
        env={**environment, **env},
    )


def test_the_use_block_shows_each_terminal_command() -> None:
    lines = [line.split("#")[0].strip() for line in USE.splitlines()]
    for shown in [
        "tariffs --version",
        "tariffs tables [--tables DIR] [--on DATE] [--format table|json|csv]",
        "tariffs schema [tariff|account] [--output FILE]",
        "tariffs completion bash|zsh|fish",
        "tariffs -q|-v [--color auto|always|never] COMMAND ...",
        "NO_COLOR=1 tariffs price READINGS --tariff TARIFF",
    ]:
        assert shown in lines, shown


def test_version() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    done = tariffs("--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"tariffs {declared}\n", "")


def test_tables() -> None:
    done = tariffs("tables", "--on", "2025-07-01", "--format", "json")
    assert (done.returncode, done.stderr) == (0, "")
    listed = {table["id"] for table in json.loads(done.stdout)["tables"]}
    assert {"cn-bj-residential", "cn-sh-industrial-two-part"} <= listed


def test_schema() -> None:
    done = tariffs("schema", "account")
    assert (done.returncode, done.stderr) == (0, "")
    schema = json.loads(done.stdout)
    assert "account_id" in schema["properties"]
    assert done.stdout == (ROOT / "src" / "tariffs" / "schemas" / "account.schema.json").read_text(
        "utf-8"
    )


def test_completion() -> None:
    for shell, marker in [
        ("bash", "complete -F _tariffs tariffs\n"),
        ("zsh", "#compdef tariffs\n"),
        ("fish", "complete -c tariffs -n 'not __tariffs_command' -a price "),
    ]:
        done = tariffs("completion", shell)
        assert (done.returncode, done.stderr) == (0, ""), shell
        assert marker in done.stdout, shell


def test_quiet_and_verbose_before_or_after_the_command() -> None:
    plain = tariffs("price", *EXAMPLE)
    assert (plain.returncode, plain.stderr) == (0, "")
    quiet = tariffs("-q", "price", *EXAMPLE)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, plain.stdout, "")
    for verbose in (tariffs("-v", "price", *EXAMPLE), tariffs("price", *EXAMPLE, "-v")):
        assert (verbose.returncode, verbose.stdout) == (0, plain.stdout)
        notes = verbose.stderr.splitlines()
        # examples/readings.csv: July 2025 in 15-minute intervals, 31 × 96 = 2976.
        assert notes[0].endswith(
            "readings.csv: 2976 intervals of 15 min, 2025-07-01T00:00 to 2025-08-01T00:00 "
            "(Asia/Shanghai, end exclusive)"
        )
        assert notes[1].endswith("cn-sh-industrial-two-part.yaml: version 2022-01-01 in force")
        assert notes[2].startswith("tariffs: tariffs price: done in ")


def test_no_color_and_the_color_option() -> None:
    plain = tariffs("price", *EXAMPLE).stdout
    assert "\033[" not in plain  # piped: never coloured
    assert tariffs("price", *EXAMPLE, "--color", "always").stdout != plain
    assert tariffs("price", *EXAMPLE, FORCE_COLOR="1", NO_COLOR="1").stdout == plain


def test_the_use_block_shows_the_what_if_commands_and_options() -> None:
    """Each what-if command and option is in the Use block, on a line of the command that
    takes it, and that command's --help lists it."""
    entries: list[str] = []  # a command with its indented continuation lines
    for line in USE.replace("\\\n", " ").splitlines():
        if line.startswith(" ") and entries:
            entries[-1] += " " + line.split("#")[0].strip()
        else:
            entries.append(line.split("#")[0].strip())
    shown = {
        "compare": [
            "--current", "--account", "--scenario", "--break-even", "--ignore-eligibility",
            "--annualise", "--grid", "--format xlsx", "--plot", "--plot-months",
        ],
        "portfolio": [
            "--current", "--proposed", "--migrate", "--migrate-by", "--bands", "--bands-per",
            "--change-bands", "--top", "--elasticity", "--format xlsx", "--plot-months",
        ],
        "design": ["--current", "--proposed", "--solve", "--target", "--places", "--write-table"],
    }  # fmt: skip
    for command, options in shown.items():
        lines = " ".join(entry for entry in entries if entry.startswith(f"tariffs {command} "))
        done = tariffs(command, "--help")
        assert (done.returncode, done.stderr) == (0, "")
        for option in options:
            assert option in lines, (command, option)
            assert option.split()[0] in done.stdout, (command, option)
