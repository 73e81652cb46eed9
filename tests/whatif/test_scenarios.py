"""Tests of what-if scenarios (`tariffs.whatif.scenarios`): text and YAML forms, each step, laws.

Expected quantities are worked out by hand in each test's docstring; readings are in
units of 0.001 kWh (scale 3) unless a test says otherwise.

The day used by most tests is 2025-07-01 in Asia/Shanghai (UTC+8, no DST), hourly, so
local hour h starts at 2025-06-30T16:00Z + h hours = epoch 1751299200 + 3600 h.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from strategies import TIME_ZONES, ReadingsCase, readings_cases, tariff_specs
from tables import peak_valley_yaml
from tariffs import ScenarioError, parse_tariff, price
from tariffs.model.readings import Readings
from tariffs.whatif.scenarios import (
    CapStep,
    PowerFactorStep,
    ScaleStep,
    ShiftStep,
    SolarStep,
    apply_scenario,
    describe_step,
    load_scenarios,
    parse_scenario,
    parse_scenarios_yaml,
    parse_step,
    scale_to_total,
)

JULY_FIRST = 1751299200  # 2025-07-01T00:00 Asia/Shanghai
ZONE = "Asia/Shanghai"

TOU_YAML = peak_valley_yaml("test-tou", "1.0", "0.2", name="Test time of use")


def day_readings(kwh: list[int], *, step: int = 3600, **columns: list[int] | None) -> Readings:
    """Readings of 2025-07-01 (Asia/Shanghai) from local midnight, one value per interval."""
    starts = [JULY_FIRST + step * i for i in range(len(kwh))]
    return Readings("day.csv", step, starts, 3, kwh, **columns)


def hour_values() -> list[int]:
    """1, 2, ..., 24 kWh in hours 0..23."""
    return [(hour + 1) * 1000 for hour in range(24)]


# -- compact text and YAML --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "shift:20%:peak->valley",
            ShiftStep(percent=Decimal(20), from_periods=["peak"], to=["valley"]),
        ),
        (
            "shift:3kWh/day:08:00-11:00,flat->22:00-06:00",
            ShiftStep(
                kwh_per_day=Decimal(3), from_periods=["08:00-11:00", "flat"], to=["22:00-06:00"]
            ),
        ),
        ("scale:1.1", ScaleStep(factor=Decimal("1.1"))),
        ("cap:500kW", CapStep(demand_kw=Decimal(500))),
        ("solar:100kWp", SolarStep(kwp=Decimal(100))),
        ("solar:5kWp:06:30-18:30", SolarStep(kwp=Decimal(5), sunrise="06:30", sunset="18:30")),
        ("solar:pv.csv", SolarStep(profile="pv.csv")),
        ("pf:0.95", PowerFactorStep(target=Decimal("0.95"))),
    ],
)
def test_compact_steps(text: str, expected: object) -> None:
    step = parse_step(text)
    assert step == expected
    assert parse_step(describe_step(step)) == step


def test_a_scenario_joins_steps_with_plus() -> None:
    scenario = parse_scenario("shift:20%:peak->valley+scale:1.1")
    assert scenario.name == "shift:20%:peak->valley+scale:1.1"
    assert [type(step) for step in scenario.steps] == [ShiftStep, ScaleStep]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("shift:120%:peak->valley", r"percent must be 0 to 100, found 120"),
        ("shift:20%:peak->peak", r"'peak' is both in 'from' and in 'to'"),
        ("shift:20%:Peak->valley", r"'Peak' is neither a period name"),
        ("shift:20%:08:00-25:00->valley", r"time outside 00:00-24:00"),
        ("shift:20%:peak", r"is not understood: write shift:20%:peak->valley"),
        ("cap:0kW", r"the cap must be more than 0 kW"),
        ("pf:1.2", r"above 0 and at most 1, found 1.2"),
        ("solar:5kWp:18:00-06:00", r"sunset 06:00 must be after sunrise 18:00"),
        ("grow:2", r"'grow:2' is not understood"),
        ("scale:-1", r"'scale:-1' is not understood"),
    ],
)
def test_bad_compact_steps(text: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_step(text)


@pytest.mark.parametrize(
    ("text", "held"),
    [
        ("scale:\uff11.\uff15", "'\uff11.\uff15' holds the non-ASCII digit '\uff11' (U+FF11)"),
        ("cap:\uff15kW", "'\uff15' holds the non-ASCII digit '\uff15' (U+FF15)"),
        (
            "shift:3kWh:\uff10\uff18:00-11:00->22:00-06:00",
            "'\uff10\uff18:00-11:00' holds the non-ASCII digit '\uff10' (U+FF10)",
        ),
        (
            "solar:5kWp:\uff10\uff16:00-18:00",
            "'\uff10\uff16:00-18:00' holds the non-ASCII digit '\uff10' (U+FF10)",
        ),
    ],
)
def test_steps_hold_ascii_digits_only(text: str, held: str) -> None:
    # The step's patterns find the number or window; the one rule for numbers and clock
    # times then refuses digits other than ASCII ones (float("\uff11.\uff15") is 1.5).
    with pytest.raises(ScenarioError) as caught:
        parse_step(text)
    assert str(caught.value) == f"scenario step {text!r}: {held}; write ASCII digits"


def test_scenario_file(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    path = tmp_path / "scenarios.yaml"
    path.write_text(
        "scenarios:\n"
        "  valley-shift:\n"
        "    - {kind: shift, percent: 20, from: [peak], to: [valley]}\n"
        "  growth-and-solar:\n"
        "    - scale:1.1\n"
        "    - {kind: solar, profile: profiles/pv.csv}\n"
        '    - {kind: power_factor, target: "0.95"}\n',
        encoding="utf-8",
    )
    first, second = load_scenarios(path)
    assert first.name == "valley-shift"
    assert first.steps == (ShiftStep(percent=Decimal(20), from_periods=["peak"], to=["valley"]),)
    assert second.name == "growth-and-solar"
    assert second.text == f"scale:1.1+solar:{tmp_path / 'profiles' / 'pv.csv'}+pf:0.95"


@pytest.mark.parametrize(
    ("body", "where"),
    [
        # The value of demand_kw, line 3 column 30.
        (
            'scenarios:\n  a:\n    - {kind: cap, demand_kw: "-5"}\n',
            r"s\.yaml:3:30: scenarios\.a\[0\]\.demand_kw: must be 0 or more",
        ),
        # A compact text that is not a step, at line 4.
        (
            "scenarios:\n  a:\n    - scale:1.1\n    - cap:lots\n",
            r"s\.yaml:4:7: scenarios\.a\[1\]: .*'cap:lots' is not understood",
        ),
        # A missing key is located at the mapping that lacks it.
        (
            "scenarios:\n  a:\n    - {kind: shift, percent: 5, from: [peak]}\n",
            r"s\.yaml:3:7: scenarios\.a\[0\]\.to: Field required",
        ),
        ("scenarios:\n  a: []\n", r"s\.yaml:2:\d+: scenarios: scenario 'a' has no steps"),
        ("scenarios:\n  a:\n    - {kind: teleport}\n", r"s\.yaml:3:\d+: scenarios\.a\[0\]"),
        ("- just a list\n", r"s\.yaml:1: expected a mapping with a 'scenarios' key"),
    ],
)
def test_bad_scenario_files(body: str, where: str) -> None:
    with pytest.raises(ScenarioError, match=where):
        parse_scenarios_yaml(body, "s.yaml")


def test_missing_scenario_file(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"absent\.yaml: no such scenario file"):
        load_scenarios(tmp_path / "absent.yaml")


# -- shift ------------------------------------------------------------------------------


def test_shift_a_percent_of_peak_to_valley() -> None:
    """20 % of each day's peak energy, taken in proportion, spread evenly over the valley.

    Hours 0..23 hold 1..24 kWh. Peak (08-20) is hours 8..19, 9..20 kWh, 174 kWh; 10 % of
    it, 17.4 kWh, is 10 % of every peak hour exactly (0.9 .. 2.0 kWh). The 12 valley
    hours (0..7, 20..23) each receive 17.4 / 12 = 1.45 kWh.
    """
    tariff = parse_tariff(TOU_YAML)
    readings = day_readings(hour_values())
    outcome = apply_scenario(
        readings, parse_step("shift:10%:peak->valley"), timezone=ZONE, tariff=tariff
    )
    expected = [
        (hour + 1) * 900 if 8 <= hour < 20 else (hour + 1) * 1000 + 1450 for hour in range(24)
    ]
    assert outcome.readings.kwh == expected
    assert sum(outcome.readings.kwh) == 300_000
    assert outcome.steps[0].quantities == {"moved_kwh": Decimal("17.400")}
    assert readings.kwh == hour_values()  # the input is not changed


def test_shift_remainders_go_to_the_largest_parts_then_the_earliest() -> None:
    """0.01 kWh (10 units) a day from the peak hours to the valley hours.

    Taken in proportion to 9000 .. 20000 units: every share is below one unit, and the
    10 units go to the 10 largest remainders, hours 19 down to 10. Given evenly to 12
    valley hours: 10 / 12 is below one, so the first 10 valley hours in time order
    (0..7, 20, 21) get one unit each, hours 22 and 23 none.
    """
    tariff = parse_tariff(TOU_YAML)
    outcome = apply_scenario(
        day_readings(hour_values()),
        parse_step("shift:0.01kWh:peak->valley"),
        timezone=ZONE,
        tariff=tariff,
    )
    changes = [new - old for new, old in zip(outcome.readings.kwh, hour_values(), strict=True)]
    assert changes == [1] * 8 + [0, 0] + [-1] * 10 + [1, 1, 0, 0]


def test_shift_between_clock_windows() -> None:
    """50 % of 12:00-14:00 (13 + 14 = 27 kWh → 13.5 kWh) to 02:00-04:00.

    Taken in proportion: 6.5 and 7.0 kWh; given evenly: 6.75 kWh to hours 2 and 3.
    """
    outcome = apply_scenario(
        day_readings(hour_values()), parse_step("shift:50%:12:00-14:00->02:00-04:00"), timezone=ZONE
    )
    kwh = outcome.readings.kwh
    assert kwh[12:14] == [6500, 7000]
    assert kwh[2:4] == [3000 + 6750, 4000 + 6750]
    assert sum(kwh) == 300_000


def test_shift_by_kwh_moves_what_there_is() -> None:
    """5 kWh a day out of 01:00-02:00, which holds 2 kWh: 2 kWh move, and a note says so."""
    outcome = apply_scenario(
        day_readings(hour_values()),
        parse_step("shift:5kWh:01:00-02:00->03:00-04:00"),
        timezone=ZONE,
    )
    assert outcome.readings.kwh[1] == 0
    assert outcome.readings.kwh[3] == 4000 + 2000
    (report,) = outcome.steps
    assert report.quantities["moved_kwh"] == Decimal("2.000")
    assert report.notes == (
        "on 1 day(s) the 'from' intervals held less than 5 kWh; all of it was moved",
    )


def test_shift_percent_is_rounded_half_up() -> None:
    """50 % of 0.003 kWh is 1.5 units: 2 units move."""
    kwh = [0] * 24
    kwh[10] = 3
    outcome = apply_scenario(
        day_readings(kwh), parse_step("shift:50%:10:00-11:00->00:00-01:00"), timezone=ZONE
    )
    assert (outcome.readings.kwh[10], outcome.readings.kwh[0]) == (1, 2)


def test_shift_stays_within_each_local_day() -> None:
    """Two days: each day's 08-20 energy goes to its own valley hours."""
    kwh = [1000] * 24 + [2000] * 24
    readings = Readings("two.csv", 3600, [JULY_FIRST + 3600 * i for i in range(48)], 3, kwh)
    tariff = parse_tariff(TOU_YAML)
    outcome = apply_scenario(
        readings, parse_step("shift:100%:peak->valley"), timezone=ZONE, tariff=tariff
    )
    assert sum(outcome.readings.kwh[:24]) == 24_000
    assert sum(outcome.readings.kwh[24:]) == 48_000
    # 12 peak hours × 1 kWh = 12 kWh, spread over 12 valley hours: 2 kWh each.
    assert outcome.readings.kwh[:8] == [2000] * 8


def test_shift_refusals() -> None:
    readings = day_readings(hour_values())
    tariff = parse_tariff(TOU_YAML)
    with pytest.raises(
        ScenarioError,
        match=r"names periods \(peak\) but no reference tariff was given to take them from; "
        r"give the tariff whose periods they are \(tariff=\.\.\.\), or clock windows",
    ):
        apply_scenario(readings, parse_step("shift:10%:peak->00:00-01:00"), timezone=ZONE)
    with pytest.raises(
        ScenarioError, match=r"tariff test-tou has no period 'flat' \(its periods: peak, valley\)"
    ):
        apply_scenario(readings, parse_step("shift:10%:flat->valley"), timezone=ZONE, tariff=tariff)
    with pytest.raises(
        ScenarioError,
        match=r"day\.csv: .*window 08:30-09:00 does not fall on the 60-minute interval "
        r"boundaries of the readings; give a window that starts and ends on a multiple of 60 "
        r"minutes from midnight$",
    ):
        apply_scenario(
            readings, parse_step("shift:10%:08:30-09:00->valley"), timezone=ZONE, tariff=tariff
        )
    with pytest.raises(
        ScenarioError, match=r"on 2025-07-01 the interval at 10:00 is both in 'from' and in 'to'"
    ):
        apply_scenario(
            readings, parse_step("shift:10%:peak->10:00-11:00"), timezone=ZONE, tariff=tariff
        )


def test_periods_finer_than_the_readings_say_what_would_do() -> None:
    # Peak from 08:30: the tariff's periods change on the half hour, the readings are hourly.
    half_hour = parse_tariff(peak_valley_yaml("half-hour", "1.0", "0.2", peak_hours="08:30-20:00"))
    with pytest.raises(
        ScenarioError,
        match=r"intervals of 60 min cannot be split at the 30-minute period boundaries of "
        r"tariff half-hour; give readings at 30 minutes or finer, or name clock windows "
        r"\(HH:MM-HH:MM\) on the readings' intervals instead of periods$",
    ):
        apply_scenario(
            day_readings(hour_values()),
            parse_step("shift:10%:peak->valley"),
            timezone=ZONE,
            tariff=half_hour,
        )


def test_shift_carries_kw_and_kvarh_with_the_energy() -> None:
    """10 kWh every hour; hour 12: 6 kvarh and 20 kW, hour 0: 2 kvarh and 10 kW.

    shift:50%:12:00-13:00->00:00-01:00 moves 5 kWh. Hour 12 gives kvarh in its own
    proportion, 6 × 5/10 = 3 kvarh, so its PF is kept (5 kWh, 3 kvarh); hour 0 receives
    them: 2 + 3 = 5 kvarh. The kW follow the kWh: hour 12 20 × 5/10 = 10 kW, hour 0
    10 × 15/10 = 15 kW. The other hours are unchanged (4 kvarh, 12 kW).
    """
    kvarh = [4_000] * 24
    kvarh[0], kvarh[12] = 2_000, 6_000
    kw = [12_000] * 24
    kw[0], kw[12] = 10_000, 20_000
    readings = day_readings([10_000] * 24, kvarh=kvarh, kw=kw)
    outcome = apply_scenario(
        readings, parse_step("shift:50%:12:00-13:00->00:00-01:00"), timezone=ZONE
    )
    result = outcome.readings
    assert (result.kwh[0], result.kwh[12]) == (15_000, 5_000)
    assert result.kvarh is not None and result.kw is not None
    assert (result.kvarh[0], result.kvarh[12]) == (5_000, 3_000)
    assert (result.kw[0], result.kw[12]) == (15_000, 10_000)
    assert result.kvarh[1:12] == [4_000] * 11 and result.kw[13:] == [12_000] * 11
    assert sum(result.kvarh) == sum(kvarh)
    assert outcome.steps[0].notes == ()
    unchanged = apply_scenario(
        readings, parse_step("shift:0%:12:00-13:00->00:00-01:00"), timezone=ZONE
    )
    assert unchanged.readings == readings


def test_an_interval_without_energy_takes_the_average_kw_of_what_it_receives() -> None:
    """15-minute intervals, 2 kWh in the first, none in the second (0 kW): moving 1 kWh
    there gives it 1 kWh × 60 / 15 = 4 kW; the first keeps 8 × 1/2 = 4 kW."""
    readings = day_readings([2_000, 0], step=900, kw=[8_000, 0])
    outcome = apply_scenario(
        readings, parse_step("shift:50%:00:00-00:15->00:15-00:30"), timezone=ZONE
    )
    assert outcome.readings.kwh == [1_000, 1_000]
    assert outcome.readings.kw == [4_000, 4_000]


# -- scale ------------------------------------------------------------------------------


def test_scale_is_exact() -> None:
    """× 1.1: kWh 1.000 → 1.1000 (scale 4, value × 11), export only gains a digit."""
    readings = day_readings([1000, 2345], step=3600, kvarh=[500, 7], export_kwh=[1, 2], kw=[3, 4])
    outcome = apply_scenario(readings, parse_step("scale:1.1"), timezone=ZONE)
    result = outcome.readings
    assert result.scale == 4
    assert result.kwh == [11000, 25795]
    assert result.kvarh == [5500, 77]
    assert result.kw == [33, 44]
    assert result.export_kwh == [10, 20]
    assert result.total() == Decimal("3.6795")
    assert outcome.steps[0].quantities == {
        "energy_kwh_before": Decimal("3.345"),
        "energy_kwh_after": Decimal("3.6795"),
    }


def test_scale_beyond_nine_places_is_refused() -> None:
    readings = Readings("r.csv", 3600, [JULY_FIRST], 8, [1])
    with pytest.raises(ScenarioError, match=r"r\.csv: .*would need 10 decimal places"):
        apply_scenario(readings, parse_step("scale:1.01"), timezone=ZONE)


def test_scale_to_total_keeps_the_shape_and_the_total() -> None:
    """7 units over 1 : 2 : 1 (old total 4) is 1.75, 3.5, 1.75.

    Floors 1, 3, 1 (sum 5); remainders 0.75, 0.5, 0.75: the two 0.75s get the 2 units
    left, giving 2, 3, 2. kvarh 4 × 7/4 = 7 exactly.
    """
    readings = day_readings([1, 2, 1], kvarh=[4, 0, 0])
    scaled = scale_to_total(readings, 7)
    assert scaled.kwh == [2, 3, 2]
    assert scaled.kvarh == [7, 0, 0]
    with pytest.raises(ScenarioError, match="no consumption to scale"):
        scale_to_total(day_readings([0, 0]), 5)


# -- cap --------------------------------------------------------------------------------


def test_cap_moves_the_peak_to_the_same_day() -> None:
    """10 kWh every hour but 40 kWh at 12:00; cap 20 kW (20 kWh an hour).

    20 kWh above the cap move to the 23 other hours in proportion to their room (10 kWh
    each, so evenly): 20000 / 23 = 869 units each, 13 units left for the first 13 hours
    in time order (0..11 and 13): 870 there, 869 in hours 14..23.
    """
    kwh = [10_000] * 24
    kwh[12] = 40_000
    outcome = apply_scenario(day_readings(kwh), parse_step("cap:20kW"), timezone=ZONE)
    result = outcome.readings.kwh
    assert result[12] == 20_000
    assert result[:12] == [10_870] * 12
    assert result[13] == 10_870
    assert result[14:] == [10_869] * 10
    assert sum(result) == sum(kwh)
    assert outcome.steps[0].quantities == {
        "moved_kwh": Decimal("20.000"),
        "cap_kwh_per_interval": Decimal("20.000"),
    }


def test_cap_carries_kvarh_and_holds_the_meter_kw_to_the_cap() -> None:
    """The day of the test above, with 5 kvarh and 12 kW each hour, and at 12:00 20 kvarh
    and 50 kW; cap 20 kW.

    Hour 12 gives 20 of its 40 kWh, and kvarh in its own proportion: 20 × 20/40 = 10
    kvarh. The 10 kvarh go in proportion to the kWh received (870 × 13 and 869 × 10
    units): 10000 × 870 / 20000 = 435 exactly; 10000 × 869 / 20000 = 434.5, so 434 and the
    5 units left to the first five of those hours (14..18): 5435 there, 5434 in 19..23.
    kW follow the kWh: 12 × 10.870 / 10 = 13.044, 12 × 10.869 / 10 = 13.0428 → 13.043;
    hour 12, 50 × 20/40 = 25 kW, is held to the cap: 20 kW.
    """
    kwh = [10_000] * 24
    kwh[12] = 40_000
    kvarh = [5_000] * 24
    kvarh[12] = 20_000
    kw = [12_000] * 24
    kw[12] = 50_000
    result = apply_scenario(
        day_readings(kwh, kvarh=kvarh, kw=kw), parse_step("cap:20kW"), timezone=ZONE
    ).readings
    assert result.kvarh is not None and result.kw is not None
    assert result.kvarh[12] == 10_000
    assert result.kvarh[:12] == [5_435] * 12 and result.kvarh[13] == 5_435
    assert result.kvarh[14:19] == [5_435] * 5 and result.kvarh[19:] == [5_434] * 5
    assert sum(result.kvarh) == sum(kvarh)
    assert result.kw[12] == 20_000
    assert result.kw[:12] == [13_044] * 12 and result.kw[14:] == [13_043] * 10


def test_cap_per_interval_is_rounded_down() -> None:
    """0.01 kW for 15 minutes is 0.0025 kWh: the cap is 2 units (0.002 kWh)."""
    readings = day_readings([3, 0, 0, 1], step=900)
    outcome = apply_scenario(readings, parse_step("cap:0.01kW"), timezone=ZONE)
    assert outcome.steps[0].quantities["cap_kwh_per_interval"] == Decimal("0.002")
    assert max(outcome.readings.kwh) <= 2
    assert sum(outcome.readings.kwh) == 4


def test_cap_that_cannot_fit_is_refused() -> None:
    """Cap 11 kW: 29 kWh above it at 12:00, and only 23 × 1 kWh of room below it."""
    kwh = [10_000] * 24
    kwh[12] = 40_000
    message = (
        r"day\.csv: scenario step 'cap:11kW': on 2025-07-01 the load cannot be held under "
        r"11 kW: 29\.000 kWh above the cap and only 23\.000 kWh of room below it that day"
    )
    with pytest.raises(ScenarioError, match=message):
        apply_scenario(day_readings(kwh), parse_step("cap:11kW"), timezone=ZONE)


# -- solar ------------------------------------------------------------------------------


def clear_sky_hour_kwh(k: int) -> Fraction:
    """Hand formula for 10 kWp over 06:00-18:00 (12 h), hour k after sunrise.

    The shape's integral is 12 h × (2x² − 4x³/3) with x = hours / 12, i.e.
    (18k² − k³) / 1296 × 120 kWh at x = k / 12; the difference between k + 1 and k is
    120 × (−3k² + 33k + 17) / 1296 kWh.
    """
    return Fraction(120 * (-3 * k * k + 33 * k + 17), 1296)


def test_clear_sky_shape() -> None:
    """Hours 6..17 get 1.574, 4.352, 6.574, 8.241, 9.352, 9.907 kWh and back (rounded).

    E.g. k = 0: 120 × 17 / 1296 = 1.5740… → 1.574; k = 5: 120 × 107 / 1296 = 9.9074… →
    9.907. The day makes 80 kWh (2/3 × 10 kWp × 12 h); the rounded hours add up to
    2 × 40.000 = 80.000 too.
    """
    hand = [1574, 4352, 6574, 8241, 9352, 9907]
    for k, value in enumerate(hand):
        assert round(clear_sky_hour_kwh(k) * 1000) == value
    readings = day_readings([5000] * 24)
    outcome = apply_scenario(readings, parse_step("solar:10kWp"), timezone=ZONE)
    generation = hand + hand[::-1]
    imports = [0] * 24
    exports = [0] * 24
    for hour in range(24):
        made = generation[hour - 6] if 6 <= hour < 18 else 0
        imports[hour] = max(0, 5000 - made)
        exports[hour] = max(0, made - 5000)
    assert outcome.readings.kwh == imports
    assert outcome.readings.export_kwh == exports
    assert outcome.steps[0].quantities == {
        "generation_kwh": Decimal("80.000"),
        "self_consumed_kwh": Decimal(sum(min(5000, g) for g in generation)) / 1000,
        "exported_kwh": Decimal(sum(exports)) / 1000,
    }


def test_solar_from_a_coarser_profile() -> None:
    """An hourly profile of 1.001 kWh split over four 15-minute intervals: 251, 250, 250, 250.

    The load is 0.1 kWh an interval: 0 imported, 0.151 / 0.150 kWh exported.
    """
    readings = day_readings([100] * 4, step=900, export_kwh=[5, 0, 0, 0])
    profile = Readings("pv.csv", 3600, [JULY_FIRST], 3, [1001])
    step = parse_step("solar:pv.csv")
    outcome = apply_scenario(readings, step, timezone=ZONE, profiles={"pv.csv": profile})
    assert outcome.readings.kwh == [0, 0, 0, 0]
    assert outcome.readings.export_kwh == [5 + 151, 150, 150, 150]


def test_solar_profile_must_cover_the_readings() -> None:
    readings = day_readings([100, 100])
    profile = Readings("pv.csv", 3600, [JULY_FIRST], 3, [1])
    with pytest.raises(ScenarioError, match=r"pv\.csv: .*no generation for 2025-06-30T17:00:00Z"):
        apply_scenario(
            readings, parse_step("solar:pv.csv"), timezone=ZONE, profiles={"pv.csv": profile}
        )
    with pytest.raises(ScenarioError, match=r"profile pv\.csv was not read"):
        apply_scenario(readings, parse_step("solar:pv.csv"), timezone=ZONE)


# -- power factor -----------------------------------------------------------------------


def test_power_factor_correction() -> None:
    """100 kWh and 100 kvarh (PF 0.707) corrected to 0.90.

    The kvarh allowed is 100 × √(1/0.9² − 1) = 100 × √0.19 / 0.9 = 48.4322… kvarh,
    rounded down to 48.432: PF = 100 / √(100² + 48.432²) = 0.90000… ≥ 0.90. The 51.568
    kvarh removed are taken in proportion to each interval's kvarh (here 1 : 3).
    """
    readings = day_readings([50_000, 50_000], kvarh=[25_000, 75_000])
    outcome = apply_scenario(readings, parse_step("pf:0.9"), timezone=ZONE)
    assert outcome.readings.kvarh == [12_108, 36_324]
    assert sum(outcome.readings.kvarh) == 48_432
    assert outcome.readings.kwh == readings.kwh
    assert outcome.steps[0].quantities == {"kvarh_removed": Decimal("51.568")}
    kwh, kvarh = Decimal(100), Decimal("48.432")
    assert kwh / (kwh * kwh + kvarh * kvarh).sqrt() >= Decimal("0.9")
    # One unit more would fall below the target.
    kvarh += Decimal("0.001")
    assert kwh / (kwh * kwh + kvarh * kvarh).sqrt() < Decimal("0.9")


def test_power_factor_is_corrected_per_billing_period() -> None:
    """June 30 (PF 1/√2) is corrected on its own; July 1 (PF 0.98) is left alone."""
    starts = [JULY_FIRST - 3600, JULY_FIRST]
    readings = Readings("r.csv", 3600, starts, 3, [1000, 1000], kvarh=[1000, 200])
    outcome = apply_scenario(readings, parse_step("pf:0.9"), timezone=ZONE)
    # June: 1 kWh allows √0.19 / 0.9 = 0.48432… → 0.484 kvarh.
    assert outcome.readings.kvarh == [484, 200]


def test_power_factor_needs_kvarh() -> None:
    with pytest.raises(ScenarioError, match=r"day\.csv: .*no kvarh column to correct"):
        apply_scenario(day_readings([1]), parse_step("pf:0.9"), timezone=ZONE)


# -- laws -------------------------------------------------------------------------------


@st.composite
def shift_cases(draw: st.DrawFn) -> tuple[ReadingsCase, str, str, str, Decimal]:
    """Readings, an energy-only TOU tariff without tiers, and two of its periods.

    The first period named is at least as dear as the second. Prices have 3 decimals and
    amounts are rounded to 6 places: kWh (3 decimals) × price is exact, so no line
    rounding can hide or add a cent.
    """
    zone = draw(st.sampled_from(TIME_ZONES))
    case = draw(readings_cases(zone, max_days=8))
    spec = draw(
        tariff_specs(
            zone, time_of_use=True, tiers=False, extras=False, price_places=3, rounding_places=6
        )
    )
    assert spec.period_prices is not None
    prices = {name: ladder[0] for name, ladder in spec.period_prices}
    names = sorted(prices)
    dear, cheap = draw(st.permutations(names))[:2]
    if prices[dear] < prices[cheap]:
        dear, cheap = cheap, dear
    percent = Decimal(draw(st.integers(0, 1000))).scaleb(-1)
    return case, spec.yaml_text(), dear, cheap, percent


@given(shift_cases())
def test_shifting_to_a_cheaper_period_never_raises_an_energy_only_bill(
    drawn: tuple[ReadingsCase, str, str, str, Decimal],
) -> None:
    case, text, dear, cheap, percent = drawn
    tariff = parse_tariff(text)
    step = ShiftStep(percent=percent, from_periods=[dear], to=[cheap])
    outcome = apply_scenario(case.readings, step, timezone=case.timezone, tariff=tariff)
    before = sum((bill.total for bill in price(tariff, case.readings)), Decimal(0))
    after = sum((bill.total for bill in price(tariff, outcome.readings)), Decimal(0))
    assert after <= before
    assert sum(outcome.readings.kwh) == sum(case.readings.kwh)


@given(readings_cases(max_days=6), st.data())
def test_moving_energy_keeps_the_total_exactly(case: ReadingsCase, data: st.DataObject) -> None:
    readings = case.readings
    hours = data.draw(st.lists(st.integers(0, 23), min_size=2, max_size=2, unique=True))
    source, target = (f"{h:02d}:00-{h + 1:02d}:00" for h in hours)
    amount = data.draw(st.sampled_from(["37.5%", "100%", "0.25kWh", "3kWh"]))
    shifted = apply_scenario(
        readings, parse_step(f"shift:{amount}:{source}->{target}"), timezone=case.timezone
    )
    assert sum(shifted.readings.kwh) == sum(readings.kwh)
    assert min(shifted.readings.kwh, default=0) >= 0
    if readings.kvarh is not None:
        assert shifted.readings.kvarh is not None
        assert sum(shifted.readings.kvarh) == sum(readings.kvarh)
        assert min(shifted.readings.kvarh, default=0) >= 0
    # A cap at or above each day's average demand always fits, and keeps the total.
    step_hours = Fraction(readings.interval_seconds, 3600)
    day_units = max(
        Fraction(sum(readings.kwh[i : i + round(24 / step_hours)]), round(24 / step_hours))
        for i in range(0, len(readings), round(24 / step_hours))
    )
    level = data.draw(st.integers(max(1, -(-day_units.numerator // day_units.denominator)), 30_000))
    cap_kw = Decimal(level) / 1000 / Decimal(step_hours.numerator) * step_hours.denominator
    if case.timezone in ("UTC", "Asia/Shanghai"):
        capped = apply_scenario(readings, CapStep(demand_kw=cap_kw), timezone=case.timezone)
        assert sum(capped.readings.kwh) == sum(readings.kwh)
        limit = Fraction(cap_kw) * 1000 * step_hours
        assert all(value <= limit for value in capped.readings.kwh)
        if readings.kvarh is not None:
            assert capped.readings.kvarh is not None
            assert sum(capped.readings.kvarh) == sum(readings.kvarh)


@given(readings_cases(max_days=3, timezone="UTC"), st.integers(1, 30_000), st.integers(1, 4))
def test_cap_never_raises_an_interval_above_the_cap(
    case: ReadingsCase, level: int, load_factor: int
) -> None:
    """No interval ends above the cap, in kWh or in the meter's kW; none above it gains.

    The meter's kW of each interval is its average demand × a load factor of 1 to 4.
    """
    readings = case.readings
    per_hour = 3600 // readings.interval_seconds
    readings = readings.with_values(kw=[v * per_hour * load_factor for v in readings.kwh])
    cap_kw = Decimal(level).scaleb(-3)
    limit = Fraction(cap_kw) * 1000 / per_hour
    try:
        capped = apply_scenario(readings, CapStep(demand_kw=cap_kw), timezone="UTC").readings
    except ScenarioError:
        return  # a day that cannot fit under the cap is refused, not changed
    assert capped.kw is not None
    for before, after in zip(readings.kwh, capped.kwh, strict=True):
        assert after <= limit
        if before > limit:
            assert after < before
    assert all(value <= level for value in capped.kw)


@given(
    readings_cases(max_days=4),
    st.sampled_from(["shift:0%:peak->valley", "scale:1", "cap:100000kW", "solar:0kWp", "pf:0.01"]),
)
def test_a_scenario_that_moves_no_energy_changes_nothing(case: ReadingsCase, text: str) -> None:
    readings = case.readings.with_values(kw=[2 * value for value in case.readings.kwh])
    tariff = parse_tariff(TOU_YAML.replace("Asia/Shanghai", case.timezone))
    if text.startswith("pf:"):
        # Without reactive energy the power factor is 1, above any target.
        readings = Readings(
            readings.source, readings.interval_seconds, readings.starts, readings.scale,
            readings.kwh, kvarh=[0] * len(readings), export_kwh=readings.export_kwh,
            kw=readings.kw,
        )  # fmt: skip
    outcome = apply_scenario(readings, parse_scenario(text), timezone=case.timezone, tariff=tariff)
    assert outcome.readings == readings


def test_dst_days_are_one_local_day() -> None:
    """On 2025-11-02 in Los Angeles (25 hours), 01:00-02:00 happens twice: both count."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("America/Los_Angeles")
    start = int(dt.datetime(2025, 11, 2, tzinfo=zone).timestamp())
    starts = [start + 3600 * i for i in range(25)]
    readings = Readings("la.csv", 3600, starts, 3, [1000] * 25)
    outcome = apply_scenario(
        readings, parse_step("shift:100%:01:00-02:00->03:00-04:00"), timezone="America/Los_Angeles"
    )
    # Hours 1 (PDT) and 1 (PST) are indexes 1 and 2; 03:00 PST is index 4.
    assert outcome.readings.kwh[1:3] == [0, 0]
    assert outcome.readings.kwh[4] == 3000
    assert re.fullmatch(r"shift:100%:01:00-02:00->03:00-04:00", outcome.steps[0].step)
