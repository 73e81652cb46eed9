"""Bills and their lines: the one place where amounts are rounded."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, ROUND_UP, Decimal
from fractions import Fraction

__all__ = ["Bill", "BillWarning", "Invoice", "Line", "MeterReading", "Subtraction", "round_amount"]

_MODES = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "down": ROUND_DOWN,
    "up": ROUND_UP,
}


#: ``10**-places`` for the usual places (one Decimal per line fewer to build).
_QUANTA = tuple(Decimal(1).scaleb(-places) for places in range(19))


def round_amount(value: Decimal | Fraction, places: int, mode: str = "half_up") -> Decimal:
    """Round an exact amount once, to ``places`` decimals.

    A `Fraction` (e.g. a monthly charge × 17/31) is rounded exactly, without first
    becoming a finite decimal.

    >>> round_amount(Decimal("119040.005"), 2)
    Decimal('119040.01')
    >>> round_amount(Fraction(1, 3), 2)
    Decimal('0.33')
    """
    quantum = _QUANTA[places] if places < len(_QUANTA) else Decimal(1).scaleb(-places)
    # Decimal first: Fraction's metaclass is ABCMeta, whose isinstance test is slow.
    if not isinstance(value, Decimal):
        scaled = value * 10**places
        whole, rest = divmod(scaled.numerator, scaled.denominator)
        if rest:
            # Decide the last digit exactly, then let Decimal apply the same mode to a
            # tie-free stand-in: whole + 0.25 / 0.5 / 0.75 of a unit.
            twice = 2 * rest
            quarter = (
                Decimal("0.25")
                if twice < scaled.denominator
                else Decimal("0.5")
                if twice == scaled.denominator
                else Decimal("0.75")
            )
            value = (Decimal(whole) + quarter).scaleb(-places)
        else:
            value = Decimal(whole).scaleb(-places)
    return value.quantize(quantum, rounding=_MODES[mode])


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a bill.

    Attributes:
        kind: One of the line kinds of the contract (energy, fixed, surcharge, ...).
        code: Stable machine name, e.g. ``energy.peak`` or ``fund.renewable``.
        label: Human text.
        quantity: What is priced, in `unit` (None for lines that are not a quantity × rate).
        unit: Unit of the quantity (kWh, kW, kVA, day, month, CNY, ...).
        rate: Price per unit (or a fraction for percentage lines), exact.
        amount: The line's amount, rounded as the tariff says.
        terms: Facts a label in another language is built from, as ``(name, text)``
            pairs (the billing method, the power factor, ...); not part of the line's
            value, so two lines equal whatever terms they carry.
    """

    kind: str
    code: str
    label: str
    quantity: Decimal | None
    unit: str | None
    rate: Decimal | None
    amount: Decimal
    terms: tuple[tuple[str, str], ...] = field(default=(), compare=False)


class BillWarning(str):  # noqa: SLOT000 - the facts live in the instance's dict
    """A warning of a bill: its English text, and the facts it was written from.

    It is the English text (a `str`, equal to it, written as it in JSON and CSV), so every
    reader of ``Bill.warnings`` sees what it always saw; ``key`` and ``params`` let a
    renderer write the same warning in another language (`tariffs.io.render.labels`).

    Attributes:
        key: What the warning says (``partial_period``, ``uncovered``, ``gaps``), or None.
        params: The facts of the text, as ``(name, text)`` pairs.

    >>> warning = BillWarning("partial period", "partial_period", (("days", "17"),))
    >>> warning == "partial period", warning.key, dict(warning.params)["days"]
    (True, 'partial_period', '17')
    """

    key: str | None
    params: tuple[tuple[str, str], ...]

    def __new__(
        cls, text: str, key: str | None = None, params: tuple[tuple[str, str], ...] = ()
    ) -> BillWarning:
        """The warning ``text``, written from ``params`` (see the class)."""
        self = super().__new__(cls, text)
        self.key = key
        self.params = params
        return self


@dataclass(frozen=True, slots=True)
class MeterReading:
    """What one meter read in a bill whose period a meter change cuts (换表).

    Attributes:
        meter: The meter's number, when the account gives one.
        start: First local date read by this meter in the bill.
        end: Local date after its last day in the bill (exclusive).
        register_kwh: Imported energy of its intervals, as read (register) [kWh].
        multiplier: Its metering multiplier (倍率).
        energy_kwh: ``register_kwh`` × ``multiplier`` [kWh].
        loss_kwh: Losses added to its kWh (None when the account declares none) [kWh].
    """

    meter: str | None
    start: dt.date
    end: dt.date
    register_kwh: Decimal
    multiplier: Decimal
    energy_kwh: Decimal
    loss_kwh: Decimal | None


@dataclass(frozen=True, slots=True)
class Subtraction:
    """kWh taken from a main meter's bill and billed under another tariff (套扣, 定比, 定量).

    Attributes:
        kind: ``sub_meter`` (套扣), ``ratio`` (定比) or ``fixed`` (定量).
        meter: The sub-meter's id (``sub_meter``), or the main meter's (a split).
        tariff: The tariff the kWh are billed under.
        energy_kwh: The kWh subtracted in the period, multiplied, before losses [kWh].
        ratio: The share of a ``ratio`` split (0.15); None otherwise.
        price_class: The price class of `tariff` the kWh are billed under, when the
            part names one; None otherwise.
    """

    kind: str
    meter: str
    tariff: str
    energy_kwh: Decimal
    ratio: Decimal | None = None
    price_class: str | None = None


@dataclass(frozen=True, slots=True)
class Invoice:
    """The invoice split of a bill under value-added tax (发票: 金额 / 税额 / 价税合计).

    Attributes:
        rate: The tax rate, a fraction (0.13).
        prices: ``inclusive`` or ``exclusive``: whether the tariff's prices include it.
        rounded: The part that was rounded (``tax`` or ``net``); the other is the rest.
        net: The amount excluding tax (金额).
        tax: The tax (税额).
        gross: The total including tax (价税合计), the bill's total: net + tax.
    """

    rate: Decimal
    prices: str
    rounded: str
    net: Decimal
    tax: Decimal
    gross: Decimal


@dataclass(frozen=True, slots=True)
class Bill:
    """The bill of one billing period.

    Attributes:
        account: Account id, or None when priced without an account.
        tariff: Tariff id.
        currency: ISO 4217 currency of every amount.
        period_start: First local date of the billing period.
        period_end: Local date after the last day billed (exclusive).
        energy_kwh: Imported energy read in the period, exactly as read [kWh].
        lines: The lines in the order the tariff prices them.
        warnings: What a reader of the bill should know (partial period, gaps, ...).
        loss_kwh: Transformer and line losses added to the metered kWh before pricing
            (None when the account declares no losses) [kWh].
        meters: What each meter read, when the account has meter changes: the parts add
            up to `energy_kwh` and `loss_kwh`.
        total_places: The decimal places the total is shown to, when the tariff rounds
            the total once (``rounding: {per: bill}``); None when each line is rounded.
        invoice: The split of the total into the amount excluding tax and the tax, when
            the tariff declares ``vat``; None otherwise.
        estimated_intervals: How many of the intervals billed were estimated, not read
            (``--estimate``); 0 when all were read.
        estimated_kwh: The kWh of those intervals, part of `energy_kwh`; None when none.
        metered: With sub-meters or a split: what the main meter (on the main bill) or
            the sub-meter (on its bill) read in the period.
        subtracted: On the main bill: what was subtracted from the main meter's kWh and
            billed under another tariff; `energy_kwh` plus their kWh is the metered kWh.
        part_of: On a sub-meter's or a split's bill: the subtraction it bills.
        price_class: The tariff's price class the bill is priced under, when the tariff
            has ``price_classes``; None otherwise.
    """

    account: str | None
    tariff: str
    currency: str
    period_start: dt.date
    period_end: dt.date
    energy_kwh: Decimal
    lines: tuple[Line, ...]
    warnings: tuple[str, ...] = field(default=())
    loss_kwh: Decimal | None = None
    meters: tuple[MeterReading, ...] = ()
    total_places: int | None = None
    invoice: Invoice | None = None
    estimated_intervals: int = 0
    estimated_kwh: Decimal | None = None
    metered: MeterReading | None = None
    subtracted: tuple[Subtraction, ...] = ()
    part_of: Subtraction | None = None
    price_class: str | None = None

    @property
    def total(self) -> Decimal:
        """Sum of the line amounts (each already rounded, or with a rounding line).

        With `total_places`, the sum (exactly a number of that many places, thanks to the
        rounding line) is shown to those places.
        """
        total = sum((line.amount for line in self.lines), Decimal(0))
        if self.total_places is None:
            return total
        shown = total.quantize(_QUANTA[self.total_places])
        if shown != total:
            raise ValueError(f"the total {total} is not rounded to {self.total_places} places")
        return shown
