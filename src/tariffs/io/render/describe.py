"""Describe a tariff in words (``tariffs show``)."""

from __future__ import annotations

from decimal import Decimal

from tariffs.engine.adjustments.power_factor_tables import power_factor_table
from tariffs.io.render.text import number
from tariffs.model.charges import (
    BasicCharge,
    DemandCharge,
    DynamicEnergyCharge,
    EnergyCharge,
    ExportCreditCharge,
    FixedCharge,
    MinimumCharge,
    PowerFactorCharge,
    PriceFileCharge,
    PriceRef,
    ReactiveCharge,
    SurchargeCharge,
    TaxCharge,
)
from tariffs.model.eligibility import NUMERIC_FACTS, Conditions, Eligibility
from tariffs.model.exports import Exports
from tariffs.model.tariff import Tariff, Version, base_price_ratio, resolve_prices

__all__ = ["describe_tariff"]

_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _months(months: list[int] | None) -> str:
    if not months:
        return "all months"
    return ", ".join(_MONTHS[m - 1] for m in sorted(months))


def _price(value: Decimal, currency: str) -> str:
    return f"{number(value)} {currency}/kWh"


def _version_text(version: Version, currency: str) -> list[str]:
    out: list[str] = []
    if version.seasons:
        out.append("  Seasons:")
        for name, season in version.seasons.items():
            where = (
                _months(season.months)
                if season.months is not None
                else ", ".join(f"{a} to {b} (exclusive)" for a, b in season.ranges or [])
            )
            out.append(f"    {name}: {where}")
    if version.day_types:
        out.append("  Day types:")
        for name, day_type in version.day_types.items():
            if day_type.weekdays is not None:
                text = ", ".join(day_type.weekdays)
            else:
                items = [str(d) for d in day_type.dates or []] + list(day_type.rrules or [])
                text = f"holidays {', '.join(items)}" if items else ""
            shipped = [
                f"the {day_type.holidays} calendar's days off" if day_type.holidays else "",
                f"the {day_type.workdays} calendar's make-up workdays" if day_type.workdays else "",
            ]
            out.append(f"    {name}: {'; '.join(t for t in [text, *shipped] if t)}")
    if version.periods:
        out.append("  Time-of-use periods (local clock, start inclusive, end exclusive):")
        for rule in version.periods:
            scope = []
            if rule.seasons:
                scope.append("seasons " + ", ".join(rule.seasons))
            if rule.day_types:
                scope.append("day types " + ", ".join(rule.day_types))
            out.append(f"    {'; '.join(scope) or 'every day'}:")
            for period, windows in rule.windows.items():
                out.append(f"      {period}: {', '.join(windows)}")
    for override in version.overrides:
        when = _months(override.months)
        if override.days == "events":
            when = "declared event days" + (f" in {when}" if override.months else "")
        extra = f", replacing {', '.join(override.replaces)}" if override.replaces else ""
        if override.seasons:
            extra += f", in seasons {', '.join(override.seasons)}"
        if override.day_types:
            extra += f", on day types {', '.join(override.day_types)}"
        out.append(
            f"  {override.period} replaces the schedule at {', '.join(override.windows)} "
            f"on {when}{extra}"
        )
    out.append("  Charges, in the order priced:")
    for charge in version.charges:
        described = _charge_text(charge, version, currency)
        if charge.price_class is not None:
            described[0] = f"[{charge.price_class}] {described[0]}"
        out.extend("    " + line for line in described)
    if version.exports is not None:
        out.extend(_exports_text(version.exports, version, currency))
    return out


_RULES = {
    "net_metering": "net metering (exports net the imports of their own period each month; "
    "kWh credit carried to later months)",
    "net_billing": "net billing (every exported kWh credited at its period's export price)",
    "buy_all_sell_all": "buy all, sell all (gross load bought, all generation sold)",
}


def _exports_text(exports: Exports, version: Version, currency: str) -> list[str]:
    """The export terms: the rule, the export prices, carry-over and true-up."""
    out = [f"  Exports: {_RULES[exports.metering]}"]
    if exports.has_prices():
        priced = [
            f"{period} {_price(price, currency)}"
            for period in version.period_names
            if (price := exports.price_of(period)) is not None
        ]
        out.append(f"    export prices: {', '.join(priced)}")
    month = _MONTHS[exports.true_up_month - 1]
    if exports.metering == "net_metering":
        paid = exports.true_up_price_per_kwh
        settled = f"paid at {_price(paid, currency)}" if paid else "forfeited"
        out.append(f"    true-up: kWh credit left on the {month} bill {settled}")
    elif exports.carry_over:
        settled = "paid out" if exports.true_up == "pay" else "forfeited"
        out.append(
            f"    carry-over: money credit carried to later bills; on the {month} bill {settled}"
        )
    return out


def _charge_text(charge: object, version: Version, currency: str) -> list[str]:
    if isinstance(charge, EnergyCharge):
        lines = [f"energy ({charge.code or 'energy'}):"]
        if charge.prices is not None:
            resolved = resolve_prices(charge.prices, version.base_prices)
            for period, prices in resolved.items():
                text = " / ".join(number(p) or "" for p in prices)
                lines.append(f"  {period}: {text} {currency}/kWh")
        else:
            specs = (
                charge.price_per_kwh
                if isinstance(charge.price_per_kwh, list)
                else [charge.price_per_kwh]
            )
            values = [
                base_price_ratio(s, version.base_prices) if isinstance(s, PriceRef) else s
                for s in specs
                if s is not None
            ]
            lines.append("  " + " / ".join(number(v) or "" for v in values) + f" {currency}/kWh")
        if charge.tiers is not None:
            tiers = charge.tiers
            bounds = ", ".join(number(b) or "" for b in tiers.bounds_kwh)
            reset = {
                "monthly": "every month",
                "bill": "every bill",
                "annual": f"every year from month {tiers.start_month}",
            }[tiers.reset]
            lines.append(f"  tiers: bounds {bounds} kWh, counted {reset}, method {tiers.method}")
            if tiers.increments_per_kwh:
                lines.append(
                    "  tier increments: "
                    + ", ".join(
                        f"tier {i + 2} +{number(v)}" for i, v in enumerate(tiers.increments_per_kwh)
                    )
                )
        if charge.season_multipliers:
            lines.append(
                "  season multipliers: "
                + ", ".join(f"{s} × {number(m)}" for s, m in charge.season_multipliers.items())
            )
        return lines
    if isinstance(charge, SurchargeCharge | ExportCreditCharge):
        spec = charge.price_per_kwh
        value = base_price_ratio(spec, version.base_prices) if isinstance(spec, PriceRef) else spec
        what = (
            "surcharge on every kWh"
            if isinstance(charge, SurchargeCharge)
            else "credit per kWh exported"
        )
        return [f"{charge.code or charge.kind}: {what}, {_price(value, currency)}"]
    if isinstance(charge, FixedCharge):
        return [f"{charge.code or 'fixed'}: {number(charge.amount)} {currency} per {charge.per}"]
    if isinstance(charge, TaxCharge):
        base = ", ".join(charge.applies_to) if charge.applies_to else "all earlier lines"
        return [f"{charge.code or 'tax'}: {number(charge.percent)} % of {base}"]
    if isinstance(charge, MinimumCharge):
        base = ", ".join(charge.applies_to) if charge.applies_to else "all earlier lines"
        return [
            f"{charge.code or 'minimum'}: at least {number(charge.amount)} {currency} "
            f"per {charge.per} ({base})"
        ]
    if isinstance(charge, PriceFileCharge):
        return _price_file_text(charge)
    if isinstance(charge, DynamicEnergyCharge):
        adder = f" + {number(charge.adder_per_kwh)} {currency}/kWh" if charge.adder_per_kwh else ""
        series = charge.series
        if series is not None:
            return [
                f"{charge.code or 'energy.dynamic'}: each interval's kWh × its price{adder}, "
                f"{len(series.prices)} prices of {series.interval_seconds // 60} min from "
                f"the prices file {series.source}"
            ]
        count = len(charge.hourly_prices_per_kwh or [])
        return [
            f"{charge.code or 'energy.dynamic'}: each hour's kWh × its price{adder}, "
            f"{count} hourly prices from January 1"
        ]
    if isinstance(charge, BasicCharge):
        return _basic_text(charge, version, currency)
    if isinstance(charge, DemandCharge):
        return _demand_text(charge, version, currency)
    if isinstance(charge, PowerFactorCharge):
        table = power_factor_table(charge.table)
        return [
            f"{charge.code or 'power_factor'}: power-factor adjustment by table {table.name} "
            f"(standard {table.standard}; {table.reference}).",
            "  PF = kWh / sqrt(kWh² + kvarh²) from the billing period's totals, rounded "
            "half-up to 2 decimals;",
            f"  the table's percentage applies to the lines {', '.join(charge.applies_to)} "
            "priced before it.",
        ]
    if isinstance(charge, ReactiveCharge):
        if charge.price_per_kvar is not None:
            window = version.demand_window
            return [
                f"{charge.code or 'reactive'}: {number(charge.price_per_kvar)} {currency}/kvar "
                f"on the maximum reactive demand (kvarh of a {window.minutes}-minute window "
                f"× 60 / {window.minutes}) of the billing period"
            ]
        return [
            f"{charge.code or 'reactive'}: {number(charge.price_per_kvarh)} {currency}/kvarh on "
            f"reactive energy above {number(charge.free_kvarh_per_kwh)} kvarh per kWh"
        ]
    return [str(getattr(charge, "kind", "charge"))]


def _price_file_text(charge: PriceFileCharge) -> list[str]:
    code = charge.code or "energy"
    voltage = (
        f"{number(charge.voltage_kv)} kV" if charge.voltage_kv is not None
        else "the account's voltage_kv"
    )  # fmt: skip
    table = charge.loaded_table
    shown = table.source if table is not None else charge.file
    months = sorted({m for m, _ in table.prices}) if table is not None else []
    lines = [
        f"{code}: components from the price file {shown}, by calendar month, at {voltage}"
        + (f" ({months[0]} to {months[-1]}, {len(months)} months)" if months else "")
    ]
    for component in table.components if table is not None else charge.time_of_use:
        if component in charge.time_of_use:
            ratios = ", ".join(f"{p} × {number(r)}" for p, r in (charge.ratios or {}).items())
            lines.append(f"  {code}.{component}.<period>: the month's price × ratio ({ratios})")
        else:
            lines.append(f"  {code}.{component}: the month's price on every kWh")
    return lines


def _basic_text(charge: BasicCharge, version: Version, currency: str) -> list[str]:
    window = version.demand_window
    lines = [f"{charge.code or 'basic'}: basic charge by the account's basic_charge_method:"]
    if charge.capacity_price_per_kva is not None:
        lines.append(
            f"  capacity: {number(charge.capacity_price_per_kva)} {currency} per kVA of "
            "capacity_kva per month"
        )
    if charge.demand_price_per_kw is not None:
        floor = number(charge.floor_percent_of_capacity)
        lines.append(
            f"  contract_demand: {number(charge.demand_price_per_kw)} {currency} per kW of "
            f"contract demand per month (raised to {floor} % of capacity if below)"
        )
        lines.append(
            f"  actual_demand: {number(charge.demand_price_per_kw)} {currency} per kW of the "
            f"month's maximum demand, not less than {floor} % of capacity"
        )
        kind = "sliding" if window.sliding else "clock-aligned"
        lines.append(
            f"  demand: the largest average kW over a {kind} {window.minutes}-minute window"
        )
    if charge.overrun is not None:
        lines.append(
            f"  overrun: demand above {number(charge.overrun.above_percent)} % of contract "
            f"demand at {number(charge.overrun.price_multiplier)} × the price, its own line"
        )
    if charge.load_factor_discount is not None:
        lf = charge.load_factor_discount
        lines.append(
            f"  load-factor discount: {number(lf.percent)} % off the demand-based lines when "
            f"the month's kWh per kVA of capacity is {number(lf.min_kwh_per_kva)} or more"
        )
    if charge.suspension is not None:
        lines.append(
            f"  suspension: capacity suspended for fewer than {charge.suspension.min_days} "
            "days is billed as if in service"
        )
        if charge.suspension.max_days_per_year is not None:
            lines.append(
                f"  suspension: beyond {charge.suspension.max_days_per_year} days suspended "
                "in a calendar year, the suspended capacity is billed in full"
            )
    if charge.default_method:
        lines.append(f"  default method: {charge.default_method}")
    return lines


def _demand_text(charge: DemandCharge, version: Version, currency: str) -> list[str]:
    code = charge.code or "demand"
    window = version.demand_window
    when = f" in {_months(charge.months)}" if charge.months else ""
    lines = [f"{code}: demand charge{when}, {window.minutes}-minute windows:"]
    if charge.prices is not None:
        for period, spec in charge.prices.items():
            values = spec if isinstance(spec, list) else [spec]
            lines.append(f"  {period}: {' / '.join(number(v) or '' for v in values)} {currency}/kW")
    else:
        flat = charge.price_per_kw
        values = flat if isinstance(flat, list) else [flat] if flat is not None else []
        lines.append(f"  {' / '.join(number(v) or '' for v in values)} {currency}/kW")
    if charge.tiers_kw:
        lines.append(
            f"  demand tiers: bounds {', '.join(number(b) or '' for b in charge.tiers_kw)} kW"
        )
    if charge.ratchet is not None:
        r = charge.ratchet
        months = f" (months {_months(r.months)} only)" if r.months else ""
        lines.append(
            f"  ratchet: at least {number(r.percent)} % of the highest demand of the previous "
            f"{r.lookback_months} months{months}"
        )
    if charge.minimum_kw is not None:
        lines.append(f"  minimum billing demand: {number(charge.minimum_kw)} kW")
    if charge.measured_at == "coincident_peaks":
        lines.append(
            "  measured at the coincident peaks declared for the run (--coincident-peaks) "
            "or the account (coincident_peaks)"
        )
    return lines


def _conditions_text(conditions: Conditions) -> list[str]:
    parts = []
    if conditions.customer_classes is not None:
        parts.append(f"customer class {' or '.join(conditions.customer_classes)}")
    for name, (_, unit) in NUMERIC_FACTS.items():
        wanted = getattr(conditions, name)
        if wanted is not None:
            parts.append(f"{name} {wanted.text(unit)}")
    return parts


def _eligibility_text(eligibility: Eligibility) -> str:
    """The eligibility block in one sentence, as `tariffs show` prints it."""
    text = f"Eligibility: {'; '.join(_conditions_text(eligibility))}"
    if eligibility.mandatory is not None:
        text += f"; mandatory where {'; '.join(_conditions_text(eligibility.mandatory))}"
    if eligibility.note:
        text += f" ({eligibility.note})"
    return text + "."


def describe_tariff(tariff: Tariff) -> str:
    """A human description of a tariff: seasons, periods, prices and rules."""
    how = (
        "per line"
        if tariff.rounding.per == "line"
        else f"once per bill (lines carried to {tariff.line_places})"
    )
    out = [
        f"{tariff.id}: {tariff.name}",
        f"Currency {tariff.currency}, time zone {tariff.timezone}, amounts rounded "
        f"{tariff.rounding.mode.replace('_', '-')} to {tariff.places} decimals {how}; "
        f"per-month charges prorated by {tariff.proration.replace('_', ' ')}.",
        f"Reference: {tariff.reference}",
    ]
    if tariff.eligibility is not None:
        out.append(_eligibility_text(tariff.eligibility))
    if tariff.price_classes is not None:
        out.append(
            f"Price classes: {', '.join(tariff.price_classes)} (a bill that names none: "
            f"{tariff.price_classes[0]}); a charge marked [class] prices that class only."
        )
    for effective, version in tariff.versions.items():
        out.append(f"Version in force from {effective}:")
        out.extend(_version_text(version, tariff.currency))
    if tariff.unpriced:
        out.append("Not priced (each bill lists it):")
        out.extend(f"  {text}" for text in tariff.unpriced)
    return "\n".join(out) + "\n"
