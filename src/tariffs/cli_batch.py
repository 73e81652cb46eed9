"""Moved to `tariffs.cli.batch` (this path stays for one release)."""

from tariffs.cli.batch import *  # noqa: F403
from tariffs.cli.batch import __all__  # noqa: F401
