"""What charges ask to be measured from the intervals, and how the engine measures it.

A charge never sees readings. It declares the measures it needs (`needs` in its module:
a maximum demand over some window and periods, the energy of each clock hour, the energy
in time order); the engine measures them once per segment or bill, from the readings and
the plan of the segment, and hands the numbers over with the usage.

Demand is the average power over a demand window: the kWh of the window × 60 / window
minutes [kW]; reactive demand is the same over the kvarh of the window [kvar]. Windows
are clock-aligned in local time (``[00:00, 00:15)``, ``[00:15, 00:30)``, ...) or sliding
(every run of consecutive intervals that spans one window). A meter-reported ``kw``
column is used as it is (for demand, not reactive demand). Demand is never computed from
intervals longer than the window: that would be a guess.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import NamedTuple

from tariffs.engine.clock import utc_offset_runs
from tariffs.engine.coincident import coincident_demand
from tariffs.engine.schedule import Schedule
from tariffs.engine.usage import Plan, plan_segment
from tariffs.errors import ReadingsError
from tariffs.model.readings import Readings, to_decimal
from tariffs.model.tariff import DemandWindow

__all__ = [
    "DEMAND_WINDOWS",
    "EnergyByHour",
    "EnergyByStart",
    "EnergyInTimeOrder",
    "MaxDemand",
    "Measure",
    "bill_demand",
    "energy_by_hour",
    "energy_by_start",
    "energy_in_time_order",
    "locate_demand",
    "max_demand",
    "measure_demand",
    "within_windows",
]

#: Demand windows that are exact in kW: the window divides an hour [min].
DEMAND_WINDOWS = (5, 10, 15, 30, 60)


class MaxDemand(NamedTuple):
    """The maximum demand of the whole billing period [kW], over all its segments.

    Attributes:
        window_minutes: Demand window; one of `DEMAND_WINDOWS`.
        sliding: Sliding windows instead of clock-aligned ones.
        periods: Only windows inside these period indexes (None: all).
        hours: Only intervals inside these local clock spans ``[start, end)`` [min]
            (coincident-peak hours), or None.
        schedule: Classify the intervals by this schedule (a version's own
            ``demand_periods``) instead of the segments' energy schedules, or None.
        reactive: Reactive demand [kvar] from the ``kvarh`` column instead of demand
            [kW] from the ``kwh`` column (a meter's ``kw`` column is not used for it).
        at: Only inside these declared coincident-peak intervals ``(start, end, local
            minute of the start)`` [UTC epoch seconds], or None.
    """

    window_minutes: int
    sliding: bool = False
    periods: frozenset[int] | None = None
    hours: tuple[tuple[int, int], ...] | None = None
    schedule: Schedule | None = None
    reactive: bool = False
    at: tuple[tuple[int, int, int], ...] | None = None


@dataclass(frozen=True, slots=True)
class EnergyByHour:
    """The segment's imported energy by local clock hour: hour number → kWh units.

    The hour number counts local wall-clock hours since 1970-01-01 00:00 local time.
    """


@dataclass(frozen=True, slots=True)
class EnergyByStart:
    """The segment's imported energy by interval: start [UTC epoch seconds] → kWh units.

    The value is ``(interval length [s], {start: kWh units})``.
    """


@dataclass(frozen=True, slots=True)
class EnergyInTimeOrder:
    """The segment's imported energy in time order, by slices of one season and period.

    The value is ``((season_index, period_index, kwh units of each interval), ...)``.
    """


Measure = MaxDemand | EnergyByHour | EnergyByStart | EnergyInTimeOrder


def bill_demand(window: DemandWindow) -> MaxDemand:
    """The bill's maximum demand over all periods, measured as a version's window says."""
    return MaxDemand(window.minutes, window.sliding)


def measure_demand(
    measure: MaxDemand,
    readings: Readings,
    plans: Sequence[Plan],
    timezone: str,
    tariff_id: str,
) -> Decimal:
    """Measure a `MaxDemand` over the plans of a bill's segments [kW].

    Raises:
        ReadingsError: The readings are coarser than the window, or (coincident peaks)
            do not cover a declared interval.
    """
    if measure.at is not None:
        return coincident_demand(
            readings, measure.at, measure.window_minutes, sliding=measure.sliding,
            tariff_id=tariff_id,
        )  # fmt: skip
    return max_demand(
        readings,
        _demand_plans(measure, readings, plans, timezone),
        measure.window_minutes,
        sliding=measure.sliding,
        periods=None if measure.periods is None else set(measure.periods),
        tariff_id=tariff_id,
        reactive=measure.reactive,
    )


def _demand_plans(
    measure: MaxDemand, readings: Readings, plans: Sequence[Plan], timezone: str
) -> Sequence[Plan]:
    """The plans a measure is taken over: its own schedule's, cut to its hours."""
    if measure.schedule is not None:
        starts = readings.starts
        plans = [
            plan_segment(readings, measure.schedule, timezone, starts[plan.first],
                         starts[plan.last - 1] + 1, frozenset())
            for plan in plans
            if plan.first != plan.last
        ]  # fmt: skip
    if measure.hours is not None:
        plans = [within_windows(plan, readings, list(measure.hours)) for plan in plans]
    return plans


def locate_demand(
    measure: MaxDemand,
    readings: Readings,
    plans: Sequence[Plan],
    timezone: str,
    demand_kw: Decimal,
) -> tuple[int, int] | None:
    """Where a measured maximum demand occurred: ``(first, last)`` interval indexes.

    The first window (in time order) of the measure's windows whose demand equals
    ``demand_kw``, the value `measure_demand` gave; None when no window has it (no
    interval in the measure's periods), and for demand at declared coincident peaks,
    which are the windows themselves. Used to explain a bill, never to price one.
    """
    if measure.at is not None:
        return None
    scale = readings.scale
    plans = _demand_plans(measure, readings, plans, timezone)
    chosen = None if measure.periods is None else set(measure.periods)
    found_column = readings.kvarh if measure.reactive else readings.kwh
    if readings.kw is not None and not measure.reactive:
        found_column, per_window, factor = readings.kw, 1, 1
    else:
        per_window = measure.window_minutes * 60 // readings.interval_seconds
        factor = 60 // measure.window_minutes
    if found_column is None:
        return None
    column: list[int] = found_column
    target = int(demand_kw.scaleb(scale))
    if target % factor:
        return None
    target //= factor
    found: list[tuple[int, int]] = []
    starts = readings.starts
    span = measure.window_minutes * 60
    for plan in plans:
        if per_window == 1 or measure.sliding:
            for a, b, _ in _runs(plan, readings, chosen):
                for i in range(a, b - per_window + 1):
                    if per_window > 1 and starts[i + per_window - 1] - starts[i] != (
                        span - readings.interval_seconds
                    ):
                        continue
                    if sum(column[i : i + per_window]) == target:
                        found.append((i, i + per_window))
                        break
            continue
        windows: dict[int, list[int]] = {}
        for _, period, a, b, minute in plan.slices():
            if chosen is not None and period not in chosen:
                continue
            midnight = starts[a] - minute * 60
            for i in range(a, b):
                key = midnight + (starts[i] - midnight) // span * span
                entry = windows.setdefault(key, [0, i, i + 1])
                entry[0] += column[i]
                entry[1], entry[2] = min(entry[1], i), max(entry[2], i + 1)
        found.extend((lo, hi) for total, lo, hi in windows.values() if total == target)
    return min(found) if found else None


def _check(readings: Readings, window_minutes: int, tariff_id: str, reactive: bool) -> int:
    step = readings.interval_seconds // 60
    if readings.interval_seconds % 60 or step > window_minutes or window_minutes % step:
        what, meter = ("reactive demand", "") if reactive else ("demand", " (or a kw column)")
        raise ReadingsError(
            f"tariff {tariff_id} bills {what} over {window_minutes}-minute windows, which "
            f"intervals of {readings.interval_seconds // 60} min cannot give; "
            f"give readings at {window_minutes} minutes or finer{meter}, or "
            "measure demand over the readings' intervals as a declared deviation "
            "(--demand-window readings)",
            file=readings.source,
        )
    return window_minutes // step


def max_demand(
    readings: Readings,
    plans: Sequence[Plan],
    window_minutes: int,
    *,
    sliding: bool = False,
    periods: set[int] | None = None,
    tariff_id: str = "",
    reactive: bool = False,
) -> Decimal:
    """The maximum demand of some segments [kW], overall or within some periods.

    With ``reactive``, the maximum reactive demand [kvar]: the same windows over the
    ``kvarh`` column (kvarh of the window × 60 / window minutes).

    Args:
        readings: The readings the plans index.
        plans: Segments of one bill.
        window_minutes: Demand window; one of `DEMAND_WINDOWS`.
        sliding: Sliding windows instead of clock-aligned ones.
        periods: Only windows inside these period indexes (time-of-use demand).
        tariff_id: For messages.
        reactive: Measure reactive demand [kvar] from the kvarh column.

    Raises:
        ReadingsError: The readings are coarser than the window, or (``reactive``) have
            no kvarh column.
    """
    best = 0
    quantities = readings.kwh
    if reactive:
        if readings.kvarh is None:
            raise ReadingsError(
                f"tariff {tariff_id} has a reactive demand charge (per kvar), which needs "
                "reactive readings: the readings have no kvarh column",
                file=readings.source,
            )
        quantities = readings.kvarh
    scale = readings.scale
    meter_kw = False
    step_seconds = readings.interval_seconds
    chosen = None if periods is None else frozenset(periods)
    for plan in plans:
        if readings.kw is not None and not reactive:
            meter_kw = True
            runs = plan.runs_of(chosen)
            if runs:  # each run's maximum in C, over runs kept with the plan
                best = max(best, max(map(max, map(readings.kw.__getitem__, runs))))
            continue
        per_window = _check(readings, window_minutes, tariff_id, reactive)
        kwh = quantities
        step = step_seconds // 60
        if per_window == 1:
            # The common case: one interval per window, the max of a slice is C-speed;
            # over all periods, one max over the segment's whole range.
            if periods is None and plan.complete:
                if plan.first < plan.last:
                    best = max(best, max(kwh[plan.first : plan.last]))
                continue
            runs = plan.runs_of(chosen)
            if runs:
                best = max(best, max(map(max, map(kwh.__getitem__, runs))))
            continue
        starts = readings.starts
        span = window_minutes * 60
        if sliding:
            for a, b, _ in _runs(plan, readings, periods):
                for i in range(a, b - per_window + 1):
                    if starts[i + per_window - 1] - starts[i] == span - step * 60:
                        best = max(best, sum(kwh[i : i + per_window]))
            continue
        # Clock-aligned: add up the intervals of each local clock window. A window is
        # named by the UTC instant it starts at, found from the local midnight of the
        # slice (whose UTC offset is constant), so that a clock change (DST, or a
        # half-hour shift) starts windows on the new local clock, and a repeated local
        # hour makes windows of its own.
        windows: dict[int, int] = {}
        for _, period, a, b, minute in plan.slices():
            if periods is not None and period not in periods:
                continue
            midnight = starts[a] - minute * 60
            for i in range(a, b):
                key = midnight + (starts[i] - midnight) // span * span
                windows[key] = windows.get(key, 0) + kwh[i]
        if windows:
            best = max(best, max(windows.values()))
    if meter_kw:
        return to_decimal(best, scale)
    return to_decimal(best * (60 // window_minutes), scale)


def _runs(plan: Plan, readings: Readings, periods: set[int] | None) -> list[tuple[int, int, int]]:
    """Merge consecutive slices (within the chosen periods) into contiguous index runs."""
    runs: list[tuple[int, int, int]] = []
    starts = readings.starts
    step = readings.interval_seconds
    for _, period, a, b, minute in plan.slices():
        if periods is not None and period not in periods:
            continue
        if runs and runs[-1][1] == a and starts[a] - starts[a - 1] == step:
            runs[-1] = (runs[-1][0], b, runs[-1][2])
        else:
            runs.append((a, b, minute))
    return runs


def within_windows(plan: Plan, readings: Readings, spans: list[tuple[int, int]]) -> Plan:
    """The same plan, its slices cut down to local clock spans ``[start, end)`` [min].

    Used for coincident-peak demand, measured only in declared hours. Spans do not cross
    midnight (split them first). The cut plan is never kept.
    """
    starts = readings.starts
    slices = []
    for season, period, a, b, minute in plan.slices():
        day_start = starts[a] - minute * 60
        for start, end in spans:
            lo = bisect_left(starts, day_start + start * 60, a, b)
            hi = bisect_left(starts, day_start + end * 60, lo, b)
            if lo < hi:
                slices.append((season, period, lo, hi, minute + (starts[lo] - starts[a]) // 60))
    slices.sort(key=lambda item: item[2])
    return replace(plan, blocks=[], others=slices, complete=False, key=None)


def energy_by_hour(readings: Readings, plan: Plan, timezone: str) -> dict[int, int]:
    """Measure `EnergyByHour` for one segment: local hour number → kWh units."""
    starts, kwh = readings.starts, readings.kwh
    by_hour: dict[int, int] = {}
    if plan.first == plan.last:
        return by_hour
    for run_start, run_end, offset in utc_offset_runs(
        timezone, starts[plan.first], starts[plan.last - 1] + 1
    ):
        lo = bisect_left(starts, run_start, plan.first, plan.last)
        hi = bisect_left(starts, run_end, lo, plan.last)
        for i in range(lo, hi):
            hour = (starts[i] + offset) // 3600
            by_hour[hour] = by_hour.get(hour, 0) + kwh[i]
    return by_hour


def energy_by_start(readings: Readings, plan: Plan) -> tuple[int, dict[int, int]]:
    """Measure `EnergyByStart` for one segment."""
    starts, kwh = readings.starts, readings.kwh
    by_start = {starts[i]: kwh[i] for i in range(plan.first, plan.last)}
    return readings.interval_seconds, by_start


def energy_in_time_order(
    readings: Readings, plan: Plan
) -> tuple[tuple[int, int, tuple[int, ...]], ...]:
    """Measure `EnergyInTimeOrder` for one segment."""
    kwh = readings.kwh
    return tuple(
        (season, period, tuple(kwh[first:last])) for season, period, first, last, _ in plan.slices()
    )
