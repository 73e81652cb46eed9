r"""Sensitivity grids: every tariff priced over a grid of one or two scenario steps.

An axis is one scenario step family with a list of values:

* ``shift`` percent of a ``FROM->TO`` shift (``shift:0,10,20,30,40%:peak->valley``);
* ``scale`` factor (``scale:0.9,1.0,1.1,1.2``), or growth in percent
  (``scale:-10,0,10,20%`` is the same axis: factor 1 + growth / 100);
* ``cap`` demand cap [kW] (``cap:400,500,600kW``).

The values are a list joined by ``,`` or a range ``FIRST..LAST:STEP`` (``0..40:10`` is
0, 10, 20, 30, 40; LAST is included when the steps land on it), strictly increasing.

Each cell of the grid is a scenario: the step of each axis at the cell's values, applied
in one order whatever the order of the axes (``scale``, then ``shift``, then ``cap``:
growth first, then the changed habits, then the cap on the load that results), so that
swapping the axes transposes the grid and changes no number. A cell is priced exactly as
``tariffs compare --scenario STEPS`` prices its steps (`compare_scenarios`): its
comparison ranks the tariffs and gives each one's saving against the current tariff
under the same cell. A cell that cannot be applied or priced (a cap the load cannot fit
under) is a failed cell with its reason; the other cells are priced.

Break-even marks: between two neighbouring cells along an axis whose cheapest tariffs
differ, a bisection over that axis (the other axis held at its cell value) finds the
least value, to the axis' resolution (0.1 % of shift, 0.001 of a scale factor or 0.1 %
of growth, 0.1 kW of cap; finer when the grid's own values are finer), at which the
cheapest tariff is no longer the one of the lower cell. Each mark is checked by pricing:
the cheapest at the mark differs from the cheapest one resolution step below it. Where
more than one change lies between two cells, the mark is one of them.

Example:
    >>> axis = parse_grid_axis("shift:0..40:20%:peak->valley")
    >>> [str(value) for value in axis.values]
    ['0', '20', '40']
    >>> axis.step(axis.values[1]).percent
    Decimal('20')
    >>> parse_grid_axis("scale:-10,0,10%").step(Decimal(-10)).factor
    Decimal('0.9')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from itertools import product
from typing import Literal

from tariffs.errors import InputError, ScenarioError
from tariffs.model.account import Account, CoincidentPeak
from tariffs.model.readings import Readings
from tariffs.model.tariff import Tariff
from tariffs.whatif.compare import (
    NOT_APPLICABLE_ERRORS,
    Comparison,
    TariffCost,
    compare_scenarios,
    compare_tariffs,
    periods_tariff,
    reference_tariff,
)
from tariffs.whatif.scenarios import (
    Scenario,
    Step,
    StepReport,
    apply_scenario,
    parse_step,
)

__all__ = [
    "MAX_CELLS",
    "BreakEvenMark",
    "GridAxis",
    "GridCell",
    "SensitivityGrid",
    "check_axes",
    "parse_grid_axis",
    "sensitivity_grid",
]

#: The most cells a grid may have (each cell prices every tariff).
MAX_CELLS = 400

AxisKind = Literal["shift", "scale", "cap"]

#: The order steps are applied in within a cell, whatever the order of the axes.
_STEP_ORDER: dict[str, int] = {"scale": 0, "shift": 1, "cap": 2}

#: The default resolution of a break-even search along each kind of axis.
_RESOLUTION: dict[str, Decimal] = {
    "shift": Decimal("0.1"),
    "scale": Decimal("0.001"),
    "growth": Decimal("0.1"),
    "cap": Decimal("0.1"),
}

#: The cheapest tariff at some axis values, or None when none could be priced.
_Cheapest = Callable[[Sequence[Decimal]], str | None]

_VALUE = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_FORMS = (
    "write shift:0,10,20%:FROM->TO, scale:0.9,1.0,1.1 (factors), scale:-10,0,10% "
    "(growth), or cap:400,500kW; a range FIRST..LAST:STEP may stand for the list "
    "(shift:0..40:10%:peak->valley)"
)


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


@dataclass(frozen=True, slots=True)
class GridAxis:
    """One axis of a sensitivity grid: a step family and its values.

    Attributes:
        kind: ``shift``, ``scale`` or ``cap``.
        values: The values, strictly increasing: shift percent [%], scale factor (or
            growth [%] when ``growth``), or cap [kW].
        from_periods: The ``shift`` sources (period names or clock windows).
        to: The ``shift`` targets.
        growth: The ``scale`` values are growth in percent, not factors.
        text: The axis as written.
    """

    kind: AxisKind
    values: tuple[Decimal, ...]
    from_periods: tuple[str, ...] = ()
    to: tuple[str, ...] = ()
    growth: bool = False
    text: str = ""

    @property
    def name(self) -> str:
        """The axis in words, with its unit: ``shift peak->valley %``, ``scale``, ..."""
        if self.kind == "shift":
            return f"shift {','.join(self.from_periods)}->{','.join(self.to)} %"
        if self.kind == "scale":
            return "growth %" if self.growth else "scale"
        return "cap kW"

    @property
    def unit(self) -> str:
        """The unit of the values: ``%``, ``kW``, or none for a scale factor."""
        if self.kind == "cap":
            return "kW"
        return "%" if self.kind == "shift" or self.growth else ""

    def describe(self, value: Decimal) -> str:
        """A value in words: ``shift peak->valley 10%``, ``growth +5%``, ``cap 500kW``."""
        name = self.name.removesuffix(" %").removesuffix(" kW")
        return f"{name} {self.label(value)}"

    def label(self, value: Decimal) -> str:
        """A value as a row or column heading: ``10%``, ``+10%``, ``1.1``, ``500kW``."""
        if self.kind == "shift":
            return f"{_text(value)}%"
        if self.kind == "scale":
            if self.growth:
                return ("+" if value > 0 else "") + f"{_text(value)}%"
            return _text(value)
        return f"{_text(value)}kW"

    def step(self, value: Decimal) -> Step:
        """The scenario step of this axis at one value.

        Raises:
            ScenarioError: The value makes no step (e.g. a shift of more than 100 %).
        """
        if self.kind == "shift":
            text = f"shift:{_text(value)}%:{','.join(self.from_periods)}->{','.join(self.to)}"
        elif self.kind == "scale":
            factor = 1 + value / 100 if self.growth else value
            text = f"scale:{_text(factor)}"
        else:
            text = f"cap:{_text(value)}kW"
        return parse_step(text)

    @property
    def resolution(self) -> Decimal:
        """The step of a break-even search along this axis."""
        default = _RESOLUTION["growth" if self.growth else self.kind]
        places = [0]
        for value in self.values:
            exponent = value.as_tuple().exponent
            if isinstance(exponent, int):
                places.append(-exponent)
        finest = Decimal(1).scaleb(-max(places))
        return min(default, finest)


def _values(text: str, spec: str) -> tuple[Decimal, ...]:
    def number(item: str) -> Decimal:
        item = item.strip()
        if not _VALUE.fullmatch(item):
            raise ScenarioError(f"grid axis {text!r}: {item!r} is not a number; {_FORMS}")
        return Decimal(item)

    if ".." in spec:
        match = re.fullmatch(r"(.+?)\.\.([^:]+):(.+)", spec.strip())
        if not match:
            raise ScenarioError(
                f"grid axis {text!r}: a range is FIRST..LAST:STEP, found {spec!r}; {_FORMS}"
            )
        first, last, step = (number(part) for part in match.groups())
        if step <= 0:
            raise ScenarioError(f"grid axis {text!r}: the range's step must be above 0")
        if last < first:
            raise ScenarioError(f"grid axis {text!r}: the range ends before it starts")
        count = int((last - first) / step) + 1
        if count > MAX_CELLS:
            raise ScenarioError(
                f"grid axis {text!r}: {count} values, more than a grid's {MAX_CELLS} cells"
            )
        return tuple(first + k * step for k in range(count))
    items = [item for item in spec.split(",")]
    if not any(item.strip() for item in items):
        raise ScenarioError(f"grid axis {text!r} has no values; {_FORMS}")
    values = tuple(number(item) for item in items)
    for before, after in zip(values, values[1:], strict=False):
        if after <= before:
            raise ScenarioError(
                f"grid axis {text!r}: the values must increase, found {_text(after)} after "
                f"{_text(before)}"
            )
    return values


def parse_grid_axis(text: str) -> GridAxis:
    """Read one grid axis from its compact text form (see the module's docstring).

    Raises:
        ScenarioError: The text is not an axis, a value is not a number, the values do
            not increase, or a value makes no step (a shift above 100 %, a cap of 0 kW).
    """
    kind, _, rest = text.strip().partition(":")
    kind = kind.strip().lower()
    axis: GridAxis | None = None
    if kind == "shift":
        match = re.fullmatch(r"([^%]+)%:(.+)->(.+)", rest.strip())
        if match:
            source = tuple(item.strip() for item in match.group(2).split(",") if item.strip())
            target = tuple(item.strip() for item in match.group(3).split(",") if item.strip())
            values = _values(text, match.group(1))
            axis = GridAxis("shift", values, source, target, text=text.strip())
    elif kind == "scale":
        match = re.fullmatch(r"([^%]+?)\s*(%?)", rest.strip())
        if match:
            values = _values(text, match.group(1))
            axis = GridAxis("scale", values, growth=bool(match.group(2)), text=text.strip())
    elif kind == "cap":
        match = re.fullmatch(r"(.+?)\s*kW", rest.strip(), re.IGNORECASE)
        if match:
            axis = GridAxis("cap", _values(text, match.group(1)), text=text.strip())
    if axis is None:
        raise ScenarioError(f"grid axis {text!r} is not understood: {_FORMS}")
    if not axis.growth and axis.values[0] < 0:
        what = {"shift": "a shift's percent", "scale": "a scale factor", "cap": "a cap"}
        raise ScenarioError(
            f"grid axis {text!r}: {what[axis.kind]} is 0 or more, found {_text(axis.values[0])}"
        )
    if axis.growth and axis.values[0] < -100:
        raise ScenarioError(
            f"grid axis {text!r}: growth is -100 % or more (a factor of 0 or more), found "
            f"{_text(axis.values[0])} %"
        )
    for value in axis.values:
        try:
            axis.step(value)
        except ScenarioError as exc:
            raise ScenarioError(f"grid axis {text!r}: {exc}") from None
    return axis


@dataclass(frozen=True, slots=True)
class GridCell:
    """One cell of a grid: its scenario and the tariffs ranked under it.

    Attributes:
        index: The index of the cell's value on each axis.
        values: The value on each axis.
        scenario: The cell's steps (named by their compact text, as ``--scenario``).
        steps: What each step did to the readings.
        comparison: The tariffs ranked on the cell's readings (no results when it failed).
        error: Why the cell could not be applied or priced, or None.
    """

    index: tuple[int, ...]
    values: tuple[Decimal, ...]
    scenario: Scenario
    steps: tuple[StepReport, ...]
    comparison: Comparison
    error: str | None = None

    @property
    def cheapest(self) -> TariffCost | None:
        """The tariff ranked first in the cell, or None when nothing was priced."""
        return self.comparison.results[0] if self.comparison.results else None


@dataclass(frozen=True, slots=True)
class BreakEvenMark:
    """Where the cheapest tariff changes between two neighbouring cells along one axis.

    Attributes:
        axis: The index of the axis searched along.
        fixed_index: The index of the other axis' value held fixed (None with one axis).
        low_index: The index of the lower cell's value on ``axis`` (the higher is next).
        value: The least value, to ``resolution``, at which ``cheaper_above`` is the
            cheapest, or None when the search failed.
        resolution: The step of the search.
        cheaper_below: The cheapest tariff of the lower cell (and one step below
            ``value``).
        cheaper_above: The cheapest tariff at ``value``.
        error: Why the search failed (a value between the cells could not be priced).
    """

    axis: int
    fixed_index: int | None
    low_index: int
    value: Decimal | None
    resolution: Decimal
    cheaper_below: str
    cheaper_above: str
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SensitivityGrid:
    """Every tariff priced over a grid of one or two axes.

    Attributes:
        axes: The axes, as given: rows first, then columns.
        base: The comparison on the readings as read.
        cells: Every cell, row by row (the last axis varies fastest).
        marks: The break-even marks, along the first axis then the second.
        tariffs: The ids of the tariffs given, in the order given.
    """

    axes: tuple[GridAxis, ...]
    base: Comparison
    cells: tuple[GridCell, ...]
    marks: tuple[BreakEvenMark, ...]
    tariffs: tuple[str, ...]

    @property
    def shape(self) -> tuple[int, ...]:
        """The number of values on each axis."""
        return tuple(len(axis.values) for axis in self.axes)

    def cell(self, *index: int) -> GridCell:
        """The cell at an index of each axis."""
        position = 0
        for axis, k in zip(self.axes, index, strict=True):
            position = position * len(axis.values) + k
        return self.cells[position]


def _scenario(axes: Sequence[GridAxis], values: Sequence[Decimal]) -> Scenario:
    pairs = sorted(zip(axes, values, strict=True), key=lambda pair: _STEP_ORDER[pair[0].kind])
    steps = tuple(axis.step(value) for axis, value in pairs)
    scenario = Scenario("", steps)
    return Scenario(scenario.text, steps)


def check_axes(axes: Sequence[GridAxis]) -> None:
    """Check that axes make a grid: one or two, of different kinds, within `MAX_CELLS`.

    Raises:
        ScenarioError: They do not.
    """
    if not 1 <= len(axes) <= 2:
        raise ScenarioError(f"a grid has one or two axes (rows and columns), found {len(axes)}")
    kinds = [axis.kind for axis in axes]
    if len(set(kinds)) != len(kinds):
        raise ScenarioError(f"a grid axis of kind {kinds[0]!r} is given twice; give each kind once")
    cells = 1
    for axis in axes:
        cells *= len(axis.values)
    if cells > MAX_CELLS:
        shape = " × ".join(str(len(axis.values)) for axis in axes)
        raise ScenarioError(f"the grid has {shape} = {cells} cells, more than {MAX_CELLS}")


def sensitivity_grid(
    readings: Readings,
    tariffs: Sequence[Tariff],
    axes: Sequence[GridAxis],
    account: Account | None = None,
    *,
    current: str | Tariff | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    event_days: Iterable[dt.date] = (),
    demand_window: Literal["tariff", "readings"] = "tariff",
    annualise: bool = False,
    ignore_eligibility: bool = False,
    coincident_peaks: Iterable[CoincidentPeak] = (),
    metering: str | None = None,
    profiles: Mapping[str, Readings] | None = None,
    break_even: bool = True,
) -> SensitivityGrid:
    """Price every tariff in every cell of a grid of one or two axes.

    Args:
        readings: Interval readings in the tariffs' time zone.
        tariffs: The tariffs to compare.
        axes: One or two axes of different kinds (`parse_grid_axis`).
        account: Contract data the tariffs need.
        current: The customer's current tariff: each cell's savings are against it,
            under the same cell.
        start: First local date to bill.
        end: Local date after the last day billed (exclusive).
        event_days: Declared critical-peak event days, besides the account's.
        demand_window: See `compare_tariffs`.
        annualise: See `compare_tariffs`.
        ignore_eligibility: See `compare_tariffs`.
        coincident_peaks: Declared coincident-peak intervals, besides the account's.
        metering: The metering rule of exported energy for the run.
        profiles: Solar profile file name → generation readings (unused by the axes;
            passed on to `compare_scenarios`).
        break_even: Search the break-even marks between cells.

    Raises:
        ScenarioError: The axes do not make a grid (`check_axes`).
        TariffsError: The readings as read cannot be priced (see `compare_tariffs`).
    """
    axes = tuple(axes)
    check_axes(axes)
    days = tuple(event_days)
    peaks = tuple(coincident_peaks)
    indexes = list(product(*(range(len(axis.values)) for axis in axes)))
    scenarios = [
        _scenario(axes, [axis.values[k] for axis, k in zip(axes, index, strict=True)])
        for index in indexes
    ]
    compare = partial(
        compare_tariffs,
        tariffs,
        account=account,
        current=current,
        start=start,
        end=end,
        event_days=days,
        demand_window=demand_window,
        annualise=annualise,
        ignore_eligibility=ignore_eligibility,
        coincident_peaks=peaks,
        metering=metering,
    )
    whatif = compare_scenarios(
        tariffs,
        readings,
        scenarios,
        account,
        current=current,
        profiles=profiles,
        start=start,
        end=end,
        event_days=days,
        demand_window=demand_window,
        annualise=annualise,
        ignore_eligibility=ignore_eligibility,
        coincident_peaks=peaks,
        metering=metering,
    )
    cells = tuple(
        GridCell(
            index,
            tuple(axis.values[k] for axis, k in zip(axes, index, strict=True)),
            case.scenario,
            case.steps,
            case.comparison,
            case.error,
        )
        for index, case in zip(indexes, whatif.scenarios, strict=True)
    )
    grid = SensitivityGrid(axes, whatif.base, cells, (), tuple(t.id for t in tariffs))
    if not break_even:
        return grid
    reference = reference_tariff(tariffs, current)

    def cheapest(values: Sequence[Decimal]) -> str | None:
        """The cheapest tariff at some axis values (steps as a cell's)."""
        scenario = _scenario(axes, values)
        changed = apply_scenario(
            readings,
            scenario,
            timezone=reference.timezone,
            tariff=periods_tariff(scenario, tariffs, reference),
            account=account,
            profiles=profiles,
            event_days=days,
        ).readings
        results = compare(changed).results
        return results[0].tariff if results else None

    marks = [mark for along in range(len(axes)) for mark in _marks_along(grid, along, cheapest)]
    return SensitivityGrid(axes, whatif.base, cells, tuple(marks), grid.tariffs)


def _marks_along(grid: SensitivityGrid, along: int, cheapest: _Cheapest) -> list[BreakEvenMark]:
    axes = grid.axes
    axis = axes[along]
    resolution = axis.resolution
    others = range(len(axes[1 - along].values)) if len(axes) == 2 else [None]
    marks = []
    for fixed in others:
        for low_index in range(len(axis.values) - 1):

            def at(k: int, fixed: int | None = fixed) -> GridCell:
                if fixed is None:
                    return grid.cell(k)
                return grid.cell(k, fixed) if along == 0 else grid.cell(fixed, k)

            low_cell, high_cell = at(low_index), at(low_index + 1)
            low_best, high_best = low_cell.cheapest, high_cell.cheapest
            if low_best is None or high_best is None or low_best.tariff == high_best.tariff:
                continue

            def values_at(value: Decimal, cell: GridCell = low_cell) -> list[Decimal]:
                values = list(cell.values)
                values[along] = value
                return values

            low = axis.values[low_index]
            units = int((axis.values[low_index + 1] - low) / resolution)
            left, right = 0, units
            right_best = high_best.tariff
            try:
                # cheapest(left) is low_best; cheapest(right) is not.
                while right - left > 1:
                    middle = (left + right) // 2
                    value = low + middle * resolution
                    found = cheapest(values_at(value))
                    if found is None:
                        raise InputError(f"no tariff could be priced at {axis.label(value)}")
                    if found == low_best.tariff:
                        left = middle
                    else:
                        right, right_best = middle, found
            except (*NOT_APPLICABLE_ERRORS, InputError) as exc:
                marks.append(
                    BreakEvenMark(
                        along,
                        fixed,
                        low_index,
                        None,
                        resolution,
                        low_best.tariff,
                        high_best.tariff,
                        str(exc),
                    )  # fmt: skip
                )
                continue
            marks.append(
                BreakEvenMark(
                    along,
                    fixed,
                    low_index,
                    low + right * resolution,
                    resolution,
                    low_best.tariff,
                    right_best,
                )
            )
    return marks
