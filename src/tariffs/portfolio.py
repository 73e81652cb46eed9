"""Moved to `tariffs.whatif.portfolio` (this path stays for one release)."""

from tariffs.whatif.portfolio import *  # noqa: F403
from tariffs.whatif.portfolio import __all__  # noqa: F401
