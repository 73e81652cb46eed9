"""UTC offsets of IANA time zones: at an instant, over a span, and on each local day.

Times are whole seconds. A UTC instant is counted from the Unix epoch; a wall time (the
zone's clock) is counted from 1970-01-01T00:00 on that clock, so that a local day is the
wall times ``[n * 86400, (n + 1) * 86400)``. An offset is wall time minus UTC [s].

The offsets of a zone are found by one scanner: per calendar year, it samples the offset
every 6 hours and bisects each change down to the second. It is exact as long as a zone
never changes its offset twice within 6 hours; in the tz database (release 2025b, every
zone, every transition of its compiled files) any two changes of a zone's offset are more
than 3 days apart. The runs of a year are kept (`tariffs.engine._kept.zone_offsets`), so
the engine's classification of intervals (`utc_offset_runs`) and the readers' checks of
local days (`local_day_offsets`, kept in ``local_day_offsets``) share one scan.

Example:
    >>> change = 1743296400  # 2025-03-30T01:00Z: London moves from GMT to BST
    >>> utc_offset_runs("Europe/London", change - 3600, change + 3600)
    [(1743292800, 1743296400, 0), (1743296400, 1743300000, 3600)]
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import os
import struct
import zoneinfo
from bisect import bisect_left
from typing import NamedTuple
from zoneinfo import ZoneInfo

from tariffs.engine import _kept

__all__ = ["StandardTime", "local_day_offsets", "standard_time", "utc_offset", "utc_offset_runs"]

_SECONDS_PER_DAY = 86400
#: Zones of one fixed offset besides the ``Etc/...`` ones (the tz database's backward names).
_FIXED_ZONES = frozenset({"UTC", "GMT", "UCT", "Universal", "Zulu", "Greenwich"})
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def utc_offset(zone: ZoneInfo, utc: int) -> int:
    """The zone's UTC offset [s] at a UTC instant [s since the epoch].

    >>> utc_offset(ZoneInfo("America/Los_Angeles"), 1751328000)  # 2025-07-01T00:00Z
    -25200
    """
    delta = dt.datetime.fromtimestamp(utc, zone).utcoffset()
    if delta is None:  # pragma: no cover - ZoneInfo always knows its offset
        raise ValueError("time zone gave no UTC offset")
    return delta.days * _SECONDS_PER_DAY + delta.seconds


class StandardTime(NamedTuple):
    """A zone's standard time: its offset, and the fixed-offset zone of that clock.

    Attributes:
        offset: The standard UTC offset [s].
        text: The offset as ISO 8601 writes it after a time, ``-07:00``.
        zone: The ``Etc/GMT`` zone on that clock all year (``Etc/GMT+7`` for -07:00: the
            tz database's ``Etc`` names invert the sign), or None for an offset that is
            not a whole number of hours (no ``Etc`` zone has it).
    """

    offset: int
    text: str
    zone: str | None


def standard_time(timezone: str, year: int) -> StandardTime:
    """The standard time of a zone in a year: the smaller of its offsets in January and July.

    Daylight saving time moves the clocks forward, so standard time is the smaller offset:
    January's in the northern hemisphere, July's in the southern.

    >>> standard_time("America/Denver", 2025)
    StandardTime(offset=-25200, text='-07:00', zone='Etc/GMT+7')
    >>> standard_time("Australia/Sydney", 2025).zone
    'Etc/GMT-10'
    >>> standard_time("Australia/Adelaide", 2025)
    StandardTime(offset=34200, text='+09:30', zone=None)
    """
    zone = ZoneInfo(timezone)
    offsets = []
    for month in (1, 7):
        noon = int(dt.datetime(year, month, 1, 12, tzinfo=dt.UTC).timestamp())
        offsets.append(utc_offset(zone, noon))
    offset = min(offsets)
    sign = "-" if offset < 0 else "+"
    hours, rest = divmod(abs(offset), 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{sign}{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")
    if rest:
        return StandardTime(offset, text, None)
    if offset == 0:
        return StandardTime(offset, text, "Etc/GMT")
    return StandardTime(offset, text, f"Etc/GMT{'+' if offset < 0 else '-'}{hours}")


def _year_offsets(timezone: str, year: int) -> tuple[tuple[int, int], ...]:
    """Constant-offset runs of one year: ``(utc_start, offset_seconds)`` in time order.

    The runs cover the UTC year and one day on either side of it; the first entry is the
    start of that span, every later one a change of offset.
    """
    found: tuple[tuple[int, int], ...] | None = _kept.zone_offsets.get((timezone, year))
    if found is None:
        found = _kept.zone_offsets.keep((timezone, year), _scan_year(timezone, year))
    return found


def _scan_year(timezone: str, year: int) -> tuple[tuple[int, int], ...]:
    zone = ZoneInfo(timezone)
    start = int(dt.datetime(year, 1, 1, tzinfo=dt.UTC).timestamp()) - _SECONDS_PER_DAY
    end = int(dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC).timestamp()) + _SECONDS_PER_DAY
    runs = [(start, utc_offset(zone, start))]
    if timezone in _FIXED_ZONES or timezone.startswith("Etc/"):
        return tuple(runs)  # the tz database's fixed-offset zones never change offset
    listed = zone_file_transitions(timezone)
    if listed is not None and (not listed[1] or (listed[0] and end < listed[0][-1])):
        # Between the instants its file lists, a zone keeps its offset, and after the
        # last one too when no daylight-saving rule follows them: the offset can only
        # change at a listed instant, so the scan asks only there.
        for t in listed[0]:
            if start < t <= end:
                offset = utc_offset(zone, t)
                if offset != runs[-1][1]:
                    runs.append((t, offset))
        return tuple(runs)
    return _sampled_year(zone, start, end, runs)


def zone_file_transitions(timezone: str) -> tuple[list[int], bool] | None:
    """The instants of change that a zone's compiled file (TZif) lists, and if a rule follows.

    The second item tells whether a rule of daylight saving time (the file's POSIX TZ
    footer has one) follows the last listed instant. The file is the one `zoneinfo`
    reads: the first of `zoneinfo.TZPATH` that has it, else the ``tzdata`` package's.
    None when there is no such file or it cannot be read (the caller then samples).

    >>> zone_file_transitions("Asia/Shanghai")[1]
    False
    >>> zone_file_transitions("Europe/London")[1]
    True
    """
    key = ("file", timezone)
    found: tuple[list[int], bool] | None = _kept.zone_offsets.get(key)
    if found is None:
        found = _transitions(_zone_file(timezone))
        _kept.zone_offsets.keep(key, found)
    return found


def _transitions(data: bytes | None) -> tuple[list[int], bool] | None:
    if data is None or data[:4] != b"TZif" or data[4:5] < b"2":
        return None
    try:
        # Skip the version 1 block (32-bit times) to the version 2 header (RFC 8536).
        counts = struct.unpack(">6l", data[20:44])
        isut, isstd, leap, times, types, chars = counts
        at = 44 + times * 5 + types * 6 + chars + leap * 8 + isstd + isut
        if data[at : at + 4] != b"TZif":
            return None
        isut, isstd, leap, times, types, chars = struct.unpack(">6l", data[at + 20 : at + 44])
        at += 44
        instants = list(struct.unpack(f">{times}q", data[at : at + times * 8]))
        at += times * 9 + types * 6 + chars + leap * 12 + isstd + isut
        footer = data[at:].strip(b"\n")
    except struct.error:
        return None
    return instants, b"," in footer


def _zone_file(timezone: str) -> bytes | None:
    if os.path.isabs(timezone) or ".." in timezone.split("/"):
        return None
    for directory in zoneinfo.TZPATH:
        path = os.path.join(directory, timezone)
        if os.path.isfile(path):
            with open(path, "rb") as file:
                return file.read()
    try:
        return importlib.resources.files("tzdata.zoneinfo").joinpath(timezone).read_bytes()
    except (ImportError, OSError, ValueError):
        return None


def _sampled_year(
    zone: ZoneInfo, start: int, end: int, runs: list[tuple[int, int]]
) -> tuple[tuple[int, int], ...]:
    t = start
    while t < end:
        nxt = min(t + _SECONDS_PER_DAY // 4, end)
        if utc_offset(zone, nxt) != runs[-1][1]:
            low, high = t, nxt  # offset(low) == current, offset(high) differs
            while high - low > 1:
                mid = (low + high) // 2
                if utc_offset(zone, mid) == runs[-1][1]:
                    low = mid
                else:
                    high = mid
            runs.append((high, utc_offset(zone, high)))
        t = nxt
    return tuple(runs)


def utc_offset_runs(timezone: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """Split ``[start, end)`` (UTC epoch seconds) into runs of constant UTC offset.

    Args:
        timezone: IANA time zone name.
        start: First UTC instant of the span [s since the epoch].
        end: The instant after the span [s since the epoch].

    Returns:
        ``(run_start, run_end, offset_seconds)`` in time order, covering the span; empty
        when ``end <= start``.

    Example:
        >>> spring = 1741514400  # 2025-03-09T10:00Z: 02:00 PST becomes 03:00 PDT
        >>> utc_offset_runs("America/Los_Angeles", spring - 3600, spring + 1800)
        [(1741510800, 1741514400, -28800), (1741514400, 1741516200, -25200)]
    """
    if end <= start:
        return []
    first_year = dt.datetime.fromtimestamp(start, dt.UTC).year
    last_year = dt.datetime.fromtimestamp(end - 1, dt.UTC).year
    samples = sorted(
        sample
        for year in range(first_year, last_year + 1)
        for sample in _year_offsets(timezone, year)
    )
    changes: list[tuple[int, int]] = []
    for t, offset in samples:  # each year's list overlaps its neighbours by a day
        if not changes or offset != changes[-1][1]:
            changes.append((t, offset))
    times = [t for t, _ in changes]
    k = max(0, bisect_left(times, start + 1) - 1)
    runs: list[tuple[int, int, int]] = []
    cursor = start
    while cursor < end:
        offset = changes[k][1]
        next_change = changes[k + 1][0] if k + 1 < len(changes) else end
        run_end = min(end, next_change)
        runs.append((cursor, run_end, offset))
        cursor = run_end
        k += 1
    return runs


def local_day_offsets(timezone: str, year: int) -> tuple[int | None, ...]:
    """For each local day of a year, its UTC offset [s], or None if the clocks change.

    A day gets its offset when every one of its wall times occurs exactly once and with
    that offset. It gets None when a change of offset skips or repeats any of its wall
    times: a change at UTC instant ``t`` from offset ``a`` to ``b`` skips (``b > a``) or
    repeats (``b < a``) the wall times ``[t + min(a, b), t + max(a, b))``, and a day holds
    two offsets only if it holds some of those.

    Args:
        timezone: IANA time zone name.
        year: The calendar year of the local days.

    Returns:
        One entry per day, 1 January first.

    Example:
        >>> days = local_day_offsets("Europe/London", 2025)
        >>> days[0], days[87], days[88], days[89]  # 1 January, 29, 30 and 31 March
        (0, 0, None, 3600)
    """
    found: tuple[int | None, ...] | None = _kept.local_days.get((timezone, year))
    if found is None:
        found = _kept.local_days.keep((timezone, year), _day_offsets(timezone, year))
    return found


def _day_offsets(timezone: str, year: int) -> tuple[int | None, ...]:
    changes = _year_offsets(timezone, year)
    first = (dt.date(year, 1, 1).toordinal() - _EPOCH_ORDINAL) * _SECONDS_PER_DAY
    count = dt.date(year + 1, 1, 1).toordinal() - dt.date(year, 1, 1).toordinal()
    offsets: list[int | None] = []
    k = 0  # the run whose wall times hold the day's midnight
    for day in range(count):
        midnight = first + day * _SECONDS_PER_DAY
        while k + 1 < len(changes) and midnight >= changes[k + 1][0] + changes[k + 1][1]:
            k += 1
        offsets.append(changes[k][1])
    for (_, before), (t, after) in zip(changes, changes[1:], strict=False):
        low, high = t + min(before, after), t + max(before, after)
        for day in range(
            max(0, (low - first) // _SECONDS_PER_DAY),
            min(count, (high - 1 - first) // _SECONDS_PER_DAY + 1),
        ):
            offsets[day] = None
    return tuple(offsets)
