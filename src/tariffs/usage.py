"""Moved to `tariffs.engine.usage` (this path stays for one release)."""

from tariffs.engine.usage import *  # noqa: F403
from tariffs.engine.usage import __all__  # noqa: F401
