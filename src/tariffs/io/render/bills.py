"""Render bills as JSON, CSV or a text table. Pure: returns text."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from tariffs.io.render.labels import header, line_label, unit_label, warning_text
from tariffs.io.render.text import align_table, display_width, number
from tariffs.model.bill import Bill, Invoice, Line, MeterReading, Subtraction

__all__ = [
    "BATCH_CSV_COLUMNS",
    "CSV_COLUMNS",
    "batch_csv_rows",
    "batch_jsonl_rows",
    "bill_to_dict",
    "bills_to_csv",
    "bills_to_json",
    "bills_to_jsonl",
    "bills_to_table",
    "number",
]


def _line_to_dict(line: Line, lang: str) -> dict[str, Any]:
    return {
        "kind": line.kind,
        "code": line.code,
        "label": line_label(line, lang),
        "quantity": number(line.quantity),
        "unit": line.unit,
        "rate": number(line.rate),
        "amount": number(line.amount),
    }


def bill_to_dict(bill: Bill, lang: str = "en") -> dict[str, Any]:
    """A bill as the JSON object of CONTRACT.md (money and quantities as strings).

    Args:
        bill: The bill.
        lang: The language of the line labels (``en`` or ``zh``); keys, codes and units
            never change.
    """
    document: dict[str, Any] = {
        "account": bill.account,
        "tariff": bill.tariff,
        "currency": bill.currency,
        "period": {"start": bill.period_start.isoformat(), "end": bill.period_end.isoformat()},
        "energy_kwh": number(bill.energy_kwh),
        "lines": [_line_to_dict(line, lang) for line in bill.lines],
        "total": number(bill.total),
        "warnings": [warning_text(warning, lang) for warning in bill.warnings],
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
    if bill.estimated_intervals:
        document["estimated_intervals"] = bill.estimated_intervals
        document["estimated_kwh"] = number(bill.estimated_kwh or Decimal(0))
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
    if bill.price_class is not None:
        document["price_class"] = bill.price_class
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
    if part.price_class is not None:
        document["price_class"] = part.price_class
    return document


def _tariff_of(tariff: str, price_class: str | None) -> str:
    """A tariff as a bill names it: its id, and its price class where it has one.

    >>> _tariff_of("t", None), _tariff_of("t", "commercial")
    ('t', 't (commercial)')
    """
    return tariff if price_class is None else f"{tariff} ({price_class})"


_PART_NAMES = {"sub_meter": "sub-meter", "ratio": "定比", "fixed": "定量"}


def _subtraction_text(part: Subtraction, subtracted: bool, lang: str = "en") -> str:
    """A part taken from a main meter, for the table (on the main bill or on its own).

    >>> _subtraction_text(Subtraction("sub_meter", "C1", "t", Decimal("1488.0")), True)
    'less sub-meter C1 (套扣): 1488.0 kWh billed under t'
    >>> _subtraction_text(Subtraction("ratio", "M1", "t", Decimal("2"), Decimal("0.15")), False)
    'part of meter M1: 定比 15 % = 2 kWh'
    >>> _subtraction_text(Subtraction("sub_meter", "C1", "t", Decimal("1488.0")), True, "zh")
    '减 子表 C1（套扣）：1488.0 千瓦时，按 t 计费'
    """
    if lang == "zh":
        return _subtraction_text_zh(part, subtracted)
    if part.kind == "sub_meter":
        what = f"sub-meter {part.meter} (套扣)"
    elif part.ratio is not None:
        what = f"定比 {number((part.ratio * 100).normalize())} %"
    else:
        what = _PART_NAMES[part.kind]
    if subtracted:
        under = _tariff_of(part.tariff, part.price_class)
        return f"less {what}: {number(part.energy_kwh)} kWh billed under {under}"
    if part.kind == "sub_meter":
        return f"{what}: {number(part.energy_kwh)} kWh subtracted from the main meter"
    return f"part of meter {part.meter}: {what} = {number(part.energy_kwh)} kWh"


def _subtraction_text_zh(part: Subtraction, subtracted: bool) -> str:
    if part.kind == "sub_meter":
        what = f"子表 {part.meter}（套扣）"
    elif part.ratio is not None:
        what = f"定比 {number((part.ratio * 100).normalize())} %"
    else:
        what = _PART_NAMES[part.kind]
    kwh = f"{number(part.energy_kwh)} 千瓦时"
    if subtracted:
        return f"减 {what}：{kwh}，按 {_tariff_of(part.tariff, part.price_class)} 计费"
    if part.kind == "sub_meter":
        return f"{what}：从总表扣减 {kwh}"
    return f"总表 {part.meter} 的 {what} = {kwh}"


def _metered_text(meter: MeterReading, lang: str = "en") -> str:
    if lang == "zh":
        return (
            f"电表 {meter.meter} 抄见 {number(meter.register_kwh)} 千瓦时 × 倍率 "
            f"{number(meter.multiplier)} = {number(meter.energy_kwh)} 千瓦时"
        )
    return (
        f"meter {meter.meter} read {number(meter.register_kwh)} kWh × "
        f"{number(meter.multiplier)} = {number(meter.energy_kwh)} kWh"
    )


def _part_texts(bill: Bill, lang: str = "en") -> list[str]:
    """The lines of the table (and CSV labels) that show a bill's meters and parts."""
    texts = [] if bill.metered is None else [_metered_text(bill.metered, lang)]
    texts.extend(_subtraction_text(part, True, lang) for part in bill.subtracted)
    if bill.part_of is not None:
        texts.append(_subtraction_text(bill.part_of, False, lang))
    return texts


def _meter_text(meter: MeterReading, lang: str = "en") -> str:
    """One meter's part of a bill, for the text table.

    >>> import datetime as dt
    >>> reading = MeterReading("M2", dt.date(2025, 3, 15), dt.date(2025, 4, 1),
    ...     Decimal("12.5"), Decimal(200), Decimal("2500.0"), None)
    >>> _meter_text(reading)
    'meter M2 2025-03-15 to 2025-04-01: 12.5 kWh read × 200 = 2500.0 kWh'
    >>> _meter_text(reading, "zh")
    '电表 M2 2025-03-15 至 2025-04-01：抄见 12.5 千瓦时 × 倍率 200 = 2500.0 千瓦时'
    """
    if lang == "zh":
        name = f"电表 {meter.meter}" if meter.meter else "电表"
        text = (
            f"{name} {meter.start} 至 {meter.end}：抄见 {number(meter.register_kwh)} 千瓦时 × "
            f"倍率 {number(meter.multiplier)} = {number(meter.energy_kwh)} 千瓦时"
        )
        if meter.loss_kwh is not None:
            text += f"，加损耗电量 {number(meter.loss_kwh)} 千瓦时"
        return text
    name = f"meter {meter.meter}" if meter.meter else "meter"
    text = (
        f"{name} {meter.start} to {meter.end}: {number(meter.register_kwh)} kWh read × "
        f"{number(meter.multiplier)} = {number(meter.energy_kwh)} kWh"
    )
    if meter.loss_kwh is not None:
        text += f", + {number(meter.loss_kwh)} kWh losses"
    return text


def _invoice_rows(
    invoice: Invoice, lang: str = "en"
) -> list[tuple[str, str, Decimal | None, Decimal]]:
    """(code, label, rate, amount) of the invoice split: 金额, 税额, 价税合计."""
    percent = f"{(invoice.rate * 100).normalize():f}"
    return [
        ("invoice.net", header("invoice.net", lang), None, invoice.net),
        ("invoice.tax", header("invoice.tax", lang, percent=percent), invoice.rate, invoice.tax),
        ("invoice.gross", header("invoice.gross", lang), None, invoice.gross),
    ]


def _total(bills: Sequence[Bill]) -> Decimal:
    return sum((bill.total for bill in bills), Decimal(0))


def bills_to_json(bills: Sequence[Bill], lang: str = "en") -> str:
    """``{"bills": [...], "total": "..."}``, deterministic, ending in a newline.

    ``lang`` is the language of the line labels (`bill_to_dict`).
    """
    document = {
        "bills": [bill_to_dict(b, lang) for b in bills],
        "total": number(_total(bills)),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def bills_to_jsonl(bills: Sequence[Bill], account_id: str | None = None, lang: str = "en") -> str:
    """JSON lines: one bill a line, ``{"account_id": ..., <the bill of bill_to_dict>}``.

    Args:
        bills: The bills.
        account_id: The ``account_id`` of every line (default: each bill's account, or
            null when it has none).
        lang: The language of the line labels (`bill_to_dict`).
    """
    lines = []
    for bill in bills:
        line_id = bill.account if account_id is None else account_id
        document = {"account_id": line_id, **bill_to_dict(bill, lang)}
        lines.append(json.dumps(document, ensure_ascii=False) + "\n")
    return "".join(lines)


#: Columns of ``tariffs batch --format csv`` (`batch_csv_rows`): one row per bill.
BATCH_CSV_COLUMNS = (
    "account_id", "tariff", "currency", "period_start", "period_end",
    "energy_kwh", "total", "warnings",
)  # fmt: skip


def batch_csv_rows(account_id: str, bills: Sequence[Bill], lang: str = "en") -> str:
    """The rows of one account in ``tariffs batch --format csv``: one a bill (no header).

    Columns `BATCH_CSV_COLUMNS`: the bill's tariff, currency and period, its kWh and
    total, and its warnings joined by ``"; "`` (in ``lang``).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for bill in bills:
        writer.writerow(
            [
                account_id,
                bill.tariff,
                bill.currency,
                bill.period_start.isoformat(),
                bill.period_end.isoformat(),
                number(bill.energy_kwh),
                number(bill.total),
                "; ".join(warning_text(warning, lang) for warning in bill.warnings),
            ]
        )
    return out.getvalue()


def batch_jsonl_rows(account_id: str, bills: Sequence[Bill], lang: str = "en") -> str:
    """The lines of one account in ``tariffs batch --format jsonl`` (`bills_to_jsonl`)."""
    return bills_to_jsonl(bills, account_id, lang)


#: The columns of `bills_to_csv`: ``account_id`` as in the accounts CSV and the outputs of
#: ``tariffs batch`` and ``tariffs portfolio``.
CSV_COLUMNS = (
    "account_id", "tariff", "currency", "period_start", "period_end",
    "kind", "code", "label", "quantity", "unit", "rate", "amount",
)  # fmt: skip


def bills_to_csv(bills: Sequence[Bill], lang: str = "en") -> str:
    """One row per line, then a ``total`` row per bill, then a ``warning`` row per warning.

    A warning row holds the warning's text in ``label`` and leaves the numbers empty, so
    that what the bill says reaches a reader of the CSV too. A bill that a meter change
    cuts has a ``meter`` row per meter before its warnings: what it read in ``label``,
    its kWh in ``quantity`` and its multiplier in ``rate``.

    ``lang`` (``en`` or ``zh``) is the language of the ``label`` column: line labels, the
    total, the invoice rows and the meter rows (warnings stay as the engine wrote them);
    the columns, kinds, codes and units never change.
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
                    line_label(line, lang),
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
                header("total", lang),
                number(bill.energy_kwh),
                "kWh",
                "",
                number(bill.total),
            ]
        )
        if bill.invoice is not None:
            for code, label, rate, amount in _invoice_rows(bill.invoice, lang):
                writer.writerow(
                    [*head, "invoice", code, label, "", "", number(rate) or "", number(amount)]
                )
        for meter in bill.meters:
            writer.writerow(
                [*head, "meter", "meter", _meter_text(meter, lang), number(meter.energy_kwh), "kWh",
                 number(meter.multiplier), ""]
            )  # fmt: skip
        if bill.metered is not None:
            writer.writerow(
                [*head, "metered", "metered", _metered_text(bill.metered, lang),
                 number(bill.metered.energy_kwh), "kWh", number(bill.metered.multiplier), ""]
            )  # fmt: skip
        for part in bill.subtracted:
            writer.writerow(
                [*head, "subtracted", f"subtracted.{part.kind}",
                 _subtraction_text(part, True, lang), number(part.energy_kwh), "kWh",
                 number(part.ratio) or "", ""]
            )  # fmt: skip
        if bill.part_of is not None:
            part = bill.part_of
            writer.writerow(
                [*head, "part_of", f"part_of.{part.kind}", _subtraction_text(part, False, lang),
                 number(part.energy_kwh), "kWh", number(part.ratio) or "", ""]
            )  # fmt: skip
        for warning in bill.warnings:
            writer.writerow(
                [*head, "warning", "warning", warning_text(warning, lang), "", "", "", ""]
            )
    return out.getvalue()


def bills_to_table(bills: Sequence[Bill], lang: str = "en") -> str:
    """A human-readable text table of every bill and the grand total.

    Args:
        bills: The bills.
        lang: ``en`` (the labels the engine wrote) or ``zh``: Chinese headers, line labels,
            units and title (`tariffs.io.render.labels`); warnings stay as written. The
            columns line up by display width, a CJK character taking two columns.
    """
    parts = []
    for bill in bills:
        currency = unit_label(bill.currency, lang) or bill.currency
        title = header(
            "title",
            lang,
            tariff=_tariff_of(bill.tariff, bill.price_class),
            start=bill.period_start,
            end=bill.period_end,
        ) + (header("account", lang, account=bill.account) if bill.account else "")
        rows = [
            (
                header("code", lang),
                header("label", lang),
                header("quantity", lang),
                header("unit", lang),
                header("rate", lang),
                header("amount", lang, currency=currency),
            )
        ]
        for line in bill.lines:
            rows.append(
                (
                    line.code,
                    line_label(line, lang),
                    number(line.quantity) or "",
                    unit_label(line.unit, lang) or "",
                    number(line.rate) or "",
                    number(line.amount) or "",
                )
            )
        rows.append(
            (
                "total",
                "" if lang == "en" else header("total", lang),
                number(bill.energy_kwh) or "",
                unit_label("kWh", lang) or "",
                "",
                number(bill.total) or "",
            )
        )
        rule = len(rows) - 2
        if bill.invoice is not None:
            rows.extend(
                (code, label, "", "", number(rate) or "", number(amount) or "")
                for code, label, rate, amount in _invoice_rows(bill.invoice, lang)
            )
        text = [title]
        text += align_table(rows, right=(2, 4, 5), rules_after=(0, rule), width=display_width)
        text.extend(_meter_text(meter, lang) for meter in bill.meters)
        text.extend(_part_texts(bill, lang))
        text.extend(header("warning", lang, warning=warning_text(w, lang)) for w in bill.warnings)
        parts.append("\n".join(text))
    if len(bills) > 1:
        total = number(_total(bills))
        grand = unit_label(bills[0].currency, lang)
        parts.append(header("grand_total", lang, count=len(bills), total=total, currency=grand))
    return "\n\n".join(parts) + "\n"
