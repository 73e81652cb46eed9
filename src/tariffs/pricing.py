"""Moved to `tariffs.engine.pricing` (this path stays for one release)."""

from tariffs.engine.pricing import *  # noqa: F403
from tariffs.engine.pricing import __all__  # noqa: F401
