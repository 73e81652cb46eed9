r"""What-if scenarios: change interval readings before they are priced.

A scenario is a named list of steps, applied in order to a copy of the readings:

* ``shift`` moves a share (percent) or an amount (kWh per day) of energy out of some
  time-of-use periods of a reference tariff, or clock windows, into others. Within each
  local day, the energy taken out of the "from" intervals (in proportion to their kWh)
  is spread evenly over the "to" intervals of the same day.
* ``scale`` multiplies consumption (kWh, kvarh and a meter's kW) by a factor (growth).
* ``cap`` shaves demand above a cap [kW]; the energy above the cap moves to the same
  day's intervals below it, in proportion to their room under the cap. A day whose
  energy cannot fit under the cap is refused.
* ``solar`` adds generation, from a profile (readings of generation kWh) or a clear-sky
  shape; each interval imports what the generation does not cover and exports the rest.
* ``power_factor`` corrects the power factor of each billing period to a target, as a
  capacitor bank would: kvarh are reduced until the period's PF reaches the target.

Exactness: quantities stay integers in the readings' units. Where energy is moved
(``shift``, ``cap``) every part is a largest-remainder split, so totals are preserved
exactly. Rounding happens in three places only, each to the readings' resolution:

* a ``shift`` by percent rounds each day's amount half-up;
* the ``cap`` per interval is the cap [kW] × the interval length, rounded down (so no
  interval is left above the cap);
* a ``solar`` clear-sky shape rounds each interval's generation half-up, and
  ``power_factor`` rounds each period's kvarh down (so the PF is at least the target).
  ``scale`` is exact: the readings' resolution grows with the factor's decimals.

Every measured quantity follows the energy, so a scenario works on every customer:

* a meter-reported ``kw`` column (the demand of each interval) is scaled with its
  interval's kWh by a step that changes the kWh (``shift``, ``cap``, ``solar``): the
  interval keeps its load factor. An interval that had no energy takes the average
  demand of its new energy (kWh × 60 / interval minutes). ``cap`` then holds every
  interval's kW to the cap: the cap limits demand. Each kW is rounded half-up to the
  readings' resolution.
* ``kvarh`` moves with the energy it belongs to (``shift``, ``cap``): each interval
  that gives energy gives kvarh in its own proportion (kvarh × kWh given / kWh, rounded
  half-up), so its power factor is kept, and the kvarh taken out on a day are spread
  over that day's receiving intervals in proportion to the kWh each receives. Total
  kvarh is conserved exactly. ``solar`` leaves kvarh as read (the load still draws its
  reactive energy from the grid).

Steps are written in a compact text form on the command line, or in a YAML file::

    shift:20%:peak->valley          shift:3kWh:08:00-11:00->22:00-06:00
    scale:1.1                       cap:500kW
    solar:100kWp                    solar:100kWp:06:30-18:30        solar:pv.csv
    pf:0.95

A ``+`` joins steps into one scenario: ``shift:20%:peak->valley+scale:1.1``.

Example:
    >>> step = parse_step("shift:20%:peak,flat->valley")
    >>> step.percent, step.from_periods, step.to
    (Decimal('20'), ['peak', 'flat'], ['valley'])
    >>> describe_step(parse_step("cap:500kW"))
    'cap:500kW'
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import isqrt
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from tariffs.engine.schedule import compile_schedule, local_days
from tariffs.engine.usage import split_in_proportion
from tariffs.errors import ScenarioError
from tariffs.io.safe_yaml import YamlDocument, input_error_from_validation, load_yaml, parse_yaml
from tariffs.model.account import Account
from tariffs.model.common import NonNegativeDecimal, StrictModel, parse_window
from tariffs.model.readings import Readings, to_decimal
from tariffs.model.tariff import Tariff

__all__ = [
    "CapStep",
    "PowerFactorStep",
    "ScaleStep",
    "Scenario",
    "ScenarioOutcome",
    "ShiftStep",
    "SolarStep",
    "Step",
    "StepReport",
    "apply_scenario",
    "describe_step",
    "load_scenarios",
    "parse_scenario",
    "parse_scenarios_yaml",
    "parse_step",
    "profile_names",
    "scale_to_total",
]

# These patterns only find a step's number or window, with any Unicode digit on purpose:
# the text found goes to the one rule for numbers and clock times (`exact_decimal`,
# `parse_window`), which refuses digits other than ASCII and names them.
_WINDOW_TEXT = re.compile(r"^\d{2}:\d{2}-\d{2}:\d{2}$")
_NUMBER = r"(\d+(?:\.\d+)?|\.\d+)"


def _is_window(item: str) -> bool:
    return bool(_WINDOW_TEXT.match(item))


def _check_items(items: list[str]) -> list[str]:
    cleaned = []
    for item in items:
        text = item.strip()
        if _is_window(text):
            parse_window(text)  # raises ValueError with the reason
        elif not re.match(r"^[a-z][a-z0-9_]*$", text):
            raise ValueError(
                f"{item!r} is neither a period name (lower-case, e.g. 'peak') nor a clock "
                "window 'HH:MM-HH:MM'"
            )
        cleaned.append(text)
    return cleaned


# -- steps ----------------------------------------------------------------------------


class ShiftStep(StrictModel):
    """Move energy from some periods or clock windows to others, within each local day.

    Attributes:
        kind: ``shift``.
        percent: Share of the "from" energy of each day to move [%], or None.
        kwh_per_day: Energy to move each day [kWh], or None; a day with less energy in
            the "from" intervals moves what it has.
        from_periods: Period names of the reference tariff, or clock windows
            ``HH:MM-HH:MM`` (written ``from`` in YAML).
        to: Period names or clock windows that receive the energy.
    """

    model_config = ConfigDict(**StrictModel.model_config, populate_by_name=True)

    kind: Literal["shift"] = "shift"
    percent: NonNegativeDecimal | None = None
    kwh_per_day: NonNegativeDecimal | None = None
    from_periods: list[str] = Field(alias="from", min_length=1)
    to: list[str] = Field(min_length=1)

    @field_validator("from_periods", "to")
    @classmethod
    def _items(cls, value: list[str]) -> list[str]:
        return _check_items(value)

    @model_validator(mode="after")
    def _check(self) -> ShiftStep:
        if (self.percent is None) == (self.kwh_per_day is None):
            raise ValueError("give exactly one of percent and kwh_per_day")
        if self.percent is not None and self.percent > 100:
            raise ValueError(f"percent must be 0 to 100, found {self.percent}")
        both = sorted(set(self.from_periods) & set(self.to))
        if both:
            raise ValueError(f"{both[0]!r} is both in 'from' and in 'to'")
        return self


class ScaleStep(StrictModel):
    """Multiply consumption (kWh, kvarh, a meter's kW) by a factor; export is unchanged.

    Attributes:
        kind: ``scale``.
        factor: The multiplier (1.1 for 10 % growth).
    """

    kind: Literal["scale"] = "scale"
    factor: NonNegativeDecimal


class CapStep(StrictModel):
    """Shave demand above a cap, moving the energy to the same day's intervals below it.

    Attributes:
        kind: ``cap``.
        demand_kw: The cap [kW], as the average power of an interval.
    """

    kind: Literal["cap"] = "cap"
    demand_kw: NonNegativeDecimal

    @field_validator("demand_kw")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError(f"the cap must be more than 0 kW, found {value}")
        return value


class SolarStep(StrictModel):
    """Add solar generation, netted against consumption interval by interval.

    Attributes:
        kind: ``solar``.
        kwp: Peak power of a clear-sky shape [kWp], or None with a profile.
        sunrise: Local clock time the shape starts, ``HH:MM``.
        sunset: Local clock time the shape ends, ``HH:MM``.
        profile: A readings file of generation [kWh per interval], or None with a shape.
    """

    kind: Literal["solar"] = "solar"
    kwp: NonNegativeDecimal | None = None
    sunrise: str = "06:00"
    sunset: str = "18:00"
    profile: str | None = None

    @model_validator(mode="after")
    def _check(self) -> SolarStep:
        if (self.kwp is None) == (self.profile is None):
            raise ValueError("give exactly one of kwp (a clear-sky shape) and profile (a file)")
        start, end = parse_window(f"{self.sunrise}-{self.sunset}")
        if end <= start:
            raise ValueError(
                f"sunset {self.sunset} must be after sunrise {self.sunrise} on the same day"
            )
        return self

    @property
    def daylight_minutes(self) -> tuple[int, int]:
        """Sunrise and sunset as minutes of the local day."""
        return parse_window(f"{self.sunrise}-{self.sunset}")


class PowerFactorStep(StrictModel):
    """Reduce each billing period's kvarh so that its power factor reaches a target.

    Attributes:
        kind: ``power_factor``.
        target: The power factor to reach, above 0 and at most 1.
    """

    kind: Literal["power_factor"] = "power_factor"
    target: NonNegativeDecimal

    @field_validator("target")
    @classmethod
    def _range(cls, value: Decimal) -> Decimal:
        if not 0 < value <= 1:
            raise ValueError(
                f"the target power factor must be above 0 and at most 1, found {value}"
            )
        return value


#: One step of a scenario.
Step = Annotated[
    ShiftStep | ScaleStep | CapStep | SolarStep | PowerFactorStep, Field(discriminator="kind")
]


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named list of steps, applied in order.

    Attributes:
        name: The scenario's name (its compact text when given on the command line).
        steps: The steps.
    """

    name: str
    steps: tuple[Step, ...]

    @property
    def text(self) -> str:
        """The steps in compact text form, joined by ``+``."""
        return "+".join(describe_step(step) for step in self.steps)


@dataclass(frozen=True, slots=True)
class StepReport:
    """What one step did.

    Attributes:
        step: The step in compact text form.
        quantities: Named exact quantities (e.g. ``moved_kwh``, ``generation_kwh``).
        notes: What a reader should know (days skipped, a column dropped, ...).
    """

    step: str
    quantities: dict[str, Decimal]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ScenarioOutcome:
    """The changed readings and a report of every step.

    Attributes:
        readings: The readings after every step.
        steps: One report per step, in order.
    """

    readings: Readings
    steps: tuple[StepReport, ...] = field(default=())


# -- compact text ---------------------------------------------------------------------


def _number_text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def describe_step(step: Step) -> str:
    """The compact text of a step (the form `parse_step` reads).

    >>> describe_step(parse_step("shift:5kWh:08:00-11:00->22:00-06:00"))
    'shift:5kWh:08:00-11:00->22:00-06:00'
    """
    if isinstance(step, ShiftStep):
        amount = (
            f"{_number_text(step.percent)}%"
            if step.percent is not None
            else f"{_number_text(step.kwh_per_day or Decimal(0))}kWh"
        )
        return f"shift:{amount}:{','.join(step.from_periods)}->{','.join(step.to)}"
    if isinstance(step, ScaleStep):
        return f"scale:{_number_text(step.factor)}"
    if isinstance(step, CapStep):
        return f"cap:{_number_text(step.demand_kw)}kW"
    if isinstance(step, SolarStep):
        if step.profile is not None:
            return f"solar:{step.profile}"
        text = f"solar:{_number_text(step.kwp or Decimal(0))}kWp"
        if (step.sunrise, step.sunset) != ("06:00", "18:00"):
            text += f":{step.sunrise}-{step.sunset}"
        return text
    return f"pf:{_number_text(step.target)}"


_COMPACT_HELP = (
    "write shift:20%:peak->valley, shift:3kWh:08:00-11:00->22:00-06:00, scale:1.1, "
    "cap:500kW, solar:100kWp[:06:00-18:00], solar:FILE.csv or pf:0.95"
)


def _validate_step(data: dict[str, Any], text: str) -> Step:
    from pydantic import TypeAdapter

    try:
        step: Step = TypeAdapter(Step).validate_python(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ScenarioError(f"scenario step {text!r}: {message}") from None
    return step


def parse_step(text: str) -> Step:
    """Read one step from its compact text form.

    Raises:
        ScenarioError: The text is not a step; the message shows the forms accepted.
    """
    kind, _, rest = text.strip().partition(":")
    kind = kind.strip().lower()
    rest = rest.strip()
    if kind == "shift":
        amount, _, spec = rest.partition(":")
        source, arrow, target = spec.partition("->")
        percent = re.fullmatch(_NUMBER + r"\s*%", amount.strip())
        energy = re.fullmatch(_NUMBER + r"\s*kWh(?:/day)?", amount.strip(), re.IGNORECASE)
        if not arrow or not (percent or energy):
            raise ScenarioError(f"scenario step {text!r} is not understood: {_COMPACT_HELP}")
        data: dict[str, Any] = {
            "kind": "shift",
            "from": [item for item in source.split(",") if item.strip()],
            "to": [item for item in target.split(",") if item.strip()],
        }
        if percent:
            data["percent"] = percent.group(1)
        else:
            assert energy is not None  # noqa: S101 - one of the two matched
            data["kwh_per_day"] = energy.group(1)
        return _validate_step(data, text)
    if kind == "scale":
        match = re.fullmatch(_NUMBER, rest)
        if match:
            return _validate_step({"kind": "scale", "factor": match.group(1)}, text)
    elif kind == "cap":
        match = re.fullmatch(_NUMBER + r"\s*kW", rest, re.IGNORECASE)
        if match:
            return _validate_step({"kind": "cap", "demand_kw": match.group(1)}, text)
    elif kind == "solar":
        match = re.fullmatch(_NUMBER + r"\s*kWp(?::(\d{2}:\d{2})-(\d{2}:\d{2}))?", rest, re.I)
        if match:
            data = {"kind": "solar", "kwp": match.group(1)}
            if match.group(2):
                data["sunrise"], data["sunset"] = match.group(2), match.group(3)
            return _validate_step(data, text)
        if rest:
            return _validate_step({"kind": "solar", "profile": rest}, text)
    elif kind in {"pf", "power_factor"}:
        match = re.fullmatch(_NUMBER, rest)
        if match:
            return _validate_step({"kind": "power_factor", "target": match.group(1)}, text)
    raise ScenarioError(f"scenario step {text!r} is not understood: {_COMPACT_HELP}")


def parse_scenario(text: str, name: str | None = None) -> Scenario:
    """Read a scenario from compact text: steps joined by ``+``.

    >>> parse_scenario("scale:1.1+pf:0.95").text
    'scale:1.1+pf:0.95'
    """
    parts = [part for part in text.split("+") if part.strip()]
    if not parts:
        raise ScenarioError(f"scenario {text!r} has no steps: {_COMPACT_HELP}")
    return Scenario(name=name or text.strip(), steps=tuple(parse_step(part) for part in parts))


# -- scenario files -------------------------------------------------------------------


def _compact(value: Any) -> Any:
    """Let a step of a scenario file be written in its compact text form."""
    if isinstance(value, str):
        return parse_step(value)
    return value


_FileStep = Annotated[Step, BeforeValidator(_compact)]


class _ScenarioFile(StrictModel):
    """A YAML scenario file: name → list of steps (mappings or compact texts)."""

    scenarios: dict[str, list[_FileStep]] = Field(min_length=1)

    @field_validator("scenarios")
    @classmethod
    def _non_empty(cls, value: dict[str, list[Step]]) -> dict[str, list[Step]]:
        for name, steps in value.items():
            if not name.strip():
                raise ValueError("a scenario name must not be empty")
            if not steps:
                raise ValueError(f"scenario {name!r} has no steps")
        return value


def _scenarios_from_document(document: YamlDocument) -> list[Scenario]:
    if not isinstance(document.data, dict):
        raise ScenarioError(
            f"expected a mapping with a 'scenarios' key, found {type(document.data).__name__}",
            file=document.source,
            line=1,
        )
    try:
        parsed = _ScenarioFile.model_validate(document.data)
    except ValidationError as exc:
        raise input_error_from_validation(exc, document, error=ScenarioError) from None
    return [Scenario(name=name, steps=tuple(steps)) for name, steps in parsed.scenarios.items()]


def parse_scenarios_yaml(text: str, source: str = "<scenarios>") -> list[Scenario]:
    """Read named scenarios from the text of a YAML scenario file.

    The file holds a ``scenarios`` mapping of names to lists of steps; a step is a
    mapping with a ``kind`` or a compact text::

        scenarios:
          valley-shift:
            - {kind: shift, percent: 20, from: [peak], to: [valley]}
          growth-and-solar:
            - scale:1.1
            - {kind: solar, kwp: 100, sunrise: "06:30", sunset: "18:30"}

    A solar ``profile`` path is kept as written (`load_scenarios` makes relative paths
    relative to the file).

    Raises:
        ScenarioError: The file is not valid, with file:line:column.
    """
    return _scenarios_from_document(parse_yaml(text, source, error=ScenarioError))


def load_scenarios(path: str | os.PathLike[str]) -> list[Scenario]:
    """Load named scenarios from a YAML file (see `parse_scenarios_yaml`).

    Relative solar profile paths are taken relative to the file's directory.

    Raises:
        ScenarioError: The file is missing or not valid, with file:line:column.
    """
    source = os.fspath(path)
    if not Path(source).is_file():
        raise ScenarioError("no such scenario file", file=source)
    scenarios = _scenarios_from_document(load_yaml(source, error=ScenarioError))
    base = Path(source).parent
    resolved = []
    for scenario in scenarios:
        steps = tuple(
            step.model_copy(update={"profile": os.fspath(base / step.profile)})
            if isinstance(step, SolarStep)
            and step.profile is not None
            and not Path(step.profile).is_absolute()
            else step
            for step in scenario.steps
        )
        resolved.append(Scenario(name=scenario.name, steps=steps))
    return resolved


def profile_names(scenarios: Sequence[Scenario]) -> list[str]:
    """The solar profile files the scenarios name, each once, in order of appearance."""
    names: list[str] = []
    for scenario in scenarios:
        for step in scenario.steps:
            if isinstance(step, SolarStep) and step.profile and step.profile not in names:
                names.append(step.profile)
    return names


# -- applying -------------------------------------------------------------------------


def _units(value: Decimal, scale: int, rounding: str = ROUND_HALF_UP) -> int:
    """A quantity in integer units of ``10**-scale``, rounded as asked."""
    return int(value.scaleb(scale).quantize(Decimal(1), rounding=rounding))


def _fraction_units(value: Fraction, rounding: str = ROUND_HALF_UP) -> int:
    """An exact non-negative fraction of units, rounded half-up (or down) to a whole unit."""
    whole, rest = divmod(value.numerator, value.denominator)
    if rounding == ROUND_FLOOR:
        return whole
    return whole + (1 if 2 * rest >= value.denominator else 0)


@dataclass(frozen=True, slots=True)
class _Day:
    """The intervals of one local date: ``(index, wall-clock minute)`` in time order."""

    date: dt.date
    intervals: list[tuple[int, int]]


def _local_days(readings: Readings, timezone: str) -> list[_Day]:
    days: list[_Day] = []
    starts = readings.starts
    for date, day_start, lo, hi in local_days(starts, 0, len(starts), timezone):
        intervals = [(k, (starts[k] - day_start) // 60) for k in range(lo, hi)]
        if days and days[-1].date == date:
            days[-1].intervals.extend(intervals)
        else:
            days.append(_Day(date, intervals))
    return days


def _window_spans(window: str) -> list[tuple[int, int]]:
    start, end = parse_window(window)
    if end > start:
        return [(start, end)]
    return [(start, 1440)] + ([(0, end)] if end else [])


class _Selector:
    """Which intervals of a local day belong to a list of period names and clock windows."""

    def __init__(
        self,
        items: list[str],
        readings: Readings,
        tariff: Tariff | None,
        account: Account | None,
        text: str,
        event_days: Iterable[dt.date] = (),
    ) -> None:
        self.spans: list[tuple[int, int]] = []
        self.periods: set[str] = set()
        step_minutes = readings.interval_seconds // 60
        for item in items:
            if _is_window(item):
                spans = _window_spans(item)
                for start, end in spans:
                    if readings.interval_seconds % 60 or start % step_minutes or end % step_minutes:
                        raise ScenarioError(
                            f"scenario step {text!r}: window {item} does not fall on the "
                            f"{readings.interval_seconds // 60}-minute interval boundaries of "
                            "the readings; give a window that starts and ends on a multiple "
                            f"of {readings.interval_seconds // 60} minutes from midnight",
                            file=readings.source,
                        )
                self.spans.extend(spans)
            else:
                self.periods.add(item)
        self.tariff = tariff
        self.event_days = frozenset(account.critical_peak_days if account else ()) | frozenset(
            event_days
        )
        if self.periods:
            if tariff is None:
                names = ", ".join(sorted(self.periods))
                raise ScenarioError(
                    f"scenario step {text!r} names periods ({names}) but no reference tariff "
                    "was given to take them from; give the tariff whose periods they are "
                    "(tariff=...), or clock windows (HH:MM-HH:MM) instead"
                )
            known = {n for version in tariff.versions.values() for n in version.period_names}
            for name in sorted(self.periods - known):
                raise ScenarioError(
                    f"scenario step {text!r}: tariff {tariff.id} has no period {name!r} "
                    f"(its periods: {', '.join(sorted(known))})"
                )
            for version in tariff.versions.values():
                granularity = compile_schedule(version).granularity_minutes
                if readings.interval_seconds % 60 or granularity % step_minutes:
                    raise ScenarioError(
                        f"scenario step {text!r}: intervals of {step_minutes} min cannot be "
                        f"split at the {granularity}-minute period boundaries of tariff "
                        f"{tariff.id}; give readings at {granularity} minutes or finer, or "
                        "name clock windows (HH:MM-HH:MM) on the readings' intervals instead "
                        "of periods",
                        file=readings.source,
                    )

    def select(self, day: _Day) -> list[int]:
        chosen = []
        runs: tuple[tuple[int, int, int], ...] = ()
        names: list[str] = []
        if self.periods and self.tariff is not None:
            found = self.tariff.version_at(day.date)
            if found is not None:
                version = found[1]
                schedule = compile_schedule(version)
                event = day.date in self.event_days or day.date in version.event_days
                runs = schedule.day(day.date, event).runs
                names = schedule.period_names
        for index, minute in day.intervals:
            if any(start <= minute < end for start, end in self.spans):
                chosen.append(index)
                continue
            for start, end, period in runs:
                if start <= minute < end:
                    if names[period] in self.periods:
                        chosen.append(index)
                    break
        return chosen


def _kw_following(
    readings: Readings, kwh: list[int], cap_units: int | None = None
) -> list[int] | None:
    """The meter's kW of each interval, scaled with the interval's changed kWh.

    An interval whose kWh did not change keeps its kW; one that had none takes the
    average demand of its new energy. With ``cap_units`` (a cap in kW × 10**scale) no
    kW is left above it. Each value is rounded half-up to the readings' resolution.
    """
    if readings.kw is None:
        return None
    seconds = readings.interval_seconds
    kw = list(readings.kw)
    for k, (before, after) in enumerate(zip(readings.kwh, kwh, strict=True)):
        if after != before:
            # Half-up of demand × after / before (or after × 3600 / seconds), in integers.
            if before:
                kw[k] = (2 * kw[k] * after + before) // (2 * before)
            else:
                kw[k] = (7200 * after + seconds) // (2 * seconds)
    if cap_units is not None:
        kw = [min(value, cap_units) for value in kw]
    return kw


def _kvarh_moved(
    kvarh: list[int], kwh: list[int], taken: list[tuple[int, int]], given: list[tuple[int, int]]
) -> None:
    """Move the kvarh of energy taken from some intervals into others, in place.

    Args:
        kvarh: The kvarh column, changed in place.
        kwh: The kWh of the intervals before the energy was moved.
        taken: ``(interval, kWh taken out)``; each gives kvarh in its own proportion.
        given: ``(interval, kWh put in)``; the kvarh go in proportion to these kWh.
    """
    moved = 0
    for k, part in taken:
        if part and kwh[k]:
            # Half-up of kvarh × part / kWh, in integers; part ≤ kWh, so out ≤ kvarh.
            out = min((2 * kvarh[k] * part + kwh[k]) // (2 * kwh[k]), kvarh[k])
            kvarh[k] -= out
            moved += out
    if moved:
        parts = split_in_proportion(moved, [part for _, part in given])
        for (k, _), part in zip(given, parts, strict=True):
            kvarh[k] += part


def _shift(
    readings: Readings,
    step: ShiftStep,
    timezone: str,
    tariff: Tariff | None,
    account: Account | None,
    event_days: tuple[dt.date, ...] = (),
) -> tuple[Readings, StepReport]:
    text = describe_step(step)
    source = _Selector(step.from_periods, readings, tariff, account, text, event_days)
    target = _Selector(step.to, readings, tariff, account, text, event_days)
    kwh = list(readings.kwh)
    kvarh = None if readings.kvarh is None else list(readings.kvarh)
    moved_total = 0
    short_days = 0
    stranded_days = 0
    scale = readings.scale
    per_day = None if step.kwh_per_day is None else _units(step.kwh_per_day, scale)
    for day in _local_days(readings, timezone):
        taken = source.select(day)
        given = target.select(day)
        overlap = set(taken) & set(given)
        if overlap:
            first = min(overlap)
            minute = next(m for k, m in day.intervals if k == first)
            raise ScenarioError(
                f"scenario step {text!r}: on {day.date} the interval at "
                f"{minute // 60:02d}:{minute % 60:02d} is both in 'from' and in 'to'"
            )
        available = sum(kwh[k] for k in taken)
        if step.percent is not None:
            amount = _fraction_units(Fraction(available) * Fraction(step.percent) / 100)
        else:
            assert per_day is not None  # noqa: S101 - the model requires one of the two
            amount = min(per_day, available)
            if per_day > available:
                short_days += 1
        if amount == 0:
            continue
        if not given:
            stranded_days += 1
            continue
        out = list(zip(taken, split_in_proportion(amount, [kwh[k] for k in taken]), strict=True))
        into = list(zip(given, split_in_proportion(amount, [1] * len(given)), strict=True))
        if kvarh is not None:
            _kvarh_moved(kvarh, kwh, out, into)
        for k, part in out:
            kwh[k] -= part
        for k, part in into:
            kwh[k] += part
        moved_total += amount
    notes: list[str] = []
    if short_days:
        notes.append(
            f"on {short_days} day(s) the 'from' intervals held less than "
            f"{_number_text(step.kwh_per_day or Decimal(0))} kWh; all of it was moved"
        )
    if stranded_days:
        notes.append(
            f"on {stranded_days} day(s) the readings have no 'to' interval; nothing was moved"
        )
    result = readings.with_values(kwh=kwh, kvarh=kvarh, kw=_kw_following(readings, kwh))
    report = StepReport(text, {"moved_kwh": to_decimal(moved_total, scale)}, tuple(notes))
    return result, report


def _scale(readings: Readings, step: ScaleStep) -> tuple[Readings, StepReport]:
    factor = step.factor
    exponent = factor.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    multiplier = int(factor.scaleb(places))
    scale = readings.scale + places
    if scale > 9:
        raise ScenarioError(
            f"scenario step {describe_step(step)!r}: the scaled readings would need "
            f"{scale} decimal places (at most 9)",
            file=readings.source,
        )
    shift = 10**places

    def times(column: list[int] | None, by: int) -> list[int] | None:
        return None if column is None else [value * by for value in column]

    result = readings.with_values(
        scale=scale,
        kwh=[value * multiplier for value in readings.kwh],
        kvarh=times(readings.kvarh, multiplier),
        kw=times(readings.kw, multiplier),
        export_kwh=times(readings.export_kwh, shift),
    )
    before = readings.total()
    report = StepReport(
        describe_step(step),
        {"energy_kwh_before": before, "energy_kwh_after": result.total()},
    )
    return result, report


def _cap(readings: Readings, step: CapStep, timezone: str) -> tuple[Readings, StepReport]:
    text = describe_step(step)
    scale = readings.scale
    cap = _fraction_units(
        Fraction(step.demand_kw) * 10**scale * readings.interval_seconds / 3600, ROUND_FLOOR
    )
    kwh = list(readings.kwh)
    kvarh = None if readings.kvarh is None else list(readings.kvarh)
    moved_total = 0
    for day in _local_days(readings, timezone):
        indexes = [k for k, _ in day.intervals]
        above = [k for k in indexes if kwh[k] > cap]
        if not above:
            continue
        shaved = sum(kwh[k] - cap for k in above)
        below = [k for k in indexes if kwh[k] < cap]
        room = sum(cap - kwh[k] for k in below)
        if shaved > room:
            raise ScenarioError(
                f"scenario step {text!r}: on {day.date} the load cannot be held under "
                f"{_number_text(step.demand_kw)} kW: {to_decimal(shaved, scale)} kWh above "
                f"the cap and only {to_decimal(room, scale)} kWh of room below it that day",
                file=readings.source,
            )
        parts = split_in_proportion(shaved, [cap - kwh[k] for k in below])
        into = list(zip(below, parts, strict=True))
        if kvarh is not None:
            _kvarh_moved(kvarh, kwh, [(k, kwh[k] - cap) for k in above], into)
        for k in above:
            kwh[k] = cap
        for k, part in into:
            kwh[k] += part
        moved_total += shaved
    cap_kw = _fraction_units(Fraction(step.demand_kw) * 10**scale, ROUND_FLOOR)
    result = readings.with_values(kwh=kwh, kvarh=kvarh, kw=_kw_following(readings, kwh, cap_kw))
    notes: list[str] = []
    report = StepReport(
        text,
        {
            "moved_kwh": to_decimal(moved_total, scale),
            "cap_kwh_per_interval": to_decimal(cap, scale),
        },
        tuple(notes),
    )
    return result, report


def _clear_sky(readings: Readings, step: SolarStep, timezone: str) -> list[int]:
    """Generation per interval of a clear-sky day shape, rounded half-up to the resolution.

    The power is ``kwp × 4x(1 − x)``, ``x`` the share of the daylight span elapsed: a
    parabola that peaks at ``kwp`` at the middle of the span. Its integral from 0 to
    ``x`` is ``L × (2x² − 4x³/3)`` hours for a span of ``L`` hours, so each interval's
    energy is exact before the one rounding.
    """
    sunrise, sunset = step.daylight_minutes
    span = sunset - sunrise
    kwp = Fraction(step.kwp or Decimal(0))
    step_minutes = Fraction(readings.interval_seconds, 60)
    unit = 10**readings.scale

    def integral(minute: Fraction) -> Fraction:
        x = min(max((minute - sunrise) / span, Fraction(0)), Fraction(1))
        return 2 * x * x - Fraction(4, 3) * x**3

    generation = [0] * len(readings)
    hours = Fraction(span, 60)
    for day in _local_days(readings, timezone):
        for index, minute in day.intervals:
            a = Fraction(minute)
            share = integral(a + step_minutes) - integral(a)
            if share:
                generation[index] = _fraction_units(kwp * hours * share * unit)
    return generation


def _profile_generation(readings: Readings, profile: Readings, text: str) -> list[int]:
    """Generation per interval of the readings, in the readings' units, from a profile."""
    from bisect import bisect_right

    if profile.scale > readings.scale:
        raise ScenarioError(
            f"scenario step {text!r}: the profile has {profile.scale} decimals, more than the "
            f"{readings.scale} of the readings",
            file=profile.source,
        )
    unit = 10 ** (readings.scale - profile.scale)
    values = {start: value * unit for start, value in zip(profile.starts, profile.kwh, strict=True)}
    ours, theirs = readings.interval_seconds, profile.interval_seconds
    generation = []

    def missing(t: int) -> ScenarioError:
        moment = dt.datetime.fromtimestamp(t, dt.UTC).isoformat().replace("+00:00", "Z")
        return ScenarioError(
            f"scenario step {text!r}: the profile has no generation for {moment}",
            file=profile.source,
        )

    for start in readings.starts:
        if theirs == ours:
            if start not in values:
                raise missing(start)
            generation.append(values[start])
        elif theirs > ours and theirs % ours == 0:
            k = bisect_right(profile.starts, start) - 1
            if k < 0 or profile.starts[k] + theirs <= start or (start - profile.starts[k]) % ours:
                raise missing(start)
            parts = split_in_proportion(values[profile.starts[k]], [1] * (theirs // ours))
            generation.append(parts[(start - profile.starts[k]) // ours])
        elif ours % theirs == 0:
            total = 0
            for t in range(start, start + ours, theirs):
                if t not in values:
                    raise missing(t)
                total += values[t]
            generation.append(total)
        else:
            raise ScenarioError(
                f"scenario step {text!r}: profile intervals of {theirs // 60} min do not fit "
                f"readings intervals of {ours // 60} min",
                file=profile.source,
            )
    return generation


def _solar(
    readings: Readings,
    step: SolarStep,
    timezone: str,
    profiles: Mapping[str, Readings],
) -> tuple[Readings, StepReport]:
    text = describe_step(step)
    if step.profile is not None:
        profile = profiles.get(step.profile)
        if profile is None:
            raise ScenarioError(
                f"scenario step {text!r}: the generation profile {step.profile} was not read"
            )
        generation = _profile_generation(readings, profile, text)
    else:
        generation = _clear_sky(readings, step, timezone)
    kwh = []
    export = list(readings.export_kwh) if readings.export_kwh is not None else [0] * len(readings)
    used = exported = 0
    for index, (load, made) in enumerate(zip(readings.kwh, generation, strict=True)):
        if made <= load:
            kwh.append(load - made)
            used += made
        else:
            kwh.append(0)
            used += load
            export[index] += made - load
            exported += made - load
    keep_export = readings.export_kwh is not None or exported > 0
    result = readings.with_values(
        kwh=kwh, export_kwh=export if keep_export else None, kw=_kw_following(readings, kwh)
    )
    notes: list[str] = []
    scale = readings.scale
    report = StepReport(
        text,
        {
            "generation_kwh": to_decimal(sum(generation), scale),
            "self_consumed_kwh": to_decimal(used, scale),
            "exported_kwh": to_decimal(exported, scale),
        },
        tuple(notes),
    )
    return result, report


def _power_factor(
    readings: Readings, step: PowerFactorStep, timezone: str, account: Account | None
) -> tuple[Readings, StepReport]:
    from bisect import bisect_left

    from tariffs.engine.pricing import billing_periods, local_midnight

    text = describe_step(step)
    if readings.kvarh is None:
        raise ScenarioError(
            f"scenario step {text!r}: the readings have no kvarh column to correct",
            file=readings.source,
        )
    if not readings.starts:
        return readings, StepReport(text, {"kvarh_removed": to_decimal(0, readings.scale)})
    zone = ZoneInfo(timezone)
    first = dt.datetime.fromtimestamp(readings.starts[0], zone).date()
    last = dt.datetime.fromtimestamp(readings.end - 1, zone).date()
    read_day = account.meter_read_day if account and account.meter_read_day else 1
    # target = a / b exactly; kvarh ≤ kWh × √(b² − a²) / a keeps PF ≥ a / b.
    target = Fraction(step.target)
    a, b = target.numerator, target.denominator
    kvarh = list(readings.kvarh)
    removed = 0
    corrected = 0
    for start, end in billing_periods(first, last, read_day):
        i = bisect_left(readings.starts, local_midnight(start, zone))
        j = bisect_left(readings.starts, local_midnight(end, zone))
        if i >= j:
            continue
        active = sum(readings.kwh[i:j])
        reactive = sum(kvarh[i:j])
        allowed = isqrt(active * active * (b * b - a * a) // (a * a))
        if reactive <= allowed:
            continue
        cut = reactive - allowed
        parts = split_in_proportion(cut, kvarh[i:j])
        for k, part in enumerate(parts, start=i):
            kvarh[k] -= part
        removed += cut
        corrected += 1
    result = readings.with_values(kvarh=kvarh)
    report = StepReport(
        text,
        {"kvarh_removed": to_decimal(removed, readings.scale)},
        (f"{corrected} billing period(s) corrected",) if corrected else (),
    )
    return result, report


def apply_scenario(
    readings: Readings,
    scenario: Scenario | Step | Sequence[Step],
    *,
    timezone: str,
    tariff: Tariff | None = None,
    account: Account | None = None,
    profiles: Mapping[str, Readings] | None = None,
    event_days: Iterable[dt.date] = (),
) -> ScenarioOutcome:
    """Apply the steps of a scenario to readings, in order. Pure: the input is not changed.

    Args:
        readings: The readings to change.
        scenario: A scenario, one step, or a list of steps.
        timezone: IANA time zone of local days and clock windows (the tariff's).
        tariff: The reference tariff whose period names ``shift`` steps use.
        account: The account: its critical-peak days (for periods) and meter-reading day
            (billing periods of ``power_factor``).
        profiles: Solar profile file name → generation readings (kWh column), read by
            the caller for the ``solar`` steps that name a profile.
        event_days: Declared critical-peak event days besides the account's (for
            periods that only exist on event days).

    Returns:
        The changed readings and what each step did.

    Raises:
        ScenarioError: A step cannot be applied (unknown period, a cap the load cannot
            fit under, no kvarh to correct, a profile that does not cover the readings).
    """
    if isinstance(scenario, Scenario):
        steps: Sequence[Step] = scenario.steps
    elif isinstance(scenario, ShiftStep | ScaleStep | CapStep | SolarStep | PowerFactorStep):
        steps = [scenario]
    else:
        steps = scenario
    reports = []
    current = readings
    days = tuple(event_days)
    for step in steps:
        if isinstance(step, ShiftStep):
            current, report = _shift(current, step, timezone, tariff, account, days)
        elif isinstance(step, ScaleStep):
            current, report = _scale(current, step)
        elif isinstance(step, CapStep):
            current, report = _cap(current, step, timezone)
        elif isinstance(step, SolarStep):
            current, report = _solar(current, step, timezone, profiles or {})
        else:
            current, report = _power_factor(current, step, timezone, account)
        reports.append(report)
    return ScenarioOutcome(current, tuple(reports))


def scale_to_total(readings: Readings, total_kwh_units: int) -> Readings:
    """The same load shape with an exact new total of imported energy.

    The kWh of every interval are a largest-remainder split of the new total in
    proportion to the old values (the total is exact); kvarh and a meter's kW are scaled
    by the same ratio, each rounded half-up to the readings' resolution. Export is not
    consumption and is unchanged.

    Args:
        readings: Readings with some consumption.
        total_kwh_units: The new total [kWh × 10**scale].

    Raises:
        ScenarioError: The readings have no consumption to scale.

    >>> r = Readings("m", 3600, [0, 3600, 7200], 3, [1000, 2000, 1000])
    >>> scale_to_total(r, 6000).kwh
    [1500, 3000, 1500]
    """
    old = sum(readings.kwh)
    if old == 0:
        raise ScenarioError("the readings have no consumption to scale", file=readings.source)
    ratio = Fraction(total_kwh_units, old)

    def scaled(column: list[int] | None) -> list[int] | None:
        if column is None:
            return None
        return [_fraction_units(value * ratio) for value in column]

    return readings.with_values(
        kwh=split_in_proportion(total_kwh_units, readings.kwh),
        kvarh=scaled(readings.kvarh),
        kw=scaled(readings.kw),
    )
