"""Shared building blocks of the YAML schema: strict base model, decimals, names, clock times.

The rule for numbers and dates in every input lives here: `exact_decimal` reads a number,
`parse_date` a date, and both refuse digits other than ASCII ones (`check_ascii_digits`).
`check_derived_price` holds a price computed from other prices to the checks of a
written one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Context, Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

__all__ = [
    "Code",
    "MonthNumber",
    "Name",
    "NestedValueError",
    "NonNegativeDecimal",
    "PlainDate",
    "StrictModel",
    "WIDE_CONTEXT",
    "WholeNumber",
    "Window",
    "check_ascii_digits",
    "check_derived_price",
    "empty_dict",
    "empty_list",
    "exact_decimal",
    "non_ascii_digit",
    "parse_date",
    "parse_window",
    "unprintable_in_id",
    "window_spans",
]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_WINDOW = re.compile(r"^([0-9]{2}):([0-9]{2})-([0-9]{2}):([0-9]{2})$")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_AND_MORE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ].*", re.DOTALL)
_OFFSET = re.compile(r"[Zz+-]")


class StrictModel(BaseModel):
    """Base of every schema model: unknown keys are errors, models are immutable.

    Validators and serializers are built with the class, never on first use
    (``defer_build``): in the pydantic releases this project accepts (from 2.6), a build
    on first use is not safe in threads until the rebuild lock of pydantic #13438 (merged
    in July 2026). Two threads that first use a model at once could validate or dump it
    with its base class's (a version written out as ``{}``, and the engine keys its caches
    by that JSON), and a billing service may price in threads.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


def empty_list() -> list[Any]:
    """A new empty list: the default of a list field (``Field(default_factory=empty_list)``).

    A function rather than the type ``list``: pydantic reads the signature of a default
    factory when it builds a model's schema, and that of a builtin type is parsed from
    its text, which takes longer than the rest of the field's schema.
    """
    return []


def empty_dict() -> dict[Any, Any]:
    """A new empty dict: the default of a mapping field (see `empty_list`)."""
    return {}


#: Most digits before the decimal point a number in a tariff or account may have.
MAX_INTEGER_DIGITS = 24
#: Most decimal places a number in a tariff or account may have.
MAX_DECIMAL_PLACES = 18
#: Arithmetic wide enough that no product or sum of numbers within these limits is ever
#: rounded (the engine prices in the same precision).
WIDE_CONTEXT = Context(prec=120, Emax=999_999, Emin=-999_999)


class NestedValueError(ValueError):
    """A model's check that concerns one value inside the model, at ``path`` from it.

    A validator raises it where the check needs more than the value itself (a price
    derived from a base price of the version); the loader adds ``path`` to pydantic's
    ``loc``, so that the message points at the value, not at the model.
    """

    def __init__(self, message: str, path: tuple[str | int, ...]) -> None:
        """Keep the message and the path from the model to the value."""
        super().__init__(message)
        self.path = path

    def within(self, *prefix: str | int) -> NestedValueError:
        """The same error, seen from a model that holds this one at ``prefix``."""
        return NestedValueError(str(self), (*prefix, *self.path))


def non_ascii_digit(text: str) -> str | None:
    """The first digit of ``text`` that is not ASCII, described, or None.

    >>> non_ascii_digit("1.\u0665")
    "the non-ASCII digit '\u0665' (U+0665)"
    """
    for character in text:
        if character.isdigit() and not character.isascii():
            return f"the non-ASCII digit {character!r} (U+{ord(character):04X})"
    return None


def unprintable_in_id(account_id: str) -> str | None:
    r"""Why an account id cannot be one, for a character that does not print, or None.

    An account id names the account on a line of stderr, in a row of every output and in
    the name of its readings file; a line end, a control character, a format character
    (U+200B) or a space other than U+0020 would split or hide it.

    >>> unprintable_in_id("A-1") is None
    True
    >>> print(unprintable_in_id("A\N{ZERO WIDTH SPACE}1"))
    account_id 'A\u200b1' holds U+200B, which does not print; an account id is printable text
    """
    for character in account_id:
        if not character.isprintable():
            return (
                f"account_id {account_id!r} holds U+{ord(character):04X}, which does not "
                "print; an account id is printable text"
            )
    return None


def check_ascii_digits(text: str) -> str:
    """Refuse digits other than ASCII ``0``-``9``; Python's parsers accept any Unicode digit.

    >>> check_ascii_digits("0.568")
    '0.568'
    >>> check_ascii_digits("\uff10.568")
    Traceback (most recent call last):
    ...
    ValueError: '\uff10.568' holds the non-ASCII digit '\uff10' (U+FF10); write ASCII digits
    """
    found = non_ascii_digit(text)
    if found is not None:
        raise ValueError(f"{text!r} holds {found}; write ASCII digits")
    return text


def _limits_problem(result: Decimal) -> str | None:
    """What keeps a finite decimal out of the engine's exact arithmetic, or None.

    Bounds that keep every product and sum exact in the engine's arithmetic (it works with
    120 significant digits): at most 24 digits before the point, 18 after.
    """
    _, digits, exponent = result.as_tuple()
    assert isinstance(exponent, int)  # noqa: S101 - finite, checked by the callers
    if result and result.adjusted() >= MAX_INTEGER_DIGITS:
        return f"is too large: at most {MAX_INTEGER_DIGITS} digits before the point"
    # Decimal places that matter: trailing zeros do not count (never normalize(): it rounds
    # to the context's precision).
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0") or "0")
    places = -(exponent + trailing)
    if places > MAX_DECIMAL_PLACES:
        return f"has {places} decimal places; at most {MAX_DECIMAL_PLACES} are allowed"
    return None


def exact_decimal(value: Any) -> Decimal:
    """Read a number of a tariff or account: the one rule for numbers written as text.

    Accepts a Decimal, an int or a numeric string of ASCII digits; never a float (floats
    are inexact). The number must be finite, with at most 24 digits before the point and
    18 after.

    >>> exact_decimal("0.6200")
    Decimal('0.6200')
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a number, found {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        text = check_ascii_digits(value).strip()
        try:
            result = Decimal(text)
        except ArithmeticError:
            raise ValueError(f"expected a decimal number, found {value!r}") from None
    elif isinstance(value, float):
        raise ValueError(
            f"found the binary float {value!r}; write the number as text or a YAML number"
        )
    else:
        raise ValueError(f"expected a decimal number, found {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"expected a finite number, found {value!r}")
    problem = _limits_problem(result)
    if problem is not None:
        shown = str(value) if isinstance(value, Decimal | int) else repr(value)
        raise ValueError(f"{shown} {problem}")
    return result


def check_derived_price(value: Decimal, formula: str, *, negative: bool = False) -> Decimal:
    """Hold a price computed from other prices to the checks of a written price.

    ``formula`` says how it was derived (``valley = 0.5 × peak (0.62)``). The price must be
    0 or more (unless ``negative``, as for hourly prices plus an adder) and within the
    limits of a written number. A zero reached through a negative factor is plain 0.

    >>> check_derived_price(Decimal("0.31"), "valley = 0.5 × peak (0.62)")
    Decimal('0.31')
    >>> check_derived_price(Decimal("-0.31"), "valley = -0.5 × peak (0.62)")
    Traceback (most recent call last):
    ...
    ValueError: valley = -0.5 × peak (0.62) is -0.31: a derived price must be 0 or more
    """
    if not value:
        return value.copy_abs()
    if value < 0 and not negative:
        raise ValueError(f"{formula} is {value}: a derived price must be 0 or more")
    problem = _limits_problem(value)
    if problem is not None:
        raise ValueError(f"{formula} is {value}, which {problem} (a derived price)")
    return value


def parse_date(value: Any) -> dt.date:
    """Read a date of a tariff or account: the one rule for dates written as text.

    A date is written ``YYYY-MM-DD`` in ASCII digits; a time or a UTC offset after it is
    refused, not dropped, and so is a number (which other readers take for a timestamp).

    >>> parse_date("2025-01-01")
    datetime.date(2025, 1, 1)
    >>> parse_date("2025-01-01T00:00+08:00")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: '2025-01-01T00:00+08:00' is a date and time with a UTC offset; ...
    """
    if isinstance(value, dt.datetime):
        raise ValueError(
            f"expected a date, found the date and time {value.isoformat()}; "
            "a date is written YYYY-MM-DD, such as 2025-01-01"
        )
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        if isinstance(value, bool):
            shown = f"the boolean {value}"
        elif isinstance(value, int | Decimal):
            shown = f"the number {value}"
        else:
            shown = type(value).__name__
        raise ValueError(f"expected a date written YYYY-MM-DD (such as 2025-01-01), found {shown}")
    check_ascii_digits(value)
    if _DATE_AND_MORE.fullmatch(value):
        offset = _OFFSET.search(value[11:]) is not None
        raise ValueError(
            f"{value!r} is a date and time{' with a UTC offset' if offset else ''}; only a "
            "date is allowed here, written YYYY-MM-DD (such as 2025-01-01)"
        )
    if not _DATE.fullmatch(value):
        raise ValueError(f"{value!r} is not a date YYYY-MM-DD, such as 2025-01-01")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a date: {exc}") from None


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError(f"must be 0 or more, found {value}")
    return value.copy_abs() if not value else value  # "-0" is 0


def _name(value: str) -> str:
    if not _NAME.match(value):
        raise ValueError(
            f"{value!r} is not a valid name: use lower-case letters, digits and '_', "
            "starting with a letter"
        )
    return value


def _code(value: str) -> str:
    if not _CODE.match(value):
        raise ValueError(
            f"{value!r} is not a valid code: lower-case names joined by '.', e.g. 'fund.renewable'"
        )
    return value


def _month(value: int) -> int:
    if not 1 <= value <= 12:
        raise ValueError(f"month must be 1 to 12, found {value}")
    return value


ExactDecimal = Annotated[Decimal, BeforeValidator(exact_decimal)]
#: A date written ``YYYY-MM-DD`` (see `parse_date`).
PlainDate = Annotated[dt.date, BeforeValidator(parse_date)]
NonNegativeDecimal = Annotated[
    Decimal, BeforeValidator(exact_decimal), AfterValidator(_non_negative)
]


def _ascii_text(value: Any) -> Any:
    """Text for pydantic to read as an integer holds ASCII digits (other values pass on)."""
    return check_ascii_digits(value) if isinstance(value, str) else value


Name = Annotated[str, AfterValidator(_name)]
Code = Annotated[str, AfterValidator(_code)]
#: A whole number; written as text, in ASCII digits (as every number of an input).
WholeNumber = Annotated[int, BeforeValidator(_ascii_text)]
MonthNumber = Annotated[int, BeforeValidator(_ascii_text), AfterValidator(_month)]


def parse_window(text: str) -> tuple[int, int]:
    """Parse a half-open clock window ``"HH:MM-HH:MM"`` into minutes of the day.

    The end may be ``24:00``; an end before the start crosses midnight. A window whose
    start equals its end is refused (write ``00:00-24:00`` for the whole day).

    >>> parse_window("22:00-06:00")
    (1320, 360)
    """
    match = _WINDOW.match(check_ascii_digits(text).strip())
    if not match:
        raise ValueError(f"window {text!r} is not of the form 'HH:MM-HH:MM' (e.g. '08:00-11:30')")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2 != 0):
        raise ValueError(f"window {text!r} has a time outside 00:00-24:00")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == end % 1440 and not (start == 0 and end == 1440):
        raise ValueError(f"window {text!r} is empty; write '00:00-24:00' for the whole day")
    return start, end


def window_spans(windows: Iterable[str]) -> list[tuple[int, int]]:
    """Clock windows as same-day spans of minutes; one that crosses midnight gives two.

    >>> window_spans(["22:00-06:00", "08:00-11:00"])
    [(1320, 1440), (0, 360), (480, 660)]
    """
    spans = []
    for window in windows:
        start, end = parse_window(window)
        if end > start:
            spans.append((start, end))
        else:
            spans.append((start, 1440))
            if end:
                spans.append((0, end))
    return spans


def _window(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a window 'HH:MM-HH:MM' as text, found {value!r}")
    parse_window(value)
    return value.strip()


#: A clock window kept as its text (``"08:00-11:30"``); `parse_window` gives the minutes.
Window = Annotated[str, BeforeValidator(_window)]
