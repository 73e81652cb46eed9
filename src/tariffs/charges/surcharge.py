"""Moved to `tariffs.engine.charges.surcharge` (this path stays for one release)."""

from tariffs.engine.charges.surcharge import *  # noqa: F403
from tariffs.engine.charges.surcharge import __all__  # noqa: F401
