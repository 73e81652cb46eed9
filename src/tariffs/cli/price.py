"""``tariffs price``: price readings under one tariff."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tariffs.cli.options import (
    add_format_option,
    add_lang_option,
    add_metering_option,
    add_output_option,
    add_readings_options,
    read_readings_of,
    write_output,
)
from tariffs.cli.terminal import days_of, note_tariff, paint_table
from tariffs.engine.pricing import price
from tariffs.engine.submeters import has_parts, price_submetered
from tariffs.errors import AccountError
from tariffs.io.coincident_peaks import read_coincident_peaks
from tariffs.io.render.bills import bills_to_csv, bills_to_json, bills_to_jsonl, bills_to_table
from tariffs.io.tables import load_account, load_tariff
from tariffs.model.account import Account, CoincidentPeak
from tariffs.model.bill import Bill
from tariffs.model.readings import Readings
from tariffs.model.tariff import Tariff

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    """Add ``price`` to the subcommands of the ``tariffs`` parser."""
    sub = commands.add_parser("price", help="price readings under one tariff")
    add_readings_options(sub)
    add_metering_option(sub)
    add_format_option(
        sub,
        {
            "table": "",
            "json": "the bills and their total",
            "jsonl": "a bill with its account_id, as tariffs batch writes",
            "csv": "one row per bill line and a total row per bill",
        },
        default="table",
    )
    add_output_option(sub)
    add_lang_option(sub)
    sub.add_argument("--tariff", required=True, help="tariff YAML/JSON file or tariff id")


def _render(bills: Sequence[Bill], fmt: str, lang: str = "en") -> str:
    if fmt == "json":
        return bills_to_json(bills, lang)
    if fmt == "jsonl":
        return bills_to_jsonl(bills, lang=lang)
    if fmt == "csv":
        return bills_to_csv(bills, lang)
    return bills_to_table(bills, lang)


def _price_all(
    args: argparse.Namespace,
    tariffs: list[Tariff],
    account: Account | None,
    peaks: Sequence[CoincidentPeak] = (),
) -> list[list[Bill]]:
    """The bills of the readings of ``args`` under each tariff (read once per time zone)."""
    readings_by_zone: dict[str, Readings] = {}
    results = []
    for tariff in tariffs:
        readings = readings_by_zone.get(tariff.timezone)
        if readings is None:
            readings = _read(args, args.readings, tariff.timezone)
            readings_by_zone[tariff.timezone] = readings
        results.append(
            price(
                tariff,
                readings,
                account,
                start=args.start,
                end=args.end,
                event_days=args.event_days,
                demand_window=args.demand_window,
                coincident_peaks=peaks,
                metering=args.metering,
            )
        )
    return results


def _read(args: argparse.Namespace, path: str, timezone: str) -> Readings:
    return read_readings_of(args, path, timezone)


def _price_parts(
    args: argparse.Namespace,
    tariff: Tariff,
    account: Account,
    peaks: Sequence[CoincidentPeak],
) -> list[Bill]:
    """The bills of a main meter with sub-meters or a split, whose files the account names.

    Readings files and tariff files are relative to the account file; a tariff that is no
    such file is a tariff id (the main meter's own, for a part under another price class).
    """
    base = Path(account.source).parent if account.source else Path()
    tariffs: dict[str, Tariff] = {}
    names = [sub.tariff for sub in account.sub_meters]
    if account.split is not None:
        names.append(account.split.tariff)
    for name in names:
        if name == tariff.id and not (base / name).is_file():
            tariffs[name] = tariff  # another price class of the main meter's tariff
        elif name not in tariffs:
            path = base / name
            tariffs[name] = load_tariff(
                str(path) if path.is_file() else name, args.tables, timezone=args.timezone
            )
    sub_readings: dict[str, Readings] = {}
    for i, sub in enumerate(account.sub_meters):
        if sub.readings is None:
            raise AccountError(
                f"sub-meter {sub.id!r} names no readings file",
                file=account.source,
                path=f"sub_meters[{i}].readings",
            )
        sub_readings[sub.id] = _read(args, str(base / sub.readings), tariff.timezone)
    return price_submetered(
        tariff,
        _read(args, args.readings, tariff.timezone),
        account,
        sub_readings,
        tariffs,
        start=args.start,
        end=args.end,
        event_days=args.event_days,
        demand_window=args.demand_window,
        coincident_peaks=peaks,
        metering=args.metering,
    )


def run(args: argparse.Namespace) -> int:
    """``tariffs price``: the bills of the readings, as a table, JSON or CSV."""
    tariff = load_tariff(
        args.tariff,
        args.tables,
        timezone=args.timezone,
        past_enddate=args.past_enddate,
        unpriced_attributes=args.unpriced_attributes,
    )
    account = load_account(args.account) if args.account else None
    peaks = (
        read_coincident_peaks(args.coincident_peaks, tariff.timezone)
        if args.coincident_peaks
        else []
    )
    if has_parts(account):
        assert account is not None  # noqa: S101 - has_parts says so
        bills = _price_parts(args, tariff, account, peaks)
    else:
        (bills,) = _price_all(args, [tariff], account, peaks)
    note_tariff(tariff, days_of((bill.period_start, bill.period_end) for bill in bills))
    text = _render(bills, args.format, args.lang)
    if args.format == "table" and args.output is None:
        text = paint_table(text)
    write_output(text, args.output)
    return 0
