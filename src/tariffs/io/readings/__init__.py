"""Interval readings: the exact in-memory form and the readers that build it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tariffs.io.readings.csv_reader import parse_readings_csv, read_readings_csv
from tariffs.model.readings import QUANTITY_COLUMNS, Readings, to_decimal

if TYPE_CHECKING:
    from tariffs.io.readings.greenbutton import parse_greenbutton, read_greenbutton

__all__ = [
    "QUANTITY_COLUMNS",
    "Readings",
    "parse_greenbutton",
    "parse_readings_csv",
    "read_greenbutton",
    "read_readings_csv",
    "to_decimal",
]


def __getattr__(name: str) -> Any:
    # The Green Button reader (and its XML parser) is imported on first use: most runs
    # read CSV, and start-up time counts in `tariffs price`.
    if name in ("parse_greenbutton", "read_greenbutton"):
        from tariffs.io.readings import greenbutton

        return getattr(greenbutton, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
