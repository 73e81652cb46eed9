"""Moved to `tariffs.engine.charges.dynamic` (this path stays for one release)."""

from tariffs.engine.charges.dynamic import *  # noqa: F403
from tariffs.engine.charges.dynamic import __all__  # noqa: F401
