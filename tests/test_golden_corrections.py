"""Golden corrections (退补电费), worked out by hand, end to end through the command line.

Each case prices a bill, keeps its JSON as the bill issued, then runs ``tariffs correct``
with the corrected input and checks every line's issued amount, corrected amount and
difference against the arithmetic written beside it.

The tariff of these cases, ``factory`` (written here): energy 0.6000 CNY/kWh, a basic
charge of 25.50 CNY per kVA of capacity a month, and the power-factor adjustment of the
1983 rules at standard 0.90 on energy and capacity (《功率因数调整电费办法》,
(83)水电财字第215号). The readings are hourly register values for July 2025 (31 days × 24 =
744 hours) of 1.00 kWh and 0.60 kvarh an hour: kvarh/kWh = 0.6, cos φ = 1/√1.36 =
0.857..., shown 0.86, which the table for 0.90 charges +2.0 % (增收 2 %), whatever the
multiplier, since it scales kWh and kvarh alike.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tariffs.cli import main

FACTORY = """\
id: factory
name: Factory, single price with a basic charge on capacity
currency: CNY
timezone: Asia/Shanghai
reference: written for the tests
versions:
  "2025-01-01":
    charges:
      - {kind: energy, price_per_kwh: "0.6000"}
      - {kind: basic, code: basic, label: Basic charge, capacity_price_per_kva: "25.50"}
      - {kind: power_factor, table: "1983-0.90", applies_to: [energy, capacity]}
"""

#: The same tariff after a retroactive price notice: a version from 2025-06-01 (before the
#: July bill) raises the energy price to 0.6500.
FACTORY_RETROACTIVE = (
    FACTORY
    + """\
  "2025-06-01":
    charges:
      - {kind: energy, price_per_kwh: "0.6500"}
      - {kind: basic, code: basic, label: Basic charge, capacity_price_per_kva: "25.50"}
      - {kind: power_factor, table: "1983-0.90", applies_to: [energy, capacity]}
"""
)

ACCOUNT = """\
account_id: F-7
capacity_kva: 400
basic_charge_method: capacity
meter_multiplier: {multiplier}
"""


def readings(low_day: int | None = None) -> str:
    """July 2025, 1.00 kWh and 0.60 kvarh each hour; ``low_day`` read half of that."""
    rows = ["start,kwh,kvarh"]
    for day in range(1, 32):
        kwh, kvarh = ("0.50", "0.30") if day == low_day else ("1.00", "0.60")
        rows += [f"2025-07-{day:02d}T{hour:02d}:00,{kwh},{kvarh}" for hour in range(24)]
    return "\n".join(rows) + "\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def issue(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, tariff: str, account: str, data: str
) -> Path:
    """Price and keep the JSON as the bill issued."""
    (tmp_path / "factory.yaml").write_text(tariff, encoding="utf-8")
    (tmp_path / "issued-account.yaml").write_text(account, encoding="utf-8")
    (tmp_path / "issued-readings.csv").write_text(data, encoding="utf-8")
    code, out, err = run(
        capsys, "price", str(tmp_path / "issued-readings.csv"), "--tariff",
        str(tmp_path / "factory.yaml"), "--account", str(tmp_path / "issued-account.yaml"),
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    issued = tmp_path / "issued.json"
    issued.write_text(out, encoding="utf-8")
    return issued


def correct(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    issued: Path,
    tariff: str,
    account: str,
    data: str,
) -> dict[str, Any]:
    (tmp_path / "corrected").mkdir()
    (tmp_path / "corrected" / "factory.yaml").write_text(tariff, encoding="utf-8")
    (tmp_path / "account.yaml").write_text(account, encoding="utf-8")
    (tmp_path / "readings.csv").write_text(data, encoding="utf-8")
    code, out, err = run(
        capsys, "correct", str(issued), str(tmp_path / "readings.csv"), "--tariff",
        str(tmp_path / "corrected" / "factory.yaml"), "--account", str(tmp_path / "account.yaml"),
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    document: dict[str, Any] = json.loads(out)
    return document


def amounts(document: dict[str, Any]) -> dict[str, tuple[str | None, str | None, str]]:
    """code → (issued amount, corrected amount, difference) of the one correction."""
    (correction,) = document["corrections"]
    return {
        line["code"]: (
            line["issued"] and line["issued"]["amount"],
            line["corrected"] and line["corrected"]["amount"],
            line["difference"],
        )
        for line in correction["lines"]
    }


def test_a_wrong_multiplier_found_later(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Billed with 倍率 100 when the CT ratio gave 200.
    # Issued:    744 × 1.00 × 100 = 74400 kWh × 0.6000 = 44640.00
    #            basic 400 kVA × 25.50 = 10200.00
    #            power factor (44640.00 + 10200.00) × 2 % = 54840.00 × 0.02 = 1096.80
    #            total 44640.00 + 10200.00 + 1096.80 = 55936.80
    # Corrected: 744 × 1.00 × 200 = 148800 kWh × 0.6000 = 89280.00
    #            basic unchanged 10200.00
    #            power factor (89280.00 + 10200.00) × 2 % = 99480.00 × 0.02 = 1989.60
    #            total 89280.00 + 10200.00 + 1989.60 = 101469.60
    # Difference: +44640.00, 0.00, +892.80; total +45532.80 to collect.
    issued = issue(capsys, tmp_path, FACTORY, ACCOUNT.format(multiplier=100), readings())
    document = correct(
        capsys, tmp_path, issued, FACTORY, ACCOUNT.format(multiplier=200), readings()
    )
    assert amounts(document) == {
        "energy": ("44640.00", "89280.00", "44640.00"),
        "basic.capacity": ("10200.00", "10200.00", "0.00"),
        "power_factor": ("1096.80", "1989.60", "892.80"),
    }
    (correction,) = document["corrections"]
    assert correction["energy_kwh"] == {
        "issued": "74400.000", "corrected": "148800.000", "difference": "74400.000",
    }  # fmt: skip
    assert correction["total"] == {
        "issued": "55936.80", "corrected": "101469.60", "difference": "45532.80",
    }  # fmt: skip
    assert correction["settlement"] == "collect"
    assert document["difference"] == "45532.80"
    power_factor = next(line for line in correction["lines"] if line["code"] == "power_factor")
    # The adjustment's base is re-computed: 99480.00 − 54840.00 = +44640.00.
    assert power_factor["issued"]["quantity"] == "54840.00"
    assert power_factor["corrected"]["quantity"] == "99480.00"
    assert power_factor["quantity_difference"] == "44640.00"


def test_a_retroactive_price_version(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Issued under the version of 2025-01-01: 55936.80 (as above, 倍率 100).
    # Corrected under the version of 2025-06-01: 74400 kWh × 0.6500 = 48360.00
    #            basic 10200.00
    #            power factor (48360.00 + 10200.00) × 2 % = 58560.00 × 0.02 = 1171.20
    #            total 48360.00 + 10200.00 + 1171.20 = 59731.20
    # Difference: +3720.00 (74400 × 0.05), 0.00, +74.40; total +3794.40 to collect.
    account = ACCOUNT.format(multiplier=100)
    issued = issue(capsys, tmp_path, FACTORY, account, readings())
    document = correct(capsys, tmp_path, issued, FACTORY_RETROACTIVE, account, readings())
    assert amounts(document) == {
        "energy": ("44640.00", "48360.00", "3720.00"),
        "basic.capacity": ("10200.00", "10200.00", "0.00"),
        "power_factor": ("1096.80", "1171.20", "74.40"),
    }
    (correction,) = document["corrections"]
    assert correction["total"]["difference"] == "3794.40"
    assert correction["energy_kwh"]["difference"] == "0.000"
    assert correction["tariff"] == {"issued": "factory", "corrected": "factory"}


def test_one_days_readings_replaced(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Issued from readings whose 15 July read half: 30 × 24 × 1.00 + 24 × 0.50 = 732 kWh
    # register × 100 = 73200 kWh × 0.6000 = 43920.00; basic 10200.00; power factor
    # (kvarh/kWh still 0.6) (43920.00 + 10200.00) × 2 % = 54120.00 × 0.02 = 1082.40;
    # total 43920.00 + 10200.00 + 1082.40 = 55202.40.
    # Corrected from the replaced day: 55936.80 (the first case's issued bill).
    # Difference: +720.00 (1200 kWh × 0.6000), 0.00, +14.40; total +734.40 to collect.
    account = ACCOUNT.format(multiplier=100)
    issued = issue(capsys, tmp_path, FACTORY, account, readings(low_day=15))
    document = correct(capsys, tmp_path, issued, FACTORY, account, readings())
    assert amounts(document) == {
        "energy": ("43920.00", "44640.00", "720.00"),
        "basic.capacity": ("10200.00", "10200.00", "0.00"),
        "power_factor": ("1082.40", "1096.80", "14.40"),
    }
    (correction,) = document["corrections"]
    assert correction["energy_kwh"]["difference"] == "1200.000"
    assert correction["total"]["difference"] == "734.40"


def test_the_reverse_correction_is_a_refund(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Billed with 倍率 200 when it was 100: the first case the other way round,
    # 55936.80 − 101469.60 = −45532.80, refunded (退还).
    issued = issue(capsys, tmp_path, FACTORY, ACCOUNT.format(multiplier=200), readings())
    (tmp_path / "account.yaml").write_text(ACCOUNT.format(multiplier=100), encoding="utf-8")
    (tmp_path / "readings.csv").write_text(readings(), encoding="utf-8")
    code, out, err = run(
        capsys, "correct", str(issued), str(tmp_path / "readings.csv"), "--tariff",
        str(tmp_path / "factory.yaml"), "--account", str(tmp_path / "account.yaml"),
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[-1] == "to refund to the customer (退还): 45532.80 CNY"
    assert "power_factor" in out and "-892.80" in out


def test_another_tariff_id_is_refused_unless_declared(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    account = ACCOUNT.format(multiplier=100)
    issued = issue(capsys, tmp_path, FACTORY, account, readings())
    other = FACTORY.replace("id: factory", "id: factory-b")
    (tmp_path / "factory-b.yaml").write_text(other, encoding="utf-8")
    (tmp_path / "readings.csv").write_text(readings(), encoding="utf-8")
    argv = [
        "correct", str(issued), str(tmp_path / "readings.csv"), "--tariff",
        str(tmp_path / "factory-b.yaml"), "--account", str(tmp_path / "issued-account.yaml"),
        "--format", "json",
    ]  # fmt: skip
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == ""
    assert "under tariff factory, the corrected one under factory-b" in err
    assert str(issued) in err
    code, out, err = run(capsys, *argv, "--tariff-changed")
    assert code == 0, err
    assert json.loads(out)["difference"] == "0.00"


def test_another_account_is_refused_naming_both(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    issued = issue(capsys, tmp_path, FACTORY, ACCOUNT.format(multiplier=100), readings())
    other = ACCOUNT.format(multiplier=100).replace("F-7", "F-8")
    (tmp_path / "other-account.yaml").write_text(other, encoding="utf-8")
    (tmp_path / "readings.csv").write_text(readings(), encoding="utf-8")
    code, out, err = run(
        capsys, "correct", str(issued), str(tmp_path / "readings.csv"), "--tariff",
        str(tmp_path / "factory.yaml"), "--account", str(tmp_path / "other-account.yaml"),
    )  # fmt: skip
    assert code == 1 and out == ""
    assert "issued to account F-7, but the correction is priced for account F-8" in err


def test_re_pricing_the_issued_inputs_corrects_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    account = ACCOUNT.format(multiplier=100)
    issued = issue(capsys, tmp_path, FACTORY, account, readings())
    for output_format in ("json", "csv", "table"):
        code, out, err = run(
            capsys, "correct", str(issued), str(tmp_path / "issued-readings.csv"), "--tariff",
            str(tmp_path / "factory.yaml"), "--account", str(tmp_path / "issued-account.yaml"),
            "--format", output_format,
        )  # fmt: skip
        assert code == 0, err
        if output_format == "json":
            (correction,) = json.loads(out)["corrections"]
            assert {line["difference"] for line in correction["lines"]} == {"0.00"}
            assert correction["settlement"] == "none"
        elif output_format == "csv":
            rows = [row.split(",") for row in out.splitlines()[1:]]
            assert [row[5] for row in rows] == [
                "energy", "basic.capacity", "power_factor", "total", "settlement",
            ]  # fmt: skip
            assert {row[-1] for row in rows} == {"0.00"}
        else:
            assert out.splitlines()[-1] == "nothing to collect or refund"


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "correction"


def test_the_example_is_true(capsys: pytest.CaptureFixture[str]) -> None:
    # issued.json is what tariffs price issues from the example's readings and account.
    code, out, err = run(
        capsys, "price", str(EXAMPLE / "readings.csv"), "--tariff", "cn-sh-industrial-two-part",
        "--account", str(EXAMPLE / "issued-account.yaml"), "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    assert out == (EXAMPLE / "issued.json").read_text(encoding="utf-8")
    code, out, err = run(
        capsys, "correct", str(EXAMPLE / "issued.json"), str(EXAMPLE / "readings.csv"),
        "--tariff", "cn-sh-industrial-two-part", "--account", str(EXAMPLE / "account.yaml"),
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    document = json.loads(out)
    (correction,) = document["corrections"]
    # Energy and funds double: e.g. peak 137250.4100 kWh × 2 × 0.9920 = 272304.81344,
    # 272304.81, against 136152.41 issued (137250.41 × 0.9920 = 136152.40672).
    lines = {line["code"]: line for line in correction["lines"]}
    assert lines["energy.peak"]["corrected"]["amount"] == "272304.81"
    assert lines["energy.peak"]["difference"] == "136152.40"
    # The overrun is new: 1247.6800 − 630 = 617.6800 kW × 81.60 = 50402.688, 50402.69.
    assert lines["basic.overrun"]["issued"] is None
    assert lines["basic.overrun"]["difference"] == "50402.69"
    assert document["difference"] == "299010.40"
    assert (EXAMPLE / "README.md").read_text(encoding="utf-8").count("299010.40 CNY") == 1


def test_json_lines_of_the_issued_bills_correct_alike(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The same bill issued as `price --format jsonl` gives the same correction as its JSON.
    price = ["price", str(EXAMPLE / "readings.csv"), "--tariff", "cn-sh-industrial-two-part",
             "--account", str(EXAMPLE / "issued-account.yaml"), "--format", "jsonl"]  # fmt: skip
    code, out, err = run(capsys, *price)
    assert code == 0, err
    (tmp_path / "issued.jsonl").write_text(out, encoding="utf-8")
    outputs = []
    for issued in (tmp_path / "issued.jsonl", EXAMPLE / "issued.json"):
        code, out, err = run(
            capsys, "correct", str(issued), str(EXAMPLE / "readings.csv"), "--tariff",
            "cn-sh-industrial-two-part", "--account", str(EXAMPLE / "account.yaml"),
            "--format", "json",
        )  # fmt: skip
        assert code == 0, err
        outputs.append(out)
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["difference"] == "299010.40"


def test_a_sub_metered_account_is_corrected_part_by_part(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # examples/submeter issued with the main meter's multiplier 100, found later to be
    # 120: the main meter read 1080 × 120 = 129600 kWh, not 108000. The canteen sub-meter
    # read the same 1350 kWh; 15 % of the rest goes to the offices' split: 128250 × 0.15 =
    # 19237.5 kWh at 0.65 = 12504.38, against 15997.5 kWh = 10398.38 issued, +2106.00.
    # The main bill keeps 128250 - 19237.5 = 109012.5 kWh, against 90652.5: +18360.0.
    import shutil

    from tariffs.cli import main

    example = Path(__file__).resolve().parents[1] / "examples" / "submeter"
    copy = tmp_path / "submeter"
    shutil.copytree(example, copy)
    price = ["price", str(copy / "factory-main.csv"), "--tariff",
             str(copy / "example-factory-10kv.yaml"), "--account",
             str(copy / "factory-account.yaml"), "--format", "json"]  # fmt: skip
    assert main(price) == 0
    issued = tmp_path / "issued.json"
    issued.write_text(capsys.readouterr().out, encoding="utf-8")
    account = copy / "factory-account.yaml"
    corrected = copy / "corrected-account.yaml"
    text = account.read_text(encoding="utf-8")
    assert "meter_multiplier: 100\n" in text
    corrected.write_text(text.replace("meter_multiplier: 100\n", "meter_multiplier: 120\n"))
    command = ["correct", str(issued), *price[1:4], "--format", "json"]
    # The same inputs: every part corrects by nothing.
    assert main([*command, "--account", str(account)]) == 0
    same = json.loads(capsys.readouterr().out)["corrections"]
    assert [c.get("part", "") for c in same] == ["", "ratio M-10KV", "sub_meter CANTEEN"]
    assert {c["total"]["difference"] for c in same} == {"0.00"}
    assert main([*command, "--account", str(corrected)]) == 0
    fixed = {c.get("part", ""): c for c in json.loads(capsys.readouterr().out)["corrections"]}
    assert fixed["sub_meter CANTEEN"]["total"]["difference"] == "0.00"
    assert fixed["ratio M-10KV"]["total"]["difference"] == "2106.00"
    assert fixed[""]["energy_kwh"]["difference"] == "18360.000"
