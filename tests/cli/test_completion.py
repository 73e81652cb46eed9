"""``tariffs completion bash|zsh|fish``: the scripts complete what the parser takes.

The bash script is sourced in a real bash, ``COMP_WORDS`` and ``COMP_CWORD`` set as bash
sets them, and its function called: ``COMPREPLY`` must hold the commands, options, choices,
tariff ids and files expected. zsh runs the same function through ``bashcompinit`` (zsh
then filters the candidates by the typed prefix itself), and is also typed at: an
interactive zsh on a pseudo-terminal gets the start of a line and TAB, and the completed
line is read back. fish answers ``complete -C LINE`` from its script. A shell that is not
installed is skipped, saying so. A ``tariffs`` command on ``PATH`` (a small script running
this interpreter) answers the scripts' ``tariffs tables --ids``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import tariffs
from tables import flat_yaml
from tariffs.cli import main
from tariffs.cli.main import COMMANDS

BUNDLED_IDS = [
    "cn-bj-residential", "cn-gd-commercial-tou", "cn-hydro-seasonal-tou",
    "cn-sh-industrial-two-part", "cn-sh-residential", "cn-sh-residential-tou",
    "cn-zj-residential", "cn-zj-residential-tou",
]  # fmt: skip


@pytest.fixture
def shell_env(tmp_path: Path) -> dict[str, str]:
    """PATH with a ``tariffs`` command first; a folder with two files to complete."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    command = bin_dir / "tariffs"
    command.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m tariffs "$@"\n')
    command.chmod(0o755)
    work = tmp_path / "work"
    (work / "tables").mkdir(parents=True)
    (work / "readings.csv").write_text("start,kwh\n", encoding="utf-8")
    (work / "rates.yaml").write_text("", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "TARIFFS_PATH"}
    # The package under test, whatever the working directory of the shell.
    source = str(Path(tariffs.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join([source, *filter(None, [env.get("PYTHONPATH")])])
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["HOME"] = str(tmp_path)
    env["CWD"] = str(work)
    return env


def script(shell: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["completion", shell]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


def _need(shell: str) -> str:
    found = shutil.which(shell)
    if found is None:
        pytest.skip(f"{shell} is not installed here, so its script cannot be run")
    return found


def _bash_complete(text: str, line: str, env: dict[str, str], tmp_path: Path) -> list[str]:
    """COMPREPLY for ``line`` (the cursor at its end), the script of ``text`` sourced."""
    bash = _need("bash")
    path = tmp_path / "tariffs.bash"
    path.write_text(text, encoding="utf-8")
    words = shlex.split(line) + ([""] if line.endswith(" ") else [])
    program = (
        f"source {shlex.quote(str(path))}\n"
        f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})\n"
        f"COMP_CWORD={len(words) - 1}\n"
        "_tariffs\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(  # noqa: S603
        [bash, "--norc", "--noprofile", "-c", program],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=env["CWD"],
    )
    assert done.stderr == ""
    return [word for word in done.stdout.split("\n") if word]


BASH_CASES = [
    ("tariffs ", list(COMMANDS)),
    ("tariffs pr", ["price"]),
    ("tariffs -q sh", ["show"]),  # a global option before the command
    ("tariffs --color never co", ["compare", "correct", "completion"]),  # --color's value skipped
    ("tariffs --color ", ["auto", "always", "never"]),
    ("tariffs price readings.csv --format ", ["table", "json", "jsonl", "csv"]),
    ("tariffs batch --format ", ["csv", "jsonl", "xlsx"]),
    ("tariffs price readings.csv --readings-format g", ["greenbutton"]),
    ("tariffs compare r.csv --demand-window ", ["tariff", "readings"]),
    ("tariffs schema ", ["tariff", "account"]),
    ("tariffs completion ", ["bash", "zsh", "fish"]),
    ("tariffs price rea", ["readings.csv"]),  # READINGS: files
    ("tariffs price r.csv --account ra", ["rates.yaml"]),
    ("tariffs price r.csv --tables ", ["tables"]),  # DIR: directories only
    ("tariffs price r.csv --from ", []),  # a date: nothing to offer
    ("tariffs price r.csv --tariff cn-sh", [i for i in BUNDLED_IDS if i.startswith("cn-sh")]),
    ("tariffs compare r.csv --current cn-z", ["cn-zj-residential", "cn-zj-residential-tou"]),
    ("tariffs portfolio --proposed cn-bj", ["cn-bj-residential"]),
    ("tariffs show cn-g", ["cn-gd-commercial-tou"]),
    ("tariffs price r.csv --tariff ra", ["rates.yaml"]),  # a tariff may be a file
    ("tariffs price r.csv --allow", ["--allow-gaps"]),
    ("tariffs price r.csv --verb", ["--verbose"]),  # global options after the command
    ("tariffs --ver", ["--version", "--verbose"]),
    (
        "tariffs tables --",
        ["--help", "--tables", "--on", "--format", "--output", "--quiet", "--verbose", "--color"],
    ),  # fmt: skip
]


@pytest.mark.parametrize(("line", "expected"), BASH_CASES)
def test_bash_completes(
    line: str,
    expected: list[str],
    shell_env: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = script("bash", capsys)
    assert _bash_complete(text, line, shell_env, tmp_path) == expected


def test_bash_offers_the_ids_of_the_tables_directories_given(
    shell_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tables = Path(shell_env["CWD"]) / "tables"
    (tables / "zz-local.yaml").write_text(flat_yaml("zz-local", "0.5"), encoding="utf-8")
    text = script("bash", capsys)
    line = "tariffs price r.csv --tables tables --tariff zz"
    assert _bash_complete(text, line, shell_env, tmp_path) == ["zz-local"]
    # Without --tables the id is not one the lookup would find.
    assert _bash_complete(text, "tariffs price r.csv --tariff zz", shell_env, tmp_path) == []


def test_bash_script_registers_the_function(
    shell_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tariffs.bash"
    path.write_text(script("bash", capsys), encoding="utf-8")
    done = subprocess.run(  # noqa: S603
        [_need("bash"), "--norc", "-c", f"source {shlex.quote(str(path))}; complete -p tariffs"],
        capture_output=True,
        text=True,
        check=True,
        env=shell_env,
    )
    assert done.stdout == "complete -F _tariffs tariffs\n"


def test_every_option_of_every_command_is_in_the_bash_script(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = script("bash", capsys)
    for name in COMMANDS:
        assert main([name, "--help"]) == 0
        helped = capsys.readouterr().out.split("\n\n-q/--quiet, -v/--verbose")[0]
        # The option lines of the help: "  -h, --help  ...", "  --format {table,json}".
        heads = [line[2:].split("  ")[0] for line in helped.splitlines() if line[:3] == "  -"]
        options = {found for head in heads for found in re.findall(r"(?:^|, )(--?[\w-]+)", head)}
        assert {"-h", "--help"} <= options
        line = next(line for line in text.splitlines() if line.strip().startswith(f'"{name}") '))
        offered = set(line.split('"')[3].split())
        assert options - offered == set(), name
        assert {"-q", "--quiet", "-v", "--verbose", "--color"} <= offered, name


def test_zsh_script_parses_and_completes_through_bashcompinit(
    shell_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    zsh = _need("zsh")
    path = tmp_path / "_tariffs.zsh"
    path.write_text(script("zsh", capsys), encoding="utf-8")
    subprocess.run([zsh, "-n", str(path)], check=True)  # noqa: S603
    program = (
        f"source {shlex.quote(str(path))}\n"
        "print -r -- ${_comps[tariffs]}\n"
        # bashcompinit's compgen runs the function in sh emulation: arrays from 0.
        "emulate sh -c 'COMP_WORDS=(tariffs price r.csv --format \"\"); COMP_CWORD=4; _tariffs'\n"
        'print -r -- "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(  # noqa: S603
        [zsh, "-f", "-c", program],
        capture_output=True,
        text=True,
        check=True,
        env=shell_env,
        cwd=shell_env["CWD"],
    )
    assert done.stdout.splitlines() == ["_bash_complete -F _tariffs", "table json jsonl csv"]


#: A zsh program that types ``$2`` and TAB in an interactive zsh on a pseudo-terminal
#: (zsh/zpty), with the script ``$1`` sourced, and prints the line as completed. The line
#: is printed by ``echo RE''SULT=`` put before it, so that its output (``RESULT=``) is
#: told apart from the typed line that the terminal echoes.
ZSH_TYPING = r"""
zmodload zsh/zpty
zpty -b z 'PS1="> " zsh -f -i'
zpty -w z "source ${(q)1} 2>/dev/null"
zpty -w -n z "$2"$'\t\x01echo RE\'\'SULT=\n'
local all="" line
integer deadline=$(( SECONDS + 60 ))
while (( SECONDS < deadline )); do
  if zpty -r -t z line 2>/dev/null; then
    all+="$line"
    [[ "$all" == *RESULT=*$'\n'* ]] && break
  else
    sleep 0.1
  fi
done
zpty -d z
print -r -- "${${all##*RESULT=}%%$'\r'*}"
"""


@pytest.mark.parametrize(
    ("typed", "completed"),
    [
        ("tariffs price readings.csv --format js", "tariffs price readings.csv --format json "),
        ("tariffs show cn-b", "tariffs show cn-bj-residential "),
        ("tariffs -q sch", "tariffs -q schema "),
    ],
)
def test_zsh_completes_at_an_interactive_prompt(
    typed: str,
    completed: str,
    shell_env: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    zsh = _need("zsh")
    path = tmp_path / "_tariffs.zsh"
    path.write_text(script("zsh", capsys), encoding="utf-8")
    typing = tmp_path / "typing.zsh"
    typing.write_text(ZSH_TYPING, encoding="utf-8")
    done = subprocess.run(  # noqa: S603
        [zsh, "-f", str(typing), str(path), typed],
        capture_output=True,
        text=True,
        check=True,
        env=shell_env,
        cwd=shell_env["CWD"],
        timeout=90,
    )
    assert done.stdout.rstrip("\n") == completed.rstrip()


def _fish_complete(path: Path, line: str, env: dict[str, str]) -> list[str]:
    done = subprocess.run(  # noqa: S603
        [_need("fish"), "--no-config", "-c", f"source {path}; complete -C {shlex.quote(line)}"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=env["CWD"],
    )
    return [row.split("\t")[0] for row in done.stdout.splitlines()]


def test_fish_script_parses_and_completes(
    shell_env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fish = _need("fish")
    path = tmp_path / "tariffs.fish"
    path.write_text(script("fish", capsys), encoding="utf-8")
    subprocess.run([fish, "--no-execute", str(path)], check=True)  # noqa: S603
    assert _fish_complete(path, "tariffs sh", shell_env) == ["show"]
    assert _fish_complete(path, "tariffs --color never pr", shell_env) == ["price"]
    assert _fish_complete(path, "tariffs -q price r.csv --verb", shell_env) == ["--verbose"]
    assert sorted(_fish_complete(path, "tariffs price r.csv --format ", shell_env)) == [
        "csv", "json", "jsonl", "table",
    ]  # fmt: skip
    assert _fish_complete(path, "tariffs show cn-zj", shell_env) == [
        "cn-zj-residential",
        "cn-zj-residential-tou",
    ]
    assert _fish_complete(path, "tariffs price rea", shell_env) == ["readings.csv"]
    assert _fish_complete(path, "tariffs schema ", shell_env) == ["account", "tariff"]


def test_an_unknown_shell_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "tcsh"]) == 2
    assert "invalid choice: 'tcsh'" in capsys.readouterr().err
