"""Maximum demand from interval readings, exactly.

Demand is the average power over a demand window: the kWh of the window × 60 / window
minutes [kW]. Windows are clock-aligned in local time (``[00:00, 00:15)``,
``[00:15, 00:30)``, ...) or sliding (every run of consecutive intervals that spans one
window). A meter-reported ``kw`` column is used as it is. Demand is never computed from
intervals longer than the window: that would be a guess.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from tariffs.engine.usage import Usage
from tariffs.errors import ReadingsError
from tariffs.model.readings import to_decimal

__all__ = ["DEMAND_WINDOWS", "max_demand", "within_windows"]

#: Demand windows that are exact in kW: the window divides an hour [min].
DEMAND_WINDOWS = (5, 10, 15, 30, 60)


def _check(usage: Usage, window_minutes: int, tariff_id: str) -> int:
    step = usage.readings.interval_seconds // 60
    if usage.readings.interval_seconds % 60 or step > window_minutes or window_minutes % step:
        raise ReadingsError(
            f"tariff {tariff_id} bills demand over {window_minutes}-minute windows, which "
            f"intervals of {usage.readings.interval_seconds // 60} min cannot give; "
            f"give readings at {window_minutes} minutes or finer (or a kw column)",
            file=usage.readings.source,
        )
    return window_minutes // step


def max_demand(
    usages: Sequence[Usage],
    window_minutes: int,
    *,
    sliding: bool = False,
    periods: set[int] | None = None,
    tariff_id: str = "",
) -> Decimal:
    """The maximum demand of some segments [kW], overall or within some periods.

    Args:
        usages: Segments of one bill (aggregated usage).
        window_minutes: Demand window; one of `DEMAND_WINDOWS`.
        sliding: Sliding windows instead of clock-aligned ones.
        periods: Only windows inside these period indexes (time-of-use demand).
        tariff_id: For messages.

    Raises:
        ReadingsError: The readings are coarser than the window.
    """
    best = 0
    scale = 0
    meter_kw = False
    for usage in usages:
        readings = usage.readings
        scale = usage.scale
        chosen = None if periods is None else frozenset(periods)
        if readings.kw is not None:
            meter_kw = True
            runs = usage.runs_of(chosen)
            if runs:  # each run's maximum in C, over runs kept from the plan
                best = max(best, max(map(max, map(readings.kw.__getitem__, runs))))
            continue
        per_window = _check(usage, window_minutes, tariff_id)
        kwh = readings.kwh
        step = readings.interval_seconds // 60
        if per_window == 1:
            # The common case: one interval per window, the max of a slice is C-speed;
            # over all periods, one max over the segment's whole range.
            if periods is None and usage.complete:
                if usage.first < usage.last:
                    best = max(best, max(kwh[usage.first : usage.last]))
                continue
            runs = usage.runs_of(chosen)
            if runs:
                best = max(best, max(map(max, map(kwh.__getitem__, runs))))
            continue
        starts = readings.starts
        span = window_minutes * 60
        if sliding:
            for a, b, _ in _runs(usage, periods):
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
        for _, period, a, b, minute in usage.slices:
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


def _runs(usage: Usage, periods: set[int] | None) -> list[tuple[int, int, int]]:
    """Merge consecutive slices (within the chosen periods) into contiguous index runs."""
    runs: list[tuple[int, int, int]] = []
    starts = usage.readings.starts
    step = usage.readings.interval_seconds
    for _, period, a, b, minute in usage.slices:
        if periods is not None and period not in periods:
            continue
        if runs and runs[-1][1] == a and starts[a] - starts[a - 1] == step:
            runs[-1] = (runs[-1][0], b, runs[-1][2])
        else:
            runs.append((a, b, minute))
    return runs


def within_windows(usage: Usage, spans: list[tuple[int, int]]) -> Usage:
    """The same usage, its slices cut down to local clock spans ``[start, end)`` [min].

    Used for coincident-peak demand, measured only in declared hours. Spans do not cross
    midnight (split them first).
    """
    starts = usage.readings.starts
    slices = []
    for season, period, a, b, minute in usage.slices:
        day_start = starts[a] - minute * 60
        for start, end in spans:
            lo = bisect_left(starts, day_start + start * 60, a, b)
            hi = bisect_left(starts, day_start + end * 60, lo, b)
            if lo < hi:
                slices.append((season, period, lo, hi, minute + (starts[lo] - starts[a]) // 60))
    slices.sort(key=lambda item: item[2])
    return replace(usage, day_blocks=[], other_slices=slices, complete=False, _cache={})
