"""One customer, many tariffs: rank them, explain the difference, try scenarios, break even.

Every tariff prices the same readings with `tariffs.engine.pricing.price`; nothing here prices a
line. A comparison is made of:

* the tariffs that could be priced, ranked cheapest first (ties by tariff id, so the
  ranking never depends on the order the tariffs were given in), each with its bills,
  total, cost per line kind and per billing period, and average price per kWh;
* the tariffs that could not (another currency or time zone than the reference tariff,
  an account field the tariff needs, readings it cannot price), each with the reason;
* the savings of each against the current tariff, and a one-line recommendation.

Percentages are rounded half-up to 0.1 %, average prices half-up to 0.0001 per kWh;
totals themselves are sums of the bills' rounded lines, never re-rounded.

Annual figures come from a year of bills, never from one month × 365 / days: seasons,
annual tiers and annual minimums make a part of a year a poor guide to the whole. When
the bills cover exactly one year (their first day to the same day a year later, with no
day missing), the savings over them are the annual savings. Over anything else there is
no annual figure unless one is asked for (``annualise``): it is then the savings
× 365 / days priced, half-up to the currency's minor unit, and the text says it is an
extrapolation ("at this rate").

Break-even answers two questions by pricing changed readings: how much load must a
``shift`` move (to 0.1 %) for tariff B to cost less than tariff A, and at which kWh
(scaling the whole load) the cheaper of two tariffs changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import partial
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from tariffs.engine.pricing import local_midnight, price
from tariffs.errors import AccountError, InputError, ReadingsError, UnsupportedFeatureError
from tariffs.model.account import Account, CoincidentPeak
from tariffs.model.bill import Bill, round_amount
from tariffs.model.eligibility import Assessment, assess
from tariffs.model.readings import Readings, to_decimal
from tariffs.model.tariff import Tariff
from tariffs.whatif.scenarios import (
    Scenario,
    ScenarioOutcome,
    ShiftStep,
    StepReport,
    apply_scenario,
    scale_to_total,
)

__all__ = [
    "LINE_KINDS",
    "NOT_APPLICABLE_ERRORS",
    "BreakEvenFailure",
    "Comparison",
    "ConsumptionBreakEven",
    "Crossing",
    "Ineligible",
    "NotApplicable",
    "PeriodCost",
    "Recommendation",
    "ScenarioComparison",
    "ShiftBreakEven",
    "TariffCost",
    "WhatIf",
    "break_even_consumption",
    "break_even_shift",
    "compare_scenarios",
    "compare_tariffs",
    "is_one_year",
    "percent_of",
    "periods_tariff",
    "reference_tariff",
]

#: Line kinds of the bill contract, in the order they are reported.
LINE_KINDS = (
    "fixed", "energy", "demand", "capacity", "power_factor", "surcharge", "tax",
    "discount", "minimum", "export_credit", "adjustment",
)  # fmt: skip

#: Errors that make one tariff not applicable to the readings and account, not a failure
#: (a scenario or a break-even search that meets one reports it beside the others).
NOT_APPLICABLE_ERRORS = (AccountError, ReadingsError, UnsupportedFeatureError)

_PERCENT = Decimal("0.1")
_PRICE = Decimal("0.0001")


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part`` as a percentage of ``whole``, half-up to 0.1 %; None when ``whole`` is 0.

    >>> percent_of(Decimal("81"), Decimal("1000"))
    Decimal('8.1')
    """
    if whole == 0:
        return None
    return (part * 100 / whole).quantize(_PERCENT, rounding=ROUND_HALF_UP)


# -- results ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PeriodCost:
    """The cost of one billing period under one tariff.

    Attributes:
        start: First local date of the bill.
        end: Local date after the bill's last day (exclusive).
        energy_kwh: Imported energy of the bill [kWh].
        total: The bill's total [currency].
    """

    start: dt.date
    end: dt.date
    energy_kwh: Decimal
    total: Decimal


@dataclass(frozen=True, slots=True)
class TariffCost:
    """What the readings cost under one tariff.

    Attributes:
        tariff: Tariff id.
        name: Tariff name.
        currency: ISO 4217 currency.
        bills: The bills, in time order.
        total: Sum of the bills' totals [currency].
        energy_kwh: Imported energy billed [kWh].
        days: Days covered by the bills.
        by_kind: Line kind → sum of its amounts, in `LINE_KINDS` order [currency].
        by_line: Line code → sum of its amounts [currency].
        line_labels: Line code → its label (as first written).
        line_kinds: Line code → its line kind.
        periods: One entry per bill.
        savings: The current tariff's total minus this one [currency]; None without a
            current tariff. Positive: this tariff is cheaper.
        savings_percent: `savings` as a percentage of the current total [%].
    """

    tariff: str
    name: str
    currency: str
    bills: tuple[Bill, ...]
    total: Decimal
    energy_kwh: Decimal
    days: int
    by_kind: dict[str, Decimal]
    by_line: dict[str, Decimal]
    line_labels: dict[str, str]
    line_kinds: dict[str, str]
    periods: tuple[PeriodCost, ...]
    savings: Decimal | None = None
    savings_percent: Decimal | None = None

    @property
    def average_price_per_kwh(self) -> Decimal | None:
        """Total / kWh, half-up to 0.0001 [currency/kWh]; None without energy."""
        if self.energy_kwh == 0:
            return None
        return (self.total / self.energy_kwh).quantize(_PRICE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class NotApplicable:
    """A tariff that could not be priced for these readings and account.

    Attributes:
        tariff: Tariff id (or the file name, when the file could not be read).
        reason: Why, in words (the error's message).
    """

    tariff: str
    reason: str


@dataclass(frozen=True, slots=True)
class Ineligible:
    """A tariff the account may not take, or may not be known to be able to take.

    Attributes:
        tariff: Tariff id.
        standing: The assessment: ``ineligible`` with the conditions that fail, or
            ``unknown`` with the account facts that a condition needs.
    """

    tariff: str
    standing: Assessment


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The one-line advice of a comparison.

    Attributes:
        tariff: The tariff recommended (the cheapest).
        current: The current tariff, or None.
        savings: Current total minus the recommended total over the readings [currency].
        savings_percent: `savings` as a percentage of the current total [%].
        annual_savings: `savings` when the bills cover exactly one year; else
            `savings` × 365 / days priced when an extrapolation was asked for; else None
            [currency/year].
        main_source: Label of the bill line whose amount falls the most, or None.
        text: The recommendation in words.
        one_year: Whether the bills cover exactly one year (`annual_savings` is then the
            savings of that year, not an extrapolation).
        key: What the advice says, for writing it in another language
            (`tariffs.io.render.labels.advice_text`): ``cheapest`` (no current tariff),
            ``stay``, ``saves_year``, ``saves_at_rate``, ``saves``, ``move_more`` or
            ``move_none``.
        facts: The facts of `text`, as ``(name, text)`` pairs, numbers as `text` writes
            them: ``tariff``, ``current``, ``currency``, ``savings``, ``percent``,
            ``days``, ``annual``, ``count``, ``total``, ``next``, ``gap``, ``more``,
            ``ties`` (ids joined by ``,``), ``source_kind`` and ``source_code`` (what the
            savings mostly come from: a line kind, and the line's code when it is a line),
            ``moved_from`` and ``unpriced_current``, each where the text says it.
    """

    tariff: str
    current: str | None
    savings: Decimal
    savings_percent: Decimal | None
    annual_savings: Decimal | None
    main_source: str | None
    text: str
    one_year: bool = False
    key: str | None = None
    facts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Comparison:
    """Tariffs ranked for one customer's readings.

    Attributes:
        currency: The currency of every result.
        timezone: The time zone of every result.
        results: The tariffs priced, cheapest first (ties by id).
        not_applicable: The tariffs that could not be priced, with the reason, by id.
        current: The current tariff's id, or None.
        recommendation: The advice, or None when nothing could be priced.
        failed: The current tariff, when it could not be priced: the comparison has no
            savings then, and the run failed (``tariffs compare`` exits with 1).
        ineligible: The tariffs not ranked because the account may not take them, or
            lacks a fact their eligibility needs, by id (the current tariff is always
            priced: it is what the customer pays now).
        mandatory: The tariffs the account must take by their eligibility's
            ``mandatory`` conditions, by id.
        current_ineligible: The standing of the current tariff when the account may not
            take it (or it cannot be known), else None.
    """

    currency: str
    timezone: str
    results: tuple[TariffCost, ...]
    not_applicable: tuple[NotApplicable, ...] = ()
    current: str | None = None
    recommendation: Recommendation | None = None
    failed: tuple[NotApplicable, ...] = ()
    ineligible: tuple[Ineligible, ...] = ()
    mandatory: tuple[str, ...] = ()
    current_ineligible: Assessment | None = None

    def get(self, tariff_id: str) -> TariffCost | None:
        """The result of one tariff, or None if it was not priced."""
        return next((r for r in self.results if r.tariff == tariff_id), None)


# -- comparing -------------------------------------------------------------------------


def _cost(tariff: Tariff, bills: Sequence[Bill]) -> TariffCost:
    by_kind: dict[str, Decimal] = {}
    by_line: dict[str, Decimal] = {}
    labels: dict[str, str] = {}
    line_kinds: dict[str, str] = {}
    for bill in bills:
        for line in bill.lines:
            by_kind[line.kind] = by_kind.get(line.kind, Decimal(0)) + line.amount
            by_line[line.code] = by_line.get(line.code, Decimal(0)) + line.amount
            labels.setdefault(line.code, line.label)
            line_kinds.setdefault(line.code, line.kind)
    order = {kind: i for i, kind in enumerate(LINE_KINDS)}
    by_kind = dict(sorted(by_kind.items(), key=lambda item: (order.get(item[0], 99), item[0])))
    return TariffCost(
        tariff=tariff.id,
        name=tariff.name,
        currency=tariff.currency,
        bills=tuple(bills),
        total=sum((bill.total for bill in bills), Decimal(0)),
        energy_kwh=sum((bill.energy_kwh for bill in bills), Decimal(0)),
        days=sum((bill.period_end - bill.period_start).days for bill in bills),
        by_kind=by_kind,
        by_line=by_line,
        line_labels=labels,
        line_kinds=line_kinds,
        periods=tuple(
            PeriodCost(bill.period_start, bill.period_end, bill.energy_kwh, bill.total)
            for bill in bills
        ),
    )


def _money(value: Decimal, places: int) -> str:
    return f"{value:,.{places}f}"


def _lowered(label: str) -> str:
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _main_source(current: TariffCost, best: TariffCost) -> tuple[str, str | None] | None:
    """What the savings come from: a bill line both tariffs have, or else a line kind.

    The line kind whose amount falls the most is found first; a line code of that kind
    that both tariffs bill (e.g. ``energy.valley``) is named when it makes up at least
    half of that fall, else the kind is (e.g. "energy charges"). Returns the kind and
    the line's code (None when it is the kind), or None when no kind falls.
    """
    kinds = list(current.by_kind) + [k for k in best.by_kind if k not in current.by_kind]
    kind_falls = {
        kind: current.by_kind.get(kind, Decimal(0)) - best.by_kind.get(kind, Decimal(0))
        for kind in kinds
    }
    kind = max(kinds, key=lambda k: (kind_falls[k], -kinds.index(k)), default=None)
    if kind is None or kind_falls[kind] <= 0:
        return None
    shared = [
        code
        for code in current.by_line
        if code in best.by_line and current.line_kinds.get(code) == kind
    ]
    falls = {code: current.by_line[code] - best.by_line[code] for code in shared}
    code = max(shared, key=lambda c: (falls[c], -shared.index(c)), default=None)
    if code is not None and falls[code] > 0 and 2 * falls[code] >= kind_falls[kind]:
        return kind, code
    return kind, None


def _source_words(current: TariffCost, source: tuple[str, str | None]) -> str:
    """A main source in words: the line's label, or ``<kind> charges``."""
    kind, code = source
    return current.line_labels[code] if code is not None else f"{kind.replace('_', ' ')} charges"


def is_one_year(first: dt.date, end: dt.date) -> bool:
    """Whether ``first`` to ``end`` (exclusive) is exactly one year.

    >>> is_one_year(dt.date(2025, 3, 1), dt.date(2026, 3, 1))
    True
    >>> is_one_year(dt.date(2025, 3, 1), dt.date(2026, 2, 28))
    False
    """
    return end == first + relativedelta(years=1)


def _covers_one_year(cost: TariffCost) -> bool:
    """Whether the bills of a result cover exactly one year, no day missing."""
    if not cost.periods:
        return False
    first, end = cost.periods[0].start, cost.periods[-1].end
    return is_one_year(first, end) and cost.days == (end - first).days


def _recommend(
    results: Sequence[TariffCost],
    current: TariffCost | None,
    places: int,
    annualise: bool = False,
) -> Recommendation | None:
    if not results:
        return None
    best = results[0]
    currency = best.currency
    if current is None:
        total = _money(best.total, places)
        text = f"{best.tariff} is the cheapest of {len(results)} tariff(s) priced: "
        text += f"{total} {currency}"
        facts = [("tariff", best.tariff), ("count", str(len(results))), ("total", total)]
        if len(results) > 1:
            gap = _money(results[1].total - best.total, places)
            text += f", {gap} {currency} less than {results[1].tariff}"
            facts += [("next", results[1].tariff), ("gap", gap)]
        return Recommendation(
            best.tariff, None, Decimal(0), None, None, None, text,
            key="cheapest", facts=(*facts, ("currency", currency)),
        )  # fmt: skip
    if best.total >= current.total:
        ties = [r.tariff for r in results if r.total == current.total and r is not current]
        text = f"stay on {current.tariff}: no tariff priced costs less"
        facts = [("tariff", current.tariff)]
        if ties:
            text += f" ({', '.join(ties)} cost(s) the same)"
            facts.append(("ties", ",".join(ties)))
        return Recommendation(
            current.tariff, current.tariff, Decimal(0), Decimal(0), None, None, text,
            key="stay", facts=tuple(facts),
        )  # fmt: skip
    savings = current.total - best.total
    savings_percent = percent_of(savings, current.total)
    days = current.days
    source = _main_source(current, best)
    share = f"{savings_percent} %" if savings_percent is not None else "n/a"
    saved = _money(savings, places)
    over = f"{best.tariff} saves {saved} {currency} over {days} day{'s' if days != 1 else ''}"
    facts = [
        ("tariff", best.tariff), ("current", current.tariff), ("currency", currency),
        ("savings", saved),
        *([("percent", str(savings_percent))] if savings_percent is not None else []),
    ]  # fmt: skip
    annual: Decimal | None = None
    if _covers_one_year(current):
        annual = savings
        key = "saves_year"
        text = f"{best.tariff} saves {saved} {currency}/yr ({share})"
    elif annualise and days:
        annual = round_amount(Fraction(savings) * 365 / days, places)
        key = "saves_at_rate"
        text = f"{over} ({share}; about {_money(annual, places)} {currency}/yr at this rate)"
        facts += [("days", str(days)), ("annual", _money(annual, places))]
    else:
        key = "saves"
        text = f"{over} ({share}; not a year of bills, so no annual figure)"
        facts.append(("days", str(days)))
    source_text = None
    if source:
        source_text = _source_words(current, source)
        text += f", mostly from {_lowered(source_text)}"
        facts.append(("source_kind", source[0]))
        if source[1] is not None:
            facts.append(("source_code", source[1]))
    return Recommendation(
        best.tariff, current.tariff, savings, savings_percent, annual, source_text, text,
        one_year=_covers_one_year(current), key=key, facts=tuple(facts),
    )  # fmt: skip


def _move_from(
    results: Sequence[TariffCost], current: TariffCost, places: int, annualise: bool
) -> Recommendation | None:
    """The advice when the account may not take its current tariff: the cheapest other.

    Staying is no advice then, whatever it costs: the recommendation is the cheapest
    tariff the account may take, with what it saves (or costs more) than the current.
    """
    others = [r for r in results if r is not current]
    if not others:
        return Recommendation(
            current.tariff,
            current.tariff,
            Decimal(0),
            None,
            None,
            None,
            f"the account may not take {current.tariff}, and no other tariff compared "
            "could be priced for it",
            key="move_none",
            facts=(("current", current.tariff),),
        )
    best = others[0]
    if best.total < current.total:
        advice = _recommend([best, current], current, places, annualise)
        assert advice is not None  # noqa: S101 - two results give advice
        return replace(
            advice,
            text=f"move from {current.tariff}, which the account may not take: {advice.text}",
            facts=(*advice.facts, ("moved_from", current.tariff)),
        )
    more = best.total - current.total
    return Recommendation(
        best.tariff,
        current.tariff,
        -more,
        percent_of(-more, current.total),
        None,
        None,
        f"move from {current.tariff}, which the account may not take: {best.tariff} is the "
        f"cheapest tariff it may take, {_money(more, places)} {best.currency} more",
        key="move_more",
        facts=(
            ("tariff", best.tariff),
            ("current", current.tariff),
            ("more", _money(more, places)),
            ("currency", best.currency),
        ),
    )


def _current_id(current: str | Tariff | None) -> str | None:
    return current.id if isinstance(current, Tariff) else current


def reference_tariff(tariffs: Sequence[Tariff], current: str | Tariff | None) -> Tariff:
    """The tariff a comparison reads in: the current one (an id or the tariff), else the first.

    Its time zone is the readings', and its periods are the first a scenario's ``shift``
    steps are looked up in (`periods_tariff`).
    """
    current_id = _current_id(current)
    return next(t for t in tariffs if t.id == (current_id or tariffs[0].id))


def periods_tariff(scenario: Scenario, tariffs: Sequence[Tariff], reference: Tariff) -> Tariff:
    """The tariff whose periods a scenario's ``shift`` steps name.

    ``reference`` when it has every period the steps name (or they name none), else the
    first of ``tariffs`` that has them all, else ``reference`` (applying the steps then
    refuses the period it lacks).
    """
    names = _period_names(scenario)
    return next((t for t in [reference, *tariffs] if _names_periods(t, names)), reference)


def compare_tariffs(
    tariffs: Sequence[Tariff],
    readings: Readings,
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
) -> Comparison:
    """Price the same readings under several tariffs and rank them, cheapest first.

    The reference tariff is the current one, or else the first given: a tariff in
    another currency or time zone is not applicable, nor is one whose pricing fails on
    this account or these readings (`AccountError`, `ReadingsError`,
    `UnsupportedFeatureError`); each is reported with the reason. One tariff that cannot be
    priced never stops the others.

    A tariff with an ``eligibility`` block is ranked only when the account may take it
    (`tariffs.model.eligibility.assess`); the others are listed with the conditions that
    exclude them, or the account facts needed to know. An ineligible tariff is never
    ranked, so never recommended, unless ``ignore_eligibility``.

    Args:
        tariffs: The tariffs to compare (ids must differ).
        readings: Readings read in the reference tariff's time zone.
        account: Contract data the tariffs need.
        current: The customer's current tariff (an id among ``tariffs``, or the tariff).
        start: First local date to bill (default: the readings' first day).
        end: Local date after the last day billed (exclusive).
        event_days: Declared critical-peak event days, besides the account's.
        demand_window: ``readings`` measures demand over the readings' own intervals
            where they are coarser than a tariff's window, as a declared deviation each
            bill states (see `tariffs.engine.pricing.price`).
        annualise: Extrapolate the savings to a year (× 365 / days) when the bills do
            not cover exactly one year; by default there is no annual figure then.
        ignore_eligibility: Rank every tariff that can be priced, whoever may take it
            (each bill of a tariff the account may not take still says so).
        coincident_peaks: Declared coincident-peak intervals of the run, besides the
            account's (see `tariffs.engine.pricing.price`).
        metering: The metering rule of exported energy for the run (see `tariffs.price`).

    Returns:
        The ranking, the tariffs not applicable, savings against the current tariff and
        a recommendation.

    Raises:
        InputError: No tariffs, the same id twice, or a current tariff not among them.
        TariffsError: No tariff can be priced: the error of the current (or first)
            tariff. A current tariff that cannot be priced while others can is reported
            in `Comparison.failed`, beside the others ranked.

    >>> from tariffs import parse_tariff
    >>> flat = parse_tariff('''
    ... id: flat
    ... name: Flat
    ... currency: CNY
    ... timezone: Asia/Shanghai
    ... reference: example
    ... versions:
    ...   "2025-01-01":
    ...     charges: [{kind: energy, price_per_kwh: "0.5"}]
    ... ''')
    >>> day = Readings("m", 3600, list(range(1751299200, 1751385600, 3600)), 3, [1000] * 24)
    >>> compare_tariffs([flat], day).results[0].total
    Decimal('12.00')
    """
    if not tariffs:
        raise InputError("no tariffs to compare")
    ids = [tariff.id for tariff in tariffs]
    for tariff_id in ids:
        if ids.count(tariff_id) > 1:
            raise InputError(f"tariff {tariff_id} is given twice")
    current_id = _current_id(current)
    if current_id is not None and current_id not in ids:
        raise InputError(f"the current tariff {current_id} is not among the tariffs compared")
    reference = next(t for t in tariffs if t.id == (current_id or ids[0]))
    days = tuple(event_days)
    peaks = tuple(coincident_peaks)
    results: list[TariffCost] = []
    skipped: list[NotApplicable] = []
    failed: list[NotApplicable] = []
    failures: dict[str, Exception] = {}
    ineligible: list[Ineligible] = []
    mandatory: list[str] = []
    current_standing: Assessment | None = None
    for tariff in tariffs:
        if tariff.currency != reference.currency:
            skipped.append(
                NotApplicable(
                    tariff.id,
                    f"its currency {tariff.currency} differs from {reference.currency} of "
                    f"{reference.id}",
                )
            )
            continue
        if tariff.timezone != reference.timezone:
            skipped.append(
                NotApplicable(
                    tariff.id,
                    f"its time zone {tariff.timezone} differs from {reference.timezone} of "
                    f"{reference.id}",
                )
            )
            continue
        standing = assess(tariff.eligibility, account)
        if standing.status != "eligible" and not ignore_eligibility:
            if tariff.id != current_id:
                ineligible.append(Ineligible(tariff.id, standing))
                continue
            current_standing = standing
        if standing.mandatory:
            mandatory.append(tariff.id)
        try:
            bills = price(
                tariff,
                readings,
                account,
                start=start,
                end=end,
                event_days=days,
                demand_window=demand_window,
                coincident_peaks=peaks,
                metering=metering,
            )
        except NOT_APPLICABLE_ERRORS as exc:
            failures[tariff.id] = exc
            if tariff.id == current_id:
                failed.append(NotApplicable(tariff.id, str(exc)))
            else:
                skipped.append(NotApplicable(tariff.id, str(exc)))
            continue
        results.append(_cost(tariff, bills))
    if reference.id in failures and not results:
        raise failures[reference.id]
    if not results:
        raise InputError(
            "no tariff could be priced: "
            + "; ".join(
                [f"{item.tariff}: {item.reason}" for item in skipped]
                + [f"{item.tariff}: {item.standing.text}" for item in ineligible]
            )
        )
    results.sort(key=lambda r: (r.total, r.tariff))
    skipped.sort(key=lambda item: item.tariff)
    ineligible.sort(key=lambda item: item.tariff)
    current_cost = None
    if failed:
        recommendation = _recommend(results, None, reference.places)
        if recommendation is not None:
            recommendation = replace(
                recommendation,
                text=f"{recommendation.text}; the current tariff {current_id} could not be "
                "priced, so no savings are given",
                facts=(*recommendation.facts, ("unpriced_current", str(current_id))),
            )
        return Comparison(
            currency=reference.currency,
            timezone=reference.timezone,
            results=tuple(results),
            not_applicable=tuple(skipped),
            current=current_id,
            recommendation=recommendation,
            failed=tuple(failed),
            ineligible=tuple(ineligible),
            mandatory=tuple(sorted(mandatory)),
            current_ineligible=current_standing,
        )
    if current_id is not None:
        current_cost = next(r for r in results if r.tariff == current_id)
        base = current_cost.total
        results = [
            _with_savings(r, base - r.total, percent_of(base - r.total, base)) for r in results
        ]
        current_cost = next(r for r in results if r.tariff == current_id)
    if current_cost is not None and current_standing is not None:
        recommendation = _move_from(results, current_cost, reference.places, annualise)
    else:
        recommendation = _recommend(results, current_cost, reference.places, annualise)
    return Comparison(
        currency=reference.currency,
        timezone=reference.timezone,
        results=tuple(results),
        not_applicable=tuple(skipped),
        current=current_id,
        recommendation=recommendation,
        ineligible=tuple(ineligible),
        mandatory=tuple(sorted(mandatory)),
        current_ineligible=current_standing,
    )


def _with_savings(cost: TariffCost, savings: Decimal, percent: Decimal | None) -> TariffCost:
    return replace(cost, savings=savings, savings_percent=percent)


# -- scenarios -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScenarioComparison:
    """The comparison of the tariffs under one scenario.

    Attributes:
        scenario: The scenario.
        steps: What each step did to the readings.
        comparison: The tariffs ranked on the changed readings (no results when the
            scenario failed).
        error: Why the scenario could not be applied or priced, or None.
    """

    scenario: Scenario
    steps: tuple[StepReport, ...]
    comparison: Comparison
    error: str | None = None


@dataclass(frozen=True, slots=True)
class WhatIf:
    """The base case and every scenario beside it.

    Attributes:
        base: The comparison on the readings as read.
        scenarios: One comparison per scenario, in the order given.
    """

    base: Comparison
    scenarios: tuple[ScenarioComparison, ...] = field(default=())


def compare_scenarios(
    tariffs: Sequence[Tariff],
    readings: Readings,
    scenarios: Sequence[Scenario],
    account: Account | None = None,
    *,
    current: str | Tariff | None = None,
    profiles: Mapping[str, Readings] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    event_days: Iterable[dt.date] = (),
    demand_window: Literal["tariff", "readings"] = "tariff",
    annualise: bool = False,
    ignore_eligibility: bool = False,
    coincident_peaks: Iterable[CoincidentPeak] = (),
    metering: str | None = None,
) -> WhatIf:
    """Compare the tariffs on the readings as read, and under each scenario.

    Period names in ``shift`` steps are those of the tariff that defines them: the
    current one (or else the first given) if it has every period a scenario names, or
    else the first tariff given that has them all, and the step says so in its notes
    (a flat current tariff and ``shift:20%:peak->valley`` toward a time-of-use tariff
    move the energy at that tariff's peak and valley hours).

    A scenario that cannot be applied (`ScenarioError`) or priced (no tariff priced
    under it) is reported with its error beside the others, never stops them.

    Args:
        tariffs: The tariffs to compare.
        readings: Readings read in the reference tariff's time zone.
        scenarios: The scenarios; each is applied to the readings as read.
        account: Contract data the tariffs need.
        current: The customer's current tariff (an id among ``tariffs``, or the tariff).
        profiles: Solar profile file name → generation readings.
        start: First local date to bill.
        end: Local date after the last day billed (exclusive).
        event_days: Declared critical-peak event days, besides the account's.
        demand_window: ``readings`` measures demand over the readings' own intervals, as
            a declared deviation (see `compare_tariffs`).
        annualise: Extrapolate savings to a year over less (or more) than a year of
            bills (see `compare_tariffs`).
        ignore_eligibility: Rank every tariff that can be priced (see `compare_tariffs`).
        coincident_peaks: Declared coincident-peak intervals of the run, besides the
            account's.
        metering: The metering rule of exported energy for the run (see `tariffs.price`).

    Raises:
        TariffsError: The base case cannot be priced (see `compare_tariffs`).
    """
    days = tuple(event_days)
    # The same comparison of the base case and of each scenario's readings.
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
        coincident_peaks=tuple(coincident_peaks),
        metering=metering,
    )
    base = compare(readings)
    reference = reference_tariff(tariffs, current)
    compared = []
    for scenario in scenarios:
        names = _period_names(scenario)
        periods_of = periods_tariff(scenario, tariffs, reference)
        try:
            outcome: ScenarioOutcome = apply_scenario(
                readings,
                scenario,
                timezone=reference.timezone,
                tariff=periods_of,
                account=account,
                profiles=profiles,
                event_days=days,
            )
            comparison = compare(outcome.readings)
        except (*NOT_APPLICABLE_ERRORS, InputError) as exc:
            empty = Comparison(base.currency, base.timezone, (), current=base.current)
            compared.append(ScenarioComparison(scenario, (), empty, str(exc)))
            continue
        steps = outcome.steps
        if periods_of is not reference and names:
            note = (
                f"periods {', '.join(names)} are those of tariff {periods_of.id} "
                f"({reference.id} has no period {_missing_period(reference, names)!r})"
            )
            steps = tuple(
                replace(report, notes=(*report.notes, note))
                if report.step.startswith("shift:")
                else report
                for report in steps
            )
        compared.append(ScenarioComparison(scenario, steps, comparison))
    return WhatIf(base, tuple(compared))


def _period_names(scenario: Scenario) -> list[str]:
    """The period names the ``shift`` steps of a scenario use, in order, once each."""
    names: list[str] = []
    for step in scenario.steps:
        if isinstance(step, ShiftStep):
            for item in (*step.from_periods, *step.to):
                if ":" not in item and item not in names:
                    names.append(item)
    return names


def _missing_period(tariff: Tariff, names: Sequence[str]) -> str:
    known = {name for version in tariff.versions.values() for name in version.period_names}
    return next(name for name in names if name not in known)


# -- break-even ------------------------------------------------------------------------


def _total(
    tariff: Tariff, readings: Readings, account: Account | None, event_days: tuple[dt.date, ...]
) -> Decimal:
    bills = price(tariff, readings, account, event_days=event_days)
    return sum((bill.total for bill in bills), Decimal(0))


def _span(
    readings: Readings, timezone: str, start: dt.date | None, end: dt.date | None
) -> Readings:
    zone = ZoneInfo(timezone)
    first = local_midnight(start, zone) if start is not None else readings.starts[0]
    last = local_midnight(end, zone) if end is not None else readings.end
    span = readings.slice(first, last)
    if not span.starts:
        raise ReadingsError("no readings in the dates asked for", file=readings.source)
    return span


def _names_periods(tariff: Tariff, items: Sequence[str]) -> bool:
    """Whether every item that is not a clock window is a period of the tariff."""
    known = {name for version in tariff.versions.values() for name in version.period_names}
    return all(":" in item or item in known for item in items)


@dataclass(frozen=True, slots=True)
class ShiftBreakEven:
    """How much load a shift must move for one tariff to cost less than another.

    Attributes:
        tariff: The challenger (B).
        against: The tariff to beat (A).
        shift: The shift, ``from->to`` (period names of the reference tariff or windows).
        percent: The least share of the "from" energy to move, in steps of 0.1 %, at
            which B costs less than A; 0 when B is already cheaper, None when B is not
            cheaper even at 100 %.
        cost: B's total at that share, or at 100 % when None [currency].
        against_cost: A's total at that share, or at 100 % when None [currency].
    """

    tariff: str
    against: str
    shift: str
    percent: Decimal | None
    cost: Decimal
    against_cost: Decimal


def break_even_shift(
    tariff: Tariff,
    against: Tariff,
    readings: Readings,
    account: Account | None = None,
    *,
    from_periods: Sequence[str],
    to: Sequence[str],
    reference: Tariff | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    event_days: Iterable[dt.date] = (),
) -> ShiftBreakEven:
    """The least load shift (to 0.1 %) at which ``tariff`` costs less than ``against``.

    Each candidate share is applied as a ``shift`` scenario (per local day, from the
    "from" intervals to the "to" intervals) and both tariffs price the result. The share
    is found by bisection over 0.0 … 100.0 %, which assumes that once ``tariff`` is the
    cheaper, moving more keeps it so (true when the shift moves energy to where
    ``tariff`` is relatively cheaper than ``against``); the answer is always checked at
    the share returned and 0.1 % below it.

    Args:
        tariff: The challenger (B).
        against: The tariff to beat (A).
        readings: Readings in the tariffs' time zone.
        account: Contract data the tariffs need.
        from_periods: Period names of ``reference`` or clock windows to move energy out of.
        to: Period names or clock windows to move it into.
        reference: The tariff whose period names are meant (default: ``against`` if it
            has every period named, else ``tariff`` if it has them).
        start: First local date to bill.
        end: Local date after the last day billed (exclusive).
        event_days: Declared critical-peak event days, besides the account's.

    Raises:
        ScenarioError: The shift cannot be applied.
    """
    if reference is None:
        reference = next(
            (t for t in (against, tariff) if _names_periods(t, [*from_periods, *to])), against
        )
    span = _span(readings, reference.timezone, start, end)
    days = tuple(event_days)

    def costs(tenths: int) -> tuple[Decimal, Decimal]:
        step = ShiftStep.model_validate(
            {
                "kind": "shift",
                "percent": Decimal(tenths).scaleb(-1),
                "from": list(from_periods),
                "to": list(to),
            }
        )
        shifted = apply_scenario(
            span,
            step,
            timezone=reference.timezone,
            tariff=reference,
            account=account,
            event_days=days,
        ).readings
        return _total(tariff, shifted, account, days), _total(against, shifted, account, days)

    text = f"{','.join(from_periods)}->{','.join(to)}"
    low_b, low_a = costs(0)
    if low_b < low_a:
        return ShiftBreakEven(tariff.id, against.id, text, Decimal(0), low_b, low_a)
    high_b, high_a = costs(1000)
    if high_b >= high_a:
        return ShiftBreakEven(tariff.id, against.id, text, None, high_b, high_a)
    low, high = 0, 1000
    while high - low > 1:
        middle = (low + high) // 2
        b_cost, a_cost = costs(middle)
        if b_cost < a_cost:
            high, high_b, high_a = middle, b_cost, a_cost
        else:
            low = middle
    return ShiftBreakEven(tariff.id, against.id, text, Decimal(high).scaleb(-1), high_b, high_a)


@dataclass(frozen=True, slots=True)
class BreakEvenFailure:
    """A break-even that could not be found: its question and the error.

    Attributes:
        tariff: The challenger (B).
        against: The tariff to beat (A).
        kind: ``shift`` or ``consumption``.
        shift: The shift asked, ``from->to``, or None for ``consumption``.
        error: Why it could not be found (the error's message).
    """

    tariff: str
    against: str
    kind: Literal["shift", "consumption"]
    shift: str | None
    error: str


@dataclass(frozen=True, slots=True)
class Crossing:
    """A consumption at which the cheaper of two tariffs changes.

    Attributes:
        energy_kwh: The least whole kWh (over the readings' span) at or above which
            `cheaper_above` holds, found to 1 kWh [kWh].
        annual_kwh: The same, as kWh per year, half-up to a whole kWh: the same
            consumption when the span is exactly one year; × 365 / days of the span when
            an extrapolation was asked for; else None [kWh/year].
        cheaper_below: The tariff that costs less just below `energy_kwh`.
        cheaper_above: The tariff that costs less from `energy_kwh` on.

    Where the two cost the same, ``against`` (A) counts as the one that costs less: a
    crossing says where B starts or stops costing less than A.
    """

    energy_kwh: Decimal
    annual_kwh: Decimal | None
    cheaper_below: str
    cheaper_above: str


@dataclass(frozen=True, slots=True)
class ConsumptionBreakEven:
    """Where the cheaper of two tariffs changes as the whole load is scaled.

    Attributes:
        tariff: One tariff (B).
        against: The other (A).
        energy_kwh: The readings' own consumption over the span [kWh].
        days: Local days in the span.
        searched_up_to_kwh: The largest consumption tried [kWh].
        crossings: Every change found, in increasing kWh.
    """

    tariff: str
    against: str
    energy_kwh: Decimal
    days: int
    searched_up_to_kwh: Decimal
    crossings: tuple[Crossing, ...]


def break_even_consumption(
    tariff: Tariff,
    against: Tariff,
    readings: Readings,
    account: Account | None = None,
    *,
    max_factor: Decimal = Decimal(3),
    samples: int = 24,
    start: dt.date | None = None,
    end: dt.date | None = None,
    event_days: Iterable[dt.date] = (),
    annualise: bool = False,
) -> ConsumptionBreakEven:
    """The consumptions at which the cheaper of two tariffs changes, scaling the load.

    The load keeps its shape (`tariffs.whatif.scenarios.scale_to_total`) and its total is tried
    at ``samples`` + 1 even steps from 1 kWh to ``max_factor`` × the readings' own; between
    two steps where the cheaper tariff differs, bisection finds each change to 1 kWh.
    Changes that cancel out between two steps are not seen: more ``samples`` look closer.

    Args:
        tariff: One tariff (B).
        against: The other (A).
        readings: Readings in the tariffs' time zone, with some consumption.
        account: Contract data the tariffs need.
        max_factor: The largest multiple of the readings' consumption tried.
        samples: Number of even steps.
        start: First local date to bill.
        end: Local date after the last day billed (exclusive).
        event_days: Declared critical-peak event days, besides the account's.
        annualise: Give each crossing per year (× 365 / days) when the span is not
            exactly one year; by default there is no annual figure then.

    Raises:
        ScenarioError: The readings have no consumption to scale.
    """
    span = _span(readings, against.timezone, start, end)
    unit = 10**span.scale
    base_units = sum(span.kwh)
    zone = ZoneInfo(against.timezone)
    first_day = dt.datetime.fromtimestamp(span.starts[0], zone).date()
    last_day = dt.datetime.fromtimestamp(span.end - 1, zone).date()
    days = (last_day - first_day).days + 1
    one_year = is_one_year(first_day, last_day + dt.timedelta(days=1))
    top = max(int(Fraction(base_units) * Fraction(max_factor)), unit)
    event = tuple(event_days)
    cache: dict[int, bool] = {}

    def cheaper(total_units: int) -> bool:
        """Whether B costs less than A at this consumption."""
        if total_units not in cache:
            scaled = scale_to_total(span, total_units)
            cache[total_units] = _total(tariff, scaled, account, event) < _total(
                against, scaled, account, event
            )
        return cache[total_units]

    def name(b_cheaper: bool) -> str:
        return tariff.id if b_cheaper else against.id

    grid = sorted({unit + (top - unit) * i // samples // unit * unit for i in range(samples + 1)})
    grid = sorted(set(grid) | {top})
    crossings = []
    for low, high in zip(grid, grid[1:], strict=False):
        while cheaper(low) != cheaper(high):
            # Bisection for the first whole kWh after `low` where the answer changes; a
            # bracket with several changes is searched again from that point.
            left, right = low, high
            while right - left > unit:
                middle = left + (right - left) // 2 // unit * unit
                if middle <= left:
                    middle = left + unit
                if middle >= right:
                    break
                if cheaper(middle) == cheaper(low):
                    left = middle
                else:
                    right = middle
            energy = to_decimal(right, span.scale)
            annual: Decimal | None = None
            if one_year:
                annual = energy.quantize(Decimal(1), rounding=ROUND_HALF_UP)
            elif annualise:
                annual = (energy * 365 / days).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            crossings.append(Crossing(energy, annual, name(cheaper(low)), name(cheaper(right))))
            low = right
    return ConsumptionBreakEven(
        tariff=tariff.id,
        against=against.id,
        energy_kwh=to_decimal(base_units, span.scale),
        days=days,
        searched_up_to_kwh=to_decimal(top, span.scale),
        crossings=tuple(crossings),
    )
