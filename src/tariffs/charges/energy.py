"""Moved to `tariffs.engine.charges.energy` (this path stays for one release)."""

from tariffs.engine.charges.energy import *  # noqa: F403
from tariffs.engine.charges.energy import __all__  # noqa: F401
