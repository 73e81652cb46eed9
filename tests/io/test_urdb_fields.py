"""URDB fields: coincident demand, attributes not priced, units, and docs/urdb-fields.md."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tariffs import AccountError, Tariff, parse_readings_csv, parse_tariff, price
from tariffs.errors import UnsupportedFeatureError
from tariffs.io.render.bills import bills_to_csv, bills_to_json
from tariffs.io.urdb import METADATA_FIELDS, PRICED_FIELDS, urdb_to_tariff_data, urdb_to_yaml
from tariffs.model.account import Account, CoincidentPeak
from tariffs.model.readings import Readings

D = Decimal
SOURCE = "rate.json"
FLAT = [[0] * 24 for _ in range(12)]
DOC = Path(__file__).parents[2] / "docs" / "urdb-fields.md"


def record(**fields: Any) -> dict[str, Any]:
    """A flat record (0.10 $/kWh, demand over 60 minutes), with the fields of a test on top."""
    base: dict[str, Any] = {
        "label": "ABC123",
        "energyratestructure": [[{"rate": D("0.10"), "unit": "kWh"}]],
        "energyweekdayschedule": FLAT,
        "energyweekendschedule": FLAT,
        "demandwindow": 60,
    }
    base.update(fields)
    return base


def tariff_of(data: dict[str, Any], **options: Any) -> Tariff:
    return Tariff.model_validate(
        urdb_to_tariff_data(data, timezone="UTC", source=SOURCE, **options)
    )


def charges(tariff: Tariff) -> list[Any]:
    (version,) = tariff.versions.values()
    return list(version.charges)


def january(peak_hour: int = 17, peak_kwh: str = "7") -> Readings:
    """January 2025, hourly (UTC): 1 kWh an hour, ``peak_kwh`` on the 15th at ``peak_hour``,
    and 9 kWh on the 20th at 03:00 (the customer's own peak, outside any declared hour)."""
    start = dt.datetime(2025, 1, 1)
    rows = []
    for i in range(31 * 24):
        at = start + dt.timedelta(hours=i)
        kwh = "1"
        if at.day == 15 and at.hour == peak_hour:
            kwh = peak_kwh
        if at.day == 20 and at.hour == 3:
            kwh = "9"
        rows.append(f"{at.isoformat(timespec='minutes')},{kwh}")
    return parse_readings_csv("start,kwh\n" + "\n".join(rows) + "\n", "readings.csv", "UTC")


COINCIDENT = {"coincidentratestructure": [[{"rate": D("0.79")}]], "coincidentrateunit": "kW"}


# -- coincident demand --------------------------------------------------------------------


def test_coincident_demand_is_priced_at_the_declared_peaks() -> None:
    tariff = tariff_of(record(**COINCIDENT, coincidentrateschedule=FLAT))
    (_, charge) = charges(tariff)
    assert (charge.kind, charge.code, charge.measured_at) == (
        "demand",
        "demand.coincident",
        "coincident_peaks",
    )
    account = Account(account_id="A", coincident_peaks=["2025-01-15T17:00"])
    (bill,) = price(tariff, january(), account)
    lines = {line.code: (line.quantity, line.rate, line.amount) for line in bill.lines}
    # 7 kWh in the declared hour = 7 kW (not the 9 kW of the 20th) × 0.79 = 5.53;
    # energy: 744 hours, 742 of them at 1 kWh, + 7 + 9 = 758 kWh × 0.10 = 75.80.
    assert lines["demand.coincident"] == (D(7), D("0.79"), D("5.53"))
    assert lines["energy"] == (D(758), D("0.10"), D("75.80"))
    assert "coincident-peak intervals declared" in (tariff.description or "")


def test_coincident_demand_without_declared_peaks_is_refused_naming_them() -> None:
    tariff = tariff_of(record(**COINCIDENT))
    with pytest.raises(
        AccountError,
        match=r"no coincident-peak interval is declared in the bill 2025-01-01 to 2025-01-31: "
        r"the system's peak hours are what is missing; declare them with --coincident-peaks",
    ):
        price(tariff, january())


def test_coincident_periods_by_season_become_charges_by_months() -> None:
    schedule = [[1] * 24 if m in (5, 6, 7, 8) else [0] * 24 for m in range(12)]
    data = record(
        coincidentratestructure=[[{"rate": D("0.50")}], [{"rate": D("2.00")}]],
        coincidentrateschedule=schedule,
    )
    got = [(c.code, c.price_per_kw, c.months) for c in charges(tariff_of(data))[1:]]
    assert got == [
        ("demand.coincident.c0", D("0.50"), [1, 2, 3, 4, 5, 10, 11, 12]),
        ("demand.coincident.c1", D("2.00"), [6, 7, 8, 9]),
    ]


def test_the_coincidentschedule_key_of_some_records_is_read() -> None:
    schedule = [[1] * 24 if m == 0 else [0] * 24 for m in range(12)]
    data = record(
        coincidentratestructure=[[{"rate": 0}], [{"rate": D("3")}]], coincidentschedule=schedule
    )
    (charge,) = charges(tariff_of(data))[1:]
    assert (charge.price_per_kw, charge.months) == (D(3), [1])
    data["coincidentrateschedule"] = FLAT
    with pytest.raises(UnsupportedFeatureError, match=r"coincidentschedule and coincidentrat"):
        tariff_of(data)


def test_coincident_periods_by_hour_become_charges_by_hours() -> None:
    # Period 1 (3.00/kW) holds 17:00-20:00 every day of June to September, period 0
    # (0.50/kW) the other hours of those months and all of the others.
    summer = [0] * 17 + [1] * 3 + [0] * 4
    schedule = [summer if m in (5, 6, 7, 8) else [0] * 24 for m in range(12)]
    data = record(
        coincidentratestructure=[[{"rate": D("0.50")}], [{"rate": D("3")}]],
        coincidentrateschedule=schedule,
    )
    got = [(c.code, c.price_per_kw, c.months, c.hours) for c in charges(tariff_of(data))[1:]]
    assert got == [
        (
            "demand.coincident.c0.jan_feb_mar_apr_may_oct_nov_dec",
            D("0.50"),
            [1, 2, 3, 4, 5, 10, 11, 12],
            None,
        ),
        (
            "demand.coincident.c0.jun_jul_aug_sep",
            D("0.50"),
            [6, 7, 8, 9],
            ["00:00-17:00", "20:00-24:00"],
        ),
        ("demand.coincident.c1", D(3), [6, 7, 8, 9], ["17:00-20:00"]),
    ]


def test_a_peak_bills_the_coincident_period_of_its_hour() -> None:
    # In January, period 1 (3.00/kW) holds 17:00-20:00 and period 0 (0.50/kW) the rest.
    schedule = [[0] * 17 + [1] * 3 + [0] * 4 for _ in range(12)]
    data = record(
        coincidentratestructure=[[{"rate": D("0.50")}], [{"rate": D("3")}]],
        coincidentrateschedule=schedule,
    )
    tariff = tariff_of(data)
    account = Account(account_id="A", coincident_peaks=["2025-01-15T17:00"])
    (bill,) = price(tariff, january(), account)
    lines = {line.code: (line.quantity, line.amount) for line in bill.lines}
    # The peak at 17:00 is in period 1: 7 kW × 3 = 21.00; period 0 has no declared peak
    # in its hours: 0 kW.
    assert lines["demand.coincident.c1"] == (D(7), D("21.00"))
    assert lines["demand.coincident.c0"] == (D(0), D("0.00"))
    across = Account(account_id="A", coincident_peaks=[{"start": "2025-01-15T16:00", "hours": 2}])
    with pytest.raises(AccountError, match=r"2025-01-15T16:00 lies partly inside the hours"):
        price(tariff, january(), across)


def test_coincident_demand_priced_at_zero_adds_nothing() -> None:
    data = record(coincidentratestructure=[[{"rate": 0}]], coincidentschedule=FLAT)
    assert [c.kind for c in charges(tariff_of(data))] == ["energy"]


@pytest.mark.parametrize("key", ["coincidentrateunit", "flatdemandunit", "demandrateunit"])
def test_demand_in_horsepower_is_refused_with_the_factor(key: str) -> None:
    data = record(
        **COINCIDENT,
        flatdemandstructure=[[{"rate": D("1")}]],
        demandratestructure=[[{"rate": D("1")}]],
    )
    data[key] = "hp"
    with pytest.raises(UnsupportedFeatureError) as caught:
        tariff_of(data)
    assert caught.value.feature == key
    assert "745.699872 W (mechanical), 746 W (electric)" in caught.value.detail
    assert "NIST SP 811" in caught.value.detail


# -- fixed charges per year ------------------------------------------------------------------


def test_fixed_charge_per_year_is_a_twelfth_a_month_when_exact() -> None:
    data = record(fixedchargefirstmeter=D("120"), fixedchargeunits="$/year")
    (_, fixed) = charges(tariff_of(data))
    # 120 / 12 = 10 exactly.
    assert (fixed.amount, fixed.per) == (D(10), "month")


def test_fixed_charge_per_year_that_is_no_exact_twelfth_is_refused() -> None:
    data = record(fixedchargefirstmeter=D("100"), fixedchargeunits="$/year")
    with pytest.raises(UnsupportedFeatureError, match=r"100 \$/year: one twelfth a month"):
        tariff_of(data)


# -- attributes not priced -------------------------------------------------------------------

ATTRIBUTES = {
    "energyattrs": [{"Voltage Discount (2KV-<50KV)": "$-0.00106/Kwh"}, {"TOU-winter:Off": "1"}],
    "demandattrs": [{"Power-Factor-Adjustment-Rate-$": "0.00005"}],
    "fixedattrs": [{"Customer credit": D("-5.00")}],
}
UNPRICED = [
    "energyattrs: Voltage Discount (2KV-<50KV): $-0.00106/Kwh",
    "demandattrs: Power-Factor-Adjustment-Rate-$: 0.00005",
    "fixedattrs: Customer credit: -5.00",
]


def test_attributes_are_refused_by_default() -> None:
    with pytest.raises(UnsupportedFeatureError) as caught:
        tariff_of(record(**ATTRIBUTES))
    assert caught.value.feature == "energyattrs"
    assert "also refused: demandattrs, fixedattrs" in caught.value.detail


def test_declared_unpriced_attributes_are_on_every_bill() -> None:
    tariff = tariff_of(record(**ATTRIBUTES), unpriced_attributes=True)
    # The period label TOU-winter:Off is not a price; the other three are kept as written.
    assert tariff.unpriced == UNPRICED
    bills = price(tariff, january())
    (bill,) = bills
    expected = [f"not priced: {text}" for text in UNPRICED]
    assert [w for w in bill.warnings if w.startswith("not priced: ")] == expected
    # The priced part is the structured record: 758 kWh × 0.10.
    assert bill.total == D("75.80")
    document = json.loads(bills_to_json(bills))
    assert document["bills"][0]["warnings"][-3:] == expected
    rows = [row for row in bills_to_csv(bills).splitlines() if ",warning,warning," in row]
    assert [row.split(",warning,warning,")[1].rstrip(",") for row in rows][-3:] == expected


def test_the_table_keeps_unpriced_attributes() -> None:
    text = urdb_to_yaml(
        record(**ATTRIBUTES), timezone="UTC", source=SOURCE, unpriced_attributes=True
    )
    table = parse_tariff(text)
    assert table.unpriced == UNPRICED
    assert table == tariff_of(record(**ATTRIBUTES), unpriced_attributes=True)


def test_a_yaml_table_may_list_what_it_does_not_price() -> None:
    text = """\
id: t
name: Test
currency: USD
timezone: UTC
reference: test
unpriced: ["a facilities charge set by contract"]
versions:
  "2025-01-01":
    charges:
      - {kind: energy, price_per_kwh: "0.10"}
"""
    (bill,) = price(parse_tariff(text), january())
    assert bill.warnings[-1] == "not priced: a facilities charge set by contract"


# -- docs/urdb-fields.md -----------------------------------------------------------------------

_STATUSES = {"priced", "information only", "checked", "export rules", "refused"}


def doc_fields() -> dict[str, str]:
    """Each field of the doc's field tables → its status."""
    found: dict[str, str] = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `([A-Za-z_]+)` \| ([a-z ]+) \|", line)
        if match:
            name, status = match.groups()
            assert status in _STATUSES, line
            assert name not in found, f"{name} is listed twice"
            found[name] = status
    return found


def test_the_doc_lists_every_field_the_importer_knows() -> None:
    fields = doc_fields()
    known = {name for name, status in fields.items() if status != "refused"}
    assert sorted(known - (METADATA_FIELDS | PRICED_FIELDS)) == []
    assert sorted((METADATA_FIELDS | PRICED_FIELDS) - known) == []
    metadata = {name for name, status in fields.items() if status == "information only"}
    assert metadata <= METADATA_FIELDS


def test_the_doc_names_the_fields_it_refuses() -> None:
    refused = {name for name, status in doc_fields().items() if status == "refused"}
    assert "fueladjustmentsmonthly" in refused
    for name in refused:
        with pytest.raises(UnsupportedFeatureError) as caught:
            tariff_of(record(**{name: [D("0.01")] * 12}))
        assert caught.value.feature == name


def deliberate_refusals() -> set[str]:
    """The features that docs/urdb-fields.md lists as refused on purpose."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Deliberate refusals", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([^`]+)` \|", section, re.MULTILINE))


def deliberate(feature: str) -> str:
    """A refused feature as the doc lists it: without its indexes."""
    return re.sub(r"\[[0-9]+\]", "", feature)


def test_refusals_are_listed_by_their_feature() -> None:
    assert deliberate("energyratestructure[3][0].sell") == "energyratestructure.sell"
    assert {"energyratestructure.sell", "demandattrs", "lookbackMonths"} <= deliberate_refusals()


def test_peak_start_of_run_and_account_are_one_list() -> None:
    # A run's peak next to the account's: both are measured (coincident demand of 7 kW at
    # 17:00 of the 15th; the account's 02:00 of the 1st has 1 kW).
    tariff = tariff_of(record(**COINCIDENT))
    account = Account(account_id="A", coincident_peaks=["2025-01-01T02:00"])
    run = [CoincidentPeak(start="2025-01-15T17:00")]
    (bill,) = price(tariff, january(), account, coincident_peaks=run)
    (line,) = [line for line in bill.lines if line.code == "demand.coincident"]
    assert line.quantity == D(7)
