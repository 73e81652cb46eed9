"""Moved to `tariffs.engine.adjustments.tax` (this path stays for one release)."""

from tariffs.engine.adjustments.tax import *  # noqa: F403
from tariffs.engine.adjustments.tax import __all__  # noqa: F401
