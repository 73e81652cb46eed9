"""The basic charge of two-part tariffs (基本电费).

By capacity, contract demand or actual demand, with the capacity floor, the
contract-demand overrun, and the load-factor discount.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from tariffs.engine.charges.context import Carried, Context, Priced, Setting, prorated
from tariffs.engine.measures import MaxDemand, bill_demand
from tariffs.errors import AccountError
from tariffs.model.bill import Line
from tariffs.model.charges import BasicCharge

__all__ = ["basic_method", "needs", "price_basic"]

_HUNDRED = Decimal(100)


def _where(ctx: Setting | Context) -> str:
    """The file to name when the account lacks something: the account file, else the tariff."""
    if ctx.account is not None and ctx.account.source is not None:
        return ctx.account.source
    return ctx.tariff.source


def basic_method(charge: BasicCharge, ctx: Setting | Context) -> str:
    """The method the account chooses (or the tariff's default).

    Raises:
        AccountError: No method is chosen, or the tariff has no price for it.
    """
    account = ctx.account
    method = account.basic_charge_method if account else None
    method = method or charge.default_method
    if method is None:
        who = f"account {account.account_id} lacks it" if account else "no account was given"
        raise AccountError(
            f"tariff {ctx.tariff.id} needs 'basic_charge_method' "
            f"({' | '.join(charge.methods)}), and {who}",
            file=_where(ctx),
        )
    if method not in charge.methods:
        raise AccountError(
            f"tariff {ctx.tariff.id} has no price for basic_charge_method {method!r} of "
            f"account {account.account_id if account else ''}; it offers "
            f"{', '.join(charge.methods)}",
            file=_where(ctx),
            path="basic_charge_method",
        )
    return method


def _need(ctx: Setting | Context, name: str, why: str) -> Decimal:
    account = ctx.account
    value = getattr(account, name) if account else None
    if value is None:
        who = f"account {account.account_id} lacks it" if account else "no account was given"
        raise AccountError(
            f"tariff {ctx.tariff.id} needs {name!r} ({why}), and {who}", file=_where(ctx)
        )
    assert isinstance(value, Decimal)  # noqa: S101 - account fields are Decimals
    return value



def needs(charge: BasicCharge, setting: Setting) -> tuple[MaxDemand, ...]:
    """The bill's maximum demand, unless the account's method is by capacity.

    Raises:
        AccountError: The account chooses no method, or one the tariff does not price.
    """
    if basic_method(charge, setting) == "capacity":
        return ()
    return (bill_demand(setting.version.demand_window),)


def price_basic(
    charge: BasicCharge, ctx: Context, earlier: Sequence[Line], carried: Carried
) -> Priced:
    """Price the basic charge of one segment; per-month amounts × the segment's month share."""
    return Priced(_lines(charge, ctx))


def _lines(charge: BasicCharge, ctx: Context) -> list[Line]:
    method = basic_method(charge, ctx)
    code = charge.code or "basic"
    label = charge.label or "Basic charge"
    share = ctx.month_fraction
    partial = "" if share == 1 else f" (× {share} of a month)"
    if method == "capacity":
        capacity = _need(ctx, "capacity_kva", "basic charge by capacity")
        price = charge.capacity_price_per_kva
        assert price is not None  # noqa: S101 - methods() only offers priced methods
        return [
            ctx.line("capacity", f"{code}.capacity", f"{label} by capacity{partial}",
                     capacity, "kVA", price, prorated(capacity * price, share))
        ]  # fmt: skip

    price = charge.demand_price_per_kw
    assert price is not None  # noqa: S101 - methods() only offers priced methods
    floor_kw = Decimal(0)
    if charge.floor_percent_of_capacity:
        capacity = _need(ctx, "capacity_kva", "the demand floor is a share of capacity")
        floor_kw = capacity * charge.floor_percent_of_capacity / _HUNDRED
    demand_kw = ctx.demand_kw(bill_demand(ctx.version.demand_window))
    lines: list[Line] = []
    if method == "contract_demand":
        contract = max(
            _need(ctx, "contract_demand_kw", "basic charge by contract demand"), floor_kw
        )
        # Up to the allowance (above_percent of contract) the contract demand is billed;
        # above it, the part beyond the allowance at the multiple, and at the price the
        # allowance itself or the contract demand, as the table's billed_up_to says.
        billed, excess, note = contract, Decimal(0), ""
        overrun = charge.overrun
        if overrun is not None:
            allowance = contract * overrun.above_percent / _HUNDRED
            if demand_kw > allowance:
                excess = demand_kw - allowance
                if overrun.billed_up_to == "allowance":
                    billed = allowance
                    note = f" (up to {overrun.above_percent} % of {contract} kW)"
        lines.append(
            ctx.line("demand", f"{code}.demand",
                     f"{label} by contract demand{note}{partial}", billed, "kW", price,
                     prorated(billed * price, share))
        )  # fmt: skip
        if overrun is not None and excess > 0:
            rate = price * overrun.price_multiplier
            lines.append(
                ctx.line("demand", f"{code}.overrun",
                         f"Demand above {overrun.above_percent} % of contract "
                         f"demand (measured {demand_kw} kW){partial}", excess, "kW", rate,
                         prorated(excess * rate, share))
            )  # fmt: skip
    else:
        billed = max(demand_kw, floor_kw)
        note = "" if billed == demand_kw else f" (floor; measured {demand_kw} kW)"
        lines.append(
            ctx.line("demand", f"{code}.demand",
                     f"{label} by maximum demand{note}{partial}", billed, "kW", price,
                     prorated(billed * price, share))
        )  # fmt: skip

    discount = charge.load_factor_discount
    if discount is not None:
        capacity = _need(ctx, "capacity_kva", "the load-factor discount is kWh per kVA")
        kwh = ctx.bill_total("total_kwh")
        if capacity > 0 and kwh >= discount.min_kwh_per_kva * capacity:
            base = sum((line.amount for line in lines), Decimal(0))
            rate = -discount.percent / _HUNDRED
            lines.append(
                ctx.line("discount", f"{code}.load_factor_discount",
                         f"Load-factor discount ({kwh / capacity:.2f} kWh/kVA ≥ "
                         f"{discount.min_kwh_per_kva})", base, ctx.tariff.currency, rate,
                         base * rate)
            )  # fmt: skip
    return lines
