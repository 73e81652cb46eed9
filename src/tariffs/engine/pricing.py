"""Price readings under a tariff: billing periods, version segments, tier ladders, bills.

The flow is one direction. First the plan of the bills, from the time axis alone: billing
periods are cut from the readings' span (or the dates asked for), each period is cut at
version changes into segments, and each segment's intervals are classified by season and
period; the plan is kept for the next meter on the same axis. Then each segment's usage
is summed once and every charge prices it, in the order the tariff writes them.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, localcontext
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from tariffs.engine import _kept
from tariffs.engine._kept import clear_caches, value_key
from tariffs.engine.charges import KINDS
from tariffs.engine.charges.context import BillUsage, Carried, Context, Setting
from tariffs.engine.coincident import Peak, resolve_peaks
from tariffs.engine.estimate import estimated_in, estimated_warning
from tariffs.engine.exports import (
    Metering,
    check_credits_in,
    exported_by_key,
    metering_of,
    net_metering_lines,
    net_segment,
    segment_credits,
    settle_bill,
)
from tariffs.engine.measures import (
    EnergyByHour,
    EnergyByStart,
    EnergyInTimeOrder,
    MaxDemand,
    Measure,
    energy_by_hour,
    energy_by_start,
    energy_in_time_order,
    measure_demand,
)
from tariffs.engine.schedule import Schedule, compile_schedule
from tariffs.engine.usage import (
    Plan,
    SpanCodes,
    Usage,
    add_loss_parts,
    add_losses,
    check_resolution,
    plan_segment,
    usage_of,
)
from tariffs.errors import AccountError, ReadingsError, TariffFileError
from tariffs.model.account import Account, CoincidentPeak, MeterState
from tariffs.model.bill import Bill, BillWarning, Invoice, Line, MeterReading, round_amount
from tariffs.model.charges import EnergyCharge
from tariffs.model.common import WIDE_CONTEXT
from tariffs.model.eligibility import assess
from tariffs.model.readings import Readings, to_decimal
from tariffs.model.tariff import Tariff, Vat, Version

if TYPE_CHECKING:
    from tariffs.engine.explain import Recorder

__all__ = ["billing_periods", "clear_caches", "local_midnight", "price", "price_recorded"]


def local_midnight(day: dt.date, zone: ZoneInfo) -> int:
    """UTC epoch seconds of the first instant of a local date.

    Where a time zone skips midnight (a DST change at 00:00), the first instant that
    exists is used.
    """
    moment = dt.datetime(day.year, day.month, day.day, tzinfo=zone)
    utc = int(moment.timestamp())
    # A non-existent local midnight maps past the gap; fold=0 gives the earlier offset.
    return utc


def _local_date(t: int, zone: ZoneInfo) -> dt.date:
    return dt.datetime.fromtimestamp(t, zone).date()


def _next_boundary(day: dt.date, read_day: int) -> dt.date:
    """The first billing-period start after ``day`` (calendar months, or a read day)."""
    year, month = day.year, day.month
    candidate = dt.date(year, month, read_day)
    if candidate > day:
        return candidate
    month += 1
    if month == 13:
        year, month = year + 1, 1
    return dt.date(year, month, read_day)


def _period_start(day: dt.date, read_day: int) -> dt.date:
    candidate = dt.date(day.year, day.month, read_day)
    if candidate <= day:
        return candidate
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return dt.date(year, month, read_day)


def billing_periods(
    first: dt.date, last: dt.date, read_day: int = 1
) -> list[tuple[dt.date, dt.date]]:
    """The billing periods that contain the local dates ``first`` to ``last`` (inclusive).

    Args:
        first: First local date to bill.
        last: Last local date to bill.
        read_day: Day of the month on which periods start (1: calendar months).

    Returns:
        ``(start, end)`` of each whole period, end exclusive.

    >>> billing_periods(dt.date(2025, 1, 20), dt.date(2025, 3, 1))[1]
    (datetime.date(2025, 2, 1), datetime.date(2025, 3, 1))
    """
    periods = []
    start = _period_start(first, read_day)
    while start <= last:
        end = _next_boundary(start, read_day)
        periods.append((start, end))
        start = end
    return periods


@dataclass(slots=True)
class _Ladders:
    """What is carried from bill to bill.

    The year-to-date kWh of annual tier ladders, and the maximum demand of each month
    (for ratchets).
    """

    initial_kwh: Decimal
    first_year: dict[int, int]
    counted: dict[tuple[int, int], Decimal]
    demand_history_kw: dict[tuple[int, int], Decimal]
    carried: Carried
    annual_months: list[int]

    def position(self, start_month: int, day: dt.date) -> Decimal:
        year = day.year if day.month >= start_month else day.year - 1
        first = self.first_year.setdefault(start_month, year)
        initial = self.initial_kwh if year == first else Decimal(0)
        return initial + self.counted.get((start_month, year), Decimal(0))

    def add(self, start_month: int, day: dt.date, kwh: Decimal) -> None:
        year = day.year if day.month >= start_month else day.year - 1
        self.first_year.setdefault(start_month, year)
        self.counted[(start_month, year)] = self.counted.get((start_month, year), Decimal(0)) + kwh


def price(
    tariff: Tariff,
    readings: Readings,
    account: Account | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    event_days: Iterable[dt.date] = (),
    demand_window: Literal["tariff", "readings"] = "tariff",
    coincident_peaks: Iterable[CoincidentPeak] = (),
    metering: str | None = None,
) -> list[Bill]:
    """Price interval readings under one tariff, one bill per billing period.

    Args:
        tariff: A validated tariff table.
        readings: Uniform intervals of imported energy [kWh] (and reactive energy [kvarh],
            export [kWh] where the tariff needs them).
        account: Contract data the tariff needs; tier allowances, event days,
            year-to-date kWh, service dates and the meter-reading day.
        start: First local date to bill (default: the readings' first day).
        end: Local date after the last day to bill, exclusive (default: after the
            readings' last interval).
        event_days: Declared event days (critical peak) of this run, besides the
            account's ``critical_peak_days`` and the tariff's ``event_days``.
        demand_window: ``tariff``: maximum demand is measured over the tariff's demand
            window, and readings coarser than it are refused. ``readings``: a declared
            deviation for readings coarser than the window (hourly energy under a
            15-minute demand tariff): demand is measured over the readings' own
            clock-aligned intervals (of at most 60 minutes), and each bill says so.
        coincident_peaks: Declared coincident-peak intervals of this run, besides the
            account's ``coincident_peaks``, where demand charges ``measured_at:
            coincident_peaks`` measure (`tariffs.engine.coincident`).
        metering: The metering rule of exported energy for this run (``net_metering``,
            ``net_billing``, ``buy_all_sell_all``), instead of the account's
            ``metering`` and the tariff's ``exports.metering``.

    Returns:
        One bill per billing period that has readings, in time order.

    Raises:
        ReadingsError: No readings in the dates asked for, or readings the tariff cannot
            split exactly between its periods.
        AccountError: The tariff needs an account field that is missing, or a bill has
            no declared coincident peak that a charge measures at.
    """
    return price_recorded(
        tariff,
        readings,
        account,
        None,
        start=start,
        end=end,
        event_days=event_days,
        demand_window=demand_window,
        coincident_peaks=coincident_peaks,
        metering=metering,
    )


def price_recorded(
    tariff: Tariff,
    readings: Readings,
    account: Account | None,
    recorder: Recorder | None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    event_days: Iterable[dt.date] = (),
    demand_window: Literal["tariff", "readings"] = "tariff",
    coincident_peaks: Iterable[CoincidentPeak] = (),
    metering: str | None = None,
) -> list[Bill]:
    """`price`, noting in ``recorder`` what each line is priced from (`tariffs.explain`).

    With ``recorder`` None this is `price`: the one call of the engine of both.
    """
    with localcontext(_WIDE):
        return _price(
            tariff,
            readings,
            account,
            start,
            end,
            event_days,
            demand_window,
            metering,
            recorder,
            tuple(coincident_peaks),
        )


#: Arithmetic wide enough that no product or sum of the engine's numbers is ever rounded
#: (inputs, and prices derived from them, are limited to 24 digits before the point and 18
#: after); the schema checks derived prices in the same arithmetic.
_WIDE = WIDE_CONTEXT


def _price(
    tariff: Tariff,
    readings: Readings,
    account: Account | None,
    start: dt.date | None,
    end: dt.date | None,
    event_days: Iterable[dt.date],
    demand_window: str = "tariff",
    metering: str | None = None,
    recorder: Recorder | None = None,
    coincident_peaks: tuple[CoincidentPeak, ...] = (),
) -> list[Bill]:
    if demand_window not in ("tariff", "readings"):
        raise ValueError(f"demand_window must be tariff or readings, not {demand_window!r}")
    if not readings.starts:
        raise ReadingsError("no readings", file=readings.source)
    # A table with price classes prices its first unless a part was given another.
    tariff = price_class_of(tariff)
    if account is not None and (account.sub_meters or account.split is not None):
        raise AccountError(
            "the account has sub_meters or a split: price it with "
            "tariffs.engine.submeters.price_submetered (tariffs price), which bills each part",
            file=account.source,
        )
    register = readings
    meter_states = account.meter_states() if account is not None else []
    if len(meter_states) > 1:
        zone = ZoneInfo(tariff.timezone)
        readings = readings.multiplied_in_parts(
            [state.meter_multiplier for state in meter_states],
            [local_midnight(state.start, zone) for state in meter_states[1:] if state.start],
        )
    elif account is not None and account.meter_multiplier != 1:
        readings = readings.multiplied(account.meter_multiplier)
    all_event_days = frozenset(account.critical_peak_days if account else ()) | frozenset(
        event_days
    )
    calendar = _calendar(tariff, readings, account, start, end, all_event_days)
    ladders = _Ladders(
        initial_kwh=account.year_to_date_kwh if account else Decimal(0),
        first_year={},
        counted={},
        demand_history_kw=_demand_history(account),
        carried=_carried_in(account),
        annual_months=_annual_ladders(tariff),
    )
    if account is not None and (account.credit_kwh or account.credit_amount) and calendar:
        first = calendar[0].segments[0].version
        rule = metering_of(tariff, first, account, metering)
        check_credits_in(account, rule, first, tariff, readings.scale)
    over_interval = demand_window == "readings"
    declared = [*(account.coincident_peaks if account else ()), *coincident_peaks]
    peaks = (
        resolve_peaks(declared, tariff.timezone, account.source if account else None)
        if declared and _measures_at_coincident_peaks(tariff)
        else ()
    )
    meters = (
        _Meters(register, meter_states, ZoneInfo(tariff.timezone))
        if len(meter_states) > 1
        else None
    )
    notes: tuple[str, ...] = ()
    if tariff.eligibility is not None and account is not None:
        standing = assess(tariff.eligibility, account)
        if standing.status == "ineligible":
            notes = (
                BillWarning(
                    f"account {account.account_id} may not take tariff {tariff.id}: "
                    f"{standing.text}; priced as asked",
                    "ineligible",
                    (
                        ("account", account.account_id),
                        ("tariff", tariff.id),
                        *standing.facts(),
                    ),
                ),
            )
    run = _run_of(tariff, account, metering)
    return [
        _price_bill(
            tariff,
            readings,
            account,
            plan,
            ladders,
            over_interval,
            meters,
            recorder,
            peaks,
            metering,
            notes,
            run,
        )
        for plan in calendar
    ]


def price_class_of(tariff: Tariff, name: str | None = None) -> Tariff:
    """`Tariff.for_price_class`, kept: the same table object for every call of a class.

    A table of several classes is copied for one class; keeping the copy spares every
    bill of a run its copy and the canonical JSON of its value key.
    """
    if tariff.price_classes is None or len(tariff.price_classes) == 1:
        return tariff.for_price_class(name)
    key = (value_key(tariff), tariff.source, name)
    found: Tariff | None = _kept.price_classes.get(key)
    if found is None:
        found = _kept.price_classes.keep(key, tariff.for_price_class(name))
    return found


@dataclass(frozen=True, slots=True)
class _Run:
    """What every bill of one pricing call shares, decided once, not for every bill.

    Attributes:
        unpriced: The warnings of the tariff's unpriced attributes.
        metering: Whether a segment may have a metering rule of exports (the run's, the
            account's or a version's); without one, `metering_of` is None for every one.
        vat: Whether a version has value-added tax; without, no bill has any.
        line_places: The places a line is rounded to (`Tariff.line_places`).
    """

    unpriced: tuple[BillWarning, ...]
    metering: bool
    vat: bool
    line_places: int


def _run_of(tariff: Tariff, account: Account | None, declared_metering: str | None) -> _Run:
    versions = tariff.versions.values()
    return _Run(
        unpriced=tuple(
            BillWarning(f"not priced: {text}", "unpriced", (("text", text),))
            for text in tariff.unpriced
        ),
        metering=bool(declared_metering)
        or (account is not None and account.metering is not None)
        or any(v.exports is not None and v.exports.metering is not None for v in versions),
        vat=any(version.vat is not None for version in versions),
        line_places=tariff.line_places,
    )


def _measures_at_coincident_peaks(tariff: Tariff) -> bool:
    """Whether a charge of the tariff measures demand at declared coincident peaks."""
    return any(
        getattr(charge, "measured_at", None) == "coincident_peaks"
        for version in tariff.versions.values()
        for charge in version.charges
    )


@dataclass(frozen=True, slots=True)
class _Segment:
    """A part of a bill with one tariff version in force."""

    version: Version
    schedule: Schedule
    plan: Plan
    days: int
    month_fraction: Fraction
    start: dt.date | None = None


@dataclass(frozen=True, slots=True)
class _BillPlan:
    """What a bill is before any reading is summed: dates, shares, segments, warnings."""

    period_start: dt.date
    period_end: dt.date
    first_date: dt.date
    end_date: dt.date
    service_days: int
    bill_fraction: Fraction
    warnings: tuple[str, ...]
    segments: tuple[_Segment, ...]


def _calendar(
    tariff: Tariff,
    readings: Readings,
    account: Account | None,
    start: dt.date | None,
    end: dt.date | None,
    event_days: frozenset[dt.date],
) -> list[_BillPlan]:
    # Bill plans by tariff and time axis (`tariffs.engine._kept.bill_plans`). A billing
    # run prices many meters read on the same intervals (and one meter under several
    # tariffs): the dates, the shares of a month, the versions in force and the
    # classification of intervals are the same for all of them.
    axis = readings.axis
    if axis is None:  # starts that break the invariant are never shared
        return _plan_bills(tariff, readings, account, start, end, event_days)
    key = (
        value_key(tariff),
        tariff.source,
        axis,
        account.meter_read_day if account else None,
        account.service_start if account else None,
        account.service_end if account else None,
        start,
        end,
        event_days,
    )
    plans: list[_BillPlan] | None = _kept.bill_plans.get(key)
    if plans is None:
        plans = _plan_bills(tariff, readings, account, start, end, event_days)
        _kept.bill_plans.keep(key, plans, len(readings))
    return plans


def _plan_bills(
    tariff: Tariff,
    readings: Readings,
    account: Account | None,
    start: dt.date | None,
    end: dt.date | None,
    event_days: frozenset[dt.date],
) -> list[_BillPlan]:
    zone = ZoneInfo(tariff.timezone)
    span_start, span_end = readings.starts[0], readings.end
    if start is not None:
        span_start = max(span_start, local_midnight(start, zone))
    if end is not None:
        span_end = min(span_end, local_midnight(end, zone))
    if account is not None and account.service_start is not None:
        span_start = max(span_start, local_midnight(account.service_start, zone))
    if account is not None and account.service_end is not None:
        after = account.service_end + dt.timedelta(days=1)
        span_end = min(span_end, local_midnight(after, zone))
    if span_end <= span_start or bisect_left(readings.starts, span_start) == bisect_left(
        readings.starts, span_end
    ):
        raise ReadingsError(
            "no readings in the dates to bill"
            f" ({_local_date(span_start, zone)} to {_local_date(span_end - 1, zone)})",
            file=readings.source,
        )
    read_day = account.meter_read_day if account and account.meter_read_day else 1
    first_day = _local_date(span_start, zone)
    last_day = _local_date(span_end - 1, zone)
    planner = _Planner(tariff, readings, zone, span_start, span_end)
    plans = []
    for period_start, period_end in billing_periods(first_day, last_day, read_day):
        plan = _plan_bill(
            planner,
            period_start,
            period_end,
            max(span_start, planner.midnight(period_start)),
            min(span_end, planner.midnight(period_end)),
            event_days,
        )
        if plan is not None:
            plans.append(plan)
    return plans


class _Planner:
    """What the bills of one call share while they are planned, each worked out once.

    A bill asks for the local midnight of its dates up to six times, and for the schedule
    of its version (and its check against the readings' interval) once a segment; the
    bills of a call ask for the same few dates and versions, and the segments of a
    version are parts of one span of readings, the days it is in force, coded once
    (`SpanCodes`).
    """

    __slots__ = ("_midnights", "_schedules", "_spans", "by_month", "end", "readings", "start",
                 "tariff", "zone")  # fmt: skip

    def __init__(
        self, tariff: Tariff, readings: Readings, zone: ZoneInfo, start: int, end: int
    ) -> None:
        self.tariff = tariff
        self.readings = readings
        self.zone = zone
        #: The span billed: UTC seconds from the first bill's start to the last bill's end.
        self.start, self.end = start, end
        #: Whether a version prices by calendar month from a price file (`_month_cuts`).
        self.by_month = any(
            charge.kind == "price_file"
            for version in tariff.versions.values()
            for charge in version.charges
        )
        self._midnights: dict[dt.date, int] = {}
        self._schedules: dict[int, Schedule] = {}
        self._spans: dict[tuple[object, ...], SpanCodes | None] = {}

    def midnight(self, day: dt.date) -> int:
        """`local_midnight` of a date in the tariff's zone."""
        found = self._midnights.get(day)
        if found is None:
            found = self._midnights[day] = local_midnight(day, self.zone)
        return found

    def schedule(self, version: Version) -> Schedule:
        """The compiled schedule of a version, checked against the readings' interval."""
        found = self._schedules.get(id(version))
        if found is None:
            found = compile_schedule(version, self.tariff.source)
            check_resolution(self.readings, found, self.tariff.id)
            self._schedules[id(version)] = found
        return found

    def plan(
        self,
        version: Version,
        schedule: Schedule,
        start: int,
        end: int,
        event_days: frozenset[dt.date],
    ) -> Plan:
        """`plan_segment` of a segment of the span in force under ``version``."""

        def span() -> SpanCodes | None:
            key = (id(version), event_days)
            if key not in self._spans:
                self._spans[key] = (
                    SpanCodes(
                        self.readings,
                        schedule,
                        self.tariff.timezone,
                        *self._in_force(version),
                        event_days,
                    )  # fmt: skip
                    if schedule.codes_known()
                    else None
                )
            return self._spans[key]

        return plan_segment(
            self.readings, schedule, self.tariff.timezone, start, end, event_days, span
        )

    def _in_force(self, version: Version) -> tuple[int, int]:
        """The part of the span in which ``version`` is in force (UTC seconds)."""
        dates = list(self.tariff.versions)
        index = next(i for i, day in enumerate(dates) if self.tariff.versions[day] is version)
        start = max(self.start, self.midnight(dates[index]))
        end = (
            self.end if index + 1 == len(dates) else min(self.end, self.midnight(dates[index + 1]))
        )
        return start, end


def _carried_in(account: Account | None) -> Carried:
    """What the account carries into the first bill: credits of earlier bills."""
    if account is None or not (account.credit_kwh or account.credit_amount):
        return Carried()
    return Carried(credit_kwh=dict(account.credit_kwh), credit_money=account.credit_amount)


def _demand_history(account: Account | None) -> dict[tuple[int, int], Decimal]:
    if account is None:
        return {}
    return {
        (int(key[:4]), int(key[5:7])): value for key, value in account.demand_history_kw.items()
    }


def _annual_ladders(tariff: Tariff) -> list[int]:
    """Start months of the annual tier ladders any version of the tariff counts on."""
    months = {
        charge.tiers.start_month
        for version in tariff.versions.values()
        for charge in version.charges
        if isinstance(charge, EnergyCharge) and charge.tiers and charge.tiers.reset == "annual"
    }
    return sorted(months)


def _uncovered_ends(
    planner: _Planner,
    first_date: dt.date,
    end_date: dt.date,
    bill_start: int,
    bill_end: int,
) -> str | None:
    """The warning of a bill whose readings start after or stop before its days' ends.

    The days billed run from local midnight to local midnight; readings that begin later
    on the first day, or end earlier on the last, leave intervals that are neither read
    nor billed, and the bill says which.
    """
    day_start = planner.midnight(first_date)
    day_end = planner.midnight(end_date)
    if bill_start <= day_start and bill_end >= day_end:
        return None
    zone = planner.zone
    spans = []
    if bill_start > day_start:
        spans.append((day_start, bill_start))
    if bill_end < day_end:
        spans.append((bill_end, day_end))
    if not spans:
        return None
    missing = sum(b - a for a, b in spans) // planner.readings.interval_seconds
    where = " and ".join(f"{_local_time(a, zone)} to {_local_time(b, zone)}" for a, b in spans)
    spans_text = ";".join(f"{_local_time(a, zone)}/{_local_time(b, zone)}" for a, b in spans)
    return BillWarning(
        f"readings do not cover the period: none from {where} "
        f"({missing} interval{'' if missing == 1 else 's'} not billed)",
        "uncovered",
        (("spans", spans_text), ("missing", f"{missing}")),
    )


def _local_time(utc: int, zone: ZoneInfo) -> str:
    """A UTC instant as local wall time ``YYYY-MM-DDTHH:MM``."""
    return dt.datetime.fromtimestamp(utc, zone).strftime("%Y-%m-%dT%H:%M")


def _month_cuts(tariff: Tariff, first_date: dt.date, end_date: dt.date) -> list[dt.date]:
    """The 1st of each month inside a bill in force under a version with a price file.

    A ``price_file`` charge prices each calendar month at its own row of the file, so a
    bill across months (a meter-reading day other than the 1st) is priced in segments, one
    a month, as at a version change.
    """
    cuts: list[dt.date] = []
    day = dt.date(first_date.year, first_date.month, 1)
    while True:
        day = (day + dt.timedelta(days=32)).replace(day=1)
        if day >= end_date:
            return cuts
        found = tariff.version_at(day)
        if found is not None and any(c.kind == "price_file" for c in found[1].charges):
            cuts.append(day)


#: The share of a month a whole billing period is (one Fraction for every bill).
_WHOLE = Fraction(1)


def _plan_bill(
    planner: _Planner,
    period_start: dt.date,
    period_end: dt.date,
    bill_start: int,
    bill_end: int,
    event_days: frozenset[dt.date],
) -> _BillPlan | None:
    tariff, readings, zone = planner.tariff, planner.readings, planner.zone
    first = bisect_left(readings.starts, bill_start)
    last = bisect_left(readings.starts, bill_end, first)
    if first == last:
        return None
    # A bill that starts (ends) at a local midnight of its period starts (ends) on that
    # date: the usual bill, without asking the zone again.
    if bill_start == planner.midnight(period_start):
        first_date = period_start
    else:
        first_date = _local_date(bill_start, zone)
    if bill_end == planner.midnight(period_end):
        end_date = period_end
    else:
        end_date = _local_date(bill_end - 1, zone) + dt.timedelta(days=1)
    period_days = (period_end - period_start).days
    service_days = (end_date - first_date).days
    warnings: list[str] = []
    if service_days < period_days:
        if tariff.proration == "days_over_30":
            bill_fraction = min(Fraction(service_days, 30), Fraction(1))
        else:
            bill_fraction = Fraction(service_days, period_days)
        warnings.append(
            BillWarning(
                f"partial period: {first_date} to {end_date} "
                f"({service_days} of {period_days} days)",
                "partial_period",
                (
                    ("start", f"{first_date}"),
                    ("end", f"{end_date}"),
                    ("days", f"{service_days}"),
                    ("period_days", f"{period_days}"),
                ),
            )
        )
    else:
        bill_fraction = _WHOLE
    gaps = [(a, b) for a, b in readings.gaps if a < bill_end and b > bill_start]
    if gaps:
        missing = sum(min(b, bill_end) - max(a, bill_start) for a, b in gaps) // (
            readings.interval_seconds
        )
        first_gap = max(gaps[0][0], bill_start), min(gaps[0][1], bill_end)
        where = " to ".join(
            dt.datetime.fromtimestamp(instant, zone).strftime("%Y-%m-%dT%H:%M")
            for instant in first_gap
        )
        more = len(gaps) - 1
        gap_start, gap_end = where.split(" to ")
        if more:
            where += f", and {more} more gap{'' if more == 1 else 's'}"
        warnings.append(
            BillWarning(
                f"incomplete readings: {missing} interval{'' if missing == 1 else 's'} missing "
                f"in this period {'was' if missing == 1 else 'were'} not billed (gaps "
                f"allowed; {where})",
                "gaps",
                (
                    ("missing", f"{missing}"),
                    ("start", gap_start),
                    ("end", gap_end),
                    ("more", f"{more}"),
                ),
            )
        )
    uncovered = _uncovered_ends(planner, first_date, end_date, bill_start, bill_end)
    if uncovered:
        warnings.append(uncovered)
    # Segments: cut at the effective dates of versions inside the bill.
    cuts = [first_date]
    for effective in tariff.versions:
        if first_date < effective < end_date:
            cuts.append(effective)
    # And at each 1st of a month inside the bill where a price file prices by month.
    if planner.by_month:
        cuts.extend(_month_cuts(tariff, first_date, end_date))
    if len(cuts) > 1:
        cuts = sorted(set(cuts))
    cuts.append(end_date)
    if tariff.version_at(first_date) is None:
        raise TariffFileError(
            f"tariff {tariff.id} has no version in force on {first_date} "
            f"(first version from {next(iter(tariff.versions))})",
            file=tariff.source,
        )
    withdrawn = tariff.withdrawn
    if withdrawn is not None and end_date > withdrawn:
        if tariff.past_withdrawal == "refuse":
            raise TariffFileError(
                f"tariff {tariff.id} has no version in force on {max(first_date, withdrawn)}: "
                f"it is withdrawn from {withdrawn}; price readings of its time, re-date "
                "them (--as-year), or price past the withdrawal knowingly "
                "(past_withdrawal: warn; for a URDB record's enddate, --past-enddate)",
                file=tariff.source,
            )
        warnings.append(
            BillWarning(
                f"priced after the tariff was withdrawn: from {max(first_date, withdrawn)} "
                f"under its last version (withdrawn from {withdrawn}; past_withdrawal: warn)",
                "withdrawn",
                (("from", f"{max(first_date, withdrawn)}"), ("withdrawn", f"{withdrawn}")),
            )
        )
    segments = []
    for seg_start, seg_end in zip(cuts, cuts[1:], strict=False):
        found = tariff.version_at(seg_start)
        assert found is not None  # noqa: S101 - the first date has a version, later ones too
        version = found[1]
        schedule = planner.schedule(version)
        t0 = max(bill_start, planner.midnight(seg_start))
        t1 = min(bill_end, planner.midnight(seg_end))
        days = (seg_end - seg_start).days
        plan = planner.plan(
            version,
            schedule,
            t0,
            t1,
            event_days | frozenset(version.event_days) if version.event_days else event_days,
        )
        segments.append(
            _Segment(
                version,
                schedule,
                plan,
                days,
                bill_fraction
                if days == service_days
                else bill_fraction * Fraction(days, service_days),
                seg_start,
            )
        )
    return _BillPlan(
        period_start,
        period_end,
        first_date,
        end_date,
        service_days,
        bill_fraction,
        tuple(warnings),
        tuple(segments),
    )


@dataclass(frozen=True, slots=True)
class _Meters:
    """The account's meter states, for a bill that a meter change may cut.

    Attributes:
        register: The readings as read, before any multiplier.
        states: The meter states (`Account.meter_states`), more than one.
        zone: The tariff's time zone: a state starts at local midnight of its date.
    """

    register: Readings
    states: list[MeterState]
    zone: ZoneInfo

    @property
    def any_losses(self) -> bool:
        """Whether any state adds losses."""
        return any(state.losses is not None for state in self.states)

    def parts(self, readings: Readings, segment: _Segment) -> list[tuple[int, int, int, int]]:
        """``(state, days, first, last)`` of each meter state with days in the segment.

        ``first:last`` are the indexes of its intervals in the readings.
        """
        assert segment.start is not None  # noqa: S101 - segments have their dates
        seg_start = segment.start
        seg_end = seg_start + dt.timedelta(days=segment.days)
        found = []
        for index, state in enumerate(self.states):
            start = max(seg_start, state.start) if state.start else seg_start
            end = min(seg_end, state.end) if state.end else seg_end
            if start >= end:
                continue
            first = segment.plan.first
            if start > seg_start:
                first = max(first, bisect_left(readings.starts, local_midnight(start, self.zone)))
            last = segment.plan.last
            if end < seg_end:
                last = min(last, bisect_left(readings.starts, local_midnight(end, self.zone)))
            found.append((index, (end - start).days, first, max(first, last)))
        return found


def _meter_usage(
    readings: Readings, meters: _Meters, segment: _Segment, usage: Usage, read: dict[int, list[Any]]
) -> Usage:
    """A segment's usage with each meter state's losses; what each meter read, into ``read``.

    ``read`` maps a state to ``[first day, end day, register, kWh, loss]`` (integer units
    of the register's and the readings' scales), summed over the bill's segments.
    """
    parts = meters.parts(readings, segment)
    kvarh = readings.kvarh
    loss_parts: list[Any] = []
    for index, days, first, last in parts:
        state = meters.states[index]
        kwh = sum(readings.kwh[first:last])
        loss_parts.append(
            (
                state.losses,
                segment.month_fraction * Fraction(days, segment.days),
                kwh,
                None if kvarh is None else sum(kvarh[first:last]),
            )
        )
    shown = [0] * len(parts)
    if meters.any_losses:
        usage, shown = add_loss_parts(usage, loss_parts)
    assert segment.start is not None  # noqa: S101 - segments have their dates
    for (index, days, first, last), part, loss in zip(parts, loss_parts, shown, strict=True):
        state = meters.states[index]
        start = max(segment.start, state.start) if state.start else segment.start
        end = start + dt.timedelta(days=days)
        entry = read.setdefault(index, [start, end, 0, 0, 0])
        entry[0], entry[1] = min(entry[0], start), max(entry[1], end)
        entry[2] += sum(meters.register.kwh[first:last])
        entry[3] += part[2]
        entry[4] += loss
    return usage


def _meter_readings(
    meters: _Meters, read: dict[int, list[Any]], scale: int
) -> tuple[MeterReading, ...]:
    """What each meter read in the bill, in time order."""
    found = []
    for index in sorted(read):
        start, end, register, kwh, loss = read[index]
        state = meters.states[index]
        found.append(
            MeterReading(
                meter=state.meter,
                start=start,
                end=end,
                register_kwh=to_decimal(register, meters.register.scale),
                multiplier=state.meter_multiplier,
                energy_kwh=to_decimal(kwh, scale),
                loss_kwh=to_decimal(loss, scale) if meters.any_losses else None,
            )
        )
    return tuple(found)


def _price_bill(
    tariff: Tariff,
    readings: Readings,
    account: Account | None,
    plan: _BillPlan,
    ladders: _Ladders,
    over_interval: bool = False,
    meters: _Meters | None = None,
    recorder: Recorder | None = None,
    peaks: tuple[Peak, ...] = (),
    declared_metering: str | None = None,
    notes: tuple[str, ...] = (),
    run: _Run | None = None,
) -> Bill:
    """One bill of the calendar; ``notes`` are the warnings of every bill of the run."""
    if run is None:
        run = _run_of(tariff, account, declared_metering)
    period_start = plan.period_start
    losses = account.losses if account is not None else None
    usages = []
    metered = 0  # the kWh read, before any losses are added
    read: dict[int, list[Any]] = {}
    for segment in plan.segments:
        usage = usage_of(readings, segment.plan)
        metered += usage.total_kwh
        if meters is not None:
            usage = _meter_usage(readings, meters, segment, usage, read)
        elif losses is not None:
            usage = add_losses(usage, losses, segment.month_fraction)
        usages.append(usage)
    needs = [
        _needs(tariff, account, period_start, segment, plan.period_end, peaks)
        for segment in plan.segments
    ]
    deviations: list[str] = []
    bill = _bill_usage(tariff, readings, plan, usages, needs, deviations if over_interval else None)
    if recorder is not None:
        _record_demands(recorder, tariff, readings, plan, bill, over_interval)
    annual_months = ladders.annual_months
    lines: list[Line] = []
    warnings = [
        *readings.notes,
        *plan.warnings,
        *deviations,
        *run.unpriced,
    ]
    estimated, estimated_units = 0, 0
    if readings.estimated:
        zone = ZoneInfo(tariff.timezone)
        estimated, estimated_units = estimated_in(
            readings, local_midnight(plan.first_date, zone), local_midnight(plan.end_date, zone)
        )
        if estimated:
            warnings.append(
                estimated_warning(
                    estimated, to_decimal(estimated_units, readings.scale), readings.estimated_by
                )
            )
    position_bill = Decimal(0)
    position_periods: dict[str, Decimal] = {}
    count = len(plan.segments)
    carried = ladders.carried
    metering: Metering | None = None
    for index, (segment, usage) in enumerate(zip(plan.segments, usages, strict=True)):
        positions = {"bill": position_bill}
        positions.update({f"period:{name}": kwh for name, kwh in position_periods.items()})
        for start_month in annual_months:
            positions[f"annual:{start_month}"] = ladders.position(start_month, period_start)
        schedule = segment.schedule
        if needs[index]:
            measured = _segment_measures(tariff, readings, segment.plan, needs[index])
            if measured:
                usage = replace(usage, measured=measured)
        metering = (
            metering_of(tariff, segment.version, account, declared_metering)
            if run.metering
            else None
        )
        exported = None
        netted: list[tuple[str, int, int, int]] = []
        netted_keys: dict[tuple[int, int], int] | None = None
        if metering is not None:
            exported = exported_by_key(readings, segment.plan)
            if exported is None:
                note = BillWarning(
                    f"the readings have no export_kwh column: nothing exported "
                    f"(metering {metering.rule})",
                    "no_export_column",
                    (("rule", metering.rule),),
                )
                if note not in warnings:
                    warnings.append(note)
                exported = {}
            if metering.rule == "net_metering":
                gross = usage.energy
                usage, netted, carried = net_segment(usage, exported, schedule, carried)
                netted_keys = {key: gross[key] - usage.energy[key] for key in gross}
        if recorder is not None:
            recorder.segment(
                schedule,
                segment.plan,
                usage,
                {
                    "start": segment.start,
                    "days": segment.days,
                    "bill_days": plan.service_days,
                    "period_days": (plan.period_end - period_start).days,
                    "month_share": segment.month_fraction,
                    "proration": tariff.proration,
                },
                netted_keys,
            )
        ctx = Context(
            tariff=tariff,
            version=segment.version,
            schedule=schedule,
            usage=usage,
            bill=bill,
            account=account,
            period_start=period_start,
            period_end=plan.period_end,
            segment_days=segment.days,
            month_fraction=segment.month_fraction,
            first_segment=index == 0,
            last_segment=index == count - 1,
            tier_position_kwh=positions,
            line_places=run.line_places,
            rounding_mode=tariff.rounding.mode,
            demand_history_kw=ladders.demand_history_kw,
            bill_fraction=plan.bill_fraction,
            bill_days=plan.service_days,
            segment_start=segment.start,
            recorder=recorder,
            coincident_peaks=peaks,
        )
        segment_lines: list[Line] = []
        for charge in segment.version.charges:
            priced = KINDS[charge.kind].price(charge, ctx, segment_lines, carried)
            segment_lines.extend(priced.lines)
            if priced.carried is not None:
                carried = priced.carried
            if priced.warnings:
                warnings.extend(w for w in priced.warnings if w not in warnings)
        if metering is not None and exported is not None:
            places, mode = tariff.line_places, tariff.rounding.mode
            if metering.rule == "net_metering":
                segment_lines.extend(net_metering_lines(netted, usage.scale, places, mode))
            else:
                segment_lines.extend(
                    segment_credits(metering, exported, schedule, usage.scale, places, mode)
                )
        segment_kwh = to_decimal(usage.total_kwh, usage.scale)
        if index < count - 1:  # positions on the bill's ladders, for the next segment
            position_bill += segment_kwh
            for (_, period), value in usage.energy.items():
                name = schedule.period_names[period]
                position_periods[name] = position_periods.get(name, Decimal(0)) + to_decimal(
                    value, usage.scale
                )
        for start_month in annual_months:
            ladders.add(start_month, period_start, segment_kwh)
        lines.extend(segment_lines)
    if metering is not None:
        closing, carried = settle_bill(
            metering,
            lines,
            carried,
            plan.end_date - dt.timedelta(days=1),
            tariff.currency,
            tariff.line_places,
            tariff.rounding.mode,
        )
        lines.extend(closing)
    ladders.carried = carried
    loss_kwh = None
    if losses is not None or (meters is not None and meters.any_losses):
        loss_kwh = sum((u.loss_kwh for u in usages), Decimal(0))
    vat = _bill_vat(tariff, plan) if run.vat else None
    if vat is not None and vat.prices == "exclusive":
        lines.append(vat_line(tariff, vat, lines))
    if tariff.rounding.per == "bill":
        lines.append(rounding_line(tariff, lines))
    made = Bill(
        account=account.account_id if account else None,
        tariff=tariff.id,
        currency=tariff.currency,
        period_start=plan.first_date,
        period_end=plan.end_date,
        energy_kwh=to_decimal(metered, readings.scale),
        lines=tuple(lines),
        warnings=(*warnings, *notes),
        loss_kwh=loss_kwh,
        meters=() if meters is None else _meter_readings(meters, read, readings.scale),
        total_places=tariff.places if tariff.rounding.per == "bill" else None,
        invoice=None if vat is None else invoice_of(tariff, vat, lines),
        estimated_intervals=estimated,
        estimated_kwh=to_decimal(estimated_units, readings.scale) if estimated else None,
        price_class=tariff.price_classes[0] if tariff.price_classes is not None else None,
    )
    if recorder is not None:
        recorder.finish(made)
    return made


def _record_demands(
    recorder: Recorder,
    tariff: Tariff,
    readings: Readings,
    plan: _BillPlan,
    bill: BillUsage,
    over_interval: bool,
) -> None:
    """Note where each maximum demand of a bill occurred, measured as the bill measured it."""
    recorder.begin_bill()
    plans = [segment.plan for segment in plan.segments]
    for measure, demand_kw in bill.demand_kw.items():
        measured = _over_interval(measure, readings, tariff, []) if over_interval else measure
        recorder.demand(measure, measured, plans, demand_kw)


def _bill_vat(tariff: Tariff, plan: _BillPlan) -> Vat | None:
    """The value-added tax of a bill's versions (one for the whole bill).

    Raises:
        TariffFileError: The bill's versions declare different ``vat``.
    """
    first = plan.segments[0].version.vat
    if all(segment.version.vat == first for segment in plan.segments):
        return first
    found = {"none" if s.version.vat is None else _vat_text(s.version.vat) for s in plan.segments}
    named = " and ".join(sorted(found))
    raise TariffFileError(
        f"the bill from {plan.first_date} to {plan.end_date} falls in versions of tariff "
        f"{tariff.id} with different vat ({named}); one invoice has one tax: let the "
        "version start on the first day of a bill",
        file=tariff.source,
    )


def _vat_text(vat: Vat) -> str:
    return f"{vat.rate * 100:f} % {vat.prices}".replace(".00 %", " %")


def vat_line(tariff: Tariff, vat: Vat, lines: list[Line]) -> Line:
    """The line of value-added tax on exclusive prices: ``rate`` × the other lines."""
    base = sum((line.amount for line in lines), Decimal(0))
    amount = round_amount(base * vat.rate, tariff.line_places, tariff.rounding.mode)
    label = f"VAT {(vat.rate * 100).normalize():f} %"
    return Line("tax", "vat", label, base, tariff.currency, vat.rate, amount)


def invoice_of(tariff: Tariff, vat: Vat, lines: list[Line]) -> Invoice:
    """The invoice split of a bill's lines: amount excluding tax, tax, total.

    Inclusive prices: the total is worked back to the amount excluding tax, and the part
    that `Vat.rounded` names is rounded to the tariff's places (with its mode), the other
    being the rest, so that the two add up to the total exactly. Exclusive prices: the
    ``vat`` line is the tax.
    """
    gross = sum((line.amount for line in lines), Decimal(0))
    places, mode = tariff.places, tariff.rounding.mode
    if vat.prices == "exclusive":
        tax = next(line.amount for line in lines if line.code == "vat")
        net = gross - tax
    elif vat.rounded == "tax":
        rate = Fraction(vat.rate)
        tax = round_amount(Fraction(gross) * rate / (1 + rate), places, mode)
        net = gross - tax
    else:
        net = round_amount(Fraction(gross) / (1 + Fraction(vat.rate)), places, mode)
        tax = gross - net
    return Invoice(vat.rate, vat.prices, vat.rounded, net, tax, gross)


def rounding_line(tariff: Tariff, lines: list[Line]) -> Line:
    """The line that rounds a bill's total once (``rounding: {per: bill}``).

    The lines carry their amounts to ``line_places``; their sum is rounded once to the
    tariff's ``places`` with its ``mode``, and this line holds the difference, so that the
    lines, this one included, add up to the rounded total exactly.
    """
    exact = sum((line.amount for line in lines), Decimal(0))
    total = round_amount(exact, tariff.places, tariff.rounding.mode)
    difference = (total - exact).quantize(Decimal(1).scaleb(-tariff.line_places))
    return Line("adjustment", "rounding", "Rounding of the total", None, None, None, difference)


_NONE: Mapping[MaxDemand, Decimal] = MappingProxyType({})  # a bill that needs no demand


def _needs(
    tariff: Tariff,
    account: Account | None,
    period_start: dt.date,
    segment: _Segment,
    period_end: dt.date | None = None,
    peaks: tuple[Peak, ...] = (),
) -> list[Measure]:
    """What the charges of a segment's version ask to be measured, in charge order.

    What depends on the charge and the version alone is asked once per version and kept
    (`tariffs.engine._kept.needs`); kinds whose needs read the account or the billing
    period (`ChargeKind.needs_per_bill`) are asked for every bill.
    """
    key = segment.schedule.key
    asked: tuple[tuple[Measure, ...] | Any, ...] | None = _kept.needs.get(key)
    setting = None
    if asked is None:
        setting = Setting(
            tariff, segment.version, segment.schedule, account, period_start, period_end, peaks
        )
        asked = _kept.needs.keep(key, _needs_of_version(setting))
    if not asked:
        return []
    setting = setting or Setting(
        tariff, segment.version, segment.schedule, account, period_start, period_end, peaks
    )
    found: list[Measure] = []
    for item in asked:
        if isinstance(item, tuple):
            found.extend(item)
        else:  # a charge whose needs are asked per bill
            need = KINDS[item.kind].needs
            assert need is not None  # noqa: S101 - only such charges are kept
            found.extend(need(item, setting))
    return found


def _needs_of_version(setting: Setting) -> tuple[tuple[Measure, ...] | Any, ...]:
    """Per charge in order: its measures, or the charge itself if asked per bill."""
    asked: list[tuple[Measure, ...] | Any] = []
    for charge in setting.version.charges:
        kind = KINDS[charge.kind]
        if kind.needs is None:
            continue
        if kind.needs_per_bill:
            asked.append(charge)
        else:
            measures = kind.needs(charge, setting)
            if measures:
                asked.append(measures)
    return tuple(asked)


def _bill_usage(
    tariff: Tariff,
    readings: Readings,
    plan: _BillPlan,
    usages: list[Usage],
    needs: list[list[Measure]],
    deviations: list[str] | None = None,
) -> BillUsage:
    """The bill's totals, and each maximum demand its charges need, measured once.

    With ``deviations`` (a list to fill: demand declared to be measured over the
    readings' own intervals), a demand whose window is shorter than the readings'
    intervals is measured over the intervals, and what was done is added to the list.
    """
    if len(usages) == 1 and not needs[0]:
        (usage,) = usages
        return BillUsage(readings.scale, usage.total_kwh, usage.kvarh, usage.export_kwh, _NONE)
    kvarh = None if any(u.kvarh is None for u in usages) else sum(u.kvarh or 0 for u in usages)
    export = (
        None if any(u.export_kwh is None for u in usages)
        else sum(u.export_kwh or 0 for u in usages)
    )  # fmt: skip
    demand: dict[MaxDemand, Decimal] = {}
    plans = [segment.plan for segment in plan.segments]
    for measures in needs:
        for measure in measures:
            if isinstance(measure, MaxDemand) and measure not in demand:
                measured = measure
                if deviations is not None:
                    measured = _over_interval(measure, readings, tariff, deviations)
                demand[measure] = measure_demand(
                    measured, readings, plans, tariff.timezone, tariff.id
                )
    return BillUsage(
        scale=readings.scale,
        total_kwh=sum(u.total_kwh for u in usages),
        kvarh=kvarh,
        export_kwh=export,
        demand_kw=demand,
    )


def _over_interval(
    measure: MaxDemand, readings: Readings, tariff: Tariff, deviations: list[str]
) -> MaxDemand:
    """The measure over the readings' own intervals, where they are coarser than its window.

    Raises:
        ReadingsError: The intervals are longer than an hour or do not divide one.
    """
    step, remainder = divmod(readings.interval_seconds, 60)
    metered_kw = readings.kw is not None and not measure.reactive
    if metered_kw or (not remainder and step <= measure.window_minutes):
        return measure  # the tariff's window can be measured (or the meter gives kW)
    if remainder or step > 60 or 60 % step:
        raise ReadingsError(
            f"demand cannot be measured over intervals of {readings.interval_seconds // 60} "
            "min: a demand interval is at most an hour and divides it",
            file=readings.source,
        )
    kind = "sliding" if measure.sliding else "clock-aligned"
    text = BillWarning(
        f"demand measured over the readings' {step}-minute intervals, not the tariff's "
        f"{measure.window_minutes}-minute {kind} window (declared: demand window of the "
        "readings, a deviation from the tariff)",
        "demand_over_readings",
        (("step", f"{step}"), ("window", f"{measure.window_minutes}"), ("kind", kind)),
    )
    if text not in deviations:
        deviations.append(text)
    return measure._replace(window_minutes=step, sliding=False)


def _segment_measures(
    tariff: Tariff, readings: Readings, plan: Plan, needs: list[Measure]
) -> dict[object, object]:
    """The segment's own measures (energy by hour, energy in time order)."""
    measured: dict[object, object] = {}
    for measure in needs:
        if isinstance(measure, EnergyByHour) and measure not in measured:
            measured[measure] = energy_by_hour(readings, plan, tariff.timezone)
        elif isinstance(measure, EnergyByStart) and measure not in measured:
            measured[measure] = energy_by_start(readings, plan)
        elif isinstance(measure, EnergyInTimeOrder) and measure not in measured:
            measured[measure] = energy_in_time_order(readings, plan)
    return measured
