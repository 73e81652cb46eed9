"""Schema of an account file: the contract data a tariff may need."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import (
    BeforeValidator,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from tariffs.model.common import (
    NonNegativeDecimal,
    PlainDate,
    StrictModel,
    WholeNumber,
    check_ascii_digits,
    empty_dict,
    empty_list,
    unprintable_in_id,
)
from tariffs.model.eligibility import CLASS_PATTERN, check_class_name
from tariffs.model.exports import MeteringRule
from tariffs.model.submeters import Split, SubMeter

__all__ = [
    "Account",
    "AllowanceChange",
    "CapacityChange",
    "CapacityState",
    "CoincidentPeak",
    "Losses",
    "MeterChange",
    "MeterState",
    "Transformer",
]

#: The most transformers of one interlocked group whose billed capacity is evaluated
#: (every set of them that can run together is tried).
MAX_INTERLOCKED_GROUP = 16

_HUNDRED = Decimal(100)


_YEAR_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
_PEAK_START = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2})?(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)
_SIXTY = Decimal(60)


def parse_peak_start(value: Any) -> dt.datetime:
    """The start of a declared coincident peak: ISO 8601 date and time, with or without offset.

    Without an offset it is local time in the tariff's time zone, as readings are.

    >>> parse_peak_start("2025-07-14T16:00")
    datetime.datetime(2025, 7, 14, 16, 0)
    """
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValueError(
            "expected a date and time written YYYY-MM-DDTHH:MM (such as 2025-07-14T16:00), "
            f"found {type(value).__name__}"
        )
    check_ascii_digits(value)
    text = value.strip()
    if not _PEAK_START.fullmatch(text):
        raise ValueError(
            f"{value!r} is not a date and time YYYY-MM-DDTHH:MM[:SS][+HH:MM], such as "
            "2025-07-14T16:00"
        )
    try:
        start = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date and time: {exc}") from None
    if start.second or start.microsecond:
        raise ValueError(f"{value!r}: a coincident peak starts on a whole minute")
    return start


PeakStart = Annotated[dt.datetime, BeforeValidator(parse_peak_start)]


class CoincidentPeak(StrictModel):
    """A declared coincident-peak interval: the system's peak hours, known after the fact.

    Coincident-peak demand (ERCOT's four coincident peaks, PJM's five, a utility's
    "system peak hours") is the customer's demand during intervals that the grid
    operator names after the month or year is over. A demand charge with
    ``measured_at: coincident_peaks`` measures demand only inside these intervals.

    Attributes:
        start: First instant of the interval; local time in the tariff's time zone
            without a UTC offset.
        hours: Length of the interval [h] (1 when left out), a whole number of minutes.
    """

    start: PeakStart
    hours: NonNegativeDecimal = Decimal(1)

    @field_validator("hours")
    @classmethod
    def _whole_minutes(cls, value: Decimal) -> Decimal:
        minutes = value * _SIXTY
        if value <= 0 or minutes != minutes.to_integral_value():
            raise ValueError(
                f"a coincident peak lasts a whole number of minutes above 0, found {value} h"
            )
        return value

    @property
    def minutes(self) -> int:
        """Length of the interval [min]."""
        return int(self.hours * _SIXTY)

    @classmethod
    def from_text(cls, value: Any) -> Any:
        """A bare start (text) is a peak of one hour."""
        return {"start": value} if isinstance(value, str | dt.datetime) else value


def _peaks(value: Any) -> Any:
    if isinstance(value, list):
        return [CoincidentPeak.from_text(item) for item in value]
    return value


class Losses(StrictModel):
    """Losses added to metered quantities before pricing (meter on the low-voltage side).

    Attributes:
        kwh_per_month: Fixed active loss per month, prorated by days of service [kWh].
        kvarh_per_month: Fixed reactive loss per month, prorated likewise [kvarh].
        percent: Active and reactive loss as a percentage of the metered quantity [%].
    """

    kwh_per_month: NonNegativeDecimal = Decimal(0)
    kvarh_per_month: NonNegativeDecimal = Decimal(0)
    percent: NonNegativeDecimal = Decimal(0)


def _as_list(value: Any) -> Any:
    """One name where a list of names is expected reads as a list of one."""
    return [value] if isinstance(value, str) else value


class Transformer(StrictModel):
    """A transformer of the account (受电变压器), for the capacity billed by capacity.

    Attributes:
        id: The transformer's name on the account (e.g. ``T1``).
        capacity_kva: Its rated capacity [kVA].
        interlocked_with: Transformers it is interlocked with (互锁, 连锁装置互为备用):
            it never runs at the same time as any of them. The relation goes both ways;
            it is enough to write it on one of the two.
    """

    id: str = Field(min_length=1)
    capacity_kva: NonNegativeDecimal
    interlocked_with: Annotated[list[str], BeforeValidator(_as_list)] = Field(
        default_factory=empty_list
    )


class CapacityChange(StrictModel):
    """A dated change of the contracted capacity: a reduction (减容) or a suspension (暂停).

    The state it starts lasts until the next change. A field left out keeps its value
    from the state before (the account's ``capacity_kva`` and nothing suspended before the
    first change).

    Attributes:
        from_: First day of the new state (written ``from``).
        capacity_kva: Contracted capacity from that day, after a reduction (减容) or its
            restoration (减容恢复) [kVA].
        suspended_kva: The part of that capacity suspended (暂停) from that day; 0 ends a
            suspension (暂停恢复) [kVA].
        suspended_billed_percent: Share of the suspended capacity that is still billed
            [%]; 0 by default (the suspended capacity is not billed), 50 where the rules
            bill half of it (e.g. a suspension within two years of a new connection).
        reduced_billed_percent: Share of the reduced capacity (the account's
            ``capacity_kva`` less this state's) that is still billed [%]; 0 by default,
            50 for a reduction within two years of a new connection.
        reason: What the change is, checked against the numbers: ``reduction``,
            ``increase``, ``suspension`` or ``restoration``.
    """

    from_: PlainDate = Field(alias="from")
    capacity_kva: NonNegativeDecimal | None = None
    suspended_kva: NonNegativeDecimal | None = None
    suspended_billed_percent: NonNegativeDecimal | None = None
    reduced_billed_percent: NonNegativeDecimal | None = None
    reason: Literal["reduction", "increase", "suspension", "restoration"] | None = None

    @field_validator("suspended_billed_percent", "reduced_billed_percent")
    @classmethod
    def _percent(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        if value is not None and value > _HUNDRED:
            raise ValueError(f"{info.field_name} must be 0 to 100, found {value}")
        return value


def _check_multiplier(value: Decimal, name: str = "meter_multiplier") -> Decimal:
    """A metering multiplier: above 0, with at most 6 decimal places."""
    if value <= 0:
        raise ValueError(f"{name} must be above 0, found {value}")
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6:
        raise ValueError(
            f"{name} {value} has {-exponent} decimal places: readings to 0.001 "
            "times it needs more than 9 decimal places; at most 6 are allowed"
        )
    return value


class MeterChange(StrictModel):
    """A dated change of the meter (换表): its multiplier, its losses, or the meter itself.

    The readings of intervals that start on or after the first instant of ``from`` (local
    time of the tariff) are multiplied by the new multiplier; the state lasts until the
    next change. A field left out keeps its value from the state before (the account's
    ``meter_multiplier`` and ``losses`` before the first change).

    Attributes:
        from_: First day of the new meter state (written ``from``).
        meter: The new meter's number, shown on the bill.
        meter_multiplier: Metering multiplier from that day (倍率).
        losses: Losses from that day; ``{}`` ends them.
    """

    from_: PlainDate = Field(alias="from")
    meter: str | None = Field(default=None, min_length=1)
    meter_multiplier: NonNegativeDecimal | None = None
    losses: Losses | None = None

    @field_validator("meter_multiplier")
    @classmethod
    def _multiplier(cls, value: Decimal | None) -> Decimal | None:
        return None if value is None else _check_multiplier(value)


class MeterState(NamedTuple):
    """The meter in force from a date (the account's meter, after its changes).

    Attributes:
        start: First day of the state; None for the state before the first change.
        end: Day after the state's last day; None when no later change ends it.
        meter: The meter's number, when the account gives one.
        meter_multiplier: Metering multiplier.
        losses: Losses added to what the meter reads, or None.
    """

    start: dt.date | None
    end: dt.date | None
    meter: str | None
    meter_multiplier: Decimal
    losses: Losses | None


class AllowanceChange(StrictModel):
    """A dated change of the extra tier allowance (一户多人口 registered or ended).

    Attributes:
        from_: First day of the new allowance (written ``from``); it applies to the
            bills whose billing period starts on or after that day.
        tier_allowance_kwh_per_month: The allowance from that day [kWh/month].
    """

    from_: PlainDate = Field(alias="from")
    tier_allowance_kwh_per_month: NonNegativeDecimal


class CapacityState(NamedTuple):
    """The capacity in force from a date (the account's state, after its changes).

    Attributes:
        start: First day of the state; None for the state before the first change.
        end: Day after the state's last day; None when no later change ends it.
        capacity_kva: Contracted capacity [kVA].
        suspended_kva: Part of it suspended [kVA].
        suspended_billed_percent: Share of the suspended part billed [%].
        reduced_kva: The account's ``capacity_kva`` less this state's, when more [kVA].
        reduced_billed_percent: Share of the reduced part billed [%].
        suspension_days: Length of the suspension this state is part of, from the day the
            suspended capacity went above 0 to the day it went back to 0 [days]; None for
            no suspension or one that no later change ends.
    """

    start: dt.date | None
    end: dt.date | None
    capacity_kva: Decimal
    suspended_kva: Decimal
    suspended_billed_percent: Decimal
    reduced_kva: Decimal
    reduced_billed_percent: Decimal
    suspension_days: int | None


def _error(location: tuple[str | int, ...], message: str, value: object) -> ValidationError:
    """A validation error at ``location`` of the account's data (the model's own checks)."""
    return ValidationError.from_exception_data(
        "Account",
        [
            InitErrorDetails(
                type=PydanticCustomError("value_error", message),
                loc=location,
                input=value,
            )
        ],
    )


def billed_transformers(transformers: list[Transformer]) -> tuple[str, ...]:
    """The transformers whose capacities are billed: the largest set that can run at once.

    Transformers interlocked with each other never run together, so the billed capacity
    is the largest total of a set of transformers no two of which are interlocked
    ("按可能同时使用的变压器容量之和的最大值"). Of equal totals the set first in the
    account's order is taken.

    >>> ts = [Transformer(id="T1", capacity_kva=500, interlocked_with="T2"),
    ...       Transformer(id="T2", capacity_kva=630), Transformer(id="T3", capacity_kva=200)]
    >>> billed_transformers(ts)
    ('T2', 'T3')
    """
    index = {t.id: i for i, t in enumerate(transformers)}
    neighbours: list[set[int]] = [set() for _ in transformers]
    for i, transformer in enumerate(transformers):
        for other in transformer.interlocked_with:
            neighbours[i].add(index[other])
            neighbours[index[other]].add(i)
    chosen: list[int] = []
    seen: set[int] = set()
    for first in range(len(transformers)):
        if first in seen:
            continue
        group: list[int] = []
        stack = [first]
        seen.add(first)
        while stack:
            at = stack.pop()
            group.append(at)
            for linked in sorted(neighbours[at] - seen):
                seen.add(linked)
                stack.append(linked)
        group.sort()
        best: tuple[Decimal, int] | None = None
        best_members: list[int] = []
        for mask in range(1 << len(group)):
            members = [group[k] for k in range(len(group)) if mask >> k & 1]
            if any(neighbours[a] & set(members) for a in members):
                continue
            total = sum((transformers[m].capacity_kva for m in members), Decimal(0))
            # Prefer the larger total; of equal totals, the set of the earliest members.
            order = sum(1 << (len(transformers) - 1 - m) for m in members)
            if best is None or total > best[0] or (total == best[0] and order > best[1]):
                best = (total, order)
                best_members = members
        chosen.extend(best_members)
    return tuple(transformers[i].id for i in sorted(chosen))


class Account(StrictModel):
    """Contract data of one customer (CONTRACT.md "Account file").

    Attributes:
        account_id: The customer's account number.
        customer_class: The customer's class (e.g. ``residential``, ``commercial``,
            ``industrial``), checked against a tariff's ``eligibility``.
        voltage_kv: The supply voltage (受电电压) [kV], checked against a tariff's
            ``eligibility``.
        capacity_kva: Contracted transformer capacity [kVA].
        contract_demand_kw: Contracted maximum demand (合同最大需量) [kW].
        basic_charge_method: How the basic charge (基本电费) is billed.
        service_start: First day of service, when the account opened mid-period.
        service_end: Last day of service (inclusive), when it closed mid-period.
        meter_read_day: Day of the month on which billing periods start (calendar
            months when left out).
        tier_allowance_kwh_per_month: Extra tier allowance (一户多人口) [kWh/month].
        critical_peak_days: Declared critical-peak event days.
        year_to_date_kwh: Annual-tier kWh before the first bill priced [kWh].
        demand_history_kw: Maximum demand of earlier months, ``"YYYY-MM"`` → kW, for
            demand ratchets.
        coincident_peaks: Declared coincident-peak intervals (a start, or a start and
            its ``hours``), where demand charges measured at coincident peaks measure.
        meter: The meter's number, shown on a bill that a meter change cuts.
        meter_multiplier: Metering multiplier (倍率 = CT ratio × PT ratio): readings are
            register quantities and are multiplied by it before pricing.
        losses: Transformer and line losses (变损, 线损) added to the metered quantities.
        transformers: The transformers and their interlocks; ``capacity_kva`` is then
            the largest total of those that can run together.
        capacity_changes: Dated reductions (减容) and suspensions (暂停) of the capacity,
            in date order.
        meter_changes: Dated changes of the meter (换表), its multiplier and its
            losses, in date order.
        tier_allowance_changes: Dated changes of ``tier_allowance_kwh_per_month``, in
            date order.
        tier_allowance_year: How an annual ladder's bounds follow a change of the
            allowance: ``prorated`` (each month of the tier year adds the allowance in
            force on its first day) or ``full`` (the whole year adds 12 × the bill's
            allowance).
        metering: The metering rule of exported energy the account is on
            (``net_metering``, ``net_billing``, ``buy_all_sell_all``), instead of the
            tariff's ``exports.metering``.
        gross_readings: The readings' ``kwh`` is the premises' gross load and
            ``export_kwh`` the generation, as two meters read them (needed by
            ``buy_all_sell_all``), not the import and export of one meter.
        credit_kwh: Net metering: the kWh credit of each period carried into the first
            bill priced, period name → kWh (what the bill before showed carried out).
        credit_amount: Net billing with carry-over: the money credit carried into the
            first bill priced [currency].
        sub_meters: Sub-meters whose kWh are subtracted from this meter's and billed
            under another tariff (套扣), `tariffs.engine.submeters`.
        split: A part of this meter's kWh (less its sub-meters') billed under another
            tariff: a ratio (定比) or a quantity a month (定量).
    """

    account_id: str = Field(min_length=1)
    customer_class: str | None = Field(default=None, json_schema_extra={"pattern": CLASS_PATTERN})
    voltage_kv: NonNegativeDecimal | None = None
    capacity_kva: NonNegativeDecimal | None = None
    contract_demand_kw: NonNegativeDecimal | None = None
    basic_charge_method: Literal["capacity", "contract_demand", "actual_demand"] | None = None
    service_start: PlainDate | None = None
    service_end: PlainDate | None = None
    meter_read_day: WholeNumber | None = Field(default=None, ge=1, le=28)
    tier_allowance_kwh_per_month: NonNegativeDecimal = Decimal(0)
    critical_peak_days: list[PlainDate] = Field(default_factory=empty_list)
    year_to_date_kwh: NonNegativeDecimal = Decimal(0)
    demand_history_kw: dict[str, NonNegativeDecimal] = Field(default_factory=empty_dict)
    coincident_peaks: Annotated[list[CoincidentPeak], BeforeValidator(_peaks)] = Field(
        default_factory=empty_list
    )
    meter: str | None = Field(default=None, min_length=1)
    meter_multiplier: NonNegativeDecimal = Decimal(1)
    losses: Losses | None = None
    transformers: list[Transformer] = Field(default_factory=empty_list)
    capacity_changes: list[CapacityChange] = Field(default_factory=empty_list)
    meter_changes: list[MeterChange] = Field(default_factory=empty_list)
    tier_allowance_changes: list[AllowanceChange] = Field(default_factory=empty_list)
    tier_allowance_year: Literal["prorated", "full"] = "prorated"
    metering: MeteringRule | None = None
    gross_readings: bool = False
    credit_kwh: dict[str, NonNegativeDecimal] = Field(default_factory=empty_dict)
    credit_amount: NonNegativeDecimal = Decimal(0)
    sub_meters: list[SubMeter] = Field(default_factory=empty_list)
    split: Split | None = None

    _source: str | None = PrivateAttr(default=None)

    @property
    def source(self) -> str | None:
        """The account file, when the account was loaded from one."""
        return self._source

    @field_validator("account_id")
    @classmethod
    def _printable_id(cls, value: str) -> str:
        problem = unprintable_in_id(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("meter_multiplier")
    @classmethod
    def _multiplier(cls, value: Decimal) -> Decimal:
        return _check_multiplier(value)

    @field_validator("customer_class")
    @classmethod
    def _customer_class(cls, value: str | None) -> str | None:
        return value if value is None else check_class_name(value)

    @field_validator("demand_history_kw")
    @classmethod
    def _months(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        for key in value:
            check_ascii_digits(key)
            if not _YEAR_MONTH.match(key):
                raise ValueError(f"demand_history_kw keys are months 'YYYY-MM', found {key!r}")
        return value

    @model_validator(mode="after")
    def _check(self) -> Account:
        if self.transformers:
            self._check_transformers()
        if self.capacity_changes:
            self._check_changes()
        self._check_dated("meter_changes", [c.from_ for c in self.meter_changes])
        self._check_sub_meters()
        self._check_dated("tier_allowance_changes", [c.from_ for c in self.tier_allowance_changes])
        for i, meter_change in enumerate(self.meter_changes):
            if (
                meter_change.meter is None
                and meter_change.meter_multiplier is None
                and meter_change.losses is None
            ):
                raise _error(
                    ("meter_changes", i),
                    f"the meter change from {meter_change.from_} gives none of meter, "
                    "meter_multiplier, losses; give what changes from that day",
                    None,
                )
        if self.service_start and self.service_end and self.service_end < self.service_start:
            raise ValueError(
                f"service_end {self.service_end} is before service_start {self.service_start}"
            )
        if (
            self.capacity_kva is not None
            and self.contract_demand_kw is not None
            and self.contract_demand_kw > self.capacity_kva
        ):
            raise ValueError(
                f"contract_demand_kw {self.contract_demand_kw} is above capacity_kva "
                f"{self.capacity_kva}; a contract demand cannot exceed the transformer capacity"
            )
        return self

    def _check_sub_meters(self) -> None:
        first_at: dict[str, int] = {}
        for i, sub in enumerate(self.sub_meters):
            if sub.id in first_at or sub.id == self.meter:
                first = f"sub_meters[{first_at[sub.id]}]" if sub.id in first_at else "meter"
                raise _error(
                    ("sub_meters", i, "id"),
                    f"meter {sub.id!r} is declared twice (first at {first})",
                    sub.id,
                )
            first_at[sub.id] = i
        if (self.sub_meters or self.split is not None) and self.meter_changes:
            raise _error(
                ("meter_changes",),
                "meter_changes together with sub_meters or split are not priced: the "
                "subtraction is declared for one main meter",
                None,
            )

    def _check_transformers(self) -> None:
        transformers = self.transformers
        first_at: dict[str, int] = {}
        for i, transformer in enumerate(transformers):
            if transformer.id in first_at:
                raise _error(
                    ("transformers", i, "id"),
                    f"transformer {transformer.id!r} is declared twice (first at "
                    f"transformers[{first_at[transformer.id]}])",
                    transformer.id,
                )
            first_at[transformer.id] = i
        for i, transformer in enumerate(transformers):
            for j, other in enumerate(transformer.interlocked_with):
                if other == transformer.id:
                    raise _error(
                        ("transformers", i, "interlocked_with", j),
                        f"transformer {other!r} is interlocked with itself; name another "
                        "transformer of the account",
                        other,
                    )
                if other not in first_at:
                    raise _error(
                        ("transformers", i, "interlocked_with", j),
                        f"transformer {transformer.id!r} is interlocked with {other!r}, which "
                        f"is not a transformer of the account ({', '.join(first_at)})",
                        other,
                    )
        for size, members in _interlocked_groups(transformers):
            if size > MAX_INTERLOCKED_GROUP:
                raise _error(
                    ("transformers",),
                    f"transformers {', '.join(members)} form one interlocked group of "
                    f"{size}; at most {MAX_INTERLOCKED_GROUP} are evaluated",
                    None,
                )
        billed = billed_transformers(transformers)
        total = sum((t.capacity_kva for t in transformers if t.id in billed), Decimal(0))
        if self.capacity_kva is not None and self.capacity_kva != total:
            raise _error(
                ("capacity_kva",),
                f"capacity_kva {self.capacity_kva} differs from the {total} kVA of the "
                f"transformers that can run together ({' + '.join(billed)}); leave "
                "capacity_kva out, or make the two agree",
                self.capacity_kva,
            )
        object.__setattr__(self, "capacity_kva", total)
        self._billed = billed

    def _check_dated(self, name: str, days: list[dt.date]) -> None:
        """Dated states come in date order, one a day."""
        for i in range(1, len(days)):
            if days[i] <= days[i - 1]:
                raise _error(
                    (name, i, "from"),
                    f"from {days[i]} is not after {days[i - 1]} ({name}[{i - 1}]): the "
                    "changes are states one after another, in date order, one a day",
                    days[i],
                )

    def meter_states(self) -> list[MeterState]:
        """The states of the meter: before the first change, then one per change."""
        states = [MeterState(None, None, self.meter, self.meter_multiplier, self.losses)]
        for change in self.meter_changes:
            before = states[-1]
            states[-1] = before._replace(end=change.from_)
            states.append(
                MeterState(
                    change.from_,
                    None,
                    change.meter if change.meter is not None else before.meter,
                    before.meter_multiplier
                    if change.meter_multiplier is None
                    else change.meter_multiplier,
                    before.losses if change.losses is None else change.losses,
                )
            )
        return states

    def tier_allowance_on(self, day: dt.date) -> Decimal:
        """The extra tier allowance in force on ``day`` [kWh/month]."""
        allowance = self.tier_allowance_kwh_per_month
        for change in self.tier_allowance_changes:
            if change.from_ > day:
                break
            allowance = change.tier_allowance_kwh_per_month
        return allowance

    def _check_changes(self) -> None:
        if self.capacity_kva is None:
            raise _error(
                ("capacity_changes",),
                "capacity_changes need the capacity before the first change: give "
                "capacity_kva (or transformers)",
                None,
            )
        capacity, suspended = self.capacity_kva, Decimal(0)
        previous: dt.date | None = None
        for i, change in enumerate(self.capacity_changes):
            at: tuple[str | int, ...] = ("capacity_changes", i)
            if previous is not None and change.from_ <= previous:
                raise _error(
                    (*at, "from"),
                    f"from {change.from_} is not after {previous} (capacity_changes[{i - 1}]): "
                    "the changes are states one after another, in date order, one a day",
                    change.from_,
                )
            previous = change.from_
            if all(
                getattr(change, name) is None
                for name in (
                    "capacity_kva",
                    "suspended_kva",
                    "suspended_billed_percent",
                    "reduced_billed_percent",
                )
            ):
                raise _error(
                    at,
                    f"the change from {change.from_} gives none of capacity_kva, "
                    "suspended_kva, suspended_billed_percent, reduced_billed_percent; give "
                    "what changes from that day",
                    None,
                )
            new_capacity = capacity if change.capacity_kva is None else change.capacity_kva
            new_suspended = suspended if change.suspended_kva is None else change.suspended_kva
            if new_suspended > new_capacity:
                field = "suspended_kva" if change.suspended_kva is not None else "capacity_kva"
                raise _error(
                    (*at, field),
                    f"{new_suspended} kVA suspended from {change.from_} is more than the "
                    f"{new_capacity} kVA of capacity then; at most the whole capacity can be "
                    "suspended",
                    getattr(change, field),
                )
            reason = change.reason
            wrong = {
                "reduction": new_capacity >= capacity,
                "increase": new_capacity <= capacity,
                "suspension": new_suspended <= suspended,
                "restoration": new_suspended >= suspended and new_capacity <= capacity,
            }
            if reason is not None and wrong[reason]:
                expected = {
                    "reduction": "capacity_kva below",
                    "increase": "capacity_kva above",
                    "suspension": "suspended_kva above",
                    "restoration": "suspended_kva below, or capacity_kva above,",
                }[reason]
                raise _error(
                    (*at, "reason"),
                    f"reason {reason}, but from {change.from_} the capacity is {new_capacity} "
                    f"kVA with {new_suspended} suspended, against {capacity} kVA with "
                    f"{suspended} before; a {reason} has {expected} the one before",
                    reason,
                )
            capacity, suspended = new_capacity, new_suspended

    _billed: tuple[str, ...] = PrivateAttr(default=())

    @property
    def billed_transformers(self) -> tuple[str, ...]:
        """The transformers whose capacities make ``capacity_kva`` (none declared: ())."""
        return self._billed

    def capacity_states(self) -> list[CapacityState]:
        """The states of the capacity: before the first change, then one per change.

        Raises:
            ValueError: The account has no ``capacity_kva`` (an account file always has
                one when it has changes).
        """
        if self.capacity_kva is None:
            raise ValueError("capacity_kva")
        states: list[dict[str, Any]] = []
        capacity, suspended, percent = self.capacity_kva, Decimal(0), Decimal(0)
        reduced_percent = Decimal(0)
        start: dt.date | None = None
        for change in [None, *self.capacity_changes]:
            if change is not None:
                start = change.from_
                if change.capacity_kva is not None:
                    capacity = change.capacity_kva
                if change.suspended_kva is not None:
                    suspended = change.suspended_kva
                if change.suspended_billed_percent is not None:
                    percent = change.suspended_billed_percent
                if change.reduced_billed_percent is not None:
                    reduced_percent = change.reduced_billed_percent
                if states:
                    states[-1]["end"] = start
            states.append(
                {
                    "start": start,
                    "end": None,
                    "capacity_kva": capacity,
                    "suspended_kva": suspended,
                    "suspended_billed_percent": percent,
                    "reduced_kva": max(self.capacity_kva - capacity, Decimal(0)),
                    "reduced_billed_percent": reduced_percent,
                    "suspension_days": None,
                }
            )
        # A suspension runs from the state whose suspended part goes above 0 to the first
        # later state with none suspended.
        run: list[dict[str, Any]] = []
        for state in [*states, None]:
            if state is not None and state["suspended_kva"] > 0:
                run.append(state)
                continue
            if run and state is not None and run[0]["start"] is not None:
                days = (state["start"] - run[0]["start"]).days
                for member in run:
                    member["suspension_days"] = days
            run = []
        return [CapacityState(**state) for state in states]


def _interlocked_groups(transformers: list[Transformer]) -> Iterator[tuple[int, list[str]]]:
    """Each group of transformers linked by interlocks: its size and its members."""
    parent = {t.id: t.id for t in transformers}

    def root(name: str) -> str:
        while parent[name] != name:
            name = parent[name]
        return name

    for transformer in transformers:
        for other in transformer.interlocked_with:
            parent[root(other)] = root(transformer.id)
    groups: dict[str, list[str]] = {}
    for transformer in transformers:
        groups.setdefault(root(transformer.id), []).append(transformer.id)
    for members in groups.values():
        yield len(members), members
