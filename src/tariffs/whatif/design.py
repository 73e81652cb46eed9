"""Design toward a target: the value of one number of a proposed table that hits a revenue.

One number of the proposed table is the unknown: a price, a ratio, a tier bound, a
fixed amount. `find_unknown` finds it in the table's YAML document from a path
(`parse_path`: ``charges[energy].prices.peak``), `with_value` writes the table with that
number replaced and nothing else changed, and `solve` finds the value, on the grid of
the number's decimal places, whose revenue over a portfolio is nearest the target: the
current revenue of the same accounts (revenue-neutral) or a stated revenue.

Revenue is priced by the engine at every value tried; it is a monotone step function of
the unknown (linear before each line is rounded, for a price). The search works on the
integers k of value = k × step: an interpolation between two pricings (the exact solve
of a + b·x, which only the rounding of the lines keeps from being the answer), checked
by pricing the neighbours, with bisection when the interpolation does not halve the
bracket, and a bounded number of pricings. The engine is the judge: the revenue reported
is the one priced at the value reported.

Of the values equally near the target (several values can give the same revenue once
the lines are rounded), the one nearest the value written in the table is taken, so a
target equal to the revenue of the written value gives back the written value.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from fractions import Fraction
from math import floor
from typing import Any

from tariffs.errors import InputError, TariffFileError
from tariffs.io.safe_yaml import YamlDocument, format_path, parse_yaml
from tariffs.io.tables import parse_tariff
from tariffs.model.tariff import Tariff
from tariffs.whatif.portfolio import AccountOutcome

__all__ = [
    "Design",
    "MAX_PLACES",
    "MAX_PRICINGS",
    "PathStep",
    "Solution",
    "Trial",
    "Unknown",
    "design_tariff",
    "find_unknown",
    "parse_path",
    "solve",
    "with_value",
]

#: The most decimal places of a solved value (those of a derived price).
MAX_PLACES = 18

#: The most pricings of the portfolio a solve may take.
MAX_PRICINGS = 80

#: Numbers of a table that are settings, not prices or bounds: never an unknown.
_SETTINGS = frozenset({"start_month", "proration_places", "places", "months", "day", "month"})

_STEP = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]|(\.)")
_PLAIN_NUMBER = re.compile(r"[^\s,\[\]{}#]+")


@dataclass(frozen=True, slots=True)
class PathStep:
    """One step of a path: a key (``prices``) or a selector in brackets (``[1]``)."""

    text: str
    bracket: bool


def parse_path(path: str) -> list[PathStep]:
    """The steps of a ``--solve`` path: keys joined by dots, selectors in brackets.

    >>> [(s.text, s.bracket) for s in parse_path("charges[energy].prices.peak[1]")]
    [('charges', False), ('energy', True), ('prices', False), ('peak', False), ('1', True)]

    Raises:
        InputError: The path is empty or not of that form.
    """
    steps: list[PathStep] = []
    position = 0
    expect_key = True
    while position < len(path):
        match = _STEP.match(path, position)
        if match is None:
            break
        key, selector, dot = match.groups()
        if dot is not None:
            if expect_key:
                break
            expect_key = True
        elif key is not None:
            if not expect_key:
                break
            steps.append(PathStep(key.strip(), False))
            expect_key = False
        else:
            if expect_key and steps:
                break
            steps.append(PathStep(selector.strip(), True))
            expect_key = False
        position = match.end()
    if position < len(path) or not steps or expect_key:
        raise InputError(
            f"--solve {path!r}: not a path; write keys joined by dots and list items in "
            "brackets, e.g. charges[energy].prices.peak or base_prices.flat"
        )
    return steps


@dataclass(frozen=True, slots=True)
class Unknown:
    """The number of a table to solve for, and the values it may take.

    Attributes:
        path: The path as given.
        where: The path inside the document (``versions.2020-01-01.charges[0]...``).
        data_path: The same, as keys and 0-based indexes.
        kind: ``price``, ``ratio``, ``amount``, ``multiplier``, ``percent`` or ``tier bound``.
        written: The number as written in the table.
        value: Its value.
        places: Decimal places of the values tried.
        low: The lowest value allowed (inclusive).
        high: The highest value allowed (inclusive), None when unbounded.
        line: 1-based line of the number in the file (None when not known).
        column: 1-based column.
    """

    path: str
    where: str
    data_path: tuple[str | int, ...]
    kind: str
    written: str
    value: Decimal
    places: int
    low: Decimal
    high: Decimal | None
    line: int | None = None
    column: int | None = None

    @property
    def step(self) -> Decimal:
        """The step between two values tried: one unit of the last decimal place."""
        return Decimal(1).scaleb(-self.places)

    def text(self, value: Decimal) -> str:
        """A value as the table writes it, with `places` decimals."""
        return format(value.quantize(self.step), "f")


def _number(value: object) -> Decimal | None:
    """A number of the document: an int, a Decimal or a quoted decimal; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str) and value.strip() and value.isascii():
        try:
            found = Decimal(value.strip())
        except InvalidOperation:
            return None
        return found if found.is_finite() else None
    return None


def _places_of(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _charge_name(charge: object, position: int) -> str:
    if not isinstance(charge, dict):
        return f"[{position}]"
    code = charge.get("code") or charge.get("kind") or "?"
    return f"[{position}] {code}"


def find_unknown(document: YamlDocument, path: str, *, places: int | None = None) -> Unknown:
    """Find the number that ``path`` names in a tariff table's document.

    The path starts inside the table's only version (``versions[DATE].`` first names a
    version of a table that has several). Keys are joined by dots; a selector in
    brackets is a list item counted from 1 (``bounds_kwh[1]``, ``price_per_kwh[2]``: tier
    2's price) or, in ``charges``, a charge by its ``code`` (a charge without one by its
    ``kind``). A path may start with a charge's code instead of ``charges[CODE]``
    (``energy.prices.peak``), when the code has no dot and is not a key of the version.

    Args:
        document: The proposed table as read.
        path: The path of the number.
        places: Decimal places of the values tried; by default those written. No fewer
            than those written.

    Raises:
        InputError: The path names nothing, or something other than a number that can be
            solved for (a derived price, a list, a setting); the message says what is
            there.
    """
    steps = parse_path(path)
    source = document.source
    data = document.data
    here = f"--solve {path}"

    def refuse(message: str, at: tuple[str | int, ...] = ()) -> InputError:
        found = document.locate(at) if at else None
        return InputError(
            f"{here}: {message}",
            file=source,
            line=found[0] if found else None,
            column=found[1] if found else None,
        )

    versions = data.get("versions") if isinstance(data, dict) else None
    if not isinstance(versions, dict) or not versions:
        raise refuse("the table has no versions")
    if steps[0].text == "versions" and not steps[0].bracket:
        if len(steps) < 2 or not steps[1].bracket:
            raise refuse(
                f"name a version in brackets: versions[DATE]; dates: {', '.join(versions)}"
            )
        date = steps[1].text
        if date not in versions:
            raise refuse(f"no version {date}; dates: {', '.join(versions)}", ("versions",))
        steps = steps[2:]
    elif len(versions) == 1:
        date = next(iter(versions))
    else:
        raise refuse(
            f"the table has {len(versions)} versions ({', '.join(versions)}); name one: "
            f"versions[DATE].{path}",
            ("versions",),
        )
    node: Any = versions[date]
    charges = node.get("charges") if isinstance(node, dict) else None
    if (
        steps
        and not steps[0].bracket
        and isinstance(node, dict)
        and steps[0].text not in node
        and isinstance(charges, list)
        and _list_index(charges, steps[0].text, "charges") is not None
    ):
        # The short form: a charge's code first, ``energy.prices.peak``.
        steps = [PathStep("charges", False), PathStep(steps[0].text, True), *steps[1:]]
    at: tuple[str | int, ...] = ("versions", date)
    shown = f"versions[{date}]"
    parent_key = ""
    for step in steps:
        if isinstance(node, list):
            if not step.bracket:
                raise refuse(f"{shown} is a list; name an item in brackets, from 1", at)
            index = _list_index(node, step.text, parent_key)
            if index is None:
                items = (
                    ", ".join(_charge_name(c, i) for i, c in enumerate(node, 1))
                    if parent_key == "charges"
                    else f"[1] to [{len(node)}]"
                )
                raise refuse(f"{shown} has no item [{step.text}]; it has {items}", at)
            if index == -2:
                matching = [
                    _charge_name(c, i)
                    for i, c in enumerate(node, 1)
                    if isinstance(c, dict) and _charge_matches(c, step.text)
                ]
                raise refuse(
                    f"{shown}: {len(matching)} charges are {step.text} ({', '.join(matching)});"
                    " name one by its position",
                    at,
                )
            node = node[index]
            at = (*at, index)
            shown = f"{shown}[{step.text}]"
        elif isinstance(node, dict):
            if step.text not in node:
                keys = ", ".join(node) or "none"
                raise refuse(f"{shown} has no {step.text!r}; its keys: {keys}", at)
            parent_key = step.text
            node = node[step.text]
            at = (*at, step.text)
            shown = f"{shown}[{step.text}]" if step.bracket else f"{shown}.{step.text}"
        else:
            raise refuse(f"{shown} is a number, with nothing inside it", at)
    if len(at) < 3 or at[2] not in ("charges", "base_prices"):
        raise refuse(
            "not a number of the charges or the base prices; solve a price, a ratio, a tier "
            "bound or an amount of charges[...] or base_prices",
            at,
        )
    last = at[-1]
    key = last if isinstance(last, str) else str(at[-2])
    if isinstance(node, dict) and "of" in node:
        ratio = (
            f"{path}.ratio"
            if "ratio" in node
            else f'its ratio (write ratio: "1" in the table to solve {path}.ratio)'
        )
        base_prices = versions[date].get("base_prices") or {}
        of = node["of"]
        base = (
            f"base_prices.{of}"
            if isinstance(base_prices, dict) and of in base_prices
            else f"{path.rsplit('.', 1)[0]}.{of}"
            if "." in path
            else f"the period price it refers to ({of})"
        )
        raise refuse(
            f"{shown} is a derived price ({of} × {node.get('ratio', 1)}); it cannot be solved "
            f"directly: solve {ratio} or {base}",
            at,
        )
    if isinstance(node, list):
        raise refuse(
            f"{shown} is a list of {len(node)}; name one of them: {path}[1] to {path}[{len(node)}]",
            at,
        )
    if isinstance(node, dict):
        raise refuse(f"{shown} is a mapping; name one of its keys: {', '.join(node)}", at)
    value = _number(node)
    if value is None or key in _SETTINGS:
        what = "a setting" if value is not None else f"not a number ({node!r})"
        raise refuse(f"{shown} is {what}; solve a price, a ratio, a tier bound or an amount", at)
    written = (
        node
        if isinstance(node, str)
        else format(node, "f")
        if isinstance(node, Decimal)
        else str(node)
    )
    written_places = _places_of(value)
    if places is None:
        places = written_places
    elif places < written_places:
        raise InputError(
            f"--places {places} is fewer than the {written_places} places of {shown} as "
            f"written ({written})"
        )
    if places > MAX_PLACES:
        raise InputError(f"--places {places}: at most {MAX_PLACES} decimal places")
    low, high = Decimal(0), None
    kind = {
        "ratio": "ratio",
        "amount": "amount",
        "percent": "percent",
        "season_multipliers": "multiplier",
    }.get(key, "price")
    if key in ("bounds_kwh", "tiers_kw") and isinstance(last, int):
        kind = "tier bound"
        bounds = versions[date]
        for element in at[2:-1]:
            bounds = bounds[element]
        grid = Decimal(1).scaleb(-places)
        below = _number(bounds[last - 1]) if last > 0 else Decimal(0)
        above = _number(bounds[last + 1]) if last + 1 < len(bounds) else None
        if below is None or (last + 1 < len(bounds) and above is None):
            raise refuse(f"the bounds around {shown} are not numbers", at)
        low = (below / grid).to_integral_value(rounding=ROUND_FLOOR) * grid + grid
        if above is not None:
            high = (above / grid).to_integral_value(rounding=ROUND_CEILING) * grid - grid
    if value < low:
        raise refuse(f"{shown} is {written}, below 0: a solve tries values from 0 up", at)
    found = document.locate(at)
    return Unknown(
        path=path,
        where=format_path(at),
        data_path=at,
        kind=kind,
        written=written,
        value=value,
        places=places,
        low=low,
        high=high,
        line=found[0] if found else None,
        column=found[1] if found else None,
    )


def _charge_matches(charge: dict[str, Any], name: str) -> bool:
    code = charge.get("code")
    return code == name if code is not None else charge.get("kind") == name


def _list_index(items: list[Any], selector: str, parent_key: str) -> int | None:
    """The 0-based index a selector names; None for none, -2 for several charges."""
    if selector.isascii() and selector.isdigit():
        index = int(selector) - 1
        return index if 0 <= index < len(items) else None
    if parent_key != "charges":
        return None
    matching = [
        i
        for i, item in enumerate(items)
        if isinstance(item, dict) and _charge_matches(item, selector)
    ]
    if not matching:
        return None
    return matching[0] if len(matching) == 1 else -2


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def with_value(text: str, document: YamlDocument, unknown: Unknown, value: Decimal) -> str:
    """The table's text with the unknown written as ``value``, every other character kept.

    The number is written with `Unknown.places` decimals, quoted as it was quoted.

    Raises:
        InputError: The number is not written as a plain or quoted number (an alias, a
            tag, a block scalar), so it cannot be replaced where it stands.
    """
    if unknown.line is None or unknown.column is None:
        raise InputError(f"--solve {unknown.path}: the table was not read from text")
    starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]
    offset = starts[unknown.line - 1] + unknown.column - 1
    quote = text[offset : offset + 1]
    if quote in ("'", '"'):
        end = text.find(quote, offset + 1)
        inner = text[offset + 1 : end] if end > 0 else ""
        end += 1
    else:
        match = _PLAIN_NUMBER.match(text, offset)
        inner = match.group() if match else ""
        end = match.end() if match else offset
        quote = ""
    if _number(inner) != unknown.value:
        raise InputError(
            f"--solve {unknown.path}: the number is not written as a plain or quoted number "
            f"(found {inner or text[offset : offset + 10]!r}); write it out as a number",
            file=document.source,
            line=unknown.line,
            column=unknown.column,
        )
    written = unknown.text(value)
    result = text[:offset] + quote + written + quote + text[end:]
    expected = copy.deepcopy(document.data)
    holder = expected
    for element in unknown.data_path[:-1]:
        holder = holder[element]
    old = holder[unknown.data_path[-1]]
    holder[unknown.data_path[-1]] = (
        written
        if isinstance(old, str)
        else int(written)
        if "." not in written
        else Decimal(written)
    )
    if parse_yaml(result, document.source).data != expected:
        raise InputError(
            f"--solve {unknown.path}: replacing the number changes more of the table (an "
            "anchor or alias shares it?); write it out where it is used",
            file=document.source,
            line=unknown.line,
            column=unknown.column,
        )
    return result


#: How many times an unbounded range is doubled while revenue does not move.
_FLAT_DOUBLINGS = 12


class _TooManyPricings(InputError):
    """A solve needed more pricings than allowed."""


@dataclass(frozen=True, slots=True)
class Trial:
    """One value tried and the revenue priced at it [currency]."""

    value: Decimal
    revenue: Decimal


@dataclass(frozen=True, slots=True)
class Solution:
    """The value found, its revenue, and its neighbours on the grid.

    Attributes:
        target: The revenue aimed at [currency].
        solved: The value reported and its revenue.
        below: One step below, with its revenue (None at the lowest value allowed).
        above: One step above (None at the highest value allowed).
        original: The value as written and its revenue.
        exact: Whether the solved revenue is the target to the cent.
        increasing: Whether revenue rises with the unknown (it falls for a tier bound
            below dearer tiers, or an export credit).
        pricings: How many values were priced.
        trials: Every value priced, in value order.
    """

    target: Decimal
    solved: Trial
    below: Trial | None
    above: Trial | None
    original: Trial
    exact: bool
    increasing: bool
    pricings: int
    trials: tuple[Trial, ...] = field(repr=False, default=())

    @property
    def difference(self) -> Decimal:
        """The solved revenue minus the target [currency]."""
        return self.solved.revenue - self.target


def solve(
    unknown: Unknown,
    revenue_at: Callable[[Decimal], Decimal],
    target: Decimal,
    *,
    max_pricings: int = MAX_PRICINGS,
) -> Solution:
    """The value of the unknown, on its grid, whose revenue is nearest ``target``.

    Args:
        unknown: The number solved for, its grid and its range.
        revenue_at: The revenue of the portfolio priced with the unknown at a value.
        target: The revenue aimed at [currency].
        max_pricings: The most values priced before giving up.

    Raises:
        InputError: The target is not reachable in the range allowed, revenue does not
            move with the unknown, revenue is seen not to be monotone in it, or no answer
            was found in ``max_pricings`` pricings.
    """
    step = unknown.step
    seen: dict[int, Decimal] = {}

    def value_of(k: int) -> Decimal:
        return (step * k).quantize(step)

    def revenue(k: int) -> Decimal:
        if k not in seen:
            if len(seen) >= max_pricings:
                raise _TooManyPricings(
                    f"--solve {unknown.path}: no answer after {max_pricings} pricings of the "
                    "portfolio; give a value range the revenue is monotone over"
                )
            seen[k] = revenue_at(value_of(k))
        return seen[k]

    def refuse(message: str) -> InputError:
        return InputError(f"--solve {unknown.path}: {message}")

    start = int(unknown.value / step)
    lo = int(unknown.low / step)
    top = int(unknown.high / step) if unknown.high is not None else None
    r_start = revenue(start)
    r_lo = revenue(lo)
    if top is not None:
        hi = top
        r_hi = revenue(hi)
    else:
        hi = max(start, lo + 1)
        r_hi = revenue(hi)
        flat = 0
        while True:
            if (r_hi - target) * (r_lo - target) <= 0:
                break
            if r_hi != r_lo and abs(r_hi - target) > abs(r_lo - target):
                break  # moving away from the target: not reachable upwards
            if r_hi == r_lo:
                flat += 1
                if flat > _FLAT_DOUBLINGS:
                    break  # no change over 4096 times the distance: refused below
                following = hi + (hi - lo)
            else:
                guess = lo + Fraction(target - r_lo) * (hi - lo) / Fraction(r_hi - r_lo)
                following = max(
                    floor(guess) + 2 + (floor(guess) - lo) // 100, hi + (hi - lo) // 4 + 1
                )
            if following > 10 ** (24 + unknown.places):
                break
            hi = following
            try:
                r_hi = revenue(hi)
            except _TooManyPricings:
                raise refuse(
                    f"the target {target} is not reached up to {value_of(hi)} (revenue "
                    f"{r_hi}) in {max_pricings} pricings"
                ) from None
    if r_hi == r_lo:
        if r_lo != target:
            raise refuse(
                f"revenue does not change with the {unknown.kind} ({r_lo} at "
                f"{value_of(lo)} and at {value_of(hi)}): no value of it gives {target}"
            )
        increasing = True
    else:
        increasing = r_hi > r_lo
    sign = 1 if increasing else -1

    def s(k: int) -> Decimal:
        return sign * (revenue(k) - target)

    if s(lo) > 0 or s(hi) < 0:
        low_end, high_end = (lo, hi) if increasing else (hi, lo)
        range_text = (
            f"{value_of(lo)} to {value_of(hi)}"
            if top is not None
            else f"{value_of(lo)} and above (tried up to {value_of(hi)})"
        )
        raise refuse(
            f"the target {target} is not reachable: revenue goes from {revenue(low_end)} "
            f"to {revenue(high_end)} over {range_text}, the range the table allows"
        )
    # First k with s(k) >= 0, in a bracket a < k <= b with s(a) < 0 <= s(b).
    if s(lo) >= 0:
        first = lo
    else:
        a, b = lo, hi
        if start > a and start < b:
            if s(start) < 0:
                a = start
            else:
                b = start
        interpolate = True
        while b - a > 1:
            width = b - a
            if interpolate:
                ra, rb = revenue(a), revenue(b)
                guess = a + Fraction(target - ra) * (b - a) / Fraction(rb - ra)
                k = min(max(round(guess), a + 1), b - 1)
                if s(k) < 0:
                    a = k
                    if k + 1 < b and s(k + 1) >= 0:
                        b = k + 1
                else:
                    b = k
                    if k - 1 > a and s(k - 1) < 0:
                        a = k - 1
            else:
                k = (a + b) // 2
                if s(k) < 0:
                    a = k
                else:
                    b = k
            interpolate = b - a <= width // 2
        first = b

    def nearest_of_level(k0: int, rightward: bool) -> int:
        """The value nearest ``start`` of the run with ``k0``'s revenue (a step of it).

        Revenue is monotone, so the values of one revenue are consecutive; ``k0`` is the
        run's first value (``rightward``) or its last.
        """
        level = revenue(k0)
        if (start <= k0) if rightward else (start >= k0):
            return k0
        if revenue(start) == level:
            return start
        if revenue(k0 + 1 if rightward else k0 - 1) != level:  # a run of one (most often)
            return k0
        if rightward:  # the last value of the run, between k0 and start
            a, b = k0, start
            while b - a > 1:
                k = (a + b) // 2
                a, b = (k, b) if sign * (revenue(k) - level) <= 0 else (a, k)
            return a
        a, b = start, k0  # its first value, between start and k0
        while b - a > 1:
            k = (a + b) // 2
            a, b = (k, b) if sign * (revenue(k) - level) < 0 else (a, k)
        return b

    # first is the first value of its revenue's run (s(first - 1) < 0 <= s(first)), and
    # first - 1 the last of its run; the nearest revenue's run, nearest the written value.
    candidates = [nearest_of_level(first, True)]
    if s(first) != 0 and first > lo:
        candidates.append(nearest_of_level(first - 1, False))
    best = min(candidates, key=lambda k: (abs(revenue(k) - target), abs(k - start), k))
    below = revenue(best - 1) if best - 1 >= lo else None
    above = revenue(best + 1) if top is None or best + 1 <= top else None
    ordered = sorted(seen.items())
    for (k1, r1), (k2, r2) in zip(ordered, ordered[1:], strict=False):
        if sign * (r2 - r1) < 0:
            raise refuse(
                f"revenue is not monotone in the {unknown.kind}: {r1} at {value_of(k1)}, "
                f"{r2} at {value_of(k2)}; a solve needs revenue that only "
                f"{'rises' if increasing else 'falls'} with it"
            )
    return Solution(
        target=target,
        solved=Trial(value_of(best), revenue(best)),
        below=Trial(value_of(best - 1), below) if below is not None else None,
        above=Trial(value_of(best + 1), above) if above is not None else None,
        original=Trial(unknown.value, r_start),
        exact=revenue(best) == target,
        increasing=increasing,
        pricings=len(seen),
        trials=tuple(Trial(value_of(k), r) for k, r in ordered),
    )


@dataclass(frozen=True, slots=True)
class Design:
    """A solved design: the unknown, the target, the solution and the solved table.

    Attributes:
        tariff: The id of the proposed table.
        currency: Its currency.
        unknown: The number solved for.
        neutral: Whether the target is the current revenue (revenue-neutral).
        current_revenue: The revenue of the accounts under their current tariff.
        solution: The value found, its neighbours and their revenues.
        accounts: The accounts priced (every one of them, each time).
        energy_kwh: Their kWh.
        table: The text of the solved table: the proposed one with the number replaced.
    """

    tariff: str
    currency: str
    unknown: Unknown
    neutral: bool
    current_revenue: Decimal
    solution: Solution
    accounts: int
    energy_kwh: Decimal
    table: str = field(repr=False)


def design_tariff(
    text: str,
    document: YamlDocument,
    unknown: Unknown,
    price_portfolio: Callable[[Tariff], list[AccountOutcome]],
    *,
    target: Decimal | None = None,
    max_pricings: int = MAX_PRICINGS,
    price_proposed: Callable[[Tariff], list[AccountOutcome]] | None = None,
) -> Design:
    """Solve the unknown of a proposed table for a revenue over a portfolio.

    Args:
        text: The proposed table's text.
        document: The same, as read (`tariffs.io.safe_yaml.parse_yaml`).
        unknown: The number to solve for (`find_unknown`).
        price_portfolio: Prices every account under its current tariff and the tariff
            given (`tariffs.whatif.portfolio.price_accounts` with the accounts bound).
        target: The revenue aimed at [currency]; None for the current revenue of the
            same accounts (revenue-neutral).
        max_pricings: The most pricings of the portfolio.
        price_proposed: Prices every account under the tariff given only
            (``price_accounts(..., proposed_only=True)``): the current revenue does not
            change with the number, so it is priced once, with the value as written, by
            ``price_portfolio``, and each further value by this. None: ``price_portfolio``
            each time.

    Raises:
        InputError: An account fails to price at a value (the design is never solved on
            the accounts that priced), no account is given, or `solve` refuses.
    """
    current: list[Decimal] = []
    energy: list[Decimal] = []
    ids: list[str] = []

    def revenue_at(value: Decimal) -> Decimal:
        try:
            tariff = parse_tariff(with_value(text, document, unknown, value), document.source)
        except TariffFileError as exc:
            raise InputError(
                f"--solve {unknown.path}: the table is not valid with {unknown.path} = "
                f"{unknown.text(value)}: {exc}"
            ) from None
        first = not current
        outcomes = (price_portfolio if first or price_proposed is None else price_proposed)(tariff)
        failed = [o for o in outcomes if not o.ok]
        if failed:
            shown = "; ".join(f"account {o.account_id}: {o.error}" for o in failed[:3])
            more = f" and {len(failed) - 3} more" if len(failed) > 3 else ""
            raise InputError(
                f"{len(failed)} of {len(outcomes)} accounts cannot be priced with "
                f"{unknown.path} = {unknown.text(value)} ({shown}{more}); a design is not "
                "solved on the accounts that priced"
            )
        if not outcomes:
            raise InputError("no accounts to price: a design needs at least one")
        if first:
            current.append(sum((o.current_total or Decimal(0) for o in outcomes), Decimal(0)))
            energy.append(sum((o.energy_kwh or Decimal(0) for o in outcomes), Decimal(0)))
            ids.extend(o.account_id for o in outcomes)
        return sum((o.proposed_total or Decimal(0) for o in outcomes), Decimal(0))

    original = parse_tariff(text, document.source)
    priced = _remembered(revenue_at)
    # The value as written is priced first (`solve` starts there too): it gives the
    # current revenue, the target of a revenue-neutral design.
    priced(unknown.value.quantize(unknown.step))
    solution = solve(
        unknown,
        priced,
        current[0] if target is None else target,
        max_pricings=max_pricings,
    )
    return Design(
        tariff=original.id,
        currency=original.currency,
        unknown=unknown,
        neutral=target is None,
        current_revenue=current[0],
        solution=solution,
        accounts=len(ids),
        energy_kwh=energy[0],
        table=with_value(text, document, unknown, solution.solved.value),
    )


def _remembered(revenue_at: Callable[[Decimal], Decimal]) -> Callable[[Decimal], Decimal]:
    """``revenue_at`` that prices each value once."""
    known: dict[Decimal, Decimal] = {}

    def remembered(value: Decimal) -> Decimal:
        if value not in known:
            known[value] = revenue_at(value)
        return known[value]

    return remembered
