"""Render bills as JSON, CSV or a text table. Pure: returns text."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from tariffs.io.render.text import align_table, display_width, number
from tariffs.model.bill import Bill, Invoice, Line, MeterReading, Subtraction

__all__ = [
    "CSV_COLUMNS",
    "bill_to_dict",
    "bills_to_csv",
    "bills_to_json",
    "bills_to_jsonl",
    "bills_to_table",
    "number",
]


def _line_to_dict(line: Line) -> dict[str, Any]:
    return {
        "kind": line.kind,
        "code": line.code,
        "label": line.label,
        "quantity": number(line.quantity),
        "unit": line.unit,
        "rate": number(line.rate),
        "amount": number(line.amount),
    }


def bill_to_dict(bill: Bill) -> dict[str, Any]:
    """A bill as the JSON object of CONTRACT.md (money and quantities as strings)."""
    document: dict[str, Any] = {
        "account": bill.account,
        "tariff": bill.tariff,
        "currency": bill.currency,
        "period": {"start": bill.period_start.isoformat(), "end": bill.period_end.isoformat()},
        "energy_kwh": number(bill.energy_kwh),
        "lines": [_line_to_dict(line) for line in bill.lines],
        "total": number(bill.total),
        "warnings": list(bill.warnings),
    }
    if bill.invoice is not None:
        invoice = bill.invoice
        document["invoice"] = {
            "rate": number(invoice.rate),
            "prices": invoice.prices,
            "rounded": invoice.rounded,
            "net": number(invoice.net),
            "tax": number(invoice.tax),
            "gross": number(invoice.gross),
        }
    if bill.loss_kwh is not None:
        document["loss_kwh"] = number(bill.loss_kwh)
    if bill.meters:
        document["meters"] = [
            {
                "meter": meter.meter,
                "period": {"start": meter.start.isoformat(), "end": meter.end.isoformat()},
                "register_kwh": number(meter.register_kwh),
                "multiplier": number(meter.multiplier),
                "energy_kwh": number(meter.energy_kwh),
                "loss_kwh": number(meter.loss_kwh),
            }
            for meter in bill.meters
        ]
    if bill.metered is not None:
        document["metered"] = _meter_to_dict(bill.metered)
    if bill.subtracted:
        document["subtracted"] = [_subtraction_to_dict(part) for part in bill.subtracted]
    if bill.part_of is not None:
        document["part_of"] = _subtraction_to_dict(bill.part_of)
    return document


def _meter_to_dict(meter: MeterReading) -> dict[str, Any]:
    return {
        "meter": meter.meter,
        "register_kwh": number(meter.register_kwh),
        "multiplier": number(meter.multiplier),
        "energy_kwh": number(meter.energy_kwh),
    }


def _subtraction_to_dict(part: Subtraction) -> dict[str, Any]:
    document: dict[str, Any] = {
        "kind": part.kind,
        "meter": part.meter,
        "tariff": part.tariff,
        "energy_kwh": number(part.energy_kwh),
    }
    if part.ratio is not None:
        document["ratio"] = number(part.ratio)
    return document


_PART_NAMES = {"sub_meter": "sub-meter", "ratio": "定比", "fixed": "定量"}


def _subtraction_text(part: Subtraction, subtracted: bool) -> str:
    """A part taken from a main meter, for the table (on the main bill or on its own).

    >>> _subtraction_text(Subtraction("sub_meter", "C1", "t", Decimal("1488.0")), True)
    'less sub-meter C1 (套扣): 1488.0 kWh billed under t'
    >>> _subtraction_text(Subtraction("ratio", "M1", "t", Decimal("2"), Decimal("0.15")), False)
    'part of meter M1: 定比 15 % = 2 kWh'
    """
    if part.kind == "sub_meter":
        what = f"sub-meter {part.meter} (套扣)"
    elif part.ratio is not None:
        what = f"定比 {number((part.ratio * 100).normalize())} %"
    else:
        what = _PART_NAMES[part.kind]
    if subtracted:
        return f"less {what}: {number(part.energy_kwh)} kWh billed under {part.tariff}"
    if part.kind == "sub_meter":
        return f"{what}: {number(part.energy_kwh)} kWh subtracted from the main meter"
    return f"part of meter {part.meter}: {what} = {number(part.energy_kwh)} kWh"


def _metered_text(meter: MeterReading) -> str:
    return (
        f"meter {meter.meter} read {number(meter.register_kwh)} kWh × "
        f"{number(meter.multiplier)} = {number(meter.energy_kwh)} kWh"
    )


def _part_texts(bill: Bill) -> list[str]:
    """The lines of the table (and CSV labels) that show a bill's meters and parts."""
    texts = [] if bill.metered is None else [_metered_text(bill.metered)]
    texts.extend(_subtraction_text(part, True) for part in bill.subtracted)
    if bill.part_of is not None:
        texts.append(_subtraction_text(bill.part_of, False))
    return texts


def _meter_text(meter: MeterReading) -> str:
    """One meter's part of a bill, for the text table.

    >>> import datetime as dt
    >>> _meter_text(MeterReading("M2", dt.date(2025, 3, 15), dt.date(2025, 4, 1),
    ...     Decimal("12.5"), Decimal(200), Decimal("2500.0"), None))
    'meter M2 2025-03-15 to 2025-04-01: 12.5 kWh read × 200 = 2500.0 kWh'
    """
    name = f"meter {meter.meter}" if meter.meter else "meter"
    text = (
        f"{name} {meter.start} to {meter.end}: {number(meter.register_kwh)} kWh read × "
        f"{number(meter.multiplier)} = {number(meter.energy_kwh)} kWh"
    )
    if meter.loss_kwh is not None:
        text += f", + {number(meter.loss_kwh)} kWh losses"
    return text


def _invoice_rows(invoice: Invoice) -> list[tuple[str, str, Decimal | None, Decimal]]:
    """(code, label, rate, amount) of the invoice split: 金额, 税额, 价税合计."""
    percent = f"{(invoice.rate * 100).normalize():f} %"
    return [
        ("invoice.net", "Amount excluding VAT (金额)", None, invoice.net),
        ("invoice.tax", f"VAT {percent} (税额)", invoice.rate, invoice.tax),
        ("invoice.gross", "Total including VAT (价税合计)", None, invoice.gross),
    ]


def _total(bills: Sequence[Bill]) -> Decimal:
    return sum((bill.total for bill in bills), Decimal(0))


def bills_to_json(bills: Sequence[Bill]) -> str:
    """``{"bills": [...], "total": "..."}``, deterministic, ending in a newline."""
    document = {"bills": [bill_to_dict(b) for b in bills], "total": number(_total(bills))}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def bills_to_jsonl(bills: Sequence[Bill], account_id: str | None = None) -> str:
    """JSON lines: one bill a line, ``{"account_id": ..., <the bill of bill_to_dict>}``.

    Args:
        bills: The bills.
        account_id: The ``account_id`` of every line (default: each bill's account, or
            null when it has none).
    """
    lines = []
    for bill in bills:
        line_id = bill.account if account_id is None else account_id
        document = {"account_id": line_id, **bill_to_dict(bill)}
        lines.append(json.dumps(document, ensure_ascii=False) + "\n")
    return "".join(lines)


#: The columns of `bills_to_csv`: ``account_id`` as in the accounts CSV and the outputs of
#: ``tariffs batch`` and ``tariffs portfolio``.
CSV_COLUMNS = (
    "account_id", "tariff", "currency", "period_start", "period_end",
    "kind", "code", "label", "quantity", "unit", "rate", "amount",
)  # fmt: skip


def bills_to_csv(bills: Sequence[Bill]) -> str:
    """One row per line, then a ``total`` row per bill, then a ``warning`` row per warning.

    A warning row holds the warning's text in ``label`` and leaves the numbers empty, so
    that what the bill says reaches a reader of the CSV too. A bill that a meter change
    cuts has a ``meter`` row per meter before its warnings: what it read in ``label``,
    its kWh in ``quantity`` and its multiplier in ``rate``.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for bill in bills:
        head = [
            bill.account or "", bill.tariff, bill.currency,
            bill.period_start.isoformat(), bill.period_end.isoformat(),
        ]  # fmt: skip
        for line in bill.lines:
            writer.writerow(
                [
                    *head,
                    line.kind,
                    line.code,
                    line.label,
                    number(line.quantity) or "",
                    line.unit or "",
                    number(line.rate) or "",
                    number(line.amount),
                ]
            )
        writer.writerow(
            [
                *head,
                "total",
                "total",
                "Bill total",
                number(bill.energy_kwh),
                "kWh",
                "",
                number(bill.total),
            ]
        )
        if bill.invoice is not None:
            for code, label, rate, amount in _invoice_rows(bill.invoice):
                writer.writerow(
                    [*head, "invoice", code, label, "", "", number(rate) or "", number(amount)]
                )
        for meter in bill.meters:
            writer.writerow(
                [*head, "meter", "meter", _meter_text(meter), number(meter.energy_kwh), "kWh",
                 number(meter.multiplier), ""]
            )  # fmt: skip
        if bill.metered is not None:
            writer.writerow(
                [*head, "metered", "metered", _metered_text(bill.metered),
                 number(bill.metered.energy_kwh), "kWh", number(bill.metered.multiplier), ""]
            )  # fmt: skip
        for part in bill.subtracted:
            writer.writerow(
                [*head, "subtracted", f"subtracted.{part.kind}", _subtraction_text(part, True),
                 number(part.energy_kwh), "kWh", number(part.ratio) or "", ""]
            )  # fmt: skip
        if bill.part_of is not None:
            part = bill.part_of
            writer.writerow(
                [*head, "part_of", f"part_of.{part.kind}", _subtraction_text(part, False),
                 number(part.energy_kwh), "kWh", number(part.ratio) or "", ""]
            )  # fmt: skip
        for warning in bill.warnings:
            writer.writerow([*head, "warning", "warning", warning, "", "", "", ""])
    return out.getvalue()


def bills_to_table(bills: Sequence[Bill]) -> str:
    """A human-readable text table of every bill and the grand total."""
    parts = []
    for bill in bills:
        title = f"{bill.tariff}  {bill.period_start} to {bill.period_end} (end exclusive)" + (
            f"  account {bill.account}" if bill.account else ""
        )
        rows = [("code", "label", "quantity", "unit", "rate", f"amount {bill.currency}")]
        for line in bill.lines:
            rows.append(
                (
                    line.code,
                    line.label,
                    number(line.quantity) or "",
                    line.unit or "",
                    number(line.rate) or "",
                    number(line.amount) or "",
                )
            )
        rows.append(
            ("total", "", number(bill.energy_kwh) or "", "kWh", "", number(bill.total) or "")
        )
        rule = len(rows) - 2
        if bill.invoice is not None:
            rows.extend(
                (code, label, "", "", number(rate) or "", number(amount) or "")
                for code, label, rate, amount in _invoice_rows(bill.invoice)
            )
        text = [title]
        text += align_table(rows, right=(2, 4, 5), rules_after=(0, rule), width=display_width)
        text.extend(_meter_text(meter) for meter in bill.meters)
        text.extend(_part_texts(bill))
        text.extend(f"warning: {w}" for w in bill.warnings)
        parts.append("\n".join(text))
    if len(bills) > 1:
        parts.append(f"Total of {len(bills)} bills: {number(_total(bills))} {bills[0].currency}")
    return "\n\n".join(parts) + "\n"
