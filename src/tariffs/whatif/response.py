"""Price response: load that moves with the prices of a proposed tariff, priced exactly.

An elasticity file declares, per period of the proposed tariff, an own-price elasticity
and optional cross-price elasticities. For each account the engine works out each
period's average energy price under the current and the proposed tariff, changes each
period's kWh by the declared form, writes the change into the readings and prices those
readings under the proposed tariff exactly as it prices the readings as read. The static
result is always kept beside the responded one.

The form (the numbers are the user's). With ``e[p][q]`` the elasticity of period p's kWh
to period q's price (``own`` is ``e[p][p]``) and ``r[q] = price_new[q] / price_old[q]``:

* ``constant`` (the constant-elasticity, log-log demand ``ln kWh_p = a_p + Σ_q e_pq ln
  price_q``)::

      target_p = kWh_p × exp(Σ_q e[p][q] × ln r[q])

* ``linear`` (the point elasticity taken as a straight line)::

      target_p = kWh_p × (1 + Σ_q e[p][q] × (r[q] − 1))

The own- and cross-price elasticities by time-of-use period are those of the demand
studies of TOU pricing: Hirschberg, "Modelling time of day substitution using the second
moments of demand", Applied Economics 32(8), 2000, doi:10.1080/000368400322039, estimates
the matrix of own- and cross-price elasticities between times of day; Woo, "Demand for
electricity of small nonresidential customers under time-of-use pricing", The Energy
Journal 6(4), 1985, doi:10.5547/ISSN0195-6574-EJ-Vol6-No4-9, reports them by TOU period.

Exactness. Prices are exact fractions of the bills' amounts and kWh. The ``linear``
target is an exact fraction; the ``constant`` one is computed in decimal arithmetic of
34 significant digits (`CONTEXT`, half-even): each ratio r[q] divided, each ln r[q],
each product e × ln r and each partial sum rounded there, then exp, all correctly
rounded by the decimal module, so the factor is the same on every machine. A period's
responded kWh is its kWh × its factor, exactly, rounded half-up to the readings'
resolution. With ``conserve: true`` the targets of all the periods are then scaled so
that they add up to the kWh as read (the largest-remainder split of the total in
proportion to the targets): a pure shift. A period's change is spread over its intervals
in proportion to their kWh (largest remainder), so the period's total is exactly its
responded kWh and an interval without energy gains none. kvarh and a meter's kW follow
each interval's kWh (half-up), keeping its power factor and load factor.

The average price of a period under a tariff is its energy lines' amounts (kWh × rate,
before rounding) over their kWh (the lines of the period in every season and tier,
summed over all the account's bills), plus the amounts of the energy lines without a
period (a flat price, tier increments) over all the energy billed. Only ``energy`` lines
count: fixed, demand, capacity and other lines do not move with the kWh of a period.
Under the current tariff, whose periods may differ, a proposed period's price is the
average of the current periods' prices weighted by the kWh of its intervals in each.

Refused (the account's response fails, its static result is kept): a period with kWh
whose responded kWh would be negative (``linear``); a price that is needed and is 0 or
has no kWh to be averaged over (a cross term to a period without kWh in the account,
an own term of a period without an energy price); a proposed tariff without a declared
period. A period without kWh stays without kWh.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, ValidationError, field_validator

from tariffs.engine.schedule import compile_schedule, local_days
from tariffs.engine.usage import split_in_proportion
from tariffs.errors import ScenarioError
from tariffs.io.safe_yaml import YamlDocument, input_error_from_validation, load_yaml, parse_yaml
from tariffs.model.common import ExactDecimal, StrictModel, empty_dict
from tariffs.model.readings import Readings, to_decimal
from tariffs.model.tariff import Tariff
from tariffs.runs.runner import ITEM_ERRORS
from tariffs.whatif.scenarios import _kw_following

if TYPE_CHECKING:
    from tariffs.model.bill import Bill
    from tariffs.whatif.portfolio import AccountOutcome, PortfolioResult

__all__ = [
    "CONTEXT",
    "MAX_ELASTICITY",
    "RULE",
    "AccountResponse",
    "Elasticity",
    "PeriodResponse",
    "ResponseGroup",
    "ResponseSummary",
    "check_periods",
    "check_periods_of_any",
    "load_elasticity",
    "parse_elasticity_yaml",
    "period_prices",
    "respond",
    "respond_account",
    "summarize_response",
]

#: The largest elasticity accepted, either sign.
MAX_ELASTICITY = Decimal(5)

#: The decimal arithmetic of the ``constant`` form: 34 significant digits, half-even.
CONTEXT = Context(prec=34, rounding=ROUND_HALF_EVEN)

#: How the responded kWh are made, as said on every result.
RULE = (
    "responded kWh: each period's kWh × its factor, rounded half-up to the readings' "
    "resolution, spread over the period's intervals in proportion to their kWh (largest "
    "remainder); prices are each period's average energy price over the bills"
)

_PRICE = Decimal("0.0001")


# -- the elasticity file ---------------------------------------------------------------


class _PeriodModel(StrictModel):
    own: ExactDecimal = Decimal(0)
    cross: dict[str, ExactDecimal] = Field(default_factory=empty_dict)

    @field_validator("own")
    @classmethod
    def _own(cls, value: Decimal) -> Decimal:
        return _sane(value)

    @field_validator("cross")
    @classmethod
    def _cross(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        for name, elasticity in value.items():
            try:
                _sane(elasticity)
            except ValueError as exc:
                raise ValueError(f"cross elasticity to {name!r}: {exc}") from None
        return value


def _sane(value: Decimal) -> Decimal:
    if abs(value) > MAX_ELASTICITY:
        raise ValueError(
            f"elasticity {value} is outside -{MAX_ELASTICITY}..{MAX_ELASTICITY}; "
            "an elasticity is a % change of kWh per % change of price"
        )
    return value


class _ElasticityModel(StrictModel):
    form: Literal["constant", "linear"] = "constant"
    conserve: bool = False
    reference: str | None = None
    periods: dict[str, _PeriodModel] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class Elasticity:
    """A declared price response.

    Attributes:
        source: The file it was read from, for messages.
        form: ``constant`` or ``linear`` (see the module).
        conserve: Scale the responded kWh so that the total is the kWh as read.
        matrix: Period → (period whose price → elasticity); the own elasticity is the
            entry of the period itself. Only entries declared (or own 0) are kept.
        lines: Period → the line of its entry in the file (None without locations).
        reference: Where the numbers come from, as declared.
    """

    source: str
    form: Literal["constant", "linear"]
    conserve: bool
    matrix: Mapping[str, Mapping[str, Decimal]]
    lines: Mapping[str, int | None]
    reference: str | None = None

    @property
    def text(self) -> str:
        """The file, form and conservation, for a result's heading."""
        conserved = "total kWh conserved" if self.conserve else "total kWh not conserved"
        return f"{self.source} (form {self.form}, {conserved})"


def _from_document(document: YamlDocument) -> Elasticity:
    if not isinstance(document.data, dict):
        raise ScenarioError(
            "expected a mapping with a 'periods' key (and form, conserve, reference), "
            f"found {type(document.data).__name__}",
            file=document.source,
            line=1,
        )
    try:
        parsed = _ElasticityModel.model_validate(document.data)
    except ValidationError as exc:
        raise input_error_from_validation(exc, document, error=ScenarioError) from None
    matrix: dict[str, dict[str, Decimal]] = {}
    lines: dict[str, int | None] = {}
    for name, entry in parsed.periods.items():
        found = document.locate(["periods", name])
        lines[name] = found[0] if found else None
        if name in entry.cross:
            where = document.locate(["periods", name, "cross", name])
            raise ScenarioError(
                f"periods.{name}.cross names {name!r} itself; its own elasticity is 'own'",
                file=document.source,
                line=where[0] if where else None,
            )
        matrix[name] = {name: entry.own, **entry.cross}
    for name, entry in parsed.periods.items():
        for other in entry.cross:
            if other not in matrix:
                where = document.locate(["periods", name, "cross", other])
                raise ScenarioError(
                    f"periods.{name}.cross names period {other!r}, which has no entry of its "
                    f"own (periods: {', '.join(matrix)}); declare it, with own: 0 if need be",
                    file=document.source,
                    line=where[0] if where else None,
                )
    return Elasticity(
        document.source, parsed.form, parsed.conserve, matrix, lines, parsed.reference
    )


def parse_elasticity_yaml(text: str, source: str = "<elasticity>") -> Elasticity:
    """Read an elasticity declaration from YAML text.

    The file::

        form: constant        # or linear
        conserve: false       # true: a pure shift, total kWh unchanged
        reference: "where the numbers come from"
        periods:
          peak:
            own: -0.2
            cross: {valley: 0.05}
          valley:
            own: -0.1
            cross: {peak: 0.1}

    ``cross[q]`` of period p is the elasticity of p's kWh to q's price. Each elasticity
    is within ±`MAX_ELASTICITY`; a cross term names a period that has its own entry.

    Raises:
        ScenarioError: The file is not valid, with file:line:column.
    """
    return _from_document(parse_yaml(text, source, error=ScenarioError))


def load_elasticity(path: str | os.PathLike[str]) -> Elasticity:
    """Load an elasticity declaration from a YAML file (see `parse_elasticity_yaml`).

    Raises:
        ScenarioError: The file is missing or not valid, with file:line:column.
    """
    source = os.fspath(path)
    if not Path(source).is_file():
        raise ScenarioError("no such elasticity file", file=source)
    return _from_document(load_yaml(source, error=ScenarioError))


def _period_names(tariff: Tariff) -> set[str]:
    return {name for version in tariff.versions.values() for name in version.period_names}


def _refuse_unknown(elasticity: Elasticity, known: set[str], of: str) -> None:
    """Refuse the first declared period not in ``known``, at its line: it is not ``of``."""
    for name in elasticity.matrix:
        if name not in known:
            raise ScenarioError(
                f"period {name!r} is not {of}",
                file=elasticity.source,
                line=elasticity.lines.get(name),
            )


def check_periods(elasticity: Elasticity, tariff: Tariff) -> None:
    """Refuse periods that the proposed tariff does not have, at their line.

    Raises:
        ScenarioError: A declared period is not one of the tariff's.
    """
    known = _period_names(tariff)
    _refuse_unknown(
        elasticity,
        known,
        f"a period of the proposed tariff {tariff.id} "
        f"(its periods: {', '.join(sorted(known)) or 'none'})",
    )


def check_periods_of_any(elasticity: Elasticity, tariffs: Sequence[Tariff]) -> None:
    """Refuse periods that none of the proposed tariffs of a migration has, at their line.

    A proposed tariff without a declared period fails the response of its accounts
    (`respond`), not the run.

    Raises:
        ScenarioError: A declared period is a period of none of ``tariffs`` (when any).
    """
    if not tariffs:
        return
    known = set().union(*(_period_names(tariff) for tariff in tariffs))
    ids = ", ".join(sorted({tariff.id for tariff in tariffs}))
    _refuse_unknown(elasticity, known, f"a period of any proposed tariff ({ids})")


# -- one account -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PeriodResponse:
    """What the response did to one period of the proposed tariff.

    Attributes:
        period: The period's name.
        energy_kwh: Its kWh as read [kWh].
        responded_kwh: Its kWh after the response [kWh].
        current_price_per_kwh: Its average energy price now, half-up to 0.0001 [currency/kWh].
        proposed_price_per_kwh: Under the proposed tariff, likewise (None without kWh).
    """

    period: str
    energy_kwh: Decimal
    responded_kwh: Decimal
    current_price_per_kwh: Decimal | None
    proposed_price_per_kwh: Decimal | None


@dataclass(frozen=True, slots=True)
class AccountResponse:
    """The price response of one account, or why it could not be worked out.

    Attributes:
        energy_kwh: Energy billed under the proposed tariff after the response [kWh].
        proposed_total: The proposed tariff's bills of the responded load [currency].
        periods: Per period of the proposed tariff, in the tariff's order.
        error: Why there is no response, else None.
    """

    energy_kwh: Decimal | None = None
    proposed_total: Decimal | None = None
    periods: tuple[PeriodResponse, ...] = ()
    error: str | None = None


def _classify(
    readings: Readings,
    tariff: Tariff,
    event_days: frozenset[dt.date],
    span: tuple[dt.date, dt.date] | None,
) -> list[str | None]:
    """The period name of each interval under a tariff (None: outside the bills, or none)."""
    names: list[str | None] = [None] * len(readings)
    step_minutes = readings.interval_seconds // 60
    starts = readings.starts
    for day, day_start, lo, hi in local_days(starts, 0, len(starts), tariff.timezone):
        if span is not None and not span[0] <= day < span[1]:
            continue
        found = tariff.version_at(day)
        if found is None:
            continue
        version = found[1]
        schedule = compile_schedule(version)
        if readings.interval_seconds % 60 or schedule.granularity_minutes % step_minutes:
            raise ScenarioError(
                f"intervals of {readings.interval_seconds} s cannot be split at the "
                f"{schedule.granularity_minutes}-minute period boundaries of tariff "
                f"{tariff.id}; the price response needs readings at that resolution or finer",
                file=readings.source,
            )
        table = schedule.day(day, day in event_days or day in version.event_days)
        period_names = schedule.period_names
        step = readings.interval_seconds
        if (
            starts[lo] == day_start
            and hi - lo == 86400 // step
            and starts[hi - 1] == (day_start + 86400 - step)
        ):
            # A whole day without gaps: each run is a slice of its intervals.
            for first, last, period, _ in table.offsets(step):
                names[lo + first : lo + last] = [period_names[period]] * (last - first)
            continue
        runs = table.runs
        for k in range(lo, hi):
            minute = (starts[k] - day_start) // 60
            for start, end, period in runs:
                if start <= minute < end:
                    names[k] = period_names[period]
                    break
    return names


def _line_period(code: str, periods: set[str]) -> str | None:
    """The period of an energy line, from its code's parts after the charge's code."""
    found = [part for part in code.split(".")[1:] if part in periods]
    return found[-1] if found else None


def period_prices(bills: Sequence[Bill], tariff: Tariff) -> tuple[dict[str, Fraction], Fraction]:
    """The average energy price of each period of a tariff over bills, exactly.

    Returns:
        (period → its energy lines' kWh × rate / their kWh, the kWh × rate of the energy
        lines without a period / every kWh billed) [currency/kWh]: the lines' amounts
        before they are rounded.
    """
    periods = _period_names(tariff)
    amounts: dict[str, Fraction] = {}
    kwh: dict[str, Fraction] = {}
    flat = Fraction(0)
    billed = Fraction(0)
    for bill in bills:
        billed += Fraction(bill.energy_kwh)
        for line in bill.lines:
            if line.kind != "energy":
                continue
            period = _line_period(line.code, periods)
            # The line's kWh × rate, before it is rounded (a line of a few Wh would
            # otherwise round its price to 0).
            amount = (
                Fraction(line.quantity) * Fraction(line.rate)
                if line.quantity is not None and line.rate is not None
                else Fraction(line.amount)
            )
            if period is None:
                flat += amount
            else:
                amounts[period] = amounts.get(period, Fraction(0)) + amount
                kwh[period] = kwh.get(period, Fraction(0)) + Fraction(line.quantity or 0)
    by_period = {p: amounts[p] / kwh[p] for p in amounts if kwh[p]}
    return by_period, (flat / billed if billed else Fraction(0))


def _shown(price: Fraction | None) -> Decimal | None:
    if price is None:
        return None
    value = Decimal(price.numerator) / Decimal(price.denominator)
    return value.quantize(_PRICE, rounding=ROUND_HALF_UP)


def _half_up(value: Fraction) -> int:
    whole, rest = divmod(value.numerator, value.denominator)
    return whole + (1 if 2 * rest >= value.denominator else 0)


def _factor(
    elasticity: Elasticity, row: Mapping[str, Decimal], ratios: Mapping[str, Fraction]
) -> Fraction | Decimal:
    """The factor of a period's kWh: an exact fraction (linear) or a decimal (constant)."""
    if elasticity.form == "linear":
        return 1 + sum((Fraction(e) * (ratios[q] - 1) for q, e in row.items() if e), Fraction(0))
    exponent = Decimal(0)
    for q, e in row.items():
        if not e:
            continue
        ratio = CONTEXT.divide(Decimal(ratios[q].numerator), Decimal(ratios[q].denominator))
        exponent = CONTEXT.add(exponent, CONTEXT.multiply(e, CONTEXT.ln(ratio)))
    return CONTEXT.exp(exponent)


def respond(
    readings: Readings,
    elasticity: Elasticity,
    current: Tariff,
    proposed: Tariff,
    current_bills: Sequence[Bill],
    proposed_bills: Sequence[Bill],
    event_days: frozenset[dt.date] = frozenset(),
) -> tuple[Readings, tuple[PeriodResponse, ...]]:
    """The readings after the price response, and what it did to each period.

    Args:
        readings: The readings as read.
        elasticity: The declared response.
        current: The tariff the account is on.
        proposed: The tariff proposed.
        current_bills: The bills of ``readings`` under ``current``.
        proposed_bills: The bills of ``readings`` under ``proposed``.
        event_days: Declared event days (the account's and the run's).

    Raises:
        ScenarioError: The response cannot be worked out (see the module).
    """
    check_periods(elasticity, proposed)
    span = (
        (min(b.period_start for b in proposed_bills), max(b.period_end for b in proposed_bills))
        if proposed_bills
        else None
    )
    new_of = _classify(readings, proposed, event_days, span)
    old_of = _classify(readings, current, event_days, span) if _period_names(current) else []
    order = [name for name in proposed.versions[max(proposed.versions)].period_names]
    for version in proposed.versions.values():
        order += [name for name in version.period_names if name not in order]
    kwh = readings.kwh
    members: dict[str, list[int]] = {name: [] for name in order}
    for k, name in enumerate(new_of):
        if name is not None:
            members[name].append(k)
    used = {name: sum(kwh[k] for k in members[name]) for name in order}
    old_prices, old_flat = period_prices(current_bills, current)
    new_prices, new_flat = period_prices(proposed_bills, proposed)
    old_price: dict[str, Fraction] = {}
    new_price: dict[str, Fraction] = {}
    for name in order:
        if used[name]:
            # The current periods' prices, weighted by this period's kWh in each.
            crossed: dict[str, int] = {}
            if old_prices:
                for k in members[name]:
                    old = old_of[k]
                    if old is not None:
                        crossed[old] = crossed.get(old, 0) + kwh[k]
            weighted = sum(
                (old_prices.get(c, Fraction(0)) * units for c, units in crossed.items()),
                Fraction(0),
            )
            old_price[name] = weighted / used[name] + old_flat
        if name in new_prices or (used[name] and new_flat):
            new_price[name] = new_prices.get(name, Fraction(0)) + new_flat
    targets: dict[str, int] = {}
    for name in order:
        row = elasticity.matrix.get(name)
        if not used[name] or row is None or not any(row.values()):
            targets[name] = used[name]
            continue
        ratios: dict[str, Fraction] = {}
        for q, e in row.items():
            if not e:
                continue
            if q not in old_price or not used[q]:
                raise ScenarioError(
                    f"period {name!r} has a {'cross' if q != name else 'own'} elasticity to "
                    f"period {q!r}, which has no kWh in these readings, so no average price; "
                    "declare 0 for it or leave the account out",
                    file=elasticity.source,
                    line=elasticity.lines.get(name),
                )
            if not old_price[q] or not new_price.get(q):
                which = "current" if not old_price[q] else "proposed"
                raise ScenarioError(
                    f"period {q!r} has no energy price under the {which} tariff "
                    f"({current.id if which == 'current' else proposed.id}), so no price "
                    f"ratio for the elasticity of period {name!r}",
                    file=elasticity.source,
                    line=elasticity.lines.get(name),
                )
            ratios[q] = new_price[q] / old_price[q]
        factor = _factor(elasticity, row, ratios)
        if isinstance(factor, Fraction):
            target = used[name] * factor
            if target < 0:
                raise ScenarioError(
                    f"period {name!r}: the linear response makes its kWh negative (factor "
                    f"{_shown(factor)}); kWh are never clipped, so give smaller elasticities "
                    "or form: constant",
                    file=elasticity.source,
                    line=elasticity.lines.get(name),
                )
            targets[name] = _half_up(target)
        else:
            # The decimal factor times the kWh exactly, then half-up once.
            targets[name] = _half_up(Fraction(factor) * used[name])
    if elasticity.conserve:
        total = sum(used.values())
        if total and not any(targets.values()):
            raise ScenarioError(
                "every period's responded kWh is 0, so there is nothing to conserve the total in",
                file=elasticity.source,
            )
        for name, part in zip(
            order, split_in_proportion(total, [targets[n] for n in order]), strict=True
        ):
            targets[name] = part
    new_kwh = list(kwh)
    for name in order:
        change = targets[name] - used[name]
        if not change:
            continue
        parts = split_in_proportion(abs(change), [kwh[k] for k in members[name]])
        sign = 1 if change > 0 else -1
        for k, part in zip(members[name], parts, strict=True):
            new_kwh[k] += sign * part
    kvarh = None
    if readings.kvarh is not None:
        kvarh = [
            value if after == before or not before else (2 * value * after + before) // (2 * before)
            for value, before, after in zip(readings.kvarh, kwh, new_kwh, strict=True)
        ]
    responded = readings.with_values(kwh=new_kwh, kvarh=kvarh, kw=_kw_following(readings, new_kwh))
    scale = readings.scale
    report = tuple(
        PeriodResponse(
            name,
            to_decimal(used[name], scale),
            to_decimal(targets[name], scale),
            _shown(old_price.get(name)),
            _shown(new_price.get(name)),
        )
        for name in order
        if used[name] or name in elasticity.matrix
    )
    return responded, report


def respond_account(
    readings: Readings,
    elasticity: Elasticity,
    current: Tariff,
    proposed: Tariff,
    current_bills: Sequence[Bill],
    proposed_bills: Sequence[Bill],
    price_proposed: Callable[[Readings], Sequence[Bill]],
    event_days: frozenset[dt.date] = frozenset(),
) -> AccountResponse:
    """Respond one account's load and price it under the proposed tariff.

    An input error of the response (`tariffs.runs.runner.ITEM_ERRORS`) does not escape:
    the result carries its message, and the account's static result stands.

    Args:
        readings: The readings as read.
        elasticity: The declared response.
        current: The tariff the account is on.
        proposed: The tariff proposed.
        current_bills: The bills of ``readings`` under ``current``.
        proposed_bills: The bills of ``readings`` under ``proposed``.
        price_proposed: Prices readings under ``proposed`` as the static result was.
        event_days: Declared event days (the account's and the run's).
    """
    try:
        responded, periods = respond(
            readings, elasticity, current, proposed, current_bills, proposed_bills, event_days
        )
        bills = price_proposed(responded)
    except ITEM_ERRORS as exc:
        return AccountResponse(error=f"price response: {exc}")
    return AccountResponse(
        energy_kwh=sum((bill.energy_kwh for bill in bills), Decimal(0)),
        proposed_total=sum((bill.total for bill in bills), Decimal(0)),
        periods=periods,
    )


# -- the portfolio ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResponseGroup:
    """The responded revenue of one group of a portfolio (as `GroupSummary`).

    Attributes:
        column: The grouping column.
        value: Its value.
        energy_kwh: kWh as read [kWh].
        responded_kwh: kWh after the response (None when an account's response failed).
        current_total: Revenue under the current tariff [currency].
        proposed_total: Static revenue under the proposed tariff [currency].
        responded_total: Revenue under the proposed tariff after the response (None when
            an account's response failed) [currency].
    """

    column: str
    value: str
    energy_kwh: Decimal
    responded_kwh: Decimal | None
    current_total: Decimal
    proposed_total: Decimal
    responded_total: Decimal | None

    @property
    def change(self) -> Decimal | None:
        """Responded proposed minus current revenue [currency]."""
        return None if self.responded_total is None else self.responded_total - self.current_total

    @property
    def change_percent(self) -> Decimal | None:
        """`change` as a percentage of the current revenue [%]."""
        from tariffs.whatif.compare import percent_of

        return None if self.change is None else percent_of(self.change, self.current_total)


@dataclass(frozen=True, slots=True)
class ResponseSummary:
    """The revenue of a portfolio with the price response, beside the static one.

    Attributes:
        elasticity: The declared response.
        total: The whole portfolio (column and value empty).
        groups: Per grouping column and value, in the order of the result's groups.
        failed: ``(account id, error)`` of each priced account whose response failed.
    """

    elasticity: Elasticity
    total: ResponseGroup
    groups: tuple[ResponseGroup, ...]
    failed: tuple[tuple[str, str], ...]

    @property
    def rule(self) -> str:
        """How the responded kWh were made."""
        extra = "; then scaled so that the total kWh is as read" if self.elasticity.conserve else ""
        return RULE + extra


def _group(column: str, value: str, members: Sequence[AccountOutcome]) -> ResponseGroup:
    zero = Decimal(0)
    whole = all(o.response_error is None and o.responded_total is not None for o in members)
    return ResponseGroup(
        column,
        value,
        sum((o.energy_kwh or zero for o in members), zero),
        sum((o.responded_kwh or zero for o in members), zero) if whole else None,
        sum((o.current_total or zero for o in members), zero),
        sum((o.proposed_total or zero for o in members), zero),
        sum((o.responded_total or zero for o in members), zero) if whole else None,
    )


def summarize_response(result: PortfolioResult, elasticity: Elasticity) -> ResponseSummary:
    """The responded revenue of a summarized portfolio, in total and per group.

    A total (or group) that holds an account whose response failed has no responded
    figures (None): a responded revenue without some accounts would be wrong.
    """
    from tariffs.whatif.portfolio import CHANGE_BAND, USAGE_BAND, band_of

    def key(outcome: AccountOutcome, column: str) -> str:
        if column == USAGE_BAND and result.usage_bands is not None:
            return band_of(outcome, result.usage_bands)
        if column == CHANGE_BAND and result.change_bands is not None:
            return band_of(outcome, result.change_bands)
        return outcome.groups.get(column, "")

    groups = tuple(
        _group(
            group.column,
            group.value,
            [o for o in result.accounts if key(o, group.column) == group.value],
        )
        for group in result.groups
    )
    failed = tuple(
        (o.account_id, o.response_error) for o in result.accounts if o.response_error is not None
    )
    return ResponseSummary(elasticity, _group("", "", result.accounts), groups, failed)
