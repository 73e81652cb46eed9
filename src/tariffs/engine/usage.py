"""Aggregate interval readings into the usage of one billing segment.

This is the only place that walks intervals, in two steps. Planning works out from the
time axis alone which intervals fall in which season and period: one byte per interval,
the code of its season and period, where whole days copy their dates' codes from the
year's (`Schedule.year_days`, built a week of day tables at a time) in one slice, and
only days that are not whole (the ends, gaps, DST changes) are cut into runs by their
day table. Summing then selects each period's values of a plain list of ints at C speed
(by the period's mask of the codes for the first meter, then by an index list and
`operator.itemgetter`) and takes the largest period as what the others leave of the
total. Plans are kept per time axis, so the meters of a billing run, read on the same
intervals, only sum.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from itertools import compress
from operator import itemgetter

from tariffs.engine import _kept
from tariffs.engine.schedule import DayTable, Schedule, local_day_spans
from tariffs.errors import ReadingsError
from tariffs.model.account import Losses
from tariffs.model.readings import Readings, to_decimal

__all__ = [
    "Plan",
    "SpanCodes",
    "Usage",
    "add_loss_parts",
    "add_losses",
    "aggregate",
    "check_resolution",
    "plan_segment",
    "split_in_proportion",
    "split_table",
    "usage_of",
]


#: ``(season_index, period_index, first, last, minute)``: intervals ``first:last`` of the
#: readings, all in one season and period, the first starting at local ``minute`` of its day.
Slice = tuple[int, int, int, int, int]

#: ``(first, tables)``: whole days of readings from index ``first``, one day table each,
#: in time order.
DayBlock = tuple[int, tuple[DayTable, ...]]


@dataclass(frozen=True, slots=True)
class Usage:
    """What a billing segment consumed, exactly, in integer units of ``10**-scale``.

    Numbers only: what the charges of a segment price. Quantities that need the intervals
    themselves (maximum demand, energy by hour or in time order) are measured by the
    engine before pricing (`tariffs.engine.measures`) and handed over in `measured`.

    Attributes:
        source: The readings' file, for messages.
        scale: Quantities are in units of ``10**-scale``.
        total_kwh: Imported energy of the segment.
        energy: ``(season_index, period_index)`` → imported energy.
        kvarh: Reactive energy of the segment, or None without a kvarh column.
        export_kwh: Exported energy of the segment, or None without an export column.
        loss_kwh: Losses included in `total_kwh` and `energy` [kWh].
        measured: What the segment's charges asked to be measured, by measure.
    """

    source: str
    scale: int
    total_kwh: int
    energy: dict[tuple[int, int], int]
    kvarh: int | None
    export_kwh: int | None
    loss_kwh: Decimal = Decimal(0)
    measured: Mapping[object, object] = field(default_factory=dict)


def check_resolution(readings: Readings, schedule: Schedule, tariff_id: str) -> None:
    """Refuse readings whose intervals would straddle a period boundary of the schedule.

    Raises:
        ReadingsError: The interval length does not divide every period boundary.
    """
    step_minutes, remainder = divmod(readings.interval_seconds, 60)
    if remainder or schedule.granularity_minutes % step_minutes:
        raise ReadingsError(
            f"intervals of {readings.interval_seconds // 60} min cannot be split at the "
            f"{schedule.granularity_minutes}-minute period boundaries of tariff {tariff_id}; "
            "give readings at a finer interval",
            file=readings.source,
        )


def aggregate(
    readings: Readings,
    schedule: Schedule,
    timezone: str,
    start: int,
    end: int,
    event_days: frozenset[dt.date] = frozenset(),
) -> Usage:
    """Sum the readings whose interval starts in ``[start, end)`` (UTC epoch seconds).

    Args:
        readings: Validated uniform interval readings.
        schedule: The compiled calendar of the tariff version in force.
        timezone: IANA time zone of the schedule's clock hours.
        start: First second of the segment (UTC epoch seconds).
        end: First second after the segment.
        event_days: Declared event days (critical peak) of the account and tariff.
    """
    return usage_of(readings, plan_segment(readings, schedule, timezone, start, end, event_days))


def usage_of(readings: Readings, plan: Plan) -> Usage:
    """The usage of a planned segment: the plan's sums over the readings' columns."""
    first, last = plan.first, plan.last
    kwh = readings.kwh
    total = sum(kwh[first:last])
    energy = {key: add(kwh) for key, add in plan.sums}
    if plan.rest is not None:
        # The largest period is what the others leave of the total: one pass fewer.
        energy[plan.rest] = total - sum(energy.values())
    return Usage(
        source=readings.source,
        scale=readings.scale,
        total_kwh=total,
        energy=energy,
        kvarh=None if readings.kvarh is None else sum(readings.kvarh[first:last]),
        export_kwh=None if readings.export_kwh is None else sum(readings.export_kwh[first:last]),
    )


@dataclass(frozen=True, slots=True)
class Plan:
    """Which intervals of a segment fall in which season and period: the time axis alone.

    Attributes:
        first: Index of the segment's first interval.
        last: Index just after its last interval.
        blocks: Runs of whole days and their day tables (see `DayBlock`).
        others: Slices of the days that are not whole (see `Slice`).
        sums: ``(season, period)`` and a function summing that key's intervals of a column.
        rest: The key whose sum is the total less the others (every interval of the
            segment is in exactly one key), or None.
        step_seconds: Length of the readings' intervals [s].
        key: The plan as a value (schedule, zone, time axis, segment, event days) when it
            is kept for other meters, else None.
        complete: Whether the slices cover every interval from `first` to `last` (False
            for a plan cut down to some hours).
    """

    first: int
    last: int
    blocks: list[DayBlock]
    others: list[Slice]
    sums: list[tuple[tuple[int, int], Callable[[list[int]], int]]]
    rest: tuple[int, int] | None
    step_seconds: int
    key: tuple[object, ...] | None = None
    complete: bool = True

    def slices(self) -> list[Slice]:
        """Every slice of the segment in time order (kept with a kept plan)."""
        key = None if self.key is None else (self.key, "slices")
        found: list[Slice] | None = None if key is None else _kept.plan_runs.get(key)
        if found is None:
            per_day = 86400 // self.step_seconds
            found = list(self.others)
            offsets: dict[int, tuple[tuple[int, int, int, int], ...]] = {}
            for lo, tables in self.blocks:
                for day, table in enumerate(tables):
                    runs = offsets.get(id(table))
                    if runs is None:
                        runs = offsets[id(table)] = table.offsets(self.step_seconds)
                    base = lo + day * per_day
                    season = table.season
                    found.extend(
                        (season, period, base + a, base + b, minute)
                        for a, b, period, minute in runs
                    )
            found.sort(key=lambda item: item[2])
            if key is not None:
                _kept.plan_runs.keep(key, found, len(found))
        return found

    def runs_of(self, periods: frozenset[int] | None) -> list[slice]:
        """Index ranges of the intervals in some periods (None: all), in time order.

        Slices that follow each other in the readings' index are merged: a range may go
        on across midnight or a gap in time (fine for a maximum of single intervals).
        """
        key = None if self.key is None else (self.key, "runs", periods)
        found: list[slice] | None = None if key is None else _kept.plan_runs.get(key)
        if found is None:
            found = []
            end = -1
            for _, period, a, b, _ in self.slices():
                if periods is not None and period not in periods:
                    continue
                if a == end:
                    found[-1] = slice(found[-1].start, b)
                else:
                    found.append(slice(a, b))
                end = b
            if key is not None:
                _kept.plan_runs.keep(key, found, len(found))
        return found


def plan_segment(
    readings: Readings,
    schedule: Schedule,
    timezone: str,
    start: int,
    end: int,
    event_days: frozenset[dt.date],
    span: Callable[[], SpanCodes | None] | None = None,
) -> Plan:
    """Which intervals of ``[start, end)`` fall in which season and period (see `aggregate`).

    Plans are kept by time axis (`tariffs.engine._kept.segment_plans`), so meters read
    on the same intervals share them. ``span`` gives the codes of a span the segment is
    part of (the bills of one call), made on first use, or None where there are none.
    """
    axis = readings.axis  # None: starts that break the invariant are never shared
    key = None if axis is None else (schedule.key, timezone, axis, start, end, event_days)
    plan: Plan | None = None if key is None else _kept.segment_plans.get(key)
    if plan is None:
        coded = None if span is None else span()
        if coded is not None:
            first = bisect_left(readings.starts, start)
            plan = coded.plan(first, bisect_left(readings.starts, end, first), key)
        if plan is None:
            plan = _build_plan(
                readings.starts, readings.interval_seconds, schedule, timezone, start, end,
                event_days, key,
            )  # fmt: skip
        if key is not None:
            _kept.segment_plans.keep(key, plan, plan.last - plan.first)
    return plan


def _summer(indices: list[int]) -> Callable[[list[int]], int]:
    """A function summing ``column[i] for i in indices`` at C speed."""
    if indices[-1] - indices[0] == len(indices) - 1:  # one run of consecutive intervals
        a, b = indices[0], indices[-1] + 1
        return lambda column: sum(column[a:b])
    if len(indices) == 1:  # itemgetter of one index returns the item, not a tuple
        (i,) = indices
        return lambda column: column[i]
    # itemgetter(*indices) gathers the values in one C call; the sum is another.
    gather = itemgetter(*indices)
    return lambda column: sum(gather(column))


def _build_plan_by_days(
    starts: list[int],
    step: int,
    schedule: Schedule,
    timezone: str,
    start: int,
    end: int,
    event_days: frozenset[dt.date],
    plan_key: tuple[object, ...] | None,
) -> Plan:
    first = bisect_left(starts, start)
    last = bisect_left(starts, end, first)
    indices: dict[tuple[int, int], list[int]] = {}
    blocks: list[DayBlock] = []
    others: list[Slice] = []
    per_day = 86400 // step
    # Whole days with the same table, not yet placed: (table, first index, days).
    pending: list[tuple[DayTable, int, int]] = []

    def flush() -> None:
        if not pending:
            return
        table, lo, _ = pending[0]
        days = sum(count for _, _, count in pending)
        pending.clear()
        offsets = table.offsets(step)
        season = table.season
        for a, b, period, _ in offsets:
            into = indices.setdefault((season, period), [])
            for day in range(lo, lo + days * per_day, per_day):
                into.extend(range(day + a, day + b))
        blocks.append((lo, (table,) * days))

    # Where every day of a month has the same table, whole months go in one step.
    month_spans = schedule.month_uniform and not event_days
    for date, day_start, lo, hi, days in local_day_spans(
        starts, first, last, timezone, whole_months=month_spans
    ):
        table = schedule.day(date, date in event_days)
        if days:
            # Whole days without gaps (the common case): the run boundaries are fixed
            # offsets from each day's first interval, and like days are placed together.
            if pending and (
                pending[0][0] is not table or pending[-1][1] + pending[-1][2] * per_day != lo
            ):
                flush()
            pending.append((table, lo, days))
            continue
        flush()
        for piece in _day_slices(starts, table, day_start, lo, hi):
            season, period, a, b, _ = piece
            indices.setdefault((season, period), []).extend(range(a, b))
            others.append(piece)
    flush()
    rest = None
    if sum(len(found) for found in indices.values()) == last - first and indices:
        rest = max(indices, key=lambda key: len(indices[key]))
    sums = []
    for key, found in indices.items():
        if key != rest:
            found.sort()
            sums.append((key, _summer(found)))
    return Plan(first, last, blocks, others, sums, rest, step, plan_key)


#: For each code, a table for `bytes.translate`: 1 for that code, 0 for every other byte.
_MASKS = tuple(bytes(code) + b"\x01" + bytes(255 - code) for code in range(256))


_UNPLACED = 255  # the code of an interval that no run of a day table holds


def _build_plan(
    starts: list[int],
    step: int,
    schedule: Schedule,
    timezone: str,
    start: int,
    end: int,
    event_days: frozenset[dt.date],
    plan_key: tuple[object, ...] | None,
) -> Plan:
    if not schedule.codes_known():
        return _build_plan_by_days(
            starts, step, schedule, timezone, start, end, event_days, plan_key
        )
    first = bisect_left(starts, start)
    last = bisect_left(starts, end, first)
    codes, whole, others = _codes(starts, step, schedule, timezone, first, last, event_days)
    return _plan_of_codes(schedule, step, first, last, codes, whole, others, plan_key)


def _codes(
    starts: list[int],
    step: int,
    schedule: Schedule,
    timezone: str,
    first: int,
    last: int,
    event_days: frozenset[dt.date],
) -> tuple[bytearray, list[DayBlock], list[Slice]]:
    """The code of every interval of ``starts[first:last]``, its whole days and its slices.

    One byte per interval: the code of its (season, period) (see `Schedule.pattern`).
    Whole days copy the codes of their dates from the year's; days that are not whole are
    cut into slices by their day table.
    """
    codes = bytearray(bytes((_UNPLACED,)) * (last - first))
    whole: list[DayBlock] = []
    others: list[Slice] = []
    width = len(schedule.period_names)
    per_day = 86400 // step
    for date, day_start, lo, hi, days in local_day_spans(
        starts, first, last, timezone, whole_runs=True
    ):
        if days:
            ordinal = date.toordinal()
            at = lo
            while days:
                year = dt.date.fromordinal(ordinal).year
                index = ordinal - dt.date(year, 1, 1).toordinal()
                tables, year_codes = schedule.year_days(year, step)
                take = min(days, len(tables) - index)
                part = tables[index : index + take]
                here = at - first
                codes[here : here + take * per_day] = year_codes[
                    index * per_day : (index + take) * per_day
                ]
                for day in event_days:  # declared event days have tables of their own
                    offset = day.toordinal() - ordinal
                    if 0 <= offset < take:
                        table = schedule.day(day, True)
                        part = (*part[:offset], table, *part[offset + 1 :])
                        lo_day = here + offset * per_day
                        codes[lo_day : lo_day + per_day] = schedule.pattern(table, step)
                whole.append((at, part))
                at += take * per_day
                ordinal += take
                days -= take
            continue
        table = schedule.day(date, date in event_days)
        for piece in _day_slices(starts, table, day_start, lo, hi):
            season, period, a, b, _ = piece
            codes[a - first : b - first] = bytes((season * width + period,)) * (b - a)
            others.append(piece)
    return codes, whole, others


def _day_slices(
    starts: list[int], table: DayTable, day_start: int, lo: int, hi: int
) -> list[Slice]:
    """The slices of the intervals ``starts[lo:hi]`` of a day that is not whole, by its runs.

    ``day_start`` is the day's local midnight in UTC seconds under the offset in force.
    """
    found = []
    season = table.season
    for run_start, run_end, period in table.runs:
        a = bisect_left(starts, day_start + run_start * 60, lo, hi)
        b = bisect_left(starts, day_start + run_end * 60, a, hi)
        if a < b:
            found.append((season, period, a, b, (starts[a] - day_start) // 60))
            lo = b
    return found


def _plan_of_codes(
    schedule: Schedule,
    step: int,
    first: int,
    last: int,
    codes: bytes | bytearray,
    whole: list[DayBlock],
    others: list[Slice],
    plan_key: tuple[object, ...] | None,
) -> Plan:
    """The plan of ``starts[first:last]`` from the code of each of its intervals."""
    # The keys in the order of their first interval, and how many intervals each holds.
    found = []
    for code, key in schedule.code_keys().items():
        at = codes.find(code)
        if at >= 0:
            found.append((at, key, code))
    found.sort()
    counts = {key: codes.count(code) for _, key, code in found}
    if sum(counts.values()) + codes.count(_UNPLACED) != len(codes):
        # Every interval is in a period or unplaced; a code without its key would be
        # left out of every sum, unbilled without a word.
        raise RuntimeError(f"an interval's period code is not one of schedule {schedule.key}")
    rest = None
    if found and codes.find(_UNPLACED) < 0:
        rest = max(counts, key=counts.__getitem__)
    sums = []
    for at, key, code in found:
        if key == rest:
            continue
        count = counts[key]
        if codes.rfind(code) - at == count - 1:  # one run of consecutive intervals
            a, b = first + at, first + at + count
            sums.append((key, _slice_summer(a, b)))
        else:
            sums.append((key, _Gather(first, last, bytes(codes.translate(_MASKS[code])))))
    return Plan(first, last, whole, others, sums, rest, step, plan_key)


class SpanCodes:
    """The codes of a whole span of readings under one schedule, for the segments in it.

    The bills of a pricing call are segments of one span: coding it once, rather than
    segment by segment, walks its days and asks for its years once. A segment that starts
    and ends on whole days of the span, or at its ends, takes its codes, days and slices
    from it (`plan`), and its plan is the one `plan_segment` would build alone.
    """

    __slots__ = ("_codes", "_first", "_last", "_others", "_per_day", "_schedule", "_step",
                 "_whole", "_whole_at")  # fmt: skip

    def __init__(
        self,
        readings: Readings,
        schedule: Schedule,
        timezone: str,
        start: int,
        end: int,
        event_days: frozenset[dt.date],
    ) -> None:
        starts, step = readings.starts, readings.interval_seconds
        self._first = bisect_left(starts, start)
        self._last = bisect_left(starts, end, self._first)
        self._schedule, self._step = schedule, step
        self._per_day = 86400 // step
        self._codes, self._whole, self._others = _codes(
            starts, step, schedule, timezone, self._first, self._last, event_days
        )
        self._whole_at = [at for at, _ in self._whole]

    def plan(self, first: int, last: int, plan_key: tuple[object, ...] | None) -> Plan | None:
        """The plan of ``starts[first:last]``, or None where it cuts a day of the span."""
        if first < self._first or last > self._last:
            return None
        per_day = self._per_day
        whole: list[DayBlock] = []
        index = max(0, bisect_left(self._whole_at, first) - 1)
        for at, tables in self._whole[index:]:
            end = at + len(tables) * per_day
            if end <= first:
                continue
            if at >= last:
                break
            lo, hi = max(at, first), min(end, last)
            if (lo - at) % per_day or (hi - at) % per_day:
                return None  # the segment starts or ends inside a whole day
            whole.append((lo, tables[(lo - at) // per_day : (hi - at) // per_day]))
        others = []
        for item in self._others:
            a, b = item[2], item[3]
            if b <= first or a >= last:
                continue
            if a < first or b > last:
                return None  # the segment starts or ends inside a slice
            others.append(item)
        codes = self._codes[first - self._first : last - self._first]
        return _plan_of_codes(self._schedule, self._step, first, last, codes, whole, others,
                              plan_key)  # fmt: skip


def _slice_summer(a: int, b: int) -> Callable[[list[int]], int]:
    return lambda column: sum(column[a:b])


class _Gather:
    """Sums a column's values at the intervals of one key, given as a mask of the segment.

    The first sum selects by the mask (``itertools.compress``: nothing to build, as for
    the first meter of a time axis); the next builds the key's index list (`_summer`),
    which sums a column in about half the time, for the meters that follow on a kept plan.
    """

    __slots__ = ("_first", "_last", "_mask", "_summer", "_used")

    def __init__(self, first: int, last: int, mask: bytes) -> None:
        self._first = first
        self._last = last
        self._mask = mask
        self._summer: Callable[[list[int]], int] | None = None
        self._used = False

    def __call__(self, column: list[int]) -> int:
        summer = self._summer
        if summer is None:
            if not self._used:
                self._used = True
                return sum(compress(column[self._first : self._last], self._mask))
            summer = _summer(list(compress(range(self._first, self._last), self._mask)))
            self._summer = summer
        return summer(column)


def split_in_proportion(total: int, weights: list[int]) -> list[int]:
    """Split the integer ``total`` in proportion to ``weights``; the parts sum to ``total``.

    Remainders go to the largest fractional parts, earlier weights first on ties (the
    largest-remainder method). With all weights zero, the first part takes everything.

    >>> split_in_proportion(10, [1, 1, 1])
    [4, 3, 3]
    """
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [total] + [0] * (len(weights) - 1)
    parts = [total * w // weight_sum for w in weights]
    remainders = [total * w % weight_sum for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def split_table(row_totals: list[int], column_totals: list[int]) -> list[list[int]]:
    """Split a total both ways in proportion: an integer table with the given margins.

    Entry ``(i, j)`` is ``row_totals[i] × column_totals[j] / total`` rounded down or up, so
    that every row and every column adds up exactly (controlled rounding: it always
    exists for two-way tables, and is found here as a flow of the leftover units through
    the entries with a fractional part, largest fractions first). Used where each tier's
    kWh are shared between periods and each period's kWh must stay what was metered.

    >>> split_table([2, 1], [1, 1, 1])
    [[1, 1, 0], [0, 0, 1]]
    """
    total = sum(row_totals)
    if total != sum(column_totals):
        raise ValueError("row and column totals differ")
    if total == 0:
        return [[0] * len(column_totals) for _ in row_totals]
    table = [[r * c // total for c in column_totals] for r in row_totals]
    fractions = [[r * c % total for c in column_totals] for r in row_totals]
    row_need = [r - sum(row) for r, row in zip(row_totals, table, strict=True)]
    column_need = [c - sum(row[j] for row in table) for j, c in enumerate(column_totals)]
    # Candidate cells (fractional part > 0), largest fraction first, earlier cells first.
    order = sorted(
        ((i, j) for i in range(len(row_totals)) for j in range(len(column_totals))
         if fractions[i][j]),
        key=lambda cell: (-fractions[cell[0]][cell[1]], cell),
    )  # fmt: skip
    raised: set[tuple[int, int]] = set()

    def augment(i: int, seen: set[int]) -> bool:
        """Find a column for one more unit of row i, moving other rows' units if needed."""
        for row, j in order:
            if row != i or (i, j) in raised or j in seen:
                continue
            seen.add(j)
            if column_need[j] > 0:
                column_need[j] -= 1
                raised.add((i, j))
                return True
            for other, cell_j in list(raised):
                if cell_j == j and other != i and augment(other, seen):
                    raised.discard((other, j))
                    raised.add((i, j))
                    return True
        return False

    for i, j in order:  # first, every unit that fits directly, largest fractions first
        if row_need[i] > 0 and column_need[j] > 0:
            row_need[i] -= 1
            column_need[j] -= 1
            raised.add((i, j))
    for i, need in enumerate(row_need):  # then the rest, moving earlier units aside
        for _ in range(need):
            if not augment(i, set()):
                raise ValueError("no controlled rounding found")  # impossible for 2-way tables
    for i, j in raised:
        table[i][j] += 1
    return table


def _units(value: Fraction, scale: int) -> int:
    """An exact quantity rounded half-up to the readings' resolution, in integer units."""
    return (
        int(
            (Decimal(value.numerator) / Decimal(value.denominator))
            .scaleb(scale)
            .quantize(Decimal(1), rounding=ROUND_HALF_UP)
        )
        if value.denominator != 1
        else value.numerator * 10**scale
    )


#: ``(losses, month share, metered kWh, metered kvarh)`` of one part of a segment with one
#: meter; the quantities in the usage's integer units (kvarh None without a kvarh column).
LossPart = tuple[Losses | None, Fraction, int, int | None]


def add_losses(usage: Usage, losses: Losses, month_fraction: Fraction) -> Usage:
    """Add transformer and line losses to a segment's metered quantities.

    The loss is ``kwh_per_month`` × the segment's month share plus ``percent`` of the
    metered kWh (likewise for kvarh), rounded half-up to the readings' resolution, and
    shared between the segment's periods in proportion to their metered kWh.
    """
    return add_loss_parts(usage, [(losses, month_fraction, usage.total_kwh, usage.kvarh)])[0]


def add_loss_parts(usage: Usage, parts: list[LossPart]) -> tuple[Usage, list[int]]:
    """Add the losses of a segment read by one meter after another (a meter change).

    Each part's loss is worked out exactly with its own losses, month share and metered
    quantities (as in `add_losses`); the segment's loss is their sum, rounded once. What
    each part shows of it is the rounded running sum less the one before, so the parts
    add up to the segment's loss, and a part with the same losses as the one before
    gives the loss of one part.

    Returns:
        The usage with the losses, and each part's loss in the usage's integer units.
    """
    scale = usage.scale
    unit = 10**scale
    exact: list[Fraction] = []
    kvarh_loss = Fraction(0)
    for losses, month_fraction, kwh, kvarh in parts:
        if losses is None:
            exact.append(Fraction(0))
            continue
        exact.append(
            Fraction(losses.kwh_per_month) * month_fraction
            + Fraction(losses.percent) / 100 * Fraction(kwh, unit)
        )
        if kvarh is not None:
            kvarh_loss += Fraction(losses.kvarh_per_month) * month_fraction + Fraction(
                losses.percent
            ) / 100 * Fraction(kvarh, unit)
    keys = sorted(usage.energy)
    shown: list[int] = []
    running, before = Fraction(0), 0
    for value in exact:
        running += value
        now = _units(running, scale)
        shown.append(now - before if keys else 0)
        before = now
    loss = before
    parts_of_loss = split_in_proportion(loss, [usage.energy[k] for k in keys]) if keys else []
    energy = dict(usage.energy)
    for key, part in zip(keys, parts_of_loss, strict=True):
        energy[key] += part
    kvarh = usage.kvarh
    if kvarh is not None:
        kvarh += _units(kvarh_loss, scale)
    return (
        replace(
            usage,
            energy=energy,
            total_kwh=usage.total_kwh + (loss if keys else 0),
            kvarh=kvarh,
            loss_kwh=to_decimal(loss if keys else 0, scale),
        ),
        shown,
    )
