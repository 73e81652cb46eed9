"""Moved to `tariffs.model.account` (this path stays for one release)."""

from tariffs.model.account import *  # noqa: F403
from tariffs.model.account import __all__  # noqa: F401
