"""A one-line progress bar for the many-account commands (on a terminal only)."""

from __future__ import annotations

import time
from fractions import Fraction
from typing import TextIO

__all__ = ["ProgressBar"]


class ProgressBar:
    """A bar redrawn in place on a terminal stream, a few times a second at most.

    Attributes:
        shown: Whether a line is on the stream without its line end yet.
    """

    WIDTH = 30

    def __init__(self, stream: TextIO, *, every_seconds: float = 0.2) -> None:
        self.stream = stream
        self.every_seconds = every_seconds
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False

    def draw(
        self, share: Fraction | float, before: str, after: str = "", *, final: bool = False
    ) -> None:
        """Draw ``before [####......] NN %after``; skipped when drawn moments ago."""
        now = time.monotonic()
        if not final and now - self.last < self.every_seconds:
            return
        self.last = now
        filled = int(self.WIDTH * share)
        self.stream.write(
            f"\r{before} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
            f"{int(100 * share):3d} %{after}"
        )
        self.stream.flush()
        self.shown = True

    def end_line(self) -> str:
        """What ends the bar's line before another message ("" when none is shown)."""
        if not self.shown:
            return ""
        self.shown = False
        return "\n"

    def close(self) -> None:
        """End the bar's line, if one is shown."""
        if self.shown:
            self.stream.write(self.end_line())
            self.stream.flush()
