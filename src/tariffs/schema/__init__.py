"""Moved to `tariffs.model` (this path stays for one release)."""

from tariffs.model import *  # noqa: F403
from tariffs.model import __all__  # noqa: F401
