"""Moved to `tariffs.whatif.compare` (this path stays for one release)."""

from tariffs.whatif.compare import *  # noqa: F403
from tariffs.whatif.compare import __all__  # noqa: F401
