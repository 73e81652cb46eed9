"""Interval readings: the exact in-memory form and the readers that build it."""

from tariffs.readings.csv_reader import parse_readings_csv, read_readings_csv
from tariffs.readings.greenbutton import parse_greenbutton, read_greenbutton
from tariffs.readings.model import QUANTITY_COLUMNS, Readings, to_decimal

__all__ = [
    "QUANTITY_COLUMNS",
    "Readings",
    "parse_greenbutton",
    "parse_readings_csv",
    "read_greenbutton",
    "read_readings_csv",
    "to_decimal",
]
