"""Many customers, two tariffs: the revenue impact of moving a portfolio to a new tariff.

Every account is priced under the current and the proposed tariff by one pure function,
`price_account`, so that a portfolio is a list of independent calls: `price_accounts`
runs them with the runner of `tariffs.runs.runner` (in this process, across processes or
on a Dask cluster), under its failure policy: an account whose input is wrong (its
readings, its row of the accounts file, a tariff that cannot price it) is reported with
its error without losing the others, and anything else (a bug, a worker process that
dies) stops the run and propagates, since the revenue without those accounts would be
wrong. `summarize` turns the per-account outcomes into the revenue change in total and by
each grouping column (customer class, voltage, region, ...), the distribution of bill
changes, the average price per kWh per group and the accounts most affected.

Accounts come from a CSV file (`tariffs.io.accounts_csv.read_accounts_csv`): an
``account_id`` column, optional account fields (``capacity_kva``, ``contract_demand_kw``,
``basic_charge_method``, ...) and any other columns, which are grouping columns. The
readings of an account are the file ``<readings_dir>/<account_id>.csv``.

Percentages are rounded half-up to 0.1 % and prices per kWh half-up to 0.0001; totals
are exact sums of the bills. Percentiles use the nearest-rank method (the smallest value
with at least p % of the values at or below it), so each one is an actual account's
change; see https://en.wikipedia.org/wiki/Percentile#The_nearest-rank_method.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from math import ceil
from typing import Any

from dateutil.relativedelta import relativedelta

from tariffs.engine.estimate import Estimate
from tariffs.engine.estimate import estimate as estimate_gaps
from tariffs.engine.pricing import price
from tariffs.errors import InputError
from tariffs.io.accounts_csv import (
    ACCOUNT_COLUMNS,
    PortfolioAccount,
    account_from_cells,
    parse_accounts_csv,
    read_accounts_csv,
    read_readings_file,
)
from tariffs.model.account import CoincidentPeak
from tariffs.model.bill import Bill
from tariffs.model.readings import Readings
from tariffs.model.tariff import Tariff
from tariffs.runs.runner import ItemError, Task, run
from tariffs.whatif.compare import percent_of
from tariffs.whatif.migrations import CURRENT_COLUMN, ChangeBands, Migration, UsageBands
from tariffs.whatif.months import months_of_bills
from tariffs.whatif.response import (
    AccountResponse,
    Elasticity,
    PeriodResponse,
    ResponseSummary,
    check_periods,
    respond_account,
    summarize_response,
)

#: The current tariff of a portfolio whose accounts each name theirs (a ``tariff`` column).
PER_ACCOUNT = "per account"
#: The proposed tariff of a portfolio migrated by a file: this, then the file's name.
MIGRATION = "migration "

__all__ = [
    "ACCOUNT_COLUMNS",
    "MIGRATION",
    "PER_ACCOUNT",
    "CHANGE_BAND",
    "IMPACT_POINTS",
    "USAGE_BAND",
    "Impact",
    "band_of",
    "PERCENTILES",
    "AccountOutcome",
    "Distribution",
    "GroupSummary",
    "PortfolioAccount",
    "PortfolioResult",
    "account_from_cells",
    "assign_tariffs",
    "nearest_rank",
    "parse_accounts_csv",
    "price_account",
    "price_accounts",
    "price_assigned",
    "price_portfolio",
    "read_accounts_csv",
    "summarize",
]

#: The percentiles reported of the bill changes [%].
PERCENTILES = (5, 10, 25, 50, 75, 90, 95)

_PRICE = Decimal("0.0001")


# -- pricing one account ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccountOutcome:
    """One account priced under both tariffs, or the reason it could not be.

    Attributes:
        account_id: The account id.
        groups: Grouping column → value.
        energy_kwh: Imported energy billed [kWh] (None when failed).
        current_total: Total of the bills under the current tariff (None when failed).
        proposed_total: Total under the proposed tariff (None when failed).
        bills: Number of bills under the current tariff.
        error: The error message when the account failed, else None.
        current_tariff: The id of the account's current tariff, where known.
        proposed_tariff: The id of its proposed tariff, where known.
        not_migrated: Why the account has no proposed tariff (it is then not priced).
        lines: Per line code: (code, amount under the current tariff, under the proposed
            one) [currency], summed over the bills, in code order.
        year_of_bills: Whether the bills cover exactly one year, no day missing.
        months: Per month a bill starts in: (its first day, total under the current
            tariff, under the proposed one) [currency], in month order
            (`tariffs.whatif.months`); empty when failed, or read back from an output.
        responded_kwh: With a price response (`tariffs.whatif.response`): the energy
            billed under the proposed tariff after it [kWh].
        responded_total: The proposed tariff's bills of the responded load [currency].
        response_error: Why the account has no price response (its static result
            stands).
        response_periods: What the response did to each period of the proposed tariff.
    """

    account_id: str
    groups: dict[str, str]
    energy_kwh: Decimal | None = None
    current_total: Decimal | None = None
    proposed_total: Decimal | None = None
    bills: int = 0
    error: str | None = None
    current_tariff: str | None = None
    proposed_tariff: str | None = None
    not_migrated: str | None = None
    lines: tuple[tuple[str, Decimal, Decimal], ...] = field(default=(), repr=False)
    year_of_bills: bool = False
    months: tuple[tuple[dt.date, Decimal, Decimal], ...] = field(default=(), repr=False)
    responded_kwh: Decimal | None = None
    responded_total: Decimal | None = None
    response_error: str | None = None
    response_periods: tuple[PeriodResponse, ...] = field(default=(), repr=False)

    @property
    def responded_change(self) -> Decimal | None:
        """Responded proposed minus current total [currency]; None without a response."""
        if self.responded_total is None:
            return None
        return self.responded_total - (self.current_total or Decimal(0))

    @property
    def ok(self) -> bool:
        """Whether the account was priced."""
        return self.error is None and self.not_migrated is None

    def moved_lines(self, count: int = 3) -> list[tuple[str, Decimal, Decimal]]:
        """The line codes whose amounts moved most (either way), largest first.

        Returns:
            Up to ``count`` (code, current amount, proposed amount), lines that did not
            move left out; ties in code order.
        """
        moved = [line for line in self.lines if line[2] != line[1]]
        moved.sort(key=lambda line: (-abs(line[2] - line[1]), line[0]))
        return moved[: max(0, count)]

    @property
    def change(self) -> Decimal:
        """Proposed minus current total [currency]; positive: the customer pays more."""
        return (self.proposed_total or Decimal(0)) - (self.current_total or Decimal(0))

    @property
    def change_percent(self) -> Decimal | None:
        """`change` as a percentage of the current total [%]; None when that is 0."""
        return percent_of(self.change, self.current_total or Decimal(0))


@dataclass(frozen=True, slots=True)
class _Options:
    interval_seconds: int | None = None
    allow_gaps: bool = False
    start: dt.date | None = None
    end: dt.date | None = None
    event_days: tuple[dt.date, ...] = ()
    coincident_peaks: tuple[CoincidentPeak, ...] = ()
    estimate: Estimate | None = None
    response: Elasticity | None = None
    proposed_only: bool = False


def price_account(
    entry: PortfolioAccount,
    current: Tariff,
    proposed: Tariff,
    *,
    interval_seconds: int | None = None,
    allow_gaps: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
    event_days: Iterable[dt.date] = (),
    coincident_peaks: Iterable[CoincidentPeak] = (),
    estimate: Estimate | None = None,
    response: Elasticity | None = None,
) -> AccountOutcome:
    """Price one account under the current and the proposed tariff.

    Pure apart from reading the account's readings file (when given as a path). An input
    error of the account (`tariffs.runs.runner.ITEM_ERRORS`) does not escape: the
    outcome carries the message. Other exceptions do.

    Args:
        entry: The account and its readings.
        current: The tariff the account is on.
        proposed: The tariff proposed.
        interval_seconds: Interval length of the readings files, when not inferred [s].
        allow_gaps: Price readings with gaps (the bills say so).
        start: First local date to bill.
        end: Local date after the last day billed (exclusive).
        event_days: Declared critical-peak event days, besides the account's.
        coincident_peaks: Declared coincident-peak intervals, besides the account's.
        estimate: Fill the gaps of the readings by this method (gaps are then accepted;
            `tariffs.engine.estimate`).
        response: Also price the load after this price response under the proposed
            tariff (`tariffs.whatif.response`), beside the static result.
    """
    options = _Options(
        interval_seconds,
        allow_gaps,
        start,
        end,
        tuple(event_days),
        tuple(coincident_peaks),
        estimate,
        response,
    )
    return _task(current, proposed, options)(entry)


def _task(
    current: Tariff, proposed: Tariff, options: _Options
) -> Task[PortfolioAccount, AccountOutcome]:
    return Task(partial(_outcome, current=current, proposed=proposed, options=options), _failed)


def _failed(entry: PortfolioAccount, error: ItemError) -> AccountOutcome:
    return AccountOutcome(entry.account_id, entry.groups, error=str(error))


def _outcome(
    entry: PortfolioAccount, *, current: Tariff, proposed: Tariff, options: _Options
) -> AccountOutcome:
    if entry.error is not None or entry.account is None:
        return AccountOutcome(entry.account_id, entry.groups, error=entry.error or "not valid")
    by_zone: dict[str, Readings] = {}

    def readings_in(timezone: str) -> Readings:
        if timezone not in by_zone:
            read = (
                entry.readings
                if isinstance(entry.readings, Readings)
                else read_readings_file(
                    entry.readings,
                    timezone,
                    interval_seconds=options.interval_seconds,
                    allow_gaps=options.allow_gaps or options.estimate is not None,
                )
            )
            if options.estimate is not None:
                read = estimate_gaps(read, timezone, options.estimate)
            by_zone[timezone] = read
        return by_zone[timezone]

    def bills_of(tariff: Tariff) -> list[Bill]:
        return price(
            tariff,
            readings_in(tariff.timezone),
            entry.account,
            start=options.start,
            end=options.end,
            event_days=options.event_days,
            coincident_peaks=options.coincident_peaks,
        )

    if options.proposed_only:
        proposed_bills = bills_of(proposed)
        return AccountOutcome(
            account_id=entry.account_id,
            groups=entry.groups,
            energy_kwh=sum((bill.energy_kwh for bill in proposed_bills), Decimal(0)),
            proposed_total=sum((bill.total for bill in proposed_bills), Decimal(0)),
            bills=len(proposed_bills),
            current_tariff=current.id,
            proposed_tariff=proposed.id,
        )
    current_bills, proposed_bills = bills_of(current), bills_of(proposed)
    response = None
    if options.response is not None:
        account = entry.account
        response = respond_account(
            readings_in(proposed.timezone),
            options.response,
            current,
            proposed,
            current_bills,
            proposed_bills,
            lambda responded: price(
                proposed,
                responded,
                account,
                start=options.start,
                end=options.end,
                event_days=options.event_days,
                coincident_peaks=options.coincident_peaks,
            ),
            event_days=frozenset(options.event_days) | frozenset(account.critical_peak_days),
        )
    by_code: dict[str, list[Decimal]] = {}
    for side, bills in enumerate((current_bills, proposed_bills)):
        for bill in bills:
            for line in bill.lines:
                by_code.setdefault(line.code, [Decimal(0), Decimal(0)])[side] += line.amount
    return AccountOutcome(
        account_id=entry.account_id,
        groups=entry.groups,
        energy_kwh=sum((bill.energy_kwh for bill in current_bills), Decimal(0)),
        current_total=sum((bill.total for bill in current_bills), Decimal(0)),
        proposed_total=sum((bill.total for bill in proposed_bills), Decimal(0)),
        bills=len(current_bills),
        current_tariff=current.id,
        proposed_tariff=proposed.id,
        lines=tuple((code, now, new) for code, (now, new) in sorted(by_code.items())),
        year_of_bills=_year_of_bills([(b.period_start, b.period_end) for b in current_bills]),
        months=_months(current_bills, proposed_bills),
        **_response_fields(response),
    )


def _months(
    current_bills: Sequence[Bill], proposed_bills: Sequence[Bill]
) -> tuple[tuple[dt.date, Decimal, Decimal], ...]:
    """Per month a bill starts in: its total under each tariff (`tariffs.whatif.months`)."""
    now, new = months_of_bills(current_bills), months_of_bills(proposed_bills)
    return tuple(
        (month, now.get(month, Decimal(0)), new.get(month, Decimal(0)))
        for month in sorted(now.keys() | new.keys())
    )


def _response_fields(response: AccountResponse | None) -> dict[str, Any]:
    if response is None:
        return {}
    return {
        "responded_kwh": response.energy_kwh,
        "responded_total": response.proposed_total,
        "response_error": response.error,
        "response_periods": response.periods,
    }


def _year_of_bills(periods: Sequence[tuple[dt.date, dt.date]]) -> bool:
    """Whether billing periods cover exactly one year: contiguous, a year end to end."""
    if not periods:
        return False
    ordered = sorted(periods)
    if any(a[1] != b[0] for a, b in zip(ordered, ordered[1:], strict=False)):
        return False
    return ordered[0][0] + relativedelta(years=1) == ordered[-1][1]


def price_accounts(
    accounts: Sequence[PortfolioAccount],
    current: Tariff,
    proposed: Tariff,
    *,
    workers: int | None = None,
    client: Any = None,
    interval_seconds: int | None = None,
    allow_gaps: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
    event_days: Iterable[dt.date] = (),
    coincident_peaks: Iterable[CoincidentPeak] = (),
    estimate: Estimate | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_outcomes: Callable[[list[AccountOutcome]], None] | None = None,
    response: Elasticity | None = None,
    proposed_only: bool = False,
) -> list[AccountOutcome]:
    """Price every account under both tariffs, in parallel (`tariffs.runs.runner.run`).

    Args:
        accounts: The accounts and their readings.
        current: The tariff the accounts are on.
        proposed: The tariff proposed.
        workers: Worker processes (default: the CPU count); 1 prices in this process.
        client: A ``distributed.Client``: price on its Dask cluster instead.
        interval_seconds: Interval length of the readings files, when not inferred [s].
        allow_gaps: Price readings with gaps (the bills say so).
        start: First local date to bill.
        end: Local date after the last day billed (exclusive).
        event_days: Declared critical-peak event days, besides each account's.
        coincident_peaks: Declared coincident-peak intervals, besides each account's.
        estimate: Fill the gaps of the readings by this method (gaps are then accepted;
            `tariffs.engine.estimate`).
        progress: Called with (accounts done, accounts in all) as outcomes come.
        on_outcomes: Called with the outcomes as they come, a few at a time, in the
            order of ``accounts`` (e.g. to save them).
        response: Also price the load after this price response under the proposed
            tariff (`tariffs.whatif.response`), beside the static result.
        proposed_only: Price the proposed tariff only: each outcome has its
            ``proposed_total``, ``energy_kwh`` and ``bills`` under it, no current total,
            lines or months (a design re-prices only the table it changes).

    Returns:
        One outcome per account, in the order of ``accounts``; an account whose input is
        wrong carries its error.

    Raises:
        Exception: An error of the run, not of one account (a bug, or
            `concurrent.futures.process.BrokenProcessPool` when a worker process died):
            the run stops and no outcome is returned.
    """
    options = _Options(
        interval_seconds,
        allow_gaps,
        start,
        end,
        tuple(event_days),
        tuple(coincident_peaks),
        estimate,
        response,
        proposed_only,
    )
    if proposed_only and response is not None:
        raise ValueError("a price response needs the current tariff's bills")
    total = len(accounts)
    if total <= 1:
        workers = 1
    every = max(1, min(64, ceil(total / 100)))
    outcomes: list[AccountOutcome] = []
    unreported = 0
    for outcome in run(_task(current, proposed, options), accounts, workers=workers, client=client):
        outcomes.append(outcome)
        unreported += 1
        if unreported == every or len(outcomes) == total:
            if on_outcomes is not None:
                on_outcomes(outcomes[-unreported:])
            if progress is not None:
                progress(len(outcomes), total)
            unreported = 0
    return outcomes


# -- summary ---------------------------------------------------------------------------


def nearest_rank(values: Sequence[Decimal], percentile: int) -> Decimal:
    """The nearest-rank percentile of sorted values (an actual value of the list).

    >>> nearest_rank([Decimal(v) for v in (15, 20, 35, 40, 50)], 30)
    Decimal('20')
    """
    if not values:
        raise ValueError("no values")
    rank = max(1, ceil(Decimal(percentile) * len(values) / 100))
    return values[rank - 1]


def _price_per_kwh(total: Decimal, energy_kwh: Decimal) -> Decimal | None:
    if energy_kwh == 0:
        return None
    return (total / energy_kwh).quantize(_PRICE, rounding=ROUND_HALF_UP)


class _Revenue:
    """Revenue under the current and the proposed tariff, and what follows from it."""

    __slots__ = ()
    energy_kwh: Decimal
    current_total: Decimal
    proposed_total: Decimal

    @property
    def change(self) -> Decimal:
        """Proposed minus current revenue [currency]."""
        return self.proposed_total - self.current_total

    @property
    def change_percent(self) -> Decimal | None:
        """`change` as a percentage of the current revenue [%]."""
        return percent_of(self.change, self.current_total)

    @property
    def current_price_per_kwh(self) -> Decimal | None:
        """Average price under the current tariff [currency/kWh]."""
        return _price_per_kwh(self.current_total, self.energy_kwh)

    @property
    def proposed_price_per_kwh(self) -> Decimal | None:
        """Average price under the proposed tariff [currency/kWh]."""
        return _price_per_kwh(self.proposed_total, self.energy_kwh)


@dataclass(frozen=True, slots=True)
class GroupSummary(_Revenue):
    """The accounts that share one value of a grouping column.

    Attributes:
        column: The grouping column.
        value: Its value.
        accounts: Accounts priced in the group.
        energy_kwh: Their imported energy [kWh].
        current_total: Their bills under the current tariff [currency].
        proposed_total: Their bills under the proposed tariff [currency].
    """

    column: str
    value: str
    accounts: int
    energy_kwh: Decimal
    current_total: Decimal
    proposed_total: Decimal
    impact: Impact | None = None


#: The points of the bill-impact distribution of a group (nearest rank; 0 is the minimum).
IMPACT_POINTS = ((0, "min"), (10, "p10"), (50, "median"), (90, "p90"), (100, "max"))


@dataclass(frozen=True, slots=True)
class Impact:
    """The distribution of the bill impact over the accounts of a group.

    Attributes:
        change: Point name (`IMPACT_POINTS`) → bill change [currency].
        change_percent: Point name → bill change [%], over the accounts with a current
            bill above 0 (empty when none has one).
        change_bands: Change band → accounts (empty without change bands).
    """

    change: dict[str, Decimal]
    change_percent: dict[str, Decimal]
    change_bands: dict[str, int]


def _points(values: list[Decimal]) -> dict[str, Decimal]:
    values = sorted(values)
    if not values:
        return {}
    return {name: values[0] if p == 0 else nearest_rank(values, p) for p, name in IMPACT_POINTS}


def _impact(members: Sequence[AccountOutcome], change_bands: ChangeBands | None) -> Impact:
    counts: dict[str, int] = {}
    if change_bands is not None:
        counts = dict.fromkeys(change_bands.labels, 0)
        for o in members:
            counts[change_bands.band(o.change, o.current_total or Decimal(0))] += 1
    return Impact(
        change=_points([o.change for o in members]),
        change_percent=_points([p for p in (o.change_percent for o in members) if p is not None]),
        change_bands=counts,
    )


@dataclass(frozen=True, slots=True)
class Distribution:
    """How the bill changes are spread over the accounts priced.

    Attributes:
        accounts: Accounts priced.
        pay_more: Accounts whose bills rise.
        pay_less: Accounts whose bills fall.
        unchanged: Accounts whose bills do not change.
        change_percentiles: Percentile → bill change [currency] (nearest rank).
        change_percent_percentiles: Percentile → bill change [%], over the accounts with
            a current total above 0.
        largest_increase: The largest bill change [currency].
        largest_decrease: The smallest (most negative) bill change [currency].
        changes: Every account's change, sorted (for histograms) [currency].
    """

    accounts: int
    pay_more: int
    pay_less: int
    unchanged: int
    change_percentiles: dict[int, Decimal]
    change_percent_percentiles: dict[int, Decimal]
    largest_increase: Decimal | None
    largest_decrease: Decimal | None
    changes: tuple[Decimal, ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True)
class PortfolioResult(_Revenue):
    """The revenue impact of a proposed tariff on a portfolio.

    Attributes:
        current: Current tariff id.
        proposed: Proposed tariff id.
        currency: ISO 4217 currency.
        group_columns: The grouping columns, in file order.
        accounts: The accounts priced, in input order.
        failed: The accounts that failed, with their errors, in input order.
        energy_kwh: Energy of the accounts priced [kWh].
        current_total: Revenue under the current tariff [currency].
        proposed_total: Revenue under the proposed tariff [currency].
        groups: One summary per grouping column and value (columns in file order,
            values sorted).
        distribution: The distribution of bill changes.
        most_affected: The accounts with the largest bill changes (either way), largest
            first.
        not_migrated: The accounts without a proposed tariff, in input order.
        most_affected_percent: The accounts with the largest percentage changes (either
            way), largest first (with ``detailed``).
        detailed: Whether the report shows per-account tariffs, bands, the bill-impact
            distribution of each group and the lines that moved (the options of
            migrations and bands); without, it is the report of one tariff pair.
        usage_bands: The usage bands the accounts are grouped by, if any.
        change_bands: The change bands the accounts are grouped by, if any.
        response: The revenue with a price response, beside the static one
            (`tariffs.whatif.response.summarize_response`), if one was asked for.
    """

    current: str
    proposed: str
    currency: str
    group_columns: tuple[str, ...]
    accounts: tuple[AccountOutcome, ...]
    failed: tuple[AccountOutcome, ...]
    energy_kwh: Decimal
    current_total: Decimal
    proposed_total: Decimal
    groups: tuple[GroupSummary, ...]
    distribution: Distribution
    most_affected: tuple[AccountOutcome, ...]
    not_migrated: tuple[AccountOutcome, ...] = ()
    most_affected_percent: tuple[AccountOutcome, ...] = ()
    detailed: bool = False
    usage_bands: UsageBands | None = None
    change_bands: ChangeBands | None = None
    response: ResponseSummary | None = None

    @property
    def summary_columns(self) -> tuple[str, ...]:
        """The columns of ``groups``: the grouping columns, then the bands asked for."""
        bands = [
            name
            for name, bands in ((USAGE_BAND, self.usage_bands), (CHANGE_BAND, self.change_bands))
            if bands is not None
        ]
        return (*self.group_columns, *bands)


def _distribution(priced: Sequence[AccountOutcome]) -> Distribution:
    changes = sorted(outcome.change for outcome in priced)
    percents = sorted(p for p in (outcome.change_percent for outcome in priced) if p is not None)
    return Distribution(
        accounts=len(changes),
        pay_more=sum(1 for c in changes if c > 0),
        pay_less=sum(1 for c in changes if c < 0),
        unchanged=sum(1 for c in changes if c == 0),
        change_percentiles={p: nearest_rank(changes, p) for p in PERCENTILES} if changes else {},
        change_percent_percentiles=(
            {p: nearest_rank(percents, p) for p in PERCENTILES} if percents else {}
        ),
        largest_increase=changes[-1] if changes else None,
        largest_decrease=changes[0] if changes else None,
        changes=tuple(changes),
    )


def summarize(
    outcomes: Sequence[AccountOutcome],
    current: str,
    proposed: str,
    currency: str,
    group_columns: Sequence[str] = (),
    *,
    top: int = 10,
    usage_bands: UsageBands | None = None,
    change_bands: ChangeBands | None = None,
    detailed: bool = False,
) -> PortfolioResult:
    """Summarize per-account outcomes into the revenue impact of the proposed tariff.

    Every account priced is in exactly one group of each grouping column and of each
    band, so the groups of a column sum to the portfolio's totals exactly.

    Args:
        outcomes: One outcome per account (failed and not migrated ones are counted
            apart).
        current: Current tariff id (or a description of the tariffs per account).
        proposed: Proposed tariff id (or a description of the migration).
        currency: ISO 4217 currency of the totals.
        group_columns: The grouping columns to summarize by.
        top: How many of the most affected accounts to list.
        usage_bands: Also group by usage band (`USAGE_BAND`), in band order.
        change_bands: Also group by change band (`CHANGE_BAND`), in band order; each
            group's impact counts its accounts per band.
        detailed: Compute each group's `Impact` and the accounts most affected in
            percent (implied by either band).
    """
    detailed = detailed or usage_bands is not None or change_bands is not None
    priced = [outcome for outcome in outcomes if outcome.ok]
    failed = [outcome for outcome in outcomes if outcome.error is not None]
    not_migrated = [o for o in outcomes if o.error is None and o.not_migrated is not None]
    zero = Decimal(0)
    keys: dict[str, Callable[[AccountOutcome], str]] = {
        column: partial(_group_value, column=column) for column in group_columns
    }
    orders: dict[str, list[str]] = {}
    if usage_bands is not None:
        keys[USAGE_BAND] = partial(_usage_band, bands=usage_bands)
        orders[USAGE_BAND] = usage_bands.labels
    if change_bands is not None:
        keys[CHANGE_BAND] = partial(_change_band, bands=change_bands)
        orders[CHANGE_BAND] = change_bands.labels
    groups = []
    for column, key in keys.items():
        found = {key(outcome) for outcome in priced}
        values = [v for v in orders[column] if v in found] if column in orders else sorted(found)
        for value in values:
            members = [o for o in priced if key(o) == value]
            groups.append(
                GroupSummary(
                    column=column,
                    value=value,
                    accounts=len(members),
                    energy_kwh=sum((o.energy_kwh or zero for o in members), zero),
                    current_total=sum((o.current_total or zero for o in members), zero),
                    proposed_total=sum((o.proposed_total or zero for o in members), zero),
                    impact=_impact(members, change_bands) if detailed else None,
                )
            )
    affected = sorted(priced, key=lambda o: (-abs(o.change), o.account_id))[: max(0, top)]
    by_percent: list[AccountOutcome] = []
    if detailed:
        with_percent = [o for o in priced if (o.current_total or zero) > 0]
        by_percent = sorted(
            with_percent,
            key=lambda o: (-abs(o.change / (o.current_total or Decimal(1))), o.account_id),
        )[: max(0, top)]
    return PortfolioResult(
        current=current,
        proposed=proposed,
        currency=currency,
        group_columns=tuple(group_columns),
        accounts=tuple(priced),
        failed=tuple(failed),
        energy_kwh=sum((o.energy_kwh or zero for o in priced), zero),
        current_total=sum((o.current_total or zero for o in priced), zero),
        proposed_total=sum((o.proposed_total or zero for o in priced), zero),
        groups=tuple(groups),
        distribution=_distribution(priced),
        most_affected=tuple(affected),
        not_migrated=tuple(not_migrated),
        most_affected_percent=tuple(by_percent),
        detailed=detailed,
        usage_bands=usage_bands,
        change_bands=change_bands,
    )


#: The name of the grouping by usage band.
USAGE_BAND = "usage band"

#: The name of the grouping by change band.
CHANGE_BAND = "change band"


def _group_value(outcome: AccountOutcome, column: str) -> str:
    return outcome.groups.get(column, "")


def _usage_band(outcome: AccountOutcome, bands: UsageBands) -> str:
    return bands.band(outcome.energy_kwh or Decimal(0), outcome.bills, outcome.year_of_bills)


def _change_band(outcome: AccountOutcome, bands: ChangeBands) -> str:
    return bands.band(outcome.change, outcome.current_total or Decimal(0))


def band_of(outcome: AccountOutcome, result_bands: UsageBands | ChangeBands) -> str:
    """The band of a priced account (its usage band or its change band)."""
    if isinstance(result_bands, UsageBands):
        return _usage_band(outcome, result_bands)
    return _change_band(outcome, result_bands)


def price_portfolio(
    accounts: Sequence[PortfolioAccount],
    current: Tariff,
    proposed: Tariff,
    *,
    group_columns: Sequence[str] | None = None,
    workers: int | None = None,
    client: Any = None,
    interval_seconds: int | None = None,
    allow_gaps: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
    event_days: Iterable[dt.date] = (),
    coincident_peaks: Iterable[CoincidentPeak] = (),
    estimate: Estimate | None = None,
    top: int = 10,
    progress: Callable[[int, int], None] | None = None,
    response: Elasticity | None = None,
) -> PortfolioResult:
    """Price a portfolio under the current and the proposed tariff, and summarize it.

    Args:
        accounts: The accounts and their readings.
        current: The tariff the accounts are on.
        proposed: The tariff proposed (same currency).
        group_columns: Columns to group by (default: every group of the first account).
        workers: Worker processes (default: the CPU count); 1 prices in this process.
        client: A ``distributed.Client``: price on its Dask cluster instead.
        interval_seconds: Interval length of the readings files, when not inferred [s].
        allow_gaps: Price readings with gaps (the bills say so).
        start: First local date to bill.
        end: Local date after the last day billed (exclusive).
        event_days: Declared critical-peak event days, besides each account's.
        coincident_peaks: Declared coincident-peak intervals, besides each account's.
        estimate: Fill the gaps of the readings by this method (gaps are then accepted;
            `tariffs.engine.estimate`).
        top: How many of the most affected accounts to list.
        progress: Called with (accounts done, accounts in all).
        response: Also price the load after this price response under the proposed
            tariff, beside the static result (`PortfolioResult.response`).

    Raises:
        InputError: The two tariffs bill in different currencies, or a period of
            ``response`` is not one of the proposed tariff's.
        Exception: An error of the run, not of one account (see `price_accounts`).
    """
    if current.currency != proposed.currency:
        raise InputError(
            f"tariff {current.id} bills in {current.currency} and {proposed.id} in "
            f"{proposed.currency}; a portfolio compares one currency"
        )
    if response is not None:
        check_periods(response, proposed)
    outcomes = price_accounts(
        accounts,
        current,
        proposed,
        workers=workers,
        client=client,
        interval_seconds=interval_seconds,
        allow_gaps=allow_gaps,
        start=start,
        end=end,
        event_days=event_days,
        coincident_peaks=coincident_peaks,
        estimate=estimate,
        progress=progress,
        response=response,
    )
    if group_columns is None:
        group_columns = list(accounts[0].groups) if accounts else []
    result = summarize(outcomes, current.id, proposed.id, current.currency, group_columns, top=top)
    if response is None:
        return result
    return replace(result, response=summarize_response(result, response))


# -- a tariff per account, and migrations ----------------------------------------------


def assign_tariffs(
    accounts: Sequence[PortfolioAccount],
    *,
    current: Tariff | None,
    proposed: Tariff | None,
    migration: Migration | None,
    load: Callable[[str], Tariff],
) -> list[tuple[PortfolioAccount, Tariff, Tariff] | AccountOutcome]:
    """Each account's current and proposed tariff, or why it has none.

    The current tariff is the account's ``tariff`` cell (`CURRENT_COLUMN`), else
    ``current``. The proposed one follows the migration (the value of its column, or the
    current tariff's id), else is ``proposed``. The ``tariff`` column is taken out of the
    account's groups.

    Args:
        accounts: The accounts, in input order.
        current: The current tariff of rows without a ``tariff`` cell.
        proposed: The proposed tariff of every account, without a migration.
        migration: The proposed tariff per value of a column.
        load: Loads a tariff named in a cell or the migration (an id or a path).

    Returns:
        Per account, in input order: the account and its two tariffs, or an outcome:
        failed (no current tariff, one that cannot be loaded, two currencies) or not
        migrated (no proposed tariff for its value).
    """
    loaded: dict[str, Tariff | str] = {}

    def tariff(spec: str) -> Tariff | str:
        if spec not in loaded:
            try:
                loaded[spec] = load(spec)
            except InputError as exc:
                loaded[spec] = f"tariff {spec}: {exc}"
        return loaded[spec]

    plan: list[tuple[PortfolioAccount, Tariff, Tariff] | AccountOutcome] = []
    for entry in accounts:
        cell = entry.groups.get(CURRENT_COLUMN, "")
        groups = {k: v for k, v in entry.groups.items() if k != CURRENT_COLUMN}
        entry = replace(entry, groups=groups)
        now: Tariff | str = (
            tariff(cell)
            if cell
            else current or "no tariff in its row of the accounts file, and no --current"
        )
        if isinstance(now, str):
            plan.append(AccountOutcome(entry.account_id, groups, error=now))
            continue
        new: Tariff | str | None = proposed
        if migration is not None:
            key = now.id if migration.column == CURRENT_COLUMN else groups.get(migration.column)
            if key is None:
                new = f"no column {migration.column!r} in the accounts file for {migration.source}"
            else:
                spec = migration.proposed_for(key)
                if spec is None:
                    what = (
                        "current tariff"
                        if migration.column == CURRENT_COLUMN
                        else (migration.column)
                    )
                    plan.append(
                        AccountOutcome(
                            entry.account_id,
                            groups,
                            current_tariff=now.id,
                            not_migrated=f"{what} {key!r} has no proposed tariff in "
                            f"{migration.source}",
                        )
                    )
                    continue
                new = tariff(spec)
        if new is None:
            new = "no proposed tariff"
        if isinstance(new, str):
            plan.append(AccountOutcome(entry.account_id, groups, current_tariff=now.id, error=new))
        elif new.currency != now.currency:
            error = (
                f"tariff {now.id} bills in {now.currency} and {new.id} in {new.currency}; "
                "an account compares one currency"
            )
            plan.append(
                AccountOutcome(entry.account_id, groups, current_tariff=now.id, error=error)
            )
        else:
            plan.append((entry, now, new))
    return plan


def price_assigned(
    plan: Sequence[tuple[PortfolioAccount, Tariff, Tariff] | AccountOutcome],
    *,
    progress: Callable[[int, int], None] | None = None,
    **options: Any,
) -> list[AccountOutcome]:
    """Price the accounts of `assign_tariffs`, a run of `price_accounts` per tariff pair.

    Args:
        plan: As `assign_tariffs` returns it.
        progress: Called with (accounts done, accounts to price).
        **options: The options of `price_accounts` (workers, client, start, ...).

    Returns:
        One outcome per entry of the plan, in its order.
    """
    pairs: dict[tuple[int, int], list[PortfolioAccount]] = {}
    tariffs: dict[tuple[int, int], tuple[Tariff, Tariff]] = {}
    for item in plan:
        if isinstance(item, AccountOutcome):
            continue
        entry, now, new = item
        key = (id(now), id(new))
        pairs.setdefault(key, []).append(entry)
        tariffs[key] = (now, new)
    total = sum(len(entries) for entries in pairs.values())
    done = 0
    priced: dict[str, AccountOutcome] = {}
    for key, entries in pairs.items():
        offset = done

        def step(count: int, _: int, offset: int = offset) -> None:
            if progress is not None:
                progress(offset + count, total)

        for outcome in price_accounts(entries, *tariffs[key], progress=step, **options):
            priced[outcome.account_id] = outcome
        done += len(entries)
    return [
        item if isinstance(item, AccountOutcome) else priced[item[0].account_id] for item in plan
    ]
