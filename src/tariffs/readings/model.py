"""Moved to `tariffs.model.readings` (this path stays for one release)."""

from tariffs.model.readings import *  # noqa: F403
from tariffs.model.readings import __all__  # noqa: F401
