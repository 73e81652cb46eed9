"""Schema of seasons, day types and time-of-use periods."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from dateutil.rrule import rrulestr
from pydantic import AfterValidator, Field, model_validator

from tariffs.model.common import (
    MonthNumber,
    Name,
    PlainDate,
    StrictModel,
    Window,
    check_ascii_digits,
)

__all__ = [
    "WEEKDAYS",
    "DayType",
    "MonthDay",
    "Override",
    "PeriodRule",
    "Season",
]

#: Day names in the order of `datetime.date.weekday()`.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_MONTH_DAY = re.compile(r"^([0-9]{2})-([0-9]{2})$")


def _month_day(value: str) -> str:
    match = _MONTH_DAY.match(check_ascii_digits(value))
    if not match:
        raise ValueError(f"{value!r} is not a month and day 'MM-DD' (e.g. '06-15')")
    month, day = int(match.group(1)), int(match.group(2))
    try:
        dt.date(2000, month, day)  # a leap year, so that 02-29 is allowed
    except ValueError:
        raise ValueError(f"{value!r} is not a day of the year") from None
    return value


#: A day of the year written ``MM-DD``.
MonthDay = Annotated[str, AfterValidator(_month_day)]


def _rrule(value: str) -> str:
    text = value.strip()
    if "DTSTART" in text.upper():
        raise ValueError("write the rule without DTSTART; it applies to every year billed")
    try:
        rrulestr(text, dtstart=dt.datetime(2000, 1, 1))
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not an RFC 5545 recurrence rule: {exc}") from None
    return text


class Season(StrictModel):
    """A season: a set of months, or date ranges ``MM-DD`` to ``MM-DD`` (end exclusive)."""

    months: list[MonthNumber] | None = None
    ranges: list[tuple[MonthDay, MonthDay]] | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Season:
        if (self.months is None) == (self.ranges is None):
            raise ValueError("give either 'months' or 'ranges' for a season")
        if self.months is not None and len(set(self.months)) != len(self.months):
            raise ValueError(f"a month is listed twice in {self.months}")
        return self


class DayType(StrictModel):
    """A kind of day: by weekday, or by holiday dates and recurrence rules.

    A day listed by a holiday day type (``dates`` or ``rrules``) takes that type, whatever
    its weekday; every other day takes the weekday day type of its weekday.
    """

    weekdays: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] | None = None
    dates: list[PlainDate] | None = None
    rrules: list[Annotated[str, AfterValidator(_rrule)]] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> DayType:
        by_weekday = self.weekdays is not None
        by_date = self.dates is not None or self.rrules is not None
        if by_weekday == by_date:
            raise ValueError("give either 'weekdays', or 'dates' and/or 'rrules' for a day type")
        return self

    @property
    def is_holiday(self) -> bool:
        """Whether this day type is defined by dates (a holiday list) rather than weekdays."""
        return self.weekdays is None


class PeriodRule(StrictModel):
    """Time-of-use windows for some seasons and day types.

    Attributes:
        seasons: Seasons this rule applies to; all seasons when left out.
        day_types: Day types this rule applies to; all day types when left out.
        windows: Period name → half-open clock windows ``[start, end)``.
    """

    seasons: list[Name] | None = None
    day_types: list[Name] | None = None
    windows: dict[Name, list[Window]] = Field(min_length=1)


class Override(StrictModel):
    """A window that replaces the scheduled period on some days (e.g. critical peak).

    Attributes:
        period: The period that takes over inside the windows.
        windows: Clock windows ``[start, end)``.
        months: Only in these months (all when left out).
        seasons: Only in these seasons (all when left out).
        day_types: Only on these day types (all when left out).
        replaces: Only where the schedule has one of these periods (any when left out).
        days: ``all`` (every day that matches) or ``events`` (only on declared event days:
            the account's ``critical_peak_days`` and the tariff's ``event_days``).
    """

    period: Name
    windows: list[Window] = Field(min_length=1)
    months: list[MonthNumber] | None = None
    seasons: list[Name] | None = None
    day_types: list[Name] | None = None
    replaces: list[Name] | None = None
    days: Literal["all", "events"] = "all"
