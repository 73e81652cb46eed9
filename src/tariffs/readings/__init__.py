"""Interval readings: the exact in-memory form and the readers that build it."""

from tariffs.readings.model import QUANTITY_COLUMNS, Readings, to_decimal

__all__ = ["QUANTITY_COLUMNS", "Readings", "to_decimal"]
