"""OpenEI Utility Rate Database (URDB) records as tariffs.

A URDB rate record (the JSON of the OpenEI ``utility_rates`` API, versions 3 to 8) is
turned into the plain data of a tariff table, validated as a `Tariff`, or written out as
a YAML table. Numbers are read exactly (`decimal.Decimal`, never ``float``), and every
field of the record is either priced, kept as metadata, or refused by its name with
`UnsupportedFeatureError`: nothing is dropped silently.

Field meanings follow the OpenEI URDB API documentation
(https://openei.org/services/doc/rest/util_rates/?version=8), as quoted by NREL's readers
of it: the field list in NREL/REopt_API ``reo/validators.py`` (``URDB_RateValidator``),
the lookback fields in NREL/REopt.jl ``src/core/urdb.jl`` (``parse_urdb_lookback_charges``)
and the tier units in NREL/pysam ``files/ResourceTools.py``
(``URDBv8_to_ElectricityRates``).

How the record maps:

* ``energyratestructure`` (periods of tiers ``{max, rate, adj, sell, unit}``) with
  ``energyweekdayschedule`` / ``energyweekendschedule`` (12 months × 24 hours of 0-based
  period indexes): an energy charge priced ``rate + adj`` per period ``p0``, ``p1``, ...
  Seasons are the groups of months whose schedule rows (energy, and time-of-use demand
  when there is some) are identical; day types are ``weekday`` (Monday to Friday) and
  ``weekend`` (Saturday, Sunday). Holidays are not in URDB records.
* Tiers: ``max`` is the upper bound of a tier, counted on the month's total kWh across
  all periods, each tier's kWh shared between periods in proportion to their kWh
  (``method: proportional``, the convention of OpenStudio-HPXML's ReportUtilityBills:
  NREL/OpenStudio-HPXML ``ReportUtilityBills/resources/util.rb``). When periods write
  different bounds, the bounds of all periods are merged into one ladder and each period
  keeps its own price on every piece of it; this prices every kWh as the record says.
  ``unit`` gives the bound unit: ``kWh``, ``kWh daily`` (per day of the bill) or
  ``kWh/kW`` (per kW of the bill's maximum demand); other units are refused.
* ``fixedmonthlycharge`` (version 3), or ``fixedchargefirstmeter`` with
  ``fixedchargeunits`` ``$/month``, ``$/day``, or ``$/year`` (one twelfth a month, where
  that is exact): a fixed charge.
* ``mincharge`` with ``minchargeunits`` ``$/month``, ``$/day`` or ``$/year``, or the
  version 3 ``minmonthlycharge`` / ``annualmincharge``: a minimum bill on all lines.
* ``flatdemandstructure`` with ``flatdemandmonths``: one demand charge per structure
  period used, limited to its months, tiered on ``max`` [kW].
* ``demandratestructure`` with ``demandweekdayschedule`` / ``demandweekendschedule``: a
  time-of-use demand charge on a second schedule (``demand_periods`` ``d0``, ``d1``, ...).
* ``coincidentratestructure`` with ``coincidentrateschedule`` (or ``coincidentschedule``)
  and ``coincidentrateunit``: demand charges ``measured_at: coincident_peaks``, one per
  priced period and set of months with the same hours, limited to those months and hours;
  the run or the account declares the coincident-peak intervals, and a bill without one
  is refused.
* ``demandwindow`` [min]: the demand window (5, 10, 15, 30 or 60). A record that bills
  demand but gives no window is measured over 15 minutes, the schema's default, and the
  tariff's description says so.
* ``lookbackPercent`` with ``lookbackRange`` (and ``demandratchetpercentage`` when it
  agrees): a ratchet on the flat demand charges, ``percent`` × the highest demand of the
  ``lookbackRange`` months before the bill. URDB writes these percentages as fractions
  (0.8 for 80 %), as NREL/pysam reads ``lookbackpercent``.
* ``demandreactivepowercharge``: the reactive power charge [$/kVAR], one number for the
  record. The OpenEI URDB API documentation (version 3) lists it among the demand fields
  as a decimal, in the field list NREL/REopt_API ``reo/validators.py`` copies from it;
  SAM's OpenEI reader (NREL/SAM, desktop) reads it as ``DemandReactivePower``. It is
  priced as a ``reactive`` charge per kvar of the month's maximum reactive demand: the
  kvarh of a demand window (``demandwindow``, or 15 minutes) ÷ the window's hours, from
  the readings' ``kvarh`` column, like the demand [kW] of the record's demand charges;
  the description says so. Without a kvarh column the bill is refused. SAM's bill
  calculator (``PySAM.Utilityrate5``) has no reactive quantity and leaves it out.
* ``realtimepricing`` (8760 or 8784 hourly prices, as OpenStudio-HPXML's samples write
  it): energy priced hour by hour.
* ``startdate`` (epoch seconds, or text ``YYYY-MM-DD...``): the effective date of the one
  version, as the UTC date of the epoch (URDB stores UTC midnights); ``1970-01-01``
  without it.
  ``enddate`` is the last day the record is in force (URDB's end dates are the last
  days of months: 2015-04-30, 2015-12-31, 2019-06-30 in the records of
  ``tests/data/urdb``): the table is ``withdrawn`` from the day after, so a bill of a
  later day is refused; with ``past_enddate`` it is priced under the record and says
  so (``past_withdrawal: warn``).
* Tier ``sell`` prices are the export prices of their periods (``exports``) under the
  record's rule: ``dgrules`` "Net Metering" (or ``usenetmetering`` true, or no rule:
  net metering), "Net Billing Instantaneous" (or ``usenetmetering`` false: net
  billing), "Buy All Sell All"; see ``_Converter._metering_rule``. A record whose sell
  prices are all zero prices imported kWh only, and the description says that exports
  are not credited under its rule.

Refused by name: "Net Billing Hourly", sell prices that are negative or differ between
the tiers of a period, sell prices on demand tiers, a negative
``demandreactivepowercharge``, ``fixedchargeeaaddl``, other
units, ratchets that do not
fit one percentage over a stated number of months (``demandratchetpercentage`` without
``lookbackRange``, percentages that differ by month, ``lookbackMonths``, whose meaning
readers disagree on), demand in horsepower, ``energyattrs`` / ``demandattrs`` /
``fixedattrs`` entries other than period labels (``TOU-...``) unless
``unpriced_attributes`` is given (each is then listed on every bill as not priced), and
every field outside `METADATA_FIELDS` and `PRICED_FIELDS` that holds something other than
nothing or zeros (``fueladjustmentsmonthly``, ...). docs/urdb-fields.md lists every field
with its status.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, Inexact, InvalidOperation, localcontext
from pathlib import Path
from typing import Any, TypedDict, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import ValidationError
from yaml.nodes import Node, ScalarNode, SequenceNode

from tariffs.errors import TariffFileError, UnsupportedFeatureError
from tariffs.io.safe_json import (
    MAX_DECIMAL_PLACES,
    MAX_DIGITS_BEFORE_POINT,
    JsonDocument,
    load_json,
    number_out_of_range,
    parse_json,
)
from tariffs.io.safe_yaml import YAML11_BOOLEAN_WORDS, _path_in_data, format_path
from tariffs.model.common import check_ascii_digits, check_derived_price, exact_decimal, parse_date
from tariffs.model.tariff import Tariff

__all__ = [
    "METADATA_FIELDS",
    "PRICED_FIELDS",
    "convert_urdb_file",
    "load_urdb_tariff",
    "parse_urdb",
    "read_urdb",
    "urdb_to_tariff_data",
    "urdb_to_yaml",
]

#: Fields that describe a record without pricing anything; kept out of the bill.
METADATA_FIELDS = frozenset(
    {
        "_id",
        "label",
        "uri",
        "utility",
        "utility_info",
        "eiaid",
        "name",
        "sector",
        "servicetype",
        "description",
        "source",
        "sourceparent",
        "startdate",
        "enddate",
        "latest_update",
        "approved",
        "is_default",
        "supersedes",
        "supercedes",
        "revisions",
        "country",
        "basicinformationcomments",
        "energycomments",
        "demandcomments",
        "voltagecategory",
        "voltageminimum",
        "voltagemaximum",
        "phasewiring",
        "peakkwcapacitymin",
        "peakkwcapacitymax",
        "peakkwcapacityhistory",
        "peakkwhusagemin",
        "peakkwhusagemax",
        "peakkwhusagehistory",
        "demandunits",
        "dgrules",
        "usenetmetering",
    }
)

#: Fields that are priced (or checked to hold nothing that would be priced).
PRICED_FIELDS = frozenset(
    {
        "energyratestructure",
        "energyweekdayschedule",
        "energyweekendschedule",
        "energyattrs",
        "demandratestructure",
        "demandweekdayschedule",
        "demandweekendschedule",
        "demandrateunit",
        "demandattrs",
        "fixedattrs",
        "flatdemandstructure",
        "flatdemandmonths",
        "flatdemandunit",
        "demandwindow",
        "demandreactivepowercharge",
        "demandratchetpercentage",
        "lookbackMonths",
        "lookbackmonths",
        "lookbackPercent",
        "lookbackpercent",
        "lookbackRange",
        "lookbackrange",
        "fixedmonthlycharge",
        "fixedchargefirstmeter",
        "fixedchargeeaaddl",
        "fixedchargeunits",
        "mincharge",
        "minchargeunits",
        "minmonthlycharge",
        "annualmincharge",
        "realtimepricing",
        "coincidentratestructure",
        "coincidentrateschedule",
        "coincidentschedule",
        "coincidentrateunit",
    }
)

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
_WEEKEND = ["sat", "sun"]
_TIER_KEYS = frozenset({"max", "rate", "adj", "sell", "unit"})

#: URDB ``dgrules`` → the metering rule of the table ("Net Billing Hourly" is refused).
_DG_RULES = {
    "Net Metering": "net_metering",
    "Net Billing Instantaneous": "net_billing",
    "Buy All Sell All": "buy_all_sell_all",
}
_BOUND_UNITS = {"kwh": "kwh", "kwh daily": "kwh_per_day", "kwh/kw": "kwh_per_kw"}
_DEMAND_WINDOWS = (5, 10, 15, 30, 60)
_DEFAULT_WINDOW = 15
# Tools that write URDB-like records (SAM, PySAM) mark "no upper bound" with 1e38.
_NO_BOUND = Decimal("1e37")
_FIRST_VERSION = "1970-01-01"
_PERIOD_LABEL = re.compile(r"^TOU-", re.IGNORECASE)
# Free-text attributes; entries other than period labels may change prices.
_ATTRIBUTE_FIELDS = ("energyattrs", "demandattrs", "fixedattrs")
# A date as URDB writes one in text: the date, or the date at midnight.
_URDB_DATE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[T ]00:00(?::00(?:\.0+)?)?)?")
_URDB_DATE_AND_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ].*", re.DOTALL)
_ID_CHARACTERS = re.compile(r"[^a-z0-9_.-]+")
_T = TypeVar("_T")


def parse_urdb(text: str, source: str) -> dict[str, Any]:
    r"""Read the one rate record of a URDB JSON text, with exact numbers.

    The text holds a bare record, an API response ``{"items": [record]}``, or either of
    them encoded once more as a JSON string. Numbers become `Decimal` (or ``int``), read
    from their text. The JSON is read by `tariffs.io.safe_json`: with limits on size and
    nesting, and refusing duplicate keys, ``NaN``, ``Infinity`` and numbers out of range,
    each at its line and column.

    >>> record = parse_urdb('{"items": [{"fixedmonthlycharge": 0.10}]}', "rate.json")
    >>> record["fixedmonthlycharge"]
    Decimal('0.10')

    Args:
        text: The whole file as text.
        source: File name used in messages.

    Raises:
        TariffFileError: Not JSON, not a record, or an envelope with 0 or several records.
    """
    return _UrdbDocument(parse_json(text, source, error=TariffFileError)).record


class _Where(TypedDict, total=False):
    """A line and column to give an error."""

    line: int
    column: int


class _UrdbDocument:
    """The record of a URDB JSON document, and where its fields are written.

    Attributes:
        record: The rate record.
        document: The JSON document, or ``None`` when the record was a JSON string inside
            it (its lines are not the file's).
        prefix: The path of the record in ``document`` (``["items", 0]`` in an envelope).
    """

    def __init__(self, document: JsonDocument) -> None:
        source = document.source
        data = document.data
        located: JsonDocument | None = document
        if isinstance(data, str):
            located = None
            try:
                data = parse_json(data, source, error=TariffFileError).data
            except TariffFileError as exc:
                inside = f" (at its line {exc.line}, column {exc.column})" if exc.line else ""
                path = f"{exc.path}: " if exc.path else ""
                raise TariffFileError(
                    f"in the JSON string the file holds{inside}: {path}{exc.message}",
                    file=source,
                    **self._where(document, []),
                ) from None
        prefix: list[str | int] = []
        if isinstance(data, dict) and "items" in data:
            items = data["items"]
            where = self._where(located, ["items"])
            if not isinstance(items, list):
                raise TariffFileError(
                    f"'items' is {type(items).__name__}, expected a list of rate records",
                    file=source,
                    path="items",
                    **where,
                )
            if len(items) != 1:
                raise TariffFileError(
                    f"the 'items' envelope holds {len(items)} rate records; a tariff is one "
                    "record, so give a file with exactly one",
                    file=source,
                    path="items",
                    **where,
                )
            data = items[0]
            prefix = ["items", 0]
            if not isinstance(data, dict):
                raise TariffFileError(
                    f"items[0] is {type(data).__name__}, expected a rate record (an object)",
                    file=source,
                    path="items[0]",
                    **self._where(located, prefix),
                )
        if not isinstance(data, dict):
            raise TariffFileError(
                f"expected a URDB rate record (a JSON object), found {type(data).__name__}",
                file=source,
                **self._where(located, []),
            )
        self.record: dict[str, Any] = data
        self.document = located
        self.prefix = prefix

    @staticmethod
    def _where(document: JsonDocument | None, path: list[str | int]) -> _Where:
        position = None if document is None else document.locate(path)
        return _Where() if position is None else _Where(line=position[0], column=position[1])

    def located(self, exc: TariffFileError | UnsupportedFeatureError) -> ValueError:
        """The error with the line and column of the record field it names, if known."""
        if self.document is None:
            return exc
        written = exc.path if isinstance(exc, TariffFileError) else exc.feature
        if not written or (isinstance(exc, TariffFileError) and exc.line is not None):
            return exc
        path = _record_path(written)
        if path is None or path[0] not in self.record:
            return exc
        position = self.document.locate([*self.prefix, *path])
        if position is None:  # pragma: no cover - a parsed document has locations
            return exc
        line, column = position
        if isinstance(exc, TariffFileError):
            return TariffFileError(
                exc.message, file=exc.file, line=line, column=column, path=exc.path
            )
        return UnsupportedFeatureError(exc.feature, exc.where, exc.detail, line=line, column=column)


_RECORD_PATH = re.compile(r"[^.\[\]]+(?:\.[^.\[\]]+|\[[0-9]+\])*")
_PATH_PART = re.compile(r"([^.\[\]]+)|\[([0-9]+)\]")


def _record_path(written: str) -> list[str | int] | None:
    """The path of a field as messages write it, or None if it is not one.

    >>> _record_path("energyratestructure[0][1].sell")
    ['energyratestructure', 0, 1, 'sell']
    """
    if not _RECORD_PATH.fullmatch(written):
        return None
    return [int(index) if index else key for key, index in _PATH_PART.findall(written)]


def urdb_to_tariff_data(
    record: dict[str, Any],
    *,
    timezone: str,
    source: str,
    tariff_id: str | None = None,
    past_enddate: bool = False,
    unpriced_attributes: bool = False,
) -> dict[str, Any]:
    """Turn a URDB rate record into the plain data of a tariff table.

    Args:
        record: One rate record, as `parse_urdb` returns it.
        timezone: IANA time zone of the clock hours of the record's schedules (URDB
            records carry none).
        source: Where the record came from (a file name), for messages and the id.
        tariff_id: The tariff's id; ``urdb-<label>`` by default, or the file stem.
        past_enddate: Price bills after the record's ``enddate`` under it (each bill
            says so) instead of refusing them.
        unpriced_attributes: Price the structured fields of a record whose
            ``energyattrs``, ``demandattrs`` or ``fixedattrs`` hold entries that may
            change prices (a power-factor adjustment, a voltage discount, a credit), and
            keep each entry in the table's ``unpriced``, which every bill lists as
            ``not priced: <field>: <key>: <value>``, instead of refusing the record.

    Returns:
        Data for `Tariff.model_validate`: ``str`` keys, `Decimal` numbers, dates as
        ``YYYY-MM-DD`` text.

    Raises:
        UnsupportedFeatureError: The record asks for something that cannot be priced
            exactly; the error names the field.
        TariffFileError: The record is malformed (a schedule of the wrong shape, a period
            index without a structure, ...).
    """
    return _Converter(record, timezone, source, past_enddate, unpriced_attributes).convert(
        tariff_id
    )


def read_urdb(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a URDB JSON file into its rate record (see `parse_urdb`).

    Raises:
        TariffFileError: The file is missing, cannot be read, is larger than 10 MiB, is not
            UTF-8 text (a byte order mark is allowed), or holds no single rate record.
    """
    return _read_urdb_document(path).record


def _read_urdb_document(path: str | os.PathLike[str]) -> _UrdbDocument:
    source = os.fspath(path)
    if not Path(path).is_file():
        raise TariffFileError("no such tariff file", file=source)
    return _UrdbDocument(load_json(path, error=TariffFileError))


def convert_urdb_file(
    path: str | os.PathLike[str],
    convert: Callable[[dict[str, Any]], _T],
) -> _T:
    """Read a URDB JSON file and convert its record; errors name the field's line.

    Args:
        path: The JSON file.
        convert: What to make of the record (e.g. a partial `urdb_to_yaml`).

    Raises:
        TariffFileError: The file cannot be read or is not a valid record; an error about
            a field of the record names the line and column where the field is written.
        UnsupportedFeatureError: The record asks for something that cannot be priced
            exactly; the error names the field, and where it is written.
    """
    document = _read_urdb_document(path)
    try:
        return convert(document.record)
    except (TariffFileError, UnsupportedFeatureError) as exc:
        raise document.located(exc) from None


def load_urdb_tariff(
    path: str | os.PathLike[str],
    *,
    timezone: str | None = None,
    tariff_id: str | None = None,
    past_enddate: bool = False,
    unpriced_attributes: bool = False,
) -> Tariff:
    """Load a URDB JSON file as a validated tariff.

    Args:
        path: The JSON file.
        timezone: IANA time zone of the record's clock hours; required, since URDB
            records carry no time zone.
        tariff_id: The tariff's id; ``urdb-<label>`` by default, or the file stem.
        past_enddate: Price bills after the record's ``enddate`` (see
            `urdb_to_tariff_data`).
        unpriced_attributes: Price a record with attributes that may change prices,
            each listed on every bill as not priced (see `urdb_to_tariff_data`).

    Raises:
        TariffFileError: No time zone given, the file is missing or not a valid record.
        UnsupportedFeatureError: The record asks for something that cannot be priced
            exactly; the error names the field.
    """
    source = os.fspath(path)
    if timezone is None:
        raise TariffFileError(
            "URDB records carry no time zone; give the utility's (e.g. --timezone "
            "America/Denver), or, for readings on local standard time all year as SAM, REopt "
            "and OpenStudio-HPXML load files are, its fixed-offset zone (e.g. --timezone "
            "Etc/GMT+7 for Mountain standard time)",
            file=source,
        )

    def convert(record: dict[str, Any]) -> Tariff:
        data = urdb_to_tariff_data(
            record,
            timezone=timezone,
            source=source,
            tariff_id=tariff_id,
            past_enddate=past_enddate,
            unpriced_attributes=unpriced_attributes,
        )
        return _validate(data, source)

    tariff = convert_urdb_file(path, convert)
    tariff._source = source
    return tariff


def urdb_to_yaml(
    record: dict[str, Any],
    *,
    timezone: str,
    source: str,
    tariff_id: str | None = None,
    past_enddate: bool = False,
    unpriced_attributes: bool = False,
) -> str:
    """Write a URDB rate record as a YAML tariff table.

    The table loads to a tariff equal to `load_urdb_tariff`'s: decimals and dates are
    quoted text, and so is any text that a reader could take for something else (a YAML
    1.1 word such as ``on``, a number, a clock window such as ``"16:00-20:00"``).

    Args:
        record: One rate record, as `parse_urdb` returns it.
        timezone: IANA time zone of the record's clock hours.
        source: Where the record came from, for messages, the id and the header comment.
        tariff_id: The tariff's id; ``urdb-<label>`` by default, or the file stem.
        past_enddate: Price bills after the record's ``enddate`` (see
            `urdb_to_tariff_data`).
        unpriced_attributes: Keep attributes that may change prices in the table's
            ``unpriced`` (see `urdb_to_tariff_data`).

    Raises:
        UnsupportedFeatureError: The record asks for something that cannot be priced.
        TariffFileError: The record is malformed, or its table would not validate.
    """
    data = urdb_to_tariff_data(
        record,
        timezone=timezone,
        source=source,
        tariff_id=tariff_id,
        past_enddate=past_enddate,
        unpriced_attributes=unpriced_attributes,
    )
    _validate(data, source)
    name = " ".join(Path(source).name.split())
    header = f"# Tariff table converted from the URDB rate record in {name}.\n"
    return header + _dump_yaml(data)


def _validate(data: dict[str, Any], source: str) -> Tariff:
    try:
        return Tariff.model_validate(data)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        # The path in the converted table, without the names pydantic adds (union tags,
        # validators), as the table's YAML would show it.
        path, _ = _path_in_data(data, error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        raise TariffFileError(
            f"the converted table is not valid: {message}",
            file=source,
            path=format_path(path) or None,
        ) from None


# -- the conversion -----------------------------------------------------------------------


class _Converter:
    """One record being turned into tariff data; collects notes for the description."""

    def __init__(
        self,
        record: dict[str, Any],
        timezone: str,
        source: str,
        past_enddate: bool = False,
        unpriced_attributes: bool = False,
    ) -> None:
        self.record = record
        self.timezone = timezone
        self.source = source
        self.past_enddate = past_enddate
        self.unpriced_attributes = unpriced_attributes
        self.unpriced: list[str] = []
        self.withdrawn: dt.date | None = None
        self.notes: list[str] = []
        self.exports_priced = False

    # -- errors -------------------------------------------------------------------------

    def refuse(self, field: str, detail: str) -> UnsupportedFeatureError:
        return UnsupportedFeatureError(field, self.source, detail)

    def malformed(self, path: str, message: str) -> TariffFileError:
        return TariffFileError(message, file=self.source, path=path)

    # -- top level ----------------------------------------------------------------------

    def convert(self, tariff_id: str | None) -> dict[str, Any]:
        self._screen()
        zone = self._zone()
        energy_structure = self._structure("energyratestructure", None)
        energy_rows, energy_used = self._schedule_pair("energy", "energyratestructure")
        demand_structure = self._structure("demandratestructure", "kW")
        demand_rows: tuple[list[list[int]], list[list[int]]] | None = None
        demand_used: list[int] = []
        if demand_structure is not None:
            demand_rows, demand_used = self._schedule_pair("demand", "demandratestructure")
        tou_demand = (
            demand_structure is not None
            and len(demand_used) > 1
            and not all(_all_zero(demand_structure[p]) for p in demand_used)
        )
        energy_tou = energy_structure is not None and len(energy_used) > 1
        version: dict[str, Any] = {}
        calendar = _Calendar(
            energy_rows if energy_tou else None,
            demand_rows if tou_demand else None,
        )
        version.update(calendar.seasons_and_day_types())
        charges: list[dict[str, Any]] = []
        needs_demand = False
        if energy_structure is not None:
            charge, per_kw = self._energy_charge(energy_structure, energy_used)
            if energy_tou:
                assert energy_rows is not None  # noqa: S101 - time-of-use has schedules
                version["periods"] = calendar.rules(energy_rows, "p")
            charges.append(charge)
            needs_demand = needs_demand or per_kw
            exports = self._export_terms(energy_structure, energy_used)
            if exports is not None:
                version["exports"] = exports
        dynamic = self._dynamic_charge(energy_structure is not None)
        if dynamic is not None:
            charges.append(dynamic)
        ratchet = self._ratchet()
        flat = self._flat_demand_charges(ratchet)
        if demand_structure is not None and not tou_demand and demand_used:
            single = self._single_tou_demand(demand_structure, demand_used[0], ratchet)
            if single is not None:
                flat.append(single)
        charges.extend(flat)
        if tou_demand:
            assert demand_structure is not None and demand_rows is not None  # noqa: S101
            if ratchet is not None:
                raise self.refuse(
                    ratchet[1],
                    "a ratchet on time-of-use demand is not supported; only on a demand "
                    "charge over the whole month",
                )
            version["demand_periods"] = calendar.rules(demand_rows, "d")
            tou = self._tou_demand_charge(demand_structure, demand_used)
            if tou is not None:
                charges.append(tou)
        elif ratchet is not None and not flat:
            raise self.refuse(ratchet[1], "a ratchet without a demand charge to apply to")
        if flat or tou_demand:
            needs_demand = True
        coincident = self._coincident_demand_charges()
        if coincident:
            charges.extend(coincident)
            needs_demand = True
        reactive = self._reactive_demand_charge()
        if reactive is not None:
            charges.append(reactive)
            needs_demand = True
        charges.extend(self._fixed_charges())
        charges.extend(self._minimum_charges())
        window = self._demand_window(needs_demand)
        if window is not None:
            version["demand_window"] = {"minutes": window}
        if not charges:
            raise self.malformed(
                "energyratestructure",
                "the record has nothing to price: no energy, demand, fixed or minimum charge",
            )
        version["charges"] = charges
        effective = self._effective_date(zone)
        return self._tariff(tariff_id, effective, version)

    def _tariff(
        self, tariff_id: str | None, effective: str, version: dict[str, Any]
    ) -> dict[str, Any]:
        record = self.record
        label = _text(record.get("label"))
        if tariff_id is None:
            stem = label if label else Path(self.source).stem
            tariff_id = "urdb-" + _slug(stem) if label else _slug(stem)
        utility = _text(record.get("utility"))
        rate_name = _text(record.get("name"))
        name = ": ".join(part for part in (utility, rate_name) if part) or tariff_id
        reference_parts = ["OpenEI Utility Rate Database"]
        uri = _text(record.get("uri"))
        if uri:
            reference_parts.append(uri)
        if label:
            reference_parts.append(f"label {label}")
        if utility:
            reference_parts.append(f"utility {utility}")
        if rate_name:
            reference_parts.append(f"rate {rate_name}")
        published = _text(record.get("source"))
        if published:
            reference_parts.append(f"source {published}")
        if len(reference_parts) == 1:
            reference_parts.append(f"record in {Path(self.source).name}")
        description = " ".join(
            [f"Converted from a URDB rate record ({Path(self.source).name}).", *self.notes]
        )
        return {
            "id": tariff_id,
            "name": name,
            "currency": "USD",
            "timezone": self.timezone,
            "reference": "; ".join(reference_parts),
            "description": description,
            **({"unpriced": self.unpriced} if self.unpriced else {}),
            "versions": {effective: version},
            **(
                {}
                if self.withdrawn is None
                else {
                    "withdrawn": self.withdrawn.isoformat(),
                    **({"past_withdrawal": "warn"} if self.past_enddate else {}),
                }
            ),
        }

    # -- screening ----------------------------------------------------------------------

    def _screen(self) -> None:
        """Refuse every field that is neither metadata nor priced, unless it is empty."""
        refused: list[str] = []
        for key, value in self.record.items():
            if not isinstance(key, str):
                raise self.malformed(str(key), "field names must be text")
            if key in METADATA_FIELDS or key in PRICED_FIELDS or _trivial(value):
                continue
            refused.append(key)
        self._screen_attributes(refused)
        if refused:
            first = refused[0]
            detail = self._refusal_detail(first)
            others = [name for name in refused[1:] if name != first]
            if others:
                detail += f"; also refused: {', '.join(others)}"
            raise self.refuse(first, detail)
        eaaddl = self.record.get("fixedchargeeaaddl")
        if eaaddl is not None and not _trivial(eaaddl):
            raise self.refuse(
                "fixedchargeeaaddl",
                f"a charge of {eaaddl} for each additional meter; the bill is for one meter",
            )

    def _refusal_detail(self, key: str) -> str:
        if key in _ATTRIBUTE_FIELDS:
            entries = ", ".join(_as_written(k) for k in self._priced_attributes(key))
            return (
                f"attributes that may change prices ({entries}); only period labels "
                "('TOU-...') are accepted"
            )
        return (
            f"{key} holds {_preview(self.record[key])}, which this importer does not price; "
            "refusing rather than dropping it"
        )

    def _screen_attributes(self, refused: list[str]) -> None:
        """Refuse attributes that may change prices, or keep them as not priced.

        The attribute fields hold free text (a power-factor adjustment rate, a voltage
        discount, a credit) that no structured field says how to price. By default a
        record with such an entry is refused; with ``unpriced_attributes`` each entry is
        kept, as ``<field>: <key>: <value>``, in the table's ``unpriced``.
        """
        for key in _ATTRIBUTE_FIELDS:
            priced = self._priced_attributes(key)
            if not priced:
                continue
            if not self.unpriced_attributes:
                refused.append(key)
                continue
            texts = self._attribute_texts(key)
            self.unpriced.extend(texts)
            self.notes.append(
                f"Not priced (declared): {len(texts)} {key} entries that may change prices; "
                "every bill lists them."
            )

    def _attribute_texts(self, key: str) -> list[str]:
        """Each entry of an attribute field that may change prices, as written."""
        value = self.record[key]
        if not isinstance(value, list):
            return [f"{key}: {_as_plain(value)}"]
        found: list[str] = []
        for entry in value:
            if not isinstance(entry, dict):
                found.append(f"{key}: {_as_plain(entry)}")
                continue
            for name, content in entry.items():
                label = isinstance(name, str) and _PERIOD_LABEL.match(name)
                digits = str(content).strip()
                if not (label and digits.isascii() and digits.isdigit()):
                    found.append(f"{key}: {' '.join(str(name).split())}: {_as_plain(content)}")
        return found

    def _priced_attributes(self, key: str) -> list[str]:
        value = self.record.get(key)
        if value is None or _trivial(value):
            return []
        if not isinstance(value, list):
            return [key]
        found: list[str] = []
        for entry in value:
            if not isinstance(entry, dict):
                found.append(str(entry))
                continue
            for name, content in entry.items():
                label = isinstance(name, str) and _PERIOD_LABEL.match(name)
                digits = str(content).strip()
                if not (label and digits.isascii() and digits.isdigit()):
                    found.append(str(name))
        return found

    # -- numbers and shapes -------------------------------------------------------------

    def number(self, value: Any, path: str) -> Decimal:
        if isinstance(value, bool):
            raise self.malformed(path, f"expected a number, found {value!r}")
        if isinstance(value, Decimal):
            result = value
        elif isinstance(value, int):
            result = Decimal(value)
        elif isinstance(value, str):
            try:
                check_ascii_digits(value)
            except ValueError as exc:
                raise self.malformed(path, str(exc)) from None
            try:
                result = Decimal(value.strip())
            except InvalidOperation:
                raise self.malformed(path, f"expected a number, found {value!r}") from None
        elif isinstance(value, float):
            raise self.malformed(
                path,
                f"found the binary float {value!r}; read the record with parse_urdb, which "
                "keeps numbers exact",
            )
        else:
            raise self.malformed(path, f"expected a number, found {type(value).__name__}")
        if not result.is_finite():
            raise self.malformed(path, f"expected a finite number, found {value!r}")
        problem = number_out_of_range(result, str(value).strip())
        if problem is not None:  # only text can be out of range here: JSON numbers were read so
            raise self.malformed(path, problem)
        return result

    def money(self, value: Any, path: str) -> Decimal:
        """A price or an amount: a number within the limits of a tariff table's numbers."""
        number = self.number(value, path)
        try:
            exact_decimal(number)
        except ValueError as exc:
            raise self.malformed(path, str(exc)) from None
        return number

    def integer(self, value: Any, path: str) -> int:
        number = self.number(value, path)
        if number != number.to_integral_value():
            raise self.malformed(path, f"expected a whole number, found {value!r}")
        return int(number)

    def _zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise TariffFileError(
                f"unknown time zone {self.timezone!r}", file=self.source
            ) from None

    def _structure(self, key: str, unit: str | None) -> list[list[dict[str, Any]]] | None:
        """A rate structure (periods of tiers), or None when absent or empty."""
        value = self.record.get(key)
        if value is None or value == []:
            return None
        if not isinstance(value, list):
            raise self.malformed(key, f"expected a list of periods, found {_preview(value)}")
        for p, period in enumerate(value):
            if not isinstance(period, list) or not period:
                raise self.malformed(f"{key}[{p}]", "expected a non-empty list of tiers")
            for t, tier in enumerate(period):
                where = f"{key}[{p}][{t}]"
                if not isinstance(tier, dict):
                    raise self.malformed(where, f"expected a tier object, found {_preview(tier)}")
                for name in tier:
                    if name not in _TIER_KEYS:
                        raise self.refuse(
                            f"{where}.{name}",
                            f"a tier field this importer does not know ({_preview(tier[name])})",
                        )
                if unit is not None and "unit" in tier and str(tier["unit"]) != unit:
                    raise self.refuse(f"{where}.unit", _demand_unit_refusal(str(tier["unit"])))
                sell = tier.get("sell")
                if sell is not None and self.number(sell, f"{where}.sell") != 0:
                    self._check_sell(key, where, sell)
        return value

    # -- exports (tier ``sell`` prices under the record's rule) ----------------------------

    def _check_sell(self, key: str, where: str, sell: Any) -> None:
        """A non-zero sell price: only on energy tiers, and not below zero."""
        if key != "energyratestructure":
            raise self.refuse(
                f"{where}.sell", f"a sell price of {sell} on a {key} tier; only energy is sold"
            )
        if self.money(sell, f"{where}.sell") < 0:
            raise self.refuse(
                f"{where}.sell",
                f"a negative sell price ({sell}): exports that cost the customer are not priced",
            )

    def _metering_rule(self) -> str:
        """The metering rule of the record's ``dgrules`` and ``usenetmetering``.

        The values of ``dgrules`` are those of the OpenEI URDB API (version 7 and later,
        https://openei.org/services/doc/rest/util_rates?version=7): "Net Metering", "Net
        Billing Instantaneous", "Net Billing Hourly", "Buy All Sell All". A record that
        names no rule is read as net metering, as NREL's URDB reader does
        (``PySAM.UtilityRateTools.URDBv8_to_ElectricityRates``: "if no metering option
        provided, assume Net Metering"), unless ``usenetmetering`` is false.

        Raises:
            UnsupportedFeatureError: "Net Billing Hourly" (imports and exports netted hour
                by hour before they are priced), an unknown rule, or a rule that
                contradicts ``usenetmetering``.
        """
        rules = _text(self.record.get("dgrules"))
        flag = self.record.get("usenetmetering")
        if not rules:
            return "net_billing" if flag is False else "net_metering"
        rule = _DG_RULES.get(rules)
        if rule is None:
            detail = (
                "imports and exports netted hour by hour before they are priced; this "
                "importer credits the exports of each interval as read (Net Billing "
                "Instantaneous)"
                if rules == "Net Billing Hourly"
                else f"a rule for exports this importer does not know ({rules!r})"
            )
            raise self.refuse("dgrules", detail)
        if flag is True and rule != "net_metering" or flag is False and rule == "net_metering":
            raise self.refuse(
                "usenetmetering",
                f"usenetmetering {str(flag).lower()} contradicts dgrules {rules!r}",
            )
        return rule

    def _export_terms(
        self, structure: list[list[dict[str, Any]]], used: list[int]
    ) -> dict[str, Any] | None:
        """The version's ``exports``: each used period's sell price under the record's rule.

        None when every sell price is zero or missing (the record prices as without
        exports). A period's sell price must be the same on all its tiers.
        """
        sells: dict[int, Decimal] = {}
        for p in used:
            found = {
                self.money(tier.get("sell", 0), f"energyratestructure[{p}][{t}].sell")
                for t, tier in enumerate(structure[p])
            }
            if len(found) > 1:
                raise self.refuse(
                    f"energyratestructure[{p}]",
                    "sell prices that differ between the tiers of a period "
                    f"({', '.join(str(v) for v in sorted(found))}); an export price by tier "
                    "is not supported",
                )
            sells[p] = found.pop()
        if not any(sells.values()):
            return None
        rule = self._metering_rule()
        self.exports_priced = True
        terms: dict[str, Any] = {"metering": rule}
        if len(used) == 1:
            terms["price_per_kwh"] = sells[used[0]]
        else:
            terms["prices"] = {f"p{p}": sells[p] for p in used}
        if rule == "net_metering":
            self.notes.append(
                "Exports are net metered: each period's exported kWh net its imports in "
                "the month, and the kWh left are carried to later months; the record gives "
                "no true-up, so what is left in December is forfeited. The sell prices "
                "apply where --metering chooses net billing."
            )
        else:
            self.notes.append(
                "Exported kWh are credited at the sell price of their period"
                + (" (all the generation sold)." if rule == "buy_all_sell_all" else ".")
            )
        return terms

    def _schedule(self, key: str, count: int) -> list[list[int]]:
        value = self.record.get(key)
        if not isinstance(value, list) or len(value) != 12:
            raise self.malformed(key, "expected 12 rows (months) of 24 period indexes (hours)")
        rows: list[list[int]] = []
        for m, row in enumerate(value):
            if not isinstance(row, list) or len(row) != 24:
                raise self.malformed(f"{key}[{m}]", "expected 24 period indexes (hours)")
            indexes = []
            for h, item in enumerate(row):
                index = self.integer(item, f"{key}[{m}][{h}]")
                if not 0 <= index < count:
                    raise self.malformed(
                        f"{key}[{m}][{h}]",
                        f"period {index} has no rate structure (there are {count} periods, "
                        "counted from 0)",
                    )
                indexes.append(index)
            rows.append(indexes)
        return rows

    def _schedule_pair(
        self, prefix: str, structure_key: str
    ) -> tuple[tuple[list[list[int]], list[list[int]]] | None, list[int]]:
        """The weekday and weekend schedules of a structure, and the periods they use."""
        structure = self.record.get(structure_key) or []
        weekday_key, weekend_key = f"{prefix}weekdayschedule", f"{prefix}weekendschedule"
        present = [k for k in (weekday_key, weekend_key) if self.record.get(k) not in (None, [])]
        if not structure:
            if present:
                raise self.malformed(present[0], f"a schedule without {structure_key}")
            return None, []
        if len(present) < 2:
            if len(structure) == 1:
                for key in present:
                    self._schedule(key, 1)
                return None, [0]
            missing = weekday_key if weekday_key not in present else weekend_key
            raise self.malformed(
                missing, f"{structure_key} has {len(structure)} periods and needs {missing}"
            )
        weekday = self._schedule(weekday_key, len(structure))
        weekend = self._schedule(weekend_key, len(structure))
        used = sorted({i for rows in (weekday, weekend) for row in rows for i in row})
        return (weekday, weekend), used

    # -- energy -------------------------------------------------------------------------

    def _ladder(
        self,
        key: str,
        structure: list[list[dict[str, Any]]],
        used: list[int],
        *,
        energy: bool = True,
    ) -> tuple[list[Decimal], dict[int, list[Decimal]], str | None]:
        """Merge the tier ladders of the used periods into one.

        Returns the merged bounds, each period's price on every merged tier, and the unit
        of the bounds (None when there are none).
        """
        bounds_of: dict[int, list[Decimal]] = {}
        prices_of: dict[int, list[Decimal]] = {}
        units: dict[str, str] = {}
        for p in used:
            tiers = structure[p]
            bounds: list[Decimal] = []
            prices: list[Decimal] = []
            for t, tier in enumerate(tiers):
                where = f"{key}[{p}][{t}]"
                prices.append(self._price(tier, where))
                bound = tier.get("max")
                last = t == len(tiers) - 1
                value = None if bound is None else self.number(bound, f"{where}.max")
                if last:
                    if value is not None and value < _NO_BOUND:
                        raise self.malformed(
                            f"{where}.max",
                            f"the last tier has max {bound}: usage above it would have no price",
                        )
                    continue
                if value is None or value >= _NO_BOUND:
                    raise self.malformed(f"{where}.max", "every tier but the last needs a max")
                if value <= (bounds[-1] if bounds else Decimal(0)):
                    raise self.malformed(
                        f"{where}.max", f"tier bounds must increase and be above 0, found {bound}"
                    )
                bounds.append(value)
                if energy:
                    units[f"{where}.unit"] = str(tier.get("unit", "kWh"))
            bounds_of[p] = bounds
            prices_of[p] = prices
        unit = None
        for where, written in units.items():
            if written.lower() not in _BOUND_UNITS:
                raise self.refuse(
                    where,
                    f"tier bounds in {written!r}; supported: kWh, kWh daily, kWh/kW",
                )
            if unit is None:
                unit = written.lower()
            elif unit != written.lower():
                raise self.refuse(
                    where, f"tier bounds in {written!r} and {unit!r} in one ladder cannot be merged"
                )
        merged = sorted({b for bounds in bounds_of.values() for b in bounds})
        ladders: dict[int, list[Decimal]] = {}
        for p in used:
            own, prices = bounds_of[p], prices_of[p]
            ladder = []
            for top in [*merged, None]:
                index = len(own) if top is None else sum(1 for b in own if b < top)
                ladder.append(prices[index])
            ladders[p] = ladder
        return merged, ladders, unit

    def _price(self, tier: dict[str, Any], where: str) -> Decimal:
        rate = self.money(tier.get("rate", 0), f"{where}.rate")
        adjustment = tier.get("adj")
        if adjustment is None:
            total = rate
        else:
            adj = self.money(adjustment, f"{where}.adj")
            with localcontext() as context:
                # Enough digits for any two numbers in range: the sum is exact.
                context.prec = MAX_DIGITS_BEFORE_POINT + MAX_DECIMAL_PLACES + 2
                context.traps[Inexact] = True
                total = rate + adj
        if total < 0:
            raise self.refuse(
                where, f"a negative price (rate + adj = {total}); prices must be 0 or more"
            )
        if adjustment is not None:
            # The price billed is derived: it passes the checks of a written one.
            try:
                check_derived_price(total, f"rate + adj = {rate} + {adj}")
            except ValueError as exc:
                raise self.malformed(where, str(exc)) from None
        return total

    def _energy_charge(
        self, structure: list[list[dict[str, Any]]], used: list[int]
    ) -> tuple[dict[str, Any], bool]:
        bounds, ladders, unit = self._ladder("energyratestructure", structure, used)
        charge: dict[str, Any] = {"kind": "energy", "code": "energy", "label": "Energy"}
        tiered = bool(bounds)

        def spec(prices: list[Decimal]) -> Decimal | list[Decimal]:
            return prices if tiered else prices[0]

        if len(used) == 1:
            charge["price_per_kwh"] = spec(ladders[used[0]])
        else:
            charge["prices"] = {f"p{p}": spec(ladders[p]) for p in used}
        if tiered:
            assert unit is not None  # noqa: S101 - bounds have a unit
            self.notes.append(
                "Tiers count the month's kWh across all periods; each tier's kWh are shared "
                "between periods in proportion to their kWh."
            )
            charge["tiers"] = {
                "bounds_kwh": bounds,
                "reset": "monthly",
                "method": "proportional",
                "bound_unit": _BOUND_UNITS[unit],
            }
            if unit == "kwh/kw":
                self.notes.append("Tier bounds are kWh per kW of the bill's maximum demand.")
            elif unit == "kwh daily":
                self.notes.append("Tier bounds are kWh per day of the bill.")
        return charge, unit == "kwh/kw"

    def _dynamic_charge(self, has_energy: bool) -> dict[str, Any] | None:
        prices = self.record.get("realtimepricing")
        if prices is None or prices == []:
            return None
        if not isinstance(prices, list) or len(prices) not in (8760, 8784):
            count = len(prices) if isinstance(prices, list) else 0
            raise self.refuse(
                "realtimepricing",
                f"{count} prices; hourly prices need one per hour of the year (8760 or 8784)",
            )
        if has_energy:
            raise self.refuse(
                "realtimepricing",
                "hourly prices next to energyratestructure would bill every kWh twice",
            )
        values = [self.money(v, f"realtimepricing[{i}]") for i, v in enumerate(prices)]
        self.notes.append(
            "Energy is priced hour by hour from realtimepricing, counted from January 1 "
            "00:00 local time."
        )
        return {
            "kind": "dynamic_energy",
            "code": "energy.hourly",
            "label": "Energy, hourly prices",
            "hourly_prices_per_kwh": values,
        }

    # -- demand -------------------------------------------------------------------------

    def _demand_ladder(
        self, key: str, structure: list[list[dict[str, Any]]], used: list[int]
    ) -> tuple[list[Decimal], dict[int, list[Decimal]]]:
        """Demand tiers of some periods, merged; tier units must be kW."""
        bounds, ladders, _ = self._ladder(key, structure, used, energy=False)
        return bounds, ladders

    def _check_unit(self, key: str) -> None:
        unit = self.record.get(key)
        if unit is not None and str(unit) != "kW":
            raise self.refuse(key, _demand_unit_refusal(str(unit)))

    def _flat_demand_charges(
        self, ratchet: tuple[dict[str, Any], str] | None
    ) -> list[dict[str, Any]]:
        structure = self._structure("flatdemandstructure", "kW")
        if structure is None:
            return []
        self._check_unit("flatdemandunit")
        months_value = self.record.get("flatdemandmonths")
        if months_value is None or months_value == []:
            if len(structure) != 1:
                raise self.malformed(
                    "flatdemandmonths",
                    f"flatdemandstructure has {len(structure)} periods and needs flatdemandmonths",
                )
            month_periods = [0] * 12
        else:
            if not isinstance(months_value, list) or len(months_value) != 12:
                raise self.malformed("flatdemandmonths", "expected 12 period indexes (months)")
            month_periods = []
            for m, item in enumerate(months_value):
                index = self.integer(item, f"flatdemandmonths[{m}]")
                if not 0 <= index < len(structure):
                    raise self.malformed(
                        f"flatdemandmonths[{m}]",
                        f"period {index} has no flat demand structure "
                        f"(there are {len(structure)}, counted from 0)",
                    )
                month_periods.append(index)
        charges = []
        for p in sorted(set(month_periods)):
            if _all_zero(structure[p]):
                continue
            bounds, ladders = self._demand_ladder("flatdemandstructure", structure, [p])
            months = [m + 1 for m in range(12) if month_periods[m] == p]
            charge = self._demand_base("demand.flat", "Demand", bounds, ladders[p])
            if len(months) < 12:
                charge["months"] = months
            if ratchet is not None:
                charge["ratchet"] = ratchet[0]
            charges.append(charge)
        return charges

    def _single_tou_demand(
        self,
        structure: list[list[dict[str, Any]]],
        period: int,
        ratchet: tuple[dict[str, Any], str] | None,
    ) -> dict[str, Any] | None:
        """Time-of-use demand with one period in use: the month's maximum, every hour."""
        self._check_unit("demandrateunit")
        if _all_zero(structure[period]):
            return None
        bounds, ladders = self._demand_ladder("demandratestructure", structure, [period])
        charge = self._demand_base("demand", "Demand", bounds, ladders[period])
        if ratchet is not None:
            charge["ratchet"] = ratchet[0]
        return charge

    def _demand_base(
        self, code: str, label: str, bounds: list[Decimal], prices: list[Decimal]
    ) -> dict[str, Any]:
        charge: dict[str, Any] = {"kind": "demand", "code": code, "label": label}
        if bounds:
            charge["tiers_kw"] = bounds
            charge["price_per_kw"] = prices
        else:
            charge["price_per_kw"] = prices[0]
        return charge

    def _tou_demand_charge(
        self, structure: list[list[dict[str, Any]]], used: list[int]
    ) -> dict[str, Any] | None:
        self._check_unit("demandrateunit")
        bounds, ladders = self._demand_ladder("demandratestructure", structure, used)
        prices: dict[str, Decimal | list[Decimal]] = {}
        for p in used:
            if all(price == 0 for price in ladders[p]):
                continue  # a period priced at 0 adds nothing to the bill
            prices[f"d{p}"] = ladders[p] if bounds else ladders[p][0]
        if not prices:
            return None
        charge: dict[str, Any] = {
            "kind": "demand",
            "code": "demand",
            "label": "Time-of-use demand",
            "prices": prices,
        }
        if bounds:
            charge["tiers_kw"] = bounds
        return charge

    def _coincident_demand_charges(self) -> list[dict[str, Any]]:
        """``coincidentratestructure``: demand at the declared coincident peaks.

        The OpenEI URDB API documentation lists ``coincidentratestructure`` (periods of
        tiers ``{max, rate, adj}``, as ``demandratestructure``), ``coincidentrateschedule``
        (12 months × 24 hours of 0-based period indexes; ``coincidentschedule`` in some
        records) and ``coincidentrateunit``, in the field list NREL/REopt_API
        ``reo/validators.py`` copies from it. A coincident charge bills the customer's
        demand at the system's peak, whose hours become known after the fact: each priced
        period becomes demand charges ``measured_at: coincident_peaks``, one for each set
        of months in which the period holds the same hours, limited to those months and
        (unless it holds the whole day) to those ``hours``; the run or the account
        declares the intervals, and each charge bills the ones inside its hours. The
        schedule has no weekday/weekend split: it holds on every day.
        """
        structure = self._structure("coincidentratestructure", "kW")
        if structure is None or _structure_is_zero(structure):
            return []
        self._check_unit("coincidentrateunit")
        schedule_key = "coincidentrateschedule"
        schedule_value = self.record.get(schedule_key)
        alias = self.record.get("coincidentschedule")
        if alias not in (None, []):
            if schedule_value not in (None, []) and schedule_value != alias:
                raise self.refuse(
                    "coincidentschedule",
                    "coincidentschedule and coincidentrateschedule differ; give one",
                )
            schedule_key, schedule_value = "coincidentschedule", alias
        if schedule_value in (None, []):
            if len(structure) != 1:
                raise self.malformed(
                    "coincidentrateschedule",
                    f"coincidentratestructure has {len(structure)} periods and needs "
                    "coincidentrateschedule",
                )
            rows = [[0] * 24 for _ in range(12)]
        else:
            rows = self._schedule(schedule_key, len(structure))
        # Per priced period: the months that give it the same hours, and those hours.
        groups: list[tuple[int, list[str], list[int]]] = []
        for p in sorted({p for row in rows for p in row}):
            if _all_zero(structure[p]):
                continue
            by_hours: dict[tuple[str, ...], list[int]] = {}
            for m, row in enumerate(rows):
                if p in row:
                    by_hours.setdefault(tuple(_windows(row, "c")[f"c{p}"]), []).append(m)
            groups.extend((p, list(hours), months) for hours, months in by_hours.items())
        charges: list[dict[str, Any]] = []
        for p, hours, months in groups:
            bounds, ladders = self._demand_ladder("coincidentratestructure", structure, [p])
            code = "demand.coincident"
            if len(groups) > 1:
                code += f".c{p}"
                if sum(1 for group in groups if group[0] == p) > 1:
                    code += "." + "_".join(_MONTHS[m] for m in months)
            charge = self._demand_base(code, "Coincident peak demand", bounds, ladders[p])
            if len(months) < 12:
                charge["months"] = [m + 1 for m in months]
            if hours != ["00:00-24:00"]:
                charge["hours"] = hours
            charge["measured_at"] = "coincident_peaks"
            charges.append(charge)
        if charges:
            self.notes.append(
                "Coincident demand is measured at the coincident-peak intervals declared for "
                "the run (--coincident-peaks) or the account (coincident_peaks); a bill "
                "without one is refused."
            )
        return charges

    def _demand_window(self, needed: bool) -> int | None:
        value = self.record.get("demandwindow")
        if value is None or (not isinstance(value, bool) and _trivial(value)):
            if needed:
                self.notes.append(
                    f"The record gives no demand window; demand is measured over "
                    f"{_DEFAULT_WINDOW}-minute windows."
                )
                return _DEFAULT_WINDOW
            return None
        number = self.number(value, "demandwindow")
        if number not in _DEMAND_WINDOWS:
            raise self.refuse(
                "demandwindow",
                f"a {value}-minute demand window; supported: "
                f"{', '.join(str(w) for w in _DEMAND_WINDOWS)}",
            )
        return int(number)

    def _ratchet(self) -> tuple[dict[str, Any], str] | None:
        """The ratchet of the record, and the field that asks for it; None without one."""
        record = self.record

        def first(*names: str) -> tuple[str, Any]:
            for name in names:
                if name in record:
                    return name, record[name]
            return names[0], None

        months_key, months = first("lookbackMonths", "lookbackmonths")
        percent_key, percent = first("lookbackPercent", "lookbackpercent")
        range_key, span = first("lookbackRange", "lookbackrange")
        if months is not None and not _trivial(months):
            raise self.refuse(
                months_key,
                "months in which the lookback percentage applies; the record does not say "
                "whether they are the months billed or the months looked back on, and "
                "public readers of URDB disagree",
            )
        by_month = record.get("demandratchetpercentage")
        monthly: Decimal | None = None
        if by_month is not None and not _trivial(by_month):
            if not isinstance(by_month, list) or len(by_month) != 12:
                raise self.malformed("demandratchetpercentage", "expected 12 values (months)")
            values = {
                self.number(v, f"demandratchetpercentage[{i}]") for i, v in enumerate(by_month)
            }
            if len(values) != 1:
                raise self.refuse(
                    "demandratchetpercentage",
                    "different ratchet percentages by month; one percentage is supported",
                )
            monthly = values.pop()
        lookback = (
            None if percent is None or _trivial(percent) else self.number(percent, percent_key)
        )
        months_back = 0 if span is None or _trivial(span) else self.integer(span, range_key)
        if monthly is None and lookback is None:
            if months_back:
                raise self.refuse(range_key, "a lookback range without a lookback percentage")
            return None
        field = "demandratchetpercentage" if monthly is not None else percent_key
        if monthly is not None and lookback is not None and monthly != lookback:
            raise self.refuse(
                "demandratchetpercentage",
                f"{monthly} by month and {percent_key} {lookback} disagree",
            )
        fraction = monthly if monthly is not None else lookback
        assert fraction is not None  # noqa: S101 - one of them is set
        if not months_back:
            raise self.refuse(
                field,
                "a ratchet without the number of months it looks back "
                f"({range_key} is missing or 0)",
            )
        if not 1 <= months_back <= 36:
            raise self.refuse(range_key, f"a lookback of {months_back} months; 1 to 36 supported")
        if not 0 < fraction <= 1:
            raise self.refuse(field, f"a ratchet of {fraction}; expected a fraction 0 to 1")
        self.notes.append(
            f"Ratchet: billing demand is at least {fraction} of the highest demand of the "
            f"{months_back} months before the bill."
        )
        return {"percent": fraction * 100, "lookback_months": months_back}, field

    # -- fixed and minimum --------------------------------------------------------------

    def _reactive_demand_charge(self) -> dict[str, Any] | None:
        """``demandreactivepowercharge`` [$/kVAR]: a charge on the month's maximum kvar."""
        value = self.record.get("demandreactivepowercharge")
        if value is None or (not isinstance(value, bool) and _trivial(value)):
            return None
        price = self.money(value, "demandreactivepowercharge")
        if price < 0:
            raise self.refuse(
                "demandreactivepowercharge", f"a negative reactive demand charge ({price})"
            )
        self.notes.append(
            "The reactive power charge is billed on the month's maximum reactive demand "
            "[kvar], the kvarh of a demand window ÷ the window's hours, and needs "
            "readings with a kvarh column."
        )
        return {
            "kind": "reactive",
            "code": "reactive",
            "label": "Reactive demand",
            "price_per_kvar": price,
        }

    def _fixed_charges(self) -> list[dict[str, Any]]:
        record = self.record
        legacy = record.get("fixedmonthlycharge")
        first = record.get("fixedchargefirstmeter")
        units = record.get("fixedchargeunits")
        legacy_amount = None if legacy is None else self.money(legacy, "fixedmonthlycharge")
        amount = None if first is None else self.money(first, "fixedchargefirstmeter")
        per: str | None = None
        if amount is not None and amount != 0:
            if units is None:
                raise self.malformed(
                    "fixedchargeunits", "fixedchargefirstmeter needs fixedchargeunits"
                )
            per = {"$/month": "month", "$/day": "day"}.get(str(units))
            if str(units) == "$/year":
                amount, per = self._yearly_fixed_charge(amount), "month"
            if per is None:
                raise self.refuse(
                    "fixedchargeunits",
                    f"a fixed charge in {units!r}; supported: $/month, $/day, $/year",
                )
        if legacy_amount is not None and legacy_amount != 0:
            if per is not None and not (per == "month" and amount == legacy_amount):
                raise self.refuse(
                    "fixedmonthlycharge",
                    f"{legacy_amount} per month next to fixedchargefirstmeter {amount} "
                    f"{units}; the record gives two fixed charges",
                )
            amount, per = legacy_amount, "month"
        if per is None or amount is None or amount == 0:
            return []
        if amount < 0:
            raise self.refuse("fixedchargefirstmeter", f"a negative fixed charge ({amount})")
        return [
            {
                "kind": "fixed",
                "code": "fixed",
                "label": "Fixed charge",
                "amount": amount,
                "per": per,
            }
        ]

    def _yearly_fixed_charge(self, amount: Decimal) -> Decimal:
        """A fixed charge in ``$/year`` as its twelfth a month, where that is exact.

        NREL's URDB reader for SAM (NREL/pysam ``files/UtilityRateTools.py``,
        ``URDBv8_to_ElectricityRates``) bills ``$/year`` as one twelfth each month; the
        twelfth must be an exact decimal (120 → 10), else the record is refused.
        """
        with localcontext() as context:
            context.prec = MAX_DIGITS_BEFORE_POINT + MAX_DECIMAL_PLACES + 2
            context.traps[Inexact] = True
            try:
                monthly = amount / 12
            except Inexact:
                raise self.refuse(
                    "fixedchargeunits",
                    f"a fixed charge of {amount} $/year: one twelfth a month (SAM's reading) "
                    "is not an exact amount, and billing it once would need the month",
                ) from None
        try:
            exact_decimal(monthly)
        except ValueError:
            raise self.refuse(
                "fixedchargeunits",
                f"a fixed charge of {amount} $/year: one twelfth a month, {monthly}, has "
                "more decimal places than a price may have",
            ) from None
        self.notes.append(
            f"The fixed charge of {amount} $/year is billed as one twelfth, {monthly}, a month."
        )
        return monthly

    def _minimum_charges(self) -> list[dict[str, Any]]:
        record = self.record
        charges: list[dict[str, Any]] = []
        amount = record.get("mincharge")
        if amount is not None and self.number(amount, "mincharge") != 0:
            units = record.get("minchargeunits")
            per = {"$/month": "month", "$/day": "day", "$/year": "year"}.get(str(units))
            if per is None:
                raise self.refuse(
                    "minchargeunits",
                    f"a minimum charge in {units!r}; supported: $/month, $/day, $/year",
                )
            charges.append(self._minimum(self.money(amount, "mincharge"), per, "mincharge"))
        for key, per in (("minmonthlycharge", "month"), ("annualmincharge", "year")):
            value = record.get(key)
            if value is not None and self.number(value, key) != 0:
                charges.append(self._minimum(self.money(value, key), per, key))
        pers = [charge["per"] for charge in charges]
        if len(set(pers)) != len(pers):
            raise self.refuse(
                "mincharge",
                "two minimum charges of the same kind (mincharge and a version 3 field)",
            )
        return charges

    def _minimum(self, amount: Decimal, per: str, key: str) -> dict[str, Any]:
        if amount < 0:
            raise self.refuse(key, f"a negative minimum charge ({amount})")
        code = "minimum" if per != "year" else "minimum.annual"
        label = {"month": "Minimum bill", "day": "Minimum bill", "year": "Annual minimum"}[per]
        return {"kind": "minimum", "code": code, "label": label, "amount": amount, "per": per}

    # -- dates --------------------------------------------------------------------------

    def _effective_date(self, zone: ZoneInfo) -> str:
        start = self._date("startdate", zone)
        end = self._date("enddate", zone)
        if end is not None:
            if start is not None and end < start:
                raise self.malformed(
                    "enddate", f"the record ends ({end}) before it starts ({start})"
                )
            self.withdrawn = end + dt.timedelta(days=1)
            self.notes.append(
                f"The record's enddate is {end}: bills after it are "
                + ("priced under the record and say so." if self.past_enddate else "refused.")
            )
        if self.record.get("approved") in (False, "false", "False"):
            self.notes.append("URDB marks the record as not approved.")
        if not self.exports_priced and (
            _text(self.record.get("dgrules")) or self.record.get("usenetmetering") is True
        ):
            rules = _text(self.record.get("dgrules")) or "net metering"
            self.notes.append(
                f"Exported energy is not credited (the record's rule for it: {rules})."
            )
        if start is None:
            return _FIRST_VERSION
        return start.isoformat()

    def _date(self, key: str, zone: ZoneInfo) -> dt.date | None:
        value = self.record.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            text = value.strip()
            try:
                match = _URDB_DATE.fullmatch(check_ascii_digits(text))
                if match:
                    return parse_date(match.group(1))
            except ValueError as exc:
                raise self.malformed(key, str(exc)) from None
            if _URDB_DATE_AND_TIME.fullmatch(text):
                raise self.malformed(
                    key,
                    f"{value!r} has a time of day or a UTC offset, which would be dropped; "
                    "expected a date YYYY-MM-DD (with at most the time 00:00:00) or epoch "
                    "seconds",
                )
            if not text.lstrip("-").replace(".", "", 1).isdigit():
                raise self.malformed(key, f"expected epoch seconds or a date, found {value!r}")
        seconds = self.integer(value, key)
        try:
            # URDB writes effective dates as epoch seconds of a UTC midnight (mostly): the
            # UTC date is the date meant; a local date would fall a day early in the
            # Americas.
            return dt.datetime.fromtimestamp(seconds, dt.UTC).date()
        except (OverflowError, OSError, ValueError):
            raise self.malformed(key, f"{value!r} is not a time") from None


class _Calendar:
    """Seasons and day types from the schedules that need them, and their period rules."""

    def __init__(
        self,
        energy: tuple[list[list[int]], list[list[int]]] | None,
        demand: tuple[list[list[int]], list[list[int]]] | None,
    ) -> None:
        schedules = [s for s in (energy, demand) if s is not None]
        keys = [tuple(tuple(rows[m]) for pair in schedules for rows in pair) for m in range(12)]
        groups: dict[tuple[tuple[int, ...], ...], list[int]] = {}
        for m, key in enumerate(keys):
            groups.setdefault(key, []).append(m)
        self.groups = list(groups.values())
        self.by_day_type = any(pair[0][m] != pair[1][m] for pair in schedules for m in range(12))

    def season_name(self, months: list[int]) -> str:
        return "_".join(_MONTHS[m] for m in months)

    def seasons_and_day_types(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if len(self.groups) > 1:
            found["seasons"] = {
                self.season_name(months): {"months": [m + 1 for m in months]}
                for months in self.groups
            }
        if self.by_day_type:
            found["day_types"] = {
                "weekday": {"weekdays": _WEEKDAYS},
                "weekend": {"weekdays": _WEEKEND},
            }
        return found

    def rules(
        self, pair: tuple[list[list[int]], list[list[int]]], prefix: str
    ) -> list[dict[str, Any]]:
        weekday, weekend = pair
        rules: list[dict[str, Any]] = []
        for months in self.groups:
            m = months[0]
            rows: Iterable[tuple[str | None, list[int]]]
            if self.by_day_type:
                rows = [("weekday", weekday[m]), ("weekend", weekend[m])]
            else:
                rows = [(None, weekday[m])]
            for day_type, row in rows:
                rule: dict[str, Any] = {}
                if len(self.groups) > 1:
                    rule["seasons"] = [self.season_name(months)]
                if day_type is not None:
                    rule["day_types"] = [day_type]
                rule["windows"] = _windows(row, prefix)
                rules.append(rule)
        return rules


def _windows(row: list[int], prefix: str) -> dict[str, list[str]]:
    """Clock windows of each period in a row of 24 hourly period indexes."""
    windows: dict[str, list[str]] = {}
    start = 0
    for hour in range(1, 25):
        if hour == 24 or row[hour] != row[start]:
            name = f"{prefix}{row[start]}"
            windows.setdefault(name, []).append(f"{start:02d}:00-{hour:02d}:00")
            start = hour
    return dict(sorted(windows.items(), key=lambda item: int(item[0][len(prefix) :])))


# -- small helpers ------------------------------------------------------------------------


def _trivial(value: Any) -> bool:
    """Whether a value holds nothing: None, empty, zero, false, or only such values."""
    if value is None or value is False:
        return True
    if isinstance(value, str):
        return value.strip() in ("", "0")
    if isinstance(value, int | Decimal):
        return value == 0
    if isinstance(value, float):
        return value == 0.0
    if isinstance(value, list):
        return all(_trivial(item) for item in value)
    if isinstance(value, dict):
        return all(_trivial(item) for item in value.values())
    return False


def _all_zero(tiers: list[dict[str, Any]]) -> bool:
    """Whether every tier of a period has a zero rate and adjustment."""
    return all(_trivial(tier.get("rate")) and _trivial(tier.get("adj")) for tier in tiers)


def _structure_is_zero(value: Any) -> bool:
    if not isinstance(value, list):
        return _trivial(value)
    for period in value:
        if not isinstance(period, list):
            return False
        if not all(isinstance(tier, dict) for tier in period) or not _all_zero(period):
            return False
    return True


def _demand_unit_refusal(unit: str) -> str:
    """Why demand in ``unit`` is not priced.

    Horsepower: NIST SP 811 (2008), Appendix B.8, gives three: the mechanical
    horsepower (550 ft·lbf/s = 745.699 9 W, 745.699872 W to nine digits), the electric
    horsepower (746 W exactly) and the metric one (735.498 8 W). A record does not say
    which, and a price per hp turned into a price per kW is a division by that factor,
    which has no exact decimal.

    >>> _demand_unit_refusal("hp")[:36]
    'demand priced per hp, a unit that is'
    """
    if unit.strip().lower() in ("hp", "hp daily"):
        return (
            "demand priced per hp, a unit that is 745.699872 W (mechanical), 746 W (electric) "
            "or 735.4988 W (metric) by NIST SP 811, Appendix B.8; the record does not say "
            "which, and the price per kW (the price per hp ÷ the kW of one hp) has no exact "
            "decimal; refused rather than rounded"
        )
    return f"demand in {unit!r}; only kW is priced"


def _as_plain(value: Any) -> str:
    """A value as text on one line: text as it is, anything else as the record writes it."""
    text = value if isinstance(value, str) else _as_written(value)
    return " ".join(text.split())


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _slug(text: str) -> str:
    slug = _ID_CHARACTERS.sub("-", text.lower()).strip("-.")
    return slug or "urdb"


def _preview(value: Any) -> str:
    """A value as the record writes it, shortened for a message.

    >>> _preview([Decimal("0.51"), 2, "x"])
    '[0.51, 2, "x"]'
    """
    text = _as_written(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _as_written(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_as_written(item) for item in value) + "]"
    if isinstance(value, dict):
        items = (f"{_as_written(key)}: {_as_written(item)}" for key, item in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, default=str, ensure_ascii=False)


# -- YAML ---------------------------------------------------------------------------------

_STRING_TAG = "tag:yaml.org,2002:str"
_NOT_PLAIN_TAG = "tariffs:not-plain"  # what `_TableDumper.resolve` says of risky text
# Text that a YAML reader could take for something else: the YAML 1.1 words in any case
# (`tariffs.io.safe_yaml` refuses them unquoted) and anything that starts like a number.
_YAML11_WORDS = YAML11_BOOLEAN_WORDS | {"true", "false", "null"}
_NUMBER_LIKE = re.compile(r"[-+]?\.?[0-9]|[-+]?\.(?:inf|nan)", re.IGNORECASE)


class _TableDumper(yaml.SafeDumper):
    """PyYAML's safe writer, set for tariff tables that `tariffs.io.safe_yaml` reads back.

    Decimals are quoted text (the schema reads them exactly), dates ISO text, integers
    and booleans plain; a float is refused. Text is written plain only when no YAML reader
    could take it for anything else, else in double quotes, and on one line either way. Lists of
    scalars are flow lists (wrapped at the line width), everything else block style, with
    list items indented under their key; an object used twice is written twice, never as
    an alias.
    """

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> Any:
        """Resolve as PyYAML 1.1 does, and keep risky text from being written plain."""
        tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        if (
            tag == _STRING_TAG
            and kind is ScalarNode
            and implicit[0]
            and (value.lower() in _YAML11_WORDS or _NUMBER_LIKE.match(value))
        ):
            return _NOT_PLAIN_TAG
        return tag

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Indent the items of a block list under their key."""
        super().increase_indent(flow, indentless=False)

    def choose_scalar_style(self) -> str:
        """Double quotes wherever PyYAML would choose single ones."""
        style = super().choose_scalar_style()
        return '"' if style == "'" else style

    def write_plain(self, text: str, split: bool = True) -> None:
        """Plain text on one line."""
        super().write_plain(text, split=False)

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        """Quoted text on one line."""
        super().write_double_quoted(text, split=False)

    def ignore_aliases(self, data: Any) -> bool:
        """Never write anchors and aliases."""
        return True


def _represent_decimal(dumper: _TableDumper, value: Decimal) -> ScalarNode:
    return dumper.represent_scalar(_STRING_TAG, str(value), style='"')


def _represent_date(dumper: _TableDumper, value: dt.date) -> ScalarNode:
    return dumper.represent_scalar(_STRING_TAG, value.isoformat())


def _represent_list(dumper: _TableDumper, items: list[Any]) -> SequenceNode:
    flow = not any(isinstance(item, dict | list) for item in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


def _refuse_float(dumper: _TableDumper, value: float) -> ScalarNode:
    raise TypeError(f"{value!r} is a binary float; tariff tables hold exact decimals")


_TableDumper.add_representer(Decimal, _represent_decimal)
_TableDumper.add_representer(dt.date, _represent_date)
_TableDumper.add_representer(list, _represent_list)
_TableDumper.add_representer(float, _refuse_float)


def _dump_yaml(data: dict[str, Any]) -> str:
    """The tariff data as YAML text, keys in their order.

    >>> data = {"id": "t", "on": "off", "from": dt.date(2025, 1, 1), "prices": [Decimal("0.10"), 3]}
    >>> print(_dump_yaml(data), end="")
    id: t
    "on": "off"
    from: "2025-01-01"
    prices: ["0.10", 3]
    """
    return yaml.dump(
        data,
        Dumper=_TableDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=96,
    )
