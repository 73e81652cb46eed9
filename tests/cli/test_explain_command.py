"""Tests of ``tariffs explain``: the bills of ``tariffs price``, each line with its reasons."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from tariffs.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = [
    str(ROOT / "examples" / "readings.csv"),
    "--tariff",
    "cn-sh-industrial-two-part",
    "--account",
    str(ROOT / "examples" / "account.yaml"),
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_table_is_the_price_table_with_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    code, priced, _ = run(capsys, "price", *EXAMPLE)
    assert code == 0
    code, explained, err = run(capsys, "explain", *EXAMPLE)
    assert (code, err) == (0, "")
    reasons = [line for line in explained.splitlines() if line.startswith("    - ")]
    rest = [line for line in explained.splitlines() if not line.startswith("    - ")]
    assert rest == priced.splitlines()  # the bill exactly as price prints it
    # The basic line is followed by its reasons, the last one its amount.
    lines = explained.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("basic.demand "))
    assert lines[at + 1] == (
        "    - maximum demand 623.840 kW over 15-minute clock-aligned windows, in the window "
        "from 2025-07-30T09:00 (1 interval, 155.960 kWh × 60 / 15)"
    )
    assert "    - 600 kW × 40.80 = 24480.00 CNY" in lines[at + 1 : at + 7]
    assert len(reasons) >= 2 * 8  # at least the quantity and the amount of each of 8 lines


def test_the_json_is_the_price_json_with_explanations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, priced, _ = run(capsys, "price", *EXAMPLE, "--format", "json")
    code, explained, err = run(capsys, "explain", *EXAMPLE, "--format", "json")
    assert (code, err) == (0, "")
    document = json.loads(explained)
    (bill,) = document["bills"]
    peak = bill["lines"][0]["explanation"]
    assert peak["exact_amount"] == "136152.4067200"  # 137250.410 kWh × 0.9920 CNY/kWh
    assert peak["rounding"] == {"mode": "half_up", "places": 2}
    (period,) = peak["facts"]["periods"]
    assert period["period"] == "peak" and period["intervals"] == 992  # 8 h × 4 × 31 days
    assert period["read_kwh"] == "137250.410"
    segment = bill.pop("segments")[0]
    assert (segment["days"], segment["month_share"]) == (31, "1")
    for line in bill["lines"]:
        assert line.pop("explanation")["because"]
    assert document == json.loads(priced)


def test_a_bad_input_is_refused_without_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    readings = tmp_path / "readings.csv"
    readings.write_text("start,kwh\n2025-07-01T00:00,1\n2025-07-01T00:15,-2\n", encoding="utf-8")
    code, out, err = run(capsys, "explain", str(readings), "--tariff", "cn-bj-residential")
    assert (code, out) == (1, "")
    assert "readings.csv:3" in err


def test_csv_is_not_a_format_of_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "explain", *EXAMPLE, "--format", "csv")
    assert (code, out) == (2, "")
    assert "invalid choice: 'csv'" in err


def test_the_commands_of_docs_explain_print_what_it_shows(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_docs_readings import commands

    found = commands((ROOT / "docs" / "explain.md").read_text(encoding="utf-8"))
    assert found  # the guide shows a run
    monkeypatch.chdir(ROOT)  # its paths are the repository's examples
    for command, shown in found:
        argv = shlex.split(command)
        assert argv[0] == "tariffs"
        code = main(argv[1:])
        out, err = capsys.readouterr()
        assert (code, out + err) == (0, shown)
