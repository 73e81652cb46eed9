"""What a charge sees when it prices one billing segment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from tariffs.engine.schedule import Schedule
from tariffs.engine.usage import Usage
from tariffs.model.account import Account
from tariffs.model.bill import Line, round_amount
from tariffs.model.readings import to_decimal
from tariffs.model.tariff import Tariff, Version

__all__ = ["Context", "decimal_or_rounded", "matches", "prorated"]


@dataclass(slots=True)
class Context:
    """The inputs of every charge for one segment of one bill (a pure value).

    Attributes:
        tariff: The tariff priced.
        version: The version in force during the segment.
        schedule: The compiled calendar of that version.
        usage: The segment's aggregated usage.
        account: The account, if any.
        period_start: First local date of the billing period.
        period_end: Local date after the billing period.
        segment_days: Local days of service in this segment.
        month_fraction: Share of a month that per-month charges bill in this segment,
            exact (1 for a whole billing period in one version).
        first_segment: Whether this is the bill's first segment (per-bill charges).
        last_segment: Whether this is the bill's last segment.
        tier_position_kwh: kWh already counted on the tier ladder before this segment,
            by ladder (``"bill"`` or ``"annual:<start month>"``).
        bill_usages: The usage of every segment of the bill (demand and power factor
            are measured over the whole billing period).
        demand_history_kw: Maximum demand of earlier months, ``(year, month)`` → kW.
        bill_fraction: Share of a month the whole bill is (1 unless partial), exact.
        bill_days: Local days of service of the whole bill.
        carried: State carried from bill to bill by charges that span bills (e.g. an
            annual minimum's year-to-date amounts), keyed by the charge.
        lines: Lines priced so far in this segment, in order.
        warnings: Warnings the charges add.
    """

    tariff: Tariff
    version: Version
    schedule: Schedule
    usage: Usage
    account: Account | None
    period_start: dt.date
    period_end: dt.date
    segment_days: int
    month_fraction: Fraction
    first_segment: bool
    last_segment: bool
    tier_position_kwh: dict[str, Decimal]
    bill_usages: list[Usage] = field(default_factory=list)
    demand_history_kw: dict[tuple[int, int], Decimal] = field(default_factory=dict)
    bill_fraction: Fraction = Fraction(1)
    bill_days: int = 0
    carried: dict[str, Decimal] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def quantity(self, value: int) -> Decimal:
        """An integer usage quantity as an exact Decimal in its unit."""
        return to_decimal(value, self.usage.scale)

    def bill_total(self, column: str) -> Decimal:
        """Exact total of ``total_kwh``, ``kvarh`` or ``export_kwh`` over the whole bill.

        Raises:
            ValueError: The column is missing from the readings.
        """
        total = 0
        for usage in self.bill_usages or [self.usage]:
            value = getattr(usage, column)
            if value is None:
                raise ValueError(column)
            total += value
        return to_decimal(total, self.usage.scale)

    def amount(self, value: Decimal | Fraction) -> Decimal:
        """Round an exact amount as the tariff says."""
        return round_amount(value, self.tariff.places, self.tariff.rounding.mode)

    def line(
        self,
        kind: str,
        code: str,
        label: str,
        quantity: Decimal | None,
        unit: str | None,
        rate: Decimal | None,
        exact_amount: Decimal | Fraction,
    ) -> Line:
        """Build a line, rounding its exact amount once."""
        return Line(kind, code, label, quantity, unit, rate, self.amount(exact_amount))


def matches(line: Line, selectors: list[str] | None) -> bool:
    """Whether a line is selected by kinds or codes (a code selects its sub-codes too)."""
    if selectors is None:
        return True
    for item in selectors:
        if item == line.kind or line.code == item or line.code.startswith(item + "."):
            return True
    return False


def prorated(amount: Decimal, share: Fraction) -> Decimal | Fraction:
    """``amount × share``, exactly.

    A Decimal when the share is whole (a full month, the common case, needs no Fraction
    arithmetic), else a Fraction.

    >>> prorated(Decimal("12.5"), Fraction(1)), prorated(Decimal("12.5"), Fraction(17, 31))
    (Decimal('12.5'), Fraction(425, 62))
    """
    if share.denominator == 1:
        return amount * share.numerator
    return Fraction(amount) * share


def decimal_or_rounded(value: Fraction, places: int = 6) -> Decimal:
    """A fraction as an exact Decimal when it has one, else rounded to ``places`` (display)."""
    denominator = value.denominator
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    if denominator == 1:
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return exact.normalize() if exact == exact.to_integral_value() else exact
    return round_amount(value, places)
