"""Moved to `tariffs.io.urdb` (this path stays for one release)."""

from tariffs.io.urdb import *  # noqa: F403
from tariffs.io.urdb import __all__  # noqa: F401
