"""Moved to `tariffs.model.common` (this path stays for one release)."""

from tariffs.model.common import *  # noqa: F403
from tariffs.model.common import __all__  # noqa: F401
