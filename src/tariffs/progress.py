"""Moved to `tariffs.cli.progress` (this path stays for one release)."""

from tariffs.cli.progress import *  # noqa: F403
from tariffs.cli.progress import __all__  # noqa: F401
