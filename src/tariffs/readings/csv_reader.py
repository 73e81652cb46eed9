"""Moved to `tariffs.io.readings.csv_reader` (this path stays for one release)."""

from tariffs.io.readings.csv_reader import *  # noqa: F403
from tariffs.io.readings.csv_reader import __all__  # noqa: F401
