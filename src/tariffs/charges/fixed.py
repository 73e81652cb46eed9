"""Moved to `tariffs.engine.charges.fixed` (this path stays for one release)."""

from tariffs.engine.charges.fixed import *  # noqa: F403
from tariffs.engine.charges.fixed import __all__  # noqa: F401
