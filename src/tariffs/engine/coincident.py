"""Coincident-peak demand: the customer's demand in declared system-peak intervals.

Coincident-peak charges bill the customer's demand at the hours of the grid's own peak
(as ERCOT's four and PJM's five coincident peaks, or a utility's "system peak hours"
do). Those hours become known only after the fact, so
a tariff cannot write them as clock windows; the run (``coincident_peaks`` of `price`,
``--coincident-peaks FILE.csv``) or the account (``coincident_peaks``) declares them,
and a demand charge with ``measured_at: coincident_peaks`` measures the bill's maximum
demand only inside the declared intervals of the bill (with ``hours``, only those of
them inside the charge's clock windows: a charge per period of a coincident schedule).
REopt models the same input as
``coincident_peak_load_active_time_steps`` with one ``coincident_peak_load_charge_per_kw``
per set of time steps, each charged on the maximum load of its steps (NREL/REopt.jl
``src/core/electric_tariff.jl``).

A declared interval is measured in whole demand windows: its start and length must be
whole windows on the local clock, and the readings must cover all of it. Nothing is
guessed: a bill with no declared interval, an interval the readings do not cover, or a
local start that does not exist or is ambiguous (a clock change) is refused.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from tariffs.errors import AccountError, ReadingsError
from tariffs.model.account import CoincidentPeak
from tariffs.model.readings import Readings, to_decimal

__all__ = ["Peak", "coincident_demand", "peaks_in_bill", "resolve_peaks"]

#: How the run or the account declares the intervals, for messages.
HOW_TO_DECLARE = (
    "declare them with --coincident-peaks FILE.csv (rows start[,hours]) or the account's "
    "coincident_peaks"
)


class Peak(NamedTuple):
    """A declared coincident-peak interval on the UTC axis of the readings.

    Attributes:
        start: First instant [UTC epoch seconds].
        end: Instant after the last [UTC epoch seconds].
        local_start: The start on the tariff's local clock (naive), for messages.
        local_minute: Minutes of the local start since local midnight.
    """

    start: int
    end: int
    local_start: dt.datetime
    local_minute: int


def resolve_peaks(
    peaks: Iterable[CoincidentPeak], timezone: str, source: str | None = None
) -> tuple[Peak, ...]:
    """Place declared intervals on the UTC axis, in time order.

    A start without a UTC offset is local time in ``timezone``.

    Raises:
        AccountError: A local start that does not exist or is ambiguous in the zone, or
            two declared intervals that overlap.
    """
    zone = ZoneInfo(timezone)
    found: list[Peak] = []
    for index, peak in enumerate(peaks):
        start = peak.start
        if start.tzinfo is None:
            early = start.replace(tzinfo=zone, fold=0)
            late = start.replace(tzinfo=zone, fold=1)
            if early.utcoffset() != late.utcoffset():
                round_trip = early.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
                what = "does not exist" if round_trip != start else "is ambiguous"
                raise AccountError(
                    f"coincident peak {start.isoformat(timespec='minutes')} {what} in "
                    f"{timezone} (the clocks change); give it with its UTC offset",
                    file=source,
                    path=f"coincident_peaks[{index}].start",
                )
            aware = early
        else:
            aware = start
        utc = int(aware.timestamp())
        local = aware.astimezone(zone).replace(tzinfo=None)
        minute = local.hour * 60 + local.minute
        found.append(Peak(utc, utc + peak.minutes * 60, local, minute))
    found.sort()
    for earlier, later in zip(found, found[1:], strict=False):
        if later.start < earlier.end:
            raise AccountError(
                f"coincident peaks {earlier.local_start.isoformat(timespec='minutes')} and "
                f"{later.local_start.isoformat(timespec='minutes')} overlap; declare each "
                "interval once",
                file=source,
                path="coincident_peaks",
            )
    return tuple(found)


def peaks_in_bill(
    peaks: Sequence[Peak],
    period_start: dt.date,
    period_end: dt.date,
    code: str,
    tariff_id: str,
    source: str | None = None,
    hours: Sequence[tuple[int, int]] | None = None,
) -> tuple[tuple[int, int, int], ...]:
    """The declared intervals that start in a billing period, as ``(start, end, minute)``.

    With ``hours`` (local clock spans ``[start, end)`` [min] of the charge), only the
    intervals inside one of them; there may be none.

    Raises:
        AccountError: None starts in the period: the coincident-peak hours are missing;
            or an interval lies partly inside the charge's hours.
    """
    in_bill = [peak for peak in peaks if period_start <= peak.local_start.date() < period_end]
    if not in_bill:
        last = period_end - dt.timedelta(days=1)
        raise AccountError(
            f"tariff {tariff_id}: charge {code} bills demand at the coincident peaks, and no "
            f"coincident-peak interval is declared in the bill {period_start} to {last}: the "
            f"system's peak hours are what is missing; {HOW_TO_DECLARE}",
            file=source,
        )
    if hours is not None:
        in_bill = [peak for peak in in_bill if _inside(peak, hours, code, tariff_id, source)]
    return tuple((peak.start, peak.end, peak.local_minute) for peak in in_bill)


def _merged(hours: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Clock spans [min] with the ones that touch or overlap joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(hours):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _inside(
    peak: Peak, hours: Sequence[tuple[int, int]], code: str, tariff_id: str, source: str | None
) -> bool:
    """Whether a declared interval lies inside the charge's hours (refused if partly).

    Raises:
        AccountError: The interval lies partly inside the hours.
    """
    first = peak.local_minute
    last = first + (peak.end - peak.start) // 60
    for start, end in _merged(hours):
        if start <= first and last <= end:
            return True
        if first < end and start < last:
            shown = peak.local_start.isoformat(timespec="minutes")
            raise AccountError(
                f"tariff {tariff_id}: the coincident peak {shown} lies partly inside the "
                f"hours of charge {code} and partly outside; declare it as intervals on each "
                "side",
                file=source,
            )
    return False


def coincident_demand(
    readings: Readings,
    spans: Sequence[tuple[int, int, int]],
    window_minutes: int,
    *,
    sliding: bool = False,
    tariff_id: str = "",
) -> Decimal:
    """The maximum demand inside declared intervals [kW].

    Demand is the kWh of a demand window × 60 / window minutes, over the clock-aligned
    windows inside each interval (or, with ``sliding``, every run of consecutive
    intervals of one window inside it); a meter's ``kw`` column is used as it is.

    Raises:
        ReadingsError: An interval that is not whole demand windows of the local clock,
            readings coarser than the window, or readings that do not cover an interval.
    """
    step = readings.interval_seconds
    span_seconds = window_minutes * 60
    starts = readings.starts
    best = 0
    for start, end, minute in spans:
        shown = dt.datetime.fromtimestamp(start, dt.UTC).strftime("%Y-%m-%dT%H:%M")
        if readings.kw is None and (
            minute % window_minutes or (end - start) % span_seconds or step > span_seconds
            or span_seconds % step
        ):  # fmt: skip
            raise ReadingsError(
                f"tariff {tariff_id}: the coincident peak at {shown} UTC is not a whole "
                f"number of {window_minutes}-minute demand windows of the local clock, "
                f"measured from intervals of {step // 60} min; demand there cannot be "
                "measured exactly",
                file=readings.source,
            )
        lo = bisect_left(starts, start)
        hi = bisect_left(starts, end, lo)
        if hi - lo != (end - start) // step or (hi > lo and starts[lo] != start):
            raise ReadingsError(
                f"tariff {tariff_id}: the readings do not cover the coincident peak at "
                f"{shown} UTC ({hi - lo} of {(end - start) // step} intervals); demand there "
                "is not known",
                file=readings.source,
            )
        if readings.kw is not None:
            best = max(best, max(readings.kw[lo:hi]))
            continue
        per_window = span_seconds // step
        kwh = readings.kwh
        if sliding:
            sums = (sum(kwh[i : i + per_window]) for i in range(lo, hi - per_window + 1))
        else:
            sums = (sum(kwh[i : i + per_window]) for i in range(lo, hi, per_window))
        best = max(best, max(sums))
    if readings.kw is not None:
        return to_decimal(best, readings.scale)
    return to_decimal(best * (60 // window_minutes), readings.scale)
