"""Tests of the layout of the ``tariffs`` command: one module per subcommand.

Each subcommand's module has two entry points, ``add_parser(commands)`` and
``run(args) -> int``; `tariffs.cli.main` imports only the module of the subcommand being
run, so that ``tariffs price`` starts without the what-if and batch code.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tariffs.cli import main
from tariffs.cli.main import COMMANDS, command

ROOT = Path(__file__).resolve().parents[2]

#: The modules of one subcommand each that have the two entry points themselves
#: (``tariffs.cli.batch`` still has the older ``add_parsers``/``COMMANDS`` form, which
#: `tariffs.cli.main.command` turns into the same two).
SINGLE_COMMAND_MODULES = {
    "price": "tariffs.cli.price",
    "explain": "tariffs.cli.explain",
    "compare": "tariffs.cli.compare",
    "correct": "tariffs.cli.correct",
    "portfolio": "tariffs.cli.portfolio",
    "design": "tariffs.cli.design",
    "validate": "tariffs.cli.validate",
    "import-urdb": "tariffs.cli.import_urdb",
    "show": "tariffs.cli.show",
    "tables": "tariffs.cli.tables",
    "schema": "tariffs.cli.schema",
    "completion": "tariffs.cli.completion",
}

#: What ``tariffs price`` must not import: the what-if, batch and plotting code, and what
#: only ``tariffs tables`` and ``tariffs schema`` need.
NOT_FOR_PRICE = (
    "tariffs.cli.batch",
    "tariffs.cli.compare",
    "tariffs.cli.design",
    "tariffs.cli.explain",
    "tariffs.cli.portfolio",
    "tariffs.cli.whatif",
    "tariffs.cli_batch",
    "tariffs.cli_whatif",
    "tariffs.engine.explain",
    "tariffs.io.render.catalogue",
    "tariffs.io.render.comparison",
    "tariffs.io.render.design",
    "tariffs.io.render.explain",
    "tariffs.io.render.plot",
    "tariffs.io.render.portfolio",
    "tariffs.io.render.xlsx",
    "tariffs.model.json_schema",
    "tariffs.runs",
    "tariffs.whatif",
    # Only a tariff's description, and a day type's recurrence rules, need these.
    "tariffs.io.render.describe",
    "dateutil",
)

#: Models of the contract that ``tariffs price`` on the README's example neither
#: validates nor writes out: built with their classes all the same (see `StrictModel`).
NOT_USED_BY_PRICE = (
    "AllowanceChange",
    "CapacityChange",
    "CoincidentPeak",
    "DynamicEnergyCharge",
    "HolidayCalendar",
    "MeterChange",
    "PriceFileCharge",
    "Split",
    "SubMeter",
    "Transformer",
)


def _subcommands(entry_add_parser: object) -> dict[str, argparse.ArgumentParser]:
    parser = argparse.ArgumentParser(prog="tariffs")
    subparsers = parser.add_subparsers(dest="command")
    assert callable(entry_add_parser)
    entry_add_parser(subparsers)
    return dict(subparsers.choices)


@pytest.mark.parametrize(("name", "module_name"), sorted(SINGLE_COMMAND_MODULES.items()))
def test_each_command_module_has_add_parser_and_run(name: str, module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert module.__all__ == ["add_parser", "run"]
    assert callable(module.run)
    assert list(_subcommands(module.add_parser)) == [name]
    assert COMMANDS[name] == module_name
    assert command(name) == (module.add_parser, module.run)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_the_two_entry_points(name: str) -> None:
    entry = command(name)
    assert callable(entry.run)
    assert list(_subcommands(entry.add_parser)) == [name]


def test_every_command_module_is_listed() -> None:
    assert set(SINGLE_COMMAND_MODULES) | {"batch"} == set(COMMANDS)
    package = ROOT / "src" / "tariffs" / "cli"
    modules = {path.stem for path in package.glob("*.py")}
    shared = {"__init__", "main", "options", "progress", "terminal"}
    assert modules - shared == {name.rsplit(".", 1)[1] for name in COMMANDS.values()}


def _price_in_a_fresh_interpreter(tmp_path: Path) -> tuple[int, list[str], list[str]]:
    """The exit code, the modules imported and the models built by ``tariffs price``."""
    output = tmp_path / "bills.json"
    script = (
        "import json, sys\n"
        "from tariffs.cli import main\n"
        "from tariffs.model.common import StrictModel\n"
        "code = main(sys.argv[1:])\n"
        "models, built = [StrictModel], []\n"
        "while models:\n"
        "    model = models.pop()\n"
        "    models.extend(model.__subclasses__())\n"
        "    if model.__pydantic_complete__:\n"
        "        built.append(model.__name__)\n"
        "print(json.dumps([code, sorted(sys.modules), sorted(built)]))\n"
    )
    argv = [
        "price",
        str(ROOT / "examples" / "readings.csv"),
        "--tariff",
        "cn-sh-industrial-two-part",
        "--account",
        str(ROOT / "examples" / "account.yaml"),
        "--format",
        "json",
        "--output",
        str(output),
    ]
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script, *argv],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    )
    code, modules, built = json.loads(done.stdout)
    assert json.loads(output.read_text(encoding="utf-8"))["bills"]
    return code, modules, built


def test_price_imports_no_what_if_or_batch_module(tmp_path: Path) -> None:
    code, modules, _ = _price_in_a_fresh_interpreter(tmp_path)
    assert code == 0
    assert "tariffs.cli.price" in modules
    loaded = [
        name
        for name in modules
        if any(name == bad or name.startswith(bad + ".") for bad in NOT_FOR_PRICE)
    ]
    assert loaded == []
    others = {COMMANDS[name] for name in COMMANDS if name != "price"}
    assert others.isdisjoint(modules)


def test_every_model_is_built_with_its_class_not_on_first_use(tmp_path: Path) -> None:
    # Building on first use is not safe in threads (see `StrictModel`): the models that
    # price never uses are built too, as are the bases.
    code, _, built = _price_in_a_fresh_interpreter(tmp_path)
    assert code == 0
    assert {"Tariff", "Account", "StrictModel", "_ChargeBase", *NOT_USED_BY_PRICE} <= set(built)


@pytest.mark.parametrize("argv", [["--help"], ["-h"], ["-h", "price"], ["--help", "batch"]])
def test_help_lists_every_command(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "120")  # argparse wraps help to the terminal width
    assert main(argv) == 0
    out = capsys.readouterr().out
    every = [
        "price", "explain", "batch", "compare", "correct", "portfolio", "design", "validate",
        "import-urdb", "show", "tables", "schema", "completion",
    ]  # fmt: skip
    usage = " ".join(out.split("\n\n", 1)[0].split())
    assert usage == (
        "usage: tariffs [-h] [--version] [-q] [-v] [--color {auto,always,never}] "
        f"{{{','.join(every)}}} ..."
    )
    commands = out.split("positional arguments:\n", 1)[1].split("\n\n", 1)[0]
    listed = [line.split()[0] for line in commands.splitlines() if line.startswith("    ")]
    assert listed == every  # the commands of the contract, not the table they come from


def test_an_unknown_command_names_every_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # the usage line on one line
    assert main(["frobnicate"]) == 2
    err = capsys.readouterr().err
    every = (
        "price,explain,batch,compare,correct,portfolio,design,validate,import-urdb,show,tables,"
        "schema,completion"
    )
    assert err == (
        f"usage: tariffs [-h] [--version] [-q] [-v] [--color {{auto,always,never}}] {{{every}}} "
        "...\n"
        "tariffs: argument command: invalid choice: 'frobnicate' (choose from 'price', "
        "'explain', 'batch', 'compare', 'correct', 'portfolio', 'design', 'validate', "
        "'import-urdb', 'show', 'tables', 'schema', 'completion'); see 'tariffs --help'\n"
    )


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_command_has_its_own_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([name, "--help"]) == 0
    assert capsys.readouterr().out.startswith(f"usage: tariffs {name} [-h]")


def test_the_console_entry_point_leaves_its_garbage_to_the_end_of_the_process() -> None:
    # run() freezes what the command made (no collection passes over it at exit); the
    # bills are written whole, the exit code is the command's and exit handlers run.
    script = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0, file=sys.stderr))\n"
        "from tariffs.cli import run\n"
        "run()\n"
    )
    argv = [
        "price", "examples/readings.csv", "--tariff", "cn-sh-industrial-two-part",
        "--account", "examples/account.yaml", "--format", "json",
    ]  # fmt: skip
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script, *argv], capture_output=True, text=True, cwd=ROOT
    )
    assert (done.returncode, done.stderr) == (0, "frozen True\n")
    assert json.loads(done.stdout)["bills"]
    refused = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script, "price", "missing.csv", "--tariff", "nowhere"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr.endswith("frozen True\n")
