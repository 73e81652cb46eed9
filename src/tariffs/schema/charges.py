"""Moved to `tariffs.model.charges` (this path stays for one release)."""

from tariffs.model.charges import *  # noqa: F403
from tariffs.model.charges import __all__  # noqa: F401
