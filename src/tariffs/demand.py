"""Moved to `tariffs.engine.measures` (this path stays for one release)."""

from tariffs.engine.measures import *  # noqa: F403
from tariffs.engine.measures import __all__  # noqa: F401
