"""``tariffs explain``: price readings under one tariff and say why each line is what it is."""

from __future__ import annotations

import argparse
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
from tariffs.engine.explain import explain
from tariffs.io.coincident_peaks import read_coincident_peaks
from tariffs.io.render.explain import explained_to_json, explained_to_table
from tariffs.io.tables import load_account, load_tariff

__all__ = ["add_parser", "run"]


def add_parser(commands: Any) -> None:
    """Add ``explain`` to the subcommands of the ``tariffs`` parser."""
    sub = commands.add_parser(
        "explain",
        help="price readings under one tariff and explain each line of each bill",
    )
    add_readings_options(sub)
    add_metering_option(sub)
    add_format_option(
        sub,
        {
            "table": "the bills of tariffs price, each line followed by its reasons",
            "json": "the bills of tariffs price --format json, an explanation on each line",
        },
        default="table",
        not_offered="an explanation is not a row of numbers",
    )
    add_output_option(sub)
    add_lang_option(sub)
    sub.add_argument("--tariff", required=True, help="tariff YAML/JSON file or tariff id")


def run(args: argparse.Namespace) -> int:
    """``tariffs explain``: the bills of the readings with the reasons of every line."""
    tariff = load_tariff(
        args.tariff,
        args.tables,
        timezone=args.timezone,
        past_enddate=args.past_enddate,
        unpriced_attributes=args.unpriced_attributes,
    )
    account = load_account(args.account) if args.account else None
    readings = read_readings_of(args, args.readings, tariff.timezone, "tariffs explain")
    peaks = (
        read_coincident_peaks(args.coincident_peaks, tariff.timezone)
        if args.coincident_peaks
        else []
    )
    bills = explain(
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
    text = (
        explained_to_json(bills, args.lang)
        if args.format == "json"
        else explained_to_table(bills, args.lang)
    )
    write_output(text, args.output)
    return 0
