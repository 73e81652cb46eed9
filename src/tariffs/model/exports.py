"""Schema of a version's export terms: the metering rule and the price of exported kWh.

The rules and their conventions are described in docs/tariff-format.md, "Exports and net
metering"; the engine that applies them is `tariffs.engine.exports`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import model_validator

from tariffs.model.common import MonthNumber, Name, NonNegativeDecimal, StrictModel

__all__ = ["METERING_RULES", "Exports", "MeteringRule"]

#: The metering rules a tariff, an account or a run may declare.
METERING_RULES = ("net_metering", "net_billing", "buy_all_sell_all")

MeteringRule = Literal["net_metering", "net_billing", "buy_all_sell_all"]


class Exports(StrictModel):
    """How exported energy is metered and paid for.

    Attributes:
        metering: The rule: ``net_metering`` (exports net the imports of the same period
            within the month; what is left over is a kWh credit carried to later months
            and settled at the true-up), ``net_billing`` (imports at the energy prices,
            every exported kWh credited at the export price of its period) or
            ``buy_all_sell_all`` (net billing on gross readings: all the load bought,
            all the generation sold).
        price_per_kwh: One export price for every period [currency/kWh].
        prices: The export price of each period [currency/kWh] (instead of
            ``price_per_kwh``).
        carry_over: Net billing: a month whose export credit exceeds its charges carries
            the money left over to later bills instead of paying it out.
        true_up_month: The month whose bill settles what is carried (kWh credits under
            net metering, money under net billing with ``carry_over``).
        true_up_price_per_kwh: Net metering: the price paid for each kWh of credit left
            at the true-up [currency/kWh]; 0 forfeits it.
        true_up: Net billing with ``carry_over``: what happens to the money left at the
            true-up: ``pay`` (paid out on that bill) or ``forfeit``.
    """

    metering: MeteringRule
    price_per_kwh: NonNegativeDecimal | None = None
    prices: dict[Name, NonNegativeDecimal] | None = None
    carry_over: bool = False
    true_up_month: MonthNumber = 12
    true_up_price_per_kwh: NonNegativeDecimal = Decimal(0)
    true_up: Literal["pay", "forfeit"] = "pay"

    @model_validator(mode="after")
    def _check(self) -> Exports:
        if self.price_per_kwh is not None and self.prices is not None:
            raise ValueError("give either price_per_kwh or prices (by period), not both")
        if self.metering != "net_metering" and self.price_per_kwh is None and not self.prices:
            raise ValueError(
                f"metering {self.metering} credits exports at a price: give price_per_kwh "
                "or prices (by period)"
            )
        if self.carry_over and self.metering != "net_billing":
            raise ValueError("carry_over goes with metering net_billing")
        return self

    def has_prices(self) -> bool:
        """Whether an export price is given (needed by net billing and buy-all-sell-all)."""
        return self.price_per_kwh is not None or bool(self.prices)

    def price_of(self, period: str) -> Decimal | None:
        """The export price of a period, or None where none is given."""
        if self.price_per_kwh is not None:
            return self.price_per_kwh
        return (self.prices or {}).get(period)
