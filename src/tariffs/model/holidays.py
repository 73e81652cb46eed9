"""Schema of the holiday calendars shipped with the engine.

A holiday calendar lists, per year, the days off that a government declares (statutory
holidays, with the weekend days moved next to them) and the make-up workdays that pay
for the moved days (in China 调休上班: a Saturday or Sunday worked as a weekday). Each
year cites the notice it was transcribed from. A tariff names a calendar by its country
code (``holidays: CN`` on a day type); the data lives in ``tariffs/calendars/<code>.yaml``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from typing import Annotated, Protocol

from pydantic import AfterValidator, Field, model_validator

from tariffs.model.common import PlainDate, StrictModel, WholeNumber

__all__ = [
    "SHIPPED_CALENDARS",
    "Amendment",
    "HolidayCalendar",
    "HolidaySpan",
    "NoticeYear",
    "DaysOff",
    "check_calendar_name",
]

#: Country code → data file of the calendars shipped in ``tariffs/calendars``.
SHIPPED_CALENDARS = {"CN": "cn.yaml"}


_COUNTRY_CODE = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")


def check_calendar_name(value: str) -> str:
    """A calendar name a tariff may use.

    The country code of a shipped calendar (``CN``), or of a country (and subdivision,
    ``US-CA``) of the optional `holidays` package (``pip install tariffs[holidays]``).
    """
    if value in SHIPPED_CALENDARS:
        return value
    shipped = ", ".join(sorted(SHIPPED_CALENDARS))
    if not _COUNTRY_CODE.match(value):
        raise ValueError(
            f"{value!r} is not a country code such as 'CN' or 'US-CA' (shipped: {shipped})"
        )
    if importlib.util.find_spec("holidays") is None:
        raise ValueError(
            f"no holiday calendar {value!r} is shipped (shipped: {shipped}); other countries "
            "come from the optional 'holidays' package: install tariffs[holidays]"
        )
    import holidays

    country, _, subdivision = value.partition("-")
    supported = holidays.list_supported_countries()
    if country not in supported or (subdivision and subdivision not in supported[country]):
        raise ValueError(f"the 'holidays' package has no calendar {value!r}")
    return value


#: The name of a holiday calendar: a shipped one (``CN``) or the `holidays` package's.
CalendarName = Annotated[str, AfterValidator(check_calendar_name)]


class DaysOff(Protocol):
    """What the engine asks of a holiday calendar, one calendar year at a time."""

    def days_off(self, year: int) -> dict[dt.date, tuple[str, ...]]:
        """The days off of ``year`` and their holidays' names; ValueError if not covered."""
        ...

    def workdays(self, year: int) -> frozenset[dt.date]:
        """The make-up workdays of ``year``; ValueError if not covered."""
        ...


class HolidaySpan(StrictModel):
    """Consecutive days off, as a notice writes them (first and last day inclusive).

    Attributes:
        festivals: The festivals the span is for (two when a notice joins them, e.g.
            国庆节 and 中秋节).
        first: First day off.
        last: Last day off (inclusive).
        days: The number of days the notice states (共N天); checked against the dates.
        notice: The later notice that declared the span, when not the year's own.
    """

    festivals: list[str] = Field(min_length=1)
    first: PlainDate
    last: PlainDate
    days: WholeNumber = Field(ge=1)
    notice: str | None = None

    @model_validator(mode="after")
    def _count(self) -> HolidaySpan:
        counted = (self.last - self.first).days + 1
        if counted != self.days:
            raise ValueError(
                f"{self.first} to {self.last} is {counted} days, the notice says {self.days}"
            )
        return self

    def dates(self) -> list[dt.date]:
        """Every day of the span."""
        return [self.first + dt.timedelta(days=i) for i in range(self.days)]


class Amendment(StrictModel):
    """A later notice that changed a year's days (e.g. the 2020 Spring Festival extension)."""

    notice: str
    number: str
    published: PlainDate
    url: str
    change: str


class NoticeYear(StrictModel):
    """The days off and make-up workdays of one year, and the notice that declared them.

    Attributes:
        notice: Title of the notice.
        number: Its document number (e.g. 国办发明电〔2023〕7号).
        published: Its date.
        url: Where it is published.
        amended_by: Later notices that changed the year's days.
        holidays: Spans of days off.
        workdays: Make-up workdays: weekend days worked as weekdays (a span or workday
            may fall in the December before the year).
    """

    notice: str
    number: str
    published: PlainDate
    url: str = Field(pattern=r"^https?://")
    amended_by: list[Amendment] = []
    holidays: list[HolidaySpan] = Field(min_length=1)
    workdays: list[PlainDate] = []


class HolidayCalendar(StrictModel):
    """A country's holiday calendar: one `NoticeYear` per covered year.

    Days of a calendar year ``Y`` come from the notice of ``Y`` and, for late December,
    from the notice of ``Y + 1`` when it is shipped (a New Year span can start on 31
    December). A year without a notice is not covered: asking for it is an error.
    """

    country: str
    name: str
    reference: str
    festivals: list[str] = Field(min_length=1)
    years: dict[int, NoticeYear] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> HolidayCalendar:
        off: dict[dt.date, int] = {}
        for year, notice in self.years.items():
            for span in notice.holidays:
                unknown = [f for f in span.festivals if f not in self.festivals]
                if unknown:
                    raise ValueError(f"{year}: festival {unknown[0]!r} is not in 'festivals'")
                for day in span.dates():
                    if not (year - 1, 12) <= (day.year, day.month) <= (year, 12):
                        raise ValueError(f"{year}: day off {day} is outside the year")
                    if day in off:
                        raise ValueError(f"{year}: day off {day} is listed twice")
                    off[day] = year
            for day in notice.workdays:
                if not (year - 1, 12) <= (day.year, day.month) <= (year, 12):
                    raise ValueError(f"{year}: make-up workday {day} is outside the year")
                if day.weekday() < 5:
                    raise ValueError(
                        f"{year}: make-up workday {day} is a {day:%A}, not a weekend day"
                    )
                if day in off:
                    raise ValueError(f"{year}: {day} is both a day off and a make-up workday")
        return self

    @property
    def covered_years(self) -> list[int]:
        """The years whose notice is shipped, in order."""
        return sorted(self.years)

    def covers(self, year: int) -> bool:
        """Whether the days off and make-up workdays of ``year`` are known."""
        return year in self.years

    def _check_covered(self, year: int) -> None:
        if not self.covers(year):
            years = self.covered_years
            whole = years == list(range(years[0], years[-1] + 1))
            span = f"{years[0]}-{years[-1]}" if whole else ", ".join(map(str, years))
            raise ValueError(
                f"the {self.country} holiday calendar covers {span}, not {year} "
                "(its notice is not shipped); a day of an uncovered year is never guessed"
            )

    def days_off(self, year: int) -> dict[dt.date, tuple[str, ...]]:
        """The days off of calendar year ``year`` and their festivals.

        Raises:
            ValueError: The year is not covered.
        """
        self._check_covered(year)
        found: dict[dt.date, tuple[str, ...]] = {}
        for notice_year in (year, year + 1):
            notice = self.years.get(notice_year)
            for span in notice.holidays if notice else []:
                for day in span.dates():
                    if day.year == year:
                        found[day] = tuple(span.festivals)
        return found

    def workdays(self, year: int) -> frozenset[dt.date]:
        """The make-up workdays of calendar year ``year``.

        Raises:
            ValueError: The year is not covered.
        """
        self._check_covered(year)
        return frozenset(
            day
            for notice_year in (year, year + 1)
            for day in (self.years[notice_year].workdays if notice_year in self.years else [])
            if day.year == year
        )
