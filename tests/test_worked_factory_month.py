"""examples/factory-month: one factory's month, every part of a billing run together.

The main meter and a canteen sub-meter (套扣), the agency purchase price of the month from
a price file, VAT-inclusive invoices, the bill in Chinese, and the correction (退补) of the
previous month, issued with the wrong multiplier. The figures are worked out by hand in
examples/factory-month/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tariffs.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "factory-month"


@pytest.fixture
def in_example(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(EXAMPLE)
    return EXAMPLE


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


TARIFF = ["--tariff", "factory-agency-10kv.yaml"]
AUGUST = ["--from", "2025-08-01", "--to", "2025-09-01"]


def test_august_in_chinese(in_example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = run(capsys, "price", "main.csv", *TARIFF, "--account", "account.yaml", *AUGUST,
                "--lang", "zh")  # fmt: skip
    for text in (
        "代理购电电费（谷）", "上网环节线损费用", "输配电费", "系统运行费用", "基本电费（按容量）",
        "金额（不含税）", "税额（增值税 13 %）", "价税合计",
        "电表 M-1 抄见 12648.000 千瓦时 × 倍率 100 = 1264800.000 千瓦时",
        "减 子表 CANTEEN（套扣）：12400.000 千瓦时，按 canteen-commercial 计费",
        "2 张账单合计：892163.75 元",
    ):  # fmt: skip
        assert text in table
    bills = json.loads(
        run(
            capsys,
            "price",
            "main.csv",
            *TARIFF,
            "--account",
            "account.yaml",
            *AUGUST,
            "--format",
            "json",
        )  # fmt: skip
    )["bills"]
    factory, canteen = bills
    # 1264800 metered - 12400 of the canteen = 1252400 kWh on the factory's bill.
    assert (factory["energy_kwh"], canteen["energy_kwh"]) == ("1252400.000", "12400.000")
    # valley: (2.50 × 100 - 2.5) × 32 quarter hours × 31 days = 245520 kWh at
    # 0.40180 × 0.38 = 0.152684: 37486.98.
    valley = factory["lines"][0]
    assert (valley["code"], valley["quantity"], valley["amount"]) == (
        "energy.purchase.valley",
        "245520.000",
        "37486.98",
    )
    # The canteen: 12400 × 0.65 = 8060.00, tax 8060 × 0.13 / 1.13 = 927.26.
    assert canteen["invoice"] == {
        "rate": "0.13", "prices": "inclusive", "rounded": "tax",
        "net": "7132.74", "tax": "927.26", "gross": "8060.00",
    }  # fmt: skip
    # 884103.75 × 0.13 / 1.13 = 101711.05; the rest, 782392.70, excludes the tax.
    assert (factory["invoice"]["net"], factory["invoice"]["tax"], factory["total"]) == (
        "782392.70",
        "101711.05",
        "884103.75",
    )


def test_july_is_corrected_against_the_bills_issued(
    in_example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The issued file is what price wrote with the multiplier 80.
    issued = run(capsys, "price", "main.csv", *TARIFF, "--account", "account-as-issued.yaml",
                 "--from", "2025-07-01", "--to", "2025-08-01", "--format", "json")  # fmt: skip
    assert issued == (in_example / "issued-july.json").read_text(encoding="utf-8")
    document = json.loads(
        run(
            capsys,
            "correct",
            "issued-july.json",
            "main.csv",
            *TARIFF,
            "--account",
            "account.yaml",
            "--format",
            "json",
        )  # fmt: skip
    )
    factory, canteen = document["corrections"]
    assert canteen["part"] == "sub_meter CANTEEN"
    assert canteen["total"]["difference"] == "0.00"
    # 20 × 408 × 31 = 252960 kWh billed too few; 7771.03 + 40900.16 + 73006.79 +
    # 64884.24 = 186562.22 CNY to collect.
    assert factory["energy_kwh"]["difference"] == "252960.000"
    by_code = {line["code"]: line["difference"] for line in factory["lines"]}
    assert (by_code["energy.purchase.valley"], by_code["energy.purchase.flat"],
            by_code["energy.purchase.peak"]) == ("7771.03", "40900.16", "73006.79")  # fmt: skip
    assert by_code["basic.capacity"] == "0.00"
    assert document["difference"] == "186562.22"
    assert factory["invoice"]["gross"]["difference"] == "186562.22"
