"""Sub-meter subtraction (套扣) and the split of a mixed-use meter (定比 / 定量).

The order of operations, the same for every interval:

1. Each meter's register readings are multiplied by its own multiplier (倍率): the main
   meter's by the account's ``meter_multiplier``, each sub-meter's by its own.
2. The sub-meters' kWh (and kvarh, where a sub-meter reads them) are subtracted from the
   main meter's, interval by interval, so that each part keeps its own time-of-use
   periods. A sub-meter that reads more than the main meter in an interval is refused
   (a wiring or data error), with the interval named.
3. A split takes its part of what remains: 定比 a ratio of each interval's kWh (exact);
   定量 the kWh a month, prorated by the main tariff's ``proration`` over a partial
   billing period, rounded half-up once to the readings' resolution and shared among
   the period's intervals in proportion to their kWh (largest remainders), so that the
   part sums to the fixed quantity exactly and follows the meter's time-of-use mix.
4. Losses (变损, 线损) are added last, to each part: the account's ``losses.percent`` to
   every part (which shares percentage losses in proportion to the kWh, as 按电量比例分摊
   does), its ``losses.kwh_per_month`` to the main bill only.

Each part is priced under its own tariff with the ordinary engine
(`tariffs.engine.pricing.price`): the result is, per billing period, the main bill (the
main meter less what was subtracted, with ``metered`` and ``subtracted``) followed by one
bill per sub-meter and one for the split (each with ``metered`` where a meter reads it
and ``part_of``), as a Chinese 电费单 shows the 套扣 lines of the main account beside the
sub-account's bill. The kWh of the parts add up to the main meter's kWh exactly.

A main tariff that measures demand or power factor from the readings is refused with
sub-meters or a split where the subtraction would change what it measures: demand
charges, a basic charge by demand, and power-factor or reactive charges (these last are
priced when every sub-meter reads kvarh and there is no split).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from tariffs.engine.pricing import billing_periods, local_midnight, price, price_class_of
from tariffs.errors import AccountError, ReadingsError, UnsupportedFeatureError
from tariffs.model.account import Account, Losses
from tariffs.model.bill import Bill, MeterReading, Subtraction
from tariffs.model.readings import Readings, to_decimal
from tariffs.model.tariff import Tariff

__all__ = ["has_parts", "price_submetered"]


def has_parts(account: Account | None) -> bool:
    """Whether the account declares sub-meters or a split (priced by `price_submetered`)."""
    return account is not None and (bool(account.sub_meters) or account.split is not None)


def price_submetered(
    tariff: Tariff,
    readings: Readings,
    account: Account,
    sub_readings: Mapping[str, Readings],
    tariffs: Mapping[str, Tariff],
    **options: Any,
) -> list[Bill]:
    """Price a main meter with its sub-meters (套扣) and its split (定比 / 定量).

    Args:
        tariff: The main meter's tariff (the account's).
        readings: The main meter's register readings [kWh] (kvarh where it reads them).
        account: The account, with ``sub_meters`` and/or ``split``.
        sub_readings: Each sub-meter's register readings, by its id, on the same
            intervals as the main meter's.
        tariffs: The tariff of each sub-meter and of the split, by the name the account
            gives (its ``tariff``).
        **options: What `tariffs.engine.pricing.price` takes besides (``start``, ``end``,
            ``event_days``, ...), for every part.

    Returns:
        Per billing period, in time order: the main bill, then each sub-meter's bill in
        the account's order, then the split's.

    Raises:
        ReadingsError: A sub-meter's intervals differ from the main meter's, or it reads
            more than the main meter in an interval; a 定量 part larger than what
            remains in a period.
        AccountError: A sub-meter without readings, or a tariff not given.
        UnsupportedFeatureError: The main tariff measures demand or power factor that the
            subtraction would change.
    """
    zone = ZoneInfo(tariff.timezone)
    table, tariff = tariff, price_class_of(tariff)  # the main meter's: the first class
    _check_main_tariff(tariff, account)
    main = _multiplied(readings, account.meter_multiplier)
    parts: list[tuple[Subtraction, Readings, Tariff, MeterReading | None, Readings]] = []
    remainder = main
    for i, sub in enumerate(account.sub_meters):
        raw = sub_readings.get(sub.id)
        if raw is None:
            raise AccountError(
                f"sub-meter {sub.id!r} has no readings", file=account.source,
                path=f"sub_meters[{i}].readings",
            )  # fmt: skip
        sub_tariff = _tariff(
            tariffs, sub.tariff, sub.price_class, account, f"sub_meters[{i}]", table
        )
        if raw.interval_seconds != main.interval_seconds or raw.starts != main.starts:
            raise ReadingsError(
                f"sub-meter {sub.id}: its intervals differ from the main meter's "
                f"({readings.source}); a sub-meter is read on the same intervals",
                file=raw.source,
            )
        if raw.kvarh is None and _measures_power_factor(tariff):
            raise UnsupportedFeatureError(
                "power factor under a sub-meter without kvarh", tariff.source,
                f"tariff {tariff.id} measures the power factor of the main meter less "
                f"sub-meter {sub.id}, whose readings ({raw.source}) have no kvarh",
            )  # fmt: skip
        measured = _multiplied(raw, sub.meter_multiplier)
        remainder = _subtract(remainder, measured, sub.id, zone)
        mark = Subtraction(
            "sub_meter", sub.id, sub_tariff.id, Decimal(0), price_class=sub.price_class
        )
        parts.append((mark, measured, sub_tariff, _reading(sub.id, sub.meter_multiplier),
                      raw))  # fmt: skip
    split = account.split
    if split is not None:
        split_tariff = _tariff(tariffs, split.tariff, split.price_class, account, "split", table)
        name = account.meter or "main"
        if split.ratio is not None:
            share, remainder = _ratio_share(remainder, split.ratio)
            mark = Subtraction(
                "ratio", name, split_tariff.id, Decimal(0), split.ratio, split.price_class
            )
        else:
            assert split.kwh_per_month is not None  # noqa: S101 - the model checks one
            share, remainder = _fixed_share(
                remainder, split.kwh_per_month, tariff, account, zone, options
            )
            mark = Subtraction(
                "fixed", name, split_tariff.id, Decimal(0), price_class=split.price_class
            )
        parts.append((mark, share, split_tariff, None, share))
    main_account = account.model_copy(
        update={"sub_meters": [], "split": None, "meter_multiplier": Decimal(1)}
    )
    percent = account.losses.percent if account.losses is not None else Decimal(0)
    part_losses = Losses(percent=percent) if percent else None
    part_bills: list[dict[dt.date, Bill]] = []
    ordered: list[tuple[dt.date, int, Bill]] = []
    for k, (mark, measured, part_tariff, reading, raw) in enumerate(parts, start=1):
        part_account = account.model_copy(
            update={
                "sub_meters": [],
                "split": None,
                "meter_multiplier": Decimal(1),
                "losses": part_losses,
                "meter": mark.meter if mark.kind == "sub_meter" else account.meter,
            }
        )
        by_period: dict[dt.date, Bill] = {}
        for bill in price(part_tariff, measured, part_account, **options):
            low, high = _window(bill, account, options, zone)
            metered_part = (
                None if reading is None else _in_period(reading, raw, measured, bill, low, high)
            )
            part = replace(
                bill, metered=metered_part, part_of=replace(mark, energy_kwh=bill.energy_kwh)
            )
            by_period[bill.period_start] = part
            ordered.append((bill.period_start, k, part))
        part_bills.append(by_period)
    main_reading = _reading(account.meter or "main", account.meter_multiplier)
    for bill in price(tariff, remainder, main_account, **options):
        low, high = _window(bill, account, options, zone)
        subtracted = tuple(
            replace(mark, energy_kwh=_energy_of(by_period, bill.period_start))
            for (mark, *_), by_period in zip(parts, part_bills, strict=True)
        )
        metered = _in_period(main_reading, readings, main, bill, low, high)
        if bill.energy_kwh + sum((s.energy_kwh for s in subtracted), Decimal(0)) != (
            metered.energy_kwh
        ):
            raise AssertionError(f"kWh of the parts of {bill.period_start} do not add up")
        ordered.append(
            (bill.period_start, 0, replace(bill, metered=metered, subtracted=subtracted))
        )
    ordered.sort(key=lambda item: (item[0], item[1]))
    return [bill for _, _, bill in ordered]


def _energy_of(by_period: Mapping[dt.date, Bill], period_start: dt.date) -> Decimal:
    bill = by_period.get(period_start)
    return Decimal(0) if bill is None else bill.energy_kwh


def _window(
    bill: Bill, account: Account, options: Mapping[str, Any], zone: ZoneInfo
) -> tuple[int, int]:
    """The UTC span a bill prices: its period, within the dates asked for and of service."""
    begin = max(d for d in (bill.period_start, options.get("start"), account.service_start) if d)
    ends = [bill.period_end, options.get("end")]
    if account.service_end is not None:
        ends.append(account.service_end + dt.timedelta(days=1))
    stop = min(d for d in ends if d)
    return local_midnight(begin, zone), local_midnight(stop, zone)


def _tariff(
    tariffs: Mapping[str, Tariff],
    name: str,
    price_class: str | None,
    account: Account,
    path: str,
    main: Tariff,
) -> Tariff:
    """A part's tariff by the name the account gives, as its price class prices.

    The main meter's tariff is found by its id when ``tariffs`` does not give it.
    """
    found = tariffs.get(name)
    if found is None and name == main.id:
        found = main
    if found is None:
        raise AccountError(
            f"tariff {name!r} was not given", file=account.source, path=f"{path}.tariff"
        )
    if price_class is not None or found.price_classes is not None:
        classes = found.price_classes
        if price_class is not None and (classes is None or price_class not in classes):
            known = (
                f"its price_classes are {', '.join(classes)}"
                if classes
                else "it declares no price_classes"
            )
            raise AccountError(
                f"tariff {found.id} has no price class {price_class!r} ({known})",
                file=account.source,
                path=f"{path}.price_class",
            )
        found = price_class_of(found, price_class)
    path = f"{path}.tariff"
    if found.timezone != main.timezone:
        raise AccountError(
            f"tariff {found.id} is in time zone {found.timezone} and the main meter's "
            f"tariff {main.id} in {main.timezone}; the parts of one meter are billed on "
            "one clock",
            file=account.source,
            path=path,
        )
    return found


def _check_main_tariff(tariff: Tariff, account: Account) -> None:
    """Refuse a main tariff whose measured demand or power factor the subtraction changes."""
    where = tariff.source
    for version in tariff.versions.values():
        for charge in version.charges:
            kind = charge.kind
            if kind == "demand":
                raise UnsupportedFeatureError(
                    "demand charge under sub-meters", where,
                    f"tariff {tariff.id} with sub_meters or split: the main meter's demand less "
                    "its sub-meters' is not what is billed",
                )  # fmt: skip
            if kind == "basic":
                method = account.basic_charge_method or getattr(charge, "default_method", None)
                if method != "capacity":
                    raise UnsupportedFeatureError(
                        "basic charge by demand under sub-meters", where,
                        f"tariff {tariff.id} with sub_meters or split: only a basic charge by "
                        "capacity is priced",
                    )  # fmt: skip
            if kind in ("power_factor", "reactive") and account.split is not None:
                raise UnsupportedFeatureError(
                    "power factor under a split", where,
                    f"tariff {tariff.id} with a split: the kvarh of a 定比/定量 part are not "
                    "measured",
                )  # fmt: skip


def _measures_power_factor(tariff: Tariff) -> bool:
    return any(
        charge.kind in ("power_factor", "reactive")
        for version in tariff.versions.values()
        for charge in version.charges
    )


def _multiplied(readings: Readings, multiplier: Decimal) -> Readings:
    return readings if multiplier == 1 else readings.multiplied(multiplier)


def _rescaled(values: list[int], scale: int, to: int) -> list[int]:
    if scale == to:
        return values
    factor = 10 ** (to - scale)
    return [value * factor for value in values]


def _local(instant: int, zone: ZoneInfo) -> str:
    return dt.datetime.fromtimestamp(instant, zone).strftime("%Y-%m-%dT%H:%M")


def _subtract(main: Readings, sub: Readings, sub_id: str, zone: ZoneInfo) -> Readings:
    """The main meter's intervals less the sub-meter's (kWh, and kvarh where it reads them).

    Raises:
        ReadingsError: The sub-meter reads more than what remains of the main meter's
            reading in an interval (the first such interval named).
    """
    scale = max(main.scale, sub.scale)
    changes: dict[str, Any] = {"scale": scale}
    columns = ["kwh"]
    if sub.kvarh is not None:
        if main.kvarh is None:
            raise ReadingsError(
                f"sub-meter {sub_id} reads kvarh and the main meter does not; nothing to "
                "subtract them from",
                file=sub.source,
            )
        columns.append("kvarh")
    for column in ("kvarh", "export_kwh", "kw"):
        value = getattr(main, column)
        if value is not None:
            changes[column] = _rescaled(value, main.scale, scale)
    for column in columns:
        left = _rescaled(getattr(main, column), main.scale, scale)
        taken = _rescaled(getattr(sub, column), sub.scale, scale)
        result = [a - b for a, b in zip(left, taken, strict=True)]
        for i, value in enumerate(result):
            if value < 0:
                unit = "kWh" if column == "kwh" else "kvarh"
                raise ReadingsError(
                    f"interval {_local(main.starts[i], zone)}: sub-meter {sub_id} reads "
                    f"{to_decimal(taken[i], scale)} {unit}, more than the "
                    f"{to_decimal(left[i], scale)} {unit} the main meter ({main.source}) "
                    "reads less the sub-meters before it; check the wiring or the data",
                    file=sub.source,
                )
        changes[column] = result
    return main.with_values(**changes)


def _ratio_share(remainder: Readings, ratio: Decimal) -> tuple[Readings, Readings]:
    """定比: ``ratio`` of each interval's kWh, and what is left, both exact."""
    exponent = ratio.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    scale = remainder.scale + places
    if scale > 9:
        raise ReadingsError(
            f"a split ratio of {ratio} on readings to {remainder.scale} decimal places "
            "needs more than 9 decimal places",
            file=remainder.source,
        )
    factor, whole = int(ratio.scaleb(places)), 10**places
    share = [value * factor for value in remainder.kwh]
    left = [value * whole - part for value, part in zip(remainder.kwh, share, strict=True)]
    # Back to the readings' places where no value needs more (0.15 × 10.0 = 1.500 → 1.5).
    shown = remainder.scale
    while scale > shown and all(value % 10 == 0 for value in (*share, *left)):
        share = [value // 10 for value in share]
        left = [value // 10 for value in left]
        scale, whole = scale - 1, whole // 10
    return _as_part(remainder, share, scale), remainder.with_values(
        scale=scale, kwh=left, **_scaled_columns(remainder, whole)
    )


def _scaled_columns(readings: Readings, factor: int) -> dict[str, list[int] | None]:
    return {
        column: None if values is None else [value * factor for value in values]
        for column in ("kvarh", "export_kwh", "kw")
        for values in [getattr(readings, column)]
    }


def _as_part(readings: Readings, kwh: list[int], scale: int) -> Readings:
    """A split's part: kWh only, on the main meter's intervals."""
    return Readings(
        source=readings.source,
        interval_seconds=readings.interval_seconds,
        starts=readings.starts,
        scale=scale,
        kwh=kwh,
        gaps=readings.gaps,
        notes=readings.notes,
        axis_checked=readings.axis,
    )


def _fixed_share(
    remainder: Readings,
    kwh_per_month: Decimal,
    tariff: Tariff,
    account: Account,
    zone: ZoneInfo,
    options: Mapping[str, Any],
) -> tuple[Readings, Readings]:
    """定量: the kWh a month of each billing period, shared by the intervals' kWh."""
    scale = remainder.scale
    share = [0] * len(remainder.kwh)
    first = dt.datetime.fromtimestamp(remainder.starts[0], zone).date()
    last = dt.datetime.fromtimestamp(remainder.end - 1, zone).date()
    starts: Iterable[dt.date | None] = (options.get("start"), account.service_start)
    ends: Iterable[dt.date | None] = (
        options.get("end"),
        account.service_end + dt.timedelta(days=1) if account.service_end else None,
    )
    for low_day, high_day in billing_periods(first, last, account.meter_read_day or 1):
        begin = max([low_day, *(d for d in starts if d is not None)])
        stop = min([high_day, *(d for d in ends if d is not None)])
        low, high = local_midnight(begin, zone), local_midnight(stop, zone)
        i, j = bisect_left(remainder.starts, low), bisect_left(remainder.starts, high)
        if i >= j:
            continue
        start_date = dt.datetime.fromtimestamp(remainder.starts[i], zone).date()
        end_date = dt.datetime.fromtimestamp(
            remainder.starts[j - 1] + remainder.interval_seconds - 1, zone
        ).date() + dt.timedelta(days=1)
        days, period_days = (end_date - start_date).days, (high_day - low_day).days
        if days >= period_days:
            fraction = Fraction(1)
        elif tariff.proration == "days_over_30":
            fraction = min(Fraction(days, 30), Fraction(1))
        else:
            fraction = Fraction(days, period_days)
        exact = Fraction(kwh_per_month) * fraction * 10**scale
        # Half-up to a whole unit of the readings' last decimal, in integers (exact ≥ 0).
        units = (2 * exact.numerator + exact.denominator) // (2 * exact.denominator)
        values = remainder.kwh[i:j]
        available = sum(values)
        if units > available:
            raise ReadingsError(
                f"billing period {low_day} to {high_day}: the split's "
                f"{to_decimal(units, scale)} kWh (定量 {kwh_per_month} kWh a month) are more "
                f"than the {to_decimal(available, scale)} kWh the main meter reads less its "
                "sub-meters",
                file=remainder.source,
            )
        for k, value in enumerate(_shared(units, values)):
            share[i + k] = value
    left = [value - part for value, part in zip(remainder.kwh, share, strict=True)]
    return _as_part(remainder, share, scale), remainder.with_values(kwh=left)


def _shared(units: int, weights: list[int]) -> list[int]:
    """``units`` shared in proportion to ``weights`` (largest remainders, earliest first).

    >>> _shared(10, [1, 1, 1])
    [4, 3, 3]
    """
    total = sum(weights)
    if units == 0 or total == 0:
        return [0] * len(weights)
    parts = [divmod(units * weight, total) for weight in weights]
    result = [whole for whole, _ in parts]
    left = units - sum(result)
    order = sorted(range(len(parts)), key=lambda k: (-parts[k][1], k))
    for k in order[:left]:
        result[k] += 1
    return result


def _reading(meter: str, multiplier: Decimal) -> MeterReading:
    """A stand-in reading of a meter (dates and totals are set per bill)."""
    return MeterReading(meter, dt.date.min, dt.date.min, Decimal(0), multiplier, Decimal(0), None)


def _in_period(
    reading: MeterReading, raw: Readings, measured: Readings, bill: Bill, low: int, high: int
) -> MeterReading:
    """What a meter read in a bill's period: its register kWh, × multiplier = kWh."""
    return replace(
        reading,
        start=bill.period_start,
        end=bill.period_end,
        register_kwh=raw.slice(low, high).total(),
        energy_kwh=measured.slice(low, high).total(),
    )
