"""Moved to `tariffs.model.calendar` (this path stays for one release)."""

from tariffs.model.calendar import *  # noqa: F403
from tariffs.model.calendar import __all__  # noqa: F401
