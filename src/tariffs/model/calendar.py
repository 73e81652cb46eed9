"""Schema of seasons, day types and time-of-use periods."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from tariffs.model.common import (
    MonthNumber,
    Name,
    PlainDate,
    StrictModel,
    Window,
    check_ascii_digits,
)
from tariffs.model.holidays import CalendarName

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
    from dateutil.rrule import rrulestr  # here: only a day type with rules needs it

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

    A day listed by a day type (``dates``, ``rrules``, or a shipped calendar's days through
    ``holidays`` and ``workdays``) takes that type, whatever its weekday; every other day
    takes the weekday day type of its weekday.

    Attributes:
        weekdays: The weekdays of this type.
        dates: Holiday dates written in the table.
        rrules: Holidays as RFC 5545 recurrence rules.
        holidays: A shipped calendar (``CN``) whose days off (statutory holidays and the
            days moved next to them) take this type; may be given with ``weekdays`` (a
            weekend type that also prices holidays).
        workdays: A shipped calendar whose make-up workdays (调休上班) take this type;
            usually given on the weekday type of working days.
    """

    weekdays: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] | None = None
    dates: list[PlainDate] | None = None
    rrules: list[Annotated[str, AfterValidator(_rrule)]] | None = None
    holidays: CalendarName | None = None
    workdays: CalendarName | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> DayType:
        by_weekday = self.weekdays is not None
        by_date = self.dates is not None or self.rrules is not None
        by_calendar = self.holidays is not None or self.workdays is not None
        if (by_weekday and by_date) or not (by_weekday or by_date or by_calendar):
            raise ValueError(
                "give either 'weekdays', or 'dates' and/or 'rrules' for a day type"
                " (a calendar's 'holidays' or 'workdays' may go with either)"
            )
        return self

    @property
    def is_holiday(self) -> bool:
        """Whether this day type is defined by dates (a holiday list) rather than weekdays."""
        return self.weekdays is None

    @property
    def lists_days(self) -> bool:
        """Whether some days take this type by date (dates, rules or a calendar)."""
        return self.weekdays is None or self.holidays is not None or self.workdays is not None


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
