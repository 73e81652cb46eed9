"""tariffs: exact, itemised electricity bills from tariff tables and interval readings."""

__version__ = "0.1.0"
