"""Moved to `tariffs.engine.charges.demand` (this path stays for one release)."""

from tariffs.engine.charges.demand import *  # noqa: F403
from tariffs.engine.charges.demand import __all__  # noqa: F401
