"""Tests of what the engine keeps between calls (`tariffs.engine._kept`).

Every store is bounded and emptied by one `clear_caches`; tariffs, versions and charges
are keyed by value, so equal tariffs share what is derived from them and a changed copy
shares nothing. Each kept path is compared with its slow twin: the same call after
forgetting everything.
"""

from __future__ import annotations

import datetime as dt
import gc
import pickle
import re
from decimal import Decimal
from pathlib import Path

import pytest

from tables import peak_valley_yaml
from tariffs import Account, load_tariff, parse_readings_csv, parse_tariff, price, read_readings_csv
from tariffs.engine import _kept
from tariffs.engine._kept import clear_caches, sizes, value_key
from tariffs.io.render.bills import bills_to_json
from tariffs.model.readings import Readings

ROOT = Path(__file__).resolve().parents[2]
TABLES = sorted((ROOT / "tariff_tables").rglob("*.yaml"))

FLAT = peak_valley_yaml("flat", "0.6", "0.3", peak_hours="08:00-22:00", name="Flat")


def quarter_year(seed: int, kvarh: bool = True) -> Readings:
    """Three months of 15-minute readings from 2025-06-01 (Asia/Shanghai)."""
    start = int(dt.datetime(2025, 6, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))).timestamp())
    count = 92 * 96
    kwh = [1000 + (i * 7919 * seed) % 3000 for i in range(count)]
    return Readings(
        source=f"meter-{seed}.csv",
        interval_seconds=900,
        starts=list(range(start, start + count * 900, 900)),
        scale=3,
        kwh=kwh,
        kvarh=[value // 2 for value in kwh] if kvarh else None,
    )


# What the bundled tables do not exercise: demand by period on a demand schedule of its
# own, in declared hours, over clock-aligned 30-minute windows, and a chronological ladder.
MEASURED = """\
id: measured
name: Measured from the intervals
currency: CNY
timezone: Asia/Shanghai
reference: written for the tests
versions:
  "2025-01-01":
    demand_window: {minutes: 30}
    periods:
      - windows:
          peak: ["08:00-22:00"]
          valley: ["22:00-08:00"]
    demand_periods:
      - windows: {on_peak: ["12:00-18:00"], off_peak: ["18:00-12:00"]}
    charges:
      - kind: energy
        prices: {peak: ["0.6", "0.9"], valley: ["0.3", "0.5"]}
        tiers: {bounds_kwh: ["4000"], method: chronological}
      - {kind: demand, prices: {on_peak: "10", off_peak: "1"}}
      - {kind: demand, code: demand.coincident, price_per_kw: "2", hours: ["16:00-19:00"]}
"""


ACCOUNT = Account(
    account_id="F-1",
    capacity_kva=Decimal(1250),
    contract_demand_kw=Decimal(600),
    basic_charge_method="contract_demand",
)


def test_clear_caches_empties_every_store() -> None:
    price(load_tariff("cn-sh-industrial-two-part"), quarter_year(1), ACCOUNT)
    assert sum(entries for entries, _, _ in sizes().values()) > 0
    clear_caches()
    assert all(entries == 0 and held == 0 for entries, held, _ in sizes().values())


def test_every_store_is_in_the_table_of_the_module_and_has_a_bound() -> None:
    listed = set(re.findall(r"^``(\w+)``", _kept.__doc__ or "", re.M))
    assert listed == set(sizes())
    assert all(limit > 0 for _, _, limit in sizes().values())


def test_kept_bills_equal_bills_priced_with_nothing_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """The slow twin: every bundled table (and a table of measured demand) priced with no
    store ever finding anything, then all of them again, one after another, with
    everything kept, on two meters that share a time axis."""
    tariffs = [*(load_tariff(table) for table in TABLES), parse_tariff(MEASURED, "m.yaml")]
    cases = [(tariff, seed) for tariff in tariffs for seed in (1, 2)]
    slow = {}
    with monkeypatch.context() as patch:
        patch.setattr(_kept.Store, "get", lambda self, key: None)
        for tariff, seed in cases:
            slow[tariff.id, seed] = bills_to_json(price(tariff, quarter_year(seed), ACCOUNT))
    clear_caches()
    for _ in range(2):
        for tariff, seed in cases:
            kept = bills_to_json(price(tariff, quarter_year(seed), ACCOUNT))
            assert kept == slow[tariff.id, seed], (tariff.id, seed)


def test_equal_tariffs_share_plans_and_a_changed_copy_does_not() -> None:
    first, second = parse_tariff(FLAT, "a.yaml"), parse_tariff(FLAT, "a.yaml")
    assert first is not second and value_key(first) == value_key(second)
    readings = quarter_year(3, kvarh=False)
    clear_caches()
    bills = price(first, readings)
    held = sizes()["bill_plans"]
    assert price(second, readings) == bills  # the same plans: nothing new is kept
    assert sizes()["bill_plans"] == held
    version = first.versions[dt.date(2025, 1, 1)]
    charge = version.charges[0].model_copy(
        update={"prices": {"peak": Decimal("0.7"), "valley": Decimal("0.3")}}
    )
    changed = first.model_copy(
        update={"versions": {dt.date(2025, 1, 1): version.model_copy(update={"charges": [charge]})}}
    )
    assert value_key(changed) != value_key(first)
    repriced = price(changed, readings)
    assert sizes()["bill_plans"][0] == held[0] + 1
    peak = [line for line in repriced[0].lines if line.code == "energy.peak"]
    assert peak and peak[0].rate == Decimal("0.7")
    assert repriced[0].total > bills[0].total


def test_a_tariff_sent_to_a_worker_again_shares_the_plans_made_for_it() -> None:
    """A worker process gets a new, equal tariff object with every chunk of accounts."""
    tariff = load_tariff("cn-sh-industrial-two-part")
    readings = quarter_year(4)
    clear_caches()
    bills = price(tariff, readings, ACCOUNT)
    held = sizes()
    again = pickle.loads(pickle.dumps(tariff))  # noqa: S301 - the test's own object
    assert again is not tariff
    assert price(again, readings, ACCOUNT) == bills
    assert sizes() == held  # nothing compiled, planned or resolved again


def test_a_store_that_would_pass_its_bound_starts_again() -> None:
    store: _kept.Store[int] = _kept.Store("test", 3)
    try:
        store.keep("a", 1, 2)
        store.keep("b", 2, 1)
        assert (len(store), store.held) == (2, 3)
        store.keep("c", 3, 1)  # 4 > 3: everything forgotten first
        assert (len(store), store.held, store.get("a"), store.get("c")) == (1, 1, None, 3)
        assert store.keep("d", 4, 4) == 4  # heavier than the whole bound: not kept
        assert (len(store), store.held, store.get("d")) == (1, 1, None)
        clear_caches()
        assert len(store) == 0
    finally:
        _kept._STORES.remove(store)


def test_readings_read_twice_are_priced_from_the_same_plans(tmp_path: Path) -> None:
    rows = ["start,kwh"] + [
        f"2025-07-{day:02d}T{hour:02d}:00,{(day * hour) % 7 + 1}.5"
        for day in range(1, 32)
        for hour in range(24)
    ]
    path = tmp_path / "july.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    tariff = parse_tariff(FLAT, "flat.yaml")
    clear_caches()
    one = read_readings_csv(path, tariff.timezone)
    two = read_readings_csv(path, tariff.timezone)
    assert one.axis is not None and one.axis == two.axis
    first = price(tariff, one)
    segments = sizes()["segment_plans"]
    assert price(tariff, two) == first
    assert sizes()["segment_plans"] == segments


def test_a_value_key_is_remembered_while_its_model_lives_and_goes_with_it() -> None:
    # A worker is sent a fresh copy of a tariff with each chunk of accounts: the copies'
    # keys must go with them, not pile up (nor keep the copies alive) until a bound.
    clear_caches()
    tariff = parse_tariff(FLAT)
    key = value_key(tariff)
    copies = [pickle.loads(pickle.dumps(tariff)) for _ in range(3)]  # noqa: S301 - our own object
    assert [value_key(copy) for copy in copies] == [key] * 3
    assert len(_kept._VALUE_KEYS) == 4
    del copies
    gc.collect()
    assert list(_kept._VALUE_KEYS) == [id(tariff)]
    assert value_key(tariff) == key
    changed = tariff.model_copy(update={"name": "Flat, renamed"})
    assert value_key(changed) != key
    del tariff, changed
    gc.collect()
    assert not _kept._VALUE_KEYS


def test_a_start_column_is_kept_by_its_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    # The column of starts a reader keeps weighs its rows (its text and its parsed
    # starts), so that a long file's column is not kept as if it were a day's.
    monkeypatch.setattr(_kept.reader_spans, "limit", 100)
    clear_caches()

    def day_text(days: int) -> str:
        first = dt.datetime(2025, 7, 1)
        return "start,kwh\n" + "".join(
            f"{first + dt.timedelta(minutes=15 * k):%Y-%m-%dT%H:%M},1\n" for k in range(96 * days)
        )

    two_days = parse_readings_csv(day_text(2), "two.csv", "Asia/Shanghai")
    assert sizes()["reader_spans"] == (0, 0, 100)  # 192 rows: more than the bound
    one_day = parse_readings_csv(day_text(1), "one.csv", "Asia/Shanghai")
    assert sizes()["reader_spans"] == (1, 96, 100)
    again = parse_readings_csv(day_text(1), "again.csv", "Asia/Shanghai")
    assert again.starts == one_day.starts == two_days.starts[:96]
    assert len(two_days.starts) == 192


def test_a_price_class_is_copied_once_per_table_and_file() -> None:
    from tariffs.engine.pricing import price_class_of

    path = Path(__file__).parents[2] / "examples" / "price-class" / "example-10kv-classes.yaml"
    table = load_tariff(path)
    first = price_class_of(table)
    assert first.price_classes == ["large_industry"]
    assert price_class_of(table) is first  # kept: no copy (nor value key) per bill
    assert price_class_of(table, "commercial").price_classes == ["commercial"]
    assert price_class_of(table, "commercial") is not first
    # An equal table read from another file keeps its own file in its copy's messages.
    elsewhere = table.model_copy()
    elsewhere._source = "elsewhere.yaml"
    assert price_class_of(elsewhere).source == "elsewhere.yaml"
    assert price_class_of(table).source == table.source


def test_the_readers_tables_of_values_are_cleared_and_shown_with_the_stores(
    tmp_path: Path,
) -> None:
    from tariffs import read_readings_csv

    path = tmp_path / "plain.csv"
    path.write_text("start,kwh\n2025-01-01T00:00,1.5\n2025-01-01T00:15,12.5\n", encoding="utf-8")
    fixed = tmp_path / "fixed.csv"  # fixed columns, the same column of starts
    fixed.write_text("start,kwh\n2025-01-01T00:00,1.500\n2025-01-01T00:15,2.250\n", "utf-8")
    clear_caches()
    assert read_readings_csv(path, "Asia/Shanghai").kwh == [1500, 12500]
    assert sizes()["reader_values"][0] == 0  # a file alone keeps no values
    assert read_readings_csv(path, "Asia/Shanghai").kwh == [1500, 12500]
    assert sizes()["reader_values"][0] == 2  # "1.5" and "12.5": its starts were read before
    assert read_readings_csv(fixed, "Asia/Shanghai").kwh == [1500, 2250]
    assert sizes()["reader_words"][0] == 2  # the digits 1500 and 2250
    clear_caches()
    assert sizes()["reader_values"][0] == sizes()["reader_words"][0] == 0
