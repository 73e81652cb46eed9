"""Hypothesis strategies: time zones, interval readings and tariff tables as YAML text.

Readings are built straight into the `Readings` model, aligned to local midnight of
their first day in their time zone, so that a billing day is always whole. Tariffs are
drawn as a `TariffSpec` (the choices) that writes itself out as YAML text; the properties
parse that text with `tariffs.parse_tariff`, exactly as a user's file would be read, and
use the spec's own record of hours and prices for their independent reference sums.

DST change days (US and UK rules, 2025) are drawn on purpose:

* America/Los_Angeles: 2025-03-09 (02:00 PST → 03:00 PDT) and 2025-11-02
  (02:00 PDT → 01:00 PST);
* Europe/London: 2025-03-30 (01:00 GMT → 02:00 BST) and 2025-10-26 (02:00 BST → 01:00 GMT).

Source: the IANA time zone database (``northamerica`` and ``europe`` files), as shipped
with Python's `zoneinfo`; the tests read the offsets from `zoneinfo`, never from here.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from tariffs.model.readings import Readings

__all__ = [
    "DST_CHANGE_DAYS",
    "TIER_METHODS",
    "TIME_ZONES",
    "MinimumSpec",
    "ReadingsCase",
    "TariffSpec",
    "TierSpec",
    "decimal_text",
    "local_midnight_utc",
    "readings_cases",
    "scaled_decimals",
    "start_dates",
    "tariff_specs",
    "time_zones",
    "time_of_use_windows",
]

#: The time zones the properties run in: one without DST, UTC, and two with DST.
TIME_ZONES = ("Asia/Shanghai", "UTC", "America/Los_Angeles", "Europe/London")

#: Local dates in 2025 on which the zone's UTC offset changes (see the module docstring).
DST_CHANGE_DAYS: dict[str, tuple[dt.date, ...]] = {
    "America/Los_Angeles": (dt.date(2025, 3, 9), dt.date(2025, 11, 2)),
    "Europe/London": (dt.date(2025, 3, 30), dt.date(2025, 10, 26)),
}

#: Every way the engine meets tiers with time-of-use periods.
TIER_METHODS = ("proportional", "chronological", "per_period", "increment")

#: Interval lengths drawn for readings [s].
INTERVAL_SECONDS = (900, 1800, 3600)

#: Period names drawn for time-of-use tariffs, in the order they are given out.
PERIOD_NAMES = ("peak", "flat", "valley", "shoulder")

#: Up to this many intervals, every kWh value is drawn by hypothesis (and shrinks well);
#: longer readings draw a seed and a shape, and fill the values from it.
DRAWN_VALUES_LIMIT = 192

#: Effective date of the single version of every generated tariff (before any reading).
EFFECTIVE_DATE = "2020-01-01"


def local_midnight_utc(day: dt.date, timezone: str) -> int:
    """UTC epoch seconds of local midnight starting ``day`` in ``timezone``.

    Midnight exists on every day of the zones drawn here (their changes are at 01:00
    or 02:00 local time).
    """
    moment = dt.datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(timezone))
    return int(moment.timestamp())


def decimal_text(value: Decimal) -> str:
    """A Decimal as plain text without exponent (``Decimal('1E+1')`` → ``'10'``)."""
    return format(value, "f")


def scaled_decimals(max_value: Decimal, max_places: int) -> st.SearchStrategy[Decimal]:
    """Non-negative decimals up to ``max_value`` with 0 to ``max_places`` decimals."""

    @st.composite
    def build(draw: st.DrawFn) -> Decimal:
        places = draw(st.integers(0, max_places))
        top = int(max_value.scaleb(places))
        return Decimal(draw(st.integers(0, top))).scaleb(-places)

    return build()


# -- time zones and readings -----------------------------------------------------------


def time_zones() -> st.SearchStrategy[str]:
    """One of `TIME_ZONES`."""
    return st.sampled_from(TIME_ZONES)


@st.composite
def start_dates(draw: st.DrawFn, timezone: str) -> dt.date:
    """A first day of readings; in a DST zone, often a few days before a change day."""
    changes = DST_CHANGE_DAYS.get(timezone)
    if changes and draw(st.booleans()):
        change = draw(st.sampled_from(changes))
        return change - dt.timedelta(days=draw(st.integers(0, 3)))
    return draw(st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)))


@dataclass(frozen=True)
class ReadingsCase:
    """Readings drawn for a property, with how they were laid out.

    Attributes:
        readings: The readings (UTC interval starts, kWh in units of 0.001 kWh).
        timezone: The local time zone the readings were aligned in.
        first_day: Local date of the first interval (it starts at local midnight).
        days: Number of whole local days covered.
    """

    readings: Readings
    timezone: str
    first_day: dt.date
    days: int

    @property
    def month_kwh_hint(self) -> Decimal:
        """Roughly the kWh of a 30-day month at the drawn rate of use [kWh]."""
        total = self.readings.total()
        return max(Decimal(1), (total * 30 / self.days).quantize(Decimal(1)))


def _kwh_values(draw: st.DrawFn, count: int) -> list[int]:
    """Non-negative kWh values [0.001 kWh], with zeros, in one of a few shapes."""
    top = draw(st.sampled_from((0, 1, 7, 250, 1500, 20000)))
    if count <= DRAWN_VALUES_LIMIT:
        return draw(st.lists(st.integers(0, top), min_size=count, max_size=count))
    seed = draw(st.integers(0, 2**32 - 1))
    zero_share = draw(st.sampled_from((0.0, 0.05, 0.5, 1.0)))
    generator = random.Random(seed)  # noqa: S311 - test data, not security
    return [
        0 if generator.random() < zero_share else generator.randint(0, top) for _ in range(count)
    ]


@st.composite
def readings_cases(
    draw: st.DrawFn,
    timezone: str | st.SearchStrategy[str] | None = None,
    *,
    min_days: int = 1,
    max_days: int = 60,
    cover_dst_change: bool = False,
    intervals: Sequence[int] = INTERVAL_SECONDS,
) -> ReadingsCase:
    """Uniform readings over whole local days, from local midnight of a drawn first day.

    Args:
        draw: Hypothesis draw function.
        timezone: The zone, a strategy for it, or None for any of `TIME_ZONES`.
        min_days: Fewest local days covered.
        max_days: Most local days covered.
        cover_dst_change: Always cover one DST change day of the zone (which must
            have one).
        intervals: Interval lengths to draw from [s].
    """
    if timezone is None:
        zone = draw(time_zones())
    elif isinstance(timezone, str):
        zone = timezone
    else:
        zone = draw(timezone)
    interval_seconds = draw(st.sampled_from(tuple(intervals)))
    if cover_dst_change:
        change = draw(st.sampled_from(DST_CHANGE_DAYS[zone]))
        before = draw(st.integers(0, min(3, max_days - 1)))
        first_day = change - dt.timedelta(days=before)
        days = draw(st.integers(max(min_days, before + 1), max_days))
    else:
        first_day = draw(start_dates(zone))
        days = draw(st.integers(min_days, max_days))
    begin = local_midnight_utc(first_day, zone)
    finish = local_midnight_utc(first_day + dt.timedelta(days=days), zone)
    starts = list(range(begin, finish, interval_seconds))
    count = len(starts)
    kwh = _kwh_values(draw, count)
    kvarh = _kwh_values(draw, count) if draw(st.booleans()) else None
    export_kwh = _kwh_values(draw, count) if draw(st.booleans()) else None
    readings = Readings(
        source="mem",
        interval_seconds=interval_seconds,
        starts=starts,
        scale=3,
        kwh=kwh,
        kvarh=kvarh,
        export_kwh=export_kwh,
    )
    return ReadingsCase(readings=readings, timezone=zone, first_day=first_day, days=days)


# -- tariffs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TierSpec:
    """Monthly (or per-bill) block tiers of the energy charge.

    Attributes:
        bounds_kwh: Upper bounds of every tier but the last, strictly increasing [kWh].
        method: One of `TIER_METHODS`.
        reset: ``monthly`` or ``bill``.
        increments_per_kwh: With ``increment``: extra price of each upper tier.
    """

    bounds_kwh: tuple[Decimal, ...]
    method: str
    reset: str
    increments_per_kwh: tuple[Decimal, ...] | None = None

    @property
    def tier_count(self) -> int:
        """Number of tiers."""
        return len(self.bounds_kwh) + 1


@dataclass(frozen=True)
class MinimumSpec:
    """A minimum bill: amount per ``per``, on the lines ``applies_to`` (all when None)."""

    amount: Decimal
    per: str
    applies_to: tuple[str, ...] | None


@dataclass(frozen=True)
class TariffSpec:
    """The choices of one generated tariff; `yaml_text` writes it as a tariff table.

    Attributes:
        timezone: IANA zone of the clock hours.
        currency: ISO 4217 code (both drawn currencies have 2 decimals).
        rounding_places: Decimals of line amounts, or None for the currency's.
        rounding_mode: Rounding mode, or None for the default (half up).
        windows: Time-of-use windows, period → clock windows; None for a flat tariff.
        period_of_hour: The period of each local clock hour 0..23 (None when flat).
        flat_prices: Energy price (one per tier) of a flat tariff [currency/kWh].
        period_prices: Energy prices per period (one per tier) of a TOU tariff.
        tiers: Block tiers of the energy charge, or None.
        surcharge_per_kwh: A surcharge on all kWh, or None.
        export_credit_per_kwh: An export credit, or None.
        fixed_per_month: A fixed charge per month, or None.
        fixed_per_day: A fixed charge per day of service, or None.
        tax_percent: A percentage on earlier lines, or None.
        tax_applies_to: Kinds the tax applies to (all earlier lines when None).
        minimum: A minimum bill, or None.
        tax_last: Whether the tax comes after the minimum (else before it).
    """

    timezone: str
    currency: str
    rounding_places: int | None
    rounding_mode: str | None
    windows: tuple[tuple[str, tuple[str, ...]], ...] | None
    period_of_hour: tuple[str, ...] | None
    flat_prices: tuple[Decimal, ...] | None
    period_prices: tuple[tuple[str, tuple[Decimal, ...]], ...] | None
    tiers: TierSpec | None
    surcharge_per_kwh: Decimal | None = None
    export_credit_per_kwh: Decimal | None = None
    fixed_per_month: Decimal | None = None
    fixed_per_day: Decimal | None = None
    tax_percent: Decimal | None = None
    tax_applies_to: tuple[str, ...] | None = None
    minimum: MinimumSpec | None = None
    tax_last: bool = True

    @property
    def energy_only(self) -> bool:
        """Whether the tariff has nothing but its energy charge."""
        return (
            self.surcharge_per_kwh is None
            and self.export_credit_per_kwh is None
            and self.fixed_per_month is None
            and self.fixed_per_day is None
            and self.tax_percent is None
            and self.minimum is None
        )

    def energy_only_variant(self) -> TariffSpec:
        """The same tariff without any charge but the energy charge."""
        return replace(
            self,
            surcharge_per_kwh=None,
            export_credit_per_kwh=None,
            fixed_per_month=None,
            fixed_per_day=None,
            tax_percent=None,
            tax_applies_to=None,
            minimum=None,
        )

    def flat_variant(self) -> TariffSpec:
        """The same tariff with one flat price, when every period has the same prices."""
        assert self.period_prices is not None
        distinct = {prices for _, prices in self.period_prices}
        assert len(distinct) == 1, "the periods' prices differ"
        return replace(
            self,
            windows=None,
            period_of_hour=None,
            flat_prices=distinct.pop(),
            period_prices=None,
        )

    def yaml_text(self) -> str:
        """The tariff as a YAML tariff table; every number and time is a quoted string."""

        def q(value: object) -> str:
            text = decimal_text(value) if isinstance(value, Decimal) else str(value)
            return json.dumps(text)

        def inline(values: Sequence[object]) -> str:
            return "[" + ", ".join(q(v) for v in values) + "]"

        out = [
            "id: generated",
            'name: "Generated tariff"',
            f"currency: {q(self.currency)}",
            f"timezone: {q(self.timezone)}",
            'reference: "generated by the property tests"',
        ]
        if self.rounding_places is not None or self.rounding_mode is not None:
            out.append("rounding:")
            if self.rounding_places is not None:
                out.append(f"  places: {self.rounding_places}")
            if self.rounding_mode is not None:
                out.append(f"  mode: {q(self.rounding_mode)}")
        out += ["versions:", f"  {q(EFFECTIVE_DATE)}:"]
        if self.windows is not None:
            out += ["    periods:", "      - windows:"]
            out += [f"          {name}: {inline(spans)}" for name, spans in self.windows]
        out += ["    charges:", "      - kind: energy"]
        tiered_prices = self.tiers is not None and self.tiers.method != "increment"
        if self.tiers is not None:
            out.append("        tiers:")
            out.append(f"          reset: {self.tiers.reset}")
            out.append(f"          bounds_kwh: {inline(self.tiers.bounds_kwh)}")
            out.append(f"          method: {self.tiers.method}")
            if self.tiers.increments_per_kwh is not None:
                increments = inline(self.tiers.increments_per_kwh)
                out.append(f"          increments_per_kwh: {increments}")
        if self.flat_prices is not None:
            if tiered_prices:
                out.append(f"        price_per_kwh: {inline(self.flat_prices)}")
            else:
                out.append(f"        price_per_kwh: {q(self.flat_prices[0])}")
        if self.period_prices is not None:
            out.append("        prices:")
            for name, prices in self.period_prices:
                value = inline(prices) if tiered_prices else q(prices[0])
                out.append(f"          {name}: {value}")
        if self.surcharge_per_kwh is not None:
            out += [
                "      - kind: surcharge",
                f"        price_per_kwh: {q(self.surcharge_per_kwh)}",
            ]
        if self.export_credit_per_kwh is not None:
            out += [
                "      - kind: export_credit",
                f"        price_per_kwh: {q(self.export_credit_per_kwh)}",
            ]
        if self.fixed_per_month is not None:
            out += [
                "      - kind: fixed",
                "        code: fixed.monthly",
                f"        amount: {q(self.fixed_per_month)}",
                "        per: month",
            ]
        if self.fixed_per_day is not None:
            out += [
                "      - kind: fixed",
                "        code: fixed.daily",
                f"        amount: {q(self.fixed_per_day)}",
                "        per: day",
            ]
        tax: list[str] = []
        if self.tax_percent is not None:
            tax = ["      - kind: tax", f"        percent: {q(self.tax_percent)}"]
            if self.tax_applies_to is not None:
                tax.append(f"        applies_to: {inline(self.tax_applies_to)}")
        minimum: list[str] = []
        if self.minimum is not None:
            minimum = [
                "      - kind: minimum",
                f"        amount: {q(self.minimum.amount)}",
                f"        per: {self.minimum.per}",
            ]
            if self.minimum.applies_to is not None:
                minimum.append(f"        applies_to: {inline(self.minimum.applies_to)}")
        out += minimum + tax if self.tax_last else tax + minimum
        return "\n".join(out) + "\n"


@st.composite
def time_of_use_windows(
    draw: st.DrawFn, min_periods: int = 2, max_periods: int = 4
) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], tuple[str, ...]]:
    """Windows on whole hours that partition the day between 2 to 4 periods.

    The day is cut at random hours; the span from the last cut to the first one crosses
    midnight (unless the first cut is 00:00). Every period gets at least one span.

    Returns:
        ``(windows, period_of_hour)``: period → window texts, and each hour's period.
    """
    period_count = draw(st.integers(min_periods, max_periods))
    names = PERIOD_NAMES[:period_count]
    span_count = draw(st.integers(period_count, 7))
    cuts = sorted(
        draw(st.lists(st.integers(0, 23), min_size=span_count, max_size=span_count, unique=True))
    )
    owners = list(draw(st.permutations(names)))
    owners += [draw(st.sampled_from(names)) for _ in range(span_count - period_count)]
    owners = list(draw(st.permutations(owners)))
    period_of_hour = [""] * 24
    spans: dict[str, list[str]] = {name: [] for name in names}
    for index, start in enumerate(cuts):
        end = cuts[(index + 1) % span_count]
        owner = owners[index]
        end_text = "24:00" if end == 0 else f"{end:02d}:00"
        spans[owner].append(f"{start:02d}:00-{end_text}")
        hour = start
        while True:
            period_of_hour[hour] = owner
            hour = (hour + 1) % 24
            if hour == end:
                break
    windows = tuple((name, tuple(spans[name])) for name in names)
    return windows, tuple(period_of_hour)


def _price_ladder(
    draw: st.DrawFn, count: int, places: int, increasing: bool
) -> tuple[Decimal, ...]:
    """``count`` prices per kWh with up to ``places`` decimals, non-decreasing if asked."""
    first = draw(scaled_decimals(Decimal("1.5"), places))
    ladder = [first]
    for _ in range(count - 1):
        if increasing:
            ladder.append(ladder[-1] + draw(scaled_decimals(Decimal("0.5"), places)))
        else:
            ladder.append(draw(scaled_decimals(Decimal("1.5"), places)))
    return tuple(ladder)


@st.composite
def _tier_specs(
    draw: st.DrawFn, methods: Sequence[str], month_kwh_hint: Decimal, price_places: int
) -> TierSpec:
    method = draw(st.sampled_from(tuple(methods)))
    bound_count = draw(st.integers(1, 3))
    top = max(int(month_kwh_hint * 2), bound_count + 1)
    whole = sorted(
        draw(st.lists(st.integers(1, top), min_size=bound_count, max_size=bound_count, unique=True))
    )
    places = draw(st.integers(0, 2))
    # Each bound lies in [v, v + 1) for distinct whole v, so they increase strictly.
    bounds = [
        Decimal(value) + Decimal(draw(st.integers(0, 10**places - 1))).scaleb(-places)
        for value in whole
    ]
    bounds_tuple = tuple(bounds)
    increments = None
    if method == "increment":
        increments = tuple(
            draw(scaled_decimals(Decimal("0.5"), price_places)) for _ in range(bound_count)
        )
    reset = draw(st.sampled_from(("monthly", "bill")))
    return TierSpec(bounds_tuple, method, reset, increments)


@st.composite
def tariff_specs(
    draw: st.DrawFn,
    timezone: str,
    *,
    time_of_use: bool | None = None,
    tiers: bool | None = None,
    tier_methods: Sequence[str] = TIER_METHODS,
    extras: bool = True,
    export_credit: bool = True,
    uniform_prices: bool = False,
    increasing_tier_prices: bool = False,
    price_places: int = 4,
    rounding_places: int | None = None,
    month_kwh_hint: Decimal = Decimal(1000),
) -> TariffSpec:
    """A tariff in ``timezone``: flat or time-of-use, optional tiers and other charges.

    Args:
        draw: Hypothesis draw function.
        timezone: IANA zone of the clock hours.
        time_of_use: Force a TOU (True) or flat (False) energy charge; None draws.
        tiers: Force tiers (True) or none (False); None draws.
        tier_methods: Tier methods to draw from.
        extras: Whether surcharge, fixed, tax and minimum charges may be drawn.
        export_credit: Whether an export credit may be drawn (with ``extras``).
        uniform_prices: Give every TOU period the same prices.
        increasing_tier_prices: Make each period's tier prices non-decreasing.
        price_places: Most decimals of a price per kWh.
        rounding_places: Decimals of line amounts; None leaves the currency's default.
        month_kwh_hint: About a month's kWh of the readings, to place tier bounds [kWh].
    """
    if time_of_use is None:
        time_of_use = draw(st.booleans())
    if tiers is None:
        tiers = draw(st.booleans())
    tier_spec = draw(_tier_specs(tier_methods, month_kwh_hint, price_places)) if tiers else None
    ladder_length = (
        tier_spec.tier_count if tier_spec is not None and tier_spec.method != "increment" else 1
    )
    windows = period_of_hour = None
    flat_prices = None
    period_prices = None
    if time_of_use:
        windows, period_of_hour = draw(time_of_use_windows())
        names = [name for name, _ in windows]
        if uniform_prices:
            ladder = _price_ladder(draw, ladder_length, price_places, increasing_tier_prices)
            period_prices = tuple((name, ladder) for name in names)
        else:
            period_prices = tuple(
                (name, _price_ladder(draw, ladder_length, price_places, increasing_tier_prices))
                for name in names
            )
    else:
        flat_prices = _price_ladder(draw, ladder_length, price_places, increasing_tier_prices)
    rounding_mode = draw(st.sampled_from((None, "half_up", "half_even", "down", "up")))
    spec = TariffSpec(
        timezone=timezone,
        currency=draw(st.sampled_from(("CNY", "USD"))),
        rounding_places=rounding_places,
        rounding_mode=rounding_mode,
        windows=windows,
        period_of_hour=period_of_hour,
        flat_prices=flat_prices,
        period_prices=period_prices,
        tiers=tier_spec,
    )
    if not extras:
        return spec
    money = scaled_decimals(Decimal(50), 2)
    optional_money = st.none() | money
    minimum = None
    if draw(st.booleans()):
        minimum = MinimumSpec(
            amount=draw(money),
            per=draw(st.sampled_from(("month", "bill", "day"))),
            applies_to=draw(st.sampled_from((None, ("energy",), ("energy", "surcharge")))),
        )
    return replace(
        spec,
        surcharge_per_kwh=draw(st.none() | scaled_decimals(Decimal("0.1"), price_places)),
        export_credit_per_kwh=(
            draw(st.none() | scaled_decimals(Decimal("0.5"), price_places))
            if export_credit
            else None
        ),
        fixed_per_month=draw(optional_money),
        fixed_per_day=draw(st.none() | scaled_decimals(Decimal(2), 2)),
        tax_percent=draw(st.none() | scaled_decimals(Decimal(20), 2)),
        tax_applies_to=draw(st.sampled_from((None, ("energy",), ("energy", "fixed")))),
        minimum=minimum,
        tax_last=draw(st.booleans()),
    )
