"""How a readings CSV whose columns are not the contract's own is read: `CsvLayout`.

Real files name their columns differently (``timestamp_source``, ``value``,
``total_building_kw``), give energy in Wh or as kW averaged over each interval, mark each
interval by its end rather than its start, and carry columns that are not readings (a PV
series, a label). A layout declares all of this, so that nothing is guessed:

- ``columns`` maps a contract name to the file's column: ``start`` (or ``end``, when the
  timestamps mark the end of each interval), ``kwh``, ``kvarh``, ``export_kwh``, ``kw``;
- ``units`` gives the unit a quantity column is written in, when it is not the contract's
  (``kwh: kW`` reads average kW over each interval and multiplies by its length);
- ``ignore`` names the file's columns that are not read; any other column the layout does
  not account for is refused, as in a file without a layout.

Every conversion is exact: a value whose converted form is not a finite decimal (kW over
5 minutes is a twelfth of an hour) is refused at its line, never rounded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

from tariffs.model.bill import BillWarning

__all__ = [
    "TIMESTAMP_NAMES",
    "UNITS",
    "CsvLayout",
    "decimal_places",
    "parse_columns",
    "parse_units",
]

#: The names a layout may map the timestamp column to: interval starts or interval ends.
TIMESTAMP_NAMES = ("start", "end")

_QUANTITIES = ("kwh", "kvarh", "export_kwh", "kw")


def _units(unit: str, power: str) -> Mapping[str, tuple[Fraction, bool]]:
    """An energy unit and the power averaged over an interval, each in three sizes.

    ``kWh``, ``Wh``, ``MWh``, then ``kW``, ``W``, ``MW`` (for ``Wh`` and ``W``).
    """
    sizes = (("k", Fraction(1)), ("", Fraction(1, 1000)), ("M", Fraction(1000)))
    units = {f"{prefix}{unit}": (factor, False) for prefix, factor in sizes}
    units.update({f"{prefix}{power}": (factor, True) for prefix, factor in sizes})
    return MappingProxyType(units)


_ENERGY = _units("Wh", "W")

#: For each quantity column, the units it may be written in: the factor to the contract's
#: unit, and whether it is a power averaged over the interval (multiplied by its hours).
UNITS: Mapping[str, Mapping[str, tuple[Fraction, bool]]] = MappingProxyType(
    {
        "kwh": _ENERGY,
        "export_kwh": _ENERGY,
        "kvarh": _units("varh", "var"),
        "kw": MappingProxyType(
            {unit: (factor, False) for unit, (factor, power) in _ENERGY.items() if power}
        ),
    }
)

_CONTRACT_UNITS = {"kwh": "kWh", "export_kwh": "kWh", "kvarh": "kvarh", "kw": "kW"}
_NAME = re.compile(r"[^,=]+")


@dataclass(frozen=True)
class CsvLayout:
    """The columns and units of a readings CSV, declared.

    >>> layout = CsvLayout(columns={"end": "timestamp_source", "kwh": "total_building_kw"},
    ...                    units={"kwh": "kW"}, ignore=("pv_kw",))
    >>> layout.timestamp_column, layout.marks_interval_end
    ('timestamp_source', True)

    Attributes:
        columns: Contract name (``start`` or ``end``, ``kwh``, ``kvarh``, ``export_kwh``,
            ``kw``) to the name of the file's column that holds it. A contract name not
            mapped is looked for under its own name.
        units: Contract quantity name to the unit its column is written in (see
            `UNITS`); a quantity not named is in the contract's unit.
        ignore: The file's columns that are not read.

    Raises:
        ValueError: A name or unit that the contract does not know, both ``start`` and
            ``end``, one file column mapped twice, or a column both mapped and ignored.
    """

    columns: Mapping[str, str] = field(default_factory=dict)
    units: Mapping[str, str] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        allowed = (*TIMESTAMP_NAMES, *_QUANTITIES)
        for name in self.columns:
            if name not in allowed:
                raise ValueError(
                    f"unknown readings column {name!r}; map one of {', '.join(allowed)}"
                )
        if "start" in self.columns and "end" in self.columns:
            raise ValueError(
                "both start and end are mapped; the timestamps mark either the start or "
                "the end of each interval"
            )
        seen: dict[str, str] = {}
        for name, column in self.columns.items():
            if not column.strip() or column != column.strip():
                raise ValueError(f"{name}={column!r}: a column name must not be empty or padded")
            if column in seen:
                raise ValueError(
                    f"column {column!r} is mapped twice (to {seen[column]} and to {name})"
                )
            seen[column] = name
        for name, unit in self.units.items():
            if name not in UNITS:
                raise ValueError(
                    f"units of {name!r}: only quantity columns have units "
                    f"({', '.join(_QUANTITIES)})"
                )
            if unit not in UNITS[name]:
                raise ValueError(
                    f"unknown unit {unit!r} for {name}; allowed: {', '.join(UNITS[name])}"
                )
        for column in self.ignore:
            if column in seen:
                raise ValueError(
                    f"column {column!r} is both mapped (to {seen[column]}) and ignored"
                )
        if len(set(self.ignore)) != len(self.ignore):
            raise ValueError("a column is ignored twice")

    @property
    def marks_interval_end(self) -> bool:
        """Whether the timestamps mark the end of each interval (``end`` is mapped)."""
        return "end" in self.columns

    @property
    def timestamp_column(self) -> str:
        """The file's column of timestamps."""
        return self.columns.get("end", self.columns.get("start", "start"))

    def file_column(self, name: str) -> str:
        """The file's column holding the contract quantity `name`."""
        return self.columns.get(name, name)

    def factor(self, name: str, interval_seconds: int) -> Fraction:
        """What a value of quantity `name` is multiplied by to be in the contract's unit."""
        unit = self.units.get(name)
        if unit is None:
            return Fraction(1)
        factor, is_power = UNITS[name][unit]
        return factor * Fraction(interval_seconds, 3600) if is_power else factor

    def describe(self, interval_seconds: int) -> BillWarning:
        """One line for the bill: where each quantity was read from, and in what unit.

        Its facts (``columns``) are the parts in order: ``end_less`` (minutes) or
        ``timestamps`` (the column), ``<quantity>.column`` with ``.unit``, ``.factor``,
        ``.target`` and ``.averaged``, and ``ignore``.
        """
        parts: list[str] = []
        facts: list[tuple[str, str]] = []
        timestamps = self.timestamp_column
        if self.marks_interval_end:
            parts.append(
                f"start = the interval end in '{timestamps}' less {interval_seconds // 60} min"
            )
            facts += [("timestamps", timestamps), ("end_less", f"{interval_seconds // 60}")]
        elif timestamps != "start":
            parts.append(f"start from '{timestamps}'")
            facts.append(("timestamps", timestamps))
        for name in _QUANTITIES:
            column = self.file_column(name)
            unit = self.units.get(name)
            if column == name and unit is None:
                continue
            text = f"{name} from '{column}'"
            facts.append((f"{name}.column", column))
            if unit is not None:
                factor = self.factor(name, interval_seconds)
                target = _CONTRACT_UNITS[name]
                averaged = bool(UNITS[name][unit][1])
                if averaged:
                    text += (
                        f", {unit} averaged over each interval (× {_fraction(factor)} to {target})"
                    )
                else:
                    text += f" in {unit} (× {_fraction(factor)} to {target})"
                facts += [
                    (f"{name}.unit", unit),
                    (f"{name}.factor", _fraction(factor)),
                    (f"{name}.target", target),
                    (f"{name}.averaged", "1" if averaged else "0"),
                ]
            parts.append(text)
        if self.ignore:
            parts.append("not read: " + ", ".join(self.ignore))
            facts.append(("ignore", ",".join(self.ignore)))
        return BillWarning("readings columns: " + "; ".join(parts), "columns", tuple(facts))


def decimal_places(denominator: int) -> tuple[int, int]:
    """How many decimal places ``1 / denominator`` needs, and what of it is not 2s and 5s.

    ``denominator = 2**a * 5**b * rest``: ``(max(a, b), rest)``; ``1 / denominator`` is a
    finite decimal exactly when ``rest`` is 1.

    >>> decimal_places(4), decimal_places(12)
    ((2, 1), (2, 3))
    """
    rest, twos, fives = denominator, 0, 0
    while rest % 2 == 0:
        rest //= 2
        twos += 1
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    return max(twos, fives), rest


def _fraction(value: Fraction) -> str:
    """A fraction as a plain decimal where it is one (0.25), else as p/q."""
    places, rest = decimal_places(value.denominator)
    if rest != 1:
        return f"{value.numerator}/{value.denominator}"
    units = value.numerator * 10**places // value.denominator
    return format(Decimal(units).scaleb(-places).normalize(), "f")


def parse_columns(text: str) -> dict[str, str]:
    """Read ``name=column,...`` (e.g. ``end=timestamp_source,kwh=total_building_kw``).

    >>> parse_columns("start=timestamp_source,kwh=value")
    {'start': 'timestamp_source', 'kwh': 'value'}

    Raises:
        ValueError: An entry that is not ``name=column``, or a name given twice.
    """
    return _pairs(text, "column")


def parse_units(text: str) -> dict[str, str]:
    """Read ``name=unit,...`` (e.g. ``kwh=kW``).

    >>> parse_units("kwh=Wh,kvarh=varh")
    {'kwh': 'Wh', 'kvarh': 'varh'}

    Raises:
        ValueError: An entry that is not ``name=unit``, or a name given twice.
    """
    return _pairs(text, "unit")


def _pairs(text: str, what: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for entry in text.split(","):
        name, equals, value = entry.partition("=")
        if not equals or not _NAME.fullmatch(name) or not _NAME.fullmatch(value):
            raise ValueError(f"{entry!r} is not NAME={what.upper()} (e.g. kwh=value)")
        name, value = name.strip(), value.strip()
        if name in pairs:
            raise ValueError(f"{name} is given twice")
        pairs[name] = value
    return pairs
