"""Moved to `tariffs.io.readings.greenbutton` (this path stays for one release)."""

from tariffs.io.readings.greenbutton import *  # noqa: F403
from tariffs.io.readings.greenbutton import __all__  # noqa: F401
