"""Moved to `tariffs.engine.charges` (this path stays for one release)."""

from tariffs.engine.charges import *  # noqa: F403
from tariffs.engine.charges import __all__  # noqa: F401
