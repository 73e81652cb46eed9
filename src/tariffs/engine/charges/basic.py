"""The basic charge of two-part tariffs (基本电费).

By capacity, contract demand or actual demand, with the capacity floor, the
contract-demand overrun, and the load-factor discount. By capacity, the account's dated
reductions (减容) and suspensions (暂停) cut the segment into parts, each billed by its
days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from tariffs.engine.charges.context import Carried, Context, Priced, Reason, Setting, prorated
from tariffs.engine.measures import MaxDemand, bill_demand
from tariffs.errors import AccountError, TariffFileError
from tariffs.model.account import Account, CapacityState
from tariffs.model.bill import Line
from tariffs.model.charges import BasicCharge, Suspension

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


class _Part(NamedTuple):
    """Days of a segment in one capacity state (billed alike)."""

    start: dt.date
    days: int
    capacity_kva: Decimal
    suspended_kva: Decimal
    #: Share of the suspended part billed [%] (100 for a suspension under the minimum).
    suspended_percent: Decimal
    #: The suspension's length when it is under the minimum (billed in full), else None.
    short_days: int | None
    #: The year's limit of suspended days, when this part is past it (billed in full).
    over_year_days: int | None = None
    #: The reduced capacity still billed, and its share [kVA, %] (0 when not billed).
    reduced_kva: Decimal = Decimal(0)
    reduced_percent: Decimal = Decimal(0)


def _past_yearly_limit(
    states: Sequence[CapacityState], rules: Suspension, until: dt.date
) -> list[tuple[dt.date, dt.date]]:
    """The days, up to ``until``, past the year's limit of suspended days: ``[from, to)``.

    Days with any capacity suspended are counted in each calendar year, except those of a
    suspension under the minimum (billed as not suspended); from the day the count exceeds
    the limit to the year's end, suspended days are past it.
    """
    assert rules.max_days_per_year is not None  # noqa: S101 - the caller checked it
    limit_days = rules.max_days_per_year
    counted: dict[int, int] = {}
    ranges: list[tuple[dt.date, dt.date]] = []
    for state in states:
        if not state.suspended_kva or state.start is None or state.start >= until:
            continue
        if state.suspension_days is not None and state.suspension_days < rules.min_days:
            continue
        day = state.start
        end = min(state.end, until) if state.end is not None else until
        while day < end:
            year_end = min(end, dt.date(day.year + 1, 1, 1))
            days = (year_end - day).days
            before = counted.get(day.year, 0)
            if before + days > limit_days:
                over = day + dt.timedelta(days=max(limit_days - before, 0))
                ranges.append((over, year_end))
            counted[day.year] = before + days
            day = year_end
    return ranges


def _parts(charge: BasicCharge, ctx: Context, account: Account) -> list[_Part]:
    """The segment's days by capacity state, neighbours billed alike merged."""
    start = ctx.segment_start
    assert start is not None  # noqa: S101 - the engine gives every segment its start
    end = start + dt.timedelta(days=ctx.segment_days)
    states = account.capacity_states()
    rules = charge.suspension
    past: list[tuple[dt.date, dt.date]] = []
    if rules is not None and rules.max_days_per_year is not None:
        past = _past_yearly_limit(states, rules, end)
    cuts = sorted({day for pair in past for day in pair if start < day < end})
    parts: list[_Part] = []
    for state in states:
        first = max(start, state.start) if state.start is not None else start
        last = min(end, state.end) if state.end is not None else end
        if first >= last:
            continue
        percent, short = state.suspended_billed_percent, None
        if state.suspended_kva > 0:
            if rules is None:
                raise TariffFileError(
                    f"tariff {ctx.tariff.id} bills capacity, and account {account.account_id} "
                    f"has {state.suspended_kva} kVA suspended from {state.start}; the basic "
                    "charge must declare how a suspension is billed (suspension: {min_days: "
                    "N}, a suspension shorter than N days billed in full)",
                    file=ctx.tariff.source,
                )
            days = state.suspension_days
            if days is not None and days < rules.min_days:
                percent, short = _HUNDRED, days
        reduced_kva, reduced_percent = state.reduced_kva, state.reduced_billed_percent
        bounds = [first, *(day for day in cuts if first < day < last), last]
        for a, b in zip(bounds, bounds[1:], strict=False):
            over = bool(state.suspended_kva) and short is None
            over = over and any(lo <= a < hi for lo, hi in past)
            part = _Part(
                a,
                (b - a).days,
                state.capacity_kva,
                state.suspended_kva,
                (_HUNDRED if over else percent) if state.suspended_kva > 0 else Decimal(0),
                short,
                rules.max_days_per_year if over and rules is not None else None,
                reduced_kva if reduced_percent else Decimal(0),
                reduced_percent if reduced_kva else Decimal(0),
            )
            if parts and parts[-1][2:] == part[2:]:
                previous = parts[-1]
                part = part._replace(start=previous.start, days=previous.days + part.days)
                parts[-1] = part
            else:
                parts.append(part)
    return parts


def _capacity_lines(charge: BasicCharge, ctx: Context, code: str, label: str) -> list[Line]:
    capacity = _need(ctx, "capacity_kva", "basic charge by capacity")
    price = charge.capacity_price_per_kva
    assert price is not None  # noqa: S101 - methods() only offers priced methods
    share = ctx.month_fraction
    partial = "" if share == 1 else f" (× {share} of a month)"
    account = ctx.account
    assert account is not None  # noqa: S101 - _need found the capacity on it
    parts = _parts(charge, ctx, account) if account.capacity_changes else []
    if len(parts) <= 1 and not (parts and (parts[0].suspended_kva or parts[0].reduced_kva)):
        kva = parts[0].capacity_kva if parts else capacity
        note = ""
        idle: list[str] = []
        if account.billed_transformers and kva == capacity:
            idle = [t.id for t in account.transformers if t.id not in account.billed_transformers]
            note = f" (transformers {' + '.join(account.billed_transformers)}"
            note += f"; {', '.join(idle)} interlocked, not counted)" if idle else ")"
        line = ctx.line("capacity", f"{code}.capacity", f"{label} by capacity{note}{partial}",
                        kva, "kVA", price, prorated(kva * price, share))  # fmt: skip
        if ctx.recorder is not None:
            words = [
                Reason(
                    f"basic_charge_method capacity: contracted capacity {kva:f} kVA",
                    "capacity_method",
                    kva=f"{kva:f}",
                )
            ]
            if note:
                words.append(
                    Reason(
                        f"capacity counted: {note.strip()[1:-1]}",
                        "capacity_counted",
                        billed=tuple(account.billed_transformers),
                        idle=tuple(idle),
                    )
                )
            ctx.note(line, **_shares(ctx, ctx.segment_days, share), capacity_kva=kva,
                     method="capacity", words=words)  # fmt: skip
        return [line]
    lines: list[Line] = []
    for part in parts:
        part_share = share * Fraction(part.days, ctx.segment_days)
        first = len(lines)
        when = partial
        if len(parts) > 1:
            when = f", {part.days} days from {part.start} (× {part_share} of a month)"
        in_service = part.capacity_kva - part.suspended_kva
        if in_service or not part.suspended_kva:
            lines.append(
                ctx.line("capacity", f"{code}.capacity", f"{label} by capacity{when}",
                         in_service, "kVA", price, prorated(in_service * price, part_share))
            )  # fmt: skip
        if part.suspended_kva:
            suspended = part.suspended_kva
            rate = price * part.suspended_percent / _HUNDRED
            if part.short_days is not None:
                assert charge.suspension is not None  # noqa: S101 - _parts checked it
                why = (f"suspended {part.short_days} days, under {charge.suspension.min_days}: "
                       "billed in full")  # fmt: skip
            elif part.over_year_days is not None:
                why = (f"over {part.over_year_days} days suspended in {part.start.year}: "
                       "billed in full")  # fmt: skip
            elif part.suspended_percent:
                why = f"{part.suspended_percent} % billed"
            else:
                why = "not billed"
            lines.append(
                ctx.line("capacity", f"{code}.suspended", f"Suspended capacity ({why}){when}",
                         suspended, "kVA", rate, prorated(suspended * rate, part_share))
            )  # fmt: skip
        if part.reduced_kva:
            reduced = part.reduced_kva
            rate = price * part.reduced_percent / _HUNDRED
            lines.append(
                ctx.line("capacity", f"{code}.reduced",
                         f"Reduced capacity ({part.reduced_percent} % billed){when}",
                         reduced, "kVA", rate, prorated(reduced * rate, part_share))
            )  # fmt: skip
        if ctx.recorder is not None:
            end = part.start + dt.timedelta(days=part.days)
            words = [
                Reason(
                    f"basic_charge_method capacity: from {part.start} to {end} (exclusive), "
                    f"{part.capacity_kva:f} kVA contracted"
                    + (f", {part.suspended_kva:f} kVA suspended" if part.suspended_kva else "")
                    + (f", {part.reduced_kva:f} kVA reduced" if part.reduced_kva else "")
                    + f" (capacity changes of account {account.account_id})",
                    "capacity_part", start=str(part.start), end=str(end),
                    capacity=f"{part.capacity_kva:f}",
                    suspended=f"{part.suspended_kva:f}" if part.suspended_kva else "",
                    reduced=f"{part.reduced_kva:f}" if part.reduced_kva else "",
                    account=str(account.account_id),
                )
            ]  # fmt: skip
            for line in lines[first:]:
                ctx.note(line, **_shares(ctx, part.days, part_share), method="capacity",
                         capacity_kva=part.capacity_kva, suspended_kva=part.suspended_kva,
                         reduced_kva=part.reduced_kva, part_start=part.start,
                         words=words)  # fmt: skip
    return lines


def _shares(ctx: Context, days: int, share: Fraction) -> dict[str, object]:
    """The month share of a line and the days it stands for (noted for an explanation)."""
    return {
        "month_share": share,
        "days": days,
        "period_days": (ctx.period_end - ctx.period_start).days,
        "proration": ctx.tariff.proration,
    }


def _changes_in_segment(ctx: Context) -> dt.date | None:
    """The first day of the segment's first state that is not the account's first one.

    None when the whole segment is billed at the account's ``capacity_kva`` with nothing
    suspended (a change that restates the first state changes nothing).
    """
    account = ctx.account
    if account is None or not account.capacity_changes or account.capacity_kva is None:
        return None
    start = ctx.segment_start
    assert start is not None  # noqa: S101 - the engine gives every segment its start
    end = start + dt.timedelta(days=ctx.segment_days)
    base = account.capacity_kva
    for state in account.capacity_states():
        if state.start is None or state.start >= end or (state.end and state.end <= start):
            continue
        if state.capacity_kva != base or state.suspended_kva:
            return state.start
    return None


def _lines(charge: BasicCharge, ctx: Context) -> list[Line]:
    method = basic_method(charge, ctx)
    code = charge.code or "basic"
    label = charge.label or "Basic charge"
    share = ctx.month_fraction
    partial = "" if share == 1 else f" (× {share} of a month)"
    if method == "capacity":
        return _capacity_lines(charge, ctx, code, label)
    changed = _changes_in_segment(ctx)
    if changed is not None:
        assert ctx.account is not None  # noqa: S101 - it has the change
        raise AccountError(
            f"account {ctx.account.account_id} changes its capacity from {changed}; "
            f"tariff {ctx.tariff.id} prices a change of capacity only with "
            f"basic_charge_method capacity, and the account's is {method}",
            file=_where(ctx),
            path="capacity_changes",
        )

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
                     prorated(billed * price, share), (("method", "contract_demand"),))
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
                     prorated(billed * price, share), (("method", "actual_demand"),))
        )  # fmt: skip

    if ctx.recorder is not None:
        who = f" of account {ctx.account.account_id}" if ctx.account else ""
        account_id = str(ctx.account.account_id) if ctx.account else ""
        words = [
            Reason(
                f"basic_charge_method {method}{who}",
                "demand_method",
                method=method,
                account=account_id,
            )
        ]
        extra: dict[str, object] = {}
        floor = f"{floor_kw:f}" if floor_kw else ""
        if floor_kw:
            capacity_kva = ctx.account.capacity_kva  # type: ignore[union-attr]
            words.append(
                Reason(
                    f"floor: {charge.floor_percent_of_capacity} % of {capacity_kva:f} "
                    f"kVA = {floor_kw:f} kW",
                    "demand_floor", percent=f"{charge.floor_percent_of_capacity}",
                    capacity=f"{capacity_kva:f}", floor=floor,
                )
            )  # fmt: skip
        if method == "contract_demand":
            declared = _need(ctx, "contract_demand_kw", "basic charge by contract demand")
            extra["contract_demand_kw"] = contract
            words.append(
                Reason(
                    f"contract demand {declared:f} kW"
                    + (f", at least the floor {floor_kw:f} kW: {contract:f} kW"
                       if floor_kw else ""),
                    "contract_demand", declared=f"{declared:f}", floor=floor,
                    billed=f"{contract:f}",
                )
            )  # fmt: skip
        else:
            words.append(
                Reason(
                    f"billed the measured maximum demand {demand_kw:f} kW"
                    + (f", at least the floor {floor_kw:f} kW: {billed:f} kW" if floor_kw else ""),
                    "measured_demand", measured=f"{demand_kw:f}", floor=floor,
                    billed=f"{billed:f}",
                )
            )  # fmt: skip
        if method == "contract_demand" and charge.overrun is not None:
            allowance = contract * charge.overrun.above_percent / _HUNDRED
            extra["overrun_allowance_kw"] = allowance
            words.append(
                Reason(
                    f"overrun allowance {charge.overrun.above_percent} % of {contract:f} kW = "
                    f"{allowance:f} kW; measured {demand_kw:f} kW "
                    + ("is above it" if demand_kw > allowance else "is not above it"),
                    "overrun_allowance", percent=f"{charge.overrun.above_percent}",
                    contract=f"{contract:f}", allowance=f"{allowance:f}",
                    measured=f"{demand_kw:f}", above=demand_kw > allowance,
                )
            )  # fmt: skip
        for line in lines:
            ctx.note(line, **_shares(ctx, ctx.segment_days, share), method=method,
                     measure=bill_demand(ctx.version.demand_window), measured_kw=demand_kw,
                     floor_kw=floor_kw, words=words, **extra)  # fmt: skip

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
            if ctx.recorder is not None:
                ctx.note(lines[-1], base_lines=[(line.code, line.amount) for line in lines[:-1]],
                         words=[Reason(f"{kwh:f} kWh / {capacity:f} kVA ≥ "
                                       f"{discount.min_kwh_per_kva} kWh/kVA: {discount.percent} "
                                       "% off", "load_factor", kwh=f"{kwh:f}",
                                       capacity=f"{capacity:f}",
                                       threshold=f"{discount.min_kwh_per_kva}",
                                       percent=f"{discount.percent}")])  # fmt: skip
    return lines
