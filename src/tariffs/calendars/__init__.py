"""The holiday calendars of the engine: shipped ones, and the `holidays` package's.

The shipped calendars are read once from this package's data; other countries' come
from the optional `holidays` package.

Each ``<code>.yaml`` here is one country's calendar (see `tariffs.model.holidays`), named
in a tariff by its code: ``holidays: CN``. The files are package data, like the standard
power-factor tables: they are part of the engine, not input, and a broken file is a
defect of the package that names the file and line.

Another code (``holidays: US``, ``US-CA``) is the `holidays` package's calendar of that
country (installed with ``pip install tariffs[holidays]``; never needed for CN): its days
off, within the years the package knows for the country, and no make-up workdays.

>>> sorted(calendar("CN").workdays(2024))[0]
datetime.date(2024, 2, 4)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pydantic import ValidationError

from tariffs.io.safe_yaml import input_error_from_validation, parse_yaml
from tariffs.model.holidays import (
    SHIPPED_CALENDARS,
    DaysOff,
    HolidayCalendar,
    check_calendar_name,
)

__all__ = ["PackageCalendar", "calendar", "shipped_calendar"]


@dataclass(frozen=True, slots=True)
class PackageCalendar:
    """A country's days off from the optional `holidays` package (no make-up workdays).

    Attributes:
        code: ISO 3166 country code, with a subdivision after ``-`` (``US-CA``).
    """

    code: str

    def _holidays(self, year: int) -> dict[dt.date, str]:
        import holidays

        country, _, subdivision = self.code.partition("-")
        found = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
        if not found.start_year <= year <= found.end_year:
            raise ValueError(
                f"the 'holidays' package's {self.code} calendar covers "
                f"{found.start_year}-{found.end_year}, not {year}"
            )
        return {day: str(name) for day, name in found.items() if day.year == year}

    def days_off(self, year: int) -> dict[dt.date, tuple[str, ...]]:
        """The package's holidays of ``year`` (a day with two holidays names both)."""
        return {day: tuple(name.split("; ")) for day, name in self._holidays(year).items()}

    def workdays(self, year: int) -> frozenset[dt.date]:
        """No make-up workdays: the package's calendars give days off only."""
        self._holidays(year)
        return frozenset()


@cache
def calendar(name: str) -> DaysOff:
    """The holiday calendar of a country code (e.g. ``CN``; ``US`` with `holidays`).

    Raises:
        ValueError: No calendar of that name is shipped, and the `holidays` package is not
            installed or has none.
        TariffFileError: The shipped file is broken (a defect of the package).
    """
    check_calendar_name(name)
    if name not in SHIPPED_CALENDARS:
        return PackageCalendar(name)
    return shipped_calendar(name)


@cache
def shipped_calendar(name: str) -> HolidayCalendar:
    """The calendar shipped as ``tariffs/calendars/<code>.yaml`` (e.g. ``CN``)."""
    check_calendar_name(name)
    file_name = SHIPPED_CALENDARS[name]
    text = resources.files(__name__).joinpath(file_name).read_text(encoding="utf-8")
    source = f"tariffs/calendars/{file_name}"
    document = parse_yaml(text, source)
    try:
        return HolidayCalendar.model_validate(document.data)
    except ValidationError as exc:
        raise input_error_from_validation(exc, document) from None
