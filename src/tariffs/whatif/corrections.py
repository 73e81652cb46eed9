"""Corrections and rebilling (退补电费): the difference between issued and re-priced bills.

When a bill turns out to be wrong after it was issued (a meter read wrongly, a wrong
metering multiplier 倍率 found later, a price version published retroactively), the
period is priced again from the corrected inputs and the customer is refunded (退) or
charged (补) the difference. The bills issued are an input, read as they were issued
(`tariffs.io.issued`), never priced again silently.

`correct` matches the bills by account and period; for each pair it gives, line by line
(matched by line code), the quantity and amount issued, the quantity and amount corrected
and the difference. A line on one side only is shown with the other side empty. A bill on
one side only is listed with its status and no difference: it is never dropped.

Example:
    >>> import datetime as dt
    >>> from decimal import Decimal
    >>> def bill(kwh: str, amount: str) -> Bill:
    ...     line = Line("energy", "energy", "Energy", Decimal(kwh), "kWh", Decimal("0.5"),
    ...                 Decimal(amount))
    ...     return Bill("F-1", "t", "CNY", dt.date(2025, 7, 1), dt.date(2025, 8, 1),
    ...                 Decimal(kwh), (line,))
    >>> (correction,) = correct([bill("100", "50.00")], [bill("200", "100.00")])
    >>> correction.difference, correction.settlement
    (Decimal('50.00'), 'collect')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tariffs.errors import InputError
from tariffs.model.bill import Bill, Line

__all__ = [
    "CORRECTED",
    "NOT_ISSUED",
    "NOT_REPRICED",
    "Correction",
    "LineCorrection",
    "correct",
    "settlement_of",
]

#: Status of a correction whose period was issued and priced again.
CORRECTED = "corrected"
#: Status of an issued bill whose period the corrected bills do not cover.
NOT_REPRICED = "not re-priced"
#: Status of a corrected bill whose period no issued bill covers.
NOT_ISSUED = "not issued"


def settlement_of(difference: Decimal) -> str:
    """What a difference means for the customer: ``collect`` (补收), ``refund`` (退还), ``none``.

    >>> settlement_of(Decimal("-3.20")), settlement_of(Decimal("0.00"))
    ('refund', 'none')
    """
    if difference > 0:
        return "collect"
    if difference < 0:
        return "refund"
    return "none"


def _minus(corrected: Decimal | None, issued: Decimal | None) -> Decimal | None:
    """``corrected − issued``, an absent side counted as 0; None when both are absent."""
    if corrected is None and issued is None:
        return None
    return (corrected if corrected is not None else Decimal(0)) - (
        issued if issued is not None else Decimal(0)
    )


@dataclass(frozen=True, slots=True)
class LineCorrection:
    """One line of a correction: the line issued, the line corrected, the difference.

    Attributes:
        issued: The line of the bill issued, None when only the corrected bill has it.
        corrected: The line of the corrected bill, None when only the issued bill has it.
    """

    issued: Line | None
    corrected: Line | None

    def __post_init__(self) -> None:
        if self.issued is None and self.corrected is None:
            raise ValueError("a line correction needs an issued or a corrected line")

    @property
    def _either(self) -> Line:
        if self.corrected is not None:
            return self.corrected
        if self.issued is not None:
            return self.issued
        raise ValueError("a line correction needs an issued or a corrected line")

    @property
    def code(self) -> str:
        """The line code both sides share."""
        return self._either.code

    @property
    def kind(self) -> str:
        """The line's kind (the corrected one where the kind changed)."""
        return self._either.kind

    @property
    def label(self) -> str:
        """The line's label (the corrected one where both exist)."""
        return self._either.label

    @property
    def unit(self) -> str | None:
        """The unit of the quantities (the corrected one where both exist)."""
        return self._either.unit

    @property
    def difference(self) -> Decimal:
        """Corrected amount − issued amount [currency]; an absent side counts 0."""
        corrected = Decimal(0) if self.corrected is None else self.corrected.amount
        return corrected - (Decimal(0) if self.issued is None else self.issued.amount)

    @property
    def quantity_difference(self) -> Decimal | None:
        """Corrected quantity − issued quantity [unit].

        None without quantities, or when the units differ.
        """
        issued_unit = None if self.issued is None else self.issued.unit
        corrected_unit = None if self.corrected is None else self.corrected.unit
        if self.issued is not None and self.corrected is not None:
            if issued_unit != corrected_unit:
                return None
        return _minus(
            None if self.corrected is None else self.corrected.quantity,
            None if self.issued is None else self.issued.quantity,
        )


@dataclass(frozen=True, slots=True)
class Correction:
    """The correction bill of one account and billing period.

    Attributes:
        account: The account id (None for bills priced without an account).
        period_start: First local date of the period.
        period_end: Local date after its last day (exclusive).
        issued: The bill issued; None when the period was not issued.
        corrected: The bill priced again; None when the period was not priced again.
        lines: Per line code, the issued and the corrected line; empty unless both bills
            exist.
    """

    account: str | None
    period_start: dt.date
    period_end: dt.date
    issued: Bill | None
    corrected: Bill | None
    lines: tuple[LineCorrection, ...]

    @property
    def part(self) -> str:
        """Which part of the account: ``""`` for its main bill (see `part_name`)."""
        bill = self.issued if self.issued is not None else self.corrected
        assert bill is not None  # noqa: S101 - checked at construction
        return part_name(bill)

    @property
    def status(self) -> str:
        """`CORRECTED`, `NOT_REPRICED` or `NOT_ISSUED`."""
        if self.issued is None:
            return NOT_ISSUED
        if self.corrected is None:
            return NOT_REPRICED
        return CORRECTED

    def __post_init__(self) -> None:
        if self.issued is None and self.corrected is None:
            raise ValueError("a correction needs an issued or a corrected bill")

    @property
    def bill(self) -> Bill:
        """The corrected bill, or the issued one when the period was not priced again."""
        if self.corrected is not None:
            return self.corrected
        if self.issued is not None:
            return self.issued
        raise ValueError("a correction needs an issued or a corrected bill")

    @property
    def currency(self) -> str:
        """The currency of both bills."""
        return self.bill.currency

    @property
    def difference(self) -> Decimal | None:
        """Corrected total − issued total, exactly; None unless both bills exist."""
        if self.issued is None or self.corrected is None:
            return None
        return self.corrected.total - self.issued.total

    @property
    def energy_kwh_difference(self) -> Decimal | None:
        """Corrected kWh − issued kWh; None unless both bills exist."""
        if self.issued is None or self.corrected is None:
            return None
        return self.corrected.energy_kwh - self.issued.energy_kwh

    @property
    def invoice_difference(self) -> tuple[Decimal, Decimal, Decimal] | None:
        """Corrected − issued (net 金额, tax 税额, gross 价税合计).

        None unless both bills carry an invoice.
        """
        if self.issued is None or self.corrected is None:
            return None
        issued, corrected = self.issued.invoice, self.corrected.invoice
        if issued is None or corrected is None:
            return None
        return (
            corrected.net - issued.net,
            corrected.tax - issued.tax,
            corrected.gross - issued.gross,
        )

    @property
    def settlement(self) -> str | None:
        """``collect`` (补收), ``refund`` (退还) or ``none``; None without a difference."""
        difference = self.difference
        return None if difference is None else settlement_of(difference)


def _keyed_lines(lines: Sequence[Line]) -> dict[tuple[str, int], Line]:
    """Lines by (code, occurrence): a code written twice is matched in its order."""
    seen: dict[str, int] = {}
    keyed = {}
    for line in lines:
        occurrence = seen.get(line.code, 0)
        seen[line.code] = occurrence + 1
        keyed[(line.code, occurrence)] = line
    return keyed


def _line_corrections(issued: Bill, corrected: Bill) -> tuple[LineCorrection, ...]:
    """Issued lines in their order (with their corrected line), then corrected-only lines."""
    issued_lines = _keyed_lines(issued.lines)
    corrected_lines = _keyed_lines(corrected.lines)
    pairs = [LineCorrection(line, corrected_lines.get(key)) for key, line in issued_lines.items()]
    pairs += [
        LineCorrection(None, line) for key, line in corrected_lines.items()
        if key not in issued_lines
    ]  # fmt: skip
    return tuple(pairs)


_Key = tuple[str | None, dt.date, dt.date, str]


def part_name(bill: Bill) -> str:
    """Which part of an account a bill is: ``""`` for its main bill, else what it bills.

    ``sub_meter CANTEEN`` for a sub-meter's bill, ``ratio M-10KV`` for a split's. A
    sub-metered account has several bills per period; they are matched part by part.
    """
    part = bill.part_of
    return "" if part is None else f"{part.kind} {part.meter}"


def _by_key(bills: Sequence[Bill], side: str) -> dict[_Key, Bill]:
    keyed: dict[_Key, Bill] = {}
    for bill in bills:
        key = (bill.account, bill.period_start, bill.period_end, part_name(bill))
        if key in keyed:
            part = f" ({key[3]})" if key[3] else ""
            raise InputError(
                f"two {side} bills of account {bill.account}{part} for {bill.period_start} "
                f"to {bill.period_end}: a correction needs one bill per account, period and "
                "part"
            )
        keyed[key] = bill
    return keyed


def correct(
    issued: Sequence[Bill], corrected: Sequence[Bill], *, tariff_changed: bool = False
) -> list[Correction]:
    """The corrections of the issued bills by the bills priced again from corrected inputs.

    Args:
        issued: The bills as issued (e.g. read by `tariffs.io.issued.load_issued_bills`).
        corrected: The bills of the same accounts and periods, priced from corrected
            readings, a corrected account or a retroactive tariff version.
        tariff_changed: Allow a corrected bill under another tariff id than its issued bill
            (a customer moved to the tariff it should have been on). A new version of the
            same tariff id needs no permission.

    Returns:
        One correction per account and period, ordered by account and then period: the
        matched pairs, and every bill on one side only, with its status.

    Raises:
        InputError: Two bills of one side share account and period; a matched pair has
            different currencies, or different tariff ids without ``tariff_changed``.
    """
    issued_by_key = _by_key(issued, "issued")
    corrected_by_key = _by_key(corrected, "corrected")
    corrections = []
    for key in sorted(
        {*issued_by_key, *corrected_by_key}, key=lambda k: (k[0] or "", k[0] is not None, k[1:])
    ):
        account, start, end, part = key
        was, now = issued_by_key.get(key), corrected_by_key.get(key)
        lines: tuple[LineCorrection, ...] = ()
        if was is not None and now is not None:
            period = f"account {account}{f' ({part})' if part else ''}, {start} to {end}"
            if was.currency != now.currency:
                raise InputError(
                    f"{period}: the issued bill is in {was.currency}, the corrected one in "
                    f"{now.currency}; a correction is in one currency"
                )
            if was.tariff != now.tariff and not tariff_changed:
                raise InputError(
                    f"{period}: the issued bill is under tariff {was.tariff}, the corrected "
                    f"one under {now.tariff}; a change of tariff must be declared "
                    "(--tariff-changed)"
                )
            lines = _line_corrections(was, now)
        corrections.append(Correction(account, start, end, was, now, lines))
    return corrections
