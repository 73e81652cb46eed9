"""Moved to `tariffs.engine.schedule` (this path stays for one release)."""

from tariffs.engine.schedule import *  # noqa: F403
from tariffs.engine.schedule import __all__  # noqa: F401
