"""Moved to `tariffs.engine.adjustments.minimum` (this path stays for one release)."""

from tariffs.engine.adjustments.minimum import *  # noqa: F403
from tariffs.engine.adjustments.minimum import __all__  # noqa: F401
