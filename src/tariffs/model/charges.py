"""Schema of the charges of a tariff version, one model per charge kind.

Charges are priced in the order they are written. Charges that work on other lines
(taxes, minimum bills, power-factor adjustments, discounts) see the lines written
before them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Annotated, Literal

from pydantic import (
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from tariffs.model.common import (
    WIDE_CONTEXT,
    Code,
    ExactDecimal,
    MonthNumber,
    Name,
    NestedValueError,
    NonNegativeDecimal,
    StrictModel,
    WholeNumber,
    Window,
    check_derived_price,
    empty_list,
)

__all__ = [
    "BASIC_METHODS",
    "LINE_KINDS",
    "BasicCharge",
    "DemandCharge",
    "DiscountCharge",
    "DynamicEnergyCharge",
    "LoadFactorDiscount",
    "Overrun",
    "PowerFactorCharge",
    "PriceFileCharge",
    "PriceTable",
    "Ratchet",
    "ReactiveCharge",
    "Charge",
    "EnergyCharge",
    "ExportCreditCharge",
    "FixedCharge",
    "MinimumCharge",
    "PriceRef",
    "PriceSeries",
    "PriceSpec",
    "SurchargeCharge",
    "Suspension",
    "TaxCharge",
    "Tiers",
]

#: The kinds a bill line can have (CONTRACT.md).
LINE_KINDS = (
    "fixed",
    "energy",
    "demand",
    "capacity",
    "power_factor",
    "surcharge",
    "tax",
    "discount",
    "minimum",
    "export_credit",
    "adjustment",
)


class PriceRef(StrictModel):
    """A price derived from another one: ``of`` × ``ratio``, exact (never rounded).

    ``of`` names a base price of the version, or another period of the same charge. The
    price it gives passes the checks of a written price (0 or more, within the limits of
    a number); the version checks it, since only the version knows what ``of`` names.
    """

    of: Name
    ratio: ExactDecimal = Decimal(1)


#: A price per unit: a decimal, or a reference to a named price times a ratio.
PriceSpec = NonNegativeDecimal | PriceRef


class Tiers(StrictModel):
    """Block tiers (阶梯) on the kWh of a reset period.

    Attributes:
        bounds_kwh: Upper bounds of every tier but the last, strictly increasing [kWh].
        reset: When the cumulative count restarts: every calendar month, every bill, or
            every year (from ``start_month``).
        start_month: First month of the tier year when ``reset`` is ``annual``.
        method: How tiers meet time-of-use periods: ``proportional`` splits each tier's
            kWh between periods by the period shares of the bill; ``chronological``
            fills tiers in time order; ``per_period`` gives each period its own ladder;
            ``increment`` (递增法) bills all kWh at the period prices and adds
            ``increments_per_kwh`` on the kWh of the upper tiers.
        increments_per_kwh: With ``increment``: the extra price of tier 2, 3, ...
            relative to tier 1 [currency/kWh].
        bound_unit: What a bound counts: ``kwh`` as written; ``kwh_per_day``, times the
            days of service of the bill (URDB "kWh daily"); ``kwh_per_kw``, times the
            bill's maximum demand (hours-use blocks, URDB "kWh/kW").
        proration: How bounds shrink in a partial period: ``none``; ``days`` (monthly:
            days of service / days of the period; annual: days from service start to the
            end of the tier year / days of that year); ``months`` (annual: months of
            service in the first tier year / 12, counting the start month).
        proration_places: Decimal places a prorated bound is rounded to, half-up.
    """

    bounds_kwh: list[NonNegativeDecimal] = Field(min_length=1)
    reset: Literal["monthly", "bill", "annual"] = "monthly"
    start_month: WholeNumber = Field(default=1, ge=1, le=12)
    method: Literal["proportional", "chronological", "per_period", "increment"] = "proportional"
    increments_per_kwh: list[NonNegativeDecimal] | None = None
    bound_unit: Literal["kwh", "kwh_per_day", "kwh_per_kw"] = "kwh"
    proration: Literal["none", "days", "months"] = "none"
    proration_places: WholeNumber = Field(default=0, ge=0, le=6)

    @model_validator(mode="after")
    def _check(self) -> Tiers:
        for lower, upper in zip(self.bounds_kwh, self.bounds_kwh[1:], strict=False):
            if upper <= lower:
                raise ValueError(f"tier bounds must increase strictly, found {lower} then {upper}")
        if self.bounds_kwh[0] <= 0:
            raise ValueError(f"the first tier bound must be above 0, found {self.bounds_kwh[0]}")
        if self.method == "increment":
            if self.increments_per_kwh is None:
                raise ValueError("method 'increment' needs increments_per_kwh")
            if len(self.increments_per_kwh) != len(self.bounds_kwh):
                raise ValueError(
                    f"increments_per_kwh needs one price per upper tier "
                    f"({len(self.bounds_kwh)}), found {len(self.increments_per_kwh)}"
                )
        elif self.increments_per_kwh is not None:
            raise ValueError("increments_per_kwh only goes with method 'increment'")
        if self.reset != "annual" and self.start_month != 1:
            raise ValueError("start_month only goes with reset 'annual'")
        if self.reset == "annual" and self.bound_unit != "kwh":
            raise ValueError(
                f"bound_unit {self.bound_unit!r} only goes with a monthly or bill reset"
            )
        if self.reset != "annual" and self.proration == "months":
            raise ValueError("proration 'months' only goes with reset 'annual'")
        return self

    @property
    def tier_count(self) -> int:
        """Number of tiers (one more than the bounds)."""
        return len(self.bounds_kwh) + 1


class _ChargeBase(StrictModel):
    """What every charge has: its code and label, and the price class it belongs to.

    ``price_class`` names one of the tariff's ``price_classes``: the charge prices only
    the bills of that class (a sub-meter's or a split's part billed under it, or the
    main meter's under the first class); a charge without one prices every class.
    """

    code: Code | None = None
    label: str | None = None
    price_class: Name | None = None


class EnergyCharge(_ChargeBase):
    """Price per kWh imported: flat, by period, tiered, or by period × tier.

    Give ``price_per_kwh`` (one price, or one per tier) or ``prices`` (period → price,
    or period → one price per tier). ``season_multipliers`` scale every price by the
    season of the kWh (丰枯: wet 0.90, dry 1.20); each price times each multiplier passes
    the checks of a written price.
    """

    kind: Literal["energy"]
    price_per_kwh: PriceSpec | list[PriceSpec] | None = None
    prices: dict[Name, PriceSpec | list[PriceSpec]] | None = None
    tiers: Tiers | None = None
    season_multipliers: dict[Name, NonNegativeDecimal] | None = None

    @model_validator(mode="after")
    def _check(self) -> EnergyCharge:
        if (self.price_per_kwh is None) == (self.prices is None):
            raise ValueError("give either price_per_kwh or prices (by period)")
        tiered_lists = []
        if isinstance(self.price_per_kwh, list):
            tiered_lists.append(("price_per_kwh", self.price_per_kwh))
        for period, spec in (self.prices or {}).items():
            if isinstance(spec, list):
                tiered_lists.append((f"prices.{period}", spec))
        if self.tiers is None:
            if tiered_lists:
                raise ValueError(f"{tiered_lists[0][0]} lists tier prices but there are no tiers")
            return self
        if self.tiers.method == "increment":
            if tiered_lists:
                raise ValueError(
                    "with method 'increment', give one price per period and the "
                    "tier increments in tiers.increments_per_kwh"
                )
            return self
        count = self.tiers.tier_count
        specs: dict[str, PriceSpec | list[PriceSpec]] = (
            {"price_per_kwh": self.price_per_kwh}
            if self.price_per_kwh is not None
            else {f"prices.{period}": spec for period, spec in (self.prices or {}).items()}
        )
        for where, spec in specs.items():
            if not isinstance(spec, list) or len(spec) != count:
                found = len(spec) if isinstance(spec, list) else 1
                raise ValueError(
                    f"{where} needs a list of {count} prices (one per tier), found {found}"
                )
        return self


class SurchargeCharge(_ChargeBase):
    """A per-kWh surcharge on all imported kWh (政府性基金及附加), its own line."""

    kind: Literal["surcharge"]
    price_per_kwh: PriceSpec


class ExportCreditCharge(_ChargeBase):
    """A credit per kWh exported (a negative line)."""

    kind: Literal["export_credit"]
    price_per_kwh: PriceSpec


class FixedCharge(_ChargeBase):
    """A fixed amount per bill, per day of service, or per month (prorated by days).

    ``per: month`` is prorated for a partial billing period by the tariff's proration
    rule; ``per: bill`` is never prorated.
    """

    kind: Literal["fixed"]
    amount: NonNegativeDecimal
    per: Literal["bill", "day", "month"] = "month"


class TaxCharge(_ChargeBase):
    """A percentage of earlier lines (tax, or any percentage surcharge).

    ``applies_to`` lists line kinds or codes (a code matches itself and its sub-codes,
    e.g. ``energy`` matches ``energy.peak``); all earlier lines when left out.
    """

    kind: Literal["tax"]
    percent: NonNegativeDecimal
    applies_to: list[str] | None = None


@dataclass(frozen=True, slots=True)
class PriceSeries:
    """Interval prices read from a file (`tariffs.io.price_files`), uniform and gapless.

    Attributes:
        source: The file as named in messages (its path).
        first_start: Start of the first price interval [UTC epoch seconds].
        interval_seconds: Length of every price interval [s] (300, 900 or 3600).
        prices: The price of each interval, in time order [currency/kWh].
    """

    source: str
    first_start: int
    interval_seconds: int
    prices: tuple[Decimal, ...]

    def digest(self) -> str:
        """A digest of the series: equal for equal files."""
        text = "\n".join(
            [self.source, str(self.first_start), str(self.interval_seconds), *map(str, self.prices)]
        )
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class DynamicEnergyCharge(_ChargeBase):
    """Energy priced interval by interval from a price series (real-time or day-ahead).

    Attributes:
        hourly_prices_per_kwh: One price per hour of the year from January 1 00:00 local
            time (8760 values; 8784 to price leap years) [currency/kWh].
        prices_file: Instead of the list: a CSV of ``start,price_per_kwh`` rows at a
            uniform interval of 5, 15 or 60 minutes, relative to the table's directory.
        adder_per_kwh: Added to every price [currency/kWh].
    """

    kind: Literal["dynamic_energy"]
    hourly_prices_per_kwh: list[ExactDecimal] | None = Field(
        default=None, min_length=8760, max_length=8784
    )
    prices_file: str | None = Field(default=None, min_length=1)
    adder_per_kwh: ExactDecimal = Decimal(0)
    _series: PriceSeries | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check(self) -> DynamicEnergyCharge:
        if (self.hourly_prices_per_kwh is None) == (self.prices_file is None):
            raise ValueError("give exactly one of hourly_prices_per_kwh and prices_file")
        # Hourly prices may be negative; hourly price + adder must still be a number the
        # engine can carry exactly. The lowest and the highest sums are the extremes (the
        # loader checks a file's prices alike).
        if self.adder_per_kwh and self.hourly_prices_per_kwh is not None:
            for word, price in (
                ("lowest", min(self.hourly_prices_per_kwh)),
                ("highest", max(self.hourly_prices_per_kwh)),
            ):
                with localcontext(WIDE_CONTEXT):
                    value = price + self.adder_per_kwh
                formula = f"the {word} hourly price {price} + adder_per_kwh {self.adder_per_kwh}"
                try:
                    check_derived_price(value, formula, negative=True)
                except ValueError as exc:
                    raise NestedValueError(str(exc), ("adder_per_kwh",)) from None
        return self

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        # As for `PriceFileCharge`: the prices read belong to the charge's value.
        data: dict[str, object] = handler(self)
        if self._series is not None:
            data["prices_read"] = self._series.digest()
        return data

    @property
    def series(self) -> PriceSeries | None:
        """The prices read from ``prices_file``, or None (hourly list, or not yet read)."""
        return self._series

    def attach(self, series: PriceSeries) -> None:
        """Attach the prices read from ``prices_file`` (the loader calls this once)."""
        self._series = series


@dataclass(frozen=True, slots=True)
class PriceTable:
    """The rows of a price file, read exactly (`tariffs.io.price_files`).

    Attributes:
        source: The file as named in messages (its path).
        components: Component names, in the order the file first lists them.
        prices: ``(month "YYYY-MM", voltage [kV])`` → component → price [currency/kWh];
            every key lists every component.
    """

    source: str
    components: tuple[str, ...]
    prices: dict[tuple[str, Decimal], dict[str, Decimal]]

    def digest(self) -> str:
        """A digest of the rows: equal for equal files, whatever their order."""
        rows = sorted(
            f"{month},{voltage},{component},{price}"
            for (month, voltage), given in self.prices.items()
            for component, price in given.items()
        )
        text = "\n".join([self.source, ",".join(self.components), *rows])
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class PriceFileCharge(_ChargeBase):
    """Energy priced by components read from a CSV price file, by month and voltage.

    The agency purchase price (电网代理购电) of China's industrial and commercial
    customers is published every month by each provincial grid: the purchase price, the
    line-loss cost, the transmission and distribution price of each voltage level, the
    system operation charge and the government funds (NDRC 发改办价格〔2021〕809号).
    Each component of the file becomes its own line; the components in
    ``time_of_use`` are billed period by period at the month's price × the period's
    ``ratios`` (峰谷浮动), exactly.

    Attributes:
        file: The CSV file, relative to the tariff table's directory; rows
            ``month,voltage_kv,component,price_per_kwh``.
        voltage_kv: The voltage level whose rows are billed [kV]; the account's
            ``voltage_kv`` when left out.
        time_of_use: Components billed by period at price × ratio.
        ratios: Period → ratio to the month's price, one for every period of the
            schedule; needed with ``time_of_use``.
    """

    kind: Literal["price_file"]
    file: str = Field(min_length=1)
    voltage_kv: NonNegativeDecimal | None = None
    time_of_use: list[Name] = Field(default_factory=empty_list)
    ratios: dict[Name, NonNegativeDecimal] | None = None
    _table: PriceTable | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check(self) -> PriceFileCharge:
        if self.time_of_use and self.ratios is None:
            raise ValueError("time_of_use components need ratios: period → ratio")
        if len(set(self.time_of_use)) != len(self.time_of_use):
            raise NestedValueError("a component is listed twice", ("time_of_use",))
        return self

    @property
    def table(self) -> PriceTable:
        """The price file's rows, attached by the loader.

        Raises:
            ValueError: The tariff was built without reading its price file.
        """
        if self._table is None:
            raise ValueError(f"price file {self.file} was not read; load the tariff from its file")
        return self._table

    @model_serializer(mode="wrap")
    def _dump(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        # The rows read belong to the charge's value: a charge whose file changed is not
        # equal to the one read before (the engine keys what it keeps by the dump).
        data: dict[str, object] = handler(self)
        if self._table is not None:
            data["rows_read"] = self._table.digest()
        return data

    @property
    def loaded_table(self) -> PriceTable | None:
        """The price file's rows, or None before the loader read them."""
        return self._table

    def attach(self, table: PriceTable) -> None:
        """Attach the rows read from ``file`` (the loader calls this once)."""
        self._table = table


class MinimumCharge(_ChargeBase):
    """A minimum bill.

    When the earlier lines in ``applies_to`` sum to less than the minimum, a ``minimum``
    line makes up the difference. With ``per: year``, the lines of a calendar year are
    added up and the difference is billed on the bill that ends the year; a year billed
    only in part has its minimum prorated by days billed / days of the year.
    """

    kind: Literal["minimum"]
    amount: NonNegativeDecimal
    per: Literal["bill", "day", "month", "year"] = "month"
    applies_to: list[str] | None = None


class Overrun(StrictModel):
    """Demand above ``above_percent`` of contract demand, billed at ``price_multiplier`` ×.

    The allowance is ``above_percent`` of the contract demand. Measured demand up to the
    allowance bills the contract demand. Above it, the part beyond the allowance is billed
    at ``price_multiplier`` × the price, and ``billed_up_to`` says what is billed at the
    price below that part: ``allowance`` (the allowance itself, so no kW between the
    contract demand and the allowance goes unbilled: State Grid 国家电网财〔2016〕633号,
    "超过105%部分的基本电费加一倍收取") or ``contract`` (only the contract demand).
    """

    above_percent: NonNegativeDecimal = Decimal(105)
    price_multiplier: NonNegativeDecimal = Decimal(2)
    billed_up_to: Literal["allowance", "contract"] = "allowance"


class LoadFactorDiscount(StrictModel):
    """A discount on demand-based basic charges for a high load factor.

    When the period's kWh per kVA of capacity reaches ``min_kwh_per_kva``, the
    demand-based basic lines are reduced by ``percent``.
    """

    min_kwh_per_kva: NonNegativeDecimal
    percent: NonNegativeDecimal = Field(le=100)


#: The ways a basic charge can be billed, as an account chooses.
BASIC_METHODS = ("capacity", "contract_demand", "actual_demand")


class Suspension(StrictModel):
    """How the basic charge by capacity bills a suspension (暂停) of the account.

    Attributes:
        min_days: A suspension shorter than this many days is billed as if the capacity
            had not been suspended (暂停时间少于十五天者，暂停期间基本电费照收) [days].
        max_days_per_year: Once the days with capacity suspended in a calendar year
            exceed this, the suspended capacity is billed in full for the rest of that
            year (每一日历年内累计暂停用电时间超过六个月者……按合同约定的容量计收); no limit
            when left out [days].
    """

    min_days: int = Field(ge=0, le=366)
    max_days_per_year: int | None = Field(default=None, ge=0, le=366)


class BasicCharge(_ChargeBase):
    """The basic charge of a two-part tariff (基本电费), by the account's chosen method.

    Attributes:
        capacity_price_per_kva: Monthly price per kVA of contracted capacity (按容量).
        demand_price_per_kw: Monthly price per kW of demand (按需量).
        floor_percent_of_capacity: Contract demand is raised to, and actual demand
            billed at no less than, this percentage of the capacity.
        overrun: With contract demand: demand above a percentage of it, at a multiple
            of the price, as its own line.
        load_factor_discount: With a demand method: discount for a high load factor.
        default_method: The method when the account names none.
        suspension: How a suspension of the account's capacity is billed; an account
            that suspends capacity is refused without it.
    """

    kind: Literal["basic"]
    capacity_price_per_kva: NonNegativeDecimal | None = None
    demand_price_per_kw: NonNegativeDecimal | None = None
    floor_percent_of_capacity: NonNegativeDecimal = Decimal(0)
    overrun: Overrun | None = None
    load_factor_discount: LoadFactorDiscount | None = None
    default_method: Literal["capacity", "contract_demand", "actual_demand"] | None = None
    suspension: Suspension | None = None

    @model_validator(mode="after")
    def _check(self) -> BasicCharge:
        if self.capacity_price_per_kva is None and self.demand_price_per_kw is None:
            raise ValueError("give capacity_price_per_kva and/or demand_price_per_kw")
        if self.default_method is not None and self.default_method not in self.methods:
            raise ValueError(f"default_method {self.default_method!r} has no price")
        if self.overrun is not None and self.demand_price_per_kw is not None:
            multiplier = self.overrun.price_multiplier
            with localcontext(WIDE_CONTEXT):
                value = self.demand_price_per_kw * multiplier
            formula = (
                f"the overrun price = {multiplier} × demand_price_per_kw "
                f"({self.demand_price_per_kw})"
            )
            try:
                check_derived_price(value, formula)
            except ValueError as exc:
                raise NestedValueError(str(exc), ("overrun", "price_multiplier")) from None
        return self

    @property
    def methods(self) -> tuple[str, ...]:
        """The methods this charge can bill by (those with a price)."""
        found = []
        if self.capacity_price_per_kva is not None:
            found.append("capacity")
        if self.demand_price_per_kw is not None:
            found.extend(["contract_demand", "actual_demand"])
        return tuple(found)


class Ratchet(StrictModel):
    """Billing demand is at least ``percent`` of the highest demand of the look-back.

    Attributes:
        percent: Share of the highest earlier demand that is billed at least [%].
        lookback_months: How many months before the bill count.
        months: Only demands of these calendar months count (all when left out).
    """

    percent: NonNegativeDecimal
    lookback_months: WholeNumber = Field(ge=1, le=36)
    months: list[MonthNumber] | None = None


class DemandCharge(_ChargeBase):
    """A demand charge: price per kW of the period's maximum demand.

    Give ``price_per_kw`` (one price, or one per demand tier) for the maximum over the
    whole period, or ``prices`` (period → price) for time-of-use demand, the maximum
    within each period. ``months`` limits the charge to some months (seasonal demand);
    ``hours`` measures demand only inside these local clock windows (coincident peak).
    ``measured_at: coincident_peaks`` measures demand only inside the coincident-peak
    intervals declared for the run or the account (``coincident_peaks``), which grid
    operators name after the fact; a bill with none declared is refused. With ``hours``
    too, only the declared intervals inside those windows count (one that lies partly
    inside is refused).
    """

    kind: Literal["demand"]
    price_per_kw: NonNegativeDecimal | list[NonNegativeDecimal] | None = None
    prices: dict[Name, NonNegativeDecimal | list[NonNegativeDecimal]] | None = None
    tiers_kw: list[NonNegativeDecimal] | None = None
    months: list[MonthNumber] | None = None
    ratchet: Ratchet | None = None
    minimum_kw: NonNegativeDecimal | None = None
    hours: list[Window] | None = None
    measured_at: Literal["coincident_peaks"] | None = None

    @model_validator(mode="after")
    def _check(self) -> DemandCharge:
        if (self.price_per_kw is None) == (self.prices is None):
            raise ValueError("give either price_per_kw or prices (by period)")
        specs: list[Decimal | list[Decimal]] = (
            [self.price_per_kw]
            if self.price_per_kw is not None
            else list((self.prices or {}).values())
        )
        count = len(self.tiers_kw) + 1 if self.tiers_kw else 1
        for spec in specs:
            found = len(spec) if isinstance(spec, list) else 1
            if found != count:
                raise ValueError(
                    f"{count} demand price(s) needed (one per demand tier), found {found}"
                )
        bounds = self.tiers_kw or []
        for lower, upper in zip(bounds, bounds[1:], strict=False):
            if upper <= lower:
                raise ValueError(f"demand tier bounds must increase, found {lower} then {upper}")
        if self.prices is not None and (
            self.ratchet or self.minimum_kw is not None or self.hours is not None
        ):
            raise ValueError(
                "a ratchet, minimum_kw or hours goes with price_per_kw, not with prices "
                "(time-of-use demand is measured within each period)"
            )
        if self.measured_at is not None and self.prices is not None:
            raise ValueError(
                "measured_at: coincident_peaks goes with price_per_kw, not with prices "
                "(demand is measured in the declared coincident-peak intervals only)"
            )
        return self


class PowerFactorCharge(_ChargeBase):
    """Power-factor adjustment (功率因数调整电费) by a standard table.

    Attributes:
        table: A standard table by name, e.g. ``1983-0.90`` (the 1983 rules).
        applies_to: Line kinds or codes whose amounts are the base.
    """

    kind: Literal["power_factor"]
    table: str
    applies_to: list[str] = Field(
        default_factory=lambda: ["capacity", "demand", "discount", "energy"]
    )

    @model_validator(mode="after")
    def _check(self) -> PowerFactorCharge:
        from tariffs.engine.adjustments.power_factor_tables import STANDARD_TABLES

        if self.table not in STANDARD_TABLES:
            raise ValueError(
                f"unknown power-factor table {self.table!r}; known: {', '.join(STANDARD_TABLES)}"
            )
        return self


class DiscountCharge(_ChargeBase):
    """A percentage off earlier lines, optionally only in some months (seasonal discounts).

    ``applies_to`` lists line kinds or codes (all earlier lines when left out).
    """

    kind: Literal["discount"]
    percent: NonNegativeDecimal = Field(le=100)
    applies_to: list[str] | None = None
    months: list[MonthNumber] | None = None


class ReactiveCharge(_ChargeBase):
    """A charge on reactive energy [kvarh] or on the maximum reactive demand [kvar].

    With ``price_per_kvarh``: the kvarh above a free allowance of
    ``free_kvarh_per_kwh`` × kWh. With ``price_per_kvar``: the bill's maximum reactive
    demand, the kvarh of a demand window ÷ the window's hours, over the version's
    ``demand_window``, priced per month like a demand charge. One of the two prices.
    """

    kind: Literal["reactive"]
    price_per_kvarh: NonNegativeDecimal | None = None
    free_kvarh_per_kwh: NonNegativeDecimal = Decimal(0)
    price_per_kvar: NonNegativeDecimal | None = None

    @model_validator(mode="after")
    def _check(self) -> ReactiveCharge:
        if (self.price_per_kvarh is None) == (self.price_per_kvar is None):
            raise ValueError(
                "a reactive charge gives one price: price_per_kvarh (reactive energy) or "
                "price_per_kvar (maximum reactive demand)"
                + (", not both" if self.price_per_kvar is not None else "; found neither")
            )
        if self.price_per_kvar is not None and "free_kvarh_per_kwh" in self.model_fields_set:
            raise ValueError(
                "free_kvarh_per_kwh is an allowance of reactive energy and goes with "
                "price_per_kvarh, not with price_per_kvar"
            )
        return self


Charge = Annotated[
    EnergyCharge
    | SurchargeCharge
    | ExportCreditCharge
    | FixedCharge
    | TaxCharge
    | DiscountCharge
    | MinimumCharge
    | DynamicEnergyCharge
    | PriceFileCharge
    | BasicCharge
    | DemandCharge
    | PowerFactorCharge
    | ReactiveCharge,
    Field(discriminator="kind"),
]
