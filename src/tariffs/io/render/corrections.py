"""Render corrections (退补电费) as a text table, JSON or CSV. Pure: returns text.

Each correction shows, line by line, what was issued, what is corrected and the
difference (退补); then the amount to collect from the customer (补收, a positive
difference) or to refund (退还, a negative one).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from tariffs.io.render.labels import header, line_label, unit_label
from tariffs.io.render.text import align_table, decimal_text, display_width, number, signed_text
from tariffs.model.bill import Line
from tariffs.whatif.corrections import CORRECTED, Correction, settlement_of

__all__ = [
    "CORRECTION_CSV_COLUMNS",
    "corrections_to_csv",
    "corrections_to_json",
    "corrections_to_table",
    "settlement_text",
]

_WORDS = {
    "collect": "to collect from the customer (补收)",
    "refund": "to refund to the customer (退还)",
    "none": "nothing to collect or refund",
}

_WORDS_ZH = {"collect": "应补收电费", "refund": "应退还电费", "none": "无需退补"}


def settlement_text(difference: Decimal, currency: str, lang: str = "en") -> str:
    """The difference in words: what to collect or refund.

    >>> settlement_text(Decimal("-12.50"), "CNY")
    'to refund to the customer (退还): 12.50 CNY'
    >>> settlement_text(Decimal("0.00"), "CNY")
    'nothing to collect or refund'
    >>> settlement_text(Decimal("-12.50"), "CNY", "zh")
    '应退还电费：12.50 元'
    """
    word = settlement_of(difference)
    if lang == "zh":
        if word == "none":
            return _WORDS_ZH[word]
        return f"{_WORDS_ZH[word]}：{number(abs(difference))} {unit_label(currency, lang)}"
    if word == "none":
        return _WORDS[word]
    return f"{_WORDS[word]}: {number(abs(difference))} {currency}"


def _label(line: Any, lang: str) -> str:
    """A correction line's label in a language (from its corrected line, else its issued)."""
    if lang == "en":
        return str(line.label)
    made = line.corrected if line.corrected is not None else line.issued
    return str(line.label) if made is None else line_label(made, lang)


def _total(corrections: Sequence[Correction]) -> Decimal:
    return sum((c.difference for c in corrections if c.difference is not None), Decimal(0))


def _side(line: Line | None) -> dict[str, Any] | None:
    if line is None:
        return None
    return {
        "quantity": number(line.quantity),
        "unit": line.unit,
        "rate": number(line.rate),
        "amount": number(line.amount),
    }


def _three(issued: Decimal | None, corrected: Decimal | None) -> dict[str, str | None]:
    difference = None
    if issued is not None and corrected is not None:
        difference = corrected - issued
    return {
        "issued": number(issued),
        "corrected": number(corrected),
        "difference": number(difference),
    }


def correction_to_dict(correction: Correction, lang: str = "en") -> dict[str, Any]:
    """One correction as a JSON object (money and quantities as strings).

    ``lang`` is the language of the line labels; keys and the ``settlement`` word stay.
    """
    was, now = correction.issued, correction.corrected
    document: dict[str, Any] = {
        "account": correction.account,
        "currency": correction.currency,
        "period": {
            "start": correction.period_start.isoformat(),
            "end": correction.period_end.isoformat(),
        },
        **({"part": correction.part} if correction.part else {}),
        "status": correction.status,
        "tariff": {
            "issued": None if was is None else was.tariff,
            "corrected": None if now is None else now.tariff,
        },
        "energy_kwh": _three(
            None if was is None else was.energy_kwh, None if now is None else now.energy_kwh
        ),
        "lines": [
            {
                "kind": line.kind,
                "code": line.code,
                "label": _label(line, lang),
                "issued": _side(line.issued),
                "corrected": _side(line.corrected),
                "quantity_difference": number(line.quantity_difference),
                "difference": number(line.difference),
            }
            for line in correction.lines
        ],
        "total": _three(None if was is None else was.total, None if now is None else now.total),
        "settlement": correction.settlement,
    }
    if was is not None and now is not None and was.invoice and now.invoice:
        document["invoice"] = {
            part: _three(getattr(was.invoice, part), getattr(now.invoice, part))
            for part in ("net", "tax", "gross")
        }
    return document


def corrections_to_json(corrections: Sequence[Correction], lang: str = "en") -> str:
    """``{"corrections": [...], "difference": "...", "settlement": ...}``, with a newline.

    The top-level ``difference`` is the sum of the differences of the corrected periods;
    ``lang`` is the language of the line labels.
    """
    total = _total(corrections)
    document = {
        "corrections": [correction_to_dict(c, lang) for c in corrections],
        "difference": number(total),
        "settlement": settlement_of(total),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


#: The columns of `corrections_to_csv`.
CORRECTION_CSV_COLUMNS = (
    "account_id", "period_start", "period_end", "status", "kind", "code", "label", "unit",
    "issued_quantity", "issued_amount", "corrected_quantity", "corrected_amount",
    "quantity_difference", "difference",
)  # fmt: skip


def corrections_to_csv(corrections: Sequence[Correction], lang: str = "en") -> str:
    """One row per line, then a ``total`` row per period (kWh and money).

    Then ``invoice`` rows when both bills carry one, and a ``settlement`` row whose label
    says what to collect or refund. ``lang`` is the language of the ``label`` column.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    # Bills of a sub-metered account are told apart by their part: a column after the
    # period, only when some correction has one.
    parts = any(correction.part for correction in corrections)
    columns = list(CORRECTION_CSV_COLUMNS)
    if parts:
        columns.insert(3, "part")
    writer.writerow(columns)
    for correction in corrections:
        head = [
            correction.account or "", correction.period_start.isoformat(),
            correction.period_end.isoformat(),
            *([correction.part] if parts else []), correction.status,
        ]  # fmt: skip
        was, now = correction.issued, correction.corrected
        for line in correction.lines:
            writer.writerow([
                *head, line.kind, line.code, _label(line, lang), line.unit or "",
                decimal_text(None if line.issued is None else line.issued.quantity),
                decimal_text(None if line.issued is None else line.issued.amount),
                decimal_text(None if line.corrected is None else line.corrected.quantity),
                decimal_text(None if line.corrected is None else line.corrected.amount),
                decimal_text(line.quantity_difference), decimal_text(line.difference),
            ])  # fmt: skip
        writer.writerow([
            *head, "total", "total", header("total", lang), "kWh",
            decimal_text(None if was is None else was.energy_kwh),
            decimal_text(None if was is None else was.total),
            decimal_text(None if now is None else now.energy_kwh),
            decimal_text(None if now is None else now.total),
            decimal_text(correction.energy_kwh_difference), decimal_text(correction.difference),
        ])  # fmt: skip
        invoice = correction.invoice_difference
        if invoice is not None and was is not None and now is not None:
            for part, difference in zip(("net", "tax", "gross"), invoice, strict=True):
                writer.writerow([
                    *head, "invoice", f"invoice.{part}", part, correction.currency, "",
                    decimal_text(getattr(was.invoice, part)), "",
                    decimal_text(getattr(now.invoice, part)), "", decimal_text(difference),
                ])  # fmt: skip
        if correction.difference is not None:
            writer.writerow([
                *head, "settlement", "settlement",
                settlement_text(correction.difference, correction.currency, lang),
                correction.currency, "", "", "", "", "", decimal_text(correction.difference),
            ])  # fmt: skip
    return out.getvalue()


def _cell(value: Decimal | None) -> str:
    return decimal_text(value)


def _correction_table(correction: Correction, lang: str = "en") -> str:
    """One correction as a text table, in the words of `tariffs.io.render.labels`."""
    was, now = correction.issued, correction.corrected
    bill = correction.bill
    tariff = bill.tariff
    if was is not None and now is not None and was.tariff != now.tariff:
        tariff = f"{was.tariff} -> {now.tariff}"
    currency = unit_label(correction.currency, lang) or correction.currency
    title = (
        header("cr.title", lang, tariff=tariff, start=correction.period_start,
               end=correction.period_end)
        + (header("account", lang, account=correction.account) if correction.account else "")
        + (header("cr.part", lang, part=correction.part) if correction.part else "")
    )  # fmt: skip
    if correction.status != CORRECTED:
        side = header("cr.side.issued" if was is not None else "cr.side.corrected", lang)
        return "\n".join([
            title,
            header("cr.unmatched", lang, status=correction.status, side=side,
                   total=number(bill.total), currency=currency),
        ])  # fmt: skip
    if was is None or now is None:
        raise ValueError("a corrected period has both bills")
    rows = [(
        header("code", lang), header("label", lang), header("unit", lang),
        header("cr.issued_quantity", lang), header("cr.corrected_quantity", lang),
        header("cr.quantity_difference", lang), header("cr.issued_money", lang, currency=currency),
        header("cr.corrected_money", lang, currency=currency), header("cr.difference", lang),
    )]  # fmt: skip
    for line in correction.lines:
        rows.append((
            line.code, _label(line, lang), unit_label(line.unit, lang) or "",
            _cell(None if line.issued is None else line.issued.quantity),
            _cell(None if line.corrected is None else line.corrected.quantity),
            signed_text(line.quantity_difference),
            _cell(None if line.issued is None else line.issued.amount),
            _cell(None if line.corrected is None else line.corrected.amount),
            signed_text(line.difference),
        ))  # fmt: skip
    rows.append((
        "total", header("cr.total", lang), unit_label("kWh", lang) or "", _cell(was.energy_kwh),
        _cell(now.energy_kwh), signed_text(correction.energy_kwh_difference), _cell(was.total),
        _cell(now.total), signed_text(correction.difference),
    ))  # fmt: skip
    rule = len(rows) - 2
    invoice = correction.invoice_difference
    if invoice is not None:
        for part, difference in zip(("net", "tax", "gross"), invoice, strict=True):
            rows.append((
                f"invoice.{part}", header(f"cr.invoice.{part}", lang), "", "", "", "",
                _cell(getattr(was.invoice, part)), _cell(getattr(now.invoice, part)),
                signed_text(difference),
            ))  # fmt: skip
    text = [title]
    text += align_table(rows, right=(3, 4, 5, 6, 7, 8), rules_after=(0, rule), width=display_width)
    text.append(settlement_text(now.total - was.total, correction.currency, lang))
    return "\n".join(text)


def corrections_to_table(corrections: Sequence[Correction], lang: str = "en") -> str:
    """A text table per correction, and the sum of the differences when there are several.

    ``lang`` ``zh``: Chinese title, headers, labels, units and settlement.
    """
    parts = [_correction_table(c, lang) for c in corrections]
    if len(corrections) > 1:
        corrected = [c for c in corrections if c.difference is not None]
        currency = corrections[0].currency
        total = _total(corrections)
        if lang == "zh":
            parts.append(
                f"{len(corrected)} 个更正周期的退补差额合计：{signed_text(total)} "
                f"{unit_label(currency, lang)}；" + settlement_text(total, currency, lang)
            )
        else:
            parts.append(
                f"Difference of {len(corrected)} corrected periods: "
                f"{signed_text(total)} {currency}; " + settlement_text(total, currency)
            )
    return "\n\n".join(parts) + "\n"
