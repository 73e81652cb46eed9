"""Moved to `tariffs.model.bill` (this path stays for one release)."""

from tariffs.model.bill import *  # noqa: F403
from tariffs.model.bill import __all__  # noqa: F401
