"""Moved to `tariffs.whatif.scenarios` (this path stays for one release)."""

from tariffs.whatif.scenarios import *  # noqa: F403
from tariffs.whatif.scenarios import __all__  # noqa: F401
