"""Moved to `tariffs.runs.batch` (this path stays for one release)."""

from tariffs.runs.batch import *  # noqa: F403
from tariffs.runs.batch import __all__  # noqa: F401
