"""Render explained bills (``tariffs explain``): the bill table with its reasons, or JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tariffs.engine.explain import BillExplanation, LineExplanation
from tariffs.io.render.bills import bill_to_dict, bills_to_table, number
from tariffs.io.render.labels import header, reason_text, unit_label

__all__ = ["explained_to_json", "explained_to_table", "jsonable"]

#: Indent of the reasons under a line of the table.
_INDENT = "    - "


def jsonable(value: object) -> Any:
    """Facts as JSON values: exact numbers and dates as strings, records as objects.

    >>> jsonable({"share": Fraction(17, 31), "kwh": Decimal("1.50"), "days": (1, 2)})
    {'share': '17/31', 'kwh': '1.50', 'days': [1, 2]}
    """
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    return value


def _line_explanation(explained: LineExplanation, lang: str = "en") -> dict[str, Any]:
    mode, places = explained.rounding
    exact = explained.exact_amount
    return {
        "exact_amount": None if exact is None else jsonable(exact),
        "rounding": {"mode": mode, "places": places},
        "facts": jsonable(explained.facts),
        "because": [reason_text(reason, lang) for reason in explained.because],
    }


def explained_to_json(bills: Sequence[BillExplanation], lang: str = "en") -> str:
    """The JSON of ``tariffs price`` with an ``explanation`` on every line, and segments.

    ``lang`` is the language of the line labels and of the reasons (``because``); the
    keys and the facts stay as they are.
    """
    documents = []
    for explained in bills:
        document = bill_to_dict(explained.bill, lang)
        for line, item in zip(document["lines"], explained.lines, strict=True):
            line["explanation"] = _line_explanation(item, lang)
        document["segments"] = jsonable(explained.segments)
        documents.append(document)
    total = sum((explained.bill.total for explained in bills), Decimal(0))
    text = json.dumps({"bills": documents, "total": number(total)}, ensure_ascii=False, indent=2)
    return text + "\n"


def explained_to_table(bills: Sequence[BillExplanation], lang: str = "en") -> str:
    """Each bill as ``tariffs price`` prints it, each line followed by its reasons.

    ``lang`` is the language of the bill table (`bills_to_table`) and of the reasons.
    """
    parts = []
    for explained in bills:
        rows = bills_to_table([explained.bill], lang).rstrip("\n").split("\n")
        # The table: title, header, rule, one row per line, rule, total, then the rest.
        first = 3
        out = rows[:first]
        for index, item in enumerate(explained.lines):
            out.append(rows[first + index])
            out.extend(_INDENT + reason_text(sentence, lang) for sentence in item.because)
        out.extend(rows[first + len(explained.lines) :])
        parts.append("\n".join(out))
    if len(bills) > 1:
        total = sum((explained.bill.total for explained in bills), Decimal(0))
        currency = unit_label(bills[0].bill.currency, lang)
        parts.append(
            header("grand_total", lang, count=len(bills), total=number(total), currency=currency)
        )
    return "\n\n".join(parts) + "\n"
