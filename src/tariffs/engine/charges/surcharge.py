"""Per-kWh surcharges (政府性基金及附加) and export credits."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from tariffs.engine.charges.context import Carried, Context, Priced, Reason
from tariffs.model.bill import BillWarning, Line
from tariffs.model.charges import ExportCreditCharge, PriceRef, PriceSpec, SurchargeCharge
from tariffs.model.tariff import base_price_ratio

__all__ = ["price_export_credit", "price_surcharge"]


def _rate(spec: PriceSpec, ctx: Context) -> Decimal:
    if isinstance(spec, PriceRef):
        return base_price_ratio(spec, ctx.version.base_prices)
    return spec


def price_surcharge(
    charge: SurchargeCharge, ctx: Context, earlier: Sequence[Line], carried: Carried
) -> Priced:
    """A per-kWh surcharge on all imported kWh, never scaled by period or season."""
    quantity = ctx.quantity(ctx.usage.total_kwh)
    rate = _rate(charge.price_per_kwh, ctx)
    line = ctx.line(
        "surcharge",
        charge.code or "surcharge",
        charge.label or "Surcharge",
        quantity,
        "kWh",
        rate,
        quantity * rate,
    )
    if ctx.recorder is not None:
        ctx.note(line, every_period=True,
                 words=[Reason("on every kWh imported, whatever its period",
                               "every_kwh")])  # fmt: skip
    return Priced([line])


def price_export_credit(
    charge: ExportCreditCharge, ctx: Context, earlier: Sequence[Line], carried: Carried
) -> Priced:
    """A credit per kWh exported.

    Readings without an export column credit nothing, and the bill says so.
    """
    if ctx.usage.export_kwh is None:
        return Priced(
            warnings=(
                BillWarning(
                    "the readings have no export_kwh column: no export credited",
                    "no_export_credit",
                ),
            )
        )
    quantity = ctx.quantity(ctx.usage.export_kwh)
    rate = _rate(charge.price_per_kwh, ctx)
    line = ctx.line(
        "export_credit",
        charge.code or "export_credit",
        charge.label or "Export credit",
        quantity,
        "kWh",
        rate,
        -(quantity * rate),
    )
    if ctx.recorder is not None:
        ctx.note(line, credit=True,
                 words=[Reason(f"{quantity:f} kWh exported (export_kwh column), credited at "
                               f"{rate:f} per kWh: a negative amount", "export_credited",
                               kwh=f"{quantity:f}", rate=f"{rate:f}",
                               column="export_kwh")])  # fmt: skip
    return Priced([line])
