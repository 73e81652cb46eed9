"""The in-memory form of interval readings.

Quantities are kept as plain integers in units of ``10**-scale`` (for ``scale == 3``,
``12.5 kWh`` is ``12500``), so that sums are exact and the hot loops of aggregation work
on lists of ints, never on `Decimal` or `datetime` objects per interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import InitVar, dataclass, field, replace
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal
from typing import Any, Literal

from tariffs.errors import ReadingsError

__all__ = [
    "CLOCKS",
    "QUANTITY_COLUMNS",
    "Axis",
    "Clock",
    "Readings",
    "RegisterRead",
    "RegisterReads",
    "to_decimal",
]

#: Optional quantity columns besides ``kwh``, as named in the readings contract.
QUANTITY_COLUMNS = ("kvarh", "export_kwh", "kw")

#: The clocks a CSV start written without a UTC offset can be on: the zone's local time,
#: or its standard time all year (`tariffs.io.readings.csv_reader.read_on_standard_time`).
CLOCKS = ("local", "standard")
Clock = Literal["local", "standard"]


_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)

#: A time axis as a value: ``(first start, interval [s], count, gaps)`` (see `Readings.axis`).
Axis = tuple[int, int, int, tuple[tuple[int, int], ...]]

#: The default of ``axis_checked``: the starts are checked at construction.
_UNCHECKED: Axis = (0, 0, -1, ())


def to_decimal(value: int, scale: int) -> Decimal:
    """Turn an integer in units of ``10**-scale`` into an exact `Decimal`.

    >>> to_decimal(12500, 3)
    Decimal('12.500')
    """
    # A context wide enough that scaling an int never rounds it.
    return Decimal(value).scaleb(-scale, _EXACT)


@dataclass(frozen=True, slots=True, eq=True)
class Readings:
    """Uniform interval readings of one meter, exact.

    Attributes:
        source: Where the readings came from (a file name), for messages.
        interval_seconds: Length of every interval [s].
        starts: Interval starts as UTC epoch seconds, strictly increasing; consecutive
            starts differ by `interval_seconds` except across `gaps`.
        scale: Quantities are integers in units of ``10**-scale``.
        kwh: Imported active energy per interval [kWh × 10**scale].
        kvarh: Reactive energy per interval [kvarh × 10**scale], or None.
        export_kwh: Exported active energy per interval [kWh × 10**scale], or None.
        kw: Demand reported by the meter per interval [kW × 10**scale], or None.
        gaps: Missing spans ``(start, end)`` in UTC epoch seconds, end exclusive. Only
            present when a reader was told to allow gaps; a bill over a gap says so.
        notes: What was done to the readings after they were read (re-dated into another
            year, for one), said on every bill priced from them.
        estimated: Spans ``(start, end)`` (UTC epoch seconds, end exclusive) whose
            intervals were not read but estimated (`tariffs.engine.estimate`); every bill
            over them says how many intervals and kWh were estimated.
        estimated_by: The estimation method of `estimated`, as declared (``like-days:4``).
        axis: The time axis as a value, ``(first start, interval, count, gaps)``, worked
            out at construction. Readings with equal axes have equal `starts`, so what is
            derived from the starts alone (which intervals fall in which period of a
            tariff) can be shared between meters. None when the starts do not follow the
            documented invariant (each start one interval after the previous, except
            across `gaps`); nothing is shared then.
        axis_checked: Only for readers that have checked the invariant themselves while
            building `starts`: the axis they found (saves one pass over the starts).
    """

    source: str
    interval_seconds: int
    starts: list[int]
    scale: int
    kwh: list[int]
    kvarh: list[int] | None = None
    export_kwh: list[int] | None = None
    kw: list[int] | None = None
    gaps: tuple[tuple[int, int], ...] = field(default=())
    notes: tuple[str, ...] = field(default=())
    estimated: tuple[tuple[int, int], ...] = field(default=())
    estimated_by: str | None = None
    axis: Axis | None = field(init=False, compare=False)
    axis_checked: InitVar[Axis | None] = _UNCHECKED

    def __post_init__(self, axis_checked: Axis | None) -> None:
        """Check the invariants every reader must guarantee, and find the time axis."""
        n = len(self.starts)
        if self.interval_seconds <= 0 or 86400 % self.interval_seconds:
            raise ReadingsError(
                f"interval of {self.interval_seconds} s does not divide a day",
                file=self.source,
            )
        if self.scale < 0 or self.scale > 9:
            raise ReadingsError(f"scale {self.scale} is outside 0..9", file=self.source)
        for name in ("kwh", *QUANTITY_COLUMNS):
            column = getattr(self, name)
            if column is not None and len(column) != n:
                raise ReadingsError(
                    f"column {name} has {len(column)} values for {n} intervals",
                    file=self.source,
                )
        axis = axis_checked if axis_checked is not _UNCHECKED else self._uniform_axis()
        object.__setattr__(self, "axis", axis)

    def __len__(self) -> int:
        return len(self.starts)

    def _uniform_axis(self) -> Axis | None:
        """The axis, if every start is one interval after the previous (gaps aside)."""
        starts, step = self.starts, self.interval_seconds
        if not starts:
            return None
        expected: list[int] = []
        cursor = starts[0]
        for gap_start, gap_end in self.gaps:
            expected.extend(range(cursor, gap_start, step))
            cursor = gap_end
        left = max(0, len(starts) - len(expected))
        expected.extend(range(cursor, cursor + left * step, step))
        return (starts[0], step, len(starts), self.gaps) if expected == starts else None

    @property
    def end(self) -> int:
        """UTC epoch seconds just after the last interval (exclusive)."""
        return self.starts[-1] + self.interval_seconds if self.starts else 0

    def total(self, column: str = "kwh") -> Decimal:
        """Exact sum of one quantity column [its unit]."""
        values: Sequence[int] | None = getattr(self, column)
        if values is None:
            raise ReadingsError(f"no {column} column", file=self.source)
        return to_decimal(sum(values), self.scale)

    def multiplied(self, multiplier: Decimal) -> Readings:
        """Register readings times a metering multiplier (倍率), exactly.

        Raises:
            ReadingsError: The product would need more than 9 decimal places.
        """
        return self.multiplied_in_parts([multiplier], [])

    def multiplied_in_parts(self, multipliers: Sequence[Decimal], cuts: Sequence[int]) -> Readings:
        """Register readings times the multiplier of their part of time, exactly.

        Args:
            multipliers: The multiplier of each part, in time order.
            cuts: UTC epoch seconds at which each part after the first starts (one fewer
                than ``multipliers``, increasing): intervals starting before ``cuts[0]``
                are multiplied by ``multipliers[0]``, and so on.

        Raises:
            ReadingsError: A product would need more than 9 decimal places.

        >>> r = Readings("r.csv", 3600, [0, 3600, 7200], 3, [1000, 1000, 1500])
        >>> r.multiplied_in_parts([Decimal(20), Decimal("0.5")], [7200]).kwh
        [200000, 200000, 7500]
        """
        places = 0
        for multiplier in multipliers:
            exponent = multiplier.normalize().as_tuple().exponent
            places = max(places, max(0, -exponent) if isinstance(exponent, int) else 0)
        scale = self.scale + places
        if scale > 9:
            raise ReadingsError(
                f"multiplier{'s' if len(multipliers) > 1 else ''} "
                f"{', '.join(str(m) for m in multipliers)} needs more than 9 decimal places",
                file=self.source,
            )
        factors = [int(multiplier.scaleb(places)) for multiplier in multipliers]
        from bisect import bisect_left

        bounds = [0, *(bisect_left(self.starts, cut) for cut in cuts), len(self.starts)]

        def times(column: list[int] | None) -> list[int] | None:
            if column is None:
                return None
            if len(factors) == 1:
                factor = factors[0]
                return [value * factor for value in column]
            return [
                value * factor
                for k, factor in enumerate(factors)
                for value in column[bounds[k] : bounds[k + 1]]
            ]

        return self.with_values(
            scale=scale,
            kwh=times(self.kwh),
            kvarh=times(self.kvarh),
            export_kwh=times(self.export_kwh),
            kw=times(self.kw),
        )

    def with_values(self, **changes: Any) -> Readings:
        """The same intervals with other quantity columns or scale; the axis is kept.

        Raises:
            TypeError: A change that is not ``scale``, ``kwh`` or a quantity column.
        """
        unknown = changes.keys() - {"scale", "kwh", *QUANTITY_COLUMNS}
        if unknown:
            raise TypeError(f"not a quantity column: {', '.join(sorted(unknown))}")
        return replace(self, axis_checked=self.axis, **changes)

    def slice(self, start: int, end: int) -> Readings:
        """The intervals whose start lies in ``[start, end)`` (UTC epoch seconds)."""
        from bisect import bisect_left

        i = bisect_left(self.starts, start)
        j = bisect_left(self.starts, end)

        def cut(column: list[int] | None) -> list[int] | None:
            return None if column is None else column[i:j]

        gaps = tuple((a, b) for a, b in self.gaps if a < end and b > start)
        return Readings(
            source=self.source,
            interval_seconds=self.interval_seconds,
            starts=self.starts[i:j],
            scale=self.scale,
            kwh=self.kwh[i:j],
            kvarh=cut(self.kvarh),
            export_kwh=cut(self.export_kwh),
            kw=cut(self.kw),
            gaps=gaps,
            notes=self.notes,
            estimated=tuple((a, b) for a, b in self.estimated if a < end and b > start),
            estimated_by=self.estimated_by,
        )


@dataclass(frozen=True, slots=True)
class RegisterRead:
    """One read of a meter's cumulative kWh register.

    Attributes:
        instant: When it was read, UTC epoch seconds.
        kwh: The register [kWh], exactly as written.
        line: The line of the file it was read from.
        text: The value as written, for messages.
        time_text: The time as written, for messages.
    """

    instant: int
    kwh: Decimal
    line: int
    text: str
    time_text: str


@dataclass(frozen=True, slots=True)
class RegisterReads:
    """The register reads of one file, in time order and never going down.

    Attributes:
        source: The file they were read from, for messages.
        reads: The reads.
    """

    source: str
    reads: tuple[RegisterRead, ...]
