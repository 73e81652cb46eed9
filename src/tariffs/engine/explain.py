"""Explain a bill line by line, from the numbers the engine priced it with.

`explain` prices the readings with `tariffs.engine.pricing` itself, with a `Recorder` in
every charge's `Context`: each line built by `Context.line` is noted with its exact
amount before rounding, and each charge notes what it used (the period kWh it summed,
the tier bounds and the ladder position, the maximum demand and the ratchet, the
capacity and the month share, the lines a percentage applies to). The engine notes
what it measured: for each (season, period) of a segment, the intervals in it and their
kWh; for each maximum demand, the window it occurred in. Nothing is priced a second
time, so an explanation cannot disagree with its bill; pricing without a recorder pays
one ``is None`` test per line.

A line's explanation holds the facts as data (`LineExplanation.facts`, Decimals and
dates, rendered as strings in JSON) and the same facts in plain words
(`LineExplanation.because`). Each sentence is a `Reason`: its English text, with a key
and the facts it was written from, so that a renderer writes it in another language
(`tariffs.io.render.labels.reason_text`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from tariffs.engine.charges.context import Reason, decimal_or_rounded
from tariffs.engine.measures import MaxDemand, locate_demand
from tariffs.engine.pricing import price_recorded
from tariffs.model.bill import Bill, Line

if TYPE_CHECKING:
    from tariffs.engine.schedule import Schedule
    from tariffs.engine.usage import Plan, Usage
    from tariffs.model.account import Account, CoincidentPeak
    from tariffs.model.readings import Readings
    from tariffs.model.tariff import Tariff

__all__ = [
    "BillExplanation",
    "DemandFacts",
    "LineExplanation",
    "PeriodFacts",
    "Reason",
    "Recorder",
    "explain",
]


@dataclass(frozen=True, slots=True)
class PeriodFacts:
    """The intervals of one segment in one season and time-of-use period.

    Attributes:
        season: The season's name ("" where the tariff has no seasons).
        period: The period's name ("" where the tariff has no periods).
        intervals: How many intervals fell in it.
        read_kwh: Their kWh, as read (meter multiplier applied) [kWh].
        kwh: The kWh the engine priced for it: ``read_kwh`` plus its losses, less what
            net metering netted [kWh].
        windows: The local clock windows its intervals fell in, ``HH:MM-HH:MM``.
        day_types: The day types of the days its intervals fell on.
        first_day: The first local date with an interval in it.
        last_day: The last local date with an interval in it.
        overrides: The tariff's overrides that make this period (critical peak on some
            months or on declared event days) and apply to its days, in words.
    """

    season: str
    period: str
    intervals: int
    read_kwh: Decimal
    kwh: Decimal
    windows: tuple[str, ...]
    day_types: tuple[str, ...]
    first_day: dt.date | None
    last_day: dt.date | None
    overrides: tuple[str, ...] = ()
    netted_kwh: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class DemandFacts:
    """Where a bill's maximum demand occurred.

    Attributes:
        demand_kw: The maximum demand the engine measured [kW] (or [kvar]).
        window_minutes: The demand window it was measured over [min].
        sliding: Whether windows slide, else they are clock-aligned.
        periods: The periods it was measured in (empty: all).
        hours: The local clock spans it was measured in (empty: all day).
        reactive: Reactive demand [kvar] from kvarh.
        start: Local start of the window it occurred in (None: no interval in it).
        intervals: The intervals of that window.
        window_kwh: Their kWh (kvarh for reactive demand) [kWh].
        metered: The demand is the meter's ``kw`` column, not computed from kWh.
    """

    demand_kw: Decimal
    window_minutes: int
    sliding: bool
    periods: tuple[str, ...]
    hours: tuple[str, ...]
    reactive: bool
    start: dt.datetime | None
    intervals: int
    window_kwh: Decimal
    metered: bool = False


@dataclass(frozen=True, slots=True)
class LineExplanation:
    """How one line of a bill was priced.

    Attributes:
        line: The line.
        exact_amount: Its amount before rounding, exact (None: not noted).
        rounding: The tariff's rounding: (mode, decimal places).
        facts: What the charge used, as data (kind-specific keys, see docs/explain.md).
        because: The same facts in plain words, one sentence each (each a `Reason`).
    """

    line: Line
    exact_amount: Decimal | Fraction | None
    rounding: tuple[str, int]
    facts: Mapping[str, Any]
    because: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BillExplanation:
    """A bill and the explanation of each of its lines, in the bill's order.

    Attributes:
        bill: The bill, exactly as `tariffs.price` gives it.
        lines: One explanation per line of the bill.
        segments: The bill's segments (one per tariff version in force): dates, days,
            month share, and the facts of each of their periods.
    """

    bill: Bill
    lines: tuple[LineExplanation, ...]
    segments: tuple[Mapping[str, Any], ...] = ()

    @property
    def warnings(self) -> tuple[str, ...]:
        """The bill's warnings."""
        return self.bill.warnings


@dataclass(slots=True)
class _Made:
    line: Line
    exact: Decimal | Fraction
    segment: int
    facts: dict[str, Any] = field(default_factory=dict)


class Recorder:
    """Collects, while bills are priced, what each line was priced from.

    The engine creates one per run of `explain` and hands it to every `Context`; charges
    call `Context.note` (which calls `note`) and `Context.line` (which calls `made`).
    """

    def __init__(self, tariff: Tariff, readings: Readings) -> None:
        self.tariff = tariff
        self.readings = readings
        self.zone = ZoneInfo(tariff.timezone)
        self.bills: list[BillExplanation] = []
        self._made: dict[int, _Made] = {}
        self._segments: list[dict[str, Any]] = []
        self._periods: list[dict[tuple[int, int], PeriodFacts]] = []
        self.demands: dict[MaxDemand, DemandFacts] = {}

    # -- what the engine notes ----------------------------------------------------------

    def begin_bill(self) -> None:
        """Start a bill: forget the last one's lines and segments."""
        self._made = {}
        self._segments = []
        self._periods = []
        self.demands = {}

    def segment(
        self,
        schedule: Schedule,
        plan: Plan,
        usage: Usage,
        facts: dict[str, Any],
        netted: Mapping[tuple[int, int], int] | None = None,
    ) -> None:
        """Note a segment: its dates and shares, and what fell in each of its periods.

        ``netted``: under net metering, the kWh of each (season, period) that exports and
        carried credit netted (integer units of the usage's scale).
        """
        periods = _period_facts(self.readings, schedule, plan, usage, self.zone, netted)
        self._periods.append(periods)
        self._segments.append({**facts, "periods": list(periods.values())})

    def demand(
        self, measure: MaxDemand, measured: MaxDemand, plans: Sequence[Plan], demand_kw: Decimal
    ) -> None:
        """Note where a maximum demand occurred (``measured``: the measure as taken)."""
        readings = self.readings
        where = locate_demand(measured, readings, plans, self.tariff.timezone, demand_kw)
        column = readings.kvarh if measured.reactive else readings.kwh
        schedule = measured.schedule
        names: list[str] = []
        if measured.periods is not None:
            if schedule is None:
                names = _names_of_version(self.tariff, plans, readings, self.zone)
            else:
                names = schedule.period_names
        start, count, kwh = None, 0, Decimal(0)
        if where is not None and column is not None:
            first, last = where
            start = dt.datetime.fromtimestamp(readings.starts[first], self.zone)
            count = last - first
            kwh = Decimal(sum(column[first:last])).scaleb(-readings.scale)
        self.demands[measure] = DemandFacts(
            demand_kw=demand_kw,
            window_minutes=measured.window_minutes,
            sliding=measured.sliding,
            periods=tuple(sorted(names[i] for i in measured.periods or ()) if names else ()),
            hours=tuple(f"{_clock(a)}-{_clock(b)}" for a, b in measured.hours or ()),
            reactive=measured.reactive,
            start=start,
            intervals=count,
            window_kwh=kwh,
            metered=readings.kw is not None and not measured.reactive,
        )

    # -- what the charges note ----------------------------------------------------------

    def made(self, line: Line, exact: Decimal | Fraction) -> None:
        """Note a line built by `Context.line`, with its exact amount."""
        self._made[id(line)] = _Made(line, exact, len(self._segments) - 1)

    def note(self, line: Line, facts: Mapping[str, Any]) -> None:
        """Add what a charge used to a line it built."""
        made = self._made.get(id(line))
        if made is not None:
            made.facts.update(facts)

    def period_keys(self) -> Mapping[tuple[int, int], PeriodFacts]:
        """The current segment's periods, by ``(season, period)`` index."""
        return self._periods[-1]

    # -- the explanation ----------------------------------------------------------------

    def finish(self, bill: Bill) -> None:
        """Pair each line of a priced bill with what was noted for it."""
        # Lines are rounded to line_places: the tariff's places, or with per: bill the
        # places the lines are carried to (the total alone is rounded to places).
        rounding = (self.tariff.rounding.mode, self.tariff.line_places)
        explained = []
        for line in bill.lines:
            made = self._made.get(id(line))
            if made is None and line.code == "rounding" and self.tariff.rounding.per == "bill":
                explained.append(self._rounding_line(line, bill))
                continue
            if made is None and line.code == "vat" and bill.invoice is not None:
                explained.append(self._vat_line(line, rounding, bill.currency))
                continue
            if made is None:
                explained.append(LineExplanation(line, None, rounding, {}, ()))
                continue
            facts = dict(made.facts)
            keys = facts.pop("keys", None)
            periods = self._periods[made.segment] if made.segment >= 0 else {}
            if keys is not None:
                facts["periods"] = [periods[key] for key in keys if key in periods]
            if facts.pop("every_period", False):
                facts["intervals"] = sum(p.intervals for p in periods.values())
                facts["read_kwh"] = sum((p.read_kwh for p in periods.values()), Decimal(0))
                facts["kwh"] = sum((p.kwh for p in periods.values()), Decimal(0))
                facts["netted_kwh"] = sum((p.netted_kwh for p in periods.values()), Decimal(0))
            words = tuple(facts.pop("words", ()))
            measure = facts.pop("measure", None)
            if isinstance(measure, MaxDemand) and measure in self.demands:
                facts["demand"] = self.demands[measure]
            explained.append(
                LineExplanation(
                    line,
                    made.exact,
                    rounding,
                    facts,
                    tuple(_because(line, made.exact, rounding, facts, words, bill.currency)),
                )
            )
        self.bills.append(BillExplanation(bill, tuple(explained), tuple(self._segments)))

    def _vat_line(self, line: Line, rounding: tuple[str, int], currency: str) -> LineExplanation:
        """The line of value-added tax on exclusive prices: rate × the other lines."""
        assert line.quantity is not None and line.rate is not None  # noqa: S101 - made so
        exact = line.quantity * line.rate
        mode, places = rounding
        base, rate, amount = _text(line.quantity), _text(line.rate), _text(line.amount)
        because = (
            Reason(
                f"value-added tax on prices that exclude it: the other lines add up to "
                f"{base} {currency}",
                "vat_base", base=base, currency=currency,
            ),
            Reason(
                f"{base} × {rate} = {_text(exact)} {currency}, rounded "
                f"{mode.replace('_', '-')} to {_places(places)}: {amount}",
                "vat_amount", base=base, rate=rate, exact=_text(exact), currency=currency,
                mode=mode, places=places, amount=amount,
            ),
        )  # fmt: skip
        return LineExplanation(line, exact, rounding, {"base": line.quantity}, because)

    def _rounding_line(self, line: Line, bill: Bill) -> LineExplanation:
        """The line of ``rounding: {per: bill}``: the lines' sum, rounded once."""
        mode, places = self.tariff.rounding.mode, self.tariff.places
        lines_sum = sum((other.amount for other in bill.lines if other is not line), Decimal(0))
        facts: dict[str, object] = {"lines_sum": lines_sum, "total": bill.total}
        because = (
            Reason(
                f"the other lines add up to {_text(lines_sum)} {bill.currency}; the total is "
                f"rounded {mode.replace('_', '-')} once, to {_places(places)}: "
                f"{_text(bill.total)}, and this line holds the difference, {_text(line.amount)}",
                "rounding_line", lines_sum=_text(lines_sum), currency=bill.currency, mode=mode,
                places=places, total=_text(bill.total), amount=_text(line.amount),
            ),
        )  # fmt: skip
        return LineExplanation(line, line.amount, (mode, places), facts, because)


def explain(
    tariff: Tariff,
    readings: Readings,
    account: Account | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    event_days: Iterable[dt.date] = (),
    demand_window: Literal["tariff", "readings"] = "tariff",
    coincident_peaks: Iterable[CoincidentPeak] = (),
    metering: str | None = None,
) -> list[BillExplanation]:
    """Price readings as `tariffs.price` does, and explain each line of each bill.

    Args:
        tariff: A validated tariff table.
        readings: Uniform intervals of imported energy [kWh].
        account: Contract data the tariff needs.
        start: First local date to bill.
        end: Local date after the last day to bill, exclusive.
        event_days: Declared event days (critical peak) of this run.
        demand_window: As for `tariffs.price`.
        coincident_peaks: As for `tariffs.price`.
        metering: As for `tariffs.price`.

    Returns:
        One explanation per bill; its ``bill`` equals the bill `tariffs.price` gives.

    Raises:
        ReadingsError: As `tariffs.price`.
        AccountError: As `tariffs.price`.
    """
    recorder = Recorder(tariff, readings)
    price_recorded(
        tariff,
        readings,
        account,
        recorder,
        start=start,
        end=end,
        event_days=event_days,
        demand_window=demand_window,
        coincident_peaks=coincident_peaks,
        metering=metering,
    )
    return recorder.bills


# -- facts of the intervals ------------------------------------------------------------


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _names_of_version(
    tariff: Tariff, plans: Sequence[Plan], readings: Readings, zone: ZoneInfo
) -> list[str]:
    """The period names of the version in force at the bill's first interval."""
    first = next((plan.first for plan in plans if plan.first < plan.last), None)
    if first is None:
        return []
    day = dt.datetime.fromtimestamp(readings.starts[first], zone).date()
    found = tariff.version_at(day)
    return [] if found is None else found[1].period_names


def _period_facts(
    readings: Readings,
    schedule: Schedule,
    plan: Plan,
    usage: Usage,
    zone: ZoneInfo,
    netted: Mapping[tuple[int, int], int] | None = None,
) -> dict[tuple[int, int], PeriodFacts]:
    """What fell in each (season, period) of a planned segment, in time order of first use."""
    starts, kwh = readings.starts, readings.kwh
    step_minutes = readings.interval_seconds // 60
    gathered: dict[tuple[int, int], list[Any]] = {}
    days_seen: dict[dt.date, str] = {}
    for season, period, a, b, minute in plan.slices():
        entry = gathered.setdefault((season, period), [0, 0, set(), set(), None, None])
        entry[0] += b - a
        entry[1] += sum(kwh[a:b])
        entry[2].add((minute, minute + (b - a) * step_minutes))
        day = dt.datetime.fromtimestamp(starts[a], zone).date()
        name = days_seen.get(day)
        if name is None:
            names = schedule.day_type_names if schedule.version.day_types else []
            name = names[schedule.day_type_of(day)] if names else ""
            days_seen[day] = name
        if name:
            entry[3].add(name)
        entry[4] = day if entry[4] is None else min(entry[4], day)
        entry[5] = day if entry[5] is None else max(entry[5], day)
    found = {}
    for key in sorted(gathered):
        count, read, spans, day_types, first_day, last_day = gathered[key]
        season, period = key
        found[key] = PeriodFacts(
            season=schedule.season_names[season] if schedule.version.seasons else "",
            period=schedule.period_names[period] if schedule.version.periods else "",
            intervals=count,
            read_kwh=Decimal(read).scaleb(-readings.scale),
            kwh=Decimal(usage.energy.get(key, 0)).scaleb(-usage.scale),
            windows=_merged(spans),
            day_types=tuple(sorted(day_types)),
            first_day=first_day,
            last_day=last_day,
            overrides=_overrides(schedule, season, period, first_day, last_day),
            netted_kwh=Decimal((netted or {}).get(key, 0)).scaleb(-usage.scale),
        )
    return found


def _overrides(
    schedule: Schedule, season: int, period: int, first: dt.date | None, last: dt.date | None
) -> tuple[str, ...]:
    """The overrides of a version that make ``period`` in ``season`` on the days seen."""
    if first is None or last is None or not schedule.version.period_names:
        return ()
    name = schedule.period_names[period]
    season_name = schedule.season_names[season] if schedule.version.seasons else None
    months = {(first.year, first.month), (last.year, last.month)}
    day = first
    while day < last:
        months.add((day.year, day.month))
        day += dt.timedelta(days=28)
    found = []
    for override in schedule.version.overrides:
        if override.period != name:
            continue
        if override.seasons is not None and season_name not in override.seasons:
            continue
        if override.months is not None and not any(m in override.months for _, m in months):
            continue
        text = f"override {', '.join(override.windows)}"
        if override.months is not None:
            text += f" in months {', '.join(str(m) for m in override.months)}"
        if override.days == "events":
            text += " on declared event days"
        if override.day_types is not None:
            text += f" on day types {', '.join(override.day_types)}"
        if override.replaces is not None:
            text += f", replacing {', '.join(override.replaces)}"
        found.append(
            Reason(
                text, "override", windows=tuple(override.windows),
                months=tuple(str(m) for m in override.months or ()),
                events=override.days == "events", day_types=tuple(override.day_types or ()),
                replaces=tuple(override.replaces or ()),
            )
        )  # fmt: skip
    return tuple(found)


def _merged(spans: set[tuple[int, int]]) -> tuple[str, ...]:
    """Clock spans of a day merged where they touch, as ``HH:MM-HH:MM``.

    >>> _merged({(0, 60), (60, 120), (480, 540)})
    ('00:00-02:00', '08:00-09:00')
    """
    merged: list[list[int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return tuple(f"{_clock(a)}-{_clock(min(b, 1440))}" for a, b in merged)


# -- plain words ------------------------------------------------------------------------


def _places(count: int) -> str:
    """``1 place``, ``2 places``: decimal places in words."""
    return f"{count} place" if count == 1 else f"{count} places"


def _text(value: object) -> str:
    """A number as the bill prints it (exact, no exponent); other values as they are."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{value}"
    return str(value)


def _exact_text(value: Decimal | Fraction) -> str:
    """An exact amount: a Decimal as it is, a fraction as a decimal where it has one.

    >>> _exact_text(Fraction(13, 31)), _exact_text(Fraction(5, 4))
    ('13/31 ≈ 0.41935484', '1.25')
    """
    if isinstance(value, Decimal):
        return f"{value:f}"
    shown = decimal_or_rounded(value, 8)
    if Fraction(shown) == value:
        return f"{shown:f}"
    return f"{value.numerator}/{value.denominator} ≈ {shown:f}"


def _share_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value}"


def _because(
    line: Line,
    exact: Decimal | Fraction,
    rounding: tuple[str, int],
    facts: Mapping[str, Any],
    sentences: Sequence[str],
    currency: str,
) -> list[str]:
    words: list[str] = []
    for period in facts.get("periods", ()):
        words.append(_period_words(period))
    if "intervals" in facts and "read_kwh" in facts:
        read = _text(facts["read_kwh"])
        text = f"all {facts['intervals']} intervals: {read} kWh read"
        priced = _priced_facts(facts["read_kwh"], facts.get("netted_kwh", 0), facts["kwh"])
        text += _priced_words(**priced)
        words.append(
            Reason(text, "all_intervals", intervals=str(facts["intervals"]), read_kwh=read,
                   **priced)
        )  # fmt: skip
    tier = facts.get("tier")
    if tier is not None:
        words.extend(_tier_words(tier))
    demand = facts.get("demand")
    if isinstance(demand, DemandFacts):
        words.append(_demand_words(demand))
    words.extend(sentences)
    base = facts.get("base_lines")
    if base is not None:
        total = sum((amount for _, amount in base), Decimal(0))
        named = " + ".join(f"{code} {_text(amount)}" for code, amount in base) or "no lines"
        words.append(
            Reason(f"base: {named} = {_text(total)} {currency}", "base",
                   lines=tuple((code, _text(amount)) for code, amount in base),
                   total=_text(total), currency=currency)
        )  # fmt: skip
    share = facts.get("month_share")
    if share is not None and share != 1:
        words.append(_share_words(facts))
    words.append(_amount_words(line, exact, rounding, facts, currency))
    return words


def _period_words(period: PeriodFacts) -> Reason:
    where = []
    if period.period:
        where.append(f"period {period.period}")
    if period.season:
        where.append(f"season {period.season}")
    name = ", ".join(where) or "every hour"
    days = (
        f"on {period.first_day}"
        if period.first_day == period.last_day
        else f"{period.first_day} to {period.last_day}"
    )
    text = f"{name}: {period.intervals} intervals, {_text(period.read_kwh)} kWh read ({days}"
    if period.windows and period.windows != ("00:00-24:00",):
        text += f"; {', '.join(period.windows)}"
    if period.day_types:
        text += f"; day types {', '.join(period.day_types)}"
    for override in period.overrides:
        text += f"; {override}"
    text += ")"
    priced = _priced_facts(period.read_kwh, period.netted_kwh, period.kwh)
    return Reason(
        text + _priced_words(**priced), "period", period=period.period, season=period.season,
        intervals=str(period.intervals), read_kwh=_text(period.read_kwh),
        first_day=str(period.first_day), last_day=str(period.last_day),
        windows=() if period.windows == ("00:00-24:00",) else tuple(period.windows),
        day_types=tuple(period.day_types), overrides=tuple(period.overrides), **priced,
    )  # fmt: skip


def _priced_facts(read_kwh: Decimal, netted_kwh: Decimal, kwh: Decimal) -> dict[str, str]:
    """The kWh netted, the losses and the kWh priced, as texts ("" for none).

    ``kwh`` is "" where the kWh priced are the kWh read (nothing netted, no losses).
    """
    if kwh == read_kwh:
        return {"netted": "", "losses": "", "kwh": ""}
    losses = kwh - read_kwh + netted_kwh
    return {
        "netted": _text(netted_kwh) if netted_kwh else "",
        "losses": _text(losses) if losses else "",
        "kwh": _text(kwh),
    }


def _priced_words(netted: str, losses: str, kwh: str) -> str:
    """`_priced_facts` in words: netted by net metering, losses added."""
    if not kwh:
        return ""
    text = f" - {netted} kWh netted by exports and credit" if netted else ""
    if losses:
        text += f" + {losses} kWh losses"
    return text + f" = {kwh} kWh"


def _tier_words(tier: Mapping[str, Any]) -> list[Reason]:
    words = []
    number, bounds = tier["tier"], tier["bounds_kwh"]
    low = Decimal(0) if number == 1 else bounds[number - 2]
    high = None if number > len(bounds) else bounds[number - 1]
    per = tier["per"]
    span = f"above {_text(low)}" if high is None else f"{_text(low)} to {_text(high)}"
    words.append(
        Reason(f"tier {number} is {span} kWh per {per}", "tier_span", tier=str(number),
               low=_text(low), high="" if high is None else _text(high), per=per)
    )  # fmt: skip
    declared = tier["declared_bounds_kwh"]
    if declared != bounds:
        how = [f"declared bounds {', '.join(_text(b) for b in declared)} kWh"]
        params: dict[str, Any] = {"declared": tuple(_text(b) for b in declared)}
        params.update(allowance="", days="", demand_kw="", proration="")
        if tier.get("allowance_kwh"):
            params["allowance"] = _text(tier["allowance_kwh"])
            how.append(f"+ {params['allowance']} kWh allowance")
        if tier.get("bound_unit") == "kwh_per_day":
            params["days"] = str(tier["bill_days"])
            how.append(f"× {params['days']} days")
        elif tier.get("bound_unit") == "kwh_per_kw":
            params["demand_kw"] = _text(tier["demand_kw"])
            how.append(f"× {params['demand_kw']} kW maximum demand")
        if tier.get("proration", 1) != 1:
            params["proration"] = _text(tier["proration"])
            how.append(f"× {params['proration']} (partial period)")
        words.append(Reason(" ".join(how), "tier_bounds", **params))
    before, total = tier["counted_before_kwh"], tier["total_kwh"]
    ladder = f"{_text(before)} kWh counted before this bill, " if before else ""
    scope = tier.get("scope", "segment")
    words.append(
        Reason(
            f"{ladder}{_text(total)} kWh this {scope}: "
            f"{_text(tier['tier_kwh'])} kWh fall in tier {number}",
            "tier_counted", before=_text(before) if before else "", total=_text(total),
            scope=scope, tier_kwh=_text(tier["tier_kwh"]), tier=str(number),
        )
    )  # fmt: skip
    if tier.get("bucket_kwh") is not None and tier["bucket_kwh"] != total:
        words.append(
            Reason(
                f"its share: {_text(tier['tier_kwh'])} × {_text(tier['bucket_kwh'])} / "
                f"{_text(total)} kWh of this bucket",
                "tier_share", tier_kwh=_text(tier["tier_kwh"]),
                bucket_kwh=_text(tier["bucket_kwh"]), total=_text(total),
            )
        )  # fmt: skip
    return words


def _demand_words(demand: DemandFacts) -> Reason:
    unit, energy = ("kvar", "kvarh") if demand.reactive else ("kW", "kWh")
    kind = "sliding" if demand.sliding else "clock-aligned"
    scope = []
    if demand.periods:
        scope.append(f"in period {', '.join(demand.periods)}")
    if demand.hours:
        scope.append(f"in hours {', '.join(demand.hours)}")
    where = f" {' '.join(scope)}" if scope else ""
    facts: dict[str, Any] = {
        "demand": _text(demand.demand_kw), "unit": unit, "periods": tuple(demand.periods),
        "hours": tuple(demand.hours),
    }  # fmt: skip
    if demand.start is None:
        return Reason(
            f"maximum demand {_text(demand.demand_kw)} {unit}{where}: no interval",
            "demand_none",
            **facts,
        )
    start = f"{demand.start:%Y-%m-%dT%H:%M}"
    if demand.metered:
        return Reason(
            f"maximum demand {_text(demand.demand_kw)} {unit}{where}, as the meter reported "
            f"it (kw column), in the interval from {start}",
            "demand_metered",
            start=start,
            column="kw",
            **facts,
        )
    return Reason(
        f"maximum demand {_text(demand.demand_kw)} {unit}{where} over {demand.window_minutes}-"
        f"minute {kind} windows, in the window from {start} "
        f"({demand.intervals} interval{'' if demand.intervals == 1 else 's'}, "
        f"{_text(demand.window_kwh)} {energy} × 60 / {demand.window_minutes})",
        "demand_window", minutes=str(demand.window_minutes), sliding=demand.sliding,
        start=start, intervals=str(demand.intervals), window_kwh=_text(demand.window_kwh),
        energy=energy, **facts,
    )  # fmt: skip


def _share_words(facts: Mapping[str, Any]) -> Reason:
    share = facts["month_share"]
    text = f"× {_share_text(share)} of a month"
    params = {"share": _share_text(share), "days": "", "month_days": ""}
    days = facts.get("days")
    if days and share:
        # The days the share stands for: ``days`` of a month of ``days / share`` days (the
        # period's days, or 30 where the tariff prorates by days over 30).
        month = Fraction(days) / share
        if month.denominator == 1:
            text += f" ({days} of {month.numerator} days)"
            params.update(days=str(days), month_days=str(month.numerator))
    return Reason(text, "share", **params)


def _amount_words(
    line: Line,
    exact: Decimal | Fraction,
    rounding: tuple[str, int],
    facts: Mapping[str, Any],
    currency: str,
) -> Reason:
    mode, places = rounding
    count = facts.get("count")
    params: dict[str, Any] = {"exact": _exact_text(exact), "currency": currency}
    params.update(mode=mode, places=places, amount="")
    rounded = ""
    if exact != line.amount:
        rounded = f", rounded {mode.replace('_', '-')} to {_places(places)}: {_text(line.amount)}"
        params["amount"] = _text(line.amount)
    if isinstance(count, Fraction) and line.rate is not None:
        product = f"{_text(line.rate)} × {_share_text(count)} {line.unit}"
        return Reason(
            f"{product} = {_exact_text(exact)} {currency}{rounded}", "amount_count",
            rate=_text(line.rate), count=_share_text(count), unit=line.unit, **params,
        )  # fmt: skip
    if line.quantity is not None and line.rate is not None:
        product = f"{_text(line.quantity)} {line.unit} × {_text(line.rate)}"
        share = facts.get("month_share")
        shown = ""
        if share is not None and share != 1:
            shown = _share_text(share)
            product += f" × {shown}"
        if facts.get("credit"):
            product = f"-({product})"
        return Reason(
            f"{product} = {_exact_text(exact)} {currency}{rounded}", "amount_product",
            quantity=_text(line.quantity), unit=line.unit, rate=_text(line.rate), share=shown,
            credit=bool(facts.get("credit")), **params,
        )  # fmt: skip
    text = f"exact amount {_exact_text(exact)} {currency}{rounded}"
    return Reason(text, "amount_exact", **params)
