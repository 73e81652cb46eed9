"""Moved to `tariffs.io.safe_yaml` (this path stays for one release)."""

from tariffs.io.safe_yaml import *  # noqa: F403
from tariffs.io.safe_yaml import __all__  # noqa: F401
