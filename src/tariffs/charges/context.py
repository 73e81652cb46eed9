"""Moved to `tariffs.engine.charges.context` (this path stays for one release)."""

from tariffs.engine.charges.context import *  # noqa: F403
from tariffs.engine.charges.context import __all__  # noqa: F401
