"""The ``tariffs`` command (see `tariffs.cli.main`)."""

from tariffs.cli.main import main, run

__all__ = ["main", "run"]
