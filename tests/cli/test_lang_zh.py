"""``--lang zh`` on the commands that print bills or their words: compare, portfolio, correct.

Headers, titles, units, line labels, line kinds and the settlement are in Chinese; the
numbers are those of the English output, digit for digit; JSON keys and CSV columns stay.
What stays as written is data: tariff ids, codes, account ids, grouping columns and
their values.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from tariffs.cli import main
from tariffs.io.render.labels import has_latin, header
from tariffs.model.readings import Readings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
NUMBER = re.compile(r"[+-]?[0-9][0-9,]*(?:\.[0-9]+)?")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def numbers(text: str) -> list[str]:
    return NUMBER.findall(text)


def words(text: str, *data: str) -> str:
    """The text less its data (ids, codes, dates, numbers)."""
    text = re.sub(r"\b[a-z_]+\.[a-z_.0-9]+\b", "", text)  # line codes
    for item in sorted(data, key=len, reverse=True):
        text = text.replace(item, "")
    return NUMBER.sub("", text)


COMPARE = [
    "compare", str(EXAMPLES / "readings.csv"), "--tariff", "cn-sh-industrial-two-part",
    "--tariff", "cn-gd-commercial-tou", "--current", "cn-sh-industrial-two-part",
    "--account", str(EXAMPLES / "account.yaml"),
]  # fmt: skip


def test_compare_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    english = run(capsys, *COMPARE)
    chinese = run(capsys, *COMPARE, "--lang", "zh")
    assert numbers(chinese) == numbers(english)
    lines = chinese.splitlines()
    assert lines[0].split() == [
        "排名", "电价", "电费合计（元）", "电量（千瓦时）", "平均电价（元/千瓦时）", "节省（元）",
        "节省", "%",
    ]  # fmt: skip
    assert "按费用类别（元）" in lines
    assert lines[lines.index("按费用类别（元）") + 1].split() == [
        "电价", "电量电费", "需量电费", "力调电费", "政府性基金及附加",
    ]  # fmt: skip
    # 279532.99 − 252632.99 = 26,900.00 over the 31 days of July; 26900 / 279532.99 = 9.6 %;
    # mostly from the demand charges, as the English says ("mostly from demand charges").
    assert english.splitlines()[-1].endswith(", mostly from demand charges")
    assert lines[-1] == (
        "建议：cn-gd-commercial-tou 较 cn-sh-industrial-two-part 节省 26,900.00 元"
        "（31 天，9.6 %；账单不足一年，不折算全年），主要来自需量电费"
    )
    assert not has_latin(words(chinese, "cn-sh-industrial-two-part", "cn-gd-commercial-tou"))


def test_compare_json_in_chinese_keeps_its_keys(capsys: pytest.CaptureFixture[str]) -> None:
    english = json.loads(run(capsys, *COMPARE, "--format", "json"))
    chinese = json.loads(run(capsys, *COMPARE, "--format", "json", "--lang", "zh"))
    assert chinese.keys() == english.keys()
    assert chinese["results"][0].keys() == english["results"][0].keys()
    bill = chinese["results"][1]["bills"][0]
    assert [line["label"] for line in bill["lines"]][:2] == ["峰电量电费", "平电量电费"]
    assert chinese["recommendation"]["text"].startswith("cn-gd-commercial-tou 较 ")
    for ours, theirs in zip(chinese["results"], english["results"], strict=True):
        assert (ours["total"], ours["by_kind"]) == (theirs["total"], theirs["by_kind"])


def test_compare_names_an_ineligible_tariff_in_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["compare", str(EXAMPLES / "readings.csv"), "--tariff",
            str(EXAMPLES / "eligibility" / "household.yaml"), "--tariff",
            "cn-sh-industrial-two-part", "--account",
            str(EXAMPLES / "eligibility" / "factory-account.yaml"), "--lang", "zh"]  # fmt: skip
    chinese = run(capsys, *argv)
    assert (
        "不符合执行范围：household：用电类别 industrial 不在 residential 之列"
        "（residential prices are for households only）"
    ) in chinese.splitlines()


PORTFOLIO = [
    "portfolio", "--accounts", str(EXAMPLES / "portfolio" / "accounts.csv"),
    "--readings-dir", str(EXAMPLES / "portfolio" / "readings"), "--tables",
    str(EXAMPLES / "portfolio" / "tariffs"), "--current", "cn-sh-residential", "--proposed",
    "cn-sh-residential-tou",
]  # fmt: skip


def test_portfolio_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    english = run(capsys, *PORTFOLIO)
    chinese = run(capsys, *PORTFOLIO, "--lang", "zh")
    # The percentile rows are named 5%分位 ... in Chinese, p5 ... in English.
    assert numbers(chinese) == numbers(english.replace("\np", "\n"))
    lines = chinese.splitlines()
    assert lines[1] == "电费收入：现行 7261.43，调整后 6297.04，变化 -964.39（-13.3 %）"
    assert lines[lines.index("按 class") + 1].split() == [
        "class", "户数", "电量（千瓦时）", "现行（元）", "调整后（元）", "变化（元）", "变化", "%",
        "现行电价（元/千瓦时）", "调整后电价（元/千瓦时）",
    ]  # fmt: skip
    assert "电费变化：0 户增加，6 户减少，0 户不变" in lines
    data = ["cn-sh-residential-tou", "cn-sh-residential", "class", "district",
            "agricultural", "commercial-flat", "commercial", "residential", "north", "south",
            "R-", "C-", "A-", "F-", "energy"]  # lines moved most: codes  # fmt: skip
    assert not has_latin(words(chinese, *data)), chinese


def test_a_migrated_portfolio_names_its_tariffs_in_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    migration = str(EXAMPLES / "portfolio" / "migration.csv")
    migrate = [*PORTFOLIO[:7], "--current", "cn-sh-residential", "--migrate", migration]
    migrate.extend(["--lang", "zh"])
    first = run(capsys, *migrate).splitlines()[0]
    assert first.startswith("电价调整测算：5 户已计价，0 户失败；按户现行电价 -> 迁移 ")
    assert "per account" not in first and "migration " not in first  # the file keeps its name


CORRECT = [
    "correct", str(EXAMPLES / "correction" / "issued.json"),
    str(EXAMPLES / "correction" / "readings.csv"), "--tariff", "cn-sh-industrial-two-part",
    "--account", str(EXAMPLES / "correction" / "account.yaml"),
]  # fmt: skip


def test_correct_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    english = run(capsys, *CORRECT)
    chinese = run(capsys, *CORRECT, "--lang", "zh")

    # The quantities and amounts of each line (the numbers that end each row) are the English ones.
    def columns(text: str) -> dict[str, list[str]]:
        found = {}
        for row in text.splitlines()[3:-1]:
            cells = row.split()
            trailing: list[str] = []
            while cells and NUMBER.fullmatch(cells[-1]):
                trailing.insert(0, cells.pop())
            if trailing:
                found[cells[0]] = trailing
        return found

    assert columns(chinese) == columns(english)
    assert len(columns(chinese)) == 11  # 10 lines and the total
    lines = chinese.splitlines()
    assert lines[0] == (
        "退补电费 cn-sh-industrial-two-part  2025-07-01 至 2025-08-01（不含 2025-08-01）"
        "  户号 F-001"
    )
    assert lines[1].split()[:3] == ["代码", "项目", "单位"]
    assert lines[-1] == "应补收电费：299010.40 元"
    data = ("cn-sh-industrial-two-part", "F-001", "total", "power_factor")  # ids and codes
    assert not has_latin(words(chinese, *data))
    document = json.loads(run(capsys, *CORRECT, "--format", "json", "--lang", "zh"))
    (correction,) = document["corrections"]
    assert correction["lines"][0]["label"] == "峰电量电费"
    assert correction["settlement"] == "collect"  # a machine word, as in English
    rows = run(capsys, *CORRECT, "--format", "csv", "--lang", "zh").splitlines()
    assert rows[-1].split(",")[6] == "应补收电费：299010.40 元"


def hourly_year(first: str, days: int) -> Readings:
    start = int(dt.datetime.fromisoformat(f"{first}T00:00+08:00").timestamp())
    starts = list(range(start, start + days * 86400, 3600))
    return Readings("year.csv", 3600, starts, 3, [1000] * len(starts))


@pytest.mark.parametrize(
    ("first", "failed", "expected"),
    [
        # 2025: 8760 kWh × (0.60 - 0.50) = 876.00 a year, 876.00 / 5256.00 = 16.7 %.
        ("2025-01-01", False, "a 较 b 节省 876.00 元/年（16.7 %）"),
        # 365 days of the leap year 2028 are not a year of bills: extrapolated × 365 / 365.
        ("2028-01-01", False, "a 较 b 节省 876.00 元（365 天，16.7 %；按此折算约 876.00 元/年）"),
        # The current tariff cannot be priced: the cheapest, and no savings.
        (
            "2025-01-01",
            True,
            "a 是所计价的 1 种电价中最便宜的：4,380.00 元；现行电价 b 无法计价，不给出节省额",
        ),
    ],
)
def test_the_chinese_advice_says_what_the_english_says(
    first: str, failed: bool, expected: str
) -> None:
    from tables import flat_yaml
    from tariffs.io.render.comparison import comparison_to_table
    from tariffs.io.tables import parse_tariff
    from tariffs.whatif.compare import compare_tariffs

    current = flat_yaml("b", "0.60")
    if failed:  # a power-factor adjustment, and readings without kvarh
        current += '      - {kind: power_factor, table: "1983-0.90", applies_to: [energy]}\n'

    tariffs = [parse_tariff(flat_yaml("a", "0.50")), parse_tariff(current)]
    comparison = compare_tariffs(tariffs, hourly_year(first, 365), current="b", annualise=True)
    assert (comparison.failed != ()) == failed
    assert expected in comparison_to_table(comparison, (), "zh")


def july_hours() -> Readings:
    """1 kWh in every hour of July 2025: 744 kWh, 372 in 08-20 and 372 in 20-08."""
    return hourly_year("2025-07-01", 31)


def _facts(text: str) -> list[str]:
    """The numbers and tariff ids of an advice, in order."""
    return re.findall(r"[0-9][0-9,]*(?:\.[0-9]+)?|\b[a-z]+(?:-[a-z]+)*\b", text)


@pytest.mark.parametrize(
    ("tables", "current", "english", "chinese", "english_facts", "chinese_facts"),
    [
        # A tie: 744 kWh × 0.50 = 372.00 under each of a, b and c.
        (
            [("a", "0.50"), ("b", "0.50"), ("c", "0.50")],
            "b",
            "stay on b: no tariff priced costs less (a, c cost(s) the same)",
            "维持 b：没有更便宜的电价（a、c 电费相同）",
            ["b", "a", "c"],
            ["b", "a", "c"],
        ),
        # A line both bill: valley 372 kWh × (0.2 − 0.1) = 37.20 less; 37.20 / 446.40
        # (372 × 1.0 + 372 × 0.2) = 8.33 % → 8.3 %, over the 31 days of July.
        (
            [("tou", "1.0/0.2"), ("tou-b", "1.0/0.1")],
            "tou",
            "tou-b saves 37.20 CNY over 31 days (8.3 %; not a year of bills, so no annual "
            "figure), mostly from valley energy",
            "tou-b 较 tou 节省 37.20 元（31 天，8.3 %；账单不足一年，不折算全年），"
            "主要来自谷电量电费",
            ["tou-b", "37.20", "31", "8.3"],
            ["tou-b", "tou", "37.20", "31", "8.3"],
        ),
        # A line kind: the codes differ (energy against energy.peak, energy.valley);
        # 446.40 − 744 × 0.50 = 74.40 less, 74.40 / 446.40 = 16.67 % → 16.7 %.
        (
            [("tou", "1.0/0.2"), ("flat", "0.50")],
            "tou",
            "flat saves 74.40 CNY over 31 days (16.7 %; not a year of bills, so no annual "
            "figure), mostly from energy charges",
            "flat 较 tou 节省 74.40 元（31 天，16.7 %；账单不足一年，不折算全年），"
            "主要来自电量电费",
            ["flat", "74.40", "31", "16.7"],
            ["flat", "tou", "74.40", "31", "16.7"],
        ),
    ],
)
def test_the_chinese_advice_has_the_ties_and_the_main_source_of_the_english(
    tables: list[tuple[str, str]],
    current: str,
    english: str,
    chinese: str,
    english_facts: list[str],
    chinese_facts: list[str],
) -> None:
    from tables import flat_yaml, peak_valley_yaml
    from tariffs.io.render.comparison import comparison_to_json, comparison_to_table
    from tariffs.io.tables import parse_tariff
    from tariffs.whatif.compare import compare_tariffs

    tariffs = [
        parse_tariff(peak_valley_yaml(name, *price.split("/")) if "/" in price
                     else flat_yaml(name, price))
        for name, price in tables
    ]  # fmt: skip
    comparison = compare_tariffs(tariffs, july_hours(), current=current)
    assert header("recommendation", text=english) in comparison_to_table(comparison, ())
    assert header("recommendation", "zh", text=chinese) in comparison_to_table(comparison, (), "zh")
    assert json.loads(comparison_to_json(comparison, lang="zh"))["recommendation"]["text"] == (
        chinese
    )
    # The same ids and numbers in both (the Chinese names the current tariff it saves
    # against too): the Chinese has them in this order and no other.
    for fact in english_facts:
        assert re.search(rf"(?<![\w.-]){re.escape(fact)}(?![\w-])", english), fact
    assert set(english_facts) <= set(chinese_facts) <= {*english_facts, current}
    assert _facts(chinese) == chinese_facts
