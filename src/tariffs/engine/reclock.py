"""Readings moved from one wall clock to another: a load shape priced in another zone.

A Green Button file holds instants; a household in California starts its day at 08:00
UTC. Priced under a tariff in Asia/Shanghai, those instants fall at 16:00 local time, and
the evening peak lands in the morning. An analyst who prices the *shape* under a tariff
elsewhere wants each reading at the same wall-clock time: `reclock` moves every interval
from the wall clock of one zone to the same wall-clock times in another, keeping every
reading exactly (nothing is scaled, filled or invented), and says so on every bill
(`Readings.notes`).

Each interval's start and end are read on the source clock and placed at the same local
date and time on the target clock. Daily readings that follow local days (23 or 25 hours
long on the days the source clocks change) become days of the target clock. Where the
source or target clock changes inside the readings' intervals, the moved intervals would
not all be of one length (an hour that the clocks skip, one they repeat): that is refused,
and a zone on standard time all year (``Etc/GMT+8``) is the way to keep the hours.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tariffs.engine.clock import standard_time
from tariffs.errors import ReadingsError
from tariffs.model.bill import BillWarning
from tariffs.model.readings import Readings

__all__ = ["WallClock", "reclock"]


class WallClock:
    """Moves instants from the wall clock of one zone to the same wall time in another.

    >>> clock = WallClock("America/Los_Angeles", "Asia/Shanghai", "r.xml")
    >>> clock.move(1293868800)  # 2011-01-01T00:00 in Los Angeles (08:00Z)
    1293811200

    Raises:
        ReadingsError: An unknown zone.
    """

    def __init__(self, source_timezone: str, timezone: str, source: str) -> None:
        self.source_timezone = source_timezone
        self.timezone = timezone
        self.source = source
        self._source_zone = _zone(source_timezone, source)
        self._zone = _zone(timezone, source)

    @property
    def note(self) -> BillWarning:
        """What the bill says about the move."""
        return BillWarning(
            f"readings moved from the wall clock of {self.source_timezone} to that of "
            f"{self.timezone}: each interval keeps its local date and time",
            "reclocked",
            (("from", self.source_timezone), ("to", self.timezone)),
        )

    def wall(self, instant: int) -> str:
        """The wall-clock time of an instant on the source clock, for messages."""
        return f"{dt.datetime.fromtimestamp(instant, self._source_zone):%Y-%m-%dT%H:%M}"

    def move(self, instant: int) -> int:
        """The instant at which the target clock shows what the source clock shows at ``instant``.

        Raises:
            ReadingsError: The target clock skips or repeats that wall time.
        """
        wall = dt.datetime.fromtimestamp(instant, self._source_zone).replace(tzinfo=None)
        target = _instant(wall, self._zone)
        if target is None:
            standard = standard_time(self.timezone, wall.year)
            on_standard = (
                f"UTC{standard.text}" if standard.zone is None
                else f"{standard.zone} (a URDB record: --timezone {standard.zone})"
            )  # fmt: skip
            raise ReadingsError(
                f"cannot move the readings to the wall clock of {self.timezone}: "
                f"{wall:%Y-%m-%dT%H:%M} there is skipped or repeated by a clock change; "
                "price them under a tariff on standard time all year, "
                f"{on_standard}, or price their instants without --wall-clock (a CSV file "
                "on standard time all year is read so with --clock standard, or gives them "
                "with a UTC offset on every row)",
                file=self.source,
            )
        return target

    def move_interval(self, start: int, length: int) -> tuple[int, int]:
        """An interval's start and length once both its ends are moved."""
        first = self.move(start)
        return first, self.move(start + length) - first

    def move_readings(self, readings: Readings) -> Readings:
        """The readings moved to the target clock (see `reclock`)."""
        if self.source_timezone == self.timezone or not readings.starts:
            return readings
        step = readings.interval_seconds
        starts = readings.starts
        # Each interval ends where the next begins, but at a gap and after the last.
        moved = [self.move(start) for start in starts]
        ends = moved[1:] + [self.move(starts[-1] + step)]
        for index, (a, b) in enumerate(zip(starts, starts[1:], strict=False)):
            if b != a + step:
                ends[index] = self.move(a + step)
        interval = ends[0] - moved[0]
        for start, first, end in zip(starts, moved, ends, strict=True):
            if end - first != interval:
                raise self.length_error(start, end - first, interval)
        gaps = tuple((self.move(first), self.move(after)) for first, after in readings.gaps)
        return Readings(
            source=readings.source,
            interval_seconds=interval,
            starts=moved,
            scale=readings.scale,
            kwh=readings.kwh,
            kvarh=readings.kvarh,
            export_kwh=readings.export_kwh,
            kw=readings.kw,
            gaps=gaps,
            notes=(*readings.notes, self.note),
        )

    def length_error(self, start: int, length: int, interval: int) -> ReadingsError:
        """The error for an interval whose moved length differs from the others'."""
        year = dt.datetime.fromtimestamp(start, self._source_zone).year
        standard = standard_time(self.source_timezone, year)
        instead = (
            f"--wall-clock {standard.zone}, the standard time of {self.source_timezone}"
            if standard.zone is not None
            else f"a zone on standard time all year (UTC{standard.text})"
        )
        return ReadingsError(
            f"moved to the wall clock of {self.timezone}, the interval from "
            f"{self.wall(start)} ({self.source_timezone}) would last {length} s, not "
            f"{interval} s as the others: a clock changes inside it; move readings of a "
            f"clock without changes instead ({instead})",
            file=self.source,
        )


def reclock(readings: Readings, source_timezone: str, timezone: str) -> Readings:
    """The readings at the same wall-clock times in ``timezone`` as in ``source_timezone``.

    Args:
        readings: The readings to move.
        source_timezone: IANA zone whose wall clock the readings keep (e.g. the meter's).
        timezone: IANA zone to move them into (the tariff's).

    Returns:
        The moved readings, whose `Readings.notes` say what was done. Readings already on
        the target clock (the same zone) are returned unchanged.

    Raises:
        ReadingsError: An unknown zone; a wall-clock time that the target clock skips or
            repeats; or intervals that would not all have one length once moved.
    """
    return WallClock(source_timezone, timezone, readings.source).move_readings(readings)


def _zone(name: str, source: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ReadingsError(f"unknown time zone {name!r}", file=source) from None


def _instant(wall: dt.datetime, zone: ZoneInfo) -> int | None:
    """The one instant at which ``zone``'s clock shows ``wall``, or None (skipped, repeated)."""
    early = wall.replace(tzinfo=zone, fold=0)
    late = wall.replace(tzinfo=zone, fold=1)
    if early.utcoffset() != late.utcoffset():
        return None
    instant = int(early.timestamp())
    # A time the clocks skip reads back as another wall time.
    back = dt.datetime.fromtimestamp(instant, zone).replace(tzinfo=None)
    return instant if back == wall else None
