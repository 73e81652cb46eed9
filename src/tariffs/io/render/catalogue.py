"""The tariffs that can be named, in a text table, JSON or CSV (``tariffs tables``).

Pure: `summarize` takes a loaded `Tariff`, the file it came from and the day to look at,
and the renderers take the summaries and return text ending in a newline.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from tariffs.io.render.text import align_table, display_width
from tariffs.model.tariff import Tariff

__all__ = [
    "CSV_COLUMNS",
    "TableSummary",
    "summarize",
    "tables_to_csv",
    "tables_to_json",
    "tables_to_table",
]

#: Whether a table has a version in force on a day: ``in_force``; ``withdrawn`` (the day
#: is on or after its ``withdrawn`` date); ``not_yet`` (the day is before its first
#: version).
Status = Literal["in_force", "withdrawn", "not_yet"]

#: The columns of `tables_to_csv`, and the keys of each object of `tables_to_json`.
CSV_COLUMNS = (
    "id", "name", "currency", "timezone", "versions", "on", "status", "in_force",
    "withdrawn", "file",
)  # fmt: skip


@dataclass(frozen=True)
class TableSummary:
    """What ``tariffs tables`` shows of one tariff table.

    Attributes:
        id: The tariff id (the file stem).
        name: The table's ``name``.
        currency: ISO 4217 code.
        timezone: IANA time zone of the table's clock hours.
        versions: The effective dates of its versions, in order.
        withdrawn: The first day it is no longer in force; None while it is.
        on: The day looked at.
        status: Whether a version is in force on ``on`` (`Status`).
        in_force: The effective date of the version in force on ``on``; None when none is.
        file: The file the id names.
    """

    id: str
    name: str
    currency: str
    timezone: str
    versions: tuple[dt.date, ...]
    withdrawn: dt.date | None
    on: dt.date
    status: Status
    in_force: dt.date | None
    file: str


def summarize(tariff: Tariff, file: str, on: dt.date) -> TableSummary:
    """The summary of a table as of day ``on``.

    A table withdrawn on or before ``on`` has no version in force, even when its
    ``past_withdrawal`` is ``warn`` (bills are then priced under the last version, and
    say that the table was withdrawn).
    """
    status: Status
    in_force: dt.date | None = None
    if tariff.withdrawn is not None and on >= tariff.withdrawn:
        status = "withdrawn"
    else:
        found = tariff.version_at(on)
        status = "not_yet" if found is None else "in_force"
        in_force = None if found is None else found[0]
    return TableSummary(
        id=tariff.id,
        name=tariff.name,
        currency=tariff.currency,
        timezone=tariff.timezone,
        versions=tuple(tariff.versions),
        withdrawn=tariff.withdrawn,
        on=on,
        status=status,
        in_force=in_force,
        file=file,
    )


def _in_force_text(summary: TableSummary) -> str:
    if summary.status == "withdrawn":
        return f"none: withdrawn {summary.withdrawn}"
    if summary.status == "not_yet":
        return f"none: from {summary.versions[0]}"
    return str(summary.in_force)


def _text(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def tables_to_table(summaries: Sequence[TableSummary]) -> str:
    """A text table, one line per tariff: id, name, currency, zone, versions, in force, file.

    The ``in force`` column gives the effective date of the version in force on the day
    looked at, or ``none: withdrawn DATE`` or ``none: from DATE`` (the first version).
    """
    if not summaries:
        return "no tariff tables\n"
    rows = [["id", "name", "currency", "timezone", "versions", "in force", "file"]]
    for summary in summaries:
        rows.append(
            [
                summary.id,
                summary.name,
                summary.currency,
                summary.timezone,
                ", ".join(day.isoformat() for day in summary.versions),
                _in_force_text(summary),
                summary.file,
            ]
        )
    return "\n".join(align_table(rows, width=display_width)) + "\n"


def _record(summary: TableSummary) -> dict[str, object]:
    return {
        "id": summary.id,
        "name": summary.name,
        "currency": summary.currency,
        "timezone": summary.timezone,
        "versions": [day.isoformat() for day in summary.versions],
        "on": summary.on.isoformat(),
        "status": summary.status,
        "in_force": _text(summary.in_force),
        "withdrawn": _text(summary.withdrawn),
        "file": summary.file,
    }


def tables_to_json(summaries: Sequence[TableSummary]) -> str:
    """One JSON document: ``{"tables": [...]}``, an object per tariff (keys `CSV_COLUMNS`).

    Dates are ``YYYY-MM-DD`` text; ``in_force`` and ``withdrawn`` are null when there is
    none.
    """
    document = {"tables": [_record(summary) for summary in summaries]}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def tables_to_csv(summaries: Sequence[TableSummary]) -> str:
    """A header (`CSV_COLUMNS`), then one row per tariff; versions are separated by spaces.

    ``in_force`` and ``withdrawn`` are empty when there is none.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for summary in summaries:
        record = _record(summary)
        record["versions"] = " ".join(day.isoformat() for day in summary.versions)
        writer.writerow(["" if record[key] is None else record[key] for key in CSV_COLUMNS])
    return out.getvalue()
