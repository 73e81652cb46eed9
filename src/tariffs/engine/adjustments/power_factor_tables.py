"""The 1983 power-factor adjustment tables (功率因数调整电费办法) and the monthly power factor.

Chinese two-part tariffs adjust a month's basic and energy charges by the month's average
power factor under 《功率因数调整电费办法》 ((83)水电财字第215号, issued by the Ministry of Water
Resources and Electric Power 水利电力部 and the National Price Bureau 国家物价局 on
1983-12-02). The rules carry three tables (附表一, 二, 三), for the standards 0.90, 0.85
and 0.80, giving the percentage added to (增收) or taken off (减收) the month's charges for
every actual power factor to two decimals.

Each table is kept here the way the rules state it: walking away from the standard, a fixed
percentage for every 0.01 of power factor inside a band. Above the last reduction band the
reduction stays flat (e.g. "0.95~1.00: 0.75" for the standard 0.90); below the standard the
last band runs at 2 % per 0.01 with no floor ("功率因数自0.64及以下，每降低0.01电费增加2%"),
so this module continues it down to 0.00. The tests check every row from 1.00 to 0.50
against the tables typed out from the published source.

The power factor itself is ``kWh / √(kWh² + kvarh²)`` over the month, rounded half-up to
two decimals (the rules: "取小数后二位为止，二位以后四舍五入"). It is computed exactly, by
comparing squares of rational numbers, never with floats or a limited-precision square root.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Final

__all__ = [
    "STANDARD_TABLES",
    "PowerFactorStep",
    "PowerFactorTable",
    "power_factor",
    "power_factor_table",
]

# The published tables, as read for this module (cross-checked, row by row where shown):
#   - 《功率因数调整电费办法》 (83)水电财字第215号, text of the rules:
#     https://777doc.com/doc-5713324.html and the covering notice
#     https://biganzidoc.com/xingzhengbaogong/zhidubanfa/19304749d3fef071.html
#   - Table for the standard 0.90, all rows 1.00 to 0.65 and the rule for 0.64 and below:
#     http://aiicanw.cn/xx/dqdz/50308.html
#   - The three standards side by side (功率因数调整电费增减查对表), rows 1.00 to 0.93,
#     0.66 to 0.59 and 0.32 to 0.26: http://wgbc.cn/zxjs/205.html
_REFERENCE: Final = (
    "《功率因数调整电费办法》, 水利电力部、国家物价局 (83)水电财字第215号, 1983-12-02"
)

_HUNDRED: Final = 100


@dataclass(frozen=True)
class PowerFactorStep:
    """One band of a power-factor table: a fixed percentage per 0.01 of power factor.

    A band starts where the previous one ends (the first at the table's standard) and runs
    up to `limit` (for reductions) or down to `limit` (for surcharges), inclusive.

    Attributes:
        limit: The power factor where the band ends, to two decimals.
        percent_per_hundredth: Percentage of the charges [%] added (surcharge) or taken
            off (reduction) for every 0.01 of power factor inside the band; not negative.
    """

    limit: Decimal
    percent_per_hundredth: Decimal


@dataclass(frozen=True)
class PowerFactorTable:
    """A power-factor adjustment table: the percentage applied for each power factor.

    Attributes:
        name: Name by which tariff tables refer to it, e.g. ``"1983-0.90"``.
        standard: The standard power factor (功率因数标准值); no adjustment at exactly it.
        reference: The published source of the table.
        reduction_steps: Bands above the standard, in increasing order of `limit`; above
            the last limit the reduction stays at its last value.
        surcharge_steps: Bands below the standard, in decreasing order of `limit`; the last
            limit is 0.00, so every power factor has a percentage.

    Raises:
        ValueError: The standard or the steps are not a well-formed table.
    """

    name: str
    standard: Decimal
    reference: str
    reduction_steps: tuple[PowerFactorStep, ...]
    surcharge_steps: tuple[PowerFactorStep, ...]

    def __post_init__(self) -> None:
        """Check that the bands cover 0.00 to 1.00 in order around the standard."""
        standard = _hundredths(self.standard, f"{self.name}: standard")
        if not 0 < standard < _HUNDRED:
            raise ValueError(f"{self.name}: standard {self.standard} is not between 0 and 1")
        previous = standard
        for step in self.reduction_steps:
            limit = _hundredths(step.limit, f"{self.name}: reduction limit")
            if limit <= previous:
                raise ValueError(
                    f"{self.name}: reduction limit {step.limit} does not rise above the "
                    "previous band"
                )
            _check_rate(step, self.name)
            previous = limit
        previous = standard
        for step in self.surcharge_steps:
            limit = _hundredths(step.limit, f"{self.name}: surcharge limit")
            if limit >= previous:
                raise ValueError(
                    f"{self.name}: surcharge limit {step.limit} does not fall below the "
                    "previous band"
                )
            _check_rate(step, self.name)
            previous = limit
        if previous != 0:
            raise ValueError(f"{self.name}: the last surcharge band must reach 0.00")

    def percent(self, power_factor: Decimal) -> Decimal:
        """Return the adjustment for a month's power factor, in percent of the charges.

        Args:
            power_factor: The month's power factor, already rounded to two decimals
                (see `power_factor`), from 0.00 to 1.00.

        Returns:
            The percentage to apply to the charges the tariff names [%], to two decimals:
            positive adds to the bill (增收), negative takes off (减收), zero at the standard.

        Raises:
            ValueError: The power factor is not a `Decimal` of whole hundredths from 0.00
                to 1.00.

        >>> table = STANDARD_TABLES["1983-0.90"]
        >>> table.percent(Decimal("0.89")), table.percent(Decimal("0.96"))
        (Decimal('0.50'), Decimal('-0.75'))
        """
        target = _hundredths(power_factor, "power factor")
        if not 0 <= target <= _HUNDRED:
            raise ValueError(f"power factor {power_factor} is outside 0.00 to 1.00")
        standard = _hundredths(self.standard, "standard")
        if target >= standard:
            total = _walk(standard, target, self.reduction_steps, upwards=True)
            total = -total
        else:
            total = _walk(standard, target, self.surcharge_steps, upwards=False)
        if total == 0:
            return Decimal("0.00")
        return total.quantize(Decimal("0.01"))


def _check_rate(step: PowerFactorStep, name: str) -> None:
    rate = step.percent_per_hundredth
    if not isinstance(rate, Decimal) or not rate.is_finite() or rate < 0:
        raise ValueError(f"{name}: percent per 0.01 must be a Decimal >= 0, got {rate!r}")


def _hundredths(value: Decimal, what: str) -> int:
    """Return ``value × 100`` as an int, exactly; refuse anything that is not hundredths."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(f"{what} must be a Decimal, got {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{what} must be a finite number, got {value}")
    scaled = Fraction(value) * _HUNDRED
    if scaled.denominator != 1:
        raise ValueError(f"{what} {value} has more than two decimals")
    return scaled.numerator


def _walk(start: int, target: int, steps: tuple[PowerFactorStep, ...], *, upwards: bool) -> Decimal:
    """Sum the percentages of the hundredths between `start` and `target` [%].

    Positions are in hundredths of power factor. Hundredths beyond the last step's limit
    add nothing (the flat top of the reductions).
    """
    total = Decimal(0)
    position = start
    for step in steps:
        limit = _hundredths(step.limit, "limit")
        reach = min(target, limit) if upwards else max(target, limit)
        count = reach - position if upwards else position - reach
        if count > 0:
            total += count * step.percent_per_hundredth
        if reach == target:
            break
        position = limit
    return total


def _table(
    standard: str,
    appendix: str,
    reductions: tuple[tuple[str, str], ...],
    surcharges: tuple[tuple[str, str], ...],
) -> PowerFactorTable:
    return PowerFactorTable(
        name=f"1983-{standard}",
        standard=Decimal(standard),
        reference=f"{_REFERENCE}, {appendix} (standard {standard})",
        reduction_steps=tuple(
            PowerFactorStep(Decimal(limit), Decimal(rate)) for limit, rate in reductions
        ),
        surcharge_steps=tuple(
            PowerFactorStep(Decimal(limit), Decimal(rate)) for limit, rate in surcharges
        ),
    )


# 附表一, standard 0.90: reductions 0.15 % per 0.01 up to 0.95 (0.95~1.00: 0.75 %);
# surcharges 0.5 % per 0.01 down to 0.70, 1 % down to 0.65, 2 % from 0.64 down.
_TABLE_0_90: Final = _table(
    "0.90",
    "附表一",
    reductions=(("0.95", "0.15"),),
    surcharges=(("0.70", "0.5"), ("0.65", "1"), ("0.00", "2")),
)

# 附表二, standard 0.85: reductions 0.1 % per 0.01 up to 0.90, 0.15 % up to 0.94
# (0.94~1.00: 1.10 %); surcharges 0.5 % down to 0.65, 1 % down to 0.60, 2 % from 0.59 down.
_TABLE_0_85: Final = _table(
    "0.85",
    "附表二",
    reductions=(("0.90", "0.1"), ("0.94", "0.15")),
    surcharges=(("0.65", "0.5"), ("0.60", "1"), ("0.00", "2")),
)

# 附表三, standard 0.80: reductions 0.1 % per 0.01 up to 0.90, 0.15 % up to 0.92
# (0.92~1.00: 1.30 %); surcharges 0.5 % down to 0.60, 1 % down to 0.55, 2 % from 0.54 down.
_TABLE_0_80: Final = _table(
    "0.80",
    "附表三",
    reductions=(("0.90", "0.1"), ("0.92", "0.15")),
    surcharges=(("0.60", "0.5"), ("0.55", "1"), ("0.00", "2")),
)

#: The three tables of the 1983 rules, by the name tariff tables use for them.
STANDARD_TABLES: Final[Mapping[str, PowerFactorTable]] = MappingProxyType(
    {table.name: table for table in (_TABLE_0_90, _TABLE_0_85, _TABLE_0_80)}
)


def power_factor_table(name: str) -> PowerFactorTable:
    """Return the standard power-factor table with this name.

    Args:
        name: One of the keys of `STANDARD_TABLES`, e.g. ``"1983-0.90"``.

    Raises:
        LookupError: No table has this name; the message lists the known names.

    >>> power_factor_table("1983-0.85").standard
    Decimal('0.85')
    """
    try:
        return STANDARD_TABLES[name]
    except KeyError:
        known = ", ".join(sorted(STANDARD_TABLES))
        raise LookupError(f"unknown power-factor table {name!r}; known tables: {known}") from None


def power_factor(energy_kwh: Decimal, reactive_kvarh: Decimal) -> Decimal:
    """Return the power factor of a period's totals, rounded half-up to two decimals.

    The value is ``energy_kwh / √(energy_kwh² + reactive_kvarh²)``, rounded by comparing
    exact squares, so a true value just below a rounding boundary (…4999…) and one just
    above it are told apart however close they are. (A true value exactly on a boundary,
    such as 0.895, cannot come from decimal quantities: it would need ``200² − a²`` to be a
    square for an odd ``a``, which no odd ``a`` gives. Half-up is applied regardless.)

    Args:
        energy_kwh: Active energy of the period [kWh], not negative.
        reactive_kvarh: Reactive energy of the period [kvarh], not negative.

    Returns:
        The power factor as a `Decimal` with two decimals, from ``0.00`` to ``1.00``.

    Raises:
        ValueError: A quantity is negative or not an exact number, or both are zero
            ("power factor undefined: no energy").

    >>> power_factor(Decimal("300"), Decimal("400"))
    Decimal('0.60')
    """
    active = _quantity(energy_kwh, "energy_kwh")
    reactive = _quantity(reactive_kvarh, "reactive_kvarh")
    apparent_squared = active * active + reactive * reactive
    if apparent_squared == 0:
        raise ValueError("power factor undefined: no energy")
    return _rounded_from_square(active * active / apparent_squared)


def _quantity(value: Decimal, what: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise ValueError(f"{what} must be a Decimal, got {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{what} must be a finite number, got {value}")
    if value < 0:
        raise ValueError(f"{what} must not be negative, got {value}")
    return Fraction(value)


def _rounded_from_square(power_factor_squared: Fraction) -> Decimal:
    """Round a power factor given by its exact square half-up to two decimals.

    ``floor(200 × pf) == isqrt(floor(40000 × pf²))`` exactly, and rounding half-up to
    hundredths is ``(floor(200 × pf) + 1) // 2``.
    """
    twice_hundredths = math.isqrt(math.floor(40000 * power_factor_squared))
    return Decimal((twice_hundredths + 1) // 2).scaleb(-2)
