"""Moved to `tariffs.engine.adjustments.power_factor` (this path stays for one release)."""

from tariffs.engine.adjustments.power_factor import *  # noqa: F403
from tariffs.engine.adjustments.power_factor import __all__  # noqa: F401
