"""Tests of designing toward a target (`tariffs.whatif.design`) and of ``tariffs design``.

The portfolio: three accounts, each using k × 0.1 kWh in every hour of July 2025 (744
hours, 372 of them peak hours 08:00-20:00 and 372 valley), k = 1, 2 and 5:

- kWh: 74.4, 148.8 and 372.0 (595.2 in all); peak and valley each half: 37.2, 74.4 and
  186.0 (297.6 peak kWh in all);
- current tariff ``flat`` at 0.50 CNY/kWh: 37.20 + 74.40 + 186.00 = 297.60 CNY.

Proposed ``tou``: peak "0.60", valley "0.30" per kWh, each line rounded half-up to 0.01.
The valley lines are 37.2 × 0.30 = 11.16, 74.4 × 0.30 = 22.32 and 186.0 × 0.30 = 55.80,
89.28 in all, so the peak lines must bring 297.60 − 89.28 = 208.32 = 297.6 × 0.70: the
revenue-neutral peak price is 0.70 exactly (26.04 + 52.08 + 130.20).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tables import flat_yaml, peak_valley_yaml, table_yaml
from tariffs.cli import main
from tariffs.errors import InputError
from tariffs.io.safe_yaml import parse_yaml
from tariffs.io.tables import parse_tariff
from tariffs.model.account import Account
from tariffs.model.readings import Readings
from tariffs.model.tariff import Tariff
from tariffs.whatif.design import Design, Unknown, design_tariff, find_unknown, parse_path, solve
from tariffs.whatif.portfolio import AccountOutcome, PortfolioAccount, price_accounts

KS = (1, 2, 5)

RATIO_BODY = """\
    periods:
      - windows:
          peak: ["08:00-20:00"]
          valley: ["20:00-08:00"]
    base_prices:
      flat: "0.50"
    charges:
      - kind: energy
        prices:
          peak: {of: flat, ratio: "1.2"}
          valley: {of: flat, ratio: "0.6"}
"""

TIERS_BODY = """\
    charges:
      - kind: energy
        tiers: {reset: monthly, bounds_kwh: [100]}
        price_per_kwh: ["0.40", "0.80"]
"""

FIXED_BODY = """\
    charges:
      - kind: energy
        price_per_kwh: "0.40"
      - kind: fixed
        code: service
        amount: "10.00"
        per: month
"""


def july_rows(kwh: str) -> str:
    rows = ["start,kwh"]
    moment = dt.datetime(2025, 7, 1)
    while moment.month == 7:
        rows.append(f"{moment:%Y-%m-%dT%H:%M},{kwh}")
        moment += dt.timedelta(hours=1)
    return "\n".join(rows) + "\n"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    readings = tmp_path / "readings"
    readings.mkdir()
    rows = ["account_id,district"]
    for k in KS:
        rows.append(f"A-{k},north")
        (readings / f"A-{k}.csv").write_text(july_rows(f"0.{k}"), encoding="utf-8")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("\n".join(rows) + "\n", encoding="utf-8")
    tables = tmp_path / "tables"
    tables.mkdir()
    for name, text in {
        "flat": flat_yaml("flat", "0.50"),
        "tou": peak_valley_yaml("tou", "0.60", "0.30"),
        "ratios": table_yaml("ratios", RATIO_BODY),
        "tiers": table_yaml("tiers", TIERS_BODY),
        "fixed": table_yaml("fixed", FIXED_BODY),
    }.items():
        (tables / f"{name}.yaml").write_text(text, encoding="utf-8")
    return {"accounts": accounts, "readings": readings, "tables": tables, "dir": tmp_path}


def entries(files: dict[str, Path]) -> list[PortfolioAccount]:
    return [
        PortfolioAccount(
            f"A-{k}", Account(account_id=f"A-{k}"), {}, str(files["readings"] / f"A-{k}.csv")
        )
        for k in KS
    ]


def priced(files: dict[str, Path], tariff: Tariff) -> list[AccountOutcome]:
    current = parse_tariff(flat_yaml("flat", "0.50"))
    return price_accounts(entries(files), current, tariff, workers=1)


def revenue(files: dict[str, Path], text: str) -> Decimal:
    outcomes = priced(files, parse_tariff(text))
    return sum((o.proposed_total or Decimal(0) for o in outcomes), Decimal(0))


def design(
    files: dict[str, Path],
    name: str,
    path: str,
    target: str | None = None,
    places: int | None = None,
) -> Design:
    source = files["tables"] / f"{name}.yaml"
    text = source.read_text(encoding="utf-8")
    document = parse_yaml(text, str(source))
    unknown = find_unknown(document, path, places=places)
    return design_tariff(
        text,
        document,
        unknown,
        lambda tariff: priced(files, tariff),
        target=None if target is None else Decimal(target),
    )


# -- the laws ----------------------------------------------------------------------------


def test_a_revenue_neutral_price_reproduces_the_current_revenue(files: dict[str, Path]) -> None:
    found = design(files, "tou", "charges[energy].prices.peak")
    assert found.current_revenue == Decimal("297.60")
    assert found.solution.solved.value == Decimal("0.70")
    assert found.solution.solved.revenue == Decimal("297.60")
    assert found.solution.exact
    # 0.69: 25.668 → 25.67, 51.336 → 51.34, 128.34; + 89.28 = 294.63 (−2.97).
    assert found.solution.below is not None
    assert (found.solution.below.value, found.solution.below.revenue) == (
        Decimal("0.69"),
        Decimal("294.63"),
    )
    # 0.71: 26.412 → 26.41, 52.824 → 52.82, 132.06; + 89.28 = 300.57 (+2.97).
    assert found.solution.above is not None
    assert (found.solution.above.value, found.solution.above.revenue) == (
        Decimal("0.71"),
        Decimal("300.57"),
    )
    # As written, 0.60: 22.32 + 44.64 + 111.60 + 89.28 = 267.84.
    assert found.solution.original.revenue == Decimal("267.84")


def test_re_pricing_the_solved_table_gives_the_reported_revenue(files: dict[str, Path]) -> None:
    for path, target in (
        ("charges[energy].prices.peak", None),
        ("charges[energy].prices.valley", "280.00"),
        ("charges[energy].prices.peak", "300.00"),
    ):
        found = design(files, "tou", path, target, places=4)
        assert revenue(files, found.table) == found.solution.solved.revenue, (path, target)


def test_the_solved_table_is_the_proposed_one_with_one_number_replaced(
    files: dict[str, Path],
) -> None:
    found = design(files, "tou", "charges[energy].prices.peak")
    written = (files["tables"] / "tou.yaml").read_text(encoding="utf-8")
    assert found.table == written.replace('peak: "0.60"', 'peak: "0.70"')
    assert found.table != written


def test_the_revenue_of_the_written_value_gives_back_the_written_value(
    files: dict[str, Path],
) -> None:
    for places in (None, 4):
        found = design(files, "tou", "charges[energy].prices.peak", "267.84", places)
        assert found.solution.solved.value == Decimal("0.60")
        assert found.solution.exact
    # A tier bound: with the bound at 100 the revenue is 29.76 + 79.04 + 257.60 = 366.40
    # (74.4 × 0.40; 100 × 0.40 + 48.8 × 0.80; 100 × 0.40 + 272 × 0.80).
    found = design(files, "tiers", "charges[energy].tiers.bounds_kwh[1]", "366.40")
    assert found.solution.solved.value == 100


def test_a_higher_target_gives_a_higher_price_and_a_lower_tier_bound(
    files: dict[str, Path],
) -> None:
    prices = [
        design(files, "tou", "charges[energy].prices.peak", t, 4).solution.solved.value
        for t in ("250.00", "297.60", "320.00")
    ]
    assert prices == sorted(prices) and len(set(prices)) == 3
    bounds = [
        design(files, "tiers", "charges[energy].tiers.bounds_kwh[1]", t).solution.solved.value
        for t in ("290.00", "297.60", "320.00")
    ]
    assert bounds == sorted(bounds, reverse=True) and len(set(bounds)) == 3


def test_an_unreachable_cent_is_the_nearest_value_with_its_residual(
    files: dict[str, Path],
) -> None:
    # Target 300.00, 4 places. 0.7080: 26.3376 → 26.34, 52.6752 → 52.68, 131.688 →
    # 131.69: 210.71 + 89.28 = 299.99 (−0.01). 0.7081: 26.34132 → 26.34, 52.68264 →
    # 52.68, 131.7066 → 131.71: 300.01 (+0.01), as near; of the two the one nearer the
    # written 0.60 is taken. 0.7079: 26.33 + 52.67 + 131.67 + 89.28 = 299.95.
    found = design(files, "tou", "charges[energy].prices.peak", "300.00", places=4)
    solution = found.solution
    assert (solution.solved.value, solution.solved.revenue) == (
        Decimal("0.7080"),
        Decimal("299.99"),
    )
    assert not solution.exact
    assert solution.difference == Decimal("-0.01")
    assert solution.below is not None and solution.above is not None
    assert (solution.below.value, solution.below.revenue) == (Decimal("0.7079"), Decimal("299.95"))
    assert (solution.above.value, solution.above.revenue) == (Decimal("0.7081"), Decimal("300.01"))
    # The residual is below one price step × the peak kWh: 0.0001 × 297.6 = 0.02976.
    assert abs(solution.difference) < Decimal("0.0001") * Decimal("297.6")
    # At 2 places: 0.71 gives 300.57 (+0.57), 0.70 gives 297.60 (−2.40).
    coarse = design(files, "tou", "charges[energy].prices.peak", "300.00").solution
    assert (coarse.solved.value, coarse.difference) == (Decimal("0.71"), Decimal("0.57"))
    assert abs(coarse.difference) < Decimal("0.01") * Decimal("297.6")


def test_a_ratio_a_base_price_a_tier_bound_and_an_amount(files: dict[str, Path]) -> None:
    # Peak at 0.50 × r: the peak lines need 208.32 = 297.6 × 0.70, so r = 1.4.
    ratio = design(files, "ratios", "charges[energy].prices.peak.ratio").solution
    assert (ratio.solved.value, ratio.solved.revenue) == (Decimal("1.4"), Decimal("297.60"))
    # The base f prices peak at 1.2 f and valley at 0.6 f. f = 0.56 (peak 0.672, valley
    # 0.336): 24.9984 → 25.00, 49.9968 → 50.00, 124.992 → 124.99; 12.4992 → 12.50,
    # 24.9984 → 25.00, 62.496 → 62.50: 299.99 (+2.39). f = 0.55 (0.66, 0.33): 24.55 +
    # 49.10 + 122.76 + 12.28 + 24.55 + 61.38 = 294.62 (−2.98).
    base = design(files, "ratios", "base_prices.flat").solution
    assert (base.solved.value, base.solved.revenue) == (Decimal("0.56"), Decimal("299.99"))
    assert base.below is not None and base.below.revenue == Decimal("294.62")
    # Tier bound b ≥ 148.8 (A-2 all in tier 1): 29.76 + 59.52 + 0.40 b + 0.80 (372 − b)
    # = 386.88 − 0.40 b. b = 223: 297.68 (+0.08); b = 224: 297.28; b = 222: 298.08.
    bound = design(files, "tiers", "charges[energy].tiers.bounds_kwh[1]").solution
    assert (bound.solved.value, bound.solved.revenue) == (Decimal(223), Decimal("297.68"))
    assert not bound.increasing
    assert bound.below is not None and bound.below.revenue == Decimal("298.08")
    assert bound.above is not None and bound.above.revenue == Decimal("297.28")
    # 0.40 × 595.2 = 238.08 of energy; three service charges F: F = 59.52 / 3 = 19.84.
    amount = design(files, "fixed", "charges[service].amount").solution
    assert (amount.solved.value, amount.solved.revenue) == (Decimal("19.84"), Decimal("297.60"))


# -- refusals ----------------------------------------------------------------------------


def test_a_derived_price_names_its_ratio_and_its_base(files: dict[str, Path]) -> None:
    with pytest.raises(InputError) as raised:
        design(files, "ratios", "charges[energy].prices.peak")
    message = str(raised.value)
    assert "derived price" in message
    assert "charges[energy].prices.peak.ratio" in message and "base_prices.flat" in message
    assert raised.value.line == 7 + 10  # the header, then the 10th line of the body


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("charges[energy].prices.midpeak", "has no 'midpeak'; its keys: peak, valley"),
        ("charges[demand].amount", "has no item [demand]; it has [1] energy"),
        ("charges[energy].prices", "is a mapping; name one of its keys: peak, valley"),
        ("periods[1].windows.peak[1]", "not a number of the charges or the base prices"),
        ("charges[energy].kind", "not a number ('energy')"),
        ("charges..prices", "not a path"),
        ("versions[2030-01-01].charges", "no version 2030-01-01; dates: 2025-01-01"),
    ],
)
def test_a_path_that_names_no_number_says_what_is_there(
    files: dict[str, Path], path: str, expected: str
) -> None:
    with pytest.raises(InputError) as raised:
        design(files, "tou", path)
    assert expected in str(raised.value)


def test_a_tier_price_list_names_its_items(files: dict[str, Path]) -> None:
    with pytest.raises(InputError, match=r"is a list of 2; name one of them: .*\[1\] to .*\[2\]"):
        design(files, "tiers", "charges[energy].price_per_kwh")


def test_an_unreachable_target_is_refused(files: dict[str, Path]) -> None:
    # At a peak price of 0 the valley lines alone bring 89.28.
    with pytest.raises(InputError, match="not reachable: revenue goes from 89.28"):
        design(files, "tou", "charges[energy].prices.peak", "50.00")
    # The bound lies between 0 and no upper bound: at 1 kWh, 0.40 + 0.80 × the rest.
    with pytest.raises(InputError, match="not reachable"):
        design(files, "tiers", "charges[energy].tiers.bounds_kwh[1]", "1000.00")


def test_fewer_places_than_written_are_refused(files: dict[str, Path]) -> None:
    with pytest.raises(InputError, match="--places 1 is fewer than the 2 places"):
        design(files, "tou", "charges[energy].prices.peak", places=1)


def test_a_charge_code_may_start_the_path(files: dict[str, Path]) -> None:
    short = design(files, "tou", "energy.prices.peak").solution
    assert (short.solved.value, short.solved.revenue) == (Decimal("0.70"), Decimal("297.60"))
    amount = design(files, "fixed", "service.amount").solution
    assert amount.solved.value == Decimal("19.84")


def test_a_path_parses_into_keys_and_selectors() -> None:
    steps = parse_path("versions[2025-01-01].charges[fund.renewable].price_per_kwh")
    assert [(s.text, s.bracket) for s in steps] == [
        ("versions", False),
        ("2025-01-01", True),
        ("charges", False),
        ("fund.renewable", True),
        ("price_per_kwh", False),
    ]


# -- the command -------------------------------------------------------------------------


def cli(files: dict[str, Path], *extra: str) -> list[str]:
    return [
        "design",
        "--accounts",
        str(files["accounts"]),
        "--readings-dir",
        str(files["readings"]),
        "--tables",
        str(files["tables"]),
        "--current",
        "flat",
        "--workers",
        "1",
        *extra,
    ]


def test_the_command_writes_the_solved_table_and_the_summary(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    (files["dir"] / "out").mkdir()
    table = files["dir"] / "out" / "tou.yaml"
    code = main(
        cli(
            files,
            "--proposed",
            "tou",
            "--solve",
            "charges[energy].prices.peak",
            "--target",
            "neutral",
            "--write-table",
            str(table),
            "--format",
            "json",
        )
    )
    out = capsys.readouterr().out
    assert code == 0
    document = json.loads(out)
    assert document["solved"] == {"value": "0.70", "revenue": "297.60", "difference": "0.00"}
    assert document["below"]["value"] == "0.69" and document["above"]["value"] == "0.71"
    assert document["target"] == {"kind": "neutral", "revenue": "297.60"}
    assert document["exact"] is True
    written = (files["tables"] / "tou.yaml").read_text(encoding="utf-8")
    assert table.read_text(encoding="utf-8") == written.replace('"0.60"', '"0.70"')


def test_the_command_table(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        cli(files, "--proposed", "tou", "--solve", "charges[energy].prices.peak", "--target", "300")
    )
    out = capsys.readouterr().out
    assert code == 0
    # 0.72: 26.784 → 26.78, 53.568 → 53.57, 133.92; + 89.28 = 303.55 (+3.55).
    assert out.splitlines()[1:9] == [
        "target: 300 CNY (current revenue 297.60 CNY)",
        "",
        "                price  revenue CNY  to target CNY",
        "--------------  -----  -----------  -------------",
        "one step below   0.70       297.60          -2.40",
        "solved           0.71       300.57          +0.57",
        "one step above   0.72       303.55          +3.55",
        "as written       0.60       267.84         -32.16",
    ]


def test_an_account_that_fails_stops_the_design(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    (files["dir"] / "out").mkdir()
    table = files["dir"] / "out" / "tou.yaml"
    with files["accounts"].open("a", encoding="utf-8") as stream:
        stream.write("NO-READINGS,south\n")
    code = main(
        cli(
            files,
            "--proposed",
            "tou",
            "--solve",
            "charges[energy].prices.peak",
            "--target",
            "neutral",
            "--write-table",
            str(table),
        )
    )
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert "1 of 4 accounts cannot be priced" in captured.err
    assert "account NO-READINGS" in captured.err
    assert not table.exists()


def test_a_solved_table_is_named_by_its_id(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    table = files["dir"] / "solved.yaml"
    argv = ["--proposed", "tou", "--solve", "charges[energy].prices.peak", "--target", "neutral"]
    assert main(cli(files, *argv, "--write-table", str(table))) == 2
    assert "name the file tou.yaml (a table's id is its file name)" in capsys.readouterr().err
    assert not table.exists()


def test_a_bad_target_is_a_usage_error(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(cli(files, "--proposed", "tou", "--solve", "base_prices.x", "--target", "lots"))
    assert code == 2
    assert "not neutral or a revenue: 'lots'" in capsys.readouterr().err


def test_the_current_tariff_is_priced_once_per_solve(files: dict[str, Path]) -> None:
    """Only the proposed table is priced at each further value; nothing else changes."""
    source = files["tables"] / "tou.yaml"
    text = source.read_text(encoding="utf-8")
    document = parse_yaml(text, str(source))
    unknown = find_unknown(document, "charges[energy].prices.peak")
    current = parse_tariff(flat_yaml("flat", "0.50"))
    both: list[Tariff] = []
    alone: list[Tariff] = []

    def price_both(tariff: Tariff) -> list[AccountOutcome]:
        both.append(tariff)
        return price_accounts(entries(files), current, tariff, workers=1)

    def price_alone(tariff: Tariff) -> list[AccountOutcome]:
        alone.append(tariff)
        outcomes = price_accounts(entries(files), current, tariff, workers=1, proposed_only=True)
        assert all(o.current_total is None and o.proposed_total is not None for o in outcomes)
        return outcomes

    once = design_tariff(text, document, unknown, price_both, price_proposed=price_alone)
    assert len(both) == 1 and len(alone) == once.solution.pricings - 1 >= 1
    assert once == design(files, "tou", "charges[energy].prices.peak")
    assert once.current_revenue == Decimal("297.60")  # 595.2 kWh × 0.50
    assert once.energy_kwh == Decimal("595.2")


# -- the example -------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "design" / "README.md"


def example_commands() -> list[tuple[str, str]]:
    """Each ``$ tariffs ...`` line of the example's console blocks, and what it shows."""
    text = EXAMPLE.read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"^```console\n(.*?)^```$", text, re.M | re.S):
        for chunk in block.split("$ ")[1:]:
            command, _, shown = chunk.partition("\n")
            found.append((command, shown))
    return found


def test_the_example_prints_what_its_readme_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    commands = example_commands()
    assert len(commands) == 5
    bundled = str(ROOT / "src" / "tariffs" / "tariff_tables" / "cn") + "/"
    for command, shown in commands:
        argv = shlex.split(command.replace("solved/", f"{tmp_path}/"))
        assert argv[0] == "tariffs"
        code = main(argv[1:])
        captured = capsys.readouterr()
        printed = (captured.out + captured.err).replace(bundled, ".../tariff_tables/cn/")
        if shown.endswith("...\n"):  # the first lines only
            shown = shown.removesuffix("...\n")
            printed = printed[: len(shown)]
        assert printed == shown, command
        assert code == (1 if shown.startswith("tariffs: error:") else 0), command
    # The solved table is the bundled one with the flat price replaced, nothing else.
    bundled_text = (ROOT / "src/tariffs/tariff_tables/cn/cn-gd-commercial-tou.yaml").read_text(
        encoding="utf-8"
    )
    solved = (tmp_path / "cn-gd-commercial-tou.yaml").read_text(encoding="utf-8")
    assert solved == bundled_text.replace('flat: "0.6500"', 'flat: "0.5402"')


# -- the laws on random portfolios ---------------------------------------------------------

#: 2025-07-01 00:00 in Shanghai, as UTC epoch seconds.
JULY_FIRST = 1751299200


def in_memory(kwh: list[list[int]]) -> list[PortfolioAccount]:
    """Accounts of 48 hourly readings each (kWh × 1000), from 1 July 2025 in Shanghai."""
    return [
        PortfolioAccount(
            f"P-{i}",
            Account(account_id=f"P-{i}"),
            {},
            Readings("p", 3600, [JULY_FIRST + 3600 * h for h in range(48)], 3, values),
        )
        for i, values in enumerate(kwh)
    ]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    kwh=st.lists(st.lists(st.integers(0, 5000), min_size=48, max_size=48), min_size=1, max_size=3),
    flat=st.integers(30, 100),
    valley=st.integers(0, 30),
    peak=st.integers(0, 9999),
    places=st.sampled_from([2, 3, 4]),
    offset=st.integers(-500, 500),
)
def test_the_laws_of_a_design_hold_on_any_portfolio(
    kwh: list[list[int]], flat: int, valley: int, peak: int, places: int, offset: int
) -> None:
    peak_kwh = sum(
        (Decimal(v).scaleb(-3) for values in kwh for h, v in enumerate(values) if 8 <= h % 24 < 20),
        Decimal(0),
    )
    assume(peak_kwh > 0)  # else revenue does not move with the peak price (refused)
    accounts = in_memory(kwh)
    current = parse_tariff(flat_yaml("flat", f"0.{flat:02d}" if flat < 100 else "1.00"))
    written = format(Decimal(peak).scaleb(-4).quantize(Decimal(1).scaleb(-places)), "f")
    text = peak_valley_yaml("tou", written, f"0.{valley:02d}")
    document = parse_yaml(text, "tou.yaml")
    unknown = find_unknown(document, "charges[energy].prices.peak", places=4)

    def price_portfolio(tariff: Tariff) -> list[AccountOutcome]:
        return price_accounts(accounts, current, tariff, workers=1)

    def priced(table: str) -> Decimal:
        outcomes = price_portfolio(parse_tariff(table))
        return sum((o.proposed_total or Decimal(0) for o in outcomes), Decimal(0))

    neutral = design_tariff(text, document, unknown, price_portfolio)
    solution = neutral.solution
    # Re-pricing the solved table gives the revenue reported.
    assert priced(neutral.table) == solution.solved.revenue
    # The valley price is at most the flat one, so a peak price ≥ 0 reaches the target.
    assert solution.target == neutral.current_revenue
    # Nearest: no neighbour is nearer the target, and the residual is at most half a
    # step of revenue: one price step × the peak kWh, and a cent per peak line.
    for neighbour in (solution.below, solution.above):
        if neighbour is not None:
            assert abs(solution.difference) <= abs(neighbour.revenue - solution.target)
    lines = len(kwh)
    assert 2 * abs(solution.difference) <= unknown.step * peak_kwh + Decimal("0.01") * lines
    # The revenue of the written value gives back the written value.
    back = design_tariff(
        text, document, unknown, price_portfolio, target=solution.original.revenue
    ).solution
    assert back.solved.value == Decimal(written)
    # A higher target, a price no lower.
    other = solution.target + Decimal(offset).scaleb(-2)
    if other >= solution.trials[0].revenue:  # above the revenue at a peak price of 0
        moved = design_tariff(text, document, unknown, price_portfolio, target=other).solution
        if other > solution.target:
            assert moved.solved.value >= solution.solved.value
        else:
            assert moved.solved.value <= solution.solved.value


def unknown_between(value: str, low: str, high: str | None) -> Unknown:
    return Unknown(
        path="x",
        where="x",
        data_path=("x",),
        kind="tier bound",
        written=value,
        value=Decimal(value),
        places=0,
        low=Decimal(low),
        high=None if high is None else Decimal(high),
    )


def test_revenue_seen_not_to_be_monotone_is_refused() -> None:
    # Revenue rises from 10 at 1 to 30 at 50, and falls to 20 at 99: the three pricings
    # at the ends and at the written value already show it.
    def revenue_at(value: Decimal) -> Decimal:
        return Decimal(10) + value * Decimal("0.4") if value <= 50 else Decimal(50) - value / 3

    with pytest.raises(InputError, match="revenue is not monotone in the tier bound"):
        solve(unknown_between("50", "1", "99"), revenue_at, Decimal(15))


def test_a_solve_takes_a_bounded_number_of_pricings() -> None:
    priced: list[Decimal] = []

    def revenue_at(value: Decimal) -> Decimal:
        priced.append(value)
        return value.sqrt().quantize(Decimal("0.01"))  # concave, rising: no line of it

    found = solve(unknown_between("1", "1", None), revenue_at, Decimal("1000.00"))
    # 999.995² = 999 990.000025, so √999990 = 999.99499... → 999.99 and √999991 =
    # 999.99550... → 1000.00: of the exact hits (999 991 to 1 000 010), the one nearest
    # the written 1.
    assert found.solved.value == 999991 and found.exact
    assert found.pricings == len(priced) <= 80
    with pytest.raises(InputError, match="no answer after 10 pricings"):
        solve(unknown_between("1", "1", None), revenue_at, Decimal("1000.00"), max_pricings=10)


def test_of_equally_near_values_off_the_target_the_written_one_wins() -> None:
    # Revenue is a step: 100 up to 0.9 and 102 from 1.0; the written 1.5 gives 102 as
    # 1.0 does, and 101.5 is reached by neither: 102 is nearest (0.5 away, 100 is 1.5).
    def revenue_at(value: Decimal) -> Decimal:
        return Decimal(100) if value < 1 else Decimal(102)

    unknown = replace(unknown_between("1.5", "0", "3"), places=1)
    found = solve(unknown, revenue_at, Decimal("101.5"))
    assert (found.solved.value, found.solved.revenue) == (Decimal("1.5"), Decimal(102))
    # Below the written value's run, the nearest value of the lower run is its last.
    found = solve(replace(unknown, written="2.5", value=Decimal("2.5")), revenue_at, Decimal(100))
    assert found.solved.value == Decimal("0.9") and found.exact
    # And of a run above the written value, its first.
    low = replace(unknown, written="0.2", value=Decimal("0.2"))
    assert solve(low, revenue_at, Decimal("101.5")).solved.value == Decimal("1.0")


def test_a_short_path_of_a_code_two_charges_share_names_them() -> None:
    text = table_yaml(
        "two-energy",
        "    charges:\n"
        "      - {kind: energy, price_per_kwh: '0.50'}\n"
        "      - {kind: energy, price_per_kwh: '0.10'}\n",
    )
    with pytest.raises(InputError, match="2 charges are energy .* name one by its position"):
        find_unknown(parse_yaml(text, "two.yaml"), "energy.price_per_kwh")


def test_a_proposed_table_is_read_with_the_limits_of_every_table(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"id: bad\nname: \xff\n")
    argv = ["design", "--accounts", str(files["accounts"]), "--readings-dir",
            str(files["readings"]), "--current", "flat", "--tables", str(files["tables"]),
            "--proposed", str(bad), "--solve", "base_prices.flat",
            "--target", "neutral"]  # fmt: skip
    assert main(argv) == 1
    assert "bad.yaml:2:7: not a text file: byte 0xFF is not valid UTF-8" in capsys.readouterr().err
