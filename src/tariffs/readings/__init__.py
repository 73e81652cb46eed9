"""Moved to `tariffs.io.readings` (this path stays for one release)."""

from tariffs.io.readings import *  # noqa: F403
from tariffs.io.readings import __all__  # noqa: F401
