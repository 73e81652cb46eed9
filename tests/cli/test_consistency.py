"""The subcommands of ``tariffs`` agree with each other.

- An option that several commands take has one definition (`tariffs.cli.options`): the
  same type, choices, metavar, default and help everywhere, except for the differences
  listed in `MAY_DIFFER`, each with its reason.
- ``--format``: a name means the same in every command (`FORMATS`), and a command's help
  says which of the names it does not give and why.
- The account column of every CSV, and the account key of every JSON line, is
  ``account_id``, as in the accounts CSV; the JSON bill keeps ``account`` (CONTRACT.md).
- ``batch`` reads Green Button files (``--readings-format greenbutton``, ``--usage-point``)
  as ``price`` does.
- A usage error shows the usage line of its own command and ends with where that
  command's help is; exit code 2.
- A reader that closes stdout early (``| head -1``) ends the command quietly, exit 141.

Amounts are worked by hand from a flat tariff of 0.5 CNY/kWh, each bill rounded to
0.01 CNY.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.io.test_readings_greenbutton import JULY, Meter, Point, feed, hourly

import tariffs.cli.show as show_module
from tables import flat_yaml
from tariffs.cli import main
from tariffs.cli.main import COMMANDS, EXIT_BROKEN_PIPE, _parser, command
from tariffs.cli.options import FORMATS, TEXT_FORMATS

ROOT = Path(__file__).resolve().parents[2]

#: Options that several commands take with a difference on purpose: which fields differ,
#: and why.
MAY_DIFFER: dict[str, tuple[set[str], str]] = {
    "--format": ({"choices", "default", "help"}, "each command gives its own formats"),
    "--tariff": (
        {"dest", "action", "default", "required", "help", "metavar"},
        "price takes one tariff, compare several, batch a default for accounts without one",
    ),
    "--current": ({"required", "help"}, "compare: optional, the customer's; portfolio: required"),
    "--proposed": (
        {"action", "default", "help", "metavar", "required"},
        "portfolio takes one or a tariff per value; design one YAML table, the one it solves",
    ),
    "--accounts": ({"required", "help"}, "portfolio needs it; batch only with --readings-dir"),
    "--readings-dir": ({"required", "help"}, "batch has it or --readings; portfolio has it"),
    "--resume": ({"help"}, "what is kept differs between batch and portfolio"),
    "--plot": ({"help"}, "what is drawn differs"),
    "--plot-months": ({"help"}, "what is drawn differs: costs per tariff, or revenue"),
    "--event-day": ({"help"}, "the commands of many accounts apply it to every account"),
    "--timezone": ({"required", "help"}, "import-urdb converts one URDB record: it needs one"),
    "--output": ({"metavar"}, "import-urdb writes YAML"),
    "--readings-format": ({"help"}, "the default differs: by extension, or csv in a batch"),
}

#: Options that must be shared, so that the comparison is not empty.
SHARED = {
    "--tables", "--timezone", "--past-enddate", "--interval", "--allow-gaps",
    "--readings-format", "--usage-point", "--from", "--to", "--event-day", "--format",
    "--output", "--workers", "--account",
}  # fmt: skip

FIELDS = ("action", "dest", "type", "choices", "metavar", "default", "nargs", "help", "required")

FLAT = flat_yaml("flat-half", "0.5", name="Flat 0.5")


def subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = _parser({name: command(name) for name in COMMANDS})
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def signature(action: argparse.Action) -> dict[str, object]:
    found = {name: getattr(action, name, None) for name in FIELDS if name != "action"}
    found["action"] = type(action).__name__
    return found


def test_an_option_of_several_commands_is_defined_once() -> None:
    by_option: dict[str, dict[str, dict[str, object]]] = {}
    for name, sub in subparsers().items():
        for action in sub._actions:
            for option in action.option_strings:
                by_option.setdefault(option, {})[name] = signature(action)
    shared = {option: seen for option, seen in by_option.items() if len(seen) > 1}
    assert set(shared) >= SHARED
    for option, seen in shared.items():
        allowed = MAY_DIFFER.get(option, (set(), ""))[0]
        first_name, first = next(iter(seen.items()))
        for name, other in seen.items():
            differ = {key for key in FIELDS if other[key] != first[key]}
            assert differ <= allowed, (option, first_name, name, differ - allowed)
    # Every listed difference is real (the list does not hide a fixed drift).
    for option, (fields, _) in MAY_DIFFER.items():
        seen = list(shared[option].values())
        assert any(other[key] != seen[0][key] for other in seen for key in fields), option


def test_every_option_has_help() -> None:
    for name, sub in subparsers().items():
        for action in sub._actions:
            assert action.help, (name, action.option_strings or action.dest)


#: The formats of each command.
OFFERED = {
    "price": ["table", "json", "jsonl", "csv"],
    "explain": ["table", "json"],
    "batch": ["csv", "jsonl", "xlsx"],
    "compare": ["table", "json", "csv", "xlsx"],
    "correct": ["table", "json", "csv"],
    "portfolio": ["table", "json", "csv", "xlsx"],
    "design": ["table", "json"],
    "tables": ["table", "json", "csv"],
}


def test_a_format_name_means_the_same_in_every_command() -> None:
    commands = subparsers()
    with_format = {
        name
        for name, sub in commands.items()
        if any("--format" in a.option_strings for a in sub._actions)
    }
    assert with_format == set(OFFERED)
    for name, formats in OFFERED.items():
        (action,) = (a for a in commands[name]._actions if "--format" in a.option_strings)
        assert list(action.choices or ()) == formats
        text = str(action.help).replace("%%", "%")
        for fmt in formats:
            assert f"{fmt}: {FORMATS[fmt]}" in text, (name, fmt)
        # Only a text format that a command does not give needs a reason in its help.
        missing = [fmt for fmt in TEXT_FORMATS if fmt not in formats]
        if missing:
            verb = "is" if len(missing) == 1 else "are"
            assert f"; {' and '.join(missing)} {verb} not offered: " in text, name
        else:
            assert "not offered" not in text


# -- the same bills, the same names ------------------------------------------------------------


def write_flat_case(directory: Path) -> dict[str, Path]:
    """Two accounts with one day of 15-minute readings each, on the flat tariff.

    F-1 reads 0.010 kWh and F-2 0.020 kWh every 15 minutes of 2025-07-31: 96 intervals,
    0.960 kWh (× 0.5 = 0.48 CNY) and 1.920 kWh (0.96 CNY).
    """
    tables = directory / "tables"
    tables.mkdir()
    (tables / "flat-half.yaml").write_text(FLAT, encoding="utf-8")
    readings = directory / "readings"
    readings.mkdir()
    for account_id, kwh in (("F-1", "0.010"), ("F-2", "0.020")):
        lines = ["start,kwh"] + [
            f"2025-07-31T{minute // 60:02d}:{minute % 60:02d},{kwh}"
            for minute in range(0, 1440, 15)
        ]
        (readings / f"{account_id}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (directory / f"{account_id}.yaml").write_text(
            f"account_id: {account_id}\n", encoding="utf-8"
        )
    accounts = directory / "accounts.csv"
    accounts.write_text("account_id,tariff\nF-1,flat-half\nF-2,flat-half\n", encoding="utf-8")
    return {"tables": tables, "readings": readings, "accounts": accounts}


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def price_f1(
    capsys: pytest.CaptureFixture[str], case: dict[str, Path], tmp_path: Path, fmt: str
) -> str:
    code, out, err = run(
        capsys, "price", case["readings"] / "F-1.csv", "--tariff", "flat-half",
        "--tables", case["tables"], "--account", tmp_path / "F-1.yaml", "--format", fmt,
    )  # fmt: skip
    assert (code, err) == (0, "")
    return out


def batch(capsys: pytest.CaptureFixture[str], case: dict[str, Path], *options: object) -> str:
    code, out, err = run(
        capsys, "batch", "--accounts", case["accounts"], "--readings-dir", case["readings"],
        "--tables", case["tables"], "--workers", "1", *options,
    )  # fmt: skip
    assert (code, err) == (0, "")
    return out


def test_price_and_batch_write_the_same_json_line_for_a_bill(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    case = write_flat_case(tmp_path)
    priced = price_f1(capsys, case, tmp_path, "jsonl").splitlines()
    batched = batch(capsys, case, "--format", "jsonl").splitlines()
    assert len(priced) == 1
    assert batched[0] == priced[0]  # byte for byte
    line = json.loads(priced[0])
    assert (line["account_id"], line["account"]) == ("F-1", "F-1")
    assert (line["energy_kwh"], line["total"]) == ("0.960", "0.48")
    assert [json.loads(text)["total"] for text in batched] == ["0.48", "0.96"]


def test_a_jsonl_line_without_an_account_has_a_null_account_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    case = write_flat_case(tmp_path)
    code, out, _ = run(
        capsys, "price", case["readings"] / "F-2.csv", "--tariff", "flat-half",
        "--tables", case["tables"], "--format", "jsonl",
    )  # fmt: skip
    assert code == 0
    (line,) = [json.loads(text) for text in out.splitlines()]
    assert line["account_id"] is None and line["account"] is None
    assert line["total"] == "0.96"


def test_the_account_column_is_account_id_in_every_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    case = write_flat_case(tmp_path)
    price_rows = list(csv.reader(io.StringIO(price_f1(capsys, case, tmp_path, "csv"))))
    assert price_rows[0][0] == "account_id"
    assert {row[0] for row in price_rows[1:]} == {"F-1"}
    batch_rows = list(csv.reader(io.StringIO(batch(capsys, case, "--format", "csv"))))
    assert batch_rows[0][0] == "account_id"
    assert [row[0] for row in batch_rows[1:]] == ["F-1", "F-2"]
    code, out, err = run(
        capsys, "portfolio", "--accounts", case["accounts"], "--readings-dir", case["readings"],
        "--current", "flat-half", "--proposed", "flat-half", "--tables", case["tables"],
        "--workers", "1", "--format", "csv",
    )  # fmt: skip
    assert (code, err) == (0, "")
    portfolio_rows = list(csv.reader(io.StringIO(out)))
    assert portfolio_rows[0][0] == "account_id"
    assert [row[0] for row in portfolio_rows[1:]] == ["F-1", "F-2"]
    # The JSON bill of CONTRACT.md names the account "account".
    (bill,) = json.loads(price_f1(capsys, case, tmp_path, "json"))["bills"]
    assert bill["account"] == "F-1"
    assert "account_id" not in bill


# -- batch: Green Button readings --------------------------------------------------------------


def write_greenbutton_case(directory: Path) -> dict[str, Path]:
    """Accounts G-1 and G-2, each a Green Button file of two usage points, 24 hours each.

    From 2025-07-01T00:00Z (08:00 in Asia/Shanghai), hourly, in Wh:

    - G-1: usage point 0 reads 500 Wh an hour (12.000 kWh, × 0.5 = 6.00 CNY), usage
      point 1 250 Wh (6.000 kWh, 3.00 CNY);
    - G-2: usage point 0 reads 1000 Wh (24.000 kWh, 12.00 CNY), usage point 1 100 Wh
      (2.400 kWh, 1.20 CNY).
    """
    tables = directory / "tables"
    tables.mkdir()
    (tables / "flat-half.yaml").write_text(FLAT, encoding="utf-8")
    readings = directory / "readings"
    readings.mkdir()
    for account_id, home, shop in (("G-1", 500, 250), ("G-2", 1000, 100)):
        data = feed(
            Point([Meter([hourly([home] * 24, JULY)])], title="Home"),
            Point([Meter([hourly([shop] * 24, JULY)])], title="Shop"),
        )
        (readings / f"{account_id}.xml").write_bytes(data)
    accounts = directory / "accounts.csv"
    accounts.write_text("account_id\nG-1\nG-2\n", encoding="utf-8")
    return {"tables": tables, "readings": readings, "accounts": accounts}


def greenbutton_batch(
    capsys: pytest.CaptureFixture[str], case: dict[str, Path], *options: object
) -> tuple[int, str, str]:
    return run(
        capsys, "batch", "--accounts", case["accounts"], "--readings-dir", case["readings"],
        "--tariff", "flat-half", "--tables", case["tables"], "--workers", "1",
        "--readings-format", "greenbutton", "--format", "jsonl", *options,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("usage_point", "expected"),
    [("0", [("G-1", "12.000", "6.00"), ("G-2", "24.000", "12.00")]),
     ("1", [("G-1", "6.000", "3.00"), ("G-2", "2.400", "1.20")])],
)  # fmt: skip
def test_batch_reads_green_button_files_of_the_readings_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, usage_point: str, expected: list[Any]
) -> None:
    case = write_greenbutton_case(tmp_path)
    code, out, err = greenbutton_batch(capsys, case, "--usage-point", usage_point)
    assert (code, err) == (0, "")
    lines = [json.loads(text) for text in out.splitlines()]
    assert [(b["account_id"], b["energy_kwh"], b["total"]) for b in lines] == expected
    # The same bill as price gives for the file.
    code, priced, err = run(
        capsys, "price", case["readings"] / "G-2.xml", "--tariff", "flat-half",
        "--tables", case["tables"], "--usage-point", usage_point, "--format", "json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    (bill,) = json.loads(priced)["bills"]
    line = lines[1]
    assert {**bill, "account": "G-2"} == {k: v for k, v in line.items() if k != "account_id"}


def test_batch_green_button_files_with_several_usage_points_need_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    case = write_greenbutton_case(tmp_path)
    code, out, err = greenbutton_batch(capsys, case)
    assert (code, out) == (1, "")
    lines = err.splitlines()
    for number, account_id in enumerate(("G-1", "G-2")):
        path = case["readings"] / f"{account_id}.xml"
        assert lines[number].startswith(
            f"tariffs: account {account_id} failed: {path}: the file has 2 electricity "
            "UsagePoints with readings; choose one with usage_point=N"
        ), lines[number]
    assert lines[-1] == "tariffs: 2 of 2 accounts failed; the others were priced"


def test_batch_green_button_file_missing_fails_that_account(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    case = write_greenbutton_case(tmp_path)
    (case["readings"] / "G-1.xml").unlink()
    (case["readings"] / "G-1.csv").write_text("start,kwh\n", encoding="utf-8")  # not read
    code, out, err = greenbutton_batch(capsys, case, "--usage-point", "0")
    assert code == 1
    assert [json.loads(text)["account_id"] for text in out.splitlines()] == ["G-2"]
    path = case["readings"] / "G-1.xml"
    assert err.splitlines()[0] == f"tariffs: account G-1 failed: {path}: no such readings file"


# -- usage errors -----------------------------------------------------------------------------


def assert_usage_error(result: tuple[int, str, str], name: str, message: str) -> None:
    """Exit 2, nothing on stdout; the command's usage, then its message and help."""
    code, out, err = result
    assert (code, out) == (2, ""), err
    assert err.startswith(f"usage: tariffs {name} [-h]"), err
    assert err.splitlines()[-1] == f"tariffs {name}: {message}; see 'tariffs {name} --help'"


#: Each command with the arguments it requires (none of these files is read).
REQUIRED = {
    "price": ["r.csv", "--tariff", "t"],
    "explain": ["r.csv", "--tariff", "t"],
    "batch": ["--readings", "long.csv"],
    "compare": ["r.csv"],
    "correct": ["issued.json", "r.csv", "--tariff", "t"],
    "portfolio": [
        "--accounts",
        "a.csv",
        "--readings-dir",
        "d",
        "--current",
        "t",
        "--proposed",
        "u",
    ],
    "design": [
        "--accounts",
        "a.csv",
        "--readings-dir",
        "d",
        "--current",
        "t",
        "--proposed",
        "u",
        "--solve",
        "base_prices.flat",
        "--target",
        "neutral",
    ],
    "validate": ["t.yaml"],
    "import-urdb": ["rate.json", "--timezone", "UTC"],
    "show": ["t"],
    "tables": [],
    "schema": ["tariff"],
    "completion": ["bash"],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_usage_error_points_to_the_help_of_its_command(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    assert set(REQUIRED) == set(COMMANDS)
    # An option the command does not know, with its required arguments given (argparse
    # itself leaves it to the top-level parser) or not.
    result = run(capsys, name, *REQUIRED[name], "--no-such-option", "x")
    assert_usage_error(result, name, "unrecognized arguments: --no-such-option x")
    code, out, err = run(capsys, name, "--no-such-option")
    assert (code, out) == (2, "")
    assert err.startswith(f"usage: tariffs {name} [-h]"), err
    last = err.splitlines()[-1]
    assert last.startswith(f"tariffs {name}: "), last
    assert last.endswith(f"; see 'tariffs {name} --help'"), last


def test_a_usage_error_found_by_the_command_points_to_its_help(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    result = run(capsys, "batch", "--readings", tmp_path / "long.csv", "--tariff", "t", "--resume")
    assert_usage_error(result, "batch", "--resume needs --output")
    result = run(capsys, "compare", tmp_path / "r.csv")
    assert_usage_error(
        result, "compare", "give --tariff (repeatable), or --tables DIR to try every tariff in DIR"
    )


def test_batch_usage_point_without_green_button_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    result = run(
        capsys, "batch", "--accounts", tmp_path / "a.csv", "--readings-dir", tmp_path,
        "--tariff", "t", "--usage-point", "1",
    )  # fmt: skip
    assert_usage_error(
        result,
        "batch",
        "--usage-point 1 is for Green Button readings; give --readings-format greenbutton "
        "with --readings-dir, or leave it out",
    )


def test_batch_long_readings_file_in_green_button_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    result = run(
        capsys, "batch", "--readings", tmp_path / "long.csv", "--tariff", "t",
        "--readings-format", "greenbutton",
    )  # fmt: skip
    assert_usage_error(
        result,
        "batch",
        "--readings-format greenbutton needs --readings-dir: a long --readings file is CSV "
        "(account_id,start,kwh,...)",
    )


@pytest.mark.parametrize("name", ["price", "batch"])
def test_a_negative_usage_point_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    argv = (
        ["price", tmp_path / "r.xml", "--tariff", "t"]
        if name == "price"
        else ["batch", "--readings-dir", tmp_path, "--accounts", tmp_path / "a.csv"]
    )
    result = run(capsys, *argv, "--usage-point", "-1")
    assert_usage_error(result, name, "argument --usage-point: must be 0 or more: '-1'")


# -- a reader that closes stdout early ----------------------------------------------------------


def tariffs_into_a_closed_pipe(
    argv: list[object], *, unbuffered: bool, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tariffs`` with stdout a pipe whose reading end is already closed."""
    environment = {**os.environ}
    environment.pop("PYTHONUNBUFFERED", None)
    if unbuffered:
        environment["PYTHONUNBUFFERED"] = "1"
    read_end, write_end = os.pipe()
    os.close(read_end)  # no reader: the first write to stdout fails with EPIPE
    try:
        return subprocess.run(  # noqa: S603
            [sys.executable, "-m", "tariffs", *(str(arg) for arg in argv)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
            cwd=cwd,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)


EXAMPLE = [
    "price", "examples/readings.csv", "--tariff", "cn-sh-industrial-two-part",
    "--account", "examples/account.yaml",
]  # fmt: skip


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize(
    "argv",
    [
        [*EXAMPLE, "--format", "csv"],
        [*EXAMPLE, "--format", "jsonl"],
        ["show", "cn-sh-industrial-two-part"],
        ["validate", "tariff_tables/cn/cn-sh-industrial-two-part.yaml"],
        ["--version"],
        ["batch", "--help"],
    ],
    ids=["price-csv", "price-jsonl", "show", "validate", "version", "help"],
)
def test_a_closed_stdout_ends_the_command_quietly(argv: list[object], unbuffered: bool) -> None:
    done = tariffs_into_a_closed_pipe(argv, unbuffered=unbuffered)
    assert (done.returncode, done.stderr) == (EXIT_BROKEN_PIPE, "")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_batch_into_a_closed_stdout_ends_quietly(tmp_path: Path, workers: str) -> None:
    case = write_flat_case(tmp_path)
    done = tariffs_into_a_closed_pipe(
        ["batch", "--accounts", case["accounts"], "--readings-dir", case["readings"],
         "--tables", case["tables"], "--workers", workers],
        unbuffered=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (EXIT_BROKEN_PIPE, "")


def test_a_batch_read_by_head_ends_quietly_when_head_has_its_line(tmp_path: Path) -> None:
    # 400 accounts: some 300 kB of JSON lines, more than a pipe holds, so the batch is
    # still writing when the reader goes away after its first line.
    case = write_flat_case(tmp_path)
    ids = [f"A-{number}" for number in range(400)]
    one_day = (case["readings"] / "F-1.csv").read_text(encoding="utf-8")
    for account_id in ids:
        (case["readings"] / f"{account_id}.csv").write_text(one_day, encoding="utf-8")
    case["accounts"].write_text(
        "account_id,tariff\n" + "".join(f"{i},flat-half\n" for i in ids), encoding="utf-8"
    )
    with subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tariffs", "batch", "--accounts", str(case["accounts"]),
         "--readings-dir", str(case["readings"]), "--tables", str(case["tables"]),
         "--format", "jsonl", "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:  # fmt: skip
        assert process.stdout is not None and process.stderr is not None
        first = json.loads(process.stdout.readline())
        process.stdout.close()
        err = process.stderr.read()
        assert process.wait(timeout=120) == EXIT_BROKEN_PIPE
    assert err == b""
    assert (first["account_id"], first["total"]) == ("A-0", "0.48")


class ClosedStdout(io.StringIO):
    """A stdout whose reader has gone: every write and flush fails as a closed pipe does."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_stdout_in_process_returns_141_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdout", ClosedStdout())
    assert main(["show", "cn-sh-industrial-two-part"]) == EXIT_BROKEN_PIPE
    assert capsys.readouterr().err == ""


def test_a_broken_pipe_that_is_not_stdout_is_not_hidden(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args: argparse.Namespace) -> int:
        raise BrokenPipeError(32, "Broken pipe")  # e.g. the pipe to a worker process

    monkeypatch.setattr(show_module, "run", broken)
    with pytest.raises(BrokenPipeError):
        main(["show", "cn-sh-industrial-two-part"])
