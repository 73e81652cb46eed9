"""Moved to `tariffs.engine.adjustments.power_factor_tables` (this path stays for one release)."""

from tariffs.engine.adjustments.power_factor_tables import *  # noqa: F403
from tariffs.engine.adjustments.power_factor_tables import __all__  # noqa: F401
