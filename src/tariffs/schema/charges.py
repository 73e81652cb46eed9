"""Schema of the charges of a tariff version, one model per charge kind.

Charges are priced in the order they are written. Charges that work on other lines
(taxes, minimum bills, power-factor adjustments, discounts) see the lines written
before them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from tariffs.schema.common import Code, ExactDecimal, Name, NonNegativeDecimal, StrictModel

__all__ = [
    "LINE_KINDS",
    "Charge",
    "EnergyCharge",
    "ExportCreditCharge",
    "FixedCharge",
    "MinimumCharge",
    "PriceRef",
    "PriceSpec",
    "SurchargeCharge",
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

    ``of`` names a base price of the version, or another period of the same charge.
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
    """

    bounds_kwh: list[NonNegativeDecimal] = Field(min_length=1)
    reset: Literal["monthly", "bill", "annual"] = "monthly"
    start_month: int = Field(default=1, ge=1, le=12)
    method: Literal["proportional", "chronological", "per_period", "increment"] = "proportional"
    increments_per_kwh: list[NonNegativeDecimal] | None = None

    @model_validator(mode="after")
    def _check(self) -> Tiers:
        for lower, upper in zip(self.bounds_kwh, self.bounds_kwh[1:], strict=False):
            if upper <= lower:
                raise ValueError(
                    f"tier bounds must increase strictly, found {lower} then {upper}"
                )
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
        return self

    @property
    def tier_count(self) -> int:
        """Number of tiers (one more than the bounds)."""
        return len(self.bounds_kwh) + 1


class _ChargeBase(StrictModel):
    code: Code | None = None
    label: str | None = None


class EnergyCharge(_ChargeBase):
    """Price per kWh imported: flat, by period, tiered, or by period × tier.

    Give ``price_per_kwh`` (one price, or one per tier) or ``prices`` (period → price,
    or period → one price per tier). ``season_multipliers`` scale every price by the
    season of the kWh (丰枯: wet 0.90, dry 1.20).
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
    percent: ExactDecimal
    applies_to: list[str] | None = None


class MinimumCharge(_ChargeBase):
    """A minimum bill: when the earlier lines in ``applies_to`` sum to less than the
    minimum, a ``minimum`` line makes up the difference.
    """

    kind: Literal["minimum"]
    amount: NonNegativeDecimal
    per: Literal["bill", "day", "month"] = "month"
    applies_to: list[str] | None = None


Charge = Annotated[
    EnergyCharge
    | SurchargeCharge
    | ExportCreditCharge
    | FixedCharge
    | TaxCharge
    | MinimumCharge,
    Field(discriminator="kind"),
]
