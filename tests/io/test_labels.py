"""Bills in Chinese (``lang="zh"``, ``--lang zh``): labels, headers, units, alignment.

The Chinese words are those of docs/glossary.md. English output is pinned byte for byte
by tests/test_snapshots.py; here the Chinese table of the two-part industrial example is
checked row by row, every line of every bundled table is checked to have a Chinese label,
and every code the engine writes by default is checked to have one too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tariffs import Account, Readings, load_account, load_tariff, price, read_readings_csv
from tariffs.cli import main
from tariffs.io.render.bills import bills_to_csv, bills_to_json, bills_to_table
from tariffs.io.render.labels import chinese_label, has_latin, line_label, unit_label
from tariffs.io.render.text import display_width
from tariffs.model.bill import Line

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SNAPSHOTS = ROOT / "tests" / "data" / "snapshots"
TABLES = ROOT / "src" / "tariffs" / "tariff_tables" / "cn"


def _example_bills(lang: str = "en") -> str:
    tariff = load_tariff("cn-sh-industrial-two-part")
    readings = read_readings_csv(EXAMPLES / "readings.csv", tariff.timezone)
    bills = price(tariff, readings, load_account(EXAMPLES / "account.yaml"))
    return bills_to_table(bills, lang)


def _cells(row: str, spans: list[tuple[int, int]]) -> list[str]:
    """The cells of a row read by display column: what lies in each span of the rule.

    The gaps between spans must hold only spaces, so a cell that spills out of its column
    (a wide character counted as one column) fails.
    """
    columns: list[str] = []
    for char in row:
        columns.append(char)
        if display_width(char) == 2:
            columns.append("")  # the second column of a wide character
    end = spans[-1][1]
    columns += [" "] * (end - len(columns))
    assert len(columns) == end, row
    for (_, stop), (start, _) in zip(spans, spans[1:], strict=False):
        assert "".join(columns[stop:start]).strip() == "", f"a cell spills into a gap: {row}"
    return ["".join(columns[start:stop]).strip() for start, stop in spans]


def test_chinese_table_of_the_two_part_example_is_aligned_by_display_width() -> None:
    text = _example_bills("zh")
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == (
        "cn-sh-industrial-two-part  2025-07-01 至 2025-08-01（不含 2025-08-01）  户号 F-001"
    )
    rule = lines[2]
    assert lines[-2] == rule  # the rule before the total
    spans = []
    start = None
    for index, char in enumerate(rule + " "):
        if char == "-" and start is None:
            start = index
        elif char != "-" and start is not None:
            spans.append((start, index))
            start = None
    rows = [_cells(line, spans) for line in lines[1:2] + lines[3:-2] + lines[-1:]]
    # The numbers are those of the English snapshot (example-table.txt); the words are the
    # glossary's: 尖峰/峰/平/谷 电量电费, 基本电费（按合同最大需量）, 可再生能源电价附加, 力调电费.
    assert rows == [
        ["代码", "项目", "数量", "单位", "单价", "金额（元）"],
        ["energy.peak", "峰电量电费", "137250.410", "千瓦时", "0.9920", "136152.41"],
        ["energy.flat", "平电量电费", "85668.790", "千瓦时", "0.6200", "53114.65"],
        ["energy.valley", "谷电量电费", "67329.190", "千瓦时", "0.2480", "16697.64"],
        ["energy.critical_peak", "尖峰电量电费", "34019.940", "千瓦时", "1.1904", "40497.34"],
        ["basic.demand", "基本电费（按合同最大需量）", "600", "千瓦", "40.80", "24480.00"],
        ["fund.renewable", "可再生能源电价附加", "324268.330", "千瓦时", "0.0190", "6161.10"],
        ["fund.other", "其他政府性基金及附加", "324268.330", "千瓦时", "0.0100", "3242.68"],
        [
            "power_factor",
            "力调电费（功率因数 0.92，考核标准 0.90：-0.30 %）",
            "270942.04",
            "元",
            "-0.003",
            "-812.83",
        ],
        ["total", "合计", "324268.330", "千瓦时", "", "279532.99"],
    ]
    # Numbers align right: every amount ends at the right edge of its column.
    amount_end = spans[5][1]
    for line in lines[3:-2] + lines[-1:]:
        assert sum(display_width(char) for char in line) == amount_end


def test_english_is_the_default_and_unchanged() -> None:
    english = _example_bills()
    snapshot = (SNAPSHOTS / "example-table.txt").read_text(encoding="utf-8")
    assert snapshot.startswith(english)
    assert _example_bills("en") == english


def _year_readings() -> Readings:
    """15-minute readings of 2025 (Asia/Shanghai): 7.5 kWh and 3.0 kvarh each.

    30 kWh an hour × 24 h × 31 days = 22320 kWh a month: past every residential tier bound.
    """
    first = int(dt.datetime(2025, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp())
    count = 365 * 96
    return Readings(
        "year.csv", 900, [first + 900 * n for n in range(count)], 1, [75] * count, [30] * count
    )


_ACCOUNTS = {
    method: Account.model_validate(
        {
            "account_id": f"F-{method}",
            "capacity_kva": 1250,
            "contract_demand_kw": 600,
            "basic_charge_method": method,
        }
    )
    for method in ("capacity", "contract_demand", "actual_demand")
}


@pytest.mark.parametrize("path", sorted(TABLES.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_line_of_every_bundled_table_has_a_chinese_label(path: Path) -> None:
    tariff = load_tariff(path)
    readings = _year_readings()
    seen = set()
    for account in _ACCOUNTS.values():
        for bill in price(tariff, readings, account):
            for line in bill.lines:
                label = line_label(line, "zh")
                assert not has_latin(label), (line.code, label)
                assert unit_label(line.unit, "zh") is None or not has_latin(
                    unit_label(line.unit, "zh") or ""
                ), line.unit
                seen.add(line.code)
    assert seen  # the table priced something


def _documents(text: str) -> list[object]:
    """The JSON of a snapshot's output: one document, or one a line (JSON lines)."""
    try:
        return [json.loads(text)]
    except json.JSONDecodeError:
        pass
    found = []
    for row in text.split("\n"):
        try:
            found.append(json.loads(row))
        except json.JSONDecodeError:
            continue
    return found


def _lines_in(value: object) -> list[Line]:
    """Every bill line of a JSON value, however deep (bills, results, accounts)."""
    if isinstance(value, list):
        return [line for item in value for line in _lines_in(item)]
    if not isinstance(value, dict):
        return []
    found = []
    if isinstance(value.get("lines"), list):
        for item in value["lines"]:
            found.append(Line(item["kind"], item["code"], item["label"], None, item["unit"],
                              None, Decimal(0)))  # fmt: skip
    for key, item in value.items():
        if key != "lines":
            found.extend(_lines_in(item))
    return found


def _snapshot_lines() -> list[Line]:
    """The lines of every JSON bill stored in the snapshots (the golden outputs)."""
    found: dict[tuple[str, str, str | None], Line] = {}
    for path in sorted(SNAPSHOTS.glob("*.txt")):
        output = path.read_text(encoding="utf-8").split("--- stderr")[0]
        for line in _lines_in(_documents(output)):
            found[(line.kind, line.code, line.unit)] = line
    return list(found.values())


def test_every_line_of_the_golden_snapshots_has_a_chinese_label() -> None:
    lines = _snapshot_lines()
    assert len(lines) >= 10
    for line in lines:
        label = chinese_label(line)
        assert label is not None and not has_latin(label), (line.code, label)


def _line(kind: str, code: str, unit: str | None = "kWh", **terms: str) -> Line:
    return Line(kind, code, "English", Decimal(1), unit, Decimal(1), Decimal(1),
                tuple(terms.items()))  # fmt: skip


@pytest.mark.parametrize(
    ("line", "chinese"),
    [
        (_line("energy", "energy"), "电量电费"),
        (_line("energy", "energy.tier2"), "第二档电量电费"),
        (_line("energy", "energy.peak.tier3"), "第三档峰电量电费"),
        (_line("energy", "energy.wet.deep_valley"), "丰水期深谷电量电费"),
        (_line("energy", "energy.tier2", increment="yes"), "第二档递增电价电费"),
        (_line("energy", "energy.dynamic", prices="hourly"), "电量电费（实时电价）"),
        (_line("capacity", "basic.capacity", "kVA"), "基本电费（按容量）"),
        (_line("capacity", "basic.suspended", "kVA"), "基本电费（暂停容量）"),
        (_line("capacity", "basic.reduced", "kVA"), "基本电费（减容容量）"),
        (
            _line("demand", "basic.demand", "kW", method="actual_demand"),
            "基本电费（按实际最大需量）",
        ),
        (_line("demand", "basic.demand", "kW"), "基本电费（按需量）"),
        (_line("demand", "basic.overrun", "kW"), "基本电费（超合同最大需量部分）"),
        (_line("discount", "basic.load_factor_discount", "CNY"), "基本电费负荷率优惠"),
        (_line("demand", "demand"), "需量电费"),
        (_line("demand", "demand.peak.tier2", "kW"), "峰需量电费（第二档）"),
        (_line("demand", "demand.d1", "kW"), "时段1需量电费"),
        (_line("energy", "energy.p0.tier2"), "第二档时段0电量电费"),
        (_line("power_factor", "reactive", "kvarh"), "无功电量电费"),
        (_line("power_factor", "reactive", "kvar"), "无功需量电费"),
        (_line("surcharge", "fund.water"), "政府性基金及附加"),
        (_line("surcharge", "surcharge"), "附加费"),
        (_line("fixed", "fixed", "month"), "固定费用"),
        (_line("tax", "tax", "CNY"), "税费"),
        (_line("tax", "vat", "CNY"), "增值税"),
        (_line("discount", "discount", "CNY"), "优惠"),
        (_line("minimum", "minimum", None), "最低电费补足"),
        (_line("adjustment", "rounding", None), "尾差调整"),
        (_line("export_credit", "export_credit"), "上网电费"),
        (_line("export_credit", "net_metering.exported.peak"), "上网电量抵扣（峰）"),
        (_line("export_credit", "net_metering.credit_out.flat"), "结转下期电量（平）"),
        (_line("export_credit", "net_billing.export.valley"), "上网电费（谷）"),
        (_line("export_credit", "buy_all_sell_all.sold.all"), "全额上网电费"),
        (_line("adjustment", "net_billing.credit_in", "CNY"), "上期结转抵扣"),
    ],
    ids=lambda value: value.code if isinstance(value, Line) else "",
)
def test_each_default_code_of_the_engine_has_its_glossary_term(line: Line, chinese: str) -> None:
    assert line_label(line, "zh") == chinese
    assert line_label(line, "en") == "English"


def test_a_table_label_in_chinese_is_kept_and_an_unknown_code_keeps_english() -> None:
    written = dataclasses.replace(_line("surcharge", "fund.renewable"), label="可再生能源附加")
    assert line_label(written, "zh") == "可再生能源附加"
    unknown = dataclasses.replace(_line("energy", "energy.shoulder"), label="Shoulder energy")
    assert chinese_label(unknown) is None
    assert line_label(unknown, "zh") == "Shoulder energy"
    with pytest.raises(ValueError, match="'fr' is not one of en, zh"):
        line_label(unknown, "fr")


def test_terms_do_not_change_what_a_line_equals() -> None:
    plain = _line("demand", "basic.demand", "kW")
    assert dataclasses.replace(plain, terms=(("method", "capacity"),)) == plain


def test_json_and_csv_change_only_the_labels(capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "price", str(EXAMPLES / "readings.csv"), "--tariff", "cn-sh-industrial-two-part",
        "--account", str(EXAMPLES / "account.yaml"), "--format", "json",
    ]  # fmt: skip
    assert main(args) == 0
    english = json.loads(capsys.readouterr().out)
    assert main([*args, "--lang", "zh"]) == 0
    chinese = json.loads(capsys.readouterr().out)
    labels = [line.pop("label") for line in chinese["bills"][0]["lines"]]
    for line in english["bills"][0]["lines"]:
        line.pop("label")
    assert chinese == english  # keys, codes, kinds, units and numbers unchanged
    assert labels[:2] == ["峰电量电费", "平电量电费"]
    assert main([*args[:-1], "csv", "--lang", "zh"]) == 0
    rows = capsys.readouterr().out.split("\n")
    assert rows[0].startswith("account_id,tariff,currency,")
    assert rows[5].endswith(",basic.demand,基本电费（按合同最大需量）,600,kW,40.80,24480.00")
    assert ",total,total,合计,324268.330,kWh,,279532.99" in rows[9]


def test_explain_speaks_chinese_in_its_table(capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "explain", str(EXAMPLES / "readings.csv"), "--tariff", "cn-sh-industrial-two-part",
        "--account", str(EXAMPLES / "account.yaml"), "--lang", "zh",
    ]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "代码" in out and "峰电量电费" in out and "Peak energy" not in out


def test_library_renderers_take_the_language() -> None:
    tariff = load_tariff("cn-sh-industrial-two-part")
    bills = price(tariff, _year_readings(), _ACCOUNTS["capacity"], end=dt.date(2025, 3, 1))
    table = bills_to_table(bills, lang="zh")
    # Two bills, January and February: 30 kWh × 24 h × (31 + 28) days = 42480 kWh in all.
    assert "2 张账单合计：" in table and table.endswith(" 元\n")
    assert "基本电费（按容量）" in table
    assert "基本电费（按容量）" in bills_to_csv(bills, "zh")
    assert "基本电费（按容量）" in bills_to_json(bills, "zh")
    assert bills_to_table(bills) == bills_to_table(bills, "en")


def test_the_docs_bill_in_chinese_is_the_real_output(capsys: pytest.CaptureFixture[str]) -> None:
    guide = (ROOT / "docs" / "command-line.md").read_text(encoding="utf-8")
    section = guide.split("## Output in Chinese", 1)[1]
    block = section.split("```\n", 2)[1]
    command, shown = block.split("\n", 1)
    assert command == (
        "$ tariffs price examples/readings.csv --tariff cn-sh-industrial-two-part "
        "--account examples/account.yaml --lang zh"
    )
    assert main([*command.split()[2:3], *[str(ROOT / word) if word.startswith("examples/")
                 else word for word in command.split()[3:]]]) == 0  # fmt: skip
    assert capsys.readouterr().out == shown


def test_the_example_prints_the_chinese_bill(capsys: pytest.CaptureFixture[str]) -> None:
    import runpy

    runpy.run_path(str(EXAMPLES / "bill_in_chinese.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert out.startswith(_example_bills("zh"))
    assert ",energy.peak,峰电量电费,137250.410,kWh,0.9920,136152.41\n" in out


def test_the_chinese_terms_come_from_the_glossary() -> None:
    glossary = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    for term in [
        "尖峰", "峰", "平", "谷", "深谷", "丰水期", "枯水期", "平水期", "夏季", "冬季", "非夏季",
        "第一档", "第二档", "第三档", "基本电费", "合同最大需量", "实际最大需量",
        "超合同最大需量部分",
        "暂停", "减容", "负荷率优惠", "力调电费", "功率因数", "考核标准", "无功电费",
        "可再生能源电价附加", "政府性基金及附加", "附加费", "固定费用", "税费", "增值税", "优惠",
        "最低电费补足", "尾差调整", "上网电量", "上网电费", "全额上网", "结转电量", "递增电价",
        "实时电价", "金额", "税额", "价税合计", "合计", "单价", "数量", "户号", "倍率", "提示",
        "千瓦时", "千瓦", "千伏安", "千乏时", "千乏", "元",
    ]:  # fmt: skip
        assert term in glossary, term


def _zh_warnings(capsys: pytest.CaptureFixture[str], readings: Path, *extra: str) -> list[str]:
    args = [
        "price", str(readings), "--tariff", "cn-sh-industrial-two-part",
        "--account", str(EXAMPLES / "account.yaml"), "--lang", "zh", *extra,
    ]  # fmt: skip
    assert main(args) == 0
    return [line for line in capsys.readouterr().out.split("\n") if line.startswith("提示：")]


def test_warnings_written_from_facts_are_in_chinese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = (EXAMPLES / "readings.csv").read_text(encoding="utf-8").split("\n")
    # From 2025-07-10: 22 of July's 31 days are billed.
    assert _zh_warnings(capsys, EXAMPLES / "readings.csv", "--from", "2025-07-10") == [
        "提示：不足整月：2025-07-10 至 2025-08-01（本期 31 天，计费 22 天）"
    ]
    # Readings from 12:00 on July 1st: 12 h × 4 = 48 quarter hours are not read.
    late = tmp_path / "late.csv"
    late.write_text("\n".join([rows[0], *rows[49:]]), encoding="utf-8")
    assert _zh_warnings(capsys, late) == [
        "提示：计量数据未覆盖整个周期：2025-07-01T00:00 至 2025-07-01T12:00 无数据"
        "（48 个间隔未计费）"
    ]
    # Two rows left out (00:15 and 00:30 of July 2nd), gaps allowed: 2 intervals missing.
    gaps = tmp_path / "gaps.csv"
    gaps.write_text("\n".join([*rows[:98], *rows[100:]]), encoding="utf-8")
    assert rows[98].startswith("2025-07-02T00:15")
    assert _zh_warnings(capsys, gaps, "--allow-gaps") == [
        "提示：计量数据不完整：本期缺 2 个间隔，未计费（允许缺数；2025-07-02T00:15 至 "
        "2025-07-02T00:45）"
    ]


def test_a_warning_is_its_english_text_and_survives_pickling() -> None:
    import pickle

    from tariffs.io.render.labels import warning_text
    from tariffs.model.bill import BillWarning

    warning = BillWarning("partial period: x", "partial_period", (("days", "3"),))
    assert warning == "partial period: x" and json.dumps([warning]) == '["partial period: x"]'
    copied = pickle.loads(pickle.dumps(warning))  # noqa: S301 - our own object
    assert (copied, copied.key, copied.params) == (warning, warning.key, warning.params)
    assert warning_text("a warning written as text", "zh") == "a warning written as text"
    assert warning_text(BillWarning("other", "unknown_key"), "zh") == "other"


def test_batch_writes_labels_and_warnings_in_chinese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rows = (EXAMPLES / "readings.csv").read_text(encoding="utf-8").split("\n")
    meters = tmp_path / "meters"
    meters.mkdir()
    # Readings from July 10th: 9 days × 96 = 864 rows left out, a partial period.
    (meters / "F-001.csv").write_text("\n".join([rows[0], *rows[1 + 9 * 96 :]]), "utf-8")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,tariff\nF-001,cn-zj-residential\n", encoding="utf-8")
    base = ["batch", "--accounts", str(accounts), "--readings-dir", str(meters),
            "--workers", "1", "--lang", "zh"]  # fmt: skip
    assert main(base) == 0
    (header_row, row) = capsys.readouterr().out.strip().split("\n")
    assert header_row.endswith(",warnings")
    assert row.endswith(",不足整月：2025-07-10 至 2025-08-01（本期 31 天，计费 22 天）")
    assert main([*base, "--format", "jsonl"]) == 0
    (document,) = [json.loads(text) for text in capsys.readouterr().out.strip().split("\n")]
    assert [line["label"] for line in document["lines"]][0] == "第一档电量电费"
    assert document["warnings"] == ["不足整月：2025-07-10 至 2025-08-01（本期 31 天，计费 22 天）"]


def test_the_agency_purchase_price_components_have_chinese_labels() -> None:
    # examples/agency: each component of the price file is its own line, the purchase
    # price by period; every one of them has the glossary's term.
    from tariffs import load_account, load_tariff, price, read_readings_csv
    from tariffs.io.render.labels import line_label

    agency = Path(__file__).resolve().parents[2] / "examples" / "agency"
    tariff = load_tariff(str(agency / "cn-agency-10kv.yaml"))
    readings = read_readings_csv(agency / "readings.csv", tariff.timezone)
    bill = price(tariff, readings, load_account(agency / "account.yaml"))[0]
    assert [(line.code, line_label(line, "zh")) for line in bill.lines] == [
        ("energy.purchase.valley", "代理购电电费（谷）"),
        ("energy.purchase.flat", "代理购电电费（平）"),
        ("energy.purchase.peak", "代理购电电费（峰）"),
        ("energy.line_loss", "上网环节线损费用"),
        ("energy.transmission", "输配电费"),
        ("energy.system_operation", "系统运行费用"),
        ("energy.funds", "政府性基金及附加"),
    ]


# -- every warning of a bill in Chinese ------------------------------------------------------

SOURCE = ROOT / "src" / "tariffs"

#: Facts of each warning as its code writes them (values are data: ids, dates, files).
WARNING_FACTS: dict[str, dict[str, str]] = {
    "partial_period": {"start": "2025-07-10", "end": "2025-08-01", "days": "22",
                       "period_days": "31"},
    "uncovered": {"spans": "2025-07-01T00:00/2025-07-01T06:00", "missing": "24"},
    "gaps": {"missing": "8", "start": "2025-07-01T05:00", "end": "2025-07-01T07:00",
             "more": "1"},
    "withdrawn": {"from": "2025-09-01", "withdrawn": "2025-09-01"},
    "unpriced": {"text": "energyattrs: voltage discount: 2 %"},
    "demand_over_readings": {"step": "60", "window": "15", "kind": "sliding"},
    "estimated": {"count": "12", "kwh": "3.000", "method": "like-days:4"},
    "no_export_column": {"rule": "net_metering"},
    "no_export_credit": {},
    "no_energy": {},
    "ineligible": {"account": "F-1", "tariff": "cn-large", "reason.0.field": "customer_class",
                   "reason.0.found": "residential", "reason.0.allowed": "commercial,industrial",
                   "reason.1.field": "capacity_kva", "reason.1.found": "100",
                   "reason.1.unit": "kVA", "reason.1.min": "315", "note": "发改价格〔2023〕526号"},
    "redated": {"from": "2024", "to": "2025", "kept": "weekdays", "shift": "1",
                "first": "2024-01-02"},
    "redate_outside": {"count": "96", "year": "2024", "kwh": "24.000"},
    "redate_left_out": {"day": "2024-12-31", "count": "96", "kwh": "24.000"},
    "redate_rotated": {"moved": "2024-01-01/2025-12-31"},
    "reclocked": {"from": "America/New_York", "to": "Asia/Shanghai"},
    "standard_time": {"timezone": "America/Denver", "offset": "UTC-07:00",
                      "zone": "Etc/GMT+7"},
    "undated_values": {"count": "8,760", "year": "2025", "clock": "Asia/Shanghai",
                       "minutes": "60", "priced_on": ""},
    "columns": {"timestamps": "Time", "end_less": "15", "kwh.column": "Energy",
                "kwh.unit": "Wh", "kwh.factor": "1/1000", "kwh.target": "kWh",
                "kwh.averaged": "0", "kw.column": "P", "kw.unit": "kW", "kw.factor": "1",
                "kw.target": "kW", "kw.averaged": "1", "ignore": "Status,Flag"},
}  # fmt: skip


def _warning_calls() -> list[tuple[Path, int, object]]:
    """Every ``BillWarning(...)`` of the package: its file, line and key (or None)."""
    import ast

    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "BillWarning":
                key = node.args[1] if len(node.args) > 1 else None
                found.append(
                    (path, node.lineno, key.value if isinstance(key, ast.Constant) else None)
                )
    return found


def _plain_warnings() -> list[str]:
    """Warnings written as a bare text: appended to ``warnings``/``notes``, or in ``Priced``.

    The what-if scenarios' notes (``whatif/``) are notes of a comparison, not of a bill.
    """
    import ast

    plain = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path.parent.name == "whatif":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            values: list[ast.expr] = []
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in ("append", "insert"):
                owner = getattr(func.value, "id", "")
                if owner in ("warnings", "notes", "deviations"):
                    values = node.args[-1:]
            if getattr(func, "id", None) == "Priced":
                for keyword in node.keywords:
                    if keyword.arg == "warnings" and isinstance(keyword.value, ast.Tuple):
                        values = list(keyword.value.elts)
            plain += [
                f"{path.relative_to(SOURCE)}:{value.lineno}"
                for value in values
                if isinstance(value, (ast.Constant, ast.JoinedStr, ast.BinOp))
            ]
    return plain


def test_every_warning_the_code_writes_has_a_key_and_a_chinese_text() -> None:
    from tariffs.io.render.labels import WARNING_KEYS

    calls = [(path, line, key) for path, line, key in _warning_calls() if path.name != "bill.py"]
    assert len(calls) >= len(WARNING_KEYS)
    without = [f"{path.relative_to(SOURCE)}:{line}" for path, line, key in calls if key is None]
    assert without == []
    assert {key for _, _, key in calls} == WARNING_KEYS == set(WARNING_FACTS)
    assert _plain_warnings() == []


@pytest.mark.parametrize("key", sorted(WARNING_FACTS))
def test_each_warning_in_chinese_has_no_english_word(key: str) -> None:
    from tariffs.io.render.labels import warning_text
    from tariffs.model.bill import BillWarning

    facts = WARNING_FACTS[key]
    chinese = warning_text(BillWarning("the English text", key, tuple(facts.items())), "zh")
    assert chinese != "the English text"
    # The facts are data (ids, dates, zones, files, an estimation method): leave them out.
    words = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d", "", chinese)  # local date-times
    pieces = {piece for value in facts.values() for piece in (value, *re.split("[;/,]", value))}
    for piece in sorted(pieces, key=len, reverse=True):
        if piece:
            words = words.replace(piece, "")
    assert not has_latin(words), chinese


def test_warnings_of_real_runs_are_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """The estimate and eligibility warnings of the shipped examples, from their facts."""
    argv = ["price", str(EXAMPLES / "estimate-readings.csv"), "--tariff",
            "cn-zj-residential-tou", "--estimate", "like-days:4", "--lang", "zh",
            "--format", "json"]  # fmt: skip
    assert main(argv) == 0
    (bill,) = json.loads(capsys.readouterr().out)["bills"]
    # 3 intervals estimated, 5.908 kWh (docs/readings-format.md works them out).
    assert bill["warnings"][1] == (
        "估算电量：本期 3 个间隔（5.908 千瓦时）为估算值，非抄见（估算方法 like-days:4）"
    )
    argv = ["price", str(EXAMPLES / "readings.csv"), "--tariff",
            str(EXAMPLES / "eligibility" / "household.yaml"), "--account",
            str(EXAMPLES / "eligibility" / "factory-account.yaml"), "--lang", "zh"]  # fmt: skip
    assert main(argv) == 0
    assert (
        "提示：户号 F-2500 不符合电价 household 的执行范围：用电类别 industrial 不在 residential "
        "之列（residential prices are for households only）；已按要求计价"
    ) in capsys.readouterr().out


@given(
    kwh_of_hour=st.lists(st.integers(min_value=0, max_value=400), min_size=24, max_size=24),
    days=st.integers(min_value=1, max_value=40),
    first_day=st.integers(min_value=1, max_value=28),
    table=st.sampled_from(sorted(p.stem for p in TABLES.glob("*.yaml"))),
)
def test_a_bill_in_chinese_differs_only_in_its_words(
    kwh_of_hour: list[int], days: int, first_day: int, table: str
) -> None:
    """Any readings under any bundled Chinese table: the JSON in Chinese is the English one
    but for the labels and the warnings, and those are Chinese (no Latin letter)."""
    from tariffs.io.readings.csv_reader import parse_readings_csv
    from tariffs.model.account import Account

    tariff = load_tariff(table)
    start = dt.date(2025, 7, first_day)
    text = "start,kwh,kvarh\n" + "".join(
        f"{start + dt.timedelta(days=d)}T{h:02d}:00,{kwh_of_hour[h]}.0,{kwh_of_hour[h] // 2}.0\n"
        for d in range(days)
        for h in range(24)
    )
    readings = parse_readings_csv(text, "r.csv", tariff.timezone)
    account = Account.model_validate(
        {"account_id": "A", "capacity_kva": 630, "contract_demand_kw": 500,
         "basic_charge_method": "capacity", "voltage_kv": 10}
    )  # fmt: skip
    bills = price(tariff, readings, account)
    english = json.loads(bills_to_json(bills))
    chinese = json.loads(bills_to_json(bills, "zh"))
    for ours, theirs in zip(chinese["bills"], english["bills"], strict=True):
        warnings = ours.pop("warnings")
        assert len(warnings) == len(theirs.pop("warnings"))
        assert all(not has_latin(re.sub(r"[0-9T:-]{16}", "", w)) for w in warnings), warnings
        for line, other in zip(ours["lines"], theirs["lines"], strict=True):
            assert not has_latin(line.pop("label")), other["label"]
            other.pop("label")
    assert chinese == english


#: Facts of each recommendation key, as `tariffs.whatif.compare` gives them.
ADVICE_FACTS = {
    "cheapest": {"tariff": "a", "count": "2", "total": "1,372.00", "next": "b", "gap": "7.44",
                 "currency": "CNY", "unpriced_current": "c"},
    "stay": {"tariff": "b", "ties": "a,c"},
    "saves": {"tariff": "a", "current": "b", "currency": "CNY", "savings": "44.64",
              "days": "31", "percent": "11.8", "source_kind": "energy"},
    "saves_year": {"tariff": "a", "current": "b", "currency": "CNY", "savings": "4,380.00",
                   "percent": "8.3", "moved_from": "b"},
    "saves_at_rate": {"tariff": "a", "current": "b", "currency": "CNY", "savings": "44.64",
                      "days": "31", "percent": "11.8", "annual": "525.60"},
    "move_more": {"tariff": "a", "current": "b", "more": "7.44", "currency": "CNY"},
    "move_none": {"current": "b"},
}  # fmt: skip


def test_every_recommendation_the_code_writes_has_a_chinese_text() -> None:
    from tariffs.io.render.labels import ADVICE_KEYS

    source = (SOURCE / "whatif" / "compare.py").read_text(encoding="utf-8")
    assert set(re.findall(r'\bkey ?= ?"([a-z_]+)"', source)) == ADVICE_KEYS == set(ADVICE_FACTS)


@pytest.mark.parametrize("key", sorted(ADVICE_FACTS))
def test_each_recommendation_in_chinese_has_its_facts_and_no_english_word(key: str) -> None:
    from tariffs.io.render.labels import advice_text

    facts = ADVICE_FACTS[key]
    chinese = advice_text("the English text", key, tuple(facts.items()), "zh", "电量电费")
    words = chinese
    shown = {
        name: value for name, value in facts.items() if name not in ("currency", "source_kind")
    }
    for value in sorted(
        {*shown.values(), *facts.get("ties", "").split(",")}, key=len, reverse=True
    ):
        if value and value != facts.get("ties"):
            assert value in chinese, (value, chinese)
            words = words.replace(value, "")
    assert not has_latin(words), chinese
    assert ("主要来自电量电费" in chinese) == ("source_kind" in facts)
    assert advice_text("the English text", key, tuple(facts.items())) == "the English text"
