"""Read issued bills back: the JSON of ``tariffs price --format json`` (or its JSON lines).

A correction (退补电费) compares the bills that were issued with the bills re-priced from
corrected inputs. The bills issued are an input, never recomputed, so they are read here
exactly as `tariffs.io.render.bills.bill_to_dict` writes them, and every field is checked:
money and quantities are exact decimals written as JSON strings, dates are ISO dates, a
bill's ``total`` is the sum of its line amounts, the document's ``total`` the sum of the
bills' totals, an invoice's ``net`` + ``tax`` its ``gross`` and its ``gross`` the bill's
total. An unknown key, a missing key or a wrong value is refused at its line and column.

Two layouts are read:

* JSON (``tariffs price --format json``): one object ``{"bills": [...], "total": "..."}``.
* JSON lines (``tariffs price --format jsonl``, ``tariffs batch --format jsonl``), chosen by
  the extension ``.jsonl`` or ``.ndjson``: one bill a line, with its ``account_id``.

Example:
    >>> text = '''{"bills": [{"account": "F-1", "tariff": "t", "currency": "CNY",
    ...   "period": {"start": "2025-07-01", "end": "2025-08-01"}, "energy_kwh": "10.0",
    ...   "lines": [{"kind": "energy", "code": "energy", "label": "Energy",
    ...     "quantity": "10.0", "unit": "kWh", "rate": "0.5", "amount": "5.00"}],
    ...   "total": "5.00", "warnings": []}], "total": "5.00"}'''
    >>> (bill,) = parse_issued_bills(text, "issued.json")
    >>> bill.total, bill.lines[0].quantity
    (Decimal('5.00'), Decimal('10.0'))
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, NoReturn

from tariffs.errors import InputError
from tariffs.io.safe_json import JsonDocument, load_json, parse_json
from tariffs.io.safe_yaml import format_path
from tariffs.model.bill import Bill, Invoice, Line, MeterReading, Subtraction
from tariffs.model.charges import LINE_KINDS

__all__ = ["JSON_LINES_EXTENSIONS", "load_issued_bills", "parse_issued_bills"]

#: Extensions of a file read as JSON lines (one bill a line); any other is one JSON object.
JSON_LINES_EXTENSIONS = (".jsonl", ".ndjson")

_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

_BILL_KEYS = {
    "account", "tariff", "currency", "period", "energy_kwh", "lines", "total", "warnings",
}  # fmt: skip
_BILL_OPTIONAL = {
    "invoice", "loss_kwh", "meters", "estimated_intervals", "estimated_kwh",
    "metered", "subtracted", "part_of",
}  # fmt: skip
_LINE_KEYS = ("kind", "code", "label", "quantity", "unit", "rate", "amount")
_INVOICE_KEYS = ("rate", "prices", "rounded", "net", "tax", "gross")
_METER_KEYS = ("meter", "period", "register_kwh", "multiplier", "energy_kwh", "loss_kwh")
_METERED_KEYS = ("meter", "register_kwh", "multiplier", "energy_kwh")
_PART_KEYS = ("kind", "meter", "tariff", "energy_kwh")
_PART_KINDS = ("sub_meter", "ratio", "fixed")


class _Reader:
    """Checks of one JSON document, raising at the location of the value at fault."""

    def __init__(self, document: JsonDocument, line_offset: int = 0) -> None:
        self.document = document
        self.line_offset = line_offset

    def fail(self, message: str, path: Sequence[str | int]) -> NoReturn:
        where = self.document.locate(list(path))
        line, column = where if where is not None else (None, None)
        if line is not None:
            line += self.line_offset
        raise InputError(
            message,
            file=self.document.source,
            line=line,
            column=column,
            path=format_path(list(path)) or None,
        )

    def object(
        self,
        value: Any,
        path: Sequence[str | int],
        required: Sequence[str] | set[str],
        optional: Sequence[str] | set[str] = (),
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail("expected an object", path)
        for key in value:
            if key not in required and key not in optional:
                allowed = ", ".join(sorted({*required, *optional}))
                self.fail(f"unknown key {key!r} (allowed: {allowed})", [*path, key])
        missing = sorted(key for key in required if key not in value)
        if missing:
            self.fail(f"missing key {missing[0]!r}", path)
        return value

    def text(self, value: Any, path: Sequence[str | int], *, nullable: bool = False) -> Any:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            self.fail("expected a string" + (" or null" if nullable else ""), path)
        return value

    def choice(self, value: Any, path: Sequence[str | int], choices: Sequence[str]) -> str:
        if value not in choices:
            self.fail(f"{value!r} is not one of {', '.join(choices)}", path)
        return str(value)

    def decimal(self, value: Any, path: Sequence[str | int], *, nullable: bool = False) -> Any:
        if value is None and nullable:
            return None
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            self.fail(
                f'the JSON number {value} must be written as a string ("{value}"): '
                "money and quantities are exact decimals in strings",
                path,
            )
        if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
            self.fail(
                f'expected an exact decimal written as a JSON string (e.g. "12.50"), not {value!r}',
                path,
            )
        return Decimal(value)

    def date(self, value: Any, path: Sequence[str | int]) -> dt.date:
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            self.fail(f"expected a date YYYY-MM-DD, not {value!r}", path)
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            self.fail(f"not a date: {value!r} ({exc})", path)

    def period(self, value: Any, path: Sequence[str | int]) -> tuple[dt.date, dt.date]:
        period = self.object(value, path, ("start", "end"))
        start = self.date(period["start"], [*path, "start"])
        end = self.date(period["end"], [*path, "end"])
        if end <= start:
            self.fail(f"the end {end} is not after the start {start} (the end is exclusive)",
                      [*path, "end"])  # fmt: skip
        return start, end

    def line(self, value: Any, path: Sequence[str | int]) -> Line:
        line = self.object(value, path, _LINE_KEYS)
        return Line(
            kind=self.choice(line["kind"], [*path, "kind"], LINE_KINDS),
            code=self.text(line["code"], [*path, "code"]),
            label=self.text(line["label"], [*path, "label"]),
            quantity=self.decimal(line["quantity"], [*path, "quantity"], nullable=True),
            unit=self.text(line["unit"], [*path, "unit"], nullable=True),
            rate=self.decimal(line["rate"], [*path, "rate"], nullable=True),
            amount=self.decimal(line["amount"], [*path, "amount"]),
        )

    def invoice(self, value: Any, path: Sequence[str | int], total: Decimal) -> Invoice:
        fields = self.object(value, path, _INVOICE_KEYS)
        invoice = Invoice(
            rate=self.decimal(fields["rate"], [*path, "rate"]),
            prices=self.choice(fields["prices"], [*path, "prices"], ("inclusive", "exclusive")),
            rounded=self.choice(fields["rounded"], [*path, "rounded"], ("tax", "net")),
            net=self.decimal(fields["net"], [*path, "net"]),
            tax=self.decimal(fields["tax"], [*path, "tax"]),
            gross=self.decimal(fields["gross"], [*path, "gross"]),
        )
        if invoice.net + invoice.tax != invoice.gross:
            self.fail(
                f"net {invoice.net} + tax {invoice.tax} is {invoice.net + invoice.tax}, "
                f"not the gross {invoice.gross}",
                [*path, "gross"],
            )
        if invoice.gross != total:
            self.fail(f"the gross {invoice.gross} is not the bill's total {total}",
                      [*path, "gross"])  # fmt: skip
        return invoice

    def meter(self, value: Any, path: Sequence[str | int]) -> MeterReading:
        fields = self.object(value, path, _METER_KEYS)
        start, end = self.period(fields["period"], [*path, "period"])
        return MeterReading(
            meter=self.text(fields["meter"], [*path, "meter"], nullable=True),
            start=start,
            end=end,
            register_kwh=self.decimal(fields["register_kwh"], [*path, "register_kwh"]),
            multiplier=self.decimal(fields["multiplier"], [*path, "multiplier"]),
            energy_kwh=self.decimal(fields["energy_kwh"], [*path, "energy_kwh"]),
            loss_kwh=self.decimal(fields["loss_kwh"], [*path, "loss_kwh"], nullable=True),
        )

    def metered(
        self, value: Any, path: Sequence[str | int], start: dt.date, end: dt.date
    ) -> MeterReading:
        """What the main meter (or a sub-meter) of a sub-metered bill read in its period."""
        fields = self.object(value, path, _METERED_KEYS)
        return MeterReading(
            meter=self.text(fields["meter"], [*path, "meter"]),
            start=start,
            end=end,
            register_kwh=self.decimal(fields["register_kwh"], [*path, "register_kwh"]),
            multiplier=self.decimal(fields["multiplier"], [*path, "multiplier"]),
            energy_kwh=self.decimal(fields["energy_kwh"], [*path, "energy_kwh"]),
            loss_kwh=None,
        )

    def part(self, value: Any, path: Sequence[str | int]) -> Subtraction:
        """A part taken from a main meter (套扣, 定比, 定量)."""
        fields = self.object(value, path, _PART_KEYS, {"ratio"})
        ratio = None
        if "ratio" in fields:
            ratio = self.decimal(fields["ratio"], [*path, "ratio"])
        return Subtraction(
            kind=self.choice(fields["kind"], [*path, "kind"], _PART_KINDS),
            meter=self.text(fields["meter"], [*path, "meter"]),
            tariff=self.text(fields["tariff"], [*path, "tariff"]),
            energy_kwh=self.decimal(fields["energy_kwh"], [*path, "energy_kwh"]),
            ratio=ratio,
        )

    def bill(self, value: Any, path: Sequence[str | int], extra: Sequence[str] = ()) -> Bill:
        fields = self.object(value, path, _BILL_KEYS | set(extra), _BILL_OPTIONAL)
        start, end = self.period(fields["period"], [*path, "period"])
        lines_value = fields["lines"]
        if not isinstance(lines_value, list):
            self.fail("expected a list of lines", [*path, "lines"])
        lines = tuple(
            self.line(line, [*path, "lines", index]) for index, line in enumerate(lines_value)
        )
        warnings_value = fields["warnings"]
        if not isinstance(warnings_value, list):
            self.fail("expected a list of strings", [*path, "warnings"])
        warnings = tuple(
            self.text(warning, [*path, "warnings", index])
            for index, warning in enumerate(warnings_value)
        )
        total = self.decimal(fields["total"], [*path, "total"])
        summed = sum((line.amount for line in lines), Decimal(0))
        if summed != total:
            self.fail(f"the total {total} is not the sum of the line amounts, {summed}",
                      [*path, "total"])  # fmt: skip
        exponent = total.as_tuple().exponent
        places = None
        if summed.as_tuple().exponent != exponent and isinstance(exponent, int):
            places = -exponent if exponent < 0 else 0
        invoice = None
        if "invoice" in fields:
            invoice = self.invoice(fields["invoice"], [*path, "invoice"], total)
        meters: tuple[MeterReading, ...] = ()
        if "meters" in fields:
            if not isinstance(fields["meters"], list):
                self.fail("expected a list of meters", [*path, "meters"])
            meters = tuple(
                self.meter(meter, [*path, "meters", index])
                for index, meter in enumerate(fields["meters"])
            )
        loss_kwh = None
        if "loss_kwh" in fields:
            loss_kwh = self.decimal(fields["loss_kwh"], [*path, "loss_kwh"])
        estimated_intervals, estimated_kwh = 0, None
        if "estimated_intervals" in fields or "estimated_kwh" in fields:
            for key in ("estimated_intervals", "estimated_kwh"):
                if key not in fields:
                    self.fail(f"{key} goes with the other estimated field", [*path, key])
            count = fields["estimated_intervals"]
            if not isinstance(count, int) or isinstance(count, bool) or count < 1:
                self.fail("expected a whole number of 1 or more", [*path, "estimated_intervals"])
            estimated_intervals = count
            estimated_kwh = self.decimal(fields["estimated_kwh"], [*path, "estimated_kwh"])
        metered = None
        if "metered" in fields:
            metered = self.metered(fields["metered"], [*path, "metered"], start, end)
        subtracted: tuple[Subtraction, ...] = ()
        if "subtracted" in fields:
            if not isinstance(fields["subtracted"], list):
                self.fail("expected a list of parts", [*path, "subtracted"])
            subtracted = tuple(
                self.part(part, [*path, "subtracted", index])
                for index, part in enumerate(fields["subtracted"])
            )
        part_of = None
        if "part_of" in fields:
            part_of = self.part(fields["part_of"], [*path, "part_of"])
        return Bill(
            account=self.text(fields["account"], [*path, "account"], nullable=True),
            tariff=self.text(fields["tariff"], [*path, "tariff"]),
            currency=self.text(fields["currency"], [*path, "currency"]),
            period_start=start,
            period_end=end,
            energy_kwh=self.decimal(fields["energy_kwh"], [*path, "energy_kwh"]),
            lines=lines,
            warnings=warnings,
            loss_kwh=loss_kwh,
            meters=meters,
            total_places=places,
            invoice=invoice,
            estimated_intervals=estimated_intervals,
            estimated_kwh=estimated_kwh,
            metered=metered,
            subtracted=subtracted,
            part_of=part_of,
        )


def _json_bills(document: JsonDocument) -> list[Bill]:
    reader = _Reader(document)
    top = reader.object(document.data, [], ("bills", "total"))
    if not isinstance(top["bills"], list):
        reader.fail("expected a list of bills", ["bills"])
    bills = [reader.bill(bill, ["bills", index]) for index, bill in enumerate(top["bills"])]
    total = reader.decimal(top["total"], ["total"])
    summed = sum((bill.total for bill in bills), Decimal(0))
    if summed != total:
        reader.fail(f"the total {total} is not the sum of the bills' totals, {summed}",
                    ["total"])  # fmt: skip
    return bills


def _json_lines_bills(text: str, source: str) -> list[Bill]:
    bills = []
    for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            document = parse_json(line, source, error=InputError)
        except InputError as exc:
            raise InputError(exc.message, file=source, line=number, column=exc.column,
                             path=exc.path) from None  # fmt: skip
        reader = _Reader(document, line_offset=number - 1)
        bill = reader.bill(document.data, [], extra=("account_id",))
        reader.text(document.data["account_id"], ["account_id"], nullable=True)
        bills.append(bill)
    return bills


def parse_issued_bills(text: str, source: str, *, json_lines: bool = False) -> list[Bill]:
    """Read the bills of a ``tariffs price`` JSON output, exactly, checking every field.

    Args:
        text: The JSON text (one object), or JSON lines (one bill a line).
        source: The file name used in messages.
        json_lines: Whether ``text`` is JSON lines.

    Returns:
        The bills, in the order written.

    Raises:
        InputError: A field is missing, unknown or wrong, or a total is not the sum of its
            parts; the message names the file, line, column and field path.
    """
    if json_lines:
        return _json_lines_bills(text, source)
    return _json_bills(parse_json(text, source, error=InputError))


def load_issued_bills(path: str | os.PathLike[str]) -> list[Bill]:
    """Read the bills of a file `parse_issued_bills` reads; JSON lines by its extension.

    Raises:
        InputError: The file cannot be read or its bills are refused.
    """
    source = os.fspath(path)
    if source.lower().endswith(JSON_LINES_EXTENSIONS):
        try:
            with open(path, encoding="utf-8") as stream:
                text = stream.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the file: {exc}", file=source) from None
        return parse_issued_bills(text, source, json_lines=True)
    return _json_bills(load_json(path, error=InputError))
