"""Moved to `tariffs.io.render.plot` (this path stays for one release)."""

from tariffs.io.render.plot import *  # noqa: F403
from tariffs.io.render.plot import __all__  # noqa: F401
