"""Moved to `tariffs.io.render.describe` (this path stays for one release)."""

from tariffs.io.render.describe import *  # noqa: F403
from tariffs.io.render.describe import __all__  # noqa: F401
