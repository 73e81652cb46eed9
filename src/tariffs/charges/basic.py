"""Moved to `tariffs.engine.charges.basic` (this path stays for one release)."""

from tariffs.engine.charges.basic import *  # noqa: F403
from tariffs.engine.charges.basic import __all__  # noqa: F401
