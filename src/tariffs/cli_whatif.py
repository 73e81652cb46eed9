"""Moved to `tariffs.cli.compare` and `tariffs.cli.portfolio` (this path stays for one release)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from tariffs.cli import compare, portfolio

__all__ = ["COMMANDS", "add_parsers"]

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "compare": compare.run,
    "portfolio": portfolio.run,
}


def add_parsers(commands: Any, readings_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``compare`` and ``portfolio`` to the ``tariffs`` parser (``readings_options`` unused)."""
    del readings_options
    compare.add_parser(commands)
    portfolio.add_parser(commands)
