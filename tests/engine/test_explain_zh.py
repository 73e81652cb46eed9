"""``tariffs explain --lang zh``: the reasons of each line written in Chinese from their facts.

Every reason the engine and the charges give is a `Reason` with a key and its facts; the
source is walked for every one of them (a reason without a key, or a key without a Chinese
text, fails), the examples' tables and the bundled ones are explained in Chinese with no
English word left outside the data, and a tier line and a demand line are checked by hand.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from test_explain import QUARTER, RATCHET, chinese_words

from tables import table_yaml
from tariffs import Account, Readings, parse_tariff
from tariffs.cli import main
from tariffs.engine.explain import Reason, explain
from tariffs.io.render import explain as render
from tariffs.io.render.labels import REASON_KEYS, reason_text

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "tariffs"
EXAMPLES = ROOT / "examples"
BUNDLED = sorted((SOURCE / "tariff_tables").rglob("*.yaml"))
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


# -- the source ---------------------------------------------------------------------------


def _reason_calls() -> list[tuple[str, object]]:
    """Every ``Reason(...)`` of the package: where, and its key (None: not a constant)."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Reason":
                key = node.args[1] if len(node.args) > 1 else None
                where = f"{path.relative_to(SOURCE)}:{node.lineno}"
                found.append((where, key.value if isinstance(key, ast.Constant) else None))
    return found


def _plain_reasons() -> list[str]:
    """Reasons written as a bare text: in ``words`` lists, or appended to ``words``."""
    plain = []
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values: list[ast.expr] = []
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Attribute) and func.attr in ("append", "extend"):
                    if getattr(func.value, "id", "") == "words":
                        values = list(node.args)
                for keyword in node.keywords:
                    if keyword.arg == "words":
                        values.append(keyword.value)
            elif isinstance(node, ast.Assign):
                target = node.targets[0]
                named = getattr(target, "id", None) == "words" or (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.slice, ast.Constant)
                    and target.slice.value == "words"
                )
                if named:
                    values = [node.value]
            elif isinstance(node, ast.Dict):
                values = [v for k, v in zip(node.keys, node.values, strict=True)
                          if isinstance(k, ast.Constant) and k.value == "words"]  # fmt: skip
            for value in values:
                items = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
                plain += [
                    f"{path.relative_to(SOURCE)}:{item.lineno}"
                    for item in items
                    if isinstance(item, ast.Constant | ast.JoinedStr | ast.BinOp)
                ]
    return plain


def test_every_reason_the_code_gives_has_a_key_and_a_chinese_text() -> None:
    calls = [(where, key) for where, key in _reason_calls() if not where.endswith("context.py")]
    assert len(calls) >= len(REASON_KEYS) >= 40
    assert [where for where, key in calls if key is None] == []
    assert {key for _, key in calls} == REASON_KEYS
    assert _plain_reasons() == []


def test_a_reason_is_its_english_text() -> None:
    reason = Reason("1.50 per day", "fixed_per", amount="1.50", per="day")
    assert reason == "1.50 per day" and json.dumps([reason]) == '["1.50 per day"]'
    assert reason_text(reason) == "1.50 per day" == reason_text(reason, "en")
    assert reason_text(reason, "zh") == "每天 1.50"
    assert reason_text("a plain text", "zh") == "a plain text"


# -- the examples and the bundled tables --------------------------------------------------


#: A factory at 10 kV billed by capacity, with interlocked transformers.
ACCOUNT_10KV = str(ROOT / "tests" / "data" / "explain" / "account-10kv.yaml")


def _run(*argv: str) -> list[str]:
    """``tariffs explain`` of files of examples/ (the other arguments as they are)."""
    return ["explain", *(str(EXAMPLES / a) if a.endswith((".csv", ".yaml")) and "/data/" not in a
                         else a for a in argv)]  # fmt: skip


#: The examples' tables, with the readings and accounts they are shown with: tiers with an
#: allowance, contract demand and its overrun and load-factor discount, capacity, power
#: factor, agency purchase prices from a price file, VAT, rounding per bill, hourly prices,
#: net metering and net billing, holidays, sub-meters, price classes, eligibility.
EXAMPLE_RUNS = {
    "two-part": _run("readings.csv", "--tariff", "cn-sh-industrial-two-part",
                     "--account", "account.yaml"),
    "capacity": _run("readings.csv", "--tariff", "example-capacity.yaml",
                     "--account", "capacity-account.yaml"),
    "agency": _run("agency/readings.csv", "--tariff", "agency/cn-agency-10kv.yaml",
                   "--account", "agency/account.yaml"),
    "agency-15th": _run("agency/readings.csv", "--tariff", "agency/cn-agency-10kv.yaml",
                        "--account", "agency/account-read-15th.yaml",
                        "--from", "2025-07-15", "--to", "2025-08-15"),
    "factory-month": _run("factory-month/main.csv", "--tariff",
                          "factory-month/factory-agency-10kv.yaml", "--account", ACCOUNT_10KV),
    "canteen-vat": _run("factory-month/canteen.csv", "--tariff",
                        "factory-month/canteen-commercial.yaml"),
    "rounding": _run("rounding/one-day.csv", "--tariff", "rounding/rounding-per-bill.yaml"),
    "rtp": _run("rtp/readings.csv", "--tariff", "rtp/rtp-day-ahead.yaml"),
    "net-billing": _run("solar-readings.csv", "--tariff", "solar-net-metering.yaml",
                        "--metering", "net_billing"),
    "net-metering": _run("solar-readings.csv", "--tariff", "solar-net-metering.yaml"),
    "holidays": _run("spring-festival-readings.csv", "--tariff", "cn-holiday-tou.yaml"),
    "submeter-main": _run("submeter/factory-main.csv", "--tariff",
                          "submeter/example-factory-10kv.yaml", "--account", ACCOUNT_10KV),
    "price-class": _run("readings.csv", "--tariff", "price-class/example-10kv-classes.yaml",
                        "--account", ACCOUNT_10KV),
    "eligibility": _run("readings.csv", "--tariff", "eligibility/household.yaml",
                        "--account", "eligibility/factory-account.yaml"),
    "household-tiers": _run("readings.csv", "--tariff", "cn-bj-residential",
                            "--account", "household-allowance.yaml"),
}  # fmt: skip

for _table in BUNDLED:
    for _account in ("account.yaml", "capacity-account.yaml", "household-allowance.yaml"):
        EXAMPLE_RUNS[f"{_table.stem}-{_account[:-5]}"] = _run(
            "readings.csv", "--tariff", _table.stem, "--account", _account
        )

#: The runs refused, in English as in Chinese: the two-part table has no suspension rule
#: for the capacity account, and the household account has no basic-charge method.
REFUSED = {"cn-sh-industrial-two-part-capacity-account",
           "cn-sh-industrial-two-part-household-allowance"}  # fmt: skip


@pytest.fixture
def reasons(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The reasons the explain renderer writes, with what it wrote for each."""
    seen: list[tuple[str, str]] = []

    def recording(reason: str, lang: str = "en") -> str:
        text = reason_text(reason, lang)
        seen.append((reason, text))
        return text

    monkeypatch.setattr(render, "reason_text", recording)
    return seen


@pytest.mark.parametrize("run", sorted(EXAMPLE_RUNS))
def test_the_examples_are_explained_in_chinese(
    run: str, reasons: list[tuple[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([*EXAMPLE_RUNS[run], "--lang", "zh"])
    out = capsys.readouterr().out
    assert code == (1 if run in REFUSED else 0), run
    if code:
        return
    assert reasons
    for reason, text in reasons:
        chinese_words(reason)
        assert f"    - {text}\n" in out
    keys = {getattr(reason, "key", None) for reason, _ in reasons}
    assert "amount_product" in keys or "amount_exact" in keys


def test_the_examples_cover_the_kinds_of_reason(
    reasons: list[tuple[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    for run in EXAMPLE_RUNS.values():
        main([*run, "--lang", "zh"])
    capsys.readouterr()
    keys = {getattr(reason, "key", None) for reason, _ in reasons}
    overrides = (o for reason, _ in reasons for o in getattr(reason, "params", {}).get(
        "overrides", ()))  # fmt: skip
    keys |= {getattr(override, "key", None) for override in overrides}
    # Tiers (with an allowance), demand, capacity, power factor, price files, rounding per
    # bill, interval prices, critical peak by override. (VAT on exclusive prices, ratchets
    # and the rest: tests/engine/test_explain.py, every reason of every explained bill.)
    assert {"tier_span", "tier_bounds", "tier_counted", "tier_share", "demand_window",
            "demand_method", "demand_floor", "contract_demand", "overrun_allowance",
            "capacity_method", "capacity_counted", "capacity_part", "power_factor",
            "power_factor_table", "price_file", "price_file_ratio", "rounding_line",
            "interval_prices", "period", "override", "all_intervals", "base", "share",
            "amount_product", "every_kwh"} <= keys  # fmt: skip


def test_json_in_chinese_changes_only_the_words(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [*EXAMPLE_RUNS["two-part"], "--format", "json"]
    assert main(argv) == 0
    english = json.loads(capsys.readouterr().out)
    assert main([*argv, "--lang", "zh"]) == 0
    chinese = json.loads(capsys.readouterr().out)
    assert chinese["total"] == english["total"]
    for en, zh in zip(english["bills"][0]["lines"], chinese["bills"][0]["lines"], strict=True):
        assert en.keys() == zh.keys()
        assert en["explanation"].keys() == zh["explanation"].keys()
        assert zh["explanation"]["facts"] == en["explanation"]["facts"]
        assert len(zh["explanation"]["because"]) == len(en["explanation"]["because"])
        assert zh["explanation"]["because"] != en["explanation"]["because"]
    assert chinese["bills"][0]["segments"] == english["bills"][0]["segments"]
    basic = next(x for x in chinese["bills"][0]["lines"] if x["code"] == "basic.demand")
    # The example's account: contract demand 600 kW, capacity 1250 kVA, floor 40 %.
    assert basic["explanation"]["because"][1:] == [
        "基本电费计收方式：按合同最大需量（用户 F-001）",
        "下限：容量 1250 千伏安的 40 % = 500 千瓦",
        "合同最大需量 600 千瓦，不低于下限 500 千瓦：600 千瓦",
        "超合同最大需量起算：600 千瓦的 105 % = 630 千瓦；实际 623.840 千瓦，未超过",
        "600 千瓦 × 40.80 = 24480.00 元",
    ]


# -- by hand ------------------------------------------------------------------------------


def test_a_tier_line_in_chinese() -> None:
    # June 2025, 1 kWh an hour: 720 kWh. Monthly bounds 200 and 400 kWh: tier 2 holds the
    # 200 kWh from 200 to 400, at 0.6 CNY: 200.000 kWh × 0.6000 = 120.0000000 CNY, which is
    # 120.00 already (nothing to round).
    body = """\
    charges:
      - kind: energy
        tiers: {reset: monthly, bounds_kwh: [200, 400]}
        price_per_kwh: ["0.5000", "0.6000", "0.8000"]
"""
    tariff = parse_tariff(table_yaml("tiers-zh", body))
    first = int(dt.datetime(2025, 6, 1, tzinfo=SHANGHAI).timestamp())
    readings = Readings("june.csv", 3600, [first + 3600 * n for n in range(720)], 3,
                        [1000] * 720)  # fmt: skip
    (bill,) = explain(tariff, readings)
    tier2 = bill.lines[1]
    assert tier2.line.code == "energy.tier2" and tier2.line.amount == Decimal("120.00")
    assert [reason_text(r, "zh") for r in tier2.because] == [
        "全部时段：720 个间隔，读数 720.000 千瓦时（2025-06-01 至 2025-06-30）",
        "第二档：每月 200 至 400 千瓦时",
        "本期 720.000 千瓦时：其中 200 千瓦时计入第二档",
        "200.000 千瓦时 × 0.6000 = 120.0000000 元",
    ]
    assert reason_text(tier2.because[1]) == "tier 2 is 200 to 400 kWh per month"


def test_a_ratcheted_demand_line_in_chinese() -> None:
    # June: 80 % × 900 kW (May, from the history) = 720 kW, above June's measured maximum
    # and the 50 kW minimum: 720 kW × 10 = 7200 CNY.
    tariff = parse_tariff(RATCHET, "ratchet.yaml")
    account = Account(account_id="R", demand_history_kw={"2025-05": 900})
    june = explain(tariff, QUARTER, account)[0].lines[1]
    # The measured maximum, from the readings: the largest sum of two consecutive
    # 15-minute intervals of June (a 30-minute sliding window), × 60 / 30.
    june_end = int(dt.datetime(2025, 7, 1, tzinfo=SHANGHAI).timestamp())
    pairs = zip(QUARTER.starts, QUARTER.kwh, strict=True)
    in_june = [kwh for start, kwh in pairs if start < june_end]
    window = max(a + b for a, b in zip(in_june, in_june[1:], strict=False))
    by_hand = Decimal(window).scaleb(-QUARTER.scale) * 2
    assert june.facts["measured_kw"] == by_hand < 720
    measured = f"{june.facts['measured_kw']:f}"
    demand = june.facts["demand"]
    chinese = [reason_text(r, "zh") for r in june.because]
    assert chinese[0] == (
        f"最大需量 {measured} 千瓦，按 30 分钟滑差需量周期，出现在自 "
        f"{demand.start:%Y-%m-%dT%H:%M} 起的周期（2 个间隔，{demand.window_kwh:f} 千瓦时 "
        "× 60 / 30）"
    )
    assert chinese[1:] == [
        f"需量棘轮：80 % × 900 千瓦（此前 11 个月的最高值）= 720 千瓦，最低计费需量 50 千瓦；"
        f"实际 {measured} 千瓦；按棘轮需量 720 千瓦计收",
        "720 千瓦 × 10 = 7200 元",
    ]


EVERY_KIND = table_yaml(
    "every-kind",
    """\
    demand_window: {minutes: 30, sliding: false}
    charges:
      - kind: energy
        tiers: {bounds_kwh: ["4000"], method: chronological}
        price_per_kwh: ["0.5", "0.6"]
      - {kind: demand, code: demand.flat, price_per_kw: ["10", "8"], tiers_kw: ["100"],
         minimum_kw: 50}
      - {kind: fixed, code: fixed.daily, amount: "0.25", per: day}
      - {kind: reactive, price_per_kvarh: "0.02", free_kvarh_per_kwh: "0.1"}
      - {kind: export_credit, price_per_kwh: "0.2"}
      - {kind: tax, percent: "5", applies_to: [energy]}
      - {kind: minimum, amount: "200000", per: month}
""",
)


def test_the_charges_reasons_are_in_chinese() -> None:
    # Chronological tiers, demand tiers with a minimum, a daily fixed charge, reactive
    # energy above its free share, an export credit, a tax on the energy lines, a minimum.
    tariff = parse_tariff(EVERY_KIND, "every-kind.yaml")
    keys = set()
    for bill in explain(tariff, QUARTER):
        for item in bill.lines:
            for reason in item.because:
                chinese_words(reason)
                keys.add(getattr(reason, "key", None))
    assert {"tiers_in_time_order", "demand_tier", "minimum_kw", "fixed_per", "fixed_days",
            "reactive_free", "export_credited", "percent_of", "minimum",
            "amount_count"} <= keys  # fmt: skip
    june = explain(tariff, QUARTER)[0]
    daily = next(item for item in june.lines if item.line.code == "fixed.daily")
    # 30 days of June at 0.25 a day: 0.25 × 30 = 7.50.
    assert [reason_text(r, "zh") for r in daily.because] == [
        "每天 0.25",
        "用电 30 天",
        "0.25 × 30 天 = 7.50 元",
    ]


def test_the_docs_explanation_in_chinese_is_the_real_output(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = (ROOT / "docs" / "explain.md").read_text(encoding="utf-8")
    block = text.split("## In Chinese", 1)[1].split("```", 2)[1].strip("\n").split("\n")
    command, shown = block[0], block[1:]
    assert command.startswith("$ tariffs explain ")
    argv = [str(ROOT / a) if a.startswith("examples/") else a for a in command.split()[2:]]
    assert main(argv) == 0
    out = capsys.readouterr().out.split("\n")
    assert len(shown) == 10 and all(row in out for row in shown)


def _hours(start: dt.date, days: int) -> Readings:
    """1 kWh an hour from ``start`` (Asia/Shanghai), ``days`` days."""
    first = int(dt.datetime(start.year, start.month, start.day, tzinfo=SHANGHAI).timestamp())
    count = 24 * days
    return Readings("hours.csv", 3600, [first + 3600 * n for n in range(count)], 3,
                    [1000] * count)  # fmt: skip


def test_hourly_prices_and_an_annual_minimum_in_chinese() -> None:
    # Hourly prices: 24 hours of July 1, each 1.000 kWh × (0.5 + 0.01) = 0.51000 CNY:
    # 12.24000 CNY in all, which is 12.24 already (nothing to round).
    hourly = parse_tariff(table_yaml("hourly-zh", (
        "    charges:\n      - kind: dynamic_energy\n        adder_per_kwh: \"0.01\"\n"
        "        hourly_prices_per_kwh: [" + ", ".join(["0.5"] * 8760) + "]\n"
    )))  # fmt: skip
    (bill,) = explain(hourly, _hours(dt.date(2025, 7, 1), 1))
    assert [reason_text(r, "zh") for r in bill.lines[0].because[1:]] == [
        "24 个当地整点小时，每小时电量 × （该小时电价 + 加价 0.01）",
        "精确金额 12.24000 元",
    ]
    # December 2025, the last bill of the year: 744 kWh × 0.1 = 74.40 CNY; the annual
    # minimum of 1200 for 31 of 365 days is 1200 × 31 / 365 = 101.9178… → 101.92, and
    # 101.92 - 74.40 = 27.52 is made up.
    annual = parse_tariff(table_yaml("annual-zh", (
        '    charges:\n      - {kind: energy, price_per_kwh: "0.1"}\n'
        '      - {kind: minimum, amount: "1200", per: year}\n'
    )))  # fmt: skip
    (bill,) = explain(annual, _hours(dt.date(2025, 12, 1), 31))
    minimum = bill.lines[-1]
    assert minimum.line.amount == Decimal("27.52")
    assert reason_text(minimum.because[0], "zh") == (
        "年最低电费 101.92（1200 × 31 / 365 天）减 2025 年已计 74.40 = 补足 27.52"
    )
