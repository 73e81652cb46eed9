"""Moved to `tariffs.io.render.bills` (this path stays for one release)."""

from tariffs.io.render.bills import *  # noqa: F403
from tariffs.io.render.bills import __all__  # noqa: F401
