"""Exported energy under a metering rule: net metering, net billing, buy-all-sell-all.

The rules, as docs/tariff-format.md ("Exports and net metering") writes them down:

* ``net_metering``: within a segment of a bill, each period's exported kWh, and then the
  kWh credit that period carries in from earlier bills, net that period's imported kWh
  (per period, never across periods: NREL SAM's metering option 0 does the same, the
  surplus of one time-of-use period offsetting only the same period). The energy
  charges then price the netted kWh. What a period's exports and credit leave over is
  its kWh credit carried to the next bill. The bill of the true-up month pays the credit
  left at ``true_up_price_per_kwh`` (0 forfeits it) and starts again from none.
* ``net_billing``: imports are priced as without exports; the kWh exported in each
  period are credited at that period's export price, one negative line per period. With
  ``carry_over``, a bill that the credit makes negative is brought to zero and the
  money is carried to later bills, which it reduces down to zero; the bill of the
  true-up month pays out (``true_up: pay``) or forfeits what is left.
* ``buy_all_sell_all``: net billing of gross readings (``kwh`` the whole load,
  ``export_kwh`` the whole generation); the account declares the readings gross.

The lines of the rules are ``export_credit`` lines (kWh exported, kWh credit carried in
and out, true-up) and ``adjustment`` lines (money carried in and out). They come after
the segment's charges, so a tax or a minimum bill never counts them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from tariffs.engine.charges.context import Carried
from tariffs.engine.schedule import Schedule
from tariffs.engine.usage import Plan, Usage
from tariffs.errors import AccountError, UnsupportedFeatureError
from tariffs.model.account import Account
from tariffs.model.bill import Line, round_amount
from tariffs.model.exports import METERING_RULES, Exports
from tariffs.model.readings import Readings, to_decimal
from tariffs.model.tariff import Tariff, Version

__all__ = [
    "Metering",
    "check_credits_in",
    "metering_of",
    "net_segment",
    "segment_credits",
    "settle_bill",
]

_KWH = "kWh"


@dataclass(frozen=True, slots=True)
class Metering:
    """The metering rule in force in a segment, and the version's export terms."""

    rule: str
    exports: Exports


def metering_of(
    tariff: Tariff, version: Version, account: Account | None, declared: str | None
) -> Metering | None:
    """The rule of a segment: the run's, else the account's, else the version's.

    Raises:
        UnsupportedFeatureError: The version cannot be priced under the rule declared.
        AccountError: ``buy_all_sell_all`` without readings declared gross.
    """
    rule = declared or (account.metering if account is not None else None)
    if rule is None:
        rule = version.exports.metering if version.exports is not None else None
    if rule is None:
        return None
    if rule not in METERING_RULES:
        raise ValueError(f"metering must be one of {', '.join(METERING_RULES)}, not {rule!r}")
    problem = version.metering_problem(rule)
    if problem is not None:
        raise UnsupportedFeatureError(f"metering {rule}", tariff.source or tariff.id, problem)
    if rule == "buy_all_sell_all" and not (account is not None and account.gross_readings):
        raise AccountError(
            "metering buy_all_sell_all bills all the load and sells all the generation: it "
            "needs gross readings (kwh the whole load, export_kwh the whole generation); "
            "the readings of one import/export meter net them in every interval. Declare "
            "gross_readings: true in the account where the readings are gross",
            file=account.source if account is not None else None,
        )
    assert version.exports is not None  # noqa: S101 - metering_problem checks it
    return Metering(rule, version.exports)


def check_credits_in(
    account: Account | None,
    metering: Metering | None,
    version: Version,
    tariff: Tariff,
    scale: int,
) -> None:
    """Refuse credits carried in by the account that the first bill's rule cannot use.

    Raises:
        AccountError: ``credit_kwh`` without net metering, naming a period the version
            does not have, or finer than the readings' kWh (``scale`` places);
            ``credit_amount`` without net billing with carry-over, or finer than the
            tariff's amounts.
    """
    if account is None:
        return
    rule = metering.rule if metering is not None else None
    if account.credit_kwh:
        if rule != "net_metering":
            raise AccountError(
                f"credit_kwh is a kWh credit of net metering; tariff {tariff.id} is priced "
                f"under {rule or 'no metering rule'}",
                file=account.source,
            )
        unknown = [name for name in account.credit_kwh if name not in version.period_names]
        if unknown:
            raise AccountError(
                f"credit_kwh names period {unknown[0]!r}, which tariff {tariff.id} does not "
                f"have (periods: {', '.join(version.period_names)})",
                file=account.source,
            )
        for name, kwh in account.credit_kwh.items():
            if kwh.scaleb(scale) != kwh.scaleb(scale).to_integral_value():
                raise AccountError(
                    f"credit_kwh.{name}: {kwh} kWh has more decimal places than the "
                    f"readings' {scale}; it cannot be netted exactly",
                    file=account.source,
                )
    carries = rule == "net_billing" and metering is not None and metering.exports.carry_over
    amount = account.credit_amount
    if amount != round_amount(amount, tariff.places):
        raise AccountError(
            f"credit_amount: {amount} has more decimal places than the tariff's amounts "
            f"({tariff.places})",
            file=account.source,
        )
    if account.credit_amount and not carries:
        raise AccountError(
            f"credit_amount is money carried over under net billing with carry_over; tariff "
            f"{tariff.id} is priced under {rule or 'no metering rule'}"
            + (" without carry_over" if rule == "net_billing" else ""),
            file=account.source,
        )


def exported_by_key(readings: Readings, plan: Plan) -> dict[tuple[int, int], int] | None:
    """The exported energy of each (season, period) of a planned segment, or None."""
    column = readings.export_kwh
    if column is None:
        return None
    total = sum(column[plan.first : plan.last])
    found = {key: add(column) for key, add in plan.sums}
    if plan.rest is not None:
        found[plan.rest] = total - sum(found.values())
    return found


def _by_name(values: dict[tuple[int, int], int], schedule: Schedule) -> dict[str, int]:
    found: dict[str, int] = {}
    for (_, period), value in values.items():
        name = schedule.period_names[period]
        found[name] = found.get(name, 0) + value
    return found


def _units(kwh: Decimal, scale: int) -> int:
    return int(kwh.scaleb(scale))


def net_segment(
    usage: Usage,
    exported: dict[tuple[int, int], int],
    schedule: Schedule,
    carried: Carried,
) -> tuple[Usage, list[tuple[str, int, int, int]], Carried]:
    """Net metering of one segment: the netted usage, what was netted, the new credit.

    Each period's exports and carried-in credit (the pool) net its imports, key by key in
    season order; what the pool leaves is the period's credit out.

    Returns:
        The usage with netted ``energy`` and ``total_kwh``; per period name in schedule
        order ``(name, exported, credit in, credit out)`` in integer units; the carried
        state with the new kWh credits.
    """
    scale = usage.scale
    credit_in = {name: _units(kwh, scale) for name, kwh in carried.credit_kwh.items()}
    pools = _by_name(exported, schedule)
    for name, units in credit_in.items():
        if name in schedule.period_names:
            pools[name] = pools.get(name, 0) + units
    energy = {}
    for key in sorted(usage.energy):
        name = schedule.period_names[key[1]]
        pool = pools.get(name, 0)
        used = min(pool, usage.energy[key])
        energy[key] = usage.energy[key] - used
        pools[name] = pool - used
    exported_names = _by_name(exported, schedule)
    netted = []
    credit_out = {name: Decimal(kwh) for name, kwh in carried.credit_kwh.items()}
    for name in schedule.period_names:
        out = pools.get(name, 0)
        if not (exported_names.get(name) or credit_in.get(name) or out):
            continue
        netted.append((name, exported_names.get(name, 0), credit_in.get(name, 0), out))
        if out:
            credit_out[name] = to_decimal(out, scale)
        else:
            credit_out.pop(name, None)
    new_usage = replace(usage, energy=energy, total_kwh=sum(energy.values()))
    return new_usage, netted, replace(carried, credit_kwh=credit_out)


def net_metering_lines(
    netted: Sequence[tuple[str, int, int, int]], scale: int, places: int, mode: str
) -> list[Line]:
    """The kWh lines of net metering: exported, credit carried in and out, per period."""
    lines = []
    zero = round_amount(Decimal(0), places, mode)
    for name, exported, credit_in, credit_out in netted:
        lines.append(
            Line(
                "export_credit",
                f"net_metering.exported.{name}",
                f"Exported, netted against imports ({name})",
                to_decimal(exported, scale),
                _KWH,
                None,
                zero,
            )
        )
        if credit_in:
            lines.append(
                Line(
                    "export_credit",
                    f"net_metering.credit_in.{name}",
                    f"kWh credit carried in ({name})",
                    to_decimal(credit_in, scale),
                    _KWH,
                    None,
                    zero,
                )
            )
        if credit_out:
            lines.append(
                Line(
                    "export_credit",
                    f"net_metering.credit_out.{name}",
                    f"kWh credit carried to the next bill ({name})",
                    to_decimal(credit_out, scale),
                    _KWH,
                    None,
                    zero,
                )
            )
    return lines


def segment_credits(
    metering: Metering,
    exported: dict[tuple[int, int], int],
    schedule: Schedule,
    scale: int,
    places: int,
    mode: str,
) -> list[Line]:
    """Net billing and buy-all-sell-all: each period's exports at its export price."""
    sold = metering.rule == "buy_all_sell_all"
    prefix = "buy_all_sell_all.sold" if sold else "net_billing.export"
    lines = []
    by_name = _by_name(exported, schedule)
    for name in schedule.period_names:
        if not by_name.get(name):
            continue
        price = metering.exports.price_of(name)
        assert price is not None  # noqa: S101 - metering_problem checks every period
        quantity = to_decimal(by_name[name], scale)
        lines.append(
            Line(
                "export_credit",
                f"{prefix}.{name}",
                f"Generation sold ({name})" if sold else f"Export credit ({name})",
                quantity,
                _KWH,
                price,
                _money(-(quantity * price), places, mode),
            )
        )
    return lines


def _money(value: Decimal, places: int, mode: str) -> Decimal:
    """An amount rounded as the tariff says, never a negative zero."""
    return round_amount(value, places, mode) + 0


def _true_up_bill(exports: Exports, last_day: dt.date) -> bool:
    return last_day.month == exports.true_up_month


def settle_bill(
    metering: Metering,
    lines: Sequence[Line],
    carried: Carried,
    last_day: dt.date,
    currency: str,
    places: int,
    mode: str,
) -> tuple[list[Line], Carried]:
    """The bill's closing lines under its last segment's rule: carry-over and true-up.

    Args:
        metering: The rule of the bill's last segment.
        lines: The bill's lines so far (their rounded amounts are summed).
        carried: The state carried so far, this bill's credits included.
        last_day: The bill's last local day (its month decides the true-up).
        currency: The tariff's currency (the unit of money credits).
        places: Decimal places of amounts.
        mode: Rounding mode of amounts.
    """
    exports = metering.exports

    def line(code: str, label: str, quantity: Decimal, amount: Decimal) -> Line:
        money = _money(amount, places, mode)
        return Line("adjustment", f"net_billing.{code}", label, quantity, currency, None, money)

    true_up = _true_up_bill(exports, last_day)
    found: list[Line] = []
    if metering.rule == "net_metering":
        if not true_up or not carried.credit_kwh:
            return found, carried
        rate = exports.true_up_price_per_kwh
        for name in sorted(carried.credit_kwh):
            quantity = carried.credit_kwh[name]
            paid = "paid" if rate else "forfeited"
            found.append(
                Line(
                    "export_credit",
                    f"net_metering.true_up.{name}",
                    f"True-up: kWh credit {paid} ({name})",
                    quantity,
                    _KWH,
                    rate,
                    _money(-(quantity * rate), places, mode),
                )
            )
        return found, replace(carried, credit_kwh={})
    if metering.rule != "net_billing" or not exports.carry_over:
        return found, carried
    total = sum((line.amount for line in lines), Decimal(0))
    credit = carried.credit_money
    applied = min(credit, max(total, Decimal(0)))
    if credit:
        found.append(line("credit_in", "Credit carried in", credit, -applied))
    remaining = credit - applied
    excess = max(-(total - applied), Decimal(0))
    if not true_up:
        if excess:
            found.append(line("credit_out", "Credit carried to the next bill", excess, excess))
        return found, replace(carried, credit_money=remaining + excess)
    if exports.true_up == "pay":
        if remaining:
            found.append(line("true_up", "True-up: credit paid out", remaining, -remaining))
    elif remaining or excess:
        found.append(line("true_up", "True-up: credit forfeited", remaining + excess, excess))
    return found, replace(carried, credit_money=Decimal(0))
