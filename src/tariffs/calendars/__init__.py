"""The holiday calendars shipped with the engine, read once from this package's data.

Each ``<code>.yaml`` here is one country's calendar (see `tariffs.model.holidays`), named
in a tariff by its code: ``holidays: CN``. The files are package data, like the standard
power-factor tables: they are part of the engine, not input, and a broken file is a
defect of the package that names the file and line.

>>> calendar("CN").covers(2024)
True
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from pydantic import ValidationError

from tariffs.io.safe_yaml import input_error_from_validation, parse_yaml
from tariffs.model.holidays import SHIPPED_CALENDARS, HolidayCalendar, check_calendar_name

__all__ = ["calendar"]


@cache
def calendar(name: str) -> HolidayCalendar:
    """The shipped holiday calendar of a country code (e.g. ``CN``).

    Raises:
        ValueError: No calendar of that name is shipped.
        TariffFileError: The shipped file is broken (a defect of the package).
    """
    check_calendar_name(name)
    file_name = SHIPPED_CALENDARS[name]
    text = resources.files(__name__).joinpath(file_name).read_text(encoding="utf-8")
    source = f"tariffs/calendars/{file_name}"
    document = parse_yaml(text, source)
    try:
        return HolidayCalendar.model_validate(document.data)
    except ValidationError as exc:
        raise input_error_from_validation(exc, document) from None
