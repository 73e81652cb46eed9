"""Shared building blocks of the YAML schema: strict base model, decimals, names, clock times."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict

__all__ = [
    "Code",
    "MonthNumber",
    "Name",
    "NonNegativeDecimal",
    "StrictModel",
    "Window",
    "exact_decimal",
    "parse_window",
    "window_spans",
]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_WINDOW = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class StrictModel(BaseModel):
    """Base of every schema model: unknown keys are errors, models are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


#: Most digits before the decimal point a number in a tariff or account may have.
MAX_INTEGER_DIGITS = 24
#: Most decimal places a number in a tariff or account may have.
MAX_DECIMAL_PLACES = 18


def exact_decimal(value: Any) -> Decimal:
    """Accept a Decimal, an int or a numeric string; never a float (floats are inexact).

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
        text = value.strip()
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
    # Bounds that keep every product and sum exact in the engine's arithmetic (it works
    # with 120 significant digits): at most 24 digits before the point, 18 after.
    shown = str(value) if isinstance(value, Decimal | int) else repr(value)
    _, digits, exponent = result.as_tuple()
    assert isinstance(exponent, int)  # noqa: S101 - finite, checked above
    if result and result.adjusted() >= MAX_INTEGER_DIGITS:
        raise ValueError(
            f"{shown} is too large: at most {MAX_INTEGER_DIGITS} digits before the point"
        )
    # Decimal places that matter: trailing zeros do not count (never normalize(): it rounds
    # to the context's precision).
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0") or "0")
    places = -(exponent + trailing)
    if places > MAX_DECIMAL_PLACES:
        raise ValueError(
            f"{shown} has {places} decimal places; at most {MAX_DECIMAL_PLACES} are allowed"
        )
    return result


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError(f"must be 0 or more, found {value}")
    return value


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
NonNegativeDecimal = Annotated[
    Decimal, BeforeValidator(exact_decimal), AfterValidator(_non_negative)
]
Name = Annotated[str, AfterValidator(_name)]
Code = Annotated[str, AfterValidator(_code)]
MonthNumber = Annotated[int, AfterValidator(_month)]


def parse_window(text: str) -> tuple[int, int]:
    """Parse a half-open clock window ``"HH:MM-HH:MM"`` into minutes of the day.

    The end may be ``24:00``; an end before the start crosses midnight. A window whose
    start equals its end is refused (write ``00:00-24:00`` for the whole day).

    >>> parse_window("22:00-06:00")
    (1320, 360)
    """
    match = _WINDOW.match(text.strip())
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
