"""Moved to `tariffs.model.tariff` (this path stays for one release)."""

from tariffs.model.tariff import *  # noqa: F403
from tariffs.model.tariff import __all__  # noqa: F401
