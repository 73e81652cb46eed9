"""What a charge sees when it prices one billing segment, and what it gives back.

A charge is a pure function ``(charge, ctx, earlier, carried) -> Priced``: the charge's
model (its prices), the segment's `Context` (its measured usage, dates and shares, the
account), the lines priced before it in the segment, and the state carried from earlier
bills. It returns its lines, its warnings and, where it carries state to later bills,
the new `Carried`. Nothing is changed in place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from tariffs.engine.coincident import Peak
from tariffs.engine.measures import MaxDemand, Measure
from tariffs.engine.schedule import Schedule
from tariffs.engine.usage import Usage
from tariffs.model.account import Account
from tariffs.model.bill import Line, round_amount
from tariffs.model.readings import to_decimal
from tariffs.model.tariff import Tariff, Version

if TYPE_CHECKING:
    from tariffs.engine.explain import Recorder

__all__ = [
    "BillUsage",
    "Carried",
    "Context",
    "Priced",
    "Reason",
    "Setting",
    "decimal_or_rounded",
    "matches",
    "prorated",
]


class Setting(NamedTuple):
    """What a charge's needs depend on: the tariff, the version in force, the account.

    Attributes:
        tariff: The tariff priced.
        version: The version in force during the segment.
        schedule: The compiled calendar of that version.
        account: The account, if any.
        period_start: First local date of the billing period.
        period_end: Local date after the billing period (None where not known).
        coincident_peaks: Declared coincident-peak intervals of the run and the account.
    """

    tariff: Tariff
    version: Version
    schedule: Schedule
    account: Account | None
    period_start: dt.date
    period_end: dt.date | None = None
    coincident_peaks: tuple[Peak, ...] = ()


class BillUsage(NamedTuple):
    """The whole billing period's totals and bill-wide measures (integer units).

    Attributes:
        scale: Quantities are in units of ``10**-scale``.
        total_kwh: Imported energy of the bill, losses included.
        kvarh: Reactive energy of the bill, or None without a kvarh column.
        export_kwh: Exported energy of the bill, or None without an export column.
        demand_kw: Each `MaxDemand` a charge of the bill asked for → kW.
    """

    scale: int
    total_kwh: int
    kvarh: int | None
    export_kwh: int | None
    demand_kw: Mapping[MaxDemand, Decimal]


@dataclass(frozen=True, slots=True)
class Carried:
    """State carried from bill to bill by charges that span bills (a value).

    Attributes:
        demand_kw: A ratcheted demand charge's measured demand of each month,
            ``(charge code, year, month)`` → kW.
        minimum: An annual minimum's year so far, ``(charge code, year)`` → (amount of
            the lines it applies to, days of service).
        credit_kwh: Net metering: the kWh credit of each period carried to later bills,
            period name → kWh (`tariffs.engine.exports`).
        credit_money: Net billing with carry-over: the money credit carried to later
            bills [currency].
    """

    demand_kw: Mapping[tuple[str, int, int], Decimal] = field(default_factory=dict)
    minimum: Mapping[tuple[str, int], tuple[Decimal, int]] = field(default_factory=dict)
    credit_kwh: Mapping[str, Decimal] = field(default_factory=dict)
    credit_money: Decimal = Decimal(0)


class Priced(NamedTuple):
    """What a charge gives back: its lines, warnings, and the state it carries on.

    Attributes:
        lines: The charge's lines in this segment, in order.
        warnings: Warnings for the bill.
        carried: The new carried state, or None where the charge carries nothing.
    """

    lines: Sequence[Line] = ()
    warnings: tuple[str, ...] = ()
    carried: Carried | None = None


class Context(NamedTuple):
    """The inputs of every charge for one segment of one bill (a value).

    An immutable named tuple (cheap to build once per segment of every bill).

    Attributes:
        tariff: The tariff priced.
        version: The version in force during the segment.
        schedule: The compiled calendar of that version.
        usage: The segment's aggregated usage, with the segment's measures.
        bill: The whole bill's totals and bill-wide measures (maximum demand).
        account: The account, if any.
        period_start: First local date of the billing period.
        period_end: Local date after the billing period.
        segment_days: Local days of service in this segment.
        month_fraction: Share of a month that per-month charges bill in this segment,
            exact (1 for a whole billing period in one version).
        first_segment: Whether this is the bill's first segment (per-bill charges).
        last_segment: Whether this is the bill's last segment.
        tier_position_kwh: kWh already counted on the tier ladder before this segment,
            by ladder (``"bill"``, ``"period:<name>"`` or ``"annual:<start month>"``).
        line_places: The tariff's `Tariff.line_places`: the places a line is rounded to.
        rounding_mode: The tariff's rounding mode (``rounding.mode``).
        demand_history_kw: Maximum demand of earlier months, ``(year, month)`` → kW.
        bill_fraction: Share of a month the whole bill is (1 unless partial), exact.
        bill_days: Local days of service of the whole bill.
        segment_start: First local date of this segment (None where not known).
        recorder: Where the lines' exact amounts and what the charges used are noted when
            the bill is explained (`tariffs.engine.explain`), else None (pricing alone).
        coincident_peaks: Declared coincident-peak intervals of the run and the account.
    """

    tariff: Tariff
    version: Version
    schedule: Schedule
    usage: Usage
    bill: BillUsage
    account: Account | None
    period_start: dt.date
    period_end: dt.date
    segment_days: int
    month_fraction: Fraction
    first_segment: bool
    last_segment: bool
    tier_position_kwh: Mapping[str, Decimal]
    line_places: int
    rounding_mode: str
    demand_history_kw: Mapping[tuple[int, int], Decimal] = MappingProxyType({})
    bill_fraction: Fraction = Fraction(1)
    bill_days: int = 0
    segment_start: dt.date | None = None
    recorder: Recorder | None = None
    coincident_peaks: tuple[Peak, ...] = ()

    def quantity(self, value: int) -> Decimal:
        """An integer usage quantity as an exact Decimal in its unit."""
        return to_decimal(value, self.usage.scale)

    def bill_total(self, column: str) -> Decimal:
        """Exact total of ``total_kwh``, ``kvarh`` or ``export_kwh`` over the whole bill.

        Raises:
            ValueError: The column is missing from the readings.
        """
        value = getattr(self.bill, column)
        if value is None:
            raise ValueError(column)
        return to_decimal(value, self.bill.scale)

    def demand_kw(self, measure: MaxDemand) -> Decimal:
        """The bill's maximum demand as measured for ``measure`` (declared in `needs`)."""
        return self.bill.demand_kw[measure]

    def measured(self, measure: Measure) -> object:
        """The segment's value of a segment measure (declared in `needs`)."""
        return self.usage.measured[measure]

    def amount(self, value: Decimal | Fraction) -> Decimal:
        """Round a line's exact amount as the tariff says.

        With ``rounding: {per: bill}`` a line is carried to ``line_places``; the total is
        rounded once when the bill is made.
        """
        return round_amount(value, self.line_places, self.rounding_mode)

    def line(
        self,
        kind: str,
        code: str,
        label: str,
        quantity: Decimal | None,
        unit: str | None,
        rate: Decimal | None,
        exact_amount: Decimal | Fraction,
        terms: tuple[tuple[str, str], ...] = (),
    ) -> Line:
        """Build a line, rounding its exact amount once (noted when the bill is explained).

        ``terms`` are the facts a label in another language is built from
        (`tariffs.io.render.labels`).
        """
        line = Line(kind, code, label, quantity, unit, rate, self.amount(exact_amount), terms)
        if self.recorder is not None:
            self.recorder.made(line, exact_amount)
        return line

    def note(self, line: Line, **facts: Any) -> None:
        """Note what a line was priced from, when the bill is explained (else nothing)."""
        if self.recorder is not None:
            self.recorder.note(line, facts)


class Reason(str):  # noqa: SLOT000 - the facts live in the instance's dict
    """A reason of an explained line: its English text, and the facts it was written from.

    It is the English text (a `str`, equal to it, written as it in JSON), so every reader
    of ``LineExplanation.because`` sees what it always saw; ``key`` and ``params`` let a
    renderer write the same reason in another language (`tariffs.io.render.labels`).

    Attributes:
        key: What the reason says (``fixed_per``, ``tier_span``, ``demand_window``, ...).
        params: The facts of the text by name: numbers as the text writes them, names,
            dates, and for a reason made of parts the parts (tuples, nested reasons).

    >>> reason = Reason("1.50 per day", "fixed_per", amount="1.50", per="day")
    >>> reason == "1.50 per day", reason.key, reason.params["per"]
    (True, 'fixed_per', 'day')
    """

    key: str | None
    params: dict[str, Any]

    def __new__(cls, text: str, key: str | None = None, **params: Any) -> Reason:
        """The reason ``text``, written from ``params`` (see the class)."""
        self = super().__new__(cls, text)
        self.key = key
        self.params = params
        return self


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
