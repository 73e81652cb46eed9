"""Moved to `tariffs.cli.whatif` (this path stays for one release)."""

from tariffs.cli.whatif import *  # noqa: F403
from tariffs.cli.whatif import __all__  # noqa: F401
