"""Fuzzing of every reader and of the ``price`` command.

Each target takes a file (random bytes, or a valid file mutated the way people and
programs break files) and allows exactly two outcomes:

* the input is accepted, and what comes out obeys the laws: readings hold exactly the
  quantities written in the file, at the instants written; a bill's total is the sum of
  its lines, the top total the sum of the bills, and each bill's ``energy_kwh`` is the sum
  of the kWh written for the days of its period;
* the input is refused with the library's own error, naming the file (and its line where
  the file has one).

Anything else fails: another exception, a refusal without its location, a bill that
breaks a law, or a call still running after `HANG_SECONDS` (a hang guard, not a speed
test; each input is checked in a forked child process that is killed when its time is
up, so that even work stuck in one C call is stopped).

Every format is also fuzzed through the command line, ``tariffs.cli.main`` run in
process as ``tariffs price ... --format json``, starting from real files: the bundled
tables, the URDB records and Green Button feeds of tests/data, and
examples/readings.csv. A run may exit 0 with bills whose every total is the sum of its
lines and whose top total is the sum of the bills (for CSV readings, each bill's
``energy_kwh`` is also the kWh of its days); or exit 1 with exactly one
``tariffs: error: FILE...`` line naming one of the inputs; or exit 2 with a usage error.
Nothing else: no traceback, no other exit code, no exception escaping ``main``. The
accounts CSV is fuzzed through ``tariffs batch``, whose failed accounts are each one
located line on stderr while the others are priced.

How many examples each test draws comes from the hypothesis profile (tests/conftest.py):
25 in the default profile, 1000 in the long one. The seed is fixed (`FUZZ_SEED`), so a
run that fails fails again the same way; ``TARIFFS_FUZZ_SEED`` chooses another::

    HYPOTHESIS_PROFILE=long python -m pytest tests/test_fuzz.py
    HYPOTHESIS_PROFILE=long TARIFFS_FUZZ_SEED=7 python -m pytest tests/test_fuzz.py -k urdb

A search by time rather than by count runs the same targets, each failure kept and
counted: ``python benchmarks/fuzz_campaign.py --minutes 10``.

Mutations are structure-aware where it pays: tariff and account files are read into
data, then keys are deleted, duplicated and renamed, values are replaced by values of
other types, and lists (windows, tiers, charges) are shuffled, before being written back
as YAML; their text is also mutated line by line (duplicate, delete, swap, re-indent),
token by token (YAML 1.1 words, anchors, tags), byte by byte, and number by number (a
number swapped for a huge, tiny, negative or not-a-number one, or for digits of another
script). Readings files are built as valid files, then rows are dropped, duplicated and
swapped, fields corrupted and timestamps moved; real files get the text mutations.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import io
import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tariffs.cli import main
from tariffs.errors import (
    AccountError,
    InputError,
    ReadingsError,
    TariffFileError,
    TariffsError,
    UnsupportedFeatureError,
)
from tariffs.io.readings.csv_reader import read_readings_csv
from tariffs.io.readings.greenbutton import read_greenbutton
from tariffs.io.safe_yaml import parse_yaml
from tariffs.io.tables import BUNDLED_TABLES, load_account, load_tariff
from tariffs.io.urdb import load_urdb_tariff, parse_urdb

ROOT = Path(__file__).resolve().parent.parent

#: A call still running after this many seconds is a hang.
HANG_SECONDS = 10.0

#: Messages of refusals that concern the whole file, which therefore have no line.
WHOLE_FILE_MESSAGES = ("empty file", "file is ", "cannot read the file", "no such")

#: The seed of every fuzz test, so that a failure found once is found again by the same
#: run; another seed (``TARIFFS_FUZZ_SEED=7``) searches elsewhere.
FUZZ_SEED = int(os.environ.get("TARIFFS_FUZZ_SEED", "14"))

FUZZ_SETTINGS = settings(
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# =========================================================================================
# Outcomes and the hang guard
# =========================================================================================


@dataclass(frozen=True)
class Outcome:
    """What a target did with one input.

    Attributes:
        kind: ``accepted``, or the name of the error class that refused the input.
        message: The refusal's message without its file and location (empty if accepted).
    """

    kind: str
    message: str = ""


ACCEPTED = Outcome("accepted")


class _Hang(BaseException):
    """Raised by the alarm inside a call that runs too long (not an `Exception`)."""


@contextlib.contextmanager
def hang_guard(seconds: float = HANG_SECONDS) -> Iterator[None]:
    """Fail a block that is still running after ``seconds``.

    An alarm interrupts Python code that loops; the elapsed time is also checked at the
    end, for work done inside a single C call that an alarm cannot interrupt.
    """
    use_alarm = (
        hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    previous: Any = None
    if use_alarm:

        def on_alarm(signum: int, frame: object) -> None:
            raise _Hang

        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    began = time.perf_counter()
    try:
        yield
    except _Hang:
        raise AssertionError(f"hang: still running after {seconds} s") from None
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    elapsed = time.perf_counter() - began
    assert elapsed < seconds, f"hang: took {elapsed:.1f} s"


def refusal(error: InputError, path: Path, *, needs_line: bool = True) -> Outcome:
    """Check that an input error names ``path`` (and a line), and describe it."""
    assert error.file == str(path), (error.file, str(path), str(error))
    assert str(error).startswith(str(path)), str(error)
    if needs_line and not error.message.startswith(WHOLE_FILE_MESSAGES):
        assert error.line is not None, f"no line in: {error}"
    return Outcome(type(error).__name__, error.message)


# =========================================================================================
# Writing data back as YAML, and mutating it
# =========================================================================================


class _Dumper(yaml.SafeDumper):
    """Writes decimals as quoted text, which the schema reads back exactly."""


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_str(str(value)))


def to_yaml(data: Any) -> bytes:
    """Block-style YAML, lists of scalars in flow style, as the bundled tables are written."""
    text = yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=None
    )
    return text.encode("utf-8")


#: Keys that a rename or a duplicate gives: schema words in the wrong place, YAML 1.1
#: booleans (written quoted by the dumper, so they stay text), dates, junk.
KEY_POOL = (
    "on",
    "off",
    "yes",
    "",
    "x",
    "kind",
    "prices",
    "price_per_kwh",
    "windows",
    "months",
    "seasons",
    "periods",
    "day_types",
    "tiers",
    "bounds_kwh",
    "overrides",
    "charges",
    "base_prices",
    "peak",
    "valley",
    "flat",
    "critical_peak",
    "all",
    "summer",
    "2025-01-01",
    "2025-13-01",
    "2019-01-01",
    "capacity_kva",
    "contract_demand_kw",
    "service_start",
    "service_end",
    "basic_charge_method",
    "critical_peak_days",
    "<<",
    "1",
    "Peak",
    "péak",
)

#: Values that replace a value: every YAML type, and numbers at the edges.
VALUE_POOL: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    1,
    -1,
    7,
    13,
    10**30,
    Decimal("0"),
    Decimal("-0.5"),
    Decimal("0.4883"),
    Decimal("1E+30"),
    Decimal("1E-40"),
    Decimal("123456789.123456789123456789123456789"),
    "",
    " ",
    "x",
    "yes",
    "NaN",
    "Infinity",
    "-0",
    "1e999999",
    "0x1F",
    "1:30",
    "08:00-22:00",
    "22:00-08:00",
    "00:00-24:00",
    "08:00-08:00",
    "24:00-00:00",
    "2025-01-01",
    "2025-02-30",
    "06-15",
    "13-01",
    "Asia/Shanghai",
    "America/Los_Angeles",
    "Mars/Olympus",
    "energy",
    "fixed",
    "basic",
    "demand",
    "power_factor",
    "1983-0.90",
    "capacity",
    "contract_demand",
    "actual_demand",
    "annual",
    "monthly",
    "chronological",
    "increment",
    "events",
    "FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=1",
    [],
    {},
    [1, 2, 3],
    ["peak"],
    {"of": "flat"},
    {"of": "peak", "ratio": "1.2"},
    {"a": 1},
)

_WINDOW_TIMES = ("00:00", "06:00", "07:30", "08:00", "08:07", "11:00", "22:00", "23:45", "24:00")


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value inside the data, parents before children."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield from _paths(value, (*prefix, index))


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    node = data
    for element in path[:-1]:
        node = node[element]
    return node


@st.composite
def mutated_data(draw: st.DrawFn, seed: Any) -> Any:
    """The seed data with one to three structure-aware mutations."""
    data = copy.deepcopy(seed)
    for _ in range(draw(st.integers(1, 3))):
        paths = list(_paths(data))
        if not paths:
            return draw(st.sampled_from(VALUE_POOL))
        path = draw(st.sampled_from(paths))
        parent = _parent(data, path)
        key = path[-1]
        value = parent[key]
        operation = draw(
            st.sampled_from(
                ["delete", "duplicate", "rename", "replace", "retype", "shuffle", "window"]
            )
        )
        if operation == "delete":
            del parent[key]
        elif operation == "duplicate":
            if isinstance(parent, list):
                parent.insert(key, copy.deepcopy(value))
            else:
                parent[draw(st.sampled_from(KEY_POOL))] = copy.deepcopy(value)
        elif operation == "rename" and isinstance(parent, dict):
            new_key = draw(st.sampled_from((*KEY_POOL, *(k for k in parent if k != key))))
            items = [(new_key if k == key else k, v) for k, v in parent.items()]
            parent.clear()
            parent.update(items)
        elif operation == "retype":
            parent[key] = _retyped(value)
        elif operation == "shuffle" and isinstance(value, list) and len(value) > 1:
            parent[key] = draw(st.permutations(value))
        elif operation == "window":
            first, last = draw(st.sampled_from(_WINDOW_TIMES)), draw(st.sampled_from(_WINDOW_TIMES))
            parent[key] = f"{first}-{last}"
        else:
            parent[key] = copy.deepcopy(draw(st.sampled_from(VALUE_POOL)))
    return data


def _retyped(value: Any) -> Any:
    """The same information in another type: text ↔ number, scalar ↔ list, map → list."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, str):
        with contextlib.suppress(InvalidOperation, ValueError):
            return Decimal(value)
        return [value]
    if isinstance(value, list):
        return value[0] if value else None
    if isinstance(value, dict):
        return list(value.values())
    return "null"


#: Tokens that text mutations put in place of a scalar: YAML 1.1 traps, YAML syntax.
TOKEN_POOL = (
    "yes",
    "no",
    "on",
    "off",
    "y",
    "~",
    "2025-01-01",
    "2025-1-1",
    "1:30",
    "010",
    "0x1F",
    ".inf",
    "-.inf",
    ".nan",
    "1e30",
    "1e-30",
    "-1",
    "&anchor",
    "*anchor",
    "*undefined",
    "!!python/object/apply:os.getcwd []",
    "!!float 1",
    "!!binary aGVsbG8=",
    "<<",
    "[",
    "]",
    "{",
    "'",
    '"',
    "|",
    ">",
    "- ",
    ": ",
    "#",
    "\t",
    "---",
    "...",
    "%YAML 1.1",
)


#: What a number in a file's text is swapped for: huge, tiny, negative, not a number,
#: digits of other scripts (Arabic-Indic, Devanagari, full-width, superscript), Python's
#: and C's spellings.
NUMBER_POOL = (
    "0",
    "-0",
    "-1",
    "-0.5",
    "9" * 30,
    "9" * 400,
    "1e400",
    "1E+999999999",
    "1e-400",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    ".inf",
    "\u0663",
    "\u0661\u0662\u066b\u0665",
    "\u0967\u0968",
    "\uff11\uff12",
    "\u00b2",
    "1_000",
    "0x1F",
    "12.",
    ".5",
    "+7",
)


@st.composite
def mutated_text(draw: st.DrawFn, seed: bytes) -> bytes:
    """The seed text with one to three line, token, number or byte mutations (a bit flipped)."""
    text = seed
    for _ in range(draw(st.integers(1, 3))):
        lines = text.split(b"\n")
        operation = draw(
            st.sampled_from(
                [
                    "duplicate",
                    "delete",
                    "swap",
                    "indent",
                    "token",
                    "bytes",
                    "truncate",
                    "crlf",
                    "bom",
                    "number",
                    "flip",
                ]
            )
        )
        index = draw(st.integers(0, max(0, len(lines) - 1)))
        if operation == "duplicate":
            lines.insert(index, lines[index])
        elif operation == "delete" and len(lines) > 1:
            del lines[index]
        elif operation == "swap" and len(lines) > 1:
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif operation == "indent":
            if draw(st.booleans()):
                lines[index] = draw(st.sampled_from([b" ", b"  ", b"\t"])) + lines[index]
            elif lines[index].startswith(b"  "):
                lines[index] = lines[index][2:]
        elif operation == "token":
            token = draw(st.sampled_from(TOKEN_POOL)).encode()
            words = list(re.finditer(rb"[^\s:,\[\]{}\"'-][^\s:,\[\]{}\"']*", lines[index]))
            if words:
                word = draw(st.sampled_from(words))
                lines[index] = lines[index][: word.start()] + token + lines[index][word.end() :]
            else:
                lines[index] += b" " + token
        elif operation == "bytes":
            inserted = draw(st.binary(min_size=1, max_size=4))
            position = draw(st.integers(0, len(lines[index])))
            lines[index] = lines[index][:position] + inserted + lines[index][position:]
        elif operation == "truncate":
            joined = b"\n".join(lines)
            return joined[: draw(st.integers(0, len(joined)))]
        elif operation == "crlf":
            return b"\r\n".join(lines)
        elif operation == "bom":
            return b"\xef\xbb\xbf" + b"\n".join(lines)
        elif operation == "flip" and lines[index]:
            position = draw(st.integers(0, len(lines[index]) - 1))
            flipped = lines[index][position] ^ (1 << draw(st.integers(0, 7)))
            lines[index] = lines[index][:position] + bytes([flipped]) + lines[index][position + 1 :]
        elif operation == "number":
            numbers = list(re.finditer(rb"\d+(?:\.\d+)?", lines[index]))
            if numbers:
                number = draw(st.sampled_from(numbers))
                digits = draw(st.sampled_from(NUMBER_POOL)).encode()
                line = lines[index]
                lines[index] = line[: number.start()] + digits + line[number.end() :]
        text = b"\n".join(lines)
    return text


@functools.lru_cache(maxsize=32)
def _seed_data(seed_text: bytes) -> Any:
    return parse_yaml(seed_text.decode("utf-8"), "seed.yaml").data


def mutated_yaml(seed_text: bytes) -> st.SearchStrategy[bytes]:
    """Structure-aware mutations, text mutations, or both, of a YAML file."""
    structural = mutated_data(_seed_data(seed_text)).map(to_yaml)
    return st.one_of(
        structural,
        mutated_text(seed_text),
        structural.flatmap(mutated_text),
    )


#: Random bytes, and random text built from the characters that make YAML structure.
YAML_NOISE = st.one_of(
    st.binary(max_size=400),
    st.text(alphabet=" \n\t:-[]{},&*!|>'\"#%@`?~.0123456789abcdefnoty_/+eE", max_size=300).map(
        str.encode
    ),
)


# =========================================================================================
# Tariff tables
# =========================================================================================

BUNDLED_FILES = sorted(BUNDLED_TABLES.rglob("*.yaml"))
assert BUNDLED_FILES, BUNDLED_TABLES


@dataclass(frozen=True)
class TariffCase:
    """A tariff file to load, under the name of the table it came from."""

    name: str
    data: bytes


@st.composite
def tariff_cases(draw: st.DrawFn, noise: bool = False) -> TariffCase:
    path = draw(st.sampled_from(BUNDLED_FILES))
    if noise:
        return TariffCase(path.name, draw(YAML_NOISE))
    return TariffCase(path.name, draw(mutated_yaml(path.read_bytes())))


def check_tariff(case: TariffCase, directory: Path) -> Outcome:
    """Load a tariff file: a table, or a located `TariffFileError`."""
    path = directory / case.name
    path.write_bytes(case.data)
    try:
        with hang_guard():
            load_tariff(path)
    except TariffFileError as error:
        return refusal(error, path)
    return ACCEPTED


# =========================================================================================
# Readings CSV
# =========================================================================================

CSV_TIME_ZONES = ("Asia/Shanghai", "UTC", "America/Los_Angeles", "Europe/London")

#: First days drawn: ordinary days, month and year ends, and the 2025 clock changes of
#: Los Angeles (03-09, 11-02) and London (03-30, 10-26), from the IANA tz database.
CSV_DAYS = (
    dt.date(2025, 7, 1),
    dt.date(2025, 6, 30),
    dt.date(2025, 12, 31),
    dt.date(2025, 3, 9),
    dt.date(2025, 11, 2),
    dt.date(2025, 3, 30),
    dt.date(2025, 10, 26),
)

FIELD_POOL = (
    "",
    " ",
    "-1",
    "-0",
    "+1.5",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "1e3",
    "1E+999",
    "1e-9",
    "abc",
    " 1.5 ",
    "0.1234567891",
    "1234567890123456",
    "999999999999999.999999999",
    "0x10",
    "1_000",
    "１",
    "1.5\u00a0",
    '"1.5"',
)


@dataclass(frozen=True)
class CsvCase:
    """A readings CSV file and the time zone it is read in."""

    timezone: str
    data: bytes


@dataclass(frozen=True)
class CsvRows:
    """Rows of a readings CSV before it is written: header names and fields."""

    names: list[str]
    rows: list[list[str]]

    def text(self, line_end: str = "\n") -> str:
        lines = [",".join(self.names), *(",".join(row) for row in self.rows)]
        return line_end.join(lines) + line_end


def _quantity_text(draw: st.DrawFn) -> str:
    places = draw(st.sampled_from([0, 1, 2, 3]))
    value = Decimal(draw(st.integers(0, 2_000_000))).scaleb(-places)
    return format(value, "f")


@st.composite
def csv_rows(
    draw: st.DrawFn,
    timezone: str,
    *,
    days: tuple[dt.date, ...] = CSV_DAYS,
    intervals: tuple[int, ...] = (15, 30, 60),
    min_rows: int = 2,
    max_rows: int = 60,
    offsets: bool | None = None,
    reactive: bool = False,
) -> CsvRows:
    """Valid rows: consecutive intervals from local midnight of a drawn day.

    With ``reactive``, a ``kvarh`` column is added four times in five (power-factor
    charges need it).
    """
    zone = ZoneInfo(timezone)
    day = draw(st.sampled_from(days))
    minutes = draw(st.sampled_from(intervals))
    count = draw(st.integers(min_rows, max_rows))
    with_offsets = draw(st.booleans()) if offsets is None else offsets
    extra = draw(st.lists(st.sampled_from(["kvarh", "export_kwh", "kw"]), unique=True, max_size=3))
    if reactive and "kvarh" not in extra and draw(st.integers(0, 4)):
        extra.insert(0, "kvarh")
    names = ["start", "kwh", *extra]
    first = int(dt.datetime(day.year, day.month, day.day, tzinfo=zone).timestamp())
    rows = []
    for index in range(count):
        moment = dt.datetime.fromtimestamp(first + index * minutes * 60, zone)
        start = moment.strftime("%Y-%m-%dT%H:%M")
        if with_offsets:
            start = moment.isoformat(timespec="minutes")
        rows.append([start, *(_quantity_text(draw) for _ in names[1:])])
    return CsvRows(names, rows)


def _shift(start: str, minutes: int) -> str:
    try:
        moment = dt.datetime.fromisoformat(start) + dt.timedelta(minutes=minutes)
    except (ValueError, OverflowError):  # already mutated beyond reading: leave it
        return start
    text = moment.isoformat(timespec="minutes")
    return text if moment.tzinfo else text[:16]


@st.composite
def mutated_rows(draw: st.DrawFn, table: CsvRows, *, naive_only: bool = False) -> CsvRows:
    """Rows with one to three mutations of rows, fields, timestamps or the header."""
    names = list(table.names)
    rows = [list(row) for row in table.rows]
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(rows) - 1)) if rows else 0
        operation = draw(
            st.sampled_from(["drop", "duplicate", "swap", "field", "start", "header", "blank"])
        )
        if not rows:
            break
        if operation == "drop":
            del rows[index]
        elif operation == "duplicate":
            rows.insert(index, list(rows[index]))
        elif operation == "swap":
            other = draw(st.integers(0, len(rows) - 1))
            rows[index], rows[other] = rows[other], rows[index]
        elif operation == "field" and len(rows[index]) == len(names):
            column = draw(st.integers(1, len(names) - 1))
            rows[index][column] = draw(st.sampled_from(FIELD_POOL))
        elif operation == "start" and rows[index][0]:
            start = rows[index][0]
            change = draw(
                st.sampled_from(
                    ["shift", "offset", "zulu", "space", "seconds", "month13", "date only"]
                )
            )
            if change == "shift":
                minutes = draw(st.sampled_from([-1440, -60, -15, -5, 1, 5, 7, 15, 30, 60, 1440]))
                rows[index][0] = _shift(start, minutes)
            elif change == "offset" and not naive_only:
                rows[index][0] = start[:16] + draw(st.sampled_from(["+08:00", "-07:00", "+0100"]))
            elif change == "zulu" and not naive_only:
                rows[index][0] = start[:16] + "Z"
            elif change == "space":
                rows[index][0] = start.replace("T", " ")
            elif change == "seconds":
                rows[index][0] = start[:16] + draw(st.sampled_from([":00", ":30"])) + start[16:]
            elif change == "month13":
                rows[index][0] = start[:5] + "13" + start[7:]
            elif change == "date only":
                rows[index][0] = start[:10]
        elif operation == "header":
            position = draw(st.integers(0, len(names) - 1))
            names[position] = draw(st.sampled_from(["start", "kwh", "KWH", "time", "", "kw "]))
        elif operation == "blank":
            rows.insert(index, [""] * draw(st.sampled_from([1, len(names)])))
    return CsvRows(names, rows)


@st.composite
def csv_cases(draw: st.DrawFn, noise: bool = False) -> CsvCase:
    timezone = draw(st.sampled_from(CSV_TIME_ZONES))
    if noise:
        return CsvCase(timezone, draw(st.binary(max_size=400)))
    table = draw(csv_rows(timezone))
    if draw(st.integers(0, 4)):
        table = draw(mutated_rows(table))
    text = table.text(draw(st.sampled_from(["\n", "\r\n"])))
    data = text.encode("utf-8")
    if draw(st.integers(0, 9)) == 0:
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 4)) == 0:
        data = draw(mutated_text(data))
    return CsvCase(timezone, data)


def csv_lines(data: bytes) -> list[str]:
    """The lines of an accepted CSV file, read as its format says (BOM, CRLF, end)."""
    text = data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def expected_instant(text: str, zone: ZoneInfo) -> int | None:
    """UTC epoch seconds of a start as written, or None where Python reads it otherwise."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return int(moment.timestamp())


def check_csv(case: CsvCase, directory: Path) -> Outcome:
    """Read a readings CSV: exactly the quantities and instants written, or a located error."""
    path = directory / "readings.csv"
    path.write_bytes(case.data)
    try:
        with hang_guard():
            readings = read_readings_csv(path, case.timezone)
    except ReadingsError as error:
        return refusal(error, path)
    lines = csv_lines(case.data)
    names = [name.strip() for name in lines[0].split(",")]
    rows = [line.split(",") for line in lines[1:]]
    assert len(readings) == len(rows)
    assert readings.interval_seconds in (300, 900, 1800, 3600)
    zone = ZoneInfo(case.timezone)
    for row, start in zip(rows, readings.starts, strict=True):
        expected = expected_instant(row[0], zone)
        if expected is not None:
            assert start == expected, (row[0], start, expected)
    steps = {
        later - earlier
        for earlier, later in zip(readings.starts, readings.starts[1:], strict=False)
    }
    assert steps <= {readings.interval_seconds}
    for column, name in enumerate(names):
        if name == "start":
            continue
        written = sum((Decimal(row[column].strip()) for row in rows), Decimal(0))
        assert readings.total(name) == written, name
    return ACCEPTED


# =========================================================================================
# Green Button XML
# =========================================================================================


def greenbutton_feed(values: list[int], minutes: int, power_of_ten: int) -> bytes:
    """A one-meter Green Button feed of consecutive readings from 2025-07-01T00:00Z."""
    first = int(dt.datetime(2025, 7, 1, tzinfo=dt.UTC).timestamp())
    href = "http://example.test/espi"
    meter = f"{href}/UsagePoint/1/MeterReading/1"
    seconds = minutes * 60
    readings = "\n".join(
        f"<IntervalReading><timePeriod><duration>{seconds}</duration>"
        f"<start>{first + index * seconds}</start></timePeriod>"
        f"<value>{value}</value></IntervalReading>"
        for index, value in enumerate(values)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f'<entry><link rel="self" href="{href}/UsagePoint/1"/>\n'
        f'<link rel="related" href="{href}/UsagePoint/1/MeterReading"/>\n'
        '<content><UsagePoint xmlns="http://naesb.org/espi"><ServiceCategory><kind>0</kind>'
        "</ServiceCategory></UsagePoint></content></entry>\n"
        f'<entry><link rel="self" href="{meter}"/>\n'
        f'<link rel="up" href="{href}/UsagePoint/1/MeterReading"/>\n'
        f'<link rel="related" href="{meter}/IntervalBlock"/>\n'
        f'<link rel="related" href="{href}/ReadingType/1"/>\n'
        '<content><MeterReading xmlns="http://naesb.org/espi"/></content></entry>\n'
        f'<entry><link rel="self" href="{href}/ReadingType/1"/>\n'
        '<content><ReadingType xmlns="http://naesb.org/espi">'
        "<accumulationBehaviour>4</accumulationBehaviour><flowDirection>1</flowDirection>"
        f"<intervalLength>{seconds}</intervalLength>"
        f"<powerOfTenMultiplier>{power_of_ten}</powerOfTenMultiplier><uom>72</uom>"
        "</ReadingType></content></entry>\n"
        f'<entry><link rel="self" href="{meter}/IntervalBlock/1"/>\n'
        f'<link rel="up" href="{meter}/IntervalBlock"/>\n'
        '<content><IntervalBlock xmlns="http://naesb.org/espi">\n'
        f"{readings}\n"
        "</IntervalBlock></content></entry>\n"
        "</feed>\n"
    ).encode()


#: Green Button feeds of tests/data small enough to mutate and price in an example.
GREENBUTTON_FILES = tuple(
    ROOT / "tests" / "data" / "greenbutton" / name
    for name in ("electric_containerized_abridged.xml", "TestGBDataHourlyNineDaysBinnedDaily.xml")
)

XML_NUMBER_POOL = (
    "-1",
    "0",
    "1.5",
    "",
    "abc",
    "9999999999999999999",
    "99999999999999999999",
    "-3600",
    "86400",
    "7",
    "1e3",
)


#: An element of a Green Button feed with its content: innermost first, since the match
#: is lazy (an element that holds another of its own name is not matched whole).
_XML_ELEMENT = re.compile(rb"<([A-Za-z][\w:]*)(?:\s[^<>]*)?>.*?</\1>", re.DOTALL)


@st.composite
def mutated_feed(draw: st.DrawFn, feed: bytes) -> bytes:
    """A feed with zero to three mutations of its elements, numbers or text.

    An element (an ``IntervalReading``, a ``ReadingType``'s field, a whole ``entry``) is
    deleted, duplicated in place, or swapped with another of the same name; a number
    between tags is replaced; or the text is mutated as any text is.
    """
    for _ in range(draw(st.integers(0, 3))):
        operation = draw(st.sampled_from(["number", "element", "text"]))
        if operation == "number":
            numbers = list(re.finditer(rb">\s*(-?\d+)\s*<", feed))
            if numbers:
                number = draw(st.sampled_from(numbers))
                pool = (*XML_NUMBER_POOL, *NUMBER_POOL)
                replacement = draw(st.sampled_from(pool)).encode()
                feed = feed[: number.start(1)] + replacement + feed[number.end(1) :]
        elif operation == "element":
            elements = list(_XML_ELEMENT.finditer(feed))
            if elements:
                element = draw(st.sampled_from(elements))
                change = draw(st.sampled_from(["delete", "duplicate", "swap"]))
                before, after = feed[: element.start()], feed[element.end() :]
                if change == "delete":
                    feed = before + after
                elif change == "duplicate":
                    feed = before + element.group() * 2 + after
                else:
                    same = [
                        other
                        for other in elements
                        if other.group(1) == element.group(1)
                        and (other.end() <= element.start() or other.start() >= element.end())
                    ]
                    if same:
                        other = draw(st.sampled_from(same))
                        first, second = sorted((element, other), key=lambda match: match.start())
                        feed = (
                            feed[: first.start()]
                            + second.group()
                            + feed[first.end() : second.start()]
                            + first.group()
                            + feed[second.end() :]
                        )
        else:
            feed = draw(mutated_text(feed))
    return feed


@st.composite
def greenbutton_cases(draw: st.DrawFn, noise: bool = False) -> bytes:
    if noise:
        return draw(st.binary(max_size=400))
    if draw(st.integers(0, 2)) == 0:
        return draw(mutated_feed(draw(st.sampled_from(GREENBUTTON_FILES)).read_bytes()))
    values = draw(st.lists(st.integers(0, 10**7), min_size=1, max_size=48))
    minutes = draw(st.sampled_from([15, 60, 1440]))
    feed = greenbutton_feed(values, minutes, draw(st.sampled_from([0, 0, 3, -3, -9])))
    return draw(mutated_feed(feed))


def check_greenbutton(case: bytes, directory: Path) -> Outcome:
    """Read a Green Button file: consistent readings, or an error naming the file."""
    path = directory / "readings.xml"
    path.write_bytes(case)
    try:
        with hang_guard():
            readings = read_greenbutton(path)
    except ReadingsError as error:
        return refusal(error, path, needs_line=False)
    assert len(readings) > 0
    assert all(
        later > earlier
        for earlier, later in zip(readings.starts, readings.starts[1:], strict=False)
    )
    assert 86400 % readings.interval_seconds == 0
    assert all(value >= 0 for value in readings.kwh)
    return ACCEPTED


# =========================================================================================
# Account files
# =========================================================================================

ACCOUNT_SEEDS = (
    (ROOT / "examples" / "account.yaml").read_bytes(),
    b"account_id: R-17\n"
    b"service_start: 2025-07-02\n"
    b"service_end: 2025-12-30\n"
    b"tier_allowance_kwh_per_month: 100\n"
    b"critical_peak_days: [2025-07-01, 2025-07-02]\n"
    b"year_to_date_kwh: 1830\n"
    b"demand_history_kw: {'2025-06': 480}\n",
)


@st.composite
def account_cases(draw: st.DrawFn, noise: bool = False) -> bytes:
    if noise:
        return draw(YAML_NOISE)
    return draw(mutated_yaml(draw(st.sampled_from(ACCOUNT_SEEDS))))


def check_account(case: bytes, directory: Path) -> Outcome:
    """Load an account file: an account, or a located `AccountError`."""
    path = directory / "account.yaml"
    path.write_bytes(case)
    try:
        with hang_guard():
            load_account(path)
    except AccountError as error:
        return refusal(error, path)
    return ACCEPTED


# =========================================================================================
# URDB JSON records
# =========================================================================================

URDB_FILES = sorted((ROOT / "tests" / "data" / "urdb").rglob("*.json"))
assert URDB_FILES

#: Values a URDB record field may be replaced by, in JSON's own words (numbers as written).
URDB_VALUE_POOL = (
    *(value for value in VALUE_POOL if not isinstance(value, Decimal)),
    "1e400",
    "1e999999999",
    [[0] * 24] * 12,
    [[{"rate": "0.1", "max": "1e38"}]],
    [[{"rate": "1e300", "adj": "1e-300"}]],
)
URDB_TOKEN_POOL = ("NaN", "Infinity", "-Infinity", "1e400", "-1e-400", "9" * 400, "[" * 200,
                   '"\\ud800"', '"x": 1, "x": 2', "null", "true", "{}", "[]", ",", ":")  # fmt: skip


def to_json(data: Any) -> bytes:
    """JSON text of mutated record data; a decimal is written as the number it is."""

    def marked(value: Any) -> str:
        if isinstance(value, Decimal):
            return f"\0{value}\0"
        raise TypeError(type(value).__name__)

    text = json.dumps(data, default=marked)
    return re.sub(r'"\\u0000([^"\\]*)\\u0000"', r"\1", text).encode()


@functools.lru_cache(maxsize=32)
def _urdb_seed(path: Path) -> tuple[bytes, Any]:
    text = path.read_bytes()
    return text, parse_urdb(text.decode("utf-8-sig"), path.name)


@st.composite
def urdb_cases(draw: st.DrawFn, noise: bool = False) -> bytes:
    if noise:
        return draw(
            st.one_of(
                st.binary(max_size=400),
                st.text(alphabet=' \n{}[],:"0123456789.eE+-truefalsnNaIiy\\u', max_size=300).map(
                    str.encode
                ),
            )
        )
    text, record = _urdb_seed(draw(st.sampled_from(URDB_FILES)))
    choice = draw(st.integers(0, 2))
    if choice != 1:
        mutated = draw(mutated_data(record))
        for _ in range(draw(st.integers(0, 2))):
            paths = list(_paths(mutated))  # again: a replacement may remove paths
            if not paths:
                break
            path = draw(st.sampled_from(paths))
            _parent(mutated, path)[path[-1]] = copy.deepcopy(draw(st.sampled_from(URDB_VALUE_POOL)))
        text = to_json(mutated)
    if choice != 0:
        text = draw(mutated_text(text))
        if draw(st.booleans()):
            token = draw(st.sampled_from(URDB_TOKEN_POOL)).encode()
            position = draw(st.integers(0, len(text)))
            text = text[:position] + token + text[position:]
    return text


def check_urdb(case: bytes, directory: Path) -> Outcome:
    """Load a URDB record: a tariff, a `TariffFileError` naming the file, or a feature refused."""
    path = directory / "rate.json"
    path.write_bytes(case)
    try:
        with hang_guard():
            load_urdb_tariff(path, timezone="America/Denver", past_enddate=True)
    except TariffFileError as error:
        # Errors of the JSON itself are located; a record's content may concern no field.
        outcome = refusal(error, path, needs_line=False)
        if error.message.startswith(("not valid JSON", "nesting is", "the number ")):
            assert error.line is not None and error.column is not None, str(error)
        return outcome
    except UnsupportedFeatureError as error:
        assert error.where == str(path), str(error)
        return Outcome("UnsupportedFeatureError", error.feature)
    return ACCEPTED


# =========================================================================================
# The price command
# =========================================================================================

#: Days the readings of a price case start on: the tables' versions are in force, and a
#: year end exercises annual tiers and year-to-date counting.
PRICE_DAYS = (dt.date(2025, 7, 1), dt.date(2025, 7, 30), dt.date(2025, 12, 31))


@dataclass(frozen=True)
class PriceCase:
    """Files for one run of ``tariffs price``: a tariff, readings and maybe an account."""

    tariff: TariffCase
    readings: bytes
    account: bytes | None


@st.composite
def price_cases(draw: st.DrawFn) -> PriceCase:
    path = draw(st.sampled_from(BUNDLED_FILES))
    seed = path.read_bytes()
    tariff = draw(mutated_yaml(seed)) if draw(st.booleans()) else seed
    table = draw(
        csv_rows(
            "Asia/Shanghai",
            days=PRICE_DAYS,
            intervals=(15, 60),
            min_rows=4,
            max_rows=200,
            offsets=False,
            reactive=True,
        )
    )
    if draw(st.integers(0, 2)) == 0:
        table = draw(mutated_rows(table, naive_only=True))
    account: bytes | None = None
    if draw(st.integers(0, 3)):
        account = draw(st.sampled_from(ACCOUNT_SEEDS))
        if draw(st.integers(0, 2)) == 0:
            account = draw(mutated_yaml(account))
    return PriceCase(TariffCase(path.name, tariff), table.text().encode(), account)


#: What follows the file name in a message: an optional line and column, then ": ".
_LOCATION = re.compile(r"(?::\d+)?(?::\d+)?: ")


def run_cli(*argv: str) -> tuple[int, str, str]:
    """Run the command line in-process, with the hang guard: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with hang_guard(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def rows_by_day(readings: bytes) -> list[tuple[str, Decimal]] | None:
    """Local date and kWh of every row of an accepted readings file.

    None where the file's rows are not plain ``start,kwh,...`` fields (a mutated text the
    reader may still accept, such as a quoted field): its energy is then not checked.
    """
    try:
        lines = csv_lines(readings)
        names = [name.strip() for name in lines[0].split(",")]
        start, kwh = names.index("start"), names.index("kwh")
        found = []
        for line in lines[1:]:
            fields = line.split(",")
            day = dt.date.fromisoformat(fields[start].strip()[:10]).isoformat()
            found.append((day, Decimal(fields[kwh].strip())))
    except (UnicodeDecodeError, ValueError, IndexError, InvalidOperation):
        return None
    return found


def check_bills(document: dict[str, Any], readings: bytes | None) -> None:
    """The laws of a JSON bill document; with the CSV readings, their energy too."""
    rows = None if readings is None else rows_by_day(readings)
    bills = document["bills"]
    assert bills, document
    previous_end = ""
    for bill in bills:
        lines_total = sum((Decimal(line["amount"]) for line in bill["lines"]), Decimal(0))
        assert Decimal(bill["total"]) == lines_total, bill
        assert Decimal(bill["total"]).is_finite(), bill
        start, end = bill["period"]["start"], bill["period"]["end"]
        assert previous_end <= start < end, bill["period"]
        previous_end = end
        if rows is not None:
            read = sum((kwh for day, kwh in rows if start <= day < end), Decimal(0))
            assert Decimal(bill["energy_kwh"]) == read, (bill["energy_kwh"], read, start, end)
    assert Decimal(document["total"]) == sum((Decimal(bill["total"]) for bill in bills), Decimal(0))


def usage_error(lines: list[str]) -> Outcome:
    """A usage error: the command's usage line, then one line that points to its help."""
    assert lines and lines[0].startswith("usage: tariffs"), lines
    assert re.fullmatch(r"tariffs \w+: .*; see 'tariffs \w+ --help'", lines[-1]), lines
    return Outcome("usage", lines[-1])


def check_command(argv: list[str], files: list[str], readings: bytes | None) -> Outcome:
    """Run a command with JSON output: bills that obey the laws, or one located error line.

    Exit 0 must print a bill document (checked by `check_bills`, against ``readings`` when
    they are CSV) and nothing on stderr; exit 1 exactly one ``tariffs: error:`` line that
    starts with one of ``files``; exit 2 a usage error (the command's usage line, then one
    line). Any other exit code, or an exception escaping ``main``, fails.
    """
    code, out, err = run_cli(*argv)
    if code == 0:
        assert err == ""
        document = json.loads(out)
        check_bills(document, readings)
        return ACCEPTED
    assert out == ""
    lines = err.splitlines()
    if code == 2:
        return usage_error(lines)
    assert code == 1, (code, err)
    assert len(lines) == 1, err
    named = [name for name in files if lines[0].startswith(f"tariffs: error: {name}")]
    assert named, f"the message does not start with an input file: {lines[0]}"
    where = _LOCATION.match(lines[0], len(f"tariffs: error: {named[0]}"))
    assert where is not None, lines[0]
    return Outcome("error", lines[0][where.end() :])


def check_price(case: PriceCase, directory: Path) -> Outcome:
    """Run ``tariffs price``: a bill that obeys the laws, or one located error line."""
    tariff = directory / case.tariff.name
    tariff.write_bytes(case.tariff.data)
    readings = directory / "readings.csv"
    readings.write_bytes(case.readings)
    argv = ["price", str(readings), "--tariff", str(tariff), "--format", "json"]
    files = [str(tariff), str(readings)]
    if case.account is not None:
        account = directory / "account.yaml"
        account.write_bytes(case.account)
        argv += ["--account", str(account)]
        files.append(str(account))
    return check_command(argv, files, case.readings)


# =========================================================================================
# The price command, one input format mutated at a time, from real files
# =========================================================================================

#: The readings file shipped with the examples: a month of 15-minute kWh and kvarh.
EXAMPLE_READINGS = (ROOT / "examples" / "readings.csv").read_bytes()

#: URDB records of tests/data that price a month of readings as they are (the others
#: refuse a feature by name, which their mutations would mostly keep doing).
URDB_PRICED = tuple(
    path
    for path in sorted((ROOT / "tests" / "data" / "urdb").glob("*.json"))
    if not path.name.startswith(("peco_", "pge_e19", "sce_", "sdge_", "wallingford_"))
)

#: Bundled tables that price hourly readings without an account.
HOURLY_TABLES = tuple(
    path for path in BUNDLED_FILES if "industrial" not in path.name and "hydro" not in path.name
)


@dataclass(frozen=True)
class CommandCase:
    """Files for one ``tariffs price`` run: names and bytes, and the options around them.

    Attributes:
        files: File name and bytes of each input, readings first, tariff second.
        options: Options after the files (``--timezone``, ``--as-year``, ...).
        csv: Whether the readings are CSV (their energy is then checked per bill).
    """

    files: tuple[tuple[str, bytes], ...]
    options: tuple[str, ...] = ()
    csv: bool = True


@st.composite
def csv_price_cases(draw: st.DrawFn) -> CommandCase:
    """The example readings file, its text mutated, priced under a bundled table."""
    tariff = draw(st.sampled_from(BUNDLED_FILES))
    readings = draw(mutated_text(EXAMPLE_READINGS))
    files = [("readings.csv", readings), (tariff.name, tariff.read_bytes())]
    if draw(st.booleans()):
        files.append(("account.yaml", ACCOUNT_SEEDS[0]))
    return CommandCase(tuple(files))


@st.composite
def urdb_price_cases(draw: st.DrawFn) -> CommandCase:
    """A URDB record of tests/data, mutated, pricing valid readings in its time zone."""
    zone = "America/Denver"
    table = draw(csv_rows(zone, days=PRICE_DAYS, intervals=(15, 60), min_rows=4, max_rows=200))
    text, record = _urdb_seed(draw(st.sampled_from(URDB_PRICED)))
    if draw(st.integers(0, 2)):
        text = to_json(draw(mutated_data(record)))
    if draw(st.integers(0, 2)) != 1:
        text = draw(mutated_text(text))
    files = (("readings.csv", table.text().encode()), ("rate.json", text))
    return CommandCase(files, ("--timezone", zone, "--past-enddate"))


@st.composite
def greenbutton_price_cases(draw: st.DrawFn) -> CommandCase:
    """A Green Button feed, real or built, mutated, re-dated into 2025 and priced."""
    if draw(st.booleans()):
        feed = draw(st.sampled_from(GREENBUTTON_FILES)).read_bytes()
    else:
        values = draw(st.lists(st.integers(0, 10**7), min_size=1, max_size=72))
        feed = greenbutton_feed(values, 60, draw(st.sampled_from([0, 3, -3])))
    feed = draw(mutated_feed(feed)) if draw(st.integers(0, 3)) else draw(mutated_text(feed))
    tariff = draw(st.sampled_from(HOURLY_TABLES))
    files = (("readings.xml", feed), (tariff.name, tariff.read_bytes()))
    options = ["--as-year", "2025", "--align", "date"]
    if draw(st.booleans()):
        options.append("--allow-gaps")
    return CommandCase(files, tuple(options), csv=False)


def check_command_case(case: CommandCase, directory: Path) -> Outcome:
    """Write a case's files and run ``tariffs price`` on them (see `check_command`)."""
    paths = []
    for name, data in case.files:
        path = directory / name
        path.write_bytes(data)
        paths.append(str(path))
    argv = ["price", paths[0], "--tariff", paths[1], "--format", "json"]
    if len(paths) > 2:
        argv += ["--account", paths[2]]
    argv += case.options
    return check_command(argv, paths, case.files[0][1] if case.csv else None)


# =========================================================================================
# The batch command: the accounts CSV
# =========================================================================================

#: An accounts CSV that fills every account field once, for three accounts whose
#: readings (the first day of the example readings) sit in a directory of their own.
ACCOUNTS_SEED = (
    b"account_id,tariff,capacity_kva,contract_demand_kw,basic_charge_method,service_start,"
    b"service_end,meter_read_day,tier_allowance_kwh_per_month,critical_peak_days,"
    b"year_to_date_kwh,meter_multiplier\n"
    b"A-1,cn-sh-industrial-two-part,630,,capacity,2025-06-01,,,,,,1\n"
    b"A-2,cn-bj-residential,,,,,,,100,,1830,\n"
    b"A-3,cn-zj-residential-tou,,,,2025-07-01,2025-12-31,,,2025-07-01;2025-07-02,,2\n"
)

#: The first day of the example readings: the readings of every account of the batch.
ONE_DAY = "\n".join(csv_lines(EXAMPLE_READINGS)[:97]).encode() + b"\n"


@st.composite
def accounts_cases(draw: st.DrawFn) -> bytes:
    """The accounts CSV with cells replaced, then maybe its text mutated."""
    lines = [line.split(",") for line in ACCOUNTS_SEED.decode().splitlines()]
    for _ in range(draw(st.integers(0, 3))):
        row = draw(st.integers(0, len(lines) - 1))
        column = draw(st.integers(0, len(lines[row]) - 1))
        pool = (*FIELD_POOL, *NUMBER_POOL, *(v for v in VALUE_POOL if isinstance(v, str)))
        lines[row][column] = draw(st.sampled_from((*pool, "A-1", "A-4", "../A-1", "tariff")))
    data = "".join(",".join(line) + "\n" for line in lines).encode()
    if draw(st.integers(0, 2)):
        data = draw(mutated_text(data))
    return data


#: A failed account of a batch: ``tariffs: account ID failed: `` then a located message.
_ACCOUNT_FAILED = re.compile(r"tariffs: account (.*) failed: (.*)")


def check_batch(case: bytes, directory: Path) -> Outcome:
    """Run ``tariffs batch`` on an accounts CSV: lawful bills, and located failures.

    Exit 0 prints one bill per line, each a total that is the sum of its lines; exit 2 is
    a usage error (no tariff column, and no ``--tariff``). Exit 1 is either one
    ``tariffs: error:`` line naming the accounts CSV (the file is refused), or bills for
    the accounts that priced, one ``tariffs: account ... failed: FILE...`` line per
    account that did not, each naming one of the inputs, and a last line counting them.
    """
    accounts = directory / "accounts.csv"
    accounts.write_bytes(case)
    readings = directory / "readings"
    readings.mkdir()
    for account in ("A-1", "A-2", "A-3"):
        (readings / f"{account}.csv").write_bytes(ONE_DAY)
    argv = ["batch", "--accounts", str(accounts), "--readings-dir", str(readings)]
    argv += ["--workers", "1", "--format", "jsonl"]
    code, out, err = run_cli(*argv)
    for line in out.splitlines():
        bill = json.loads(line)
        lines_total = sum((Decimal(item["amount"]) for item in bill["lines"]), Decimal(0))
        assert Decimal(bill["total"]) == lines_total, bill
    lines = err.splitlines()
    if code == 0:  # every account priced (none, when the file has only its header)
        assert err == "", err
        return ACCEPTED
    if code == 2:  # an accounts CSV without a tariff column, and no --tariff
        assert out == ""
        return usage_error(lines)
    assert code == 1, (code, err)
    if not out and len(lines) == 1 and lines[0].startswith("tariffs: error: "):
        assert lines[0].startswith(f"tariffs: error: {accounts}"), lines[0]
        where = _LOCATION.match(lines[0], len(f"tariffs: error: {accounts}"))
        assert where is not None, lines[0]
        return Outcome("error", lines[0][where.end() :])
    assert len(lines) >= 2, err
    assert re.fullmatch(r"tariffs: \d+ of \d+ accounts? failed.*", lines[-1]), lines[-1]
    for line in lines[:-1]:
        failed = _ACCOUNT_FAILED.fullmatch(line)
        assert failed is not None, line
        inputs = (str(directory), str(BUNDLED_TABLES))  # the batch's files, or a tariff's
        assert failed.group(2).startswith(inputs), line
    return Outcome("failed accounts", _ACCOUNT_FAILED.sub(r"\2", lines[0])[len(str(directory)) :])


# =========================================================================================
# Targets and tests
# =========================================================================================


@dataclass(frozen=True)
class Target:
    """A fuzz target: what draws the inputs and what checks one."""

    strategy: st.SearchStrategy[Any]
    check: Callable[[Any, Path], Outcome]


TARGETS: dict[str, Target] = {
    "tariff-noise": Target(tariff_cases(noise=True), check_tariff),
    "tariff-mutations": Target(tariff_cases(), check_tariff),
    "csv-noise": Target(csv_cases(noise=True), check_csv),
    "csv-mutations": Target(csv_cases(), check_csv),
    "greenbutton-noise": Target(greenbutton_cases(noise=True), check_greenbutton),
    "greenbutton-mutations": Target(greenbutton_cases(), check_greenbutton),
    "account-noise": Target(account_cases(noise=True), check_account),
    "account-mutations": Target(account_cases(), check_account),
    "urdb-noise": Target(urdb_cases(noise=True), check_urdb),
    "urdb-mutations": Target(urdb_cases(), check_urdb),
    "price": Target(price_cases(), check_price),
    "price-csv": Target(csv_price_cases(), check_command_case),
    "price-urdb": Target(urdb_price_cases(), check_command_case),
    "price-greenbutton": Target(greenbutton_price_cases(), check_command_case),
    "batch-accounts": Target(accounts_cases(), check_batch),
}


def run_target(name: str, case: Any) -> Outcome:
    """Check one input of a target in a fresh directory, in a child process if possible."""
    with tempfile.TemporaryDirectory(prefix="tariffs-fuzz-") as directory:
        return run_isolated(TARGETS[name].check, case, Path(directory))


def run_isolated(
    check: Callable[[Any, Path], Outcome],
    case: Any,
    directory: Path,
    seconds: float = HANG_SECONDS,
    memory_bytes: int = 2 << 30,
) -> Outcome:
    """Run a check in a forked child, killed after ``seconds``, with bounded memory.

    An alarm cannot stop work done inside one C call (a power of ten with a
    nineteen-digit exponent, a decimal written out with a thousand million digits), and
    such work may exhaust memory; a child process can be killed. The child's outcome, or
    the traceback of what it raised, comes back through a pipe; a failure in the child is
    raised here as an `AssertionError` that carries that traceback. Where there is no
    ``fork``, the check runs here under `hang_guard`.
    """
    if not hasattr(os, "fork"):
        with hang_guard(seconds):
            return check(case, directory)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report, and leave without running any exit handler
        os.close(read_end)
        status = 0
        try:
            _limit_memory(memory_bytes)
            outcome = check(case, directory)
            payload = {"kind": outcome.kind, "message": outcome.message}
        except BaseException as error:  # everything goes back to the parent
            payload = {"failure": "".join(traceback.format_exception(error))[-6000:]}
        try:
            os.write(write_end, json.dumps(payload).encode())
        except BaseException:
            status = 1
        os._exit(status)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                os.kill(pid, signal.SIGKILL)
                raise AssertionError(f"hang: still running after {seconds} s")
            ready, _, _ = select.select([read_end], [], [], remaining)
            if ready:
                chunk = os.read(read_end, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_end)
        os.waitpid(pid, 0)
    if not chunks:
        raise AssertionError("the check's process died without a report (out of memory?)")
    report = json.loads(b"".join(chunks))
    if "failure" in report:
        raise AssertionError(report["failure"])
    return Outcome(report["kind"], report["message"])


def _limit_memory(extra_bytes: int) -> None:
    """Cap the address space at its current size plus ``extra_bytes`` (Linux only)."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as statm:
            current = int(statm.read().split()[0]) * resource.getpagesize()
    except (ImportError, OSError, ValueError):
        return
    limit = current + extra_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@FUZZ_SETTINGS
@seed(FUZZ_SEED)
@given(case=TARGETS["tariff-noise"].strategy)
def test_tariff_loader_takes_random_bytes(case: TariffCase) -> None:
    run_target("tariff-noise", case)


@FUZZ_SETTINGS
@seed(FUZZ_SEED)
@given(case=TARGETS["tariff-mutations"].strategy)
def test_tariff_loader_takes_mutated_tables(case: TariffCase) -> None:
    run_target("tariff-mutations", case)


@FUZZ_SETTINGS
@seed(FUZZ_SEED)
@given(case=TARGETS["csv-noise"].strategy)
def test_csv_reader_takes_random_bytes(case: CsvCase) -> None:
    run_target("csv-noise", case)


@FUZZ_SETTINGS
@seed(FUZZ_SEED)
@given(case=TARGETS["csv-mutations"].strategy)
def test_csv_reader_takes_mutated_files(case: CsvCase) -> None:
    run_target("csv-mutations", case)


@FUZZ_SETTINGS
@seed(FUZZ_SEED)
@given(case=TARGETS["greenbutton-noise"].strategy)
def test_greenbutton_reader_takes_random_bytes(case: bytes) -> None:
    run_target("greenbutton-noise", case)


@FUZZ_SETTINGS
@seed(FUZZ_SEED)
@given(case=TARGETS["greenbutton-mutations"].strategy)
def test_greenbutton_reader_takes_mutated_feeds(case: bytes) -> None:
    run_target("greenbutton-mutations", case)


@FUZZ_SETTINGS
@seed(FUZZ_SEED)
@given(case=TARGETS["account-noise"].strategy)
def test_account_loader_takes_random_bytes(case: bytes) -> None:
    run_target("account-noise", case)


@FUZZ_SETTINGS
@seed(FUZZ_SEED)
@given(case=TARGETS["account-mutations"].strategy)
def test_account_loader_takes_mutated_accounts(case: bytes) -> None:
    run_target("account-mutations", case)


@FUZZ_SETTINGS
@seed(FUZZ_SEED)
@given(case=TARGETS["urdb-noise"].strategy)
def test_urdb_reader_takes_random_bytes(case: bytes) -> None:
    run_target("urdb-noise", case)


@FUZZ_SETTINGS
@seed(FUZZ_SEED)
@given(case=TARGETS["urdb-mutations"].strategy)
def test_urdb_reader_takes_mutated_records(case: bytes) -> None:
    run_target("urdb-mutations", case)


@FUZZ_SETTINGS
@seed(FUZZ_SEED)
@given(case=TARGETS["price"].strategy)
def test_price_command_bills_or_refuses_with_a_location(case: PriceCase) -> None:
    run_target("price", case)


@FUZZ_SETTINGS
@seed(FUZZ_SEED)
@given(case=TARGETS["price-csv"].strategy)
def test_price_command_takes_mutated_example_readings(case: CommandCase) -> None:
    run_target("price-csv", case)


@FUZZ_SETTINGS
@seed(FUZZ_SEED)
@given(case=TARGETS["price-urdb"].strategy)
def test_price_command_takes_mutated_urdb_records(case: CommandCase) -> None:
    run_target("price-urdb", case)


@FUZZ_SETTINGS
@seed(FUZZ_SEED)
@given(case=TARGETS["price-greenbutton"].strategy)
def test_price_command_takes_mutated_greenbutton_feeds(case: CommandCase) -> None:
    run_target("price-greenbutton", case)


@FUZZ_SETTINGS
@seed(FUZZ_SEED)
@given(case=TARGETS["batch-accounts"].strategy)
def test_batch_command_takes_mutated_accounts_csv(case: bytes) -> None:
    run_target("batch-accounts", case)


def test_valid_seeds_are_accepted(tmp_path: Path) -> None:
    # The fuzz starts from valid files: each must be accepted as it is.
    for path in BUNDLED_FILES:
        assert check_tariff(TariffCase(path.name, path.read_bytes()), tmp_path) == ACCEPTED
    for account in ACCOUNT_SEEDS:
        assert check_account(account, tmp_path) == ACCEPTED
    table = CsvRows(["start", "kwh"], [["2025-07-01T00:00", "1.5"], ["2025-07-01T00:15", "2"]])
    assert check_csv(CsvCase("Asia/Shanghai", table.text().encode()), tmp_path) == ACCEPTED
    assert check_greenbutton(greenbutton_feed([500, 250], 60, 0), tmp_path) == ACCEPTED
    for tariff in BUNDLED_FILES:
        files = (("readings.csv", EXAMPLE_READINGS), (tariff.name, tariff.read_bytes()))
        case = CommandCase((*files, ("account.yaml", ACCOUNT_SEEDS[0])))
        assert check_command_case(case, tmp_path) == ACCEPTED, tariff.name
    table = csv_lines(EXAMPLE_READINGS)[:97]  # the first day
    for path in URDB_PRICED:
        files = (("readings.csv", "\n".join(table).encode()), ("rate.json", path.read_bytes()))
        case = CommandCase(files, ("--timezone", "America/Denver", "--past-enddate"))
        assert check_command_case(case, tmp_path) == ACCEPTED, path.name
    for feed in GREENBUTTON_FILES:
        tariff = HOURLY_TABLES[0]
        files = (("readings.xml", feed.read_bytes()), (tariff.name, tariff.read_bytes()))
        options = ("--as-year", "2025", "--align", "date", "--allow-gaps")
        case = CommandCase(files, options, csv=False)
        assert check_command_case(case, tmp_path) == ACCEPTED, feed.name
    (tmp_path / "batch").mkdir()
    assert check_batch(ACCOUNTS_SEED, tmp_path / "batch") == ACCEPTED
    for path in URDB_FILES:  # a record is accepted, or refuses a feature by name
        assert check_urdb(path.read_bytes(), tmp_path).kind in (
            "accepted",
            "UnsupportedFeatureError",
        )


def test_hang_guard_stops_a_loop() -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("the alarm only works in the main thread")
    with pytest.raises(AssertionError, match="hang: still running after 0.2 s"):
        with hang_guard(0.2):
            while True:
                pass


def _loop_forever(case: Any, directory: Path) -> Outcome:
    while True:
        pass


def _power_of_power(case: Any, directory: Path) -> Outcome:
    return Outcome(str(10 ** (10**case) > 0))


def _fail(case: Any, directory: Path) -> Outcome:
    raise KeyError(case)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_isolated_check_is_stopped_even_inside_one_long_operation(tmp_path: Path) -> None:
    for check in (_loop_forever, _power_of_power):
        began = time.perf_counter()
        with pytest.raises(AssertionError, match="hang: still running after 0.5 s"):
            run_isolated(check, 19, tmp_path, seconds=0.5)
        assert time.perf_counter() - began < 5
    with pytest.raises(AssertionError, match="KeyError: 'boom'"):
        run_isolated(_fail, "boom", tmp_path)
    assert run_isolated(_power_of_power, 2, tmp_path) == Outcome("True")


def test_a_located_error_is_recognised(tmp_path: Path) -> None:
    # The checks themselves: a refusal without a line is not accepted as a refusal.
    path = tmp_path / "readings.csv"
    with pytest.raises(AssertionError, match="no line"):
        refusal(ReadingsError("something", file=str(path)), path)
    assert refusal(ReadingsError("x", file=str(path), line=3), path) == Outcome(
        "ReadingsError", "x"
    )
    assert issubclass(ReadingsError, TariffsError)


# =========================================================================================
# Determinism
# =========================================================================================


@pytest.mark.parametrize("command", ["price", "compare"])
def test_json_is_byte_identical_across_processes_and_hash_seeds(
    command: str, tmp_path: Path
) -> None:
    executable = shutil.which("tariffs")
    if executable is None:
        pytest.skip("the tariffs command is not installed")
    tariffs = ["cn-sh-industrial-two-part"]
    if command == "compare":
        tariffs += ["cn-gd-commercial-tou", "cn-hydro-seasonal-tou"]
    argv = [executable, command, str(ROOT / "examples" / "readings.csv")]
    for tariff in tariffs:
        argv += ["--tariff", tariff]
    argv += ["--account", str(ROOT / "examples" / "account.yaml"), "--format", "json"]
    outputs = []
    for hash_seed in ("0", "1", "4242"):
        environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
        completed = subprocess.run(
            argv, capture_output=True, env=environment, timeout=120, cwd=tmp_path, check=False
        )
        assert completed.returncode == 0, completed.stderr.decode()
        outputs.append(completed.stdout)
    assert outputs[0]
    assert outputs[1] == outputs[0]
    assert outputs[2] == outputs[0]
