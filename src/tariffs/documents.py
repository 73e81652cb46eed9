"""Moved to `tariffs.io.tables` (this path stays for one release)."""

from tariffs.io.tables import *  # noqa: F403
from tariffs.io.tables import __all__  # noqa: F401
