"""Energy charges: flat, by time-of-use period, tiered, and period × tier.

The kWh of a segment are grouped into buckets, one per price that can differ: by period
when prices are given per period, and by season when season multipliers apply. Tiers are
then met with the buckets by the tariff's declared method.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from tariffs.engine import _kept
from tariffs.engine._kept import value_key
from tariffs.engine.charges.context import Carried, Context, Priced, Reason, Setting
from tariffs.engine.measures import EnergyInTimeOrder, Measure, bill_demand
from tariffs.engine.usage import split_table
from tariffs.errors import UnsupportedFeatureError
from tariffs.model.account import Account
from tariffs.model.bill import Line, round_amount
from tariffs.model.charges import EnergyCharge, PriceRef, PriceSpec, Tiers
from tariffs.model.tariff import base_price_ratio, resolve_prices, tidy_price

__all__ = ["needs", "price_energy", "tier_split"]

_IN_TIME_ORDER = EnergyInTimeOrder()


def needs(charge: EnergyCharge, setting: Setting) -> tuple[Measure, ...]:
    """What a tiered charge measures: demand for bounds per kW, time order for a ladder."""
    tiers = charge.tiers
    if tiers is None:
        return ()
    found: list[Measure] = []
    if tiers.bound_unit == "kwh_per_kw":
        found.append(bill_demand(setting.version.demand_window))
    if tiers.method == "chronological":
        found.append(_IN_TIME_ORDER)
    return tuple(found)


def tier_split(position: Decimal, quantity: Decimal, bounds: list[Decimal]) -> list[Decimal]:
    """Split ``quantity`` kWh, counted from ``position`` on a ladder, into its tiers.

    >>> tier_split(Decimal(200), Decimal(300), [Decimal(240), Decimal(400)])
    [Decimal('40'), Decimal('160'), Decimal('100')]
    """
    parts = []
    low = Decimal(0)
    end = position + quantity
    for high in [*bounds, None]:
        top = end if high is None else min(end, high)
        bottom = max(position, low)
        parts.append(max(Decimal(0), top - bottom))
        if high is not None:
            low = high
    return parts


class _Buckets:
    """The price buckets of one energy charge in one segment."""

    def __init__(self, charge: EnergyCharge, ctx: Context) -> None:
        schedule = ctx.schedule
        by_period = charge.prices is not None
        by_season = charge.season_multipliers is not None
        self.keys: list[tuple[int | None, int | None]] = []
        self.kwh: list[int] = []
        index: dict[tuple[int | None, int | None], int] = {}
        for (season, period), value in sorted(ctx.usage.energy.items()):
            key = (season if by_season else None, period if by_period else None)
            if key not in index:
                index[key] = len(self.keys)
                self.keys.append(key)
                self.kwh.append(0)
            self.kwh[index[key]] += value
        self.index = index
        self.by_season = by_season
        if charge.prices is not None:
            self.period_prices = _resolved_prices(charge, ctx)
        else:
            specs = charge.price_per_kwh
            listed: list[PriceSpec] = (
                specs if isinstance(specs, list) else [specs]  # type: ignore[list-item]
            )
            self.flat_prices = [_resolve(spec, ctx) for spec in listed]
        self.charge = charge
        self.schedule = schedule

    def price(self, bucket: int, tier: int) -> Decimal:
        season, period = self.keys[bucket]
        if period is not None:
            prices = self.period_prices[self.schedule.period_names[period]]
        else:
            prices = self.flat_prices
        price = prices[min(tier, len(prices) - 1)]
        if season is not None and self.charge.season_multipliers is not None:
            price = tidy_price(
                price * self.charge.season_multipliers[self.schedule.season_names[season]]
            )
        return price

    def code(self, base: str, bucket: int) -> list[str]:
        season, period = self.keys[bucket]
        parts = [base]
        if season is not None:
            parts.append(self.schedule.season_names[season])
        if period is not None:
            parts.append(self.schedule.period_names[period])
        return parts


def _resolved_prices(charge: EnergyCharge, ctx: Context) -> dict[str, list[Decimal]]:
    """The charge's period prices, resolved once per charge and version.

    Kept by the version's and the charge's values (`tariffs.engine._kept.prices`): a price
    given as a ratio of a base price depends on the version it is priced in, and one
    charge may stand in two versions.
    """
    prices = charge.prices
    assert prices is not None  # noqa: S101 - the caller checked
    key = (value_key(ctx.version), value_key(charge))
    found: dict[str, list[Decimal]] | None = _kept.prices.get(key)
    if found is None:
        found = _kept.prices.keep(key, resolve_prices(prices, ctx.version.base_prices))
    return found


def _resolve(spec: PriceSpec, ctx: Context) -> Decimal:
    if isinstance(spec, PriceRef):
        return base_price_ratio(spec, ctx.version.base_prices)
    return spec


def _label(base: str, parts: list[str]) -> str:
    words = [p.replace("_", " ") for p in parts[1:]]
    if not words:
        return base
    text = " ".join(words)
    return f"{text[0].upper()}{text[1:]} {base.lower()}"


def _bounds(tiers: Tiers, ctx: Context) -> list[Decimal]:
    """The tier bounds of this bill: allowance, bound unit and proration applied."""
    allowance = _allowance(tiers, ctx)
    bounds = [bound + allowance for bound in tiers.bounds_kwh]
    if tiers.bound_unit == "kwh_per_day":
        bounds = [bound * ctx.bill_days for bound in bounds]
    elif tiers.bound_unit == "kwh_per_kw":
        demand_kw = ctx.demand_kw(bill_demand(ctx.version.demand_window))
        bounds = [bound * demand_kw for bound in bounds]
    fraction = _bound_fraction(tiers, ctx)
    if fraction != 1:
        places = tiers.proration_places
        bounds = [round_amount(Fraction(bound) * fraction, places) for bound in bounds]
    return bounds


def _allowance(tiers: Tiers, ctx: Context) -> Decimal:
    """What the account's extra allowance (一户多人口) adds to each bound of this bill [kWh].

    The allowance of a bill is the one in force on its billing period's start. On an
    annual ladder, ``tier_allowance_year: full`` adds 12 times it; ``prorated`` adds,
    for each month of the tier year, the allowance in force on the month's first day
    (months after the period's start: the bill's), so that a rise from July adds half
    of 12 times the rise.

    >>> from tariffs.model.account import Account
    >>> a = Account(account_id="H", tier_allowance_changes=[
    ...     {"from": "2025-07-01", "tier_allowance_kwh_per_month": 100}])
    >>> t = Tiers(bounds_kwh=[2760], reset="annual")
    >>> [_annual_allowance(t, a, dt.date(2025, m, 1)) for m in (6, 7, 12)]
    [Decimal('0'), Decimal('600'), Decimal('600')]
    """
    account = ctx.account
    if account is None:
        return Decimal(0)
    if tiers.reset != "annual":
        return account.tier_allowance_on(ctx.period_start)
    return _annual_allowance(tiers, account, ctx.period_start)


def _annual_allowance(tiers: Tiers, account: Account, period_start: dt.date) -> Decimal:
    """The allowance an annual ladder's bounds add for a bill from ``period_start`` [kWh]."""
    if not account.tier_allowance_changes or account.tier_allowance_year == "full":
        return account.tier_allowance_on(period_start) * 12
    year, month = period_start.year - (period_start.month < tiers.start_month), tiers.start_month
    total = Decimal(0)
    for _ in range(12):
        total += account.tier_allowance_on(min(dt.date(year, month, 1), period_start))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return total


def _bound_fraction(tiers: Tiers, ctx: Context) -> Fraction:
    """The share of the full bounds a partial period (or first tier year) gets."""
    if tiers.proration == "none":
        return Fraction(1)
    if tiers.reset != "annual":
        period_days = (ctx.period_end - ctx.period_start).days
        return min(Fraction(ctx.bill_days, period_days), Fraction(1))
    start = ctx.account.service_start if ctx.account else None
    if start is None:
        return Fraction(1)
    year_start = dt.date(
        ctx.period_start.year - (ctx.period_start.month < tiers.start_month), tiers.start_month, 1
    )
    year_end = dt.date(year_start.year + 1, year_start.month, 1)
    if not year_start <= start < year_end:
        return Fraction(1)
    if tiers.proration == "days":
        return Fraction((year_end - start).days, (year_end - year_start).days)
    months = (year_end.year - start.year) * 12 + year_end.month - start.month
    return Fraction(months, 12)


_RESETS = {"monthly": "month", "bill": "bill", "annual": "year"}


def _tier_range(tier: int, bounds: list[Decimal], tiers: Tiers, position: Decimal) -> str:
    """Where a tier lies on the ladder, and how much was counted before this bill.

    >>> _tier_range(2, [Decimal(2760), Decimal(4800)], Tiers(bounds_kwh=[2760, 4800],
    ...     reset="annual"), Decimal(2700))
    '(2760 to 4800 kWh per year; 2700 kWh counted before)'
    """
    low = "0" if tier == 1 else f"{bounds[tier - 2]}"
    span = f"above {low}" if tier > len(bounds) else f"{low} to {bounds[tier - 1]}"
    counted = f"; {position} kWh counted before" if position else ""
    return f"({span} kWh per {_RESETS[tiers.reset]}{counted})"


def ladder_key(tiers: Tiers) -> str:
    """The tier ladder a charge counts on (shared by charges with the same reset)."""
    return f"annual:{tiers.start_month}" if tiers.reset == "annual" else "bill"


_BucketKey = tuple[int | None, int | None]


def _keys(charge: EnergyCharge, ctx: Context, bucket: _BucketKey) -> list[tuple[int, int]]:
    """The usage keys ``(season, period)`` a bucket sums (noted when a bill is explained)."""
    by_season = charge.season_multipliers is not None
    by_period = charge.prices is not None
    return [
        key
        for key in sorted(ctx.usage.energy)
        if (key[0] if by_season else None, key[1] if by_period else None) == bucket
    ]


def _tier_facts(
    tiers: Tiers,
    ctx: Context,
    bounds: list[Decimal],
    tier: int,
    position: Decimal,
    total: Decimal,
    tier_kwh: Decimal,
    bucket_kwh: Decimal | None = None,
) -> dict[str, object]:
    """What a tier line was priced from: the bounds and how they were made, the ladder."""
    facts: dict[str, object] = {
        "tier": tier,
        "method": tiers.method,
        "reset": tiers.reset,
        "per": _RESETS[tiers.reset],
        "declared_bounds_kwh": list(tiers.bounds_kwh),
        "allowance_kwh": _allowance(tiers, ctx),
        "bound_unit": tiers.bound_unit,
        "proration": _bound_fraction(tiers, ctx),
        "bounds_kwh": list(bounds),
        "counted_before_kwh": position,
        "total_kwh": total,
        "tier_kwh": tier_kwh,
        "bucket_kwh": bucket_kwh,
        "scope": "bill" if ctx.first_segment and ctx.last_segment else "segment",
    }
    if tiers.bound_unit == "kwh_per_day":
        facts["bill_days"] = ctx.bill_days
    elif tiers.bound_unit == "kwh_per_kw":
        facts["demand_kw"] = ctx.demand_kw(bill_demand(ctx.version.demand_window))
    return facts


def price_energy(
    charge: EnergyCharge, ctx: Context, earlier: Sequence[Line], carried: Carried
) -> Priced:
    """Price an energy charge on a segment's usage."""
    return Priced(_lines(charge, ctx))


def _lines(charge: EnergyCharge, ctx: Context) -> list[Line]:
    if charge.tiers is None:
        return _untiered(charge, ctx)
    code = charge.code or "energy"
    label = charge.label or "Energy"
    buckets = _Buckets(charge, ctx)
    lines: list[Line] = []

    tiers = charge.tiers
    bounds = _bounds(tiers, ctx)
    total = ctx.quantity(sum(buckets.kwh))
    if tiers.method == "per_period":
        return _per_period(charge, ctx, buckets, bounds, code, label)
    if tiers.method == "chronological":
        return _chronological(charge, ctx, buckets, bounds, code, label)
    position = ctx.tier_position_kwh.get(ladder_key(tiers), Decimal(0))
    per_tier = tier_split(position, total, bounds)

    if tiers.method == "increment":
        for b, kwh in enumerate(buckets.kwh):
            if kwh:
                parts = buckets.code(code, b)
                quantity = ctx.quantity(kwh)
                rate = buckets.price(b, 0)
                lines.append(
                    ctx.line(
                        "energy",
                        ".".join(parts),
                        _label(label, parts),
                        quantity,
                        "kWh",
                        rate,
                        quantity * rate,
                    )
                )
                if ctx.recorder is not None:
                    ctx.note(lines[-1], keys=_keys(charge, ctx, buckets.keys[b]))
        for tier, quantity in enumerate(per_tier[1:], start=2):
            if quantity:
                rate = (tiers.increments_per_kwh or [])[tier - 2]
                lines.append(
                    ctx.line(
                        "energy",
                        f"{code}.tier{tier}",
                        f"Tier {tier} increment {_tier_range(tier, bounds, tiers, position)}",
                        quantity,
                        "kWh",
                        rate,
                        quantity * rate,
                        (("increment", "yes"),),
                    )
                )
                if ctx.recorder is not None:
                    ctx.note(
                        lines[-1],
                        tier=_tier_facts(tiers, ctx, bounds, tier, position, total, quantity),
                    )
        return lines

    # proportional: each tier's kWh split between buckets by the buckets' shares.
    unit_scale = max(ctx.usage.scale, *(-q.as_tuple().exponent for q in per_tier))  # type: ignore[operator]
    single = len(buckets.kwh) == 1 and buckets.keys[0] == (None, None)
    factor = 10 ** (unit_scale - ctx.usage.scale)
    table = split_table(
        [int(quantity.scaleb(unit_scale)) for quantity in per_tier],
        [kwh * factor for kwh in buckets.kwh],
    )
    for tier, shares in enumerate(table, start=1):
        for b, share in enumerate(shares):
            if not share:
                continue
            parts = buckets.code(code, b)
            part_quantity = Decimal(share).scaleb(-unit_scale)
            rate = buckets.price(b, tier - 1)
            suffix = f"tier{tier}"
            name = ".".join([*parts, suffix]) if not single else f"{code}.{suffix}"
            text = (
                f"{_label(label, parts)}, tier {tier} {_tier_range(tier, bounds, tiers, position)}"
            )
            lines.append(
                ctx.line("energy", name, text, part_quantity, "kWh", rate, part_quantity * rate)
            )
            if ctx.recorder is not None:
                ctx.note(
                    lines[-1],
                    keys=_keys(charge, ctx, buckets.keys[b]),
                    tier=_tier_facts(tiers, ctx, bounds, tier, position, total,
                                     per_tier[tier - 1], ctx.quantity(buckets.kwh[b])),
                )  # fmt: skip
    return lines


def _untiered(charge: EnergyCharge, ctx: Context) -> list[Line]:
    """One line per bucket with kWh: kWh × the bucket's price (as `_Buckets` orders them)."""
    by_season = charge.season_multipliers is not None
    by_period = charge.prices is not None
    kwh: dict[_BucketKey, int] = {}  # in the order buckets are first met
    for (season, period), value in sorted(ctx.usage.energy.items()):
        key = (season if by_season else None, period if by_period else None)
        kwh[key] = kwh.get(key, 0) + value
    # An untiered charge's code, label and rate of a bucket depend on the charge and its
    # version alone: they are made once (`tariffs.engine._kept.lines`), not on every bill.
    charge_key = (value_key(ctx.version), value_key(charge))
    lines = []
    for key, value in kwh.items():
        if not value:
            continue
        found: tuple[str, str, Decimal] | None = _kept.lines.get((charge_key, key))
        if found is None:
            buckets = _Buckets(charge, ctx)
            b = buckets.index[key]
            parts = buckets.code(charge.code or "energy", b)
            found = (".".join(parts), _label(charge.label or "Energy", parts), buckets.price(b, 0))
            _kept.lines.keep((charge_key, key), found)
        code, label, rate = found
        quantity = ctx.quantity(value)
        lines.append(ctx.line("energy", code, label, quantity, "kWh", rate, quantity * rate))
        if ctx.recorder is not None:
            ctx.note(lines[-1], keys=_keys(charge, ctx, key))
    return lines


def _per_period(
    charge: EnergyCharge,
    ctx: Context,
    buckets: _Buckets,
    bounds: list[Decimal],
    code: str,
    label: str,
) -> list[Line]:
    assert charge.tiers is not None  # noqa: S101 - checked by the caller
    if charge.tiers.reset == "annual":
        raise UnsupportedFeatureError(
            "tiers.method per_period with reset annual",
            ctx.tariff.source,
            "a ladder per period across bills needs per-period year-to-date usage",
        )
    lines: list[Line] = []
    counted: dict[str, Decimal] = {}  # kWh already on each period's ladder in this bill
    for b, kwh in enumerate(buckets.kwh):
        period = buckets.keys[b][1]
        name = "" if period is None else ctx.schedule.period_names[period]
        position = counted.get(name, ctx.tier_position_kwh.get(f"period:{name}", Decimal(0)))
        quantity_kwh = ctx.quantity(kwh)
        counted[name] = position + quantity_kwh
        for tier, quantity in enumerate(tier_split(position, quantity_kwh, bounds), 1):
            if quantity:
                parts = [*buckets.code(code, b), f"tier{tier}"]
                rate = buckets.price(b, tier - 1)
                lines.append(
                    ctx.line(
                        "energy",
                        ".".join(parts),
                        f"{_label(label, parts[:-1])}, tier {tier} "
                        f"{_tier_range(tier, bounds, charge.tiers, position)}",
                        quantity,
                        "kWh",
                        rate,
                        quantity * rate,
                    )
                )
                if ctx.recorder is not None:
                    ctx.note(
                        lines[-1],
                        keys=_keys(charge, ctx, buckets.keys[b]),
                        tier=_tier_facts(charge.tiers, ctx, bounds, tier, position,
                                         quantity_kwh, quantity),
                    )  # fmt: skip
    return lines


def _chronological(
    charge: EnergyCharge,
    ctx: Context,
    buckets: _Buckets,
    bounds: list[Decimal],
    code: str,
    label: str,
) -> list[Line]:
    """Fill the tiers in time order; the interval that crosses a bound is split."""
    assert charge.tiers is not None  # noqa: S101 - checked by the caller
    usage = ctx.usage
    if usage.loss_kwh:
        raise UnsupportedFeatureError(
            "tiers.method chronological with losses",
            ctx.tariff.source,
            "losses have no time of their own to be placed on the ladder",
        )
    scale = usage.scale
    position = ctx.tier_position_kwh.get(ladder_key(charge.tiers), Decimal(0))
    # Work in integer units of 10**-scale (bounds and position must be representable).
    unit_scale = max(scale, *(-b.as_tuple().exponent for b in [*bounds, position]))  # type: ignore[operator]
    factor = 10 ** (unit_scale - scale)
    limits = [int(b.scaleb(unit_scale)) for b in bounds]
    cursor = int(position.scaleb(unit_scale))
    amounts: dict[tuple[int, int], int] = {}
    in_time_order = ctx.measured(_IN_TIME_ORDER)
    assert isinstance(in_time_order, tuple)  # noqa: S101 - measured as needs() asked
    for season, period, values in in_time_order:
        key = (season if buckets.by_season else None, period if charge.prices is not None else None)
        bucket = buckets.index[key]
        block = sum(values) * factor
        tier = sum(1 for limit in limits if cursor >= limit)
        if tier == len(limits) or cursor + block <= limits[tier]:
            amounts[(bucket, tier)] = amounts.get((bucket, tier), 0) + block
            cursor += block
            continue
        for value in values:
            value *= factor
            while value:
                tier = sum(1 for limit in limits if cursor >= limit)
                room = value if tier == len(limits) else min(value, limits[tier] - cursor)
                amounts[(bucket, tier)] = amounts.get((bucket, tier), 0) + room
                cursor += room
                value -= room
    lines: list[Line] = []
    for (bucket, tier), units in sorted(amounts.items(), key=lambda item: (item[0][1], item[0][0])):
        if not units:
            continue
        quantity = Decimal(units).scaleb(-unit_scale)
        parts = [*buckets.code(code, bucket), f"tier{tier + 1}"]
        rate = buckets.price(bucket, tier)
        lines.append(
            ctx.line(
                "energy",
                ".".join(parts),
                f"{_label(label, parts[:-1])}, tier {tier + 1} "
                f"{_tier_range(tier + 1, bounds, charge.tiers, position)}",
                quantity,
                "kWh",
                rate,
                quantity * rate,
            )
        )
        if ctx.recorder is not None:
            in_tier = sum(u for (_, t), u in amounts.items() if t == tier)
            ctx.note(
                lines[-1],
                keys=_keys(charge, ctx, buckets.keys[bucket]),
                tier=_tier_facts(charge.tiers, ctx, bounds, tier + 1, position,
                                 ctx.quantity(sum(buckets.kwh)),
                                 Decimal(in_tier).scaleb(-unit_scale)),
                words=(Reason("the tiers fill in time order: the interval that crosses a "
                              "bound is split", "tiers_in_time_order"),),
            )  # fmt: skip
    return lines
