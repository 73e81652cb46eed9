"""Tests of a portfolio with a tariff per account, migrations and bands.

The tables are those of `test_portfolio`: ``flat-a`` at 0.5 CNY/kWh and ``flat-b`` at
0.6 CNY/kWh, one line ``energy`` rounded half-up to 0.01 CNY. The readings of July 2025
(744 hours) of k × 0.1 kWh an hour make 74.4 k kWh: 37.20 k CNY under flat-a and 44.64 k
CNY under flat-b. The portfolio of `migrated`:

- A-1 residential north, on flat-a (its cell), k = 1: 74.4 kWh, 37.20 → flat-b 44.64,
  +7.44 (+20 %);
- A-2 residential south, no cell (so ``--current flat-b``), k = 2: 148.8 kWh, 89.28 →
  flat-b 89.28, 0.00;
- A-3 commercial north, on flat-a, k = 3: 223.2 kWh, 111.60 → flat-b 133.92, +22.32
  (+20 %);
- A-4 agricultural south, on flat-a: no proposed tariff for its class, not migrated;
- A-5 commercial south, on ``nosuch``: a tariff that cannot be loaded, failed.

So the portfolio (A-1 .. A-3) pays 37.20 + 89.28 + 111.60 = 238.08 now and 44.64 +
89.28 + 133.92 = 267.84 proposed: +29.76, 29.76 / 238.08 = +12.5 %.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.whatif.test_portfolio import july_rows, write_tables

from tariffs.cli import main
from tariffs.errors import InputError
from tariffs.whatif.migrations import (
    ChangeBands,
    UsageBands,
    parse_edges,
    parse_migration_options,
    read_migration_csv,
)
from tariffs.whatif.portfolio import CHANGE_BAND, USAGE_BAND, AccountOutcome, summarize

ROWS = {
    "A-1": ("residential", "north", "flat-a", 1),
    "A-2": ("residential", "south", "", 2),
    "A-3": ("commercial", "north", "flat-a", 3),
    "A-4": ("agricultural", "south", "flat-a", 4),
    "A-5": ("commercial", "south", "nosuch", 5),
}


@pytest.fixture
def migrated(tmp_path: Path) -> dict[str, Path]:
    readings = tmp_path / "readings"
    readings.mkdir()
    lines = ["account_id,class,district,tariff"]
    for account_id, (klass, district, tariff, k) in ROWS.items():
        lines.append(f"{account_id},{klass},{district},{tariff}")
        (readings / f"{account_id}.csv").write_text(july_rows(f"0.{k}"), encoding="utf-8")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    migration = tmp_path / "migration.csv"
    migration.write_text(
        "class,proposed_tariff\nresidential,flat-b\ncommercial,flat-b\n", encoding="utf-8"
    )
    return {
        "accounts": accounts,
        "readings": readings,
        "tables": write_tables(tmp_path / "t"),
        "migration": migration,
    }


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def argv(paths: dict[str, Path], *options: object) -> list[object]:
    return [
        "portfolio", "--accounts", paths["accounts"], "--readings-dir", paths["readings"],
        "--tables", paths["tables"], "--current", "flat-b", "--workers", "1", *options,
    ]  # fmt: skip


def test_migration_by_class_end_to_end(
    capsys: pytest.CaptureFixture[str], migrated: dict[str, Path]
) -> None:
    code, out, err = run(
        capsys,
        *argv(migrated, "--migrate", migrated["migration"], "--format", "json"),
        "--bands", "0,100,200", "--bands-per", "month", "--change-bands=0,10",
    )  # fmt: skip
    assert code == 1  # A-5 failed
    assert "account A-5 failed: tariff nosuch:" in err
    document = json.loads(out)
    assert (document["current_total"], document["proposed_total"]) == ("238.08", "267.84")
    assert (document["change"], document["change_percent"]) == ("29.76", "12.5")
    assert document["accounts_not_migrated"] == "1"
    [not_migrated] = document["not_migrated"]
    assert not_migrated["account_id"] == "A-4"
    assert not_migrated["not_migrated"] == (
        f"class 'agricultural' has no proposed tariff in {migrated['migration']}"
    )
    by_id = {entry["account_id"]: entry for entry in document["accounts"]}
    assert sorted(by_id) == ["A-1", "A-2", "A-3"]
    assert (by_id["A-1"]["current_tariff"], by_id["A-1"]["proposed_tariff"]) == ("flat-a", "flat-b")
    assert by_id["A-2"]["current_tariff"] == "flat-b"  # the default of a blank cell
    # energy 37.20 -> 44.64; A-2: nothing moved.
    assert by_id["A-1"]["lines_moved"] == [
        {"code": "energy", "current": "37.20", "proposed": "44.64", "change": "7.44"}
    ]
    assert by_id["A-2"]["lines_moved"] == []
    assert [by_id[a]["usage_band"] for a in ("A-1", "A-2", "A-3")] == [
        "0 to 100 kWh/month", "100 to 200 kWh/month", "200 kWh/month and above",
    ]  # fmt: skip
    assert [by_id[a]["change_band"] for a in ("A-1", "A-2", "A-3")] == [
        "10 % and above", "0 to 10 %", "10 % and above",
    ]  # fmt: skip
    (residential,) = (g for g in document["groups"]["class"] if g["value"] == "residential")
    # 37.20 + 89.28 = 126.48 -> 44.64 + 89.28 = 133.92.
    assert (residential["current_total"], residential["proposed_total"]) == ("126.48", "133.92")
    assert residential["impact"]["change"] == {
        "min": "0.00", "p10": "0.00", "median": "0.00", "p90": "7.44", "max": "7.44",
    }  # fmt: skip
    assert residential["impact"]["change_percent"]["max"] == "20.0"
    assert residential["impact"]["change_bands"] == {
        "below 0 %": "0", "0 to 10 %": "1", "10 % and above": "1", "no current bill": "0",
    }  # fmt: skip
    assert [g["value"] for g in document["groups"][USAGE_BAND]] == [
        "0 to 100 kWh/month", "100 to 200 kWh/month", "200 kWh/month and above",
    ]  # fmt: skip
    # by percent: both +20 %, in id order; then A-2.
    assert [e["account_id"] for e in document["most_affected_percent"]] == ["A-1", "A-3", "A-2"]
    assert [e["account_id"] for e in document["most_affected"]] == ["A-3", "A-1", "A-2"]


def test_migration_csv_output_has_every_account_once(
    capsys: pytest.CaptureFixture[str], migrated: dict[str, Path]
) -> None:
    code, out, _ = run(capsys, *argv(migrated, "--migrate", migrated["migration"]), "--format=csv")
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["account_id"], r["status"]) for r in rows] == [
        ("A-1", "ok"), ("A-2", "ok"), ("A-3", "ok"), ("A-4", "not_migrated"), ("A-5", "failed"),
    ]  # fmt: skip
    assert rows[2]["lines_moved"] == "energy +22.32"
    assert rows[3]["current_tariff"] == "flat-a" and rows[3]["proposed_tariff"] == ""
    assert "tariff" not in rows[0]  # the tariff column is the current tariff, not a group


def test_identity_migration_changes_nothing(
    capsys: pytest.CaptureFixture[str], migrated: dict[str, Path]
) -> None:
    """Each current tariff migrates to itself: every account and group changes by 0."""
    identity = migrated["migration"].with_name("identity.csv")
    identity.write_text("from_tariff,to_tariff\nflat-a,flat-a\nflat-b,flat-b\n", "utf-8")
    accounts = migrated["accounts"].read_text(encoding="utf-8").replace("nosuch", "flat-b")
    migrated["accounts"].write_text(accounts, encoding="utf-8")
    code, out, _ = run(
        capsys, *argv(migrated, "--migrate", identity, "--change-bands=0", "--format", "json")
    )
    assert code == 0
    document = json.loads(out)
    assert document["change"] == "0.00" and document["accounts_not_migrated"] == "0"
    assert len(document["accounts"]) == 5
    assert {entry["change"] for entry in document["accounts"]} == {"0.00"}
    for groups in document["groups"].values():
        assert {group["change"] for group in groups} == {"0.00"}
    assert [g["value"] for g in document["groups"][CHANGE_BAND]] == ["0 % and above"]


def test_migration_by_current_tariff_and_options(
    capsys: pytest.CaptureFixture[str], migrated: dict[str, Path]
) -> None:
    """--proposed flat-a=flat-b --migrate-by tariff: accounts on flat-b are not migrated."""
    code, out, _ = run(
        capsys,
        *argv(migrated, "--proposed", "flat-a=flat-b", "--migrate-by", "tariff", "--format=csv"),
    )
    assert code == 1
    status = {r["account_id"]: r["status"] for r in csv.DictReader(io.StringIO(out))}
    assert status == {
        "A-1": "ok", "A-2": "not_migrated", "A-3": "ok", "A-4": "ok", "A-5": "failed",
    }  # fmt: skip


def test_table_lists_not_migrated_and_lines_moved(
    capsys: pytest.CaptureFixture[str], migrated: dict[str, Path]
) -> None:
    code, out, _ = run(capsys, *argv(migrated, "--migrate", migrated["migration"]))
    assert code == 1
    assert "Not migrated: 1 account(s)" in out
    assert "  A-4: class 'agricultural' has no proposed tariff in" in out
    assert "Bill impact by class" in out
    assert "energy +22.32" in out


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--migrate", "M", "--proposed", "flat-b"], "cannot be given together"),
        (["--proposed", "residential=flat-b"], "needs --migrate-by COLUMN"),
        (["--proposed", "flat-a", "--proposed", "flat-b"], "VALUE=TARIFF options"),
        (["--proposed", "flat-b", "--bands", "0,100"], "--bands and --bands-per go together"),
        (["--proposed", "flat-b", "--bands-per", "year", "--resume", "--output", "o.csv",
          "--format", "csv", "--bands", "0"], "--resume reads back"),
    ],
)  # fmt: skip
def test_portfolio_migration_usage_errors(
    capsys: pytest.CaptureFixture[str], migrated: dict[str, Path], options: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv(migrated, *options))
    assert code == 2 and out == ""
    assert message in err


def test_a_migration_of_a_column_the_accounts_lack(
    capsys: pytest.CaptureFixture[str], migrated: dict[str, Path]
) -> None:
    code, out, err = run(
        capsys, *argv(migrated, "--proposed", "x=flat-b", "--migrate-by", "voltage")
    )
    assert code == 1 and out == ""
    assert (
        "accounts.csv:1: --proposed maps column 'voltage', which the accounts file does not "
        "have (grouping columns: class, district)"
    ) in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("class\nresidential\n", r"migration\.csv:1: the header must be"),
        ("class,proposed_tariff\nresidential\n", r"migration\.csv:2: expected two cells"),
        ("class,proposed_tariff\nresidential,\n", r"migration\.csv:2: expected two cells"),
        (
            "class,proposed_tariff\nresidential,a\nresidential,b\n",
            r"migration\.csv:3: class 'residential' appears twice \(first at line 2\)",
        ),
    ],
)
def test_bad_migration_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "migration.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_migration_csv(path)


def test_migration_files_and_options() -> None:
    assert parse_migration_options(["a=t1", "b = t2"], "class").proposed == {"a": "t1", "b": "t2"}
    with pytest.raises(InputError, match="given twice"):
        parse_migration_options(["a=t1", "a=t2"], "class")
    with pytest.raises(InputError, match="the edges must increase"):
        parse_edges("0,100,100", "--bands")
    with pytest.raises(InputError, match="'x' is not a number"):
        parse_edges("0,x", "--bands")


def test_bands_by_hand() -> None:
    month = UsageBands((Decimal(0), Decimal(100)), "month")
    # 3 bills of 300 kWh in all: 100 kWh a bill, at the edge, so in the upper band.
    assert month.band(Decimal(300), 3, False) == "100 kWh/month and above"
    assert month.band(Decimal("299.999"), 3, False) == "0 to 100 kWh/month"
    assert month.band(Decimal(-1), 1, False) == "below 0 kWh/month"
    assert month.band(Decimal(5), 0, False) == "no bill"
    year = UsageBands((Decimal(1000),), "year")
    assert year.band(Decimal(5000), 12, False) == "not a year of bills"
    assert year.band(Decimal(5000), 12, True) == "1000 kWh/year and above"
    change = ChangeBands((Decimal(-5), Decimal(5)))
    # -5 % exactly: 5 of 100 less; -5.01 % falls below.
    assert change.band(Decimal(-5), Decimal(100)) == "-5 to 5 %"
    assert change.band(Decimal("-5.01"), Decimal(100)) == "below -5 %"
    assert change.band(Decimal(1), Decimal(0)) == "no current bill"


# -- laws ------------------------------------------------------------------------------

money = st.decimals(min_value=-1000, max_value=100000, places=2, allow_nan=False)


@st.composite
def outcomes(draw: st.DrawFn) -> list[AccountOutcome]:
    count = draw(st.integers(min_value=0, max_value=25))
    result = []
    for n in range(count):
        groups = {
            "class": draw(st.sampled_from(["residential", "commercial", ""])),
            "district": draw(st.sampled_from(["n", "s"])),
        }
        kind = draw(st.sampled_from(["ok", "ok", "ok", "failed", "not migrated"]))
        if kind == "failed":
            result.append(AccountOutcome(f"A-{n}", groups, error="bad"))
        elif kind == "not migrated":
            result.append(AccountOutcome(f"A-{n}", groups, not_migrated="no mapping"))
        else:
            result.append(
                AccountOutcome(
                    f"A-{n}",
                    groups,
                    energy_kwh=draw(st.decimals(min_value=0, max_value=10**6, places=3)),
                    current_total=draw(money),
                    proposed_total=draw(money),
                    bills=draw(st.integers(min_value=0, max_value=13)),
                    year_of_bills=draw(st.booleans()),
                )
            )
    return result


@given(outcomes(), st.booleans())
def test_groups_and_bands_add_up_to_the_portfolio(
    accounts: list[AccountOutcome], bands: bool
) -> None:
    usage = UsageBands((Decimal(0), Decimal(500)), "year") if bands else None
    change = ChangeBands((Decimal(-10), Decimal(0), Decimal(10))) if bands else None
    result = summarize(
        accounts, "c", "p", "CNY", ["class", "district"],
        usage_bands=usage, change_bands=change, detailed=True,
    )  # fmt: skip
    priced = [o for o in accounts if o.ok]
    assert len(result.accounts) + len(result.failed) + len(result.not_migrated) == len(accounts)
    for outcome in priced:
        assert outcome.change == outcome.proposed_total - outcome.current_total  # type: ignore[operator]
    assert result.change == result.proposed_total - result.current_total
    for column in result.summary_columns:
        groups = [g for g in result.groups if g.column == column]
        assert sum(g.accounts for g in groups) == len(priced)
        assert sum((g.current_total for g in groups), Decimal(0)) == result.current_total
        assert sum((g.proposed_total for g in groups), Decimal(0)) == result.proposed_total
        assert sum((g.energy_kwh for g in groups), Decimal(0)) == result.energy_kwh
        for group in groups:
            assert group.impact is not None
            if change is not None:
                assert sum(group.impact.change_bands.values()) == group.accounts
    assert result.current_total == sum((o.current_total or Decimal(0) for o in priced), Decimal(0))


def test_a_row_without_a_current_tariff_fails_that_account(
    capsys: pytest.CaptureFixture[str], migrated: dict[str, Path]
) -> None:
    """Without --current, A-2 (empty tariff cell) fails; the others are priced."""
    command = argv(migrated, "--migrate", migrated["migration"], "--format=csv")
    command.remove("--current")
    command.remove("flat-b")
    code, out, err = run(capsys, *command)
    assert code == 1
    assert (
        "tariffs: account A-2 failed: no tariff in its row of the accounts file, and no --current"
        in err
    )
    status = {r["account_id"]: r["status"] for r in csv.DictReader(io.StringIO(out))}
    assert status == {
        "A-1": "ok", "A-2": "failed", "A-3": "ok", "A-4": "not_migrated", "A-5": "failed",
    }  # fmt: skip


def test_the_example_of_examples_portfolio(capsys: pytest.CaptureFixture[str]) -> None:
    """examples/portfolio: current bills by hand, July 2025 (31 days), one hour a row.

    Residential on cn-sh-residential (0.617 CNY/kWh in tier 1): R-1 uses 7 h × 0.3 +
    5 h × 1.2 + 12 h × 0.5 = 14.1 kWh a day, 437.1 kWh, 269.69 CNY; R-2 9 kWh a day, 279
    kWh, 172.14; R-3 11 kWh a day, 341 kWh, 210.40: 652.23 in all. Commercial on
    commercial-flat (0.65): C-1 11 h × 12 + 13 h × 2 = 158 kWh a day, 4898 kWh, 3183.70;
    C-2 11 h × 4 + 13 h × 6 = 122 kWh a day, 3782 kWh, 2458.30: 5642.00. F-1
    (agricultural) has no proposed tariff.
    """
    example = Path(__file__).resolve().parents[2] / "examples" / "portfolio"
    code, out, _ = run(
        capsys,
        "portfolio", "--accounts", example / "accounts.csv", "--readings-dir",
        example / "readings", "--tables", example / "tariffs", "--current",
        "cn-sh-residential", "--migrate", example / "migration.csv", "--bands", "0,300,1000",
        "--bands-per", "month", "--change-bands=-10,0,10", "--workers", "1", "--format", "json",
    )  # fmt: skip
    assert code == 0
    document = json.loads(out)
    by_class = {g["value"]: g for g in document["groups"]["class"]}
    assert by_class["residential"]["current_total"] == "652.23"
    assert by_class["commercial"]["current_total"] == "5642.00"
    assert document["current_total"] == "6294.23"  # 652.23 + 5642.00
    assert [e["account_id"] for e in document["not_migrated"]] == ["F-1"]
    current = {e["account_id"]: e["current_total"] for e in document["accounts"]}
    assert current == {
        "R-1": "269.69", "R-2": "172.14", "R-3": "210.40", "C-1": "3183.70", "C-2": "2458.30",
    }  # fmt: skip
    bands = {e["account_id"]: e["usage_band"] for e in document["accounts"]}
    assert bands["R-2"] == "0 to 300 kWh/month" and bands["C-2"] == "1000 kWh/month and above"


def test_plot_draws_a_histogram_per_class(
    capsys: pytest.CaptureFixture[str], migrated: dict[str, Path], tmp_path: Path
) -> None:
    pytest.importorskip("matplotlib")
    chart = tmp_path / "classes.svg"
    code, _, _ = run(capsys, *argv(migrated, "--migrate", migrated["migration"], "--plot", chart))
    assert code == 1  # A-5 failed; the chart is drawn of the others
    text = chart.read_text(encoding="utf-8")
    # One panel per class priced: commercial and residential.
    assert "class commercial: 1 accounts" in text
    assert "class residential: 2 accounts" in text


def test_a_year_of_bills_is_a_year_end_to_end_with_no_day_missing() -> None:
    from tariffs.whatif.portfolio import _year_of_bills

    def months(*starts: tuple[int, int]) -> list[tuple[dt.date, dt.date]]:
        return [(dt.date(y, m, 1), dt.date(y + m // 12, m % 12 + 1, 1)) for y, m in starts]

    year = months(*((2024, m) for m in range(3, 13)), (2025, 1), (2025, 2))
    assert _year_of_bills(year)  # 2024-03-01 to 2025-03-01, across 29 February
    assert not _year_of_bills(year[:-1])  # eleven months
    assert not _year_of_bills(year[:5] + year[6:])  # August missing
    assert not _year_of_bills([])


def test_a_migration_estimates_when_asked(
    capsys: pytest.CaptureFixture[str], migrated: dict[str, Path]
) -> None:
    # A-2 misses 2025-07-15T10:00; its hours are all 0.2 kWh, so the same hour a week
    # before gives 0.2 again and its bills are those of the whole month (89.28 each).
    path = migrated["readings"] / "A-2.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    kept = [row for row in rows if not row.startswith("2025-07-15T10:00")]
    assert len(kept) == len(rows) - 1
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    options = ["--migrate", migrated["migration"], "--format", "json"]
    code, out, err = run(capsys, *argv(migrated, *options))
    assert "account A-2 failed" in err  # a gap is refused without --estimate
    code, out, err = run(capsys, *argv(migrated, *options, "--estimate", "same-day-last-week"))
    assert "account A-2 failed" not in err
    document = json.loads(out)
    by_id = {entry["account_id"]: entry for entry in document["accounts"]}
    assert (by_id["A-2"]["current_total"], by_id["A-2"]["proposed_total"]) == ("89.28", "89.28")
    assert (document["current_total"], document["proposed_total"]) == ("238.08", "267.84")
