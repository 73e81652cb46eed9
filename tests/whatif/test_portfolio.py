"""Tests of portfolio pricing (`tariffs.whatif.portfolio`) and of ``tariffs portfolio``.

Two flat tariffs are written for the tests: ``flat-a`` at 0.5 CNY/kWh (current) and
``flat-b`` at 0.6 CNY/kWh (proposed), each line rounded half-up to 0.01 CNY. The
generated portfolio has accounts A-000 .. A-199; account i uses k = i mod 5 + 1 times
0.1 kWh in every hour of July 2025 (744 hours), so by hand:

- its kWh: 74.4 k; current bill 37.20 k; proposed 44.64 k; change 7.44 k (+20.0 %);
- k takes each of 1..5 forty times: Σk = 600, so the portfolio uses 44640 kWh, pays
  22320.00 now and 26784.00 proposed, a change of +4464.00 (+20.0 %);
- class ``residential`` (even i) and ``commercial`` (odd i) each have Σk = 300 (even i
  mod 10 is 0, 2, 4, 6, 8: k = 1, 3, 5, 2, 4, twenty times each): 22320 kWh, 11160.00
  → 13392.00, at 0.5000 → 0.6000 CNY/kWh;
- the sorted changes are forty each of 7.44, 14.88, 22.32, 29.76 and 37.20; nearest
  rank ⌈p × 200 / 100⌉: p5 → 10th = 7.44, p10 → 20th = 7.44, p25 → 50th = 14.88,
  p50 → 100th = 22.32, p75 → 150th = 29.76, p90 → 180th = 37.20, p95 → 190th = 37.20.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies import readings_cases, tariff_specs
from tables import flat_yaml
from tariffs import AccountError, Readings, parse_tariff, price
from tariffs.cli import main
from tariffs.model.account import Account
from tariffs.whatif.portfolio import (
    PortfolioAccount,
    nearest_rank,
    parse_accounts_csv,
    price_accounts,
    price_portfolio,
    summarize,
)

ACCOUNTS = 200


def write_tables(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for tariff_id, unit_price in (("flat-a", "0.5"), ("flat-b", "0.6")):
        (directory / f"{tariff_id}.yaml").write_text(
            flat_yaml(tariff_id, unit_price, name=f"Flat {unit_price}"), encoding="utf-8"
        )
    return directory


def july_rows(kwh: str) -> str:
    rows = ["start,kwh"]
    moment = dt.datetime(2025, 7, 1)
    while moment.month == 7:
        rows.append(f"{moment:%Y-%m-%dT%H:%M},{kwh}")
        moment += dt.timedelta(hours=1)
    return "\n".join(rows) + "\n"


@pytest.fixture
def portfolio(tmp_path: Path) -> dict[str, Path]:
    """200 good accounts, one without readings (BAD-1), one with a bad row (BAD-2)."""
    readings = tmp_path / "readings"
    readings.mkdir()
    rows = ["account_id,class,region,capacity_kva"]
    texts = {k: july_rows(f"0.{k}") for k in range(1, 6)}
    for i in range(ACCOUNTS):
        account_id = f"A-{i:03d}"
        rows.append(f"{account_id},{'residential' if i % 2 == 0 else 'commercial'},r{i % 3},")
        (readings / f"{account_id}.csv").write_text(texts[i % 5 + 1], encoding="utf-8")
    rows.append("BAD-1,commercial,r0,")  # no readings file
    rows.append("BAD-2,commercial,r0,-5")  # row 203: capacity_kva below 0
    (readings / "BAD-2.csv").write_text(texts[1], encoding="utf-8")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return {"accounts": accounts, "readings": readings, "tables": write_tables(tmp_path / "t")}


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _no_number(text: str) -> Any:
    raise AssertionError(f"a JSON number {text}: money and quantities must be strings")


def portfolio_argv(paths: dict[str, Path], *options: object) -> list[object]:
    return [
        "portfolio", "--accounts", paths["accounts"], "--readings-dir", paths["readings"],
        "--tables", paths["tables"], "--current", "flat-a", "--proposed", "flat-b", *options,
    ]  # fmt: skip


# -- end to end -------------------------------------------------------------------------


def test_portfolio_end_to_end(
    capsys: pytest.CaptureFixture[str], portfolio: dict[str, Path], tmp_path: Path
) -> None:
    output = tmp_path / "out.json"
    code, out, err = run(
        capsys, *portfolio_argv(portfolio, "--workers", "2", "--format", "json", "--output", output)
    )
    assert code == 1  # two accounts failed; the others are written
    assert out == ""
    errors = err.splitlines()
    assert errors[0].startswith("tariffs: account BAD-1 failed: ")
    assert "BAD-1.csv: no such readings file" in errors[0]
    assert re.match(
        rf"tariffs: account BAD-2 failed: {re.escape(str(portfolio['accounts']))}:203:4: "
        r"capacity_kva: must be 0 or more",
        errors[1],
    )
    assert errors[2] == "tariffs: 2 of 202 accounts failed; the others were priced"
    document = json.loads(output.read_text(encoding="utf-8"), parse_int=_no_number)
    assert (document["current"], document["proposed"], document["currency"]) == (
        "flat-a", "flat-b", "CNY",
    )  # fmt: skip
    assert (document["accounts_priced"], document["accounts_failed"]) == ("200", "2")
    assert document["energy_kwh"] == "44640.000"
    assert (document["current_total"], document["proposed_total"]) == ("22320.00", "26784.00")
    assert (document["change"], document["change_percent"]) == ("4464.00", "20.0")
    assert (document["current_price_per_kwh"], document["proposed_price_per_kwh"]) == (
        "0.5000", "0.6000",
    )  # fmt: skip
    classes = {group["value"]: group for group in document["groups"]["class"]}
    assert set(classes) == {"residential", "commercial"}
    for group in classes.values():
        assert (group["accounts"], group["energy_kwh"]) == ("100", "22320.000")
        assert (group["current_total"], group["proposed_total"]) == ("11160.00", "13392.00")
        assert (group["change"], group["change_percent"]) == ("2232.00", "20.0")
        assert (group["current_price_per_kwh"], group["proposed_price_per_kwh"]) == (
            "0.5000", "0.6000",
        )  # fmt: skip
    regions = document["groups"]["region"]
    assert [group["value"] for group in regions] == ["r0", "r1", "r2"]
    assert sum(Decimal(group["change"]) for group in regions) == Decimal("4464.00")
    distribution = document["distribution"]
    assert (distribution["pay_more"], distribution["pay_less"], distribution["unchanged"]) == (
        "200", "0", "0",
    )  # fmt: skip
    assert distribution["change_percentiles"] == {
        "p5": "7.44", "p10": "7.44", "p25": "14.88", "p50": "22.32",
        "p75": "29.76", "p90": "37.20", "p95": "37.20",
    }  # fmt: skip
    assert set(distribution["change_percent_percentiles"].values()) == {"20.0"}
    # The largest changes (37.20, k = 5: i = 4, 9, 14, ...), ties by id.
    assert [entry["account_id"] for entry in document["most_affected"]] == [
        f"A-{i:03d}" for i in range(4, 50, 5)
    ]
    assert len(document["accounts"]) == 200
    first = document["accounts"][0]
    assert first == {
        "account_id": "A-000",
        "groups": {"class": "residential", "region": "r0"},
        "energy_kwh": "74.400",
        "current_total": "37.20",
        "proposed_total": "44.64",
        "change": "7.44",
        "change_percent": "20.0",
        "bills": "1",
    }
    assert [entry["account_id"] for entry in document["failed"]] == ["BAD-1", "BAD-2"]


def test_portfolio_resume_skips_accounts_already_priced(
    capsys: pytest.CaptureFixture[str], portfolio: dict[str, Path], tmp_path: Path
) -> None:
    output = tmp_path / "out.csv"
    argv = portfolio_argv(portfolio, "--workers", "2", "--format", "csv", "--output", output)
    code, _, _ = run(capsys, *argv)
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8"))))
    assert len(rows) == 202
    assert rows[0] == {
        "account_id": "A-000", "class": "residential", "region": "r0", "status": "ok",
        "current_tariff": "flat-a", "proposed_tariff": "flat-b", "energy_kwh": "74.400",
        "current_total": "37.20", "proposed_total": "44.64", "change": "7.44",
        "change_percent": "20.0", "bills": "1", "error": "",
    }  # fmt: skip
    assert [row["status"] for row in rows[-2:]] == ["failed", "failed"]
    # Priced accounts are not read again: A-000's readings can go. BAD-1 gets readings.
    (portfolio["readings"] / "A-000.csv").unlink()
    (portfolio["readings"] / "BAD-1.csv").write_text(july_rows("1"), encoding="utf-8")
    code, out, err = run(capsys, *argv, "--resume")
    assert code == 1
    assert "BAD-2" in err and "A-000" not in err and "BAD-1" not in err
    rows = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8"))))
    by_id = {row["account_id"]: row for row in rows}
    assert by_id["A-000"]["status"] == "ok"
    # BAD-1: 744 kWh, 372.00 now, 446.40 proposed.
    assert (by_id["BAD-1"]["status"], by_id["BAD-1"]["proposed_total"]) == ("ok", "446.40")
    assert by_id["BAD-2"]["status"] == "failed"


def test_portfolio_resume_needs_a_readable_output(
    capsys: pytest.CaptureFixture[str], portfolio: dict[str, Path], tmp_path: Path
) -> None:
    code, out, err = run(capsys, *portfolio_argv(portfolio, "--resume"))
    assert (code, out) == (2, "")
    assert "--resume needs --output" in err
    output = tmp_path / "other.csv"
    output.write_text(
        "account_id,status,current_tariff,proposed_tariff,energy_kwh,current_total,"
        "proposed_total,change,change_percent,bills,error\n"
        "A-000,ok,flat-b,flat-a,1,1,1,0,0,1,\n",
        encoding="utf-8",
    )
    code, out, err = run(
        capsys, *portfolio_argv(portfolio, "--format", "csv", "--output", output, "--resume")
    )
    assert code == 1
    assert f"{output}: --resume: this output was not written for flat-a -> flat-b" in err


@pytest.mark.parametrize(
    ("energy", "bills", "message"),
    [
        ("\uff17\uff14.4", "1", "--resume: not a number: '\uff17\uff14.4'"),
        ("NaN", "1", "--resume: not a number: 'NaN'"),
        ("74.4", "\uff11", "--resume: not a count of bills: '\uff11'"),
        ("74.4", "x", "--resume: not a count of bills: 'x'"),
    ],
)
def test_portfolio_resume_reads_numbers_as_every_input(
    capsys: pytest.CaptureFixture[str],
    portfolio: dict[str, Path],
    tmp_path: Path,
    energy: str,
    bills: str,
    message: str,
) -> None:
    # Decimal("\uff17\uff14.4") is 74.4 and int("\uff11") is 1: an earlier output is an
    # input too, read with ASCII digits only; a count that is no number is refused, not a
    # traceback.
    output = tmp_path / "out.csv"
    output.write_text(
        "account_id,status,current_tariff,proposed_tariff,energy_kwh,current_total,"
        "proposed_total,change,change_percent,bills,error\n"
        f"A-000,ok,flat-a,flat-b,{energy},37.20,44.64,7.44,20.0,{bills},\n",
        encoding="utf-8",
    )
    code, out, err = run(
        capsys, *portfolio_argv(portfolio, "--format", "csv", "--output", output, "--resume")
    )
    assert (code, out) == (1, "")
    assert err == f"tariffs: error: {output}: {message}\n"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # The first account's energy, as a number out of range or not finite.
        (
            ('"energy_kwh": "74.400"', '"energy_kwh": 1e400'),
            r":\d+:\d+: --resume: not a "
            r"portfolio JSON output: accounts\[0\]\.energy_kwh: the number 1e400 is too large",
        ),
        (
            ('"energy_kwh": "74.400"', '"energy_kwh": NaN'),
            r":\d+:\d+: --resume: not a "
            r"portfolio JSON output: accounts\[0\]\.energy_kwh: NaN is not a finite number",
        ),
        (
            ('"energy_kwh": "74.400"', '"energy_kwh": "Infinity"'),
            r": --resume: not a number: 'Infinity'",
        ),
        (
            ('"bills": "1"', '"bills": "one"'),
            r": --resume: not a count of bills: 'one'",
        ),
        (
            ('"current": "flat-a"', '"current": ' + "[" * 100_000),
            r":2:\d+: --resume: not a portfolio JSON output: nesting is deeper than the limit",
        ),
    ],
    ids=["1e400", "nan", "infinity_as_text", "bills", "deep"],
)
def test_portfolio_resume_refuses_a_json_output_that_is_not_ours(
    capsys: pytest.CaptureFixture[str],
    portfolio: dict[str, Path],
    tmp_path: Path,
    edit: tuple[str, str],
    message: str,
) -> None:
    output = tmp_path / "out.json"
    argv = portfolio_argv(portfolio, "--workers", "1", "--format", "json", "--output", output)
    run(capsys, *argv)
    text = output.read_text(encoding="utf-8")
    old, new = edit
    assert old in text
    output.write_text(
        text.replace(old, new, 1 if old.startswith('"energy') else -1), encoding="utf-8"
    )
    code, out, err = run(capsys, *argv, "--resume")
    assert (code, out) == (1, "")
    assert re.match(re.escape(f"tariffs: error: {output}") + message, err), err


def test_portfolio_table_and_progress(
    capsys: pytest.CaptureFixture[str],
    portfolio: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    small = tmp_path / "small.csv"
    small.write_text("account_id,class\nA-000,residential\nA-004,residential\n", encoding="utf-8")
    paths = {**portfolio, "accounts": small}
    code, out, err = run(capsys, *portfolio_argv(paths, "--workers", "1"))
    assert (code, err) == (0, "")  # piped: no progress bar
    # 37.20 → 44.64; A-004 (k = 5): 186.00 → 223.20.
    assert "Revenue: current 223.20, proposed 267.84, change +44.64 (+20.0 %)" in out
    assert "By class" in out and "Most affected accounts" in out

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main([str(arg) for arg in portfolio_argv(paths, "--workers", "1")]) == 0
    shown = terminal.getvalue()
    assert "\rpricing accounts 2/2 [" in shown
    assert shown.endswith("100 %\n")


# -- library ----------------------------------------------------------------------------


def test_accounts_csv() -> None:
    text = (
        "account_id,capacity_kva,critical_peak_days,class\n"
        "F-1,1250,2025-07-01;2025-07-02,industrial\n"
        "F-2,,,\n"
    )
    accounts, groups = parse_accounts_csv(text, "dir", "accounts.csv")
    assert groups == ["class"]
    first, second = accounts
    assert first.account == Account(
        account_id="F-1",
        capacity_kva=Decimal(1250),
        critical_peak_days=[dt.date(2025, 7, 1), dt.date(2025, 7, 2)],
    )
    assert first.groups == {"class": "industrial"}
    assert first.readings == str(Path("dir") / "F-1.csv")
    assert second.account == Account(account_id="F-2")
    assert second.groups == {"class": ""}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id,class\nF-1,x\n", r"accounts\.csv:1: no account_id column \(columns: id, class\)"),
        ("account_id,losses\nF-1,3\n", r"accounts\.csv:1:2: column 'losses' cannot be given"),
        ("account_id\nF-1\nF-1\n", r"accounts\.csv:3:1: account_id 'F-1' appears twice"),
        ("account_id\n../F-1\n", r"accounts\.csv:2:1: account_id '\.\./F-1' cannot name"),
        ("account_id,class\nF-1\n", r"accounts\.csv:2: 1 cells for 2 columns"),
        ("", r"accounts\.csv: the accounts file is empty"),
    ],
)
def test_bad_accounts_files(text: str, message: str) -> None:
    with pytest.raises(AccountError, match=message):
        parse_accounts_csv(text, "dir", "accounts.csv")


def test_a_bad_row_fails_only_its_account() -> None:
    accounts, _ = parse_accounts_csv(
        "account_id,meter_read_day\nF-1,31\nF-2,5\n", "dir", "accounts.csv"
    )
    assert accounts[0].account is None
    assert accounts[0].error == (
        "accounts.csv:2:2: meter_read_day: Input should be less than or equal to 28"
    )
    assert accounts[1].error is None


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "F-1,2025-07-01T00:00+08:00,1250",
            "accounts.csv:2:2: service_start: '2025-07-01T00:00+08:00' is a date and time with "
            "a UTC offset; only a date is allowed here, written YYYY-MM-DD (such as 2025-01-01)",
        ),
        (
            "F-1,2025-07-01,\uff11\uff12\uff15\uff10",
            "accounts.csv:2:3: capacity_kva: '\uff11\uff12\uff15\uff10' holds the non-ASCII "
            "digit '\uff11' (U+FF11); write ASCII digits",
        ),
    ],
)
def test_accounts_csv_cells_follow_the_rule_for_numbers_and_dates(row: str, message: str) -> None:
    accounts, _ = parse_accounts_csv(
        f"account_id,service_start,capacity_kva\n{row}\n", "dir", "accounts.csv"
    )
    assert (accounts[0].account, accounts[0].error) == (None, message)


def test_nearest_rank() -> None:
    values = [Decimal(v) for v in (15, 20, 35, 40, 50)]  # sorted
    # Ranks ⌈p × 5 / 100⌉: p5 → 1, p30 → 2, p40 → 2, p50 → 3, p100 → 5.
    assert [nearest_rank(values, p) for p in (5, 30, 40, 50, 100)] == [
        Decimal(15), Decimal(20), Decimal(20), Decimal(35), Decimal(50),
    ]  # fmt: skip


def test_summary_by_hand() -> None:
    """Three accounts: 10.00 → 12.00, 20.00 → 15.00, 5.00 → 5.00 (20 kWh each).

    Revenue 35.00 → 32.00 (−3.00, −8.6 %); one pays more, one less, one the same.
    Changes sorted −5.00, 0.00, 2.00: p50 → rank 2 = 0.00; percent changes −25.0, 0.0,
    +20.0. Group x (accounts 1, 2): 30.00 → 27.00 over 40 kWh, 0.7500 → 0.6750 CNY/kWh.
    """
    from tariffs.whatif.portfolio import AccountOutcome

    outcomes = [
        AccountOutcome("1", {"g": "x"}, Decimal(20), Decimal("10.00"), Decimal("12.00"), 1),
        AccountOutcome("2", {"g": "x"}, Decimal(20), Decimal("20.00"), Decimal("15.00"), 1),
        AccountOutcome("3", {"g": "y"}, Decimal(20), Decimal("5.00"), Decimal("5.00"), 1),
        AccountOutcome("4", {"g": "y"}, error="broken"),
    ]
    result = summarize(outcomes, "a", "b", "CNY", ["g"], top=2)
    assert (result.current_total, result.proposed_total) == (Decimal("35.00"), Decimal("32.00"))
    assert (result.change, result.change_percent) == (Decimal("-3.00"), Decimal("-8.6"))
    assert [o.account_id for o in result.failed] == ["4"]
    distribution = result.distribution
    assert (distribution.pay_more, distribution.pay_less, distribution.unchanged) == (1, 1, 1)
    assert distribution.change_percentiles[50] == Decimal("0.00")
    assert distribution.change_percent_percentiles[5] == Decimal("-25.0")
    assert distribution.change_percent_percentiles[95] == Decimal("20.0")
    assert (distribution.largest_decrease, distribution.largest_increase) == (
        Decimal("-5.00"), Decimal("2.00"),
    )  # fmt: skip
    group = result.groups[0]
    assert (group.value, group.accounts, group.current_total, group.proposed_total) == (
        "x", 2, Decimal("30.00"), Decimal("27.00"),
    )  # fmt: skip
    assert (group.current_price_per_kwh, group.proposed_price_per_kwh) == (
        Decimal("0.7500"), Decimal("0.6750"),
    )  # fmt: skip
    assert [o.account_id for o in result.most_affected] == ["2", "1"]


@st.composite
def portfolios(draw: st.DrawFn) -> tuple[list[PortfolioAccount], str, str]:
    zone = draw(st.sampled_from(("Asia/Shanghai", "Europe/London")))
    texts = []
    for name in ("current", "proposed"):
        spec = draw(tariff_specs(zone))
        text = spec.yaml_text().replace("id: generated", f"id: {name}")
        texts.append(text.replace('currency: "USD"', 'currency: "CNY"'))
    count = draw(st.integers(1, 4))
    accounts = []
    for index in range(count):
        case = draw(readings_cases(zone, max_days=35))
        accounts.append(
            PortfolioAccount(f"P-{index}", Account(account_id=f"P-{index}"), {}, case.readings)
        )
    return accounts, texts[0], texts[1]


@given(portfolios())
def test_portfolio_totals_are_the_sums_of_the_bills_priced_one_by_one(
    drawn: tuple[list[PortfolioAccount], str, str],
) -> None:
    accounts, current_text, proposed_text = drawn
    current, proposed = parse_tariff(current_text), parse_tariff(proposed_text)
    result = price_portfolio(accounts, current, proposed, workers=1)
    current_total = Decimal(0)
    proposed_total = Decimal(0)
    for entry in accounts:
        assert isinstance(entry.readings, Readings)
        current_total += sum(
            (b.total for b in price(current, entry.readings, entry.account)), Decimal(0)
        )
        proposed_total += sum(
            (b.total for b in price(proposed, entry.readings, entry.account)), Decimal(0)
        )
    assert result.current_total == current_total
    assert result.proposed_total == proposed_total
    assert len(result.accounts) == len(accounts)


def test_parallel_and_in_process_results_agree(tmp_path: Path) -> None:
    tables = write_tables(tmp_path)
    current = parse_tariff((tables / "flat-a.yaml").read_text(encoding="utf-8"))
    proposed = parse_tariff((tables / "flat-b.yaml").read_text(encoding="utf-8"))
    start = 1751299200
    accounts = [
        PortfolioAccount(
            f"M-{i}",
            Account(account_id=f"M-{i}"),
            {},
            Readings("m", 3600, [start + 3600 * h for h in range(48)], 3, [i * 100] * 48),
        )
        for i in range(12)
    ]
    seen: list[tuple[int, int]] = []
    parallel = price_accounts(
        accounts, current, proposed, workers=2, progress=lambda d, t: seen.append((d, t))
    )
    alone = price_accounts(accounts, current, proposed, workers=1)
    assert parallel == alone
    # M-3: 48 × 0.3 = 14.4 kWh; 7.20 → 8.64.
    assert (parallel[3].current_total, parallel[3].proposed_total) == (
        Decimal("7.20"), Decimal("8.64"),
    )  # fmt: skip
    assert seen[-1] == (12, 12)
