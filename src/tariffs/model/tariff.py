"""Schema of a tariff table: metadata, dated versions, and the checks against mispricing.

A table is refused when its periods overlap or leave time unbilled, or when it refers to
something it does not define.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, localcontext
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from tariffs.model.calendar import WEEKDAYS, DayType, Override, PeriodRule, Season
from tariffs.model.charges import (
    Charge,
    DemandCharge,
    DynamicEnergyCharge,
    EnergyCharge,
    ExportCreditCharge,
    PriceFileCharge,
    PriceRef,
    PriceSpec,
)
from tariffs.model.common import (
    WIDE_CONTEXT,
    Name,
    NestedValueError,
    NonNegativeDecimal,
    PlainDate,
    StrictModel,
    WholeNumber,
    check_derived_price,
    empty_dict,
    empty_list,
    exact_decimal,
    window_spans,
)
from tariffs.model.eligibility import Eligibility
from tariffs.model.exports import Exports
from tariffs.model.holidays import SHIPPED_CALENDARS

__all__ = [
    "MINOR_UNITS",
    "DemandWindow",
    "Rounding",
    "Tariff",
    "Vat",
    "Version",
    "base_price_ratio",
    "resolve_prices",
]

#: Decimal places of the minor unit of common currencies (ISO 4217); others default to 2.
MINOR_UNITS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "KWD": 3, "BHD": 3, "OMR": 3}

_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_DEFAULT_SEASON = "all"
_DEFAULT_DAY_TYPE = "all"
_DEFAULT_PERIOD = "all"


class Rounding(StrictModel):
    """How amounts are rounded: each line, or the bill's total once.

    Attributes:
        per: ``line`` (each line rounded to ``places``; the total is their sum) or
            ``bill`` (each line carried to ``line_places``, the total rounded once to
            ``places``, and the difference shown as a line ``rounding`` so that the lines
            still add up to the total).
        places: Decimal places of the rounded amounts (each line's, or the total's); the
            currency's minor unit when left out (2 for CNY and USD).
        mode: How a digit is rounded: ``half_up``, ``half_even``, ``down`` or ``up``.
        line_places: With ``per: bill``, the decimal places each line is carried to (with
            ``mode``); 6 when left out. At least ``places``.
    """

    per: Literal["line", "bill"] = "line"
    places: WholeNumber | None = Field(default=None, ge=0, le=6)
    mode: Literal["half_up", "half_even", "down", "up"] = "half_up"
    line_places: WholeNumber | None = Field(default=None, ge=0, le=12)

    @model_validator(mode="after")
    def _line_places(self) -> Rounding:
        if self.line_places is not None and self.per != "bill":
            raise ValueError("'line_places' is for 'per: bill'; each line is rounded to 'places'")
        if (
            self.line_places is not None
            and self.places is not None
            and self.line_places < self.places
        ):
            raise ValueError(
                f"line_places {self.line_places} is fewer than the total's places {self.places}"
            )
        return self


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


class DemandWindow(StrictModel):
    """How demand is measured: the window length, clock-aligned or sliding."""

    minutes: Literal[5, 10, 15, 30, 60] = 15
    sliding: bool = False


class Vat(StrictModel):
    """Value-added tax (增值税) of a version's prices, and how a bill's invoice splits it.

    A bill of a version with ``vat`` carries an invoice split: the amount excluding tax
    (金额), the tax (税额) and the total including tax (价税合计).

    Attributes:
        rate: The tax rate as a fraction (``0.13`` for 13 %, the rate of electricity
            supply in China since 2019-04-01: 财政部 税务总局 海关总署公告2019年第39号).
        prices: ``inclusive``: the prices include the tax (Chinese catalogue prices);
            the bill's total is the total including tax, and the tax is worked out of
            it. ``exclusive``: the prices exclude it; a line ``vat`` adds ``rate`` × the
            other lines, and the bill's total includes it.
        rounded: Which part of an inclusive total is rounded (to the tariff's places,
            with its mode): ``tax`` (tax = total × rate / (1 + rate), rounded; the amount
            excluding tax is the rest) or ``net`` (the amount excluding tax = total /
            (1 + rate), rounded; the tax is the rest). The parts always add up to the
            total. Exclusive prices round the ``vat`` line like any line.
    """

    rate: Decimal = Field(gt=0, lt=1)
    prices: Literal["inclusive", "exclusive"]
    rounded: Literal["tax", "net"] = "tax"

    @field_validator("rate", mode="before")
    @classmethod
    def _exact(cls, value: object) -> Decimal:
        return exact_decimal(value)

    @model_validator(mode="after")
    def _rounded_part(self) -> Vat:
        if self.prices == "exclusive" and self.rounded != "tax":
            raise ValueError(
                "rounded: net is for inclusive prices; with exclusive prices the vat line "
                "is the tax, rounded as every line"
            )
        return self


class Version(StrictModel):
    """The tariff as in force from one effective date until the next version.

    Attributes:
        seasons: Season name → months or date ranges; one season ``all`` when left out.
        day_types: Day type name → weekdays or holidays; one type ``all`` when left out.
        periods: Time-of-use rules; one period ``all`` over the whole day when left out.
        overrides: Windows that replace the scheduled period (critical peak).
        event_days: Declared event days of the tariff (besides the account's).
        base_prices: Named prices that period prices refer to [currency/kWh].
        demand_window: How demand is measured for demand charges.
        demand_periods: A separate time-of-use schedule for demand charges priced by
            period (when demand periods differ from energy periods); same seasons and
            day types.
        charges: What the bill is made of, priced in this order.
        exports: How exported energy is metered and paid for (net metering, net
            billing, buy-all-sell-all); exports are credited only by an
            ``export_credit`` charge when left out.
        vat: The value-added tax of the prices and the invoice split of each bill
            (`Vat`); None: no split.
    """

    seasons: dict[Name, Season] | None = None
    day_types: dict[Name, DayType] | None = None
    periods: list[PeriodRule] | None = None
    overrides: list[Override] = Field(default_factory=empty_list)
    event_days: list[PlainDate] = Field(default_factory=empty_list)
    base_prices: dict[Name, NonNegativeDecimal] = Field(default_factory=empty_dict)
    demand_window: DemandWindow = Field(default_factory=DemandWindow)
    demand_periods: list[PeriodRule] | None = None
    charges: list[Charge] = Field(min_length=1)
    exports: Exports | None = None
    vat: Vat | None = None

    # -- derived names -------------------------------------------------------------------

    @property
    def season_names(self) -> list[str]:
        """Season names in the order written (``["all"]`` without seasons)."""
        return list(self.seasons) if self.seasons else [_DEFAULT_SEASON]

    @property
    def day_type_names(self) -> list[str]:
        """Day type names in the order written (``["all"]`` without day types)."""
        return list(self.day_types) if self.day_types else [_DEFAULT_DAY_TYPE]

    @property
    def period_names(self) -> list[str]:
        """Every period of the schedule and overrides, in the order first written."""
        names: list[str] = []
        for rule in self.periods or []:
            names.extend(n for n in rule.windows if n not in names)
        if not self.periods:
            names.append(_DEFAULT_PERIOD)
        names.extend(o.period for o in self.overrides if o.period not in names)
        return names

    def season_months(self, season: str) -> set[int]:
        """Months in which a season has at least one day."""
        if not self.seasons:
            return set(range(1, 13))
        spec = self.seasons[season]
        if spec.months is not None:
            return set(spec.months)
        months: set[int] = set()
        for day in _season_days(spec):
            months.add(day.month)
        return months

    # -- checks --------------------------------------------------------------------------

    @model_validator(mode="after")
    def _check(self) -> Version:
        self._check_seasons()
        self._check_day_types()
        self._check_periods()
        self._check_overrides()
        self._check_charges()
        self._check_exports()
        return self

    def _check_seasons(self) -> None:
        if not self.seasons:
            return
        owner: dict[dt.date, str] = {}
        for name, season in self.seasons.items():
            for day in _season_days(season):
                if day in owner:
                    raise ValueError(
                        f"{day:%m-%d} is in both season {owner[day]!r} and season {name!r}"
                    )
                owner[day] = name
        for day in _year_days():
            if day not in owner:
                raise ValueError(f"{day:%m-%d} is in no season; seasons must cover the year")

    def _check_day_types(self) -> None:
        if not self.day_types:
            return
        owner: dict[str, str] = {}
        for name, day_type in self.day_types.items():
            for weekday in day_type.weekdays or []:
                if weekday in owner:
                    raise ValueError(
                        f"{weekday} is in both day type {owner[weekday]!r} and {name!r}"
                    )
                owner[weekday] = name
        holiday_owner: dict[dt.date, str] = {}
        for name, day_type in self.day_types.items():
            for day in day_type.dates or []:
                if holiday_owner.get(day, name) != name:
                    raise ValueError(
                        f"{day} is a holiday of both day type {holiday_owner[day]!r} and {name!r}"
                    )
                holiday_owner[day] = name
        missing = [d for d in WEEKDAYS if d not in owner]
        if missing:
            raise ValueError(
                f"no day type for {', '.join(missing)}; the weekday day types must cover the week"
            )
        self._check_calendar_day_types()

    def _check_calendar_day_types(self) -> None:
        """One day type takes a calendar's days off, one its make-up workdays; both named."""
        takers: dict[str, list[tuple[str, str]]] = {"holidays": [], "workdays": []}
        for name, day_type in (self.day_types or {}).items():
            for field in takers:
                calendar = getattr(day_type, field)
                if calendar is not None:
                    takers[field].append((name, calendar))
        for field, found in takers.items():
            if len(found) > 1:
                raise ValueError(
                    f"day types {found[0][0]!r} and {found[1][0]!r} both take '{field}'; "
                    "a calendar's days must go to one day type"
                )
        holidays, workdays = takers["holidays"], takers["workdays"]
        if workdays and workdays[0][1] not in SHIPPED_CALENDARS:
            name, calendar = workdays[0]
            raise ValueError(
                f"day type {name!r} takes the make-up workdays of {calendar}, but only the "
                f"shipped calendars ({', '.join(sorted(SHIPPED_CALENDARS))}) have make-up "
                f"workdays; the 'holidays' package's {calendar} calendar gives days off only"
            )
        if holidays and holidays[0][1] not in SHIPPED_CALENDARS:
            return
        if holidays and not workdays:
            name, calendar = holidays[0]
            raise ValueError(
                f"day type {name!r} takes the {calendar} holidays, but no day type takes its "
                f"make-up workdays (调休上班): add 'workdays: {calendar}' to the day type that "
                "prices them (usually the working-day type)"
            )
        if workdays and not holidays:
            name, calendar = workdays[0]
            raise ValueError(
                f"day type {name!r} takes the {calendar} make-up workdays, but no day type "
                f"takes its holidays: add 'holidays: {calendar}' to the day type that prices them"
            )
        if holidays and holidays[0][1] != workdays[0][1]:
            raise ValueError(
                f"the holidays are from calendar {holidays[0][1]} and the make-up workdays "
                f"from {workdays[0][1]}; they must come from one calendar"
            )

    def _declared(self, field: str) -> str:
        """What a version declares of ``seasons`` or ``day_types``, for a message."""
        names = getattr(self, field)
        noun = field.replace("_", " ")
        if not names:
            return f"the version declares no {noun}; declare them under {field}"
        return f"{noun}: {', '.join(names)}"

    def _check_periods(self, rules: list[PeriodRule] | None = None, name: str = "periods") -> None:
        seasons, day_types = self.season_names, self.day_type_names
        if rules is None and name == "periods":
            rules = self.periods
            if self.demand_periods:
                self._check_periods(self.demand_periods, "demand_periods")
        if not rules:
            return
        for index, rule in enumerate(rules):
            for season in rule.seasons or []:
                if season not in seasons:
                    raise ValueError(
                        f"{name}[{index}] names season {season!r}, not defined "
                        f"({self._declared('seasons')})"
                    )
            for day_type in rule.day_types or []:
                if day_type not in day_types:
                    raise ValueError(
                        f"{name}[{index}] names day type {day_type!r}, not defined "
                        f"({self._declared('day_types')})"
                    )
        for season in seasons:
            for day_type in day_types:
                owner = [""] * 1440
                for rule in rules:
                    if rule.seasons is not None and season not in rule.seasons:
                        continue
                    if rule.day_types is not None and day_type not in rule.day_types:
                        continue
                    for period, windows in rule.windows.items():
                        for start, end in window_spans(windows):
                            for minute in range(start, end):
                                if owner[minute]:
                                    raise ValueError(
                                        f"{name}: season {season!r}, day type {day_type!r}: "
                                        f"{_clock(minute)} is in both period {owner[minute]!r} "
                                        f"and period {period!r}; periods must not overlap"
                                    )
                                owner[minute] = period
                if "" in owner:
                    first = owner.index("")
                    last = first
                    while last < 1440 and not owner[last]:
                        last += 1
                    raise ValueError(
                        f"{name}: season {season!r}, day type {day_type!r}: "
                        f"{_clock(first)}-{_clock(last)} is in no period; every minute of "
                        "every day must belong to a period"
                    )

    def _check_overrides(self) -> None:
        seasons, day_types = self.season_names, self.day_type_names
        scheduled = [n for n in self.period_names if n not in {o.period for o in self.overrides}]
        for index, override in enumerate(self.overrides):
            where = f"overrides[{index}]"
            for season in override.seasons or []:
                if season not in seasons:
                    raise ValueError(
                        f"{where} names season {season!r}, not defined "
                        f"({self._declared('seasons')})"
                    )
            for day_type in override.day_types or []:
                if day_type not in day_types:
                    raise ValueError(
                        f"{where} names day type {day_type!r}, not defined "
                        f"({self._declared('day_types')})"
                    )
            for period in override.replaces or []:
                if period not in scheduled:
                    raise ValueError(
                        f"{where} replaces period {period!r}, not in the schedule "
                        f"(periods: {', '.join(scheduled)})"
                    )
            if override.months is not None:
                allowed = set().union(
                    *(self.season_months(s) for s in (override.seasons or seasons))
                )
                outside = sorted(set(override.months) - allowed)
                if outside:
                    raise ValueError(
                        f"{where}: month {outside[0]} is outside its seasons "
                        f"{override.seasons}; the window would never apply"
                    )
            minutes: set[int] = set()
            for start, end in window_spans(override.windows):
                span = set(range(start, end))
                if minutes & span:
                    raise ValueError(f"{where}: its windows overlap each other")
                minutes |= span

    def _check_exports(self) -> None:
        if self.exports is None:
            return
        periods = self.period_names
        unknown = [p for p in self.exports.prices or {} if p not in periods]
        if unknown:
            raise ValueError(
                f"exports.prices: export price for period {unknown[0]!r}, which the schedule "
                f"does not define (periods: {', '.join(periods)})"
            )
        for index, charge in enumerate(self.charges):
            if isinstance(charge, ExportCreditCharge):
                raise ValueError(
                    f"charges[{index}]: an export_credit charge and exports both credit "
                    "exported kWh; give the export price in exports only"
                )
        problem = self.metering_problem(self.exports.metering)
        if problem is not None:
            raise ValueError(f"exports.metering: {problem}")

    def metering_problem(self, rule: str) -> str | None:
        """Why the version cannot be priced under a metering rule, or None.

        Net metering nets each period's kWh before the charges price them, so a charge
        that measures energy from the intervals themselves (tiers filled in time order,
        hourly prices) would not see the netting; net billing and buy-all-sell-all need
        an export price for every period.
        """
        exports = self.exports
        if exports is None:
            return f"metering {rule} needs the version's export terms (exports)"
        if rule == "net_metering":
            for index, charge in enumerate(self.charges):
                chronological = (
                    isinstance(charge, EnergyCharge)
                    and charge.tiers is not None
                    and charge.tiers.method == "chronological"
                )
                if chronological or isinstance(charge, DynamicEnergyCharge):
                    what = "chronological tiers" if chronological else "hourly prices"
                    return (
                        f"net_metering nets kWh by period and cannot net charges[{index}] "
                        f"({charge.kind} with {what}), which is priced interval by interval"
                    )
            return None
        if not exports.has_prices():
            return (
                f"metering {rule} credits exports at a price: give exports.price_per_kwh "
                "or exports.prices"
            )
        missing = [p for p in self.period_names if exports.price_of(p) is None]
        if missing:
            return (
                f"metering {rule} needs an export price for every period; none for "
                f"{', '.join(repr(p) for p in missing)}"
            )
        return None

    def _check_charges(self) -> None:
        periods = self.period_names
        seasons = self.season_names
        for index, charge in enumerate(self.charges):
            where = f"charges[{index}]"
            if isinstance(charge, DemandCharge) and charge.prices is not None:
                demand_names = (
                    _rule_periods(self.demand_periods) if self.demand_periods else periods
                )
                unknown = [p for p in charge.prices if p not in demand_names]
                if unknown:
                    raise ValueError(
                        f"{where}: demand price for period {unknown[0]!r}, which the schedule "
                        f"does not define (periods: {', '.join(demand_names)})"
                    )
            if isinstance(charge, PriceFileCharge) and charge.ratios is not None:
                if set(charge.ratios) != set(periods):
                    raise NestedValueError(
                        f"ratios must name every period of the schedule exactly "
                        f"({', '.join(periods)}), found {', '.join(charge.ratios)}",
                        ("charges", index, "ratios"),
                    )
            if not isinstance(charge, EnergyCharge):
                spec = getattr(charge, "price_per_kwh", None)
                if isinstance(spec, PriceRef):
                    if spec.of not in self.base_prices:
                        raise ValueError(f"{where}: price refers to {spec.of!r}, not a base price")
                    self._derived(spec, "price_per_kwh", ("charges", index, "price_per_kwh"))
                continue
            if charge.prices is not None:
                missing = [p for p in periods if p not in charge.prices]
                if missing:
                    raise ValueError(
                        f"{where}: no price for period {missing[0]!r}; every period of the "
                        "schedule needs a price, or its kWh would go unbilled"
                    )
                extra = [p for p in charge.prices if p not in periods]
                if extra:
                    raise ValueError(
                        f"{where}: price for period {extra[0]!r}, which the schedule does not "
                        f"define (periods: {', '.join(periods)})"
                    )
                try:
                    ladders = resolve_prices(charge.prices, self.base_prices, where)
                except NestedValueError as exc:
                    raise exc.within("charges", index) from None
            else:
                assert charge.price_per_kwh is not None  # noqa: S101 - the charge checked
                tiered = isinstance(charge.price_per_kwh, list)
                specs = (
                    charge.price_per_kwh
                    if isinstance(charge.price_per_kwh, list)
                    else [charge.price_per_kwh]
                )
                flat: list[Decimal] = []
                for tier, spec in enumerate(specs):
                    if not isinstance(spec, PriceRef):
                        flat.append(spec)
                        continue
                    if spec.of not in self.base_prices:
                        raise ValueError(f"{where}: price refers to {spec.of!r}, not a base price")
                    at: tuple[str | int, ...] = (
                        ("price_per_kwh", tier) if tiered else ("price_per_kwh",)
                    )
                    label = f"price_per_kwh tier {tier + 1}" if tiered else "price_per_kwh"
                    flat.append(self._derived(spec, label, ("charges", index, *at)))
                ladders = {"price_per_kwh": flat}
            if charge.season_multipliers is not None:
                if set(charge.season_multipliers) != set(seasons):
                    raise ValueError(
                        f"{where}: season_multipliers must name every season exactly "
                        f"({', '.join(seasons)}), found {', '.join(charge.season_multipliers)}"
                    )
                _check_season_prices(ladders, charge.season_multipliers, index)

    def _derived(self, spec: PriceRef, label: str, at: tuple[str | int, ...]) -> Decimal:
        try:
            return base_price_ratio(spec, self.base_prices, label)
        except ValueError as exc:
            raise NestedValueError(str(exc), at) from None


def base_price_ratio(
    spec: PriceRef, base_prices: dict[str, Decimal], label: str = "price_per_kwh"
) -> Decimal:
    """A price given as a ratio of a base price, held to the checks of a written one.

    The exact product (never rounded); ``label`` names the price in a refusal.

    >>> base_price_ratio(PriceRef(of="flat", ratio="1.5"), {"flat": Decimal("0.62")})
    Decimal('0.930')

    Raises:
        ValueError: The product is negative or beyond the limits of a written number.
    """
    base = base_prices[spec.of]
    with localcontext(WIDE_CONTEXT):
        value = base * spec.ratio
    return check_derived_price(value, f"{label} = {spec.ratio} × {spec.of} ({base})")


def _check_season_prices(
    ladders: dict[str, list[Decimal]], multipliers: dict[str, Decimal], index: int
) -> None:
    """Every price of an energy charge times every season multiplier, as the engine bills it."""
    for season, multiplier in multipliers.items():
        for name, ladder in ladders.items():
            for tier, price in enumerate(ladder):
                label = f"{name} tier {tier + 1}" if len(ladder) > 1 else name
                with localcontext(WIDE_CONTEXT):
                    value = tidy_price(price * multiplier)
                try:
                    check_derived_price(
                        value, f"{label} in season {season} = {price} × {multiplier}"
                    )
                except ValueError as exc:
                    at = ("charges", index, "season_multipliers", season)
                    raise NestedValueError(str(exc), at) from None


def tidy_price(value: Decimal) -> Decimal:
    """A derived price without trailing zeros beyond 4 decimals; the value is unchanged.

    >>> tidy_price(Decimal("0.620") * Decimal("1.60"))
    Decimal('0.9920')
    """
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -4:
        return value.quantize(Decimal("0.0001"))
    return value.normalize()


def resolve_prices(
    prices: dict[str, PriceSpec | list[PriceSpec]],
    base_prices: dict[str, Decimal],
    where: str = "prices",
) -> dict[str, list[Decimal]]:
    """Resolve period prices (direct, or a ratio of a base price or another period).

    Every price is exact: a ratio is a Decimal product, never rounded. A price per tier
    that refers to a period takes that period's price of the same tier. A derived price
    passes the checks of a written one (`tariffs.model.common.check_derived_price`).

    Raises:
        ValueError: A reference names nothing, or references form a cycle.
        NestedValueError: A derived price is negative or beyond the limits of a number;
            its path is ``prices.<period>`` (``[tier]`` for a tier).
    """
    resolved: dict[str, list[Decimal]] = {}
    visiting: set[str] = set()

    def one(spec: PriceSpec, tier: int, trail: str, tiered: bool) -> Decimal:
        if isinstance(spec, Decimal):
            return spec
        if spec.of in base_prices:
            source, shown = base_prices[spec.of], spec.of
        elif spec.of in prices:
            ladder = period(spec.of)
            step = min(tier, len(ladder) - 1)
            source = ladder[step]
            shown = f"{spec.of} tier {step + 1}" if len(ladder) > 1 else spec.of
        else:
            raise ValueError(
                f"{where}.{trail}: refers to {spec.of!r}, which is neither a base price nor a "
                f"period (base prices: {', '.join(base_prices) or 'none'}; periods: "
                f"{', '.join(prices)})"
            )
        with localcontext(WIDE_CONTEXT):
            value = tidy_price(source * spec.ratio)
        label = f"{trail} tier {tier + 1}" if tiered else trail
        try:
            return check_derived_price(value, f"{label} = {spec.ratio} × {shown} ({source})")
        except ValueError as exc:
            at: tuple[str | int, ...] = ("prices", trail, tier) if tiered else ("prices", trail)
            raise NestedValueError(str(exc), at) from None

    def period(name: str) -> list[Decimal]:
        if name in resolved:
            return resolved[name]
        if name in visiting:
            raise ValueError(f"{where}.{name}: prices refer to each other in a cycle")
        visiting.add(name)
        spec = prices[name]
        specs = spec if isinstance(spec, list) else [spec]
        tiered = isinstance(spec, list)
        resolved[name] = [one(s, tier, name, tiered) for tier, s in enumerate(specs)]
        visiting.discard(name)
        return resolved[name]

    for name in prices:
        period(name)
    return resolved


def _rule_periods(rules: list[PeriodRule]) -> list[str]:
    names: list[str] = []
    for rule in rules:
        names.extend(n for n in rule.windows if n not in names)
    return names


def _year_days() -> list[dt.date]:
    start = dt.date(2000, 1, 1)  # a leap year: every MM-DD exists
    return [start + dt.timedelta(days=i) for i in range(366)]


def _season_days(season: Season) -> list[dt.date]:
    if season.months is not None:
        return [d for d in _year_days() if d.month in season.months]
    days: list[dt.date] = []
    for first, last in season.ranges or []:
        start = dt.date(2000, int(first[:2]), int(first[3:]))
        end = dt.date(2000, int(last[:2]), int(last[3:]))
        if end > start:
            days.extend(start + dt.timedelta(days=i) for i in range((end - start).days))
        else:  # crosses the new year
            days.extend(d for d in _year_days() if d >= start or d < end)
    return days


class Tariff(StrictModel):
    """A tariff table: who publishes it, how it rounds, and its dated versions.

    Attributes:
        id: Identifier, equal to the file stem.
        name: Human name.
        currency: ISO 4217 code.
        timezone: IANA time zone of the clock hours in the schedule.
        reference: Where the prices and rules come from.
        description: Optional longer text.
        rounding: How line amounts are rounded.
        proration: How per-month charges are prorated in a partial billing period:
            ``actual_days`` (days of service / days of the billing period) or
            ``days_over_30`` (days of service / 30, never more than a month).
        versions: Effective date → version, in increasing date order.
        withdrawn: The first day on which the table is no longer in force (the last
            version is in force up to the day before); None while it is in force.
        past_withdrawal: What a bill of days from ``withdrawn`` on gets: ``refuse`` (the
            default: no version is in force), or ``warn`` (priced under the last version,
            and the bill says that the table was withdrawn).
        eligibility: Who may take the tariff (customer classes, voltage, capacity, contract
            demand); see `tariffs.model.eligibility`. None: anyone.
        unpriced: What the source of the table prices and the table does not, each as
            text (a URDB attribute ``energyattrs: <key>: <value>`` kept by the declared
            option to price the rest); every bill carries each as a warning
            ``not priced: <text>``.
        price_classes: The price classes (用电分类) the table prices, e.g.
            ``[large_industry, commercial]``: a charge with ``price_class`` prices only
            its class's bills, one without prices all. The first is the class of a bill
            that names none (the main meter's); a sub-meter or a split names another
            (``price_class``). None: one class, every charge for every bill.
    """

    id: str
    name: str
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    timezone: str
    reference: str = Field(min_length=1)
    description: str | None = None
    rounding: Rounding = Field(default_factory=Rounding)
    proration: Literal["actual_days", "days_over_30"] = "actual_days"
    versions: dict[PlainDate, Version] = Field(min_length=1)
    withdrawn: PlainDate | None = None
    past_withdrawal: Literal["refuse", "warn"] = "refuse"
    eligibility: Eligibility | None = None
    unpriced: list[Annotated[str, Field(min_length=1)]] = Field(default_factory=empty_list)
    price_classes: list[Name] | None = Field(default=None, min_length=1)

    _source: str | None = PrivateAttr(default=None)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(
                f"{value!r} is not a valid id: lower-case letters, digits, '-', '_', '.'"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            close = sorted(z for z in available_timezones() if z.lower() == value.lower())
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(f"unknown time zone {value!r}{hint}") from None
        return value

    @field_validator("versions")
    @classmethod
    def _ordered(cls, value: dict[dt.date, Version]) -> dict[dt.date, Version]:
        dates = list(value)
        for earlier, later in zip(dates, dates[1:], strict=False):
            if later <= earlier:
                raise ValueError(
                    f"versions must be in increasing date order, found {earlier} then {later}"
                )
        return value

    @field_validator("versions")
    @classmethod
    def _vat_line_under_the_rounding(
        cls, value: dict[dt.date, Version], info: ValidationInfo
    ) -> dict[dt.date, Version]:
        rounding = info.data.get("rounding")
        if rounding is not None and rounding.per == "bill":
            for date, version in value.items():
                if version.vat is not None and version.vat.prices == "exclusive":
                    raise ValueError(
                        f"version {date}: a vat line on exclusive prices and rounding per "
                        "bill do not go together (the vat line would be priced on lines "
                        "not yet rounded); give inclusive prices, or round per line"
                    )
        return value

    @field_validator("rounding")
    @classmethod
    def _line_places_of_the_currency(cls, value: Rounding, info: ValidationInfo) -> Rounding:
        currency = info.data.get("currency")
        if value.line_places is not None and value.places is None and currency is not None:
            minor = MINOR_UNITS.get(currency, 2)
            if value.line_places < minor:
                raise ValueError(
                    f"line_places {value.line_places} is fewer than the total's places "
                    f"{minor} (the minor unit of {currency})"
                )
        return value

    @field_validator("withdrawn")
    @classmethod
    def _withdrawn_after_versions(
        cls, value: dt.date | None, info: ValidationInfo
    ) -> dt.date | None:
        versions = info.data.get("versions")
        if value is not None and versions:
            last = next(reversed(versions))
            if value <= last:
                raise ValueError(
                    f"withdrawn ({value}) must be after the last version's date ({last})"
                )
        return value

    @field_validator("past_withdrawal")
    @classmethod
    def _policy_needs_a_date(cls, value: str, info: ValidationInfo) -> str:
        # ``refuse`` is the default and holds for any table; ``warn`` says what happens after
        # a withdrawal, so it needs one (a dumped table writes the default back, so only
        # ``warn`` is checked).
        if value == "warn" and info.data.get("withdrawn") is None and "withdrawn" in info.data:
            raise ValueError("past_withdrawal is warn, but no withdrawn date is given")
        return value

    @model_validator(mode="after")
    def _price_classes_named(self) -> Tariff:
        classes = self.price_classes
        if classes is not None and len(set(classes)) != len(classes):
            twice = next(name for name in classes if classes.count(name) > 1)
            raise NestedValueError(f"price class {twice!r} is listed twice", ("price_classes",))
        for date, version in self.versions.items():
            for index, charge in enumerate(version.charges):
                name = charge.price_class
                if name is None or (classes is not None and name in classes):
                    continue
                known = (
                    f"the table's price_classes are {', '.join(classes)}"
                    if classes
                    else "the table declares no price_classes"
                )
                raise NestedValueError(
                    f"price_class {name!r} is not a price class of the table ({known})",
                    ("versions", date.isoformat(), "charges", index, "price_class"),
                )
        return self

    def for_price_class(self, name: str | None = None) -> Tariff:
        """The table as it prices one price class: that class's charges and the shared ones.

        ``name`` None is the first class (a bill that names none). A table without price
        classes is itself (and only ``name`` None is asked of it).

        Raises:
            ValueError: ``name`` is not one of the table's price classes.
        """
        classes = self.price_classes
        if classes is None:
            if name is not None:
                raise ValueError(f"tariff {self.id} has no price classes (asked for {name!r})")
            return self
        chosen = classes[0] if name is None else name
        if chosen not in classes:
            raise ValueError(
                f"tariff {self.id} has no price class {chosen!r} "
                f"(price_classes: {', '.join(classes)})"
            )
        if len(classes) == 1:
            return self
        versions = {
            date: version.model_copy(
                update={
                    "charges": [
                        charge for charge in version.charges if charge.price_class in (None, chosen)
                    ]
                }
            )
            for date, version in self.versions.items()
        }
        chosen_one = self.model_copy(update={"versions": versions, "price_classes": [chosen]})
        chosen_one._source = self._source
        return chosen_one

    def __eq__(self, other: object) -> bool:
        """Tables are equal when their fields are; where they were loaded from does not count."""
        if not isinstance(other, Tariff):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    @property
    def places(self) -> int:
        """Decimal places of rounded amounts: each line's, or with ``per: bill`` the total's."""
        if self.rounding.places is not None:
            return self.rounding.places
        return MINOR_UNITS.get(self.currency, 2)

    @property
    def line_places(self) -> int:
        """Decimal places of line amounts (`places`, or ``line_places`` with ``per: bill``)."""
        if self.rounding.per == "line":
            return self.places
        return self.rounding.line_places if self.rounding.line_places is not None else 6

    @property
    def source(self) -> str:
        """The file the tariff was loaded from, or its id."""
        return self._source or self.id

    def version_at(self, day: dt.date) -> tuple[dt.date, Version] | None:
        """The version in force on a day, with its effective date; None before the first."""
        found: tuple[dt.date, Version] | None = None
        for effective, version in self.versions.items():
            if effective <= day:
                found = (effective, version)
        return found
