"""The catalogue of bad inputs (docs/bad-inputs.md), one case per entry.

Each case writes a small input that is wrong in exactly one way and checks what the
engine says about it: through the command line where a user would meet it (exit code 1,
nothing on stdout, one line on stderr of the form ``tariffs: error: FILE:LINE[:COLUMN]:
...``), or through the library where the command line adds nothing.

The cases are tables: ``CASES`` (the command line, run by ``test_bad_input``), ``RAISES``
(the library, ``test_library_raises``) and ``ALIKE`` (inputs accepted as the same bill as
another, ``test_accepted_alike``). A case's ``entry`` is the name docs/bad-inputs.md gives
it; ``test_the_doc_and_the_cases_agree`` checks that the two name the same entries. The
few inputs that need code of their own (a process of their own with limits on time and
memory, symbolic links) have a test function each.

The fixtures are written here, line by line, so that every expected line and column can
be counted by hand in the text below. The base tariff, ``TARIFF``, has these lines::

     1 id: tou
     2 name: Two-period time of use
     3 currency: CNY
     4 timezone: Asia/Shanghai
     5 reference: test table
     6 versions:
     7   "2025-01-01":
     8     periods:
     9       - windows:
    10           peak: ["08:00-22:00"]
    11           valley: ["22:00-08:00"]
    12     charges:
    13       - kind: energy
    14         prices:
    15           peak: "0.568"
    16           valley: "0.288"

Checks that a version as a whole makes (periods that overlap, prices that are missing)
are reported at the start of the version's mapping, line 8, column 5.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from tariffs.cli import main
from tariffs.documents import iter_table_files, load_account, load_tariff, tariff_from_document
from tariffs.errors import AccountError, ReadingsError, TariffFileError
from tariffs.loader import MAX_EXPANDED_NODES, MAX_NESTING_DEPTH, parse_yaml
from tariffs.readings.csv_reader import read_readings_csv
from tariffs.readings.greenbutton import read_greenbutton

TARIFF = """\
id: tou
name: Two-period time of use
currency: CNY
timezone: Asia/Shanghai
reference: test table
versions:
  "2025-01-01":
    periods:
      - windows:
          peak: ["08:00-22:00"]
          valley: ["22:00-08:00"]
    charges:
      - kind: energy
        prices:
          peak: "0.568"
          valley: "0.288"
"""

# A two-part tariff whose basic charge needs contract data from an account.
TWO_PART = """\
id: two-part
name: Two-part
currency: CNY
timezone: Asia/Shanghai
reference: test table
versions:
  "2025-01-01":
    charges:
      - kind: energy
        price_per_kwh: "0.6"
      - kind: basic
        capacity_price_per_kva: "25.50"
        demand_price_per_kw: "40.80"
"""

ACCOUNT = """\
account_id: F-001
capacity_kva: 1250
contract_demand_kw: 600
basic_charge_method: capacity
"""

# A flat tariff in UTC, for the limits of exact arithmetic.
FLAT = """\
id: flat
name: Flat
currency: CNY
timezone: UTC
reference: test table
versions:
  "2025-01-01":
    charges:
      - kind: energy
        price_per_kwh: "0.56789"
"""

# The version header and the first line inside it (every whole-version check points here).
VERSION_AT = "8:5"
VERSION_PATH = "versions.2025-01-01"


def hourly_csv(first: str = "2025-07-01T00:00", hours: int = 48, kwh: str = "0.5") -> str:
    """Hourly readings in local time, header first."""
    moment = dt.datetime.fromisoformat(first)
    rows = ["start,kwh"]
    for _ in range(hours):
        rows.append(f"{moment:%Y-%m-%dT%H:%M},{kwh}")
        moment += dt.timedelta(hours=1)
    return "\n".join(rows) + "\n"


READINGS = hourly_csv()


def edit(text: str, old: str, new: str) -> str:
    """Replace the only occurrence of ``old``; fail loudly if the fixture changed."""
    assert text.count(old) == 1, (old, text)
    return text.replace(old, new)


# =========================================================================================
# How a case is written and run
# =========================================================================================

Result = tuple[int, str, str]


@dataclass(frozen=True)
class Sparse:
    """A file of ``size`` zero bytes, made without writing them (a sparse file)."""

    size: int


class Directory:
    """An empty directory."""


Content = str | bytes | Sparse | Directory
Files = Mapping[str, Content]


class Inputs(NamedTuple):
    """The files a case writes into an empty directory, and the command line run on them."""

    files: Files
    argv: tuple[str, ...]


def price_inputs(
    *,
    tariff: str = TARIFF,
    readings: str | bytes = READINGS,
    account: str | None = None,
    tariff_name: str = "tou.yaml",
    readings_name: str = "readings.csv",
    extra: Sequence[str] = (),
) -> Inputs:
    """The inputs of ``tariffs price READINGS --tariff TARIFF --format json [--account ...]``."""
    files: dict[str, Content] = {tariff_name: tariff, readings_name: readings}
    argv = ["price", readings_name, "--tariff", tariff_name, "--format", "json", *extra]
    if account is not None:
        files["account.yaml"] = account
        argv += ["--account", "account.yaml"]
    return Inputs(files, tuple(argv))


def write_files(files: Files) -> None:
    """Write the files into the current directory, text as UTF-8 and byte for byte."""
    for name, content in files.items():
        path = Path(name)
        if isinstance(content, Directory):
            path.mkdir()
        elif isinstance(content, Sparse):
            with open(path, "wb") as stream:  # sparse: no byte is written
                stream.truncate(content.size)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty directory, so that messages name files as ``tou.yaml``."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> Result:
    """Run the command line in-process: exit code, stdout, stderr."""
    code = main([str(argument) for argument in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_inputs(capsys: pytest.CaptureFixture[str], inputs: Inputs) -> Result:
    """Write the inputs into the current directory and run their command line."""
    write_files(inputs.files)
    return run(capsys, *inputs.argv)


def run_alone(
    argv: Sequence[str], *, seconds: float, memory_bytes: int | None = None, late: str
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tariffs ARGV`` in a process of its own, stopped after ``seconds``.

    ``memory_bytes`` limits its address space; ``late`` is the failure when time runs out.
    """

    def limit_memory() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    try:
        return subprocess.run(
            [sys.executable, "-m", "tariffs", *argv],
            capture_output=True,
            text=True,
            timeout=seconds,
            preexec_fn=None if memory_bytes is None else limit_memory,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(late)


def refused(result: Result, where: str, message: str) -> str:
    """Exit code 1, nothing on stdout, one line on stderr: ``where: message``.

    ``where`` is the literal location (``tou.yaml:8:5``); ``message`` a regular expression
    that must match the rest of the line from its start.
    """
    code, out, err = result
    assert code == 1, err
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    prefix = f"tariffs: error: {where}: "
    assert lines[0].startswith(prefix), (prefix, lines[0])
    rest = lines[0][len(prefix) :]
    assert re.match(message, rest), (message, rest)
    return rest


def bill_json(result: Result) -> dict[str, object]:
    code, out, err = result
    assert code == 0, err
    assert err == ""
    document = json.loads(out)
    assert isinstance(document, dict)
    return document


def exact_or_refused(result: Result, where: str, expected_amounts: Sequence[str]) -> None:
    """Either a bill whose non-zero line amounts are exactly as worked out, or a refusal.

    ``where`` is a regular expression for the location a refusal must start with.
    """
    code, out, err = result
    if code == 1:
        assert out == ""
        assert len(err.splitlines()) == 1, err
        assert re.match(rf"tariffs: error: {where}: .+", err), err
        return
    document = bill_json(result)
    bills = document["bills"]
    assert isinstance(bills, list)
    amounts = [
        line["amount"] for bill in bills for line in bill["lines"] if Decimal(line["amount"]) != 0
    ]
    assert amounts == list(expected_amounts)


def exactly(text: str) -> str:
    """The pattern for a rest of the line that is ``text``, literally, and nothing more."""
    return re.escape(text) + "$"


def starting(text: str) -> str:
    """The pattern for a rest of the line that starts with ``text``, literally."""
    return re.escape(text)


# What a case expects of its command line. Each has ``check(result)``.


@dataclass(frozen=True)
class Refused:
    """Refused (see ``refused``): exactly one line, ``tariffs: error: WHERE: MESSAGE...``."""

    where: str
    message: str

    def check(self, result: Result) -> None:
        refused(result, self.where, self.message)


@dataclass(frozen=True)
class Exits:
    """Exit code ``code`` and nothing on stdout; stderr checked only as far as given.

    ``start`` must match stderr from its start, ``whole`` all of it (regular expressions);
    each of ``contains`` must be in it; with ``one_line`` it is a single line.
    """

    code: int = 1
    start: str | None = None
    whole: str | None = None
    contains: tuple[str, ...] = ()
    one_line: bool = False

    def check(self, result: Result) -> None:
        code, out, err = result
        assert (code, out) == (self.code, ""), (err, out[-300:])
        if self.one_line:
            assert len(err.splitlines()) == 1, err
        if self.start is not None:
            assert re.match(self.start, err), err
        if self.whole is not None:
            assert re.fullmatch(self.whole, err), err
        for text in self.contains:
            assert text in err, (text, err)


@dataclass(frozen=True)
class ExactOrRefused:
    """A bill with exactly these non-zero amounts, or refused at ``where`` (a pattern)."""

    where: str
    amounts: tuple[str, ...]

    def check(self, result: Result) -> None:
        exact_or_refused(result, self.where, self.amounts)


@dataclass(frozen=True)
class Billed:
    """Accepted: one bill, with these values, and a warning containing ``warning``."""

    values: Mapping[str, str]
    warning: str | None = None

    def check(self, result: Result) -> None:
        document = bill_json(result)
        (bill,) = document["bills"]  # type: ignore[misc]
        for name, value in self.values.items():
            assert bill[name] == value, name
        if self.warning is not None:
            assert any(self.warning in warning for warning in bill["warnings"]), bill["warnings"]


Expectation = Refused | Exits | ExactOrRefused | Billed


@dataclass(frozen=True)
class Case:
    """One input run through the command line, and what it must print.

    ``entry`` is the name in docs/bad-inputs.md; entries with several examples have one
    case for each, told apart by ``variant``. With ``seconds``, writing the files and
    running must take less than that.
    """

    entry: str
    inputs: Inputs
    expect: Expectation
    variant: str = ""
    seconds: float | None = None


@dataclass(frozen=True)
class Raises:
    """One input given to a library function, and the exception it must raise.

    ``call`` gets the directory the files are written in (also the current directory).
    ``match`` is searched for in the message; ``attributes`` are the exception's values,
    where a ``Path`` stands for that file of the directory, named by its absolute path.
    """

    entry: str
    files: Files
    call: Callable[[Path], object]
    error: type[Exception]
    match: str
    attributes: Mapping[str, object] = field(default_factory=dict)
    variant: str = ""
    seconds: float | None = None


@dataclass(frozen=True)
class Alike:
    """Two inputs that must both be accepted, and give the same bill."""

    entry: str
    inputs: Inputs
    same_as: Inputs
    variant: str = ""


def case_id(case: Case | Raises | Alike) -> str:
    """A case's pytest id: its entry, and its variant in brackets if it has one."""
    return f"{case.entry}[{case.variant}]" if case.variant else case.entry


def refusal(
    entry: str,
    where: str,
    message: str,
    *,
    variant: str = "",
    seconds: float | None = None,
    **options: Any,
) -> Case:
    """``tariffs price`` on ``price_inputs(**options)``, refused: ``where: message``."""
    return Case(entry, price_inputs(**options), Refused(where, message), variant, seconds)


def tariff_refused(entry: str, tariff: str, where: str, message: str, **options: Any) -> Case:
    """The tariff file ``tariff`` with the base readings, refused: ``where: message``."""
    return refusal(entry, where, message, tariff=tariff, **options)


def after_reference(lines: str) -> str:
    """The base tariff with ``lines`` after its line 5, so that they start on line 6."""
    return edit(TARIFF, "reference: test table\n", "reference: test table\n" + lines)


def valley_price(text: str) -> str:
    """The base tariff with ``text`` for the valley price (line 16, column 19)."""
    return edit(TARIFF, '"0.288"', text)


def valley_refused(entry: str, text: str, message: str, **options: Any) -> Case:
    """The valley price written as ``text``, refused at line 16, column 19.

    ``message`` is the pattern for what follows ``versions.2025-01-01.charges[0].prices.valley: ``.
    """
    path = starting(f"{VERSION_PATH}.charges[0].prices.valley: ")
    return tariff_refused(entry, valley_price(text), "tou.yaml:16:19", path + message, **options)


def after_valley(text: str) -> str:
    """The base tariff with ``text`` right after the valley price, the end of line 16."""
    return edit(TARIFF, 'valley: "0.288"', 'valley: "0.288"' + text)


# The command line of the cases that name their files themselves.
PRICE = ("price", "readings.csv", "--tariff", "tou.yaml")

# What a message about a date and time where a date is expected says is allowed.
ONLY_A_DATE = "only a date is allowed here, written YYYY-MM-DD (such as 2025-01-01)"


def with_event_days(days: str) -> str:
    """The base tariff with ``event_days: DAYS`` on line 8 (the list at column 17)."""
    return edit(TARIFF, "    periods:\n", f"    event_days: {days}\n    periods:\n")


# =========================================================================================
# Tariff tables: YAML
# =========================================================================================


def billion_laughs() -> str:
    """Nine levels of ten aliases each: 10**9 nodes once expanded, 1 kB of text."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


TARIFF_YAML = [
    tariff_refused(
        "tariff_unknown_key",
        after_reference("foo: 1\n"),
        "tou.yaml:6:6",
        r"foo: Extra inputs are not permitted$",
    ),
    tariff_refused(
        "tariff_duplicate_key",
        after_reference("name: again\n"),
        "tou.yaml:6:1",
        exactly("name: duplicate key 'name' (first at line 2)"),
    ),
    *[
        tariff_refused(
            "tariff_yaml11_boolean_value",
            after_reference(f"description: {word}\n"),
            "tou.yaml:6:14",
            exactly(
                f"description: '{word}' is a boolean in YAML 1.1 and text elsewhere; "
                f"write true/false, or quote the text ('{word}')"
            ),
            variant=word,
        )
        for word in ["yes", "no", "on", "off", "y", "n", "Yes", "OFF"]
    ],
    # A period named on: (or off:) would be read as the boolean True by a YAML 1.1 reader.
    tariff_refused(
        "tariff_yaml11_boolean_key",
        edit(TARIFF, '          peak: ["08:00-22:00"]', '          on: ["08:00-22:00"]'),
        "tou.yaml:10:11",
        exactly(
            f"{VERSION_PATH}.periods[0].windows: 'on' is a boolean in YAML 1.1 and text "
            "elsewhere; write true/false, or quote the text ('on')"
        ),
    ),
    tariff_refused(
        "tariff_key_that_is_not_text",
        after_reference("1: x\n"),
        "tou.yaml:6:1",
        exactly("mapping key 1 is read as an integer; keys must be text: quote it ('1')"),
    ),
    tariff_refused(
        "tariff_bare_date_that_does_not_exist",
        edit(TARIFF, '"2025-01-01":', "2025-02-30:"),
        "tou.yaml:7:3",
        exactly("versions.2025-02-30: '2025-02-30' is not a date: day is out of range for month"),
    ),
    # A time, even midnight, or a UTC offset where a date is expected is refused: the date
    # alone would be kept, and the offset dropped without a word.
    *[
        tariff_refused(
            "tariff_date_and_time_where_a_date_is_expected",
            tariff,
            where,
            exactly(f"{path}: '{text}' is a date and time{offset}; {ONLY_A_DATE}"),
            variant=variant,
        )
        for variant, tariff, where, path, text, offset in [
            (
                "time",
                edit(TARIFF, '"2025-01-01":', "2025-01-01 10:00:00:"),
                "tou.yaml:7:3",
                'versions."2025-01-01 10:00:00"',
                "2025-01-01 10:00:00",
                "",
            ),
            (
                "midnight",
                edit(TARIFF, '"2025-01-01":', "2025-01-01 00:00:00:"),
                "tou.yaml:7:3",
                'versions."2025-01-01 00:00:00"',
                "2025-01-01 00:00:00",
                "",
            ),
            (
                "utc_offset",
                edit(TARIFF, '"2025-01-01":', '"2025-01-01T00:00+08:00":'),
                "tou.yaml:7:3",
                "versions.2025-01-01T00:00+08:00",
                "2025-01-01T00:00+08:00",
                " with a UTC offset",
            ),
            (
                "withdrawn",
                after_reference('withdrawn: "2026-01-01T00:00Z"\n'),
                "tou.yaml:6:12",
                "withdrawn",
                "2026-01-01T00:00Z",
                " with a UTC offset",
            ),
            (
                "event_day",
                with_event_days('["2025-12-15T00:00+08:00"]'),
                "tou.yaml:8:18",
                f"{VERSION_PATH}.event_days[0]",
                "2025-12-15T00:00+08:00",
                " with a UTC offset",
            ),
        ]
    ],
    # A number is no date (a reader of epoch seconds would take 1735689600 for 2025-01-01).
    tariff_refused(
        "tariff_number_where_a_date_is_expected",
        with_event_days("[1735689600]"),
        "tou.yaml:8:18",
        exactly(
            f"{VERSION_PATH}.event_days[0]: expected a date written YYYY-MM-DD "
            "(such as 2025-01-01), found the number 1735689600"
        ),
    ),
    # Python reads any Unicode digit as a number (int("５") == 5); an input may hold ASCII
    # digits only, in numbers, dates and clock times alike. U+FF10 is FULLWIDTH DIGIT ZERO,
    # U+0660 ARABIC-INDIC DIGIT ZERO, U+FF12 FULLWIDTH DIGIT TWO.
    *[
        tariff_refused(
            "tariff_non_ascii_digits",
            tariff,
            where,
            exactly(f"{path}: '{text}' holds the non-ASCII digit {digit}; write ASCII digits")
            if "prices" not in path
            # A price may also be a reference {of: ..., ratio: ...}: pydantic counts the
            # errors of that other form too.
            else exactly(
                f"{path}: '{text}' holds the non-ASCII digit {digit}; write ASCII digits "
                "(and 2 more errors)"
            ),
            variant=variant,
        )
        for variant, tariff, where, path, text, digit in [
            (
                "full_width_price",
                valley_price('"\uff10.\uff12\uff18\uff18"'),
                "tou.yaml:16:19",
                f"{VERSION_PATH}.charges[0].prices.valley",
                "\uff10.\uff12\uff18\uff18",
                "'\uff10' (U+FF10)",
            ),
            (
                "full_width_price_unquoted",
                valley_price("\uff10.\uff12\uff18\uff18"),
                "tou.yaml:16:19",
                f"{VERSION_PATH}.charges[0].prices.valley",
                "\uff10.\uff12\uff18\uff18",
                "'\uff10' (U+FF10)",
            ),
            (
                "arabic_indic_price",
                valley_price('"\u0660.\u0662\u0668\u0668"'),
                "tou.yaml:16:19",
                f"{VERSION_PATH}.charges[0].prices.valley",
                "\u0660.\u0662\u0668\u0668",
                "'\u0660' (U+0660)",
            ),
            (
                "version_date",
                edit(TARIFF, '"2025-01-01":', '"\uff12\uff10\uff12\uff15-01-01":'),
                "tou.yaml:7:3",
                "versions.\uff12\uff10\uff12\uff15-01-01",
                "\uff12\uff10\uff12\uff15-01-01",
                "'\uff12' (U+FF12)",
            ),
            (
                "clock_window",
                edit(TARIFF, '["08:00-22:00"]', '["\uff10\uff18:00-22:00"]'),
                "tou.yaml:10:18",
                f"{VERSION_PATH}.periods[0].windows.peak[0]",
                "\uff10\uff18:00-22:00",
                "'\uff10' (U+FF10)",
            ),
        ]
    ],
    valley_refused(
        "tariff_bare_date_where_a_price_is_expected",
        "2025-01-01",
        starting("expected a decimal number, found '2025-01-01'"),
    ),
    # YAML 1.1 reads 1:30 as 90 (base 60), 0x1F as 31, 1_000 as 1000: here they are text,
    # and text is not a price.
    *[
        valley_refused(
            "tariff_yaml11_number_forms_are_text",
            text,
            starting(f"expected a decimal number, found '{text}'"),
            variant=text,
        )
        for text in ["1:30", "0x1F", "0o17", "0b101"]
    ],
    tariff_refused(
        "tariff_not_yaml",
        edit(TARIFF, 'peak: ["08:00-22:00"]', 'peak: ["08:00-22:00"'),
        "tou.yaml:11:11",
        exactly(
            "invalid YAML: expected ',' or ']', but got '<scalar>' (while parsing a flow "
            "sequence that starts at line 10, column 17)"
        ),
    ),
    tariff_refused(
        "tariff_tab_indentation",
        edit(TARIFF, '  "2025-01-01":', '\t"2025-01-01":'),
        "tou.yaml:7:1",
        starting("invalid YAML: found character '\\t' that cannot start any token"),
    ),
    *[
        tariff_refused(
            "tariff_empty_file",
            text,
            "tou.yaml",
            exactly("empty file: no YAML document, only blank lines or comments"),
            variant=variant,
        )
        for variant, text in [
            ("nothing", ""),
            ("blank_lines", "\n\n"),
            ("comment", "# nothing but a comment\n"),
        ]
    ],
    *[
        tariff_refused(
            "tariff_not_a_mapping",
            text,
            "tou.yaml:1",
            exactly(f"expected a mapping of tariff fields, found {found}"),
            variant=found,
        )
        for text, found in [("- 1\n- 2\n", "list"), ("hello\n", "str")]
    ],
    tariff_refused(
        "tariff_more_than_one_document",
        TARIFF + "---\nid: again\n",
        "tou.yaml:17:1",
        starting("more than one YAML document in the file (another starts here)"),
    ),
    tariff_refused(
        "tariff_nul_byte",
        edit(TARIFF, "name: Two-period", "name: Two\0period"),
        "tou.yaml:2:10",
        exactly("not a text file: contains a NUL byte"),
    ),
    tariff_refused(
        "tariff_control_character",
        edit(TARIFF, "name: Two-period", "name: Two\x07period"),
        "tou.yaml:2:10",
        exactly("not a text file: contains control character U+0007"),
    ),
    Case(
        "tariff_not_utf8",
        Inputs(
            {
                "tou.yaml": edit(TARIFF, "test table", "t\xe9st table").encode("latin-1"),
                "readings.csv": READINGS,
            },
            PRICE,
        ),
        Refused("tou.yaml:5:13", exactly("not a text file: byte 0xE9 is not valid UTF-8")),
    ),
    # Bytes 0 to 255: 0x80 is the first that is not UTF-8. Before it come a line feed
    # (byte 10) and a carriage return (byte 13), so it is on line 3, column 128 - 14 + 1.
    Case(
        "tariff_binary_file",
        Inputs({"tou.yaml": bytes(range(256)), "readings.csv": READINGS}, PRICE),
        Refused("tou.yaml:3:115", exactly("not a text file: byte 0x80 is not valid UTF-8")),
    ),
    Case(
        "tariff_file_of_100_megabytes_is_refused_before_reading_it",
        Inputs({"tou.yaml": Sparse(100 * 1024 * 1024), "readings.csv": READINGS}, PRICE),
        Refused(
            "tou.yaml",
            exactly(f"file is {100 * 1024 * 1024} bytes, larger than the limit of 10485760 bytes"),
        ),
        seconds=5,
    ),
    # a0 has 11 nodes, a1 111, a2 1 111, a3 11 111 and a4 111 111: a4 (line 5, its anchor
    # at column 5) is the first node over the limit.
    tariff_refused(
        "tariff_billion_laughs",
        billion_laughs(),
        "tou.yaml:5:5",
        exactly(
            f"alias expansion makes more than {MAX_EXPANDED_NODES} nodes here, which exceeds "
            "the limit; write the data out instead"
        ),
        seconds=5,
    ),
    # "a: " then 100 "[": counting the top mapping as level 1, the bracket at column
    # 3 + k is level k + 1, so the 64th bracket (column 67) is level 65, one too deep.
    tariff_refused(
        "tariff_deep_nesting",
        "a: " + "[" * 100 + "]" * 100 + "\n",
        "tou.yaml:1:67",
        exactly(f"nesting is deeper than the limit of {MAX_NESTING_DEPTH} levels"),
    ),
    # l0 is one list deep; l{k} wraps l{k - 1} in one more list, so l64 (line 65, its
    # anchor at column 6) is 65 levels deep once expanded.
    tariff_refused(
        "tariff_deep_nesting_through_aliases",
        "\n".join(
            ["l0: &l0 [x]"] + [f"l{level}: &l{level} [*l{level - 1}]" for level in range(1, 70)]
        )
        + "\n",
        "tou.yaml:65:6",
        exactly(f"alias expansion nests deeper than the limit of {MAX_NESTING_DEPTH} levels"),
    ),
    # With an unsafe loader this would create the directory "created-by-yaml"; after every
    # case, test_bad_input checks that the directory holds nothing but the inputs.
    tariff_refused(
        "tariff_python_tag_never_runs",
        edit(
            TARIFF,
            "reference: test table",
            "reference: !!python/object/apply:os.mkdir [created-by-yaml]",
        ),
        "tou.yaml:5:12",
        exactly(
            "tag '!!python/object/apply:os.mkdir' is not supported here; tariff files hold "
            "plain data (quote text instead of tagging it)"
        ),
    ),
    *[
        tariff_refused(
            "tariff_other_tags",
            edit(TARIFF, 'valley: "0.288"', f'valley: {tag} "0.288"'),
            "tou.yaml:16:19",
            starting(f"tag '{tag}' is not supported here"),
            variant=tag,
        )
        for tag in ["!!float", "!!int", "!!binary", "!custom"]
    ],
    tariff_refused(
        "tariff_merge_key",
        "base: &base {a: 1}\nother:\n  <<: *base\n",
        "tou.yaml:3:3",
        exactly("other: merge keys ('<<') are not supported; write the entries out in full"),
    ),
    tariff_refused(
        "tariff_alias_not_defined",
        edit(TARIFF, "reference: test table", "reference: *nothing"),
        "tou.yaml:5:12",
        exactly("alias *nothing is not defined before it is used"),
    ),
    tariff_refused(
        "tariff_anchor_defined_twice",
        edit(TARIFF, "reference: test table\n", "reference: &a test table\ndescription: &a text\n"),
        "tou.yaml:6:14",
        exactly("anchor &a is defined twice (first at line 5)"),
    ),
    valley_refused(
        "tariff_integer_with_too_many_digits",
        "9" * 5000,
        exactly("the integer 99999999999999999999... has too many digits"),
    ),
]


def test_tariff_many_nodes_without_aliases_are_refused_quickly(workdir: Path) -> None:
    # A flat list of two million items is a 4 MB file, under the 10 MB size limit. The
    # limit of 100 000 nodes must stop it while it is read, not after all of it is read.
    write_files({"tou.yaml": "a: [" + "1," * 2_000_000 + "1]\n", "readings.csv": READINGS})
    completed = run_alone(
        PRICE, seconds=20, late="a 4 MB list of 2 000 000 items was still being read after 20 s"
    )
    assert completed.returncode == 1
    assert completed.stderr.startswith(
        f"tariffs: error: tou.yaml:1:4: the document has more than {MAX_EXPANDED_NODES} nodes"
    )


# =========================================================================================
# Tariff tables: metadata
# =========================================================================================

TARIFF_FIELDS = [
    # The range of line 7, column 17 (the flow mapping after "capacity_kva: ").
    tariff_refused(
        "tariff_eligibility_range_that_holds_nothing",
        after_reference("eligibility:\n  capacity_kva: {above: 315, below: 100}\n"),
        "tou.yaml:7:17",
        exactly("eligibility.capacity_kva: the range holds no value: from 315 to 100"),
    ),
    tariff_refused(
        "tariff_eligibility_range_that_holds_nothing",
        after_reference("eligibility:\n  capacity_kva: {min: 100, above: 100}\n"),
        "tou.yaml:7:17",
        exactly("eligibility.capacity_kva: give min or above, not both"),
        variant="min and above",
    ),
    tariff_refused(
        "tariff_missing_field",
        edit(TARIFF, "reference: test table\n", ""),
        "tou.yaml:1:1",
        r"reference: Field required$",
    ),
    tariff_refused(
        "tariff_id_differs_from_file_name",
        edit(TARIFF, "id: tou", "id: other"),
        "tou.yaml:1:5",
        exactly("id: id 'other' differs from the file name 'tou'; they must be equal"),
    ),
    tariff_refused(
        "tariff_invalid_id",
        edit(TARIFF, "id: tou", "id: Tou"),
        "Tou.yaml:1:5",
        exactly("id: 'Tou' is not a valid id: lower-case letters, digits, '-', '_', '.'"),
        tariff_name="Tou.yaml",
    ),
    tariff_refused(
        "tariff_unknown_time_zone",
        edit(TARIFF, "Asia/Shanghai", "asia/shanghai"),
        "tou.yaml:4:11",
        exactly("timezone: unknown time zone 'asia/shanghai' (did you mean 'Asia/Shanghai'?)"),
    ),
    tariff_refused(
        "tariff_currency_not_an_iso_code",
        edit(TARIFF, "currency: CNY", "currency: yuan"),
        "tou.yaml:3:11",
        exactly("currency: String should match pattern '^[A-Z]{3}$'"),
    ),
    tariff_refused(
        "tariff_rounding_places_out_of_range",
        after_reference("rounding: {places: 7}\n"),
        "tou.yaml:6:20",
        exactly("rounding.places: Input should be less than or equal to 6"),
    ),
    # Line 6 is "rounding: {per: bill, places: 2, line_places: 1}": the mapping at column 11.
    tariff_refused(
        "tariff_rounding_line_places_fewer_than_the_total",
        after_reference("rounding: {per: bill, places: 2, line_places: 1}\n"),
        "tou.yaml:6:11",
        exactly("rounding: line_places 1 is fewer than the total's places 2"),
    ),
    tariff_refused(
        "tariff_rounding_line_places_without_per_bill",
        after_reference("rounding: {line_places: 4}\n"),
        "tou.yaml:6:11",
        exactly("rounding: 'line_places' is for 'per: bill'; each line is rounded to 'places'"),
    ),
    tariff_refused(
        "tariff_unknown_choice",
        after_reference("proration: weekly\n"),
        "tou.yaml:6:12",
        exactly("proration: Input should be 'actual_days' or 'days_over_30'"),
    ),
]


# =========================================================================================
# Tariff tables: versions
# =========================================================================================

TARIFF_VERSIONS = [
    tariff_refused(
        "tariff_versions_in_reversed_order",
        edit(
            TARIFF,
            "versions:\n",
            'versions:\n  "2026-01-01":\n    charges:\n      - kind: fixed\n        amount: "1"\n',
        ),
        "tou.yaml:7:3",
        exactly(
            "versions: versions must be in increasing date order, found 2026-01-01 then 2025-01-01"
        ),
    ),
    # Versions have only a start date (each runs until the next), so two versions can only
    # overlap by starting on the same date: a duplicate key.
    tariff_refused(
        "tariff_two_versions_on_one_date",
        TARIFF + '  "2025-01-01":\n    charges:\n      - kind: fixed\n        amount: "1"\n',
        "tou.yaml:17:3",
        exactly("versions.2025-01-01: duplicate key '2025-01-01' (first at line 7)"),
    ),
    tariff_refused(
        "tariff_no_version_in_force_for_the_readings",
        edit(TARIFF, '"2025-01-01":', '"2026-01-01":'),
        "tou.yaml",
        exactly("tariff tou has no version in force on 2025-07-01 (first version from 2026-01-01)"),
    ),
    tariff_refused(
        "tariff_no_versions",
        TARIFF.split("versions:")[0] + "versions: {}\n",
        "tou.yaml:6:11",
        exactly("versions: Dictionary should have at least 1 item after validation, not 0"),
    ),
    tariff_refused(
        "tariff_version_without_charges",
        TARIFF.split("    charges:")[0] + "    charges: []\n",
        "tou.yaml:12:14",
        starting(f"{VERSION_PATH}.charges: List should have at least 1 item after validation"),
    ),
]


# =========================================================================================
# Tariff tables: seasons, day types, periods and windows
# =========================================================================================

SEASONS = "    seasons:\n      summer: {months: [6, 7, 8]}\n      other: {months: %s}\n"


def with_seasons(other_months: str) -> str:
    return edit(TARIFF, "    periods:\n", SEASONS % other_months + "    periods:\n")


def with_day_types(day_types: str) -> str:
    """The base tariff with ``day_types`` (lines from 8 on) before its periods."""
    return edit(TARIFF, "    periods:\n", day_types + "    periods:\n")


CRITICAL_PEAK = (
    "    overrides:\n"
    "      - period: critical_peak\n"
    "        seasons: [summer]\n"
    "        months: %s\n"
    "        windows: %s\n"
)


def with_critical_peak(months: str, windows: str = '["11:00-12:00"]') -> str:
    tariff = with_seasons("[1, 2, 3, 4, 5, 9, 10, 11, 12]")
    tariff = edit(tariff, "    charges:\n", CRITICAL_PEAK % (months, windows) + "    charges:\n")
    return edit(tariff, 'valley: "0.288"', 'valley: "0.288"\n          critical_peak: "1.2"')


def version_refused(entry: str, tariff: str, message: str, **options: Any) -> Case:
    """Refused at the start of the version (``tou.yaml:8:5``): ``versions.2025-01-01: ...``."""
    return tariff_refused(
        entry, tariff, f"tou.yaml:{VERSION_AT}", exactly(f"{VERSION_PATH}: {message}"), **options
    )


TARIFF_SCHEDULES = [
    version_refused(
        "tariff_periods_overlap",
        edit(TARIFF, '["08:00-22:00"]', '["07:00-22:00"]'),
        "periods: season 'all', day type 'all': 07:00 is in both period 'peak' and period "
        "'valley'; periods must not overlap",
    ),
    version_refused(
        "tariff_hours_in_no_period",
        edit(TARIFF, '["08:00-22:00"]', '["09:00-22:00"]'),
        "periods: season 'all', day type 'all': 08:00-09:00 is in no period; every minute of "
        "every day must belong to a period",
    ),
    version_refused(
        "tariff_price_for_a_period_not_defined",
        after_valley('\n          shoulder: "0.3"'),
        "charges[0]: price for period 'shoulder', which the schedule does not define "
        "(periods: peak, valley)",
    ),
    version_refused(
        "tariff_period_without_a_price",
        edit(TARIFF, '          valley: "0.288"\n', ""),
        "charges[0]: no price for period 'valley'; every period of the schedule needs a price, "
        "or its kWh would go unbilled",
    ),
    version_refused(
        "tariff_rule_names_a_season_not_defined",
        edit(TARIFF, "      - windows:", "      - seasons: [winter]\n        windows:"),
        "periods[0] names season 'winter', not defined (the version declares no seasons; "
        "declare them under seasons)",
    ),
    version_refused(
        "tariff_rule_names_a_season_not_defined",
        edit(
            with_seasons("[1, 2, 3, 4, 5, 9, 10, 11, 12]"),
            "      - windows:",
            "      - seasons: [winter]\n        windows:",
        ),
        "periods[0] names season 'winter', not defined (seasons: summer, other)",
        variant="with_seasons",
    ),
    version_refused(
        "tariff_price_refers_to_nothing",
        edit(TARIFF, 'peak: "0.568"', "peak: {of: nothing}"),
        "charges[0].peak: refers to 'nothing', which is neither a base price nor a period "
        "(base prices: none; periods: peak, valley)",
    ),
    version_refused(
        "tariff_prices_refer_to_each_other",
        edit(
            edit(TARIFF, 'peak: "0.568"', "peak: {of: valley}"),
            'valley: "0.288"',
            "valley: {of: peak}",
        ),
        "charges[0].peak: prices refer to each other in a cycle",
    ),
    version_refused(
        "tariff_seasons_overlap",
        with_seasons("[1, 2, 3, 4, 5, 8, 9, 10, 11, 12]"),
        "08-01 is in both season 'summer' and season 'other'",
    ),
    version_refused(
        "tariff_seasons_leave_days_out",
        with_seasons("[1, 2, 3, 4, 5, 9, 10, 11]"),
        "12-01 is in no season; seasons must cover the year",
    ),
    # Line 10 is "      other: {months: [1, 2, 3, 4, 5, 9, 10, 11, 13]}": the list's first
    # item is at column 24, and 13, item 8, 26 characters further.
    tariff_refused(
        "tariff_month_out_of_range",
        with_seasons("[1, 2, 3, 4, 5, 9, 10, 11, 13]"),
        "tou.yaml:10:50",
        exactly(f"{VERSION_PATH}.seasons.other.months[8]: month must be 1 to 12, found 13"),
    ),
    version_refused(
        "tariff_day_types_leave_days_out",
        with_day_types("    day_types:\n      work: {weekdays: [mon, tue, wed, thu, fri]}\n"),
        "no day type for sat, sun; the weekday day types must cover the week",
    ),
    version_refused(
        "tariff_weekday_in_two_day_types",
        with_day_types(
            "    day_types:\n"
            "      work: {weekdays: [mon, tue, wed, thu, fri, sat]}\n"
            "      rest: {weekdays: [sat, sun]}\n"
        ),
        "sat is in both day type 'work' and 'rest'",
    ),
    tariff_refused(
        "tariff_holiday_rule_not_a_recurrence_rule",
        with_day_types(
            "    day_types:\n"
            "      days: {weekdays: [mon, tue, wed, thu, fri, sat, sun]}\n"
            '      holiday: {rrules: ["FREQ=SOMETIMES"]}\n'
        ),
        "tou.yaml:10:26",
        exactly(
            f"{VERSION_PATH}.day_types.holiday.rrules[0]: not an RFC 5545 recurrence rule: "
            "invalid 'FREQ': SOMETIMES"
        ),
    ),
    # Line 10 is "      holiday: {holidays: cn}": the value at column 27. (A country code
    # such as US needs the optional 'holidays' package: tests/model/test_holidays.py.)
    tariff_refused(
        "tariff_unknown_holiday_calendar",
        with_day_types(
            "    day_types:\n"
            "      days: {weekdays: [mon, tue, wed, thu, fri, sat, sun], workdays: CN}\n"
            "      holiday: {holidays: cn}\n"
        ),
        "tou.yaml:10:27",
        exactly(
            f"{VERSION_PATH}.day_types.holiday.holidays: 'cn' is not a country code such as "
            "'CN' or 'US-CA' (shipped: CN)"
        ),
    ),
    version_refused(
        "tariff_holidays_without_make_up_workdays",
        with_day_types(
            "    day_types:\n"
            "      days: {weekdays: [mon, tue, wed, thu, fri, sat, sun]}\n"
            "      holiday: {holidays: CN}\n"
        ),
        "day type 'holiday' takes the CN holidays, but no day type takes its make-up "
        "workdays (调休上班): add 'workdays: CN' to the day type that prices them (usually "
        "the working-day type)",
    ),
    # The tariff is in force from 2025; readings of July 2027, a year without a notice.
    tariff_refused(
        "tariff_holiday_calendar_does_not_cover_the_year",
        with_day_types(
            "    day_types:\n"
            "      days: {weekdays: [mon, tue, wed, thu, fri, sat, sun], workdays: CN}\n"
            "      holiday: {holidays: CN}\n"
        ),
        "tou.yaml",
        exactly(
            "day_types.days.workdays: the CN holiday calendar covers 2020-2026, not 2027 "
            "(its notice is not shipped); a day of an uncovered year is never guessed"
        ),
        readings=hourly_csv("2027-07-01T00:00"),
    ),
    *[
        tariff_refused(
            "tariff_malformed_window",
            edit(TARIFF, '"08:00-22:00"', f'"{window}"'),
            "tou.yaml:10:18",
            exactly(f"{VERSION_PATH}.periods[0].windows.peak[0]: {message}"),
            variant=window,
        )
        for window, message in [
            (
                "8:00-22:00",
                "window '8:00-22:00' is not of the form 'HH:MM-HH:MM' (e.g. '08:00-11:30')",
            ),
            ("08:00-25:00", "window '08:00-25:00' has a time outside 00:00-24:00"),
            ("08:00-08:00", "window '08:00-08:00' is empty; write '00:00-24:00' for the whole day"),
        ]
    ],
    version_refused(
        "tariff_critical_peak_outside_its_season",
        with_critical_peak("[7, 12]"),
        "overrides[0]: month 12 is outside its seasons ['summer']; the window would never apply",
    ),
    version_refused(
        "tariff_critical_peak_windows_overlap",
        with_critical_peak("[7]", '["11:00-13:00", "12:00-14:00"]'),
        "overrides[0]: its windows overlap each other",
    ),
    version_refused(
        "tariff_override_replaces_a_period_not_scheduled",
        edit(with_critical_peak("[7]"), "        months: [7]\n", "        replaces: [shoulder]\n"),
        "overrides[0] replaces period 'shoulder', not in the schedule (periods: peak, valley)",
    ),
    version_refused(
        "tariff_season_multipliers_do_not_name_every_season",
        after_valley('\n        season_multipliers: {wet: "0.9"}'),
        "charges[0]: season_multipliers must name every season exactly (all), found wet",
    ),
]


# =========================================================================================
# Tariff tables: charges and prices
# =========================================================================================

TIERED = """\
    charges:
      - kind: energy
        tiers:
          bounds_kwh: %s
        price_per_kwh: %s
"""


# Prices derived from a base price. Lines 8-9 hold the base price, 17-18 the ratios:
#
#     8     base_prices:
#     9       flat: "0.60"
#    ...
#    16         prices:
#    17           peak: {of: flat, ratio: "1.5"}
#    18           valley: {of: peak, ratio: "0.5"}
DERIVED = edit(
    edit(
        edit(TARIFF, "    periods:\n", '    base_prices:\n      flat: "0.60"\n    periods:\n'),
        'peak: "0.568"',
        'peak: {of: flat, ratio: "1.5"}',
    ),
    'valley: "0.288"',
    'valley: {of: peak, ratio: "0.5"}',
)

# The base price of DERIVED with one tiered flat charge; its prices on line 18, column 24.
DERIVED_TIERS = (
    DERIVED.split("    charges:")[0]
    + "    charges:\n      - kind: energy\n        tiers:\n          bounds_kwh: [240]\n"
    + "        price_per_kwh: %s\n"
)

# Hourly prices for FLAT (line 10), the first one 9E+23, with an adder on line 11.
DYNAMIC = (
    "      - kind: dynamic_energy\n"
    + "        hourly_prices_per_kwh: [9e23"
    + ", 0.5" * 8759
    + "]\n"
    + '        adder_per_kwh: "9e23"\n'
)


def with_tiers(bounds: str, prices: str) -> str:
    head = TARIFF.split("    periods:")[0]
    return head + TIERED % (bounds, prices)


def exact_or_refused_case(entry: str, where: str, amounts: Sequence[str], **options: Any) -> Case:
    """``tariffs price`` on ``price_inputs(**options)``: see ``exact_or_refused``."""
    return Case(entry, price_inputs(**options), ExactOrRefused(where, tuple(amounts)))


TARIFF_CHARGES = [
    tariff_refused(
        "tariff_tier_bounds_not_increasing",
        with_tiers("[400, 240]", '["1", "2", "3"]'),
        "tou.yaml:11:11",
        exactly(
            f"{VERSION_PATH}.charges[0].tiers: tier bounds must increase strictly, "
            "found 400 then 240"
        ),
    ),
    tariff_refused(
        "tariff_first_tier_bound_zero",
        with_tiers("[0, 240]", '["1", "2", "3"]'),
        "tou.yaml:11:11",
        exactly(f"{VERSION_PATH}.charges[0].tiers: the first tier bound must be above 0, found 0"),
    ),
    tariff_refused(
        "tariff_tier_prices_do_not_match_tiers",
        with_tiers("[240, 400]", '["1", "2"]'),
        "tou.yaml:9:9",
        exactly(
            f"{VERSION_PATH}.charges[0].energy: price_per_kwh needs a list of 3 prices "
            "(one per tier), found 2"
        ),
    ),
    *[
        valley_refused(
            "tariff_price_not_a_non_negative_number", text, starting(message), variant=variant
        )
        for variant, text, message in [
            ("quoted_negative", '"-0.288"', "must be 0 or more, found -0.288"),
            ("negative", "-0.288", "must be 0 or more, found -0.288"),
            ("text", '"abc"', "expected a decimal number, found 'abc'"),
            ("boolean", "true", "expected a number, found True"),
            ("null", "~", "expected a decimal number, found NoneType"),
            ("quoted_nan", '"NaN"', "expected a finite number, found 'NaN'"),
            ("quoted_minus_infinity", '"-Infinity"', "expected a finite number, found '-Infinity'"),
        ]
    ],
    *[
        valley_refused(
            "tariff_price_yaml_infinity_or_nan",
            text,
            exactly(f"'{text}' is not a finite number; write a number, or quote the text"),
            variant=text,
        )
        for text in [".inf", "-.Inf", ".nan", ".NaN"]
    ],
    tariff_refused(
        "tariff_unknown_charge_kind",
        edit(TARIFF, "kind: energy", "kind: magic"),
        "tou.yaml:13:9",
        starting(
            f"{VERSION_PATH}.charges[0]: Input tag 'magic' found using 'kind' does not match "
            "any of the expected tags: 'energy', "
        ),
    ),
    tariff_refused(
        "tariff_charge_without_kind",
        edit(TARIFF, "kind: energy", "label: Energy"),
        "tou.yaml:13:9",
        exactly(f"{VERSION_PATH}.charges[0]: Unable to extract tag using discriminator 'kind'"),
    ),
    tariff_refused(
        "tariff_unknown_power_factor_table",
        after_valley('\n      - kind: power_factor\n        table: "1999-0.90"'),
        "tou.yaml:17:9",
        exactly(
            f"{VERSION_PATH}.charges[1].power_factor: unknown power-factor table '1999-0.90'; "
            "known: 1983-0.90, 1983-0.85, 1983-0.80"
        ),
    ),
    tariff_refused(
        "tariff_basic_charge_without_a_price",
        after_valley("\n      - kind: basic\n        label: Basic"),
        "tou.yaml:17:9",
        exactly(
            f"{VERSION_PATH}.charges[1].basic: give capacity_price_per_kva and/or "
            "demand_price_per_kw"
        ),
    ),
    version_refused(
        "tariff_demand_price_for_a_period_not_defined",
        after_valley('\n      - kind: demand\n        prices: {shoulder: "10"}'),
        "charges[1]: demand price for period 'shoulder', which the schedule does not define "
        "(periods: peak, valley)",
    ),
    # A discount of 1000 % would turn the bill into a payment to the customer.
    Case(
        "tariff_discount_above_100_percent",
        price_inputs(tariff=after_valley('\n      - kind: discount\n        percent: "1000"')),
        Exits(one_line=True, start=r"tariffs: error: tou\.yaml:(17:9|18:18): "),
    ),
    # Exactness: prices whose size or digits the engine cannot carry exactly must be
    # refused at their line, or priced exactly; never a traceback, a hang, or a wrong cent.
    #
    # 24 h × 0.5 kWh × 2 days in the valley window 22-08: 10 h a day = 10 kWh;
    # 10 × 1e30 = 10000000000000000000000000000000.00 exactly. Peak: 14 h a day × 0.5 kWh
    # × 2 days = 14 kWh × 0.568 = 7.952 → 7.95.
    exact_or_refused_case(
        "tariff_price_with_a_large_exponent",
        r"tou\.yaml:16:19",
        ["7.95", "10000000000000000000000000000000.00"],
        tariff=valley_price("1e30"),
    ),
    tariff_refused(
        "tariff_price_beyond_the_decimal_range",
        valley_price("1e999999999"),
        "tou.yaml:16:19",
        r".+",
    ),
    # 0.0199999999999999999999999999999 (31 significant digits) × 1 kWh, rounded down to
    # the cent, is 0.01: the exact amount is below 0.02.
    exact_or_refused_case(
        "tariff_price_with_more_digits_than_arithmetic_keeps",
        r"flat\.yaml:11:24",
        ["0.01"],
        tariff=edit(
            edit(FLAT, '"0.56789"', '"0.0199999999999999999999999999999"'),
            "reference: test table\n",
            "reference: test table\nrounding: {mode: down}\n",
        ),
        readings="start,kwh\n2025-07-01T00:00,1\n2025-07-01T01:00,0\n",
        tariff_name="flat.yaml",
    ),
    # Bounds [1e-40, 400] kWh, 24 kWh read: tier 1 holds 1e-40 kWh × 0.5 (0.00), tier 2
    # 24 - 1e-40 kWh × 0.6 = 14.4 - 6e-41, which rounds half-up to 14.40.
    exact_or_refused_case(
        "tariff_tier_bound_with_more_digits_than_arithmetic_keeps",
        r"tou\.yaml:11:\d+",
        ["14.40"],
        tariff=with_tiers("[1e-40, 400]", '["0.5", "0.6", "0.7"]'),
    ),
    # A price reached from other prices (a ratio, a ratio of a ratio, a season
    # multiplier, an overrun multiplier, an adder) passes the checks of a written price,
    # and the message says how it was derived. DERIVED has peak = 1.5 × flat (line 17,
    # value at column 17) and valley = 0.5 × peak (line 18, column 19).
    *[
        tariff_refused(
            "tariff_derived_price_negative",
            tariff,
            where,
            exactly(f"{path}: {formula} is {value}: a derived price must be 0 or more"),
            variant=variant,
            **options,
        )
        for variant, tariff, where, path, formula, value, options in [
            # 0.60 × -0.5 = -0.300, shown with 4 decimals as every ratio of a period is.
            (
                "ratio_of_a_base_price",
                edit(DERIVED, 'ratio: "1.5"', 'ratio: "-0.5"'),
                "tou.yaml:17:17",
                f"{VERSION_PATH}.charges[0].prices.peak",
                "peak = -0.5 × flat (0.60)",
                "-0.3000",
                {},
            ),
            # peak = 0.60 × 1.5 = 0.9000; valley = 0.9000 × -0.5 = -0.4500.
            (
                "ratio_of_a_ratio",
                edit(DERIVED, 'ratio: "0.5"', 'ratio: "-0.5"'),
                "tou.yaml:18:19",
                f"{VERSION_PATH}.charges[0].prices.valley",
                "valley = -0.5 × peak (0.9000)",
                "-0.4500",
                {},
            ),
            # A flat price per tier: 0.60 × -1 = -0.60, the second tier (line 18, the
            # second mapping of the list at column 37).
            (
                "tier_price",
                DERIVED_TIERS % '[{of: flat}, {of: flat, ratio: "-1"}]',
                "tou.yaml:18:37",
                f"{VERSION_PATH}.charges[0].price_per_kwh[1]",
                "price_per_kwh tier 2 = -1 × flat (0.60)",
                "-0.60",
                {},
            ),
            # 0.60 × -0.1 = -0.060.
            *[
                (
                    kind,
                    DERIVED
                    + f'      - kind: {kind}\n        price_per_kwh: {{of: flat, ratio: "-0.1"}}\n',
                    "tou.yaml:20:24",
                    f"{VERSION_PATH}.charges[1].price_per_kwh",
                    "price_per_kwh = -0.1 × flat (0.60)",
                    "-0.060",
                    {},
                )
                for kind in ["surcharge", "export_credit"]
            ],
        ]
    ],
    *[
        tariff_refused(
            "tariff_derived_price_beyond_the_limits",
            tariff,
            where,
            exactly(f"{path}: {formula} (a derived price)"),
            variant=variant,
            **options,
        )
        for variant, tariff, where, path, formula, options in [
            # peak = 0.60 × 1E+20 = 60000000000000000000.0000 (20 digits), valley = that
            # × 1E+10: 30 digits before the point.
            (
                "ratio_of_a_ratio_too_large",
                edit(
                    edit(DERIVED, 'ratio: "1.5"', 'ratio: "1e20"'), 'ratio: "0.5"', 'ratio: "1e10"'
                ),
                "tou.yaml:18:19",
                f"{VERSION_PATH}.charges[0].prices.valley",
                "valley = 1E+10 × peak (60000000000000000000.0000) is "
                "600000000000000000000000000000.0000, which is too large: at most 24 digits "
                "before the point",
                {},
            ),
            # peak = 0.60 × 1E-17 = 6E-18 (18 places, allowed); valley = 0.05 × 6E-18 = 3E-19.
            (
                "ratio_of_a_ratio_with_too_many_places",
                edit(
                    edit(DERIVED, 'ratio: "1.5"', 'ratio: "1e-17"'), 'ratio: "0.5"', 'ratio: "0.05"'
                ),
                "tou.yaml:18:19",
                f"{VERSION_PATH}.charges[0].prices.valley",
                "valley = 0.05 × peak (6E-18) is 3E-19, which has 19 decimal places; at most 18 "
                "are allowed",
                {},
            ),
            # Tier 1: 0.5 × 1E-17 = 5E-18 (allowed); tier 2: 0.61 × 1E-17 = 6.1E-18. The
            # multiplier is on line 13, its value at column 35.
            (
                "season_multiplier_on_tiers",
                with_tiers("[240]", '["0.5", "0.61"]')
                + '        season_multipliers: {all: "1e-17"}\n',
                "tou.yaml:13:35",
                f"{VERSION_PATH}.charges[0].season_multipliers.all",
                "price_per_kwh tier 2 in season all = 0.61 × 1E-17 is 6.1E-18, which has 19 "
                "decimal places; at most 18 are allowed",
                {},
            ),
            # 40.80 × 1E+23 = 4.080E+24: 25 digits before the point. Line 14, column 37.
            (
                "overrun_multiplier",
                TWO_PART + '        overrun: {price_multiplier: "1e23"}\n',
                "two-part.yaml:14:37",
                f"{VERSION_PATH}.charges[1].overrun.price_multiplier",
                "the overrun price = 1E+23 × demand_price_per_kw (40.80) is 4.080E+24, which is "
                "too large: at most 24 digits before the point",
                {"tariff_name": "two-part.yaml"},
            ),
            # Hourly prices may be negative, so only the limits apply: the lowest, 0.5 + 9E+23,
            # has 24 digits; the highest, 9E+23 + 9E+23 = 1.8E+24, has 25. Line 11, column 24.
            (
                "hourly_price_plus_adder",
                edit(FLAT, '      - kind: energy\n        price_per_kwh: "0.56789"\n', DYNAMIC),
                "flat.yaml:11:24",
                f"{VERSION_PATH}.charges[0].adder_per_kwh",
                "the highest hourly price 9E+23 + adder_per_kwh 9E+23 is 1.8E+24, which is too "
                "large: at most 24 digits before the point",
                {"tariff_name": "flat.yaml"},
            ),
        ]
    ],
    # A load-factor discount of more than 100 % would turn the basic charge into a payment.
    # Line 14, column 65.
    tariff_refused(
        "tariff_load_factor_discount_above_100_percent",
        TWO_PART + '        load_factor_discount: {min_kwh_per_kva: "200", percent: "150"}\n',
        "two-part.yaml:14:65",
        exactly(
            f"{VERSION_PATH}.charges[1].load_factor_discount.percent: Input should be less than "
            "or equal to 100"
        ),
        tariff_name="two-part.yaml",
    ),
]


def test_tariff_price_with_a_tiny_exponent(workdir: Path) -> None:
    # 1e-999999999 is a finite decimal; written out as a plain number it would take a
    # thousand million digits. The command must refuse it, or bill it without writing
    # those digits: it runs here with 1 GiB of memory and 60 s at most.
    write_files({"tou.yaml": valley_price("1e-999999999"), "readings.csv": READINGS})
    completed = run_alone(
        [*PRICE, "--format", "json"],
        seconds=60,
        memory_bytes=1 << 30,
        late="pricing with a price of 1e-999999999 did not end within 60 s",
    )
    if completed.returncode == 1:
        assert completed.stdout == ""
        assert re.fullmatch(r"tariffs: error: tou\.yaml:16:19: .+\n", completed.stderr)
    else:
        assert completed.returncode == 0, completed.stderr[-2000:]
        assert len(completed.stdout) < 100_000


def test_tariff_price_with_more_precision_than_the_currency_cannot_be_forbidden() -> None:
    # The schema has no way to say "prices have at most N decimals" (prices per kWh
    # routinely have more decimals than the currency: 0.4883 CNY/kWh). This entry of the
    # catalogue is reported as missing; the test pins that such a price is accepted.
    tariff = edit(FLAT, '"0.56789"', '"0.123456789"')
    document = parse_yaml(tariff, "flat.yaml")
    table = tariff_from_document(document)
    assert table.versions[dt.date(2025, 1, 1)].charges[0].price_per_kwh == Decimal("0.123456789")


# =========================================================================================
# Tariff files: finding them
# =========================================================================================

TARIFF_FILES = [
    Case(
        "tariff_id_not_found",
        Inputs(
            {"readings.csv": READINGS, "tables": Directory()},
            ("price", "readings.csv", "--tariff", "no-such-id", "--tables", "tables"),
        ),
        Exits(
            whole=r"tariffs: error: no tariff file and no tariff id 'no-such-id' "
            r"\(searched tables, .+\); the ids there are cn-bj-residential, .+ more\n"
        ),
    ),
    Case(
        "tariff_id_misspelt",
        Inputs(
            {"readings.csv": READINGS, "tables": Directory()},
            ("price", "readings.csv", "--tariff", "cn-sh-industrial", "--tables", "tables"),
        ),
        Exits(
            whole=r"tariffs: error: no tariff file and no tariff id 'cn-sh-industrial' "
            r"\(searched tables, .+\); did you mean 'cn-sh-industrial-two-part'.*\?\n"
        ),
    ),
    Case(
        "tariff_file_missing",
        Inputs({"readings.csv": READINGS}, ("price", "readings.csv", "--tariff", "missing.yaml")),
        Refused("missing.yaml", r"no such tariff file$"),
    ),
    Case(
        "tariff_urdb_file_not_json",
        Inputs(
            {"rate.json": '{"items": [', "readings.csv": READINGS},
            (
                "price",
                "readings.csv",
                "--tariff",
                "rate.json",
                "--timezone",
                "UTC",
                "--format",
                "json",
            ),
        ),
        Refused("rate.json:1:12", r"not valid JSON: "),
    ),
]


# A URDB rate record, written line by line so that every position can be counted:
#   1 {
#   2   "label": "abc",
#   3   "energyratestructure": [[{"rate": 0.10, "unit": "kWh"}]],
#   4   "energyweekdayschedule": [[0, 0, ...], ...],
#   5   "energyweekendschedule": [[0, 0, ...], ...]
#   6 }
# On line 3, the rate 0.10 starts at column 37 (after 2 spaces, the 21 characters of
# "energyratestructure" with its quotes, ': [[{', and '"rate": '); on line 4 the first 0
# of the schedule at column 30 (2 spaces, the 23 characters of "energyweekdayschedule",
# ': [[').
URDB_SCHEDULE = "[" + ", ".join(["[" + ", ".join(["0"] * 24) + "]"] * 12) + "]"
URDB = (
    "{\n"
    '  "label": "abc",\n'
    '  "energyratestructure": [[{"rate": 0.10, "unit": "kWh"}]],\n'
    f'  "energyweekdayschedule": {URDB_SCHEDULE},\n'
    f'  "energyweekendschedule": {URDB_SCHEDULE}\n'
    "}\n"
)
URDB_RATE_AT = "rate.json:3:37"
URDB_RATE_PATH = "energyratestructure[0][0].rate"


def urdb_inputs(record: str | bytes | Sparse) -> Inputs:
    """``tariffs price`` with the URDB record ``record`` as ``rate.json``, in UTC."""
    return Inputs(
        {"rate.json": record, "readings.csv": READINGS},
        ("price", "readings.csv", "--tariff", "rate.json", "--timezone", "UTC", "--format", "json"),
    )


def urdb_refused(
    entry: str, record: str | bytes | Sparse, where: str, message: str, variant: str = ""
) -> Case:
    """The URDB record ``record`` as ``rate.json``, refused: ``where: message``."""
    return Case(entry, urdb_inputs(record), Refused(where, message), variant, seconds=10)


def with_reactive_power_charge(price: str) -> str:
    """The record with ``demandreactivepowercharge`` on line 3 (the price at column 32)."""
    field = f'  "demandreactivepowercharge": {price},\n'
    return edit(URDB, '  "label": "abc",\n', '  "label": "abc",\n' + field)


def with_field(line: str) -> str:
    """The record with one more field on line 3."""
    return edit(URDB, '  "label": "abc",\n', '  "label": "abc",\n' + line)


URDB_ATTRIBUTE = with_field('  "demandattrs": [{"Voltage discount": "-0.14"}],\n')

URDB_FIELD_CASES = [
    urdb_refused(
        "tariff_urdb_attributes_that_may_change_prices",
        URDB_ATTRIBUTE,
        "rate.json:3:18",
        exactly(
            """demandattrs: not supported, refusing to price (attributes that may change """
            """prices ("Voltage discount"); only period labels ('TOU-...') are accepted)"""
        ),
    ),
    # Declared: 24 kWh × 0.10 = 2.40, and the attribute on the bill.
    Case(
        "tariff_urdb_attributes_that_may_change_prices",
        Inputs(
            urdb_inputs(URDB_ATTRIBUTE).files,
            (*urdb_inputs(URDB_ATTRIBUTE).argv, "--unpriced-attributes"),
        ),
        Billed({"total": "2.40"}, warning="not priced: demandattrs: Voltage discount: -0.14"),
        variant="declared",
    ),
    urdb_refused(
        "tariff_urdb_demand_in_horsepower",
        with_field('  "flatdemandstructure": [[{"rate": 1}]], "flatdemandunit": "hp",\n'),
        "rate.json:3:61",
        r"flatdemandunit: not supported, refusing to price \(demand priced per hp, a unit that "
        r"is 745\.699872 W \(mechanical\), 746 W \(electric\) or 735\.4988 W \(metric\) by "
        r"NIST SP 811",
    ),
    urdb_refused(
        "tariff_urdb_fixed_charge_per_year_without_an_exact_twelfth",
        with_field('  "fixedchargefirstmeter": 100, "fixedchargeunits": "$/year",\n'),
        "rate.json:3:53",
        exactly(
            "fixedchargeunits: not supported, refusing to price (a fixed charge of 100 $/year: "
            "one twelfth a month (SAM's reading) is not an exact amount, and billing it once "
            "would need the month)"
        ),
    ),
]

URDB_CASES = [
    *URDB_FIELD_CASES,
    # The baseline: 48 hours of 0.5 kWh at 0.10 $/kWh.
    Case(
        "tariff_urdb_accepted", urdb_inputs(URDB), Billed({"energy_kwh": "24.000", "total": "2.40"})
    ),
    *[
        urdb_refused(
            "tariff_urdb_number_out_of_range",
            edit(URDB, '"rate": 0.10', f'"rate": {number}'),
            URDB_RATE_AT,
            exactly(
                f"{URDB_RATE_PATH}: the number {shown} is too large: at most 309 digits before "
                "the point are allowed (the range of a 64-bit float)"
            ),
            variant,
        )
        for variant, number, shown in [
            ("1e400", "1e400", "1e400"),
            ("5000_digits", "9" * 5000, "9" * 20 + "..."),
            ("exponent_of_30_digits", "1e" + "9" * 30, "1e" + "9" * 18 + "..."),
        ]
    ],
    urdb_refused(
        "tariff_urdb_number_out_of_range",
        edit(URDB, '"rate": 0.10', '"rate": 1e-400'),
        URDB_RATE_AT,
        exactly(
            f"{URDB_RATE_PATH}: the number 1e-400 has 400 decimal places; at most 340 are allowed"
        ),
        "1e-400",
    ),
    # Within JSON's range, beyond a table's: refused at the record's field, not later in
    # the converted table.
    urdb_refused(
        "tariff_urdb_price_beyond_a_tables_numbers",
        edit(URDB, '"rate": 0.10', '"rate": 1e30'),
        URDB_RATE_AT,
        exactly(f"{URDB_RATE_PATH}: 1E+30 is too large: at most 24 digits before the point"),
    ),
    *[
        urdb_refused(
            "tariff_urdb_nan_or_infinity",
            edit(URDB, '"rate": 0.10', f'"rate": {word}'),
            URDB_RATE_AT,
            exactly(f"{URDB_RATE_PATH}: {word} is not a finite number; JSON numbers are finite"),
            word,
        )
        for word in ["NaN", "Infinity", "-Infinity"]
    ],
    urdb_refused(
        "tariff_urdb_duplicate_key",
        edit(URDB, '  "label": "abc",\n', '  "label": "abc",\n  "label": "xyz",\n'),
        "rate.json:3:3",
        exactly(
            "label: duplicate key 'label' (first at line 2) with a different value; write "
            "each key once"
        ),
    ),
    # One hundred thousand brackets: the 64th array is the 65th level (the record is the
    # first); it opens at column 10 + 64 = 74.
    urdb_refused(
        "tariff_urdb_deep_nesting",
        '{"label": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
        "rate.json:1:74",
        exactly("nesting is deeper than the limit of 64 levels"),
    ),
    # The record is value 1, the list value 2, its zero number k (from 0) value 3 + k: the
    # 100 001st value is zero 99 998, at column 8 + 2 × 99 998 = 200 004.
    urdb_refused(
        "tariff_urdb_too_many_values",
        '{"x": [' + "0, "[:2] * 150_000 + "0]}\n",
        "rate.json:1:200004",
        exactly("the document has more than 100000 values"),
    ),
    urdb_refused(
        "tariff_urdb_file_of_100_megabytes",
        Sparse(100 * 1024 * 1024),
        "rate.json",
        exactly("file is 104857600 bytes, larger than the limit of 10485760 bytes"),
    ),
    # "abc" with the b as the byte 0xE9 alone: line 2, column 14 (after '  "label": "a').
    urdb_refused(
        "tariff_urdb_not_utf8",
        edit(URDB, '"abc"', '"a#c"').encode("utf-8").replace(b"#", b"\xe9"),
        "rate.json:2:14",
        exactly("not a text file: byte 0xE9 is not valid UTF-8"),
    ),
    # The tier object opens at column 28 of line 3; the sell price -0.05 starts 37
    # characters later ('"rate": 0.10, "unit": "kWh", "sell": '), at column 66.
    urdb_refused(
        "tariff_urdb_field_refused_at_its_line",
        edit(URDB, '"unit": "kWh"', '"unit": "kWh", "sell": -0.05'),
        "rate.json:3:66",
        exactly(
            "energyratestructure[0][0].sell: not supported, refusing to price (a negative sell "
            "price (-0.05): exports that cost the customer are not priced)"
        ),
        "unsupported",
    ),
    urdb_refused(
        "tariff_urdb_field_refused_at_its_line",
        edit(URDB, '"energyweekdayschedule": [[0, ', '"energyweekdayschedule": [[1, '),
        "rate.json:4:30",
        starting("energyweekdayschedule[0][0]: period 1 has no rate structure"),
        "malformed",
    ),
    # A reactive power charge [$/kVAR] is billed on the maximum kvar: it needs kvarh.
    urdb_refused(
        "tariff_urdb_reactive_power_charge_without_kvarh",
        with_reactive_power_charge("0.51"),
        "readings.csv",
        exactly(
            "tariff urdb-abc has a reactive demand charge (per kvar), which needs reactive "
            "readings: the readings have no kvarh column"
        ),
    ),
    urdb_refused(
        "tariff_urdb_negative_reactive_power_charge",
        with_reactive_power_charge("-0.51"),
        "rate.json:3:32",
        exactly(
            "demandreactivepowercharge: not supported, refusing to price (a negative reactive "
            "demand charge (-0.51))"
        ),
    ),
]


def test_tables_symlink_leaving_the_directory_is_not_followed(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = Path("outside")
    outside.mkdir()
    (outside / "secret.yaml").write_text(edit(TARIFF, "id: tou", "id: secret"), encoding="utf-8")
    tables = Path("tables")
    tables.mkdir()
    (tables / "tou.yaml").write_text(TARIFF, encoding="utf-8")
    (tables / "secret.yaml").symlink_to(Path("..") / "outside" / "secret.yaml")
    (tables / "everything").symlink_to(Path("..") / "outside", target_is_directory=True)
    (tables / "loop").symlink_to(Path("."), target_is_directory=True)
    assert [path.name for path in iter_table_files(tables)] == ["tou.yaml"]
    Path("readings.csv").write_text(READINGS, encoding="utf-8")
    code, out, err = run(
        capsys, "price", "readings.csv", "--tariff", "secret", "--tables", "tables"
    )
    assert (code, out) == (1, "")
    assert "no tariff id 'secret'" in err
    assert load_tariff("tou", ["tables"]).id == "tou"


# =========================================================================================
# Readings: CSV
# =========================================================================================

QUARTER = "start,kwh\n2025-07-01T00:00,1.5\n2025-07-01T00:15,1.5\n2025-07-01T00:30,1.5\n"


def readings_refused(
    entry: str, readings: str | bytes, where: str, message: str, **options: Any
) -> Case:
    """The readings file ``readings`` with the base tariff, refused: ``readings.csv:WHERE``."""
    return refusal(entry, f"readings.csv:{where}", message, readings=readings, **options)


ALLOWED = "start, kwh, kvarh, export_kwh, kw"

LOS_ANGELES = edit(TARIFF, "Asia/Shanghai", "America/Los_Angeles")
DENVER = edit(TARIFF, "Asia/Shanghai", "America/Denver")


def on_standard_time(zone: str, offset: str, fixed: str) -> str:
    """What a refusal at a clock change says to a file on standard time all year."""
    return (
        "a file on standard time all year (8760 hourly values, as SAM, REopt and OS-HPXML "
        f"write) is on the clock of UTC{offset}, the fixed-offset zone {fixed}: read it with "
        f"--clock standard (or write the offset {offset} on every row), to price its instants "
        f"on the clock of {zone}, or price "
        f"the tariff on standard time all year too, as SAM and REopt do (a URDB record: "
        f"--timezone {fixed})"
    )


def standard_time_year(first: str = "2025-01-01") -> str:
    """Hourly readings of 2025 from ``first``, on a clock without changes."""
    moment = dt.datetime.fromisoformat(first)
    hours = (dt.datetime(2026, 1, 1) - moment) // dt.timedelta(hours=1)
    rows = [f"{moment + dt.timedelta(hours=h):%Y-%m-%dT%H:%M},1\n" for h in range(hours)]
    return "start,kwh\n" + "".join(rows)


STANDARD_TIME_YEAR = standard_time_year()


def test_standard_time_is_named_for_the_zone_of_the_file(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The zone named is the file's zone's standard time; both ways it names work."""
    sydney = standard_time_year()
    Path("sydney.csv").write_text(sydney, encoding="utf-8")
    # Sydney's clocks move back on 2025-04-06 at 03:00 (AEDT +11:00 to AEST +10:00), so
    # 02:00, the 95 × 24 + 2 = 2282nd hour, comes twice: the file has it once. Its
    # standard time is July's offset, +10:00, whose Etc zone is Etc/GMT-10.
    with pytest.raises(ReadingsError) as caught:
        read_readings_csv("sydney.csv", "Australia/Sydney")
    assert str(caught.value).startswith(
        "sydney.csv:2284: 2025-04-06T02:00 is ambiguous in Australia/Sydney: "
    )
    assert "on every row; the file has it once, and a file on standard time" in str(caught.value)
    assert str(caught.value).endswith(
        "on the clock of UTC+10:00, the fixed-offset zone Etc/GMT-10: read it with --clock "
        "standard (or write the offset +10:00 on every row), to price its instants on the "
        "clock of Australia/Sydney, or "
        "price the tariff on standard time all year too, as SAM and REopt do (a URDB "
        "record: --timezone Etc/GMT-10)"
    )
    # Adelaide's standard time, +09:30, is no whole hour: no Etc zone, only the offset.
    with pytest.raises(ReadingsError) as caught:
        read_readings_csv("sydney.csv", "Australia/Adelaide")
    assert str(caught.value).endswith(
        "is on the clock of UTC+09:30: write the offset +09:30 on every row, to price its "
        "instants on the clock of Australia/Adelaide"
    )
    # The first way: the offset on every row, the instants priced on Denver's clock.
    year = standard_time_year()
    with_offsets = re.sub(r"(T\d\d:\d\d),", r"\1-07:00,", year)
    Path("offsets.csv").write_text(with_offsets, encoding="utf-8")
    readings = read_readings_csv("offsets.csv", "America/Denver")
    assert len(readings.starts) == 8760
    assert readings.starts[0] == int(dt.datetime(2025, 1, 1, 7, tzinfo=dt.UTC).timestamp())
    # The second way: a URDB record priced on standard time all year.
    Path("year.csv").write_text(year, encoding="utf-8")
    Path("rate.json").write_text(URDB, encoding="utf-8")
    price = ("price", "year.csv", "--tariff", "rate.json", "--format", "json")
    code, out, err = run(capsys, *price, "--timezone", "America/Denver")
    assert code == 1 and "(a URDB record: --timezone Etc/GMT+7)" in err
    code, out, err = run(capsys, *price, "--timezone", "Etc/GMT+7")
    assert (code, err) == (0, "")
    bills = json.loads(out)["bills"]
    # 8760 kWh at 0.10: 876.00 over the twelve months.
    assert len(bills) == 12
    assert sum(Decimal(bill["total"]) for bill in bills) == Decimal("876.00")


READINGS_CSV = [
    readings_refused(
        "readings_missing_column",
        QUARTER.replace("start,kwh", "start,kvarh"),
        "1",
        exactly(f"missing column 'kwh'; required: start, kwh; allowed: {ALLOWED}"),
    ),
    readings_refused(
        "readings_unknown_column",
        "start,kwh,temperature\n2025-07-01T00:00,1.5,20\n2025-07-01T00:15,1.5,21\n",
        "1",
        exactly(
            f"unknown column 'temperature'; allowed: {ALLOWED} (the first line must name "
            "the columns; a file with its own names: --columns, --ignore-columns)"
        ),
    ),
    readings_refused(
        "readings_column_twice",
        "start,kwh,kwh\n2025-07-01T00:00,1.5,1\n2025-07-01T00:15,1.5,1\n",
        "1",
        exactly(f"column 'kwh' appears twice; allowed, each once: {ALLOWED}"),
    ),
    readings_refused(
        "readings_without_header",
        QUARTER.removeprefix("start,kwh\n"),
        "1",
        starting(f"unknown column '2025-07-01T00:00'; allowed: {ALLOWED}"),
    ),
    readings_refused(
        "readings_empty_file",
        "",
        "1",
        exactly(
            f"empty header; the first line must name the columns, e.g. start,kwh (allowed: "
            f"{ALLOWED})"
        ),
    ),
    readings_refused(
        "readings_header_only",
        "start,kwh\n",
        "2",
        exactly("no readings: the file has a header but no rows"),
    ),
    readings_refused(
        "readings_row_with_an_extra_field",
        QUARTER.replace("00:15,1.5", "00:15,1.5,9"),
        "3",
        exactly("3 fields, expected 2 as in the header (start,kwh)"),
    ),
    readings_refused(
        "readings_row_with_a_missing_field",
        QUARTER.replace("00:15,1.5", "00:15"),
        "3",
        exactly("1 field, expected 2 as in the header (start,kwh)"),
    ),
    readings_refused(
        "readings_empty_line_inside",
        QUARTER.replace("1.5\n2025-07-01T00:15", "1.5\n\n2025-07-01T00:15"),
        "3",
        exactly("empty line; only empty lines at the end of the file are allowed"),
    ),
    readings_refused(
        "readings_mixed_interval_lengths_overlap",
        QUARTER + "2025-07-01T00:40,1.5\n",
        "5",
        exactly(
            "2025-07-01T00:40 is only 10 minutes after 2025-07-01T00:30 on row 4, so intervals "
            "of 15 minutes overlap"
        ),
    ),
    readings_refused(
        "readings_mixed_interval_lengths_off_the_grid",
        QUARTER + "2025-07-01T00:50,1.5\n",
        "5",
        exactly(
            "2025-07-01T00:50 is 20 minutes after 2025-07-01T00:30 on row 4, not a whole number "
            "of intervals of 15 minutes (mixed interval lengths)"
        ),
    ),
    readings_refused(
        "readings_gap",
        QUARTER + "2025-07-01T01:15,1.5\n",
        "5",
        exactly(
            "gap: no readings from 2025-07-01T00:45 to 2025-07-01T01:15 (2 intervals missing); "
            "use --allow-gaps to bill the readings without them"
        ),
    ),
    # 4 × 1.5 kWh, nothing invented for the gap.
    Case(
        "readings_gap_allowed_is_billed_with_a_warning",
        price_inputs(readings=QUARTER + "2025-07-01T01:15,1.5\n", extra=["--allow-gaps"]),
        Billed({"energy_kwh": "6.000"}, warning="2 intervals missing"),
    ),
    readings_refused(
        "readings_duplicate_row",
        QUARTER + "2025-07-01T00:30,1.5\n",
        "5",
        exactly("2025-07-01T00:30 appears twice (first at row 4)"),
    ),
    readings_refused(
        "readings_rows_out_of_order",
        QUARTER + "2025-07-01T00:15,1.5\n",
        "5",
        exactly(
            "2025-07-01T00:15 is earlier than 2025-07-01T00:30 on row 4; rows must be in time order"
        ),
    ),
    *[
        readings_refused(
            "readings_value_not_a_non_negative_number",
            QUARTER.replace("00:15,1.5", f"00:15,{value}"),
            "3",
            exactly(f"{message}; expected a number of 0 or more, such as 12.5{suffix}"),
            variant=value or "empty",
        )
        for value, message in [
            ("-1.5", "kwh is '-1.5', a negative value"),
            ("NaN", "kwh is 'NaN', not a finite number"),
            ("nan", "kwh is 'nan', not a finite number"),
            ("inf", "kwh is 'inf', not a finite number"),
            ("-Infinity", "kwh is '-Infinity', not a finite number"),
            ("abc", "kwh is 'abc', not a number"),
            ("", "kwh is empty"),
        ]
        for suffix in [
            ", or use --allow-gaps to bill an empty kwh as a missing interval" * (not value)
        ]
    ],
    # The CSV reader reads ASCII digits only; the message names the other digit.
    readings_refused(
        "readings_non_ascii_digits",
        QUARTER.replace("00:15,1.5", "00:15,\uff11.\uff15"),
        "3",
        exactly(
            "kwh is '\uff11.\uff15', which holds the non-ASCII digit '\uff11' (U+FF11); "
            "write ASCII digits"
        ),
        variant="kwh",
    ),
    readings_refused(
        "readings_non_ascii_digits",
        QUARTER.replace("2025-07-01T00:15", "2025-07-01T00:\u0661\u0665"),
        "3",
        exactly(
            "start '2025-07-01T00:\u0661\u0665' holds the non-ASCII digit '\u0661' (U+0661); "
            "write ASCII digits"
        ),
        variant="start",
    ),
    # A decimal comma makes a third field.
    readings_refused(
        "readings_value_not_a_non_negative_number",
        QUARTER.replace("00:15,1.5", "00:15,1,5"),
        "3",
        starting("3 fields, expected 2"),
        variant="1,5",
    ),
    readings_refused(
        "readings_value_with_too_many_decimal_places",
        QUARTER.replace("00:15,1.5", "00:15,0.1234567891"),
        "3",
        exactly("kwh is '0.1234567891', with 10 decimal places; at most 9 are allowed"),
    ),
    readings_refused(
        "readings_value_too_large",
        QUARTER.replace("00:15,1.5", "00:15,1E+999999999999"),
        "3",
        exactly(
            "kwh is '1E+999999999999', too large; at most 15 digits before the decimal point "
            "are allowed"
        ),
    ),
    # 999999999999045.774709891 kWh (15 digits before the point, 9 after: allowed)
    # × 0.56789 CNY/kWh = 567889999999458.10499999999999 exactly (worked out with integers
    # in test_the_worked_out_amounts), which rounds half-up to 567889999999458.10. Rounding
    # the product to 28 digits first would give ...458.105 and then ...458.11.
    exact_or_refused_case(
        "readings_large_value_is_priced_to_the_exact_cent",
        r"readings\.csv:2",
        ["567889999999458.10"],
        tariff=FLAT,
        readings="start,kwh\n2025-07-01T00:00,999999999999045.774709891\n2025-07-01T01:00,0\n",
        tariff_name="flat.yaml",
    ),
    readings_refused(
        "readings_start_not_a_date",
        QUARTER.replace("2025-07-01T00:15", "2025-13-01T00:15"),
        "3",
        exactly(
            "start '2025-13-01T00:15' is not a valid date between 1900 and 9998; expected a "
            "date and time such as 2025-07-01T00:15 or 2025-07-01T00:15+08:00"
        ),
    ),
    readings_refused(
        "readings_start_not_a_time",
        QUARTER.replace("2025-07-01T00:15", "1 July 2025 00:15"),
        "3",
        exactly(
            "start '1 July 2025 00:15' is not valid; expected a date and time such as "
            "2025-07-01T00:15 or 2025-07-01T00:15+08:00"
        ),
    ),
    readings_refused(
        "readings_quoted_fields",
        'start,kwh\n"2025-07-01T00:00","1.5"\n"2025-07-01T00:15","1.5"\n',
        "2",
        starting("start '\"2025-07-01T00:00\"' is not valid; expected a date"),
    ),
    readings_refused(
        "readings_start_off_the_interval_grid",
        "start,kwh\n2025-07-01T00:07,1.5\n2025-07-01T00:22,1.5\n",
        "2",
        exactly(
            "2025-07-01T00:07 does not start an interval: with intervals of 15 minutes, starts "
            "must be whole multiples of 15 minutes after midnight on the clock in Asia/Shanghai"
        ),
    ),
    readings_refused(
        "readings_single_row",
        "start,kwh\n2025-07-01T00:00,1.5\n",
        "2",
        exactly(
            "only one reading, so the interval length cannot be inferred; give the interval "
            "length (e.g. 15 minutes: --interval 15, or interval_seconds=900 in Python)"
        ),
    ),
    readings_refused(
        "readings_interval_that_cannot_be_inferred",
        "start,kwh\n2025-07-01T00:00,1.5\n2025-07-01T02:00,1.5\n",
        "3",
        exactly(
            "the first two readings, 2025-07-01T00:00 and 2025-07-01T02:00, are 2 hours apart, "
            "so the interval length cannot be inferred; allowed: 5, 15, 30 or 60 minutes, or "
            "give the interval length (e.g. --interval 15)"
        ),
    ),
    # 2025-03-09 02:00-03:00 does not exist in Los Angeles (IANA tz database, northamerica).
    readings_refused(
        "readings_local_time_that_does_not_exist",
        "start,kwh\n2025-03-09T01:00,1\n2025-03-09T01:15,1\n2025-03-09T01:30,1\n"
        "2025-03-09T01:45,1\n2025-03-09T02:00,1\n",
        "6",
        exactly(
            "2025-03-09T02:00 does not exist in America/Los_Angeles: the clocks skip it when "
            "they move forward; a file in local time leaves the skipped times out, and "
            + on_standard_time("America/Los_Angeles", "-08:00", "Etc/GMT+8")
        ),
        tariff=LOS_ANGELES,
    ),
    # A year of hours on Mountain standard time (as SAM, REopt and OS-HPXML write load
    # files) read in America/Denver: 2025-03-09T02:00, the 1611th hour, is skipped there.
    readings_refused(
        "readings_standard_time_year_in_a_zone_with_clock_changes",
        STANDARD_TIME_YEAR,
        "1612",
        exactly(
            "2025-03-09T02:00 does not exist in America/Denver: the clocks skip it when "
            "they move forward; a file in local time leaves the skipped times out, and "
            + on_standard_time("America/Denver", "-07:00", "Etc/GMT+7")
        ),
        tariff=DENVER,
    ),
    # From July: 2025-11-02T01:00 (hour 124 × 24 + 1 = 2977 of the file) is there once.
    readings_refused(
        "readings_standard_time_year_in_a_zone_with_clock_changes",
        standard_time_year("2025-07-01"),
        "2979",
        exactly(
            "2025-11-02T01:00 is ambiguous in America/Denver: the clocks pass it twice when "
            "they move back; write the UTC offset, 2025-11-02T01:00-06:00 for the first or "
            "2025-11-02T01:00-07:00 for the second, on every row; the file has it once, and "
            + on_standard_time("America/Denver", "-07:00", "Etc/GMT+7")
        ),
        variant="from_july",
        tariff=DENVER,
    ),
    # 2025-11-02 01:00-02:00 happens twice in Los Angeles (PDT, then PST).
    readings_refused(
        "readings_local_time_that_is_ambiguous",
        "start,kwh\n2025-11-02T00:30,1\n2025-11-02T00:45,1\n2025-11-02T01:00,1\n",
        "4",
        exactly(
            "2025-11-02T01:00 is ambiguous in America/Los_Angeles: the clocks pass it twice when "
            "they move back; write the UTC offset, 2025-11-02T01:00-07:00 for the first or "
            "2025-11-02T01:00-08:00 for the second, on every row; the file has it once, and "
            + on_standard_time("America/Los_Angeles", "-08:00", "Etc/GMT+8")
        ),
        tariff=LOS_ANGELES,
    ),
    # The hour twice, as a file in local time has it: only the offsets are asked for.
    readings_refused(
        "readings_local_time_that_is_ambiguous",
        "start,kwh\n2025-11-02T00:30,1\n2025-11-02T00:45,1\n2025-11-02T01:00,1\n"
        "2025-11-02T01:15,1\n2025-11-02T01:30,1\n2025-11-02T01:45,1\n2025-11-02T01:00,1\n",
        "4",
        exactly(
            "2025-11-02T01:00 is ambiguous in America/Los_Angeles: the clocks pass it twice when "
            "they move back; write the UTC offset, 2025-11-02T01:00-07:00 for the first or "
            "2025-11-02T01:00-08:00 for the second, on every row"
        ),
        variant="repeated",
        tariff=LOS_ANGELES,
    ),
    readings_refused(
        "readings_some_rows_with_an_offset",
        "start,kwh\n2025-07-01T00:00+08:00,1.5\n2025-07-01T00:15,1.5\n",
        "3",
        exactly(
            "2025-07-01T00:15 has no UTC offset but row 2 has one; write an offset on every row "
            "or on none"
        ),
    ),
    # 00:15+09:00 is 15:15 UTC the day before, earlier than 00:00+08:00 (16:00 UTC).
    readings_refused(
        "readings_offsets_that_put_rows_out_of_order",
        "start,kwh\n2025-07-01T00:00+08:00,1.5\n2025-07-01T00:15+09:00,1.5\n",
        "3",
        starting("2025-07-01T00:15+09:00 is earlier than 2025-07-01T00:00+08:00 on row 2"),
    ),
    readings_refused(
        "readings_carriage_return_alone",
        QUARTER.replace("\n", "\r"),
        "1",
        exactly("carriage return without a line feed; lines must end with LF or CRLF"),
    ),
    readings_refused(
        "readings_binary_file",
        bytes(range(256)) * 4,
        "1",
        exactly("not a text CSV file: it contains a NUL byte"),
    ),
    # Header 10 bytes + 3 rows of 21 bytes + "2025-07-01T00:45,1" (18 bytes): byte 91.
    readings_refused(
        "readings_not_utf8",
        QUARTER.encode() + b"2025-07-01T00:45,1\xe9\n",
        "5",
        exactly("not a text CSV file: invalid UTF-8 at byte 91; save it as UTF-8"),
    ),
    Case(
        "readings_file_of_100_megabytes_of_nothing",
        Inputs({"tou.yaml": TARIFF, "readings.csv": Sparse(100 * 1024 * 1024)}, PRICE),
        Refused("readings.csv:1", starting("not a text CSV file: it contains a NUL byte")),
        seconds=10,
    ),
    Case(
        "readings_file_missing",
        Inputs({"tou.yaml": TARIFF}, ("price", "missing.csv", "--tariff", "tou.yaml")),
        Refused("missing.csv", r"no such readings file$"),
    ),
    readings_refused(
        "readings_year_out_of_range",
        "start,kwh\n0001-01-01T00:00,1\n0001-01-01T00:15,1\n",
        "2",
        starting("start '0001-01-01T00:00' is not a valid date between 1900 and 9998"),
    ),
    tariff_refused(
        "readings_interval_too_long_for_the_tariff_periods",
        edit(
            edit(TARIFF, '["08:00-22:00"]', '["08:30-22:00"]'),
            '["22:00-08:00"]',
            '["22:00-08:30"]',
        ),
        "readings.csv",
        exactly(
            "intervals of 60 min cannot be split at the 30-minute period boundaries of tariff "
            "tou; give readings at a finer interval"
        ),
    ),
    tariff_refused(
        "readings_without_kvarh_for_a_reactive_demand_charge",
        after_valley('\n      - kind: reactive\n        price_per_kvar: "0.51"'),
        "readings.csv",
        exactly(
            "tariff tou has a reactive demand charge (per kvar), which needs reactive "
            "readings: the readings have no kvarh column"
        ),
    ),
    tariff_refused(
        "readings_without_kvarh_for_a_power_factor_charge",
        after_valley('\n      - kind: power_factor\n        table: "1983-0.90"'),
        "readings.csv",
        exactly(
            "tariff tou has a power-factor adjustment (1983-0.90), which needs reactive "
            "energy: the readings have no kvarh column"
        ),
    ),
    # An option, not a file: a usage error (exit code 2), before any file is read.
    # 86400 = 420 × 205 + 300: seven minutes do not divide a day.
    *[
        Case(
            "readings_interval_option_that_does_not_divide_a_day",
            price_inputs(extra=["--interval", minutes]),
            Exits(
                code=2,
                contains=(
                    "argument --interval: not a number of minutes that divides a day: "
                    f"'{minutes}'; give the interval length in whole minutes, such as 5, 15, "
                    "30 or 60",
                ),
            ),
            variant=minutes,
        )
        for minutes in ["7", "-15", "fifteen"]
    ],
    # --usage-point chooses among the usage points of a Green Button file; a CSV file has
    # none, so giving it is a mistake, not a choice to ignore.
    Case(
        "readings_usage_point_for_csv_readings",
        price_inputs(extra=["--usage-point", "0"]),
        Exits(
            code=2,
            contains=(
                "tariffs price: --usage-point 0 is for Green Button readings, and readings.csv "
                "is read as csv; leave it out, or give --readings-format greenbutton; "
                "see 'tariffs price --help'\n",
            ),
        ),
    ),
    refusal(
        "readings_outside_the_dates_asked_for",
        "readings.csv",
        starting("no readings in the dates to bill"),
        extra=["--from", "2025-08-01"],
    ),
]


# =========================================================================================
# Readings: Green Button XML
# =========================================================================================

JULY_UTC = int(dt.datetime(2025, 6, 30, 16, tzinfo=dt.UTC).timestamp())  # 00:00 in Shanghai
HOUR = 3600

URDB_FLAT = {"label": "flat", "energyratestructure": [[{"rate": 0.10, "unit": "kWh"}]]}


def standard_clock_inputs(tmp_path: Path, rows: str) -> tuple[str, list[str]]:
    """A readings file of ``rows`` and the argv that prices it under a flat URDB record."""
    readings = tmp_path / "r.csv"
    readings.write_text("start,kwh\n" + rows, encoding="utf-8")
    tariff = tmp_path / "flat.json"
    tariff.write_text(json.dumps(URDB_FLAT), encoding="utf-8")
    return str(readings), ["price", str(readings), "--tariff", str(tariff)]


def test_standard_clock_needs_a_whole_hour_offset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readings, price = standard_clock_inputs(tmp_path, "2025-01-01T00:00,1\n2025-01-01T01:00,1\n")
    code, out, err = run(capsys, *price, "--clock", "standard", "--timezone", "Australia/Adelaide")
    assert (code, out) == (1, "")
    assert err == (
        f"tariffs: error: {readings}: the standard time of Australia/Adelaide is UTC+09:30, "
        "which no fixed-offset zone is on: write the offset +09:30 on every row instead of "
        "--clock standard\n"
    )
    # Volgograd moved from UTC+03:00 to UTC+04:00 on 2018-10-28 and back on 2020-12-27
    # (tz database, europe file): its standard time (the smaller of the January and July
    # offsets) is +03:00 in 2018 and +04:00 in 2019.
    rows = "2018-12-31T22:00,1\n2018-12-31T23:00,1\n2019-01-01T00:00,1\n"
    readings, price = standard_clock_inputs(tmp_path, rows)
    code, out, err = run(capsys, *price, "--clock", "standard", "--timezone", "Europe/Volgograd")
    assert (code, out) == (1, "")
    assert err == (
        f"tariffs: error: {readings}: the standard time of Europe/Volgograd changes between "
        "the years of the file (UTC+03:00 in 2018, UTC+04:00 in 2019): --clock standard "
        "needs one; write the UTC offset on every row\n"
    )


def test_standard_clock_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, price = standard_clock_inputs(tmp_path, "2025-01-01T00:00,1\n2025-01-01T01:00,1\n")
    denver = ["--timezone", "America/Denver", "--clock", "standard"]
    code, out, err = run(capsys, *price, *denver, "--wall-clock", "Etc/GMT+7")
    assert (code, out) == (2, "")
    assert (
        "tariffs price: --clock standard reads the starts on the standard time of "
        "America/Denver, and --wall-clock Etc/GMT+7 on the clock of Etc/GMT+7: give one"
    ) in err
    xml = tmp_path / "r.xml"
    xml.write_text("<feed/>", encoding="utf-8")
    code, out, err = run(capsys, "price", xml, *price[2:], *denver)
    assert (code, out) == (2, "")
    assert (
        f"--clock standard is for CSV readings, and {xml} is read as Green Button, whose "
        "starts are instants (UTC); leave it out"
    ) in err


def test_a_year_of_values_that_is_not_a_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def price_values(text: str, *options: str) -> Result:
        readings = tmp_path / "values.csv"
        readings.write_text(text, encoding="utf-8")
        tariff = tmp_path / "flat.json"
        tariff.write_text(json.dumps(URDB_FLAT), encoding="utf-8")
        return run(capsys, "price", readings, "--tariff", tariff, "--timezone", "UTC", *options)

    where = f"tariffs: error: {tmp_path / 'values.csv'}"
    year = ["--year", "2025"]
    assert price_values("1\n" * 8761, *year) == (
        1,
        "",
        f"{where}: 8,761 rows are not the year 2025 in intervals of 5, 15, 30 or 60 minutes "
        "on the clock of UTC: 8,760 hourly values, 17,520 of 30 minutes, 35,040 of 15 or "
        "105,120 of 5\n",
    )
    assert price_values("1\n" * 8760, *year, "--interval", "15") == (
        1,
        "",
        f"{where}: 8,760 rows of 15 minutes are not the year 2025 on the clock of UTC, which "
        "has 35,040 of them\n",
    )
    assert price_values("start,kwh\n2025-01-01T00:00,1\n", *year) == (
        1,
        "",
        f"{where}:1: the file has a start column, and a year of values has none: leave out "
        "the year of the values\n",
    )
    assert price_values("1\n" * 8760, *year, "--columns", "kwh=load") == (
        1,
        "",
        f"{where}: the file has no header line, so its one column is kwh: leave out --columns\n",
    )
    # A bad value is named at its line of the file, with a header line or without.
    code, out, err = price_values("1\n1\nx\n" + "1\n" * 8757, *year)
    assert (code, out) == (1, "")
    assert err.startswith(f"{where}:3: kwh is 'x', not a number")
    code, out, err = price_values("kwh\n1\n1\nx\n" + "1\n" * 8757, *year)
    assert (code, out) == (1, "")
    assert err.startswith(f"{where}:4: kwh is 'x', not a number")
    large = tmp_path / "large.csv"
    with large.open("wb") as file:
        file.truncate(33 * 1024 * 1024)
    code, out, err = run(capsys, "price", large, "--tariff", "cn-sh-residential", *year)
    assert (code, out, err) == (
        1,
        "",
        f"tariffs: error: {large}: 34,603,008 bytes is more than a year of values takes (at "
        "most 33,554,432); a longer file needs a start column\n",
    )
    # Usage: Green Button readings have their starts; a year is four digits.
    xml = tmp_path / "r.xml"
    xml.write_text("<feed/>", encoding="utf-8")
    code, out, err = run(capsys, "price", xml, "--tariff", "cn-sh-residential", *year)
    assert (code, out) == (2, "")
    assert (
        f"--year dates a CSV of values only, and {xml} is read as Green Button, whose "
        "readings have their starts; leave it out"
    ) in err
    code, out, err = price_values("1\n", "--year", "25")
    assert (code, out) == (2, "")
    assert "argument --year: '25' is not a year from 1900 to 9997" in err


def test_vat_refusals_name_the_file_and_line(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def refusal(vat: str, rounding: str = "") -> str:
        text = (
            "id: vat\nname: vat\ncurrency: CNY\ntimezone: Asia/Shanghai\n"
            f'reference: written for the tests\n{rounding}versions:\n  "2025-01-01":\n'
            '    charges:\n      - {kind: energy, price_per_kwh: "0.5"}\n'
            f"    vat: {vat}\n"
        )
        (workdir / "vat.yaml").write_text(text, encoding="utf-8")
        code, out, err = run(capsys, "validate", "vat.yaml")
        assert (code, out) == (1, "")
        return err.strip()

    assert refusal('{rate: "0.13", prices: exclusive, rounded: net}') == (
        "vat.yaml:10:10: versions.2025-01-01.vat: rounded: net is for "
        "inclusive prices; with exclusive prices the vat line is the tax, rounded as every line"
    )
    assert refusal('{rate: "1.13", prices: inclusive}') == (
        "vat.yaml:10:17: versions.2025-01-01.vat.rate: Input should be less than 1"
    )
    assert refusal('{rate: "0.13", prices: exclusive}', "rounding: {per: bill}\n") == (
        "vat.yaml:8:3: versions: version 2025-01-01: a vat line on exclusive "
        "prices and rounding per bill do not go together (the vat line would be priced on "
        "lines not yet rounded); give inclusive prices, or round per line"
    )


def test_a_bill_across_a_change_of_vat_is_refused(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # China's rate went from 16 % to 13 % on 2019-04-01 (公告2019年第39号); a version from
    # the 15th cuts a bill in two, and one invoice has one tax.
    version = '    charges:\n      - {kind: energy, price_per_kwh: "0.568"}\n'
    (workdir / "vat.yaml").write_text(
        "id: vat\nname: vat\ncurrency: CNY\ntimezone: Asia/Shanghai\n"
        'reference: written for the tests\nversions:\n  "2025-06-01":\n'
        + version
        + '    vat: {rate: "0.16", prices: inclusive}\n  "2025-07-15":\n'
        + version
        + '    vat: {rate: "0.13", prices: inclusive}\n',
        encoding="utf-8",
    )
    (workdir / "r.csv").write_text(
        "start,kwh\n2025-07-14T23:00,1\n2025-07-15T00:00,1\n", encoding="utf-8"
    )
    assert run(capsys, "price", "r.csv", "--tariff", "vat.yaml") == (
        1,
        "",
        "tariffs: error: vat.yaml: the bill from 2025-07-14 to 2025-07-16 falls in versions "
        "of tariff vat with different vat (13 % inclusive and 16 % inclusive); one invoice "
        "has one tax: let the version start on the first day of a bill\n",
    )


def test_price_file_refusals_name_the_file_and_line(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A ``price_file`` charge's CSV: every row checked at its line; a month, a voltage
    level or a component without a price refused naming the file and the month."""
    header = "month,voltage_kv,component,price_per_kwh\n"

    def refusal(
        rows: str,
        charge: str = ", voltage_kv: 10",
        *,
        bill: bool = False,
        extra: str = "",
        readings: str = "start,kwh\n2025-08-01T00:00,1\n2025-08-01T01:00,1\n",
    ) -> str:
        text = (
            "id: agency\nname: agency\ncurrency: CNY\ntimezone: Asia/Shanghai\n"
            'reference: written for the tests\nversions:\n  "2025-01-01":\n'
            f"    charges:\n      - {{kind: price_file, file: prices.csv{charge}}}\n"
        )
        (workdir / "agency.yaml").write_text(text, encoding="utf-8")
        (workdir / "prices.csv").write_text(rows, encoding="utf-8")
        (workdir / "r.csv").write_text(readings, encoding="utf-8")
        argv = (
            ["price", "r.csv", "--tariff", "agency.yaml", *extra.split()]
            if bill
            else ["validate", "agency.yaml"]
        )
        code, out, err = run(capsys, *argv)
        assert (code, out) == (1, "")
        return err.strip().removeprefix("tariffs: error: ")

    assert refusal("month,kv,component,price\n") == (
        "prices.csv:1: the first line must be the header month,voltage_kv,component,price_per_kwh"
    )
    assert refusal(header + "2025-8,10,purchase,0.4\n") == (
        "prices.csv:2: month '2025-8' is not a month written YYYY-MM"
    )
    assert refusal(header + "2025-08,10,purchase,0.4,1\n") == (
        "prices.csv:2: expected 4 fields (month,voltage_kv,component,price_per_kwh), found 5"
    )
    assert refusal(header + "2025-08,10,purchase,abc\n") == (
        "prices.csv:2: price_per_kwh: expected a decimal number, found 'abc'"
    )
    assert refusal(header + "2025-08,10,purchase,0.4\n2025-08,10,purchase,0.5\n") == (
        "prices.csv:3: purchase of 2025-08 at 10 kV is given twice (first at line 2)"
    )
    assert refusal(header + "2025-08,10,purchase,0.4\n2025-08,35,purchase,0.4\n"
                   "2025-08,35,funds,0.02\n") == (
        "prices.csv: 2025-08 at 10 kV has no funds price; every month and voltage level "
        "needs every component of the file (purchase, funds)"
    )  # fmt: skip
    tou = ", voltage_kv: 10, time_of_use: [funds], ratios: {all: 1}"
    assert refusal(header + "2025-08,10,purchase,0.4\n", tou) == (
        "agency.yaml:9:75: versions.2025-01-01.charges[0].time_of_use: time_of_use names 'funds', "
        "which prices.csv does not price (components: purchase)"
    )
    assert refusal(header + "2025-07,10,purchase,0.4\n", bill=True) == (
        "prices.csv: has no prices for 2025-08"
    )
    assert refusal(header + "2025-08,35,purchase,0.4\n", bill=True) == (
        "prices.csv: has no prices for 2025-08 at 10 kV (levels of 2025-08: 35 kV)"
    )
    # Without a voltage on the charge, the account's; without an account, refused.
    assert refusal(header + "2025-08,10,purchase,0.4\n", "", bill=True) == (
        "agency.yaml: tariff agency prices by voltage level from prices.csv and needs "
        "'voltage_kv', and no account was given"
    )
    # A bill from the 15th takes July's rows for its July days: a file without them refused.
    (workdir / "a.yaml").write_text("account_id: F\nvoltage_kv: 10\nmeter_read_day: 15\n")
    assert (
        refusal(
            header + "2025-08,10,purchase,0.4\n",
            "",
            bill=True,
            extra="--account a.yaml",
            readings="start,kwh\n2025-07-31T23:00,1\n2025-08-01T00:00,1\n",
        )
        == "prices.csv: has no prices for 2025-07"
    )


def test_prices_file_refusals_name_the_file_and_line(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``dynamic_energy`` with ``prices_file``: every row checked at its line; a reading
    interval without a price, longer than a price interval or across two, refused."""
    header = "start,price_per_kwh\n"
    hourly = header + "2025-07-01T00:00,0.5\n2025-07-01T01:00,0.6\n"

    def refusal(prices: str, readings: str = "", *, zone: str = "Asia/Shanghai") -> str:
        (workdir / "rtp.yaml").write_text(
            f"id: rtp\nname: rtp\ncurrency: CNY\ntimezone: {zone}\n"
            'reference: written for the tests\nversions:\n  "2025-01-01":\n'
            "    charges:\n      - {kind: dynamic_energy, prices_file: p.csv}\n",
            encoding="utf-8",
        )
        (workdir / "p.csv").write_text(prices, encoding="utf-8")
        (workdir / "r.csv").write_text("start,kwh\n" + readings, encoding="utf-8")
        argv = ["price", "r.csv", "--tariff", "rtp.yaml"] if readings else ["validate", "rtp.yaml"]
        code, out, err = run(capsys, *argv)
        assert (code, out) == (1, "")
        return err.strip().removeprefix("tariffs: error: ")

    assert refusal("start,price\n") == (
        "p.csv:1: the first line must be the header start,price_per_kwh"
    )
    assert refusal(header + "2025-07-01 00:00,0.5\n") == (
        "p.csv:2: start '2025-07-01 00:00' is not a time written YYYY-MM-DDTHH:MM (with an "
        "optional offset such as +08:00)"
    )
    assert refusal(header + "2025-07-01T00:00,0.5\n2025-07-01T00:30,0.5\n") == (
        "p.csv:3: 2025-07-01T00:30 is 30 min after the start before; price intervals are 5, "
        "15 or 60 minutes"
    )
    assert refusal(hourly + "2025-07-01T03:00,0.5\n") == (
        "p.csv:4: 2025-07-01T03:00 does not follow the start before by 60 min (a gap, a repeat "
        "or a change of interval); every interval needs a price"
    )
    assert refusal(hourly.replace("0.6", "x")) == (
        "p.csv:3: price_per_kwh: expected a decimal number, found 'x'"
    )
    assert refusal(header + "2025-07-01T00:00,0.5\n") == (
        "p.csv: needs at least two prices (their starts give the interval length)"
    )
    # 01:30 on 2 November 2025 passes twice in New York; its offset says which.
    assert refusal(header + "2025-11-02T01:00,0.5\n2025-11-02T01:30,0.5\n",
                   zone="America/New_York") == (
        "p.csv:2: start 2025-11-02T01:00 is a local time the clocks of America/New_York "
        "pass twice; write its UTC offset"
    )  # fmt: skip
    assert refusal(hourly, "2025-07-01T01:00,1\n2025-07-01T02:00,1\n") == (
        "p.csv: no price for the reading interval from 2025-07-01T02:00: the prices run from "
        "2025-07-01T00:00 to 2025-07-01T02:00"
    )
    quarter = header + "2025-07-01T00:00,0.5\n2025-07-01T00:15,0.6\n"
    assert refusal(quarter, "2025-07-01T00:00,1\n2025-07-01T00:30,1\n") == (
        "p.csv: price intervals of 15 min cannot price readings of 30 min; give readings at "
        "15 min or finer"
    )
    shifted = header + "".join(f"2025-07-01T00:{m:02d},0.5\n" for m in (5, 20, 35))
    assert refusal(shifted, "2025-07-01T00:15,1\n2025-07-01T00:30,1\n") == (
        "p.csv: the reading interval from 2025-07-01T00:15 spans two price intervals; the "
        "readings must start on the price intervals' boundaries"
    )


def greenbutton(
    readings: Sequence[tuple[int, int, int | str]],
    *,
    uom: int = 72,
    flow: int = 1,
    accumulation: int = 4,
    power_of_ten: int = 0,
    service: int = 0,
) -> str:
    """A one-meter feed; IntervalReading n (from 1) is on line 22 + n."""
    href = "http://example.test/espi"
    meter = f"{href}/UsagePoint/1/MeterReading/1"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        " <entry>",
        f'  <link rel="self" href="{href}/UsagePoint/1"/>',
        f'  <link rel="related" href="{href}/UsagePoint/1/MeterReading"/>',
        '  <content><UsagePoint xmlns="http://naesb.org/espi"><ServiceCategory>'
        f"<kind>{service}</kind></ServiceCategory></UsagePoint></content>",
        " </entry>",
        " <entry>",
        f'  <link rel="self" href="{meter}"/>',
        f'  <link rel="up" href="{href}/UsagePoint/1/MeterReading"/>',
        f'  <link rel="related" href="{meter}/IntervalBlock"/>',
        f'  <link rel="related" href="{href}/ReadingType/1"/>',
        '  <content><MeterReading xmlns="http://naesb.org/espi"/></content>',
        " </entry>",
        " <entry>",
        f'  <link rel="self" href="{href}/ReadingType/1"/>',
        '  <content><ReadingType xmlns="http://naesb.org/espi">'
        f"<accumulationBehaviour>{accumulation}</accumulationBehaviour>"
        f"<flowDirection>{flow}</flowDirection><intervalLength>3600</intervalLength>"
        f"<powerOfTenMultiplier>{power_of_ten}</powerOfTenMultiplier><uom>{uom}</uom>"
        "</ReadingType></content>",
        " </entry>",
        " <entry>",
        f'  <link rel="self" href="{meter}/IntervalBlock/1"/>',
        f'  <link rel="up" href="{meter}/IntervalBlock"/>',
        '  <content><IntervalBlock xmlns="http://naesb.org/espi">',
    ]
    for start, duration, value in readings:
        lines.append(
            f"   <IntervalReading><timePeriod><duration>{duration}</duration><start>{start}"
            f"</start></timePeriod><value>{value}</value></IntervalReading>"
        )
    lines += ["  </IntervalBlock></content>", " </entry>", "</feed>"]
    return "\n".join(lines) + "\n"


DAY = [(JULY_UTC + hour * HOUR, HOUR, 500) for hour in range(24)]


def greenbutton_refused(entry: str, text: str | bytes, where: str, message: str) -> Case:
    """The feed ``text`` as ``readings.xml``, refused: ``readings.xml{where}: message``."""
    return refusal(
        entry, f"readings.xml{where}", message, readings=text, readings_name="readings.xml"
    )


# 999999999999999.999 kWh × 0.288 CNY/kWh = 287999999999999.999712, half up to the cent:
# 288000000000000.00.
LARGEST_VALLEY_AMOUNT = "288000000000000.00"

GREENBUTTON = [
    Case(
        "greenbutton_accepted",
        price_inputs(readings=greenbutton(DAY), readings_name="readings.xml"),
        Billed({"energy_kwh": "12.000"}),  # 24 × 500 Wh
    ),
    greenbutton_refused(
        "greenbutton_doctype_and_entities",
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<feed>&c;</feed>\n',
        ":2:1",
        exactly(
            "a document type declaration (<!DOCTYPE feed>) is not allowed: Green Button files "
            "have none, and the entities it may declare could expand without bound"
        ),
    ),
    greenbutton_refused(
        "greenbutton_external_entity",
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        "<feed>&x;</feed>\n",
        ":2:1",
        starting("a document type declaration"),
    ),
    greenbutton_refused(
        "greenbutton_malformed_xml",
        greenbutton(DAY).replace("</IntervalBlock></content>", "</content>"),
        ":47:5",
        exactly("malformed XML: mismatched tag"),
    ),
    greenbutton_refused(
        "greenbutton_not_xml",
        bytes(range(256)),
        "",
        starting("not an XML file: it does not start with '<' (binary or other data)"),
    ),
    greenbutton_refused(
        "greenbutton_empty_file",
        "",
        "",
        exactly("the file is empty; expected Green Button XML (an Atom feed)"),
    ),
    greenbutton_refused(
        "greenbutton_other_xml",
        '<?xml version="1.0"?>\n<html/>\n',
        ":2",
        starting("not a Green Button file: the root element is <html>, expected an Atom <feed>"),
    ),
    greenbutton_refused(
        "greenbutton_without_interval_blocks",
        '<feed xmlns="http://www.w3.org/2005/Atom"></feed>\n',
        "",
        starting("no IntervalBlock found: the file holds no interval readings"),
    ),
    greenbutton_refused(
        "greenbutton_negative_value",
        greenbutton([*DAY[:3], (DAY[3][0], HOUR, -5), *DAY[4:]]),
        ":26",
        exactly(
            "IntervalBlock 1, IntervalReading 4: value -5 is negative; readings must be 0 or more"
        ),
    ),
    greenbutton_refused(
        "greenbutton_value_not_an_integer",
        greenbutton([*DAY[:3], (DAY[3][0], HOUR, "1.5"), *DAY[4:]]),
        ":26",
        exactly(
            "IntervalBlock 1, IntervalReading 4: value '1.5' is not an integer of at most 19 digits"
        ),
    ),
    greenbutton_refused(
        "greenbutton_gap",
        greenbutton(DAY[:3] + DAY[5:]),
        ":26",
        exactly(
            "IntervalBlock 1, IntervalReading 4: gap: no readings from 2025-06-30T19:00Z to "
            "2025-06-30T21:00Z (2 intervals missing); allow gaps to bill anyway"
        ),
    ),
    greenbutton_refused(
        "greenbutton_duplicate",
        greenbutton([*DAY, DAY[0]]),
        ":47",
        exactly(
            "IntervalBlock 1, IntervalReading 25: 2025-06-30T16:00Z appears twice (first at "
            "IntervalBlock 1, IntervalReading 1)"
        ),
    ),
    greenbutton_refused(
        "greenbutton_mixed_interval_lengths",
        greenbutton([*DAY[:3], (DAY[3][0], 1800, 5)]),
        ":26",
        starting(
            "IntervalBlock 1, IntervalReading 4: intervals of different lengths: 3600 and 1800 s"
        ),
    ),
    greenbutton_refused(
        "greenbutton_unsupported_unit",
        greenbutton(DAY, uom=42),
        ":17",
        exactly(
            "ReadingType 1: uom 42 (m3) is not supported: expected 72 (Wh), 73 (VArh) or 38 (W)"
        ),
    ),
    greenbutton_refused(
        "greenbutton_cumulative_register",
        greenbutton(DAY, accumulation=1),
        ":17",
        exactly(
            "ReadingType 1: accumulationBehaviour 1 (bulkQuantity) is not supported: energy must "
            "be given per interval, accumulationBehaviour 4 (deltaData)"
        ),
    ),
    greenbutton_refused(
        "greenbutton_start_out_of_range",
        greenbutton([(-HOUR, HOUR, 1), (0, HOUR, 1)]),
        ":23",
        exactly(
            "IntervalBlock 1, IntervalReading 1: timePeriod/start -3600 is not a time from 1970 "
            "to 9998 in UTC epoch seconds"
        ),
    ),
    # 9999-01-01T00:00Z: a bill in 9999 would end in a year no date holds (as in CSV files).
    Case(
        "greenbutton_start_out_of_range",
        price_inputs(
            readings=greenbutton([(253370764800, HOUR, 1), (253370764800 + HOUR, HOUR, 1)]),
            readings_name="readings.xml",
        ),
        Refused(
            "readings.xml:23",
            exactly(
                "IntervalBlock 1, IntervalReading 1: timePeriod/start 253370764800 is not a time "
                "from 1970 to 9998 in UTC epoch seconds"
            ),
        ),
        "year_9999",
    ),
    greenbutton_refused(
        "greenbutton_no_electricity",
        greenbutton(DAY, service=1),
        "",
        exactly("no electricity UsagePoint with readings in the file; services found: gas (1)"),
    ),
    greenbutton_refused(
        "greenbutton_power_of_ten_beyond_the_scale",
        greenbutton(DAY, power_of_ten=-20),
        ":17",
        exactly(
            "ReadingType 1: powerOfTenMultiplier -20 needs 23 decimal places of kWh; at most 9 "
            "are kept"
        ),
    ),
    # 9999999999999999999 Wh × 10**20 = 9.999999999999999999E+35 kWh: 36 digits before the
    # point, where CSV readings allow 15.
    greenbutton_refused(
        "greenbutton_value_too_large",
        greenbutton(
            [(JULY_UTC, HOUR, 9999999999999999999), (JULY_UTC + HOUR, HOUR, 0)], power_of_ten=20
        ),
        ":23",
        exactly(
            "IntervalBlock 1, IntervalReading 1: value 9999999999999999999 with "
            "powerOfTenMultiplier 20 is 9.999999999999999999E+35 kWh, too large; at most 15 "
            "digits before the decimal point are allowed"
        ),
    ),
    # 10**18 Wh is 10**15 kWh, one digit too many; 10**15 kWh written in kWh (multiplier 3),
    # the same.
    *[
        Case(
            "greenbutton_value_too_large",
            price_inputs(
                readings=greenbutton(
                    [*DAY[:3], (DAY[3][0], HOUR, value), *DAY[4:]], power_of_ten=power
                ),
                readings_name="readings.xml",
            ),
            Refused(
                "readings.xml:26",
                exactly(
                    f"IntervalBlock 1, IntervalReading 4: value {value} with powerOfTenMultiplier "
                    f"{power} is 1E+15 kWh, too large; at most 15 digits before the decimal point "
                    "are allowed"
                ),
            ),
            f"power_{power}",
        )
        for value, power in [(10**18, 0), (10**15, 3)]
    ],
    # 999999999999999999 Wh = 999999999999999.999 kWh (15 digits), at 00:00 in Shanghai:
    # valley, 0.288. See test_the_worked_out_amounts.
    Case(
        "greenbutton_largest_value_is_priced_to_the_exact_cent",
        price_inputs(
            readings=greenbutton(
                [(JULY_UTC, HOUR, 999999999999999999), (JULY_UTC + HOUR, HOUR, 0)]
            ),
            readings_name="readings.xml",
        ),
        Billed({"energy_kwh": "999999999999999.999", "total": LARGEST_VALLEY_AMOUNT}),
    ),
    # An element this reader reads by name, in another namespace: refused where it is, never
    # read as ESPI nor skipped. The fourth IntervalReading is on line 26, the IntervalBlock
    # on line 22, the ReadingType on line 17.
    greenbutton_refused(
        "greenbutton_element_in_another_namespace",
        edit(
            greenbutton(DAY),
            f"   <IntervalReading><timePeriod><duration>3600</duration><start>{DAY[3][0]}",
            '   <IntervalReading xmlns="http://example.test/other"><timePeriod><duration>3600'
            f"</duration><start>{DAY[3][0]}",
        ),
        ":26",
        exactly(
            "IntervalBlock 1: <IntervalReading> is in the namespace 'http://example.test/other', "
            "not in the ESPI namespace (http://naesb.org/espi): it is not read as a Green Button "
            "element, and not skipped"
        ),
    ),
    Case(
        "greenbutton_element_in_another_namespace",
        price_inputs(
            readings=edit(
                greenbutton(DAY),
                '<IntervalBlock xmlns="http://naesb.org/espi">',
                '<IntervalBlock xmlns="http://example.test/other">',
            ),
            readings_name="readings.xml",
        ),
        Refused(
            "readings.xml:22",
            exactly(
                "<IntervalBlock> is in the namespace 'http://example.test/other', not in the ESPI "
                "namespace (http://naesb.org/espi): it is not read as a Green Button element, and "
                "not skipped"
            ),
        ),
        "interval_block",
    ),
    Case(
        "greenbutton_element_in_another_namespace",
        price_inputs(
            readings=edit(
                greenbutton(DAY),
                f"</start></timePeriod><value>{DAY[3][2]}</value></IntervalReading>\n"
                f"   <IntervalReading><timePeriod><duration>3600</duration><start>{DAY[4][0]}",
                f'</start></timePeriod><value xmlns="">{DAY[3][2]}</value></IntervalReading>\n'
                f"   <IntervalReading><timePeriod><duration>3600</duration><start>{DAY[4][0]}",
            ),
            readings_name="readings.xml",
        ),
        Refused("readings.xml:26", starting("IntervalBlock 1: <value> is in no namespace, not in")),
        "value_in_no_namespace",
    ),
    Case(
        "greenbutton_element_in_another_namespace",
        price_inputs(
            readings=edit(
                greenbutton(DAY), "<uom>72</uom>", '<o:uom xmlns:o="urn:other">72</o:uom>'
            ),
            readings_name="readings.xml",
        ),
        Refused(
            "readings.xml:17", starting("ReadingType 1: <uom> is in the namespace 'urn:other', not")
        ),
        "unit",
    ),
]


def test_greenbutton_power_of_ten_with_nineteen_digits(workdir: Path) -> None:
    # 10 ** 9999999999999999999 cannot be computed: the multiplier must be refused at its
    # ReadingType (line 17) before any reading is scaled. The reader runs in its own
    # process, stopped after 20 s.
    write_files(
        {
            "readings.xml": greenbutton(DAY[:2], power_of_ten=9999999999999999999),
            "tou.yaml": TARIFF,
        }
    )
    completed = run_alone(
        ["price", "readings.xml", "--tariff", "tou.yaml"],
        seconds=20,
        memory_bytes=1 << 31,
        late="a powerOfTenMultiplier of 9999999999999999999 was still being used after 20 s",
    )
    assert completed.returncode == 1, completed.stderr[-2000:]
    assert completed.stdout == ""
    assert re.fullmatch(
        r"tariffs: error: readings\.xml:17: ReadingType 1: powerOfTenMultiplier "
        r"9999999999999999999 .+\n",
        completed.stderr,
    ), completed.stderr


# =========================================================================================
# Account files
# =========================================================================================


def account_inputs(account: str | None) -> Inputs:
    """``tariffs price`` with the two-part tariff and ``account`` as ``account.yaml``."""
    return price_inputs(tariff=TWO_PART, account=account, tariff_name="two-part.yaml")


def account_refused(entry: str, account: str, where: str, message: str, variant: str = "") -> Case:
    """The account file ``account`` with the two-part tariff, refused: ``where: message``."""
    return Case(entry, account_inputs(account), Refused(where, message), variant=variant)


# A method of charging the tariff needs, as the message names it.
BASIC_CHARGE_METHOD = "'basic_charge_method' (capacity | contract_demand | actual_demand)"

# The start of a message about the account file, with or without a line and column.
ABOUT_THE_ACCOUNT_FILE = r"tariffs: error: account\.yaml(:\d+(:\d+)?)?: "

# An account that declares its transformers (the list's entries follow, from line 4).
TRANSFORMERS_ACCOUNT = """\
account_id: F-001
basic_charge_method: capacity
transformers:
"""

# The two-period tariff's account with a sub-meter (套扣), line 2 on, and its readings.
SUB_METER_ACCOUNT = """\
account_id: F-001
sub_meters:
  - {id: S1, readings: sub.csv, tariff: tou.yaml}
"""


def sub_meter_inputs(sub_readings: str, account: str = SUB_METER_ACCOUNT) -> Inputs:
    """``tariffs price`` of the two-period tariff, the account naming ``sub.csv``."""
    inputs = price_inputs(account=account)
    return Inputs({**inputs.files, "sub.csv": sub_readings}, inputs.argv)


SUB_METERS = [
    Case(
        "account_sub_meter_above_the_main_meter",
        # The main meter reads 0.5 kWh an hour; the sub-meter 0.7 at 2025-07-01T05:00.
        sub_meter_inputs(edit(READINGS, "2025-07-01T05:00,0.5", "2025-07-01T05:00,0.7")),
        Refused(
            "sub.csv",
            exactly(
                "interval 2025-07-01T05:00: sub-meter S1 reads 0.700 kWh, more than the 0.500 "
                "kWh the main meter (readings.csv) reads less the sub-meters before it; "
                "check the wiring or the data"
            ),
        ),
    ),
    Case(
        "account_sub_meter_on_other_intervals",
        sub_meter_inputs(hourly_csv(hours=24)),
        Refused(
            "sub.csv",
            exactly(
                "sub-meter S1: its intervals differ from the main meter's (readings.csv); a "
                "sub-meter is read on the same intervals"
            ),
        ),
    ),
    Case(
        "account_fixed_split_above_what_remains",
        # 定量 3000 kWh a month from 720 kWh read in June (1 kWh an hour).
        price_inputs(
            readings=hourly_csv("2025-06-01T00:00", 720, "1"),
            account="account_id: F-001\nsplit: {kwh_per_month: 3000, tariff: tou.yaml}\n",
        ),
        Refused(
            "readings.csv",
            exactly(
                "billing period 2025-06-01 to 2025-07-01: the split's 3000.000 kWh (定量 3000 "
                "kWh a month) are more than the 720.000 kWh the main meter reads less its "
                "sub-meters"
            ),
        ),
    ),
    Case(
        "account_sub_meters_under_a_tariff_that_measures_demand",
        Inputs(
            {
                **sub_meter_inputs(READINGS).files,
                "tou.yaml": TARIFF + '      - kind: demand\n        price_per_kw: "30"\n',
            },
            sub_meter_inputs(READINGS).argv,
        ),
        Refused(
            "tou.yaml",
            exactly(
                "demand charge under sub-meters: not supported, refusing to price (tariff "
                "tou with sub_meters or split: the main meter's demand less its sub-meters' "
                "is not what is billed)"
            ),
        ),
    ),
    Case(
        "account_sub_meter_tariff_on_another_clock",
        Inputs(
            {
                **sub_meter_inputs(READINGS).files,
                "account.yaml": edit(SUB_METER_ACCOUNT, "tariff: tou.yaml", "tariff: flat.yaml"),
                "flat.yaml": FLAT,
            },
            sub_meter_inputs(READINGS).argv,
        ),
        Refused(
            "account.yaml: sub_meters[0].tariff",
            exactly(
                "tariff flat is in time zone UTC and the main meter's tariff tou in "
                "Asia/Shanghai; the parts of one meter are billed on one clock"
            ),
        ),
    ),
    account_refused(
        "account_sub_meter_declared_twice",
        ACCOUNT + "sub_meters:\n  - {id: S1, tariff: tou}\n  - {id: S1, tariff: tou}\n",
        "account.yaml:7:10",
        exactly("sub_meters[1].id: meter 'S1' is declared twice (first at sub_meters[0])"),
    ),
    account_refused(
        "account_split_with_both_or_neither",
        ACCOUNT + 'split: {ratio: "0.15", kwh_per_month: 2000, tariff: tou}\n',
        "account.yaml:5:8",
        exactly("split: a split gives either ratio (定比) or kwh_per_month (定量), exactly one"),
    ),
    account_refused(
        "account_split_ratio_above_one",
        ACCOUNT + "split: {ratio: 15, tariff: tou}\n",
        "account.yaml:5:16",
        exactly("split.ratio: ratio is a fraction from 0 to 1 (0.15 for 15 %), found 15"),
    ),
    account_refused(
        "account_sub_meters_with_meter_changes",
        ACCOUNT
        + "sub_meters: [{id: S1, tariff: tou}]\n"
        + "meter_changes: [{from: 2025-07-02, meter_multiplier: 2}]\n",
        "account.yaml:6:16",
        exactly(
            "meter_changes: meter_changes together with sub_meters or split are not priced: "
            "the subtraction is declared for one main meter"
        ),
    ),
]

ACCOUNTS = [
    Case("account_accepted", account_inputs(ACCOUNT), Billed({"account": "F-001"})),
    *SUB_METERS,
    account_refused(
        "account_unknown_key",
        ACCOUNT + "colour: red\n",
        "account.yaml:5:9",
        r"colour: Extra inputs are not permitted$",
    ),
    # The account file is known, so the message starts with it (it may add a line).
    Case(
        "account_missing_field_the_tariff_needs",
        account_inputs(edit(ACCOUNT, "capacity_kva: 1250\n", "")),
        Exits(
            one_line=True,
            start=ABOUT_THE_ACCOUNT_FILE,
            contains=("two-part", "'capacity_kva'"),
        ),
    ),
    Case(
        "account_missing_method_the_tariff_needs",
        account_inputs(edit(ACCOUNT, "basic_charge_method: capacity\n", "")),
        Exits(start=ABOUT_THE_ACCOUNT_FILE, contains=(BASIC_CHARGE_METHOD,)),
    ),
    # No account file: the tariff file is what asks for the field, so the message starts
    # with it.
    Case(
        "account_not_given_when_the_tariff_needs_one",
        account_inputs(None),
        Exits(
            one_line=True,
            start=r"tariffs: error: two-part\.yaml(:\d+(:\d+)?)?: ",
            contains=(BASIC_CHARGE_METHOD, "no account was given"),
        ),
    ),
    account_refused(
        "account_contract_demand_above_capacity",
        edit(ACCOUNT, "capacity_kva: 1250", "capacity_kva: 500"),
        "account.yaml:1:1",
        exactly(
            "contract_demand_kw 600 is above capacity_kva 500; a contract demand cannot exceed "
            "the transformer capacity"
        ),
    ),
    account_refused(
        "account_service_end_before_start",
        ACCOUNT + "service_start: 2025-07-10\nservice_end: 2025-07-01\n",
        "account.yaml:1:1",
        exactly("service_end 2025-07-01 is before service_start 2025-07-10"),
    ),
    Case(
        "account_service_outside_the_readings",
        account_inputs(ACCOUNT + "service_start: 2026-01-01\n"),
        Exits(contains=("no readings in the dates to bill",)),
    ),
    account_refused(
        "account_without_id",
        edit(ACCOUNT, "account_id: F-001\n", ""),
        "account.yaml:1:1",
        r"account_id: Field required$",
    ),
    # ACCOUNT's four lines, then customer_class on line 5, its value at column 17.
    account_refused(
        "account_customer_class_not_a_name",
        ACCOUNT + "customer_class: Large Industry\n",
        "account.yaml:5:17",
        exactly(
            "customer_class: 'Large Industry' is not a customer class: lower-case letters, "
            "digits and '_', starting with a letter (e.g. industrial)"
        ),
    ),
    account_refused(
        "account_negative_quantity",
        edit(ACCOUNT, "capacity_kva: 1250", "capacity_kva: -1"),
        "account.yaml:2:15",
        exactly("capacity_kva: must be 0 or more, found -1"),
    ),
    account_refused(
        "account_date_that_does_not_exist",
        ACCOUNT + "service_start: 2025-02-30\n",
        "account.yaml:5:16",
        exactly("service_start: '2025-02-30' is not a date: day is out of range for month"),
    ),
    account_refused(
        "account_date_and_time_where_a_date_is_expected",
        ACCOUNT + 'service_start: "2025-07-01T00:00+08:00"\n',
        "account.yaml:5:16",
        exactly(
            "service_start: '2025-07-01T00:00+08:00' is a date and time with a UTC offset; "
            + ONLY_A_DATE
        ),
    ),
    account_refused(
        "account_non_ascii_digits",
        edit(ACCOUNT, "capacity_kva: 1250", 'capacity_kva: "\uff11\uff12\uff15\uff10"'),
        "account.yaml:2:15",
        exactly(
            "capacity_kva: '\uff11\uff12\uff15\uff10' holds the non-ASCII digit '\uff11' "
            "(U+FF11); write ASCII digits"
        ),
        variant="quantity",
    ),
    account_refused(
        "account_non_ascii_digits",
        ACCOUNT + 'demand_history_kw: {"\uff12\uff10\uff12\uff15-06": 500}\n',
        "account.yaml:5:20",
        exactly(
            "demand_history_kw: '\uff12\uff10\uff12\uff15-06' holds the non-ASCII digit "
            "'\uff12' (U+FF12); write ASCII digits"
        ),
        variant="month_key",
    ),
    # int("\uff11\uff15") is 15; a whole number follows the same rule.
    account_refused(
        "account_non_ascii_digits",
        ACCOUNT + 'meter_read_day: "\uff11\uff15"\n',
        "account.yaml:5:17",
        exactly(
            "meter_read_day: '\uff11\uff15' holds the non-ASCII digit '\uff11' (U+FF11); "
            "write ASCII digits"
        ),
        variant="whole_number",
    ),
    account_refused(
        "account_unknown_method",
        edit(ACCOUNT, "method: capacity", "method: capacity_kva"),
        "account.yaml:4:22",
        exactly(
            "basic_charge_method: Input should be 'capacity', 'contract_demand' or 'actual_demand'"
        ),
    ),
    account_refused(
        "account_meter_read_day_out_of_range",
        ACCOUNT + "meter_read_day: 31\n",
        "account.yaml:5:17",
        exactly("meter_read_day: Input should be less than or equal to 28"),
    ),
    account_refused(
        "account_demand_history_key_not_a_month",
        ACCOUNT + "demand_history_kw: {'2025-13': 500}\n",
        "account.yaml:5:20",
        exactly("demand_history_kw: demand_history_kw keys are months 'YYYY-MM', found '2025-13'"),
    ),
    # Readings have 3 decimal places; a multiplier of 0.0000001 needs 10: the multiplier
    # is what is wrong, and it is written in the account file.
    Case(
        "account_meter_multiplier_with_too_many_places",
        account_inputs(ACCOUNT + "meter_multiplier: 0.0000001\n"),
        Exits(
            start=re.escape("tariffs: error: account.yaml:5:"),
            contains=("needs more than 9 decimal places",),
        ),
    ),
    account_refused(
        "account_duplicate_key",
        ACCOUNT + "account_id: F-002\n",
        "account.yaml:5:1",
        exactly("account_id: duplicate key 'account_id' (first at line 1)"),
    ),
    account_refused(
        "account_yaml11_boolean",
        ACCOUNT + "critical_peak_days: no\n",
        "account.yaml:5:21",
        starting("critical_peak_days: 'no' is a boolean in YAML 1.1"),
    ),
    account_refused(
        "account_empty_file",
        "",
        "account.yaml",
        exactly("empty file: no YAML document, only blank lines or comments"),
    ),
    account_refused(
        "account_not_a_mapping",
        "- F-001\n",
        "account.yaml:1",
        exactly("expected a mapping of account fields"),
    ),
    # Dated capacity states (减容, 暂停) and transformers (互锁): the appended lines are
    # line 5 (the key) and 6, 7 (the changes); ``  - {from: `` puts the date at column 12.
    account_refused(
        "account_capacity_changes_out_of_order",
        ACCOUNT
        + "capacity_changes:\n"
        + "  - {from: 2025-07-10, capacity_kva: 630}\n"
        + "  - {from: 2025-07-01, suspended_kva: 315}\n",
        "account.yaml:7:12",
        exactly(
            "capacity_changes[1].from: from 2025-07-01 is not after 2025-07-10 "
            "(capacity_changes[0]): the changes are states one after another, in date "
            "order, one a day"
        ),
    ),
    account_refused(
        "account_capacity_changes_out_of_order",
        ACCOUNT
        + "capacity_changes:\n"
        + "  - {from: 2025-07-10, capacity_kva: 630}\n"
        + "  - {from: 2025-07-10, suspended_kva: 315}\n",
        "account.yaml:7:12",
        starting("capacity_changes[1].from: from 2025-07-10 is not after 2025-07-10 "),
        variant="same_day",
    ),
    account_refused(
        "account_capacity_change_suspends_more_than_the_capacity",
        ACCOUNT + "capacity_changes:\n  - {from: 2025-07-02, suspended_kva: 1300}\n",
        # "  - {from: 2025-07-02, " is 23 characters: the number starts at 24 + 15.
        "account.yaml:6:39",
        exactly(
            "capacity_changes[0].suspended_kva: 1300 kVA suspended from 2025-07-02 is more "
            "than the 1250 kVA of capacity then; at most the whole capacity can be suspended"
        ),
    ),
    account_refused(
        "account_capacity_change_suspends_more_than_the_capacity",
        ACCOUNT
        + "capacity_changes:\n"
        + "  - {from: 2025-07-02, suspended_kva: 630}\n"
        + "  - {from: 2025-07-05, capacity_kva: 315}\n",
        "account.yaml:7:38",
        starting(
            "capacity_changes[1].capacity_kva: 630 kVA suspended from 2025-07-05 is more "
            "than the 315 kVA of capacity then"
        ),
        variant="reduced_below_the_suspended_part",
    ),
    account_refused(
        "account_capacity_change_below_zero",
        ACCOUNT + "capacity_changes:\n  - {from: 2025-07-02, capacity_kva: -630}\n",
        "account.yaml:6:38",
        exactly("capacity_changes[0].capacity_kva: must be 0 or more, found -630"),
    ),
    account_refused(
        "account_capacity_change_reason_contradicts_it",
        ACCOUNT
        + "capacity_changes:\n  - {from: 2025-07-02, capacity_kva: 1300, reason: reduction}\n",
        "account.yaml:6:52",
        exactly(
            "capacity_changes[0].reason: reason reduction, but from 2025-07-02 the capacity "
            "is 1300 kVA with 0 suspended, against 1250 kVA with 0 before; a reduction has "
            "capacity_kva below the one before"
        ),
    ),
    account_refused(
        "account_capacity_change_that_changes_nothing_said",
        ACCOUNT + "capacity_changes:\n  - {from: 2025-07-02, reason: suspension}\n",
        "account.yaml:6:5",
        exactly(
            "capacity_changes[0]: the change from 2025-07-02 gives none of capacity_kva, "
            "suspended_kva, suspended_billed_percent, reduced_billed_percent; give what "
            "changes from that day"
        ),
    ),
    account_refused(
        "account_suspended_billed_percent_above_100",
        ACCOUNT
        + "capacity_changes:\n"
        + "  - {from: 2025-07-02, suspended_kva: 315, suspended_billed_percent: 150}\n",
        "account.yaml:6:70",
        exactly(
            "capacity_changes[0].suspended_billed_percent: suspended_billed_percent must be "
            "0 to 100, found 150"
        ),
    ),
    # Dated meter states (换表) and tier allowances (一户多人口), appended as above.
    account_refused(
        "account_meter_changes_out_of_order",
        ACCOUNT
        + "meter_changes:\n"
        + "  - {from: 2025-07-10, meter_multiplier: 200}\n"
        + "  - {from: 2025-07-10, meter_multiplier: 40}\n",
        "account.yaml:7:12",
        exactly(
            "meter_changes[1].from: from 2025-07-10 is not after 2025-07-10 "
            "(meter_changes[0]): the changes are states one after another, in date "
            "order, one a day"
        ),
    ),
    account_refused(
        "account_meter_change_that_changes_nothing_said",
        ACCOUNT + "meter_changes:\n  - {from: 2025-07-02}\n",
        "account.yaml:6:5",
        exactly(
            "meter_changes[0]: the meter change from 2025-07-02 gives none of meter, "
            "meter_multiplier, losses; give what changes from that day"
        ),
    ),
    account_refused(
        "account_meter_change_multiplier_not_above_zero",
        ACCOUNT + "meter_changes:\n  - {from: 2025-07-02, meter_multiplier: 0}\n",
        # "  - {from: 2025-07-02, " is 23 characters, "meter_multiplier: " 18 more.
        "account.yaml:6:42",
        exactly("meter_changes[0].meter_multiplier: meter_multiplier must be above 0, found 0"),
    ),
    account_refused(
        "account_meter_change_multiplier_not_above_zero",
        ACCOUNT + "meter_changes:\n  - {from: 2025-07-02, meter_multiplier: -20}\n",
        "account.yaml:6:42",
        exactly("meter_changes[0].meter_multiplier: must be 0 or more, found -20"),
        variant="negative",
    ),
    account_refused(
        "account_meter_change_losses_not_a_mapping",
        ACCOUNT + "meter_changes:\n  - {from: 2025-07-02, losses: 2}\n",
        "account.yaml:6:32",
        exactly(
            "meter_changes[0].losses: Input should be a valid dictionary or instance of Losses"
        ),
    ),
    account_refused(
        "account_tier_allowance_changes_out_of_order",
        ACCOUNT
        + "tier_allowance_changes:\n"
        + "  - {from: 2025-07-01, tier_allowance_kwh_per_month: 100}\n"
        + "  - {from: 2025-03-01, tier_allowance_kwh_per_month: 50}\n",
        "account.yaml:7:12",
        exactly(
            "tier_allowance_changes[1].from: from 2025-03-01 is not after 2025-07-01 "
            "(tier_allowance_changes[0]): the changes are states one after another, in "
            "date order, one a day"
        ),
    ),
    account_refused(
        "account_tier_allowance_change_without_the_allowance",
        ACCOUNT + "tier_allowance_changes:\n  - {from: 2025-07-01}\n",
        "account.yaml:6:5",
        exactly("tier_allowance_changes[0].tier_allowance_kwh_per_month: Field required"),
    ),
    account_refused(
        "account_tier_allowance_year_unknown",
        ACCOUNT + "tier_allowance_year: restart\n",
        "account.yaml:5:22",
        exactly("tier_allowance_year: Input should be 'prorated' or 'full'"),
    ),
    account_refused(
        "account_capacity_changes_without_a_capacity",
        edit(ACCOUNT, "capacity_kva: 1250\ncontract_demand_kw: 600\n", "")
        + "capacity_changes:\n  - {from: 2025-07-02, capacity_kva: 630}\n",
        "account.yaml:4:3",
        exactly(
            "capacity_changes: capacity_changes need the capacity before the first change: "
            "give capacity_kva (or transformers)"
        ),
    ),
    Case(
        "account_capacity_suspended_and_the_tariff_has_no_suspension_rules",
        account_inputs(ACCOUNT + "capacity_changes:\n  - {from: 2025-07-02, suspended_kva: 315}\n"),
        Refused(
            "two-part.yaml",
            exactly(
                "tariff two-part bills capacity, and account F-001 has 315 kVA suspended from "
                "2025-07-02; the basic charge must declare how a suspension is billed "
                "(suspension: {min_days: N}, a suspension shorter than N days billed in full)"
            ),
        ),
    ),
    Case(
        "account_capacity_change_with_a_demand_method",
        price_inputs(
            tariff=TWO_PART,
            tariff_name="two-part.yaml",
            readings=QUARTER,
            account=edit(ACCOUNT, "method: capacity", "method: contract_demand")
            + "capacity_changes:\n  - {from: 2025-07-01, capacity_kva: 630}\n",
        ),
        Refused(
            "account.yaml",
            exactly(
                "capacity_changes: account F-001 changes its capacity from 2025-07-01; tariff "
                "two-part prices a change of capacity only with basic_charge_method "
                "capacity, and the account's is contract_demand"
            ),
        ),
    ),
    # Transformers: lines 4 and 5 after the two lines kept of ACCOUNT and the key.
    account_refused(
        "account_transformer_interlocked_with_an_unknown_one",
        TRANSFORMERS_ACCOUNT
        + "  - {id: T1, capacity_kva: 630, interlocked_with: T3}\n"
        + "  - {id: T2, capacity_kva: 630}\n",
        # "  - {id: T1, capacity_kva: 630, interlocked_with: " is 50 characters.
        "account.yaml:4:51",
        exactly(
            "transformers[0].interlocked_with: transformer 'T1' is interlocked with 'T3', "
            "which is not a transformer of the account (T1, T2)"
        ),
    ),
    account_refused(
        "account_transformer_interlocked_with_an_unknown_one",
        TRANSFORMERS_ACCOUNT
        + "  - {id: T1, capacity_kva: 630, interlocked_with: [T2, T1]}\n"
        + "  - {id: T2, capacity_kva: 400}\n",
        "account.yaml:4:56",
        exactly(
            "transformers[0].interlocked_with[1]: transformer 'T1' is interlocked with itself; "
            "name another transformer of the account"
        ),
        variant="itself",
    ),
    account_refused(
        "account_transformer_declared_twice",
        TRANSFORMERS_ACCOUNT
        + "  - {id: T1, capacity_kva: 630}\n"
        + "  - {id: T1, capacity_kva: 400}\n",
        "account.yaml:5:10",
        exactly(
            "transformers[1].id: transformer 'T1' is declared twice (first at transformers[0])"
        ),
    ),
    account_refused(
        "account_capacity_that_the_transformers_do_not_give",
        edit(TRANSFORMERS_ACCOUNT, "account_id: F-001\n", "account_id: F-001\ncapacity_kva: 1030\n")
        + "  - {id: T1, capacity_kva: 630, interlocked_with: T2}\n"
        + "  - {id: T2, capacity_kva: 400}\n",
        "account.yaml:2:15",
        exactly(
            "capacity_kva: capacity_kva 1030 differs from the 630 kVA of the transformers that "
            "can run together (T1); leave capacity_kva out, or make the two agree"
        ),
    ),
    Case(
        "account_file_missing",
        Inputs(
            {"two-part.yaml": TWO_PART, "readings.csv": READINGS},
            ("price", "readings.csv", "--tariff", "two-part.yaml", "--account", "none.yaml"),
        ),
        Refused("none.yaml", r"no such account file$"),
    ),
]


# =========================================================================================
# The library raises the same errors, with the location as data
# =========================================================================================

RAISES = [
    Raises(
        "account_file_of_100_megabytes",
        {"big.yaml": Sparse(100 * 1024 * 1024)},
        lambda directory: load_account("big.yaml"),
        AccountError,
        r"^big\.yaml: file is 104857600 bytes, larger than",
        seconds=5,
    ),
    Raises(
        "library_errors_carry_their_location",
        {"readings.csv": QUARTER + "2025-07-01T00:30,1.5\n"},
        lambda directory: read_readings_csv(directory / "readings.csv", "Asia/Shanghai"),
        ReadingsError,
        r"readings\.csv:5: ",
        {"file": Path("readings.csv"), "line": 5},
        variant="csv",
    ),
    Raises(
        "library_errors_carry_their_location",
        {"readings.xml": greenbutton([*DAY[:3], (DAY[3][0], HOUR, -5)])},
        lambda directory: read_greenbutton(directory / "readings.xml"),
        ReadingsError,
        r"readings\.xml:26: ",
        {"line": 26},
        variant="greenbutton",
    ),
    Raises(
        "library_errors_carry_their_location",
        {},
        lambda directory: parse_yaml("a: yes\n", "t.yaml"),
        TariffFileError,
        r"^t\.yaml:1:4: ",
        {"line": 1, "column": 4},
        variant="yaml",
    ),
]


# =========================================================================================
# Accepted on purpose: the same bill as from the plain input
# =========================================================================================

ALIKE = [
    # A ratio of 0 is a price of 0, as a written 0 is; a ratio of -0 is no negative price
    # (0.60 × -0 would be the decimal -0.00), and neither is a written "-0".
    Alike(
        "tariff_zero_price_written_or_derived",
        price_inputs(
            tariff=edit(edit(DERIVED, 'ratio: "1.5"', 'ratio: "0"'), 'ratio: "0.5"', 'ratio: "-0"')
        ),
        price_inputs(
            tariff=edit(
                edit(DERIVED, '{of: flat, ratio: "1.5"}', '"0.0000"'),
                '{of: peak, ratio: "0.5"}',
                '"0.0000"',
            )
        ),
        variant="ratio",
    ),
    Alike(
        "tariff_zero_price_written_or_derived",
        price_inputs(tariff=valley_price('"-0"')),
        price_inputs(tariff=valley_price('"0"')),
        variant="minus_zero",
    ),
    # A dated capacity state that restates the state before it changes nothing.
    Alike(
        "account_capacity_change_that_changes_nothing",
        account_inputs(ACCOUNT + "capacity_changes:\n  - {from: 2025-07-02, capacity_kva: 1250}\n"),
        account_inputs(ACCOUNT),
    ),
    Alike(
        "account_tier_allowance_change_that_changes_nothing",
        account_inputs(
            ACCOUNT
            + "tier_allowance_kwh_per_month: 50\n"
            + "tier_allowance_changes:\n  - {from: 2025-07-02, tier_allowance_kwh_per_month: 50}\n"
        ),
        account_inputs(ACCOUNT + "tier_allowance_kwh_per_month: 50\n"),
    ),
    # YAML 1.1 would turn 2025-01-01 into a date object; here it stays text until the
    # schema parses it, so quoting it or not gives the same table and the same bill.
    Alike(
        "tariff_bare_date_is_read_as_text_and_accepted",
        price_inputs(tariff=edit(TARIFF, '"2025-01-01":', "2025-01-01:")),
        price_inputs(tariff=TARIFF),
    ),
    # The same two instants, written with different offsets, bill as in local time.
    Alike(
        "readings_different_offsets_for_consecutive_instants_are_accepted",
        price_inputs(
            readings="start,kwh\n2025-07-01T00:00+08:00,1.5\n2025-06-30T17:15+01:00,2.5\n"
        ),
        price_inputs(readings="start,kwh\n2025-07-01T00:00,1.5\n2025-07-01T00:15,2.5\n"),
    ),
    Alike(
        "readings_byte_order_mark_and_crlf_are_accepted",
        price_inputs(readings=("\ufeff" + READINGS.replace("\n", "\r\n")).encode("utf-8")),
        price_inputs(),
    ),
]

# =========================================================================================
# Command line
# =========================================================================================

COMMAND_LINE = [
    # Dates on the command line follow the rule of every input: YYYY-MM-DD in ASCII digits,
    # without a time (Python's fromisoformat would also read 20250101 and 2025-W27-2).
    *[
        Case(
            "cli_date_option_not_a_plain_date",
            price_inputs(extra=[option, text]),
            Exits(code=2, contains=(f"argument {option}: {message}",)),
            variant=variant,
        )
        for variant, option, text, message in [
            (
                "basic_format",
                "--from",
                "20250701",
                "'20250701' is not a date YYYY-MM-DD, such as 2025-01-01",
            ),
            (
                "week_date",
                "--to",
                "2025-W27-2",
                "'2025-W27-2' is not a date YYYY-MM-DD, such as 2025-01-01",
            ),
            (
                "date_and_time",
                "--from",
                "2025-07-01T00:00",
                f"'2025-07-01T00:00' is a date and time; {ONLY_A_DATE}",
            ),
            (
                "full_width_digits",
                "--event-day",
                "\uff12\uff10\uff12\uff15-07-01",
                "'\uff12\uff10\uff12\uff15-07-01' holds the non-ASCII digit '\uff12' (U+FF12); "
                "write ASCII digits",
            ),
        ]
    ],
    # int("\uff11\uff15") is 15.
    *[
        Case(
            "cli_number_option_with_non_ascii_digits",
            price_inputs(extra=[option, text]),
            Exits(
                code=2,
                contains=(
                    f"argument {option}: '{text}' holds the non-ASCII digit {digit}; "
                    "write ASCII digits",
                ),
            ),
            variant=option.removeprefix("--"),
        )
        for option, text, digit in [
            ("--interval", "\uff11\uff15", "'\uff11' (U+FF11)"),
            ("--usage-point", "\uff11", "'\uff11' (U+FF11)"),
            ("--as-year", "\uff12\uff10\uff12\uff15", "'\uff12' (U+FF12)"),
        ]
    ],
]

# =========================================================================================
# Coincident peaks
# =========================================================================================

# A tariff whose demand charge is measured at the declared coincident peaks, over
# 60-minute windows of the hourly READINGS (2025-07-01 and 02, 0.5 kWh an hour).
CP_TARIFF = """\
id: cp
name: Coincident peak
currency: CNY
timezone: Asia/Shanghai
reference: test table
versions:
  "2025-01-01":
    demand_window: {minutes: 60}
    charges:
      - {kind: energy, price_per_kwh: "0.1"}
      - {kind: demand, price_per_kw: "10", measured_at: coincident_peaks}
"""


def cp_inputs(peaks: str | None, tariff: str = CP_TARIFF) -> Inputs:
    """``tariffs price`` with ``CP_TARIFF`` and, if given, ``--coincident-peaks peaks.csv``."""
    inputs = price_inputs(tariff=tariff, tariff_name="cp.yaml")
    if peaks is None:
        return inputs
    files = {**inputs.files, "peaks.csv": peaks}
    return Inputs(files, (*inputs.argv, "--coincident-peaks", "peaks.csv"))


def cp_refused(
    entry: str, peaks: str | None, where: str, message: str, variant: str = "", **options: Any
) -> Case:
    """The coincident-peaks file ``peaks`` with ``CP_TARIFF``, refused: ``where: message``."""
    return Case(entry, cp_inputs(peaks, **options), Refused(where, message), variant=variant)


COINCIDENT_PEAKS = [
    # 24 kWh × 0.1 = 2.40; 0.5 kW at 18:00 × 10 = 5.00 a month, × 2/31 of July = 0.32.
    Case(
        "coincident_peaks_accepted",
        cp_inputs("start,hours\n2025-07-01T18:00,1\n"),
        Billed({"total": "2.72"}),
    ),
    cp_refused(
        "coincident_peaks_not_declared",
        None,
        "cp.yaml",
        r"tariff cp: charge demand bills demand at the coincident peaks, and no "
        r"coincident-peak interval is declared in the bill 2025-07-01 to 2025-07-31: the "
        r"system's peak hours are what is missing; declare them with --coincident-peaks "
        r"FILE\.csv \(rows start\[,hours\]\) or the account's coincident_peaks$",
    ),
    cp_refused(
        "coincident_peaks_not_covered_by_the_readings",
        "start\n2025-07-05T18:00\n",
        "readings.csv",
        r"tariff cp: the readings do not cover the coincident peak at 2025-07-05T10:00 UTC "
        r"\(0 of 1 intervals\); demand there is not known$",
    ),
    cp_refused(
        "coincident_peaks_file_header",
        "begin\n2025-07-01T18:00\n",
        "peaks.csv:1",
        r"header 'begin': expected the columns start and, optionally, hours$",
    ),
    cp_refused(
        "coincident_peaks_file_value",
        "start\n2025-07-01\n",
        "peaks.csv:2",
        r"start: '2025-07-01' is not a date and time YYYY-MM-DDTHH:MM",
    ),
    cp_refused(
        "coincident_peaks_file_value",
        "start,hours\n2025-07-01T18:00,0.01\n",
        "peaks.csv:2",
        r"hours: a coincident peak lasts a whole number of minutes above 0, found 0\.01 h$",
        variant="hours",
    ),
    cp_refused(
        "coincident_peaks_twice_or_overlapping",
        "start,hours\n2025-07-01T18:00,2\n2025-07-01T19:00,1\n",
        "peaks.csv",
        r"coincident peaks 2025-07-01T18:00 and 2025-07-01T19:00 overlap; declare each "
        r"interval once$",
    ),
    cp_refused(
        "coincident_peaks_twice_or_overlapping",
        "start\n2025-07-01T18:00\n2025-07-01T18:00\n",
        "peaks.csv:3",
        r"2025-07-01T18:00 appears twice \(first at line 2\)$",
        variant="twice",
    ),
    cp_refused(
        "coincident_peaks_local_time_changed_by_the_clocks",
        "start\n2025-11-02T01:00\n",
        "peaks.csv:2",
        r"coincident peak 2025-11-02T01:00 is ambiguous in America/Chicago \(the clocks "
        r"change\); give it with its UTC offset$",
        tariff=CP_TARIFF.replace("Asia/Shanghai", "America/Chicago"),
    ),
    cp_refused(
        "coincident_peaks_partly_inside_the_hours_of_a_charge",
        "start\n2025-07-01T17:30\n",
        "cp.yaml",
        r"tariff cp: the coincident peak 2025-07-01T17:30 lies partly inside the hours of "
        r"charge demand and partly outside; declare it as intervals on each side$",
        tariff=CP_TARIFF.replace("coincident_peaks}", 'coincident_peaks, hours: ["18:00-20:00"]}'),
    ),
    Case(
        "coincident_peaks_file_missing",
        Inputs(cp_inputs(None).files, (*cp_inputs(None).argv, "--coincident-peaks", "none.csv")),
        Refused("none.csv", r"no such coincident-peaks file$"),
    ),
]


# -- exports: the metering rules ------------------------------------------------------------


#: The base tariff with export terms after its charges (lines 17 to 19).
def with_exports(metering: str, prices: str) -> str:
    return TARIFF + f"    exports:\n      metering: {metering}\n      prices: {prices}\n"


EXPORTS = [
    version_refused(
        "tariff_exports_price_of_an_unknown_period",
        with_exports("net_billing", '{peak: "0.10", shoulder: "0.05"}'),
        "exports.prices: export price for period 'shoulder', which the schedule does not "
        "define (periods: peak, valley)",
    ),
    tariff_refused(
        "tariff_metering_rule_without_export_terms",
        TARIFF,
        "tou.yaml",
        exactly(
            "metering net_billing: not supported, refusing to price (metering net_billing "
            "needs the version's export terms (exports))"
        ),
        extra=("--metering", "net_billing"),
    ),
    tariff_refused(
        "account_buy_all_sell_all_without_gross_readings",
        with_exports("buy_all_sell_all", '{peak: "0.10", valley: "0.05"}'),
        "account.yaml",
        starting(
            "metering buy_all_sell_all bills all the load and sells all the generation: it "
            "needs gross readings"
        ),
        account=ACCOUNT,
    ),
    tariff_refused(
        "account_credit_kwh_of_an_unknown_period",
        TARIFF + "    exports:\n      metering: net_metering\n",
        "account.yaml",
        exactly(
            "credit_kwh names period 'shoulder', which tariff tou does not have (periods: "
            "peak, valley)"
        ),
        account=ACCOUNT + "credit_kwh: {shoulder: 12.5}\n",
    ),
    # '  "dgrules": ' is 13 characters: the rule starts at column 14 of line 3.
    urdb_refused(
        "tariff_urdb_net_billing_hourly",
        edit(
            edit(URDB, '"unit": "kWh"', '"unit": "kWh", "sell": 0.05'),
            '  "label": "abc",\n',
            '  "label": "abc",\n  "dgrules": "Net Billing Hourly",\n',
        ),
        "rate.json:3:14",
        starting(
            "dgrules: not supported, refusing to price (imports and exports netted hour by hour"
        ),
    ),
]

# Readings with a gap at 2025-07-02T10:00 (a Wednesday; the readings start on Tuesday
# 2025-07-01, so no earlier week and one earlier weekday), estimated on request.
GAPPY = edit(READINGS, "2025-07-02T10:00,0.5", "2025-07-02T10:00,")


def register_inputs(register: str) -> Inputs:
    """``tariffs price`` of `GAPPY` with ``--estimate register:register.csv``."""
    inputs = price_inputs(readings=GAPPY, extra=["--estimate", "register:register.csv"])
    return Inputs({**inputs.files, "register.csv": register}, inputs.argv)


def register_refused(entry: str, register: str, where: str, message: str) -> Case:
    """The register reads ``register`` refused: ``register.csv:WHERE: message``."""
    location = f"register.csv:{where}" if where else "register.csv"
    return Case(entry, register_inputs(register), Refused(location, message))


ESTIMATES = [
    refusal(
        "estimate_same_day_last_week_without_a_week_before",
        "readings.csv",
        exactly(
            "cannot estimate the interval at 2025-07-02T10:00: the same clock interval was "
            "not read in the week before it (--estimate same-day-last-week:1; allow more "
            "weeks, or use like-days or register)"
        ),
        readings=GAPPY,
        extra=["--estimate", "same-day-last-week"],
    ),
    refusal(
        "estimate_like_days_without_enough_like_days",
        "readings.csv",
        exactly(
            "cannot estimate the interval at 2025-07-02T10:00: 1 of the 4 earlier weekdays "
            "needed have the same clock interval read within 4 weeks before it "
            "(--estimate like-days:4)"
        ),
        readings=GAPPY,
        extra=["--estimate", "like-days"],
    ),
    # Between 08:00 and 12:00 the hours 08, 09 and 11 read 3 × 0.5 = 1.5 kWh: more than
    # the register's 11.0 − 10.0 = 1.0 (the readings are kept to 3 places).
    register_refused(
        "estimate_register_lower_than_the_kwh_read",
        "time,register_kwh\n2025-07-02T08:00,10.0\n2025-07-02T12:00,11.0\n",
        "3",
        exactly(
            "register rises by 1.000 kWh from line 2 to line 3, less than the 1.500 kWh read "
            "between them in readings.csv"
        ),
    ),
    register_refused(
        "estimate_register_that_goes_down",
        "time,register_kwh\n2025-07-02T08:00,10.0\n2025-07-02T12:00,9.0\n",
        "3",
        exactly("register goes down from 10.0 kWh (line 2) to 9.0 kWh"),
    ),
    register_refused(
        "estimate_register_read_off_an_interval_boundary",
        "time,register_kwh\n2025-07-02T08:30,10.0\n2025-07-02T12:00,12.0\n",
        "2",
        exactly(
            "register read at 2025-07-02T08:30 is not at the boundary of an interval of "
            "the readings (60 minutes)"
        ),
    ),
    register_refused(
        "estimate_register_with_more_places_than_the_readings",
        "time,register_kwh\n2025-07-02T08:00,10.0005\n2025-07-02T12:00,12.0\n",
        "2",
        exactly("register_kwh 10.0005 has more decimal places than the readings (3)"),
    ),
    # Both reads before the gap: nothing after it to share from.
    register_refused(
        "estimate_register_reads_not_around_the_gap",
        "time,register_kwh\n2025-07-02T08:00,10.0\n2025-07-02T09:00,10.5\n",
        "",
        exactly(
            "no register reads at or before and at or after the missing interval starting "
            "at UTC 2025-07-02T02:00 of readings.csv: cannot estimate it from the register"
        ),
    ),
]


CASES = [
    *TARIFF_YAML,
    *TARIFF_FIELDS,
    *TARIFF_VERSIONS,
    *TARIFF_SCHEDULES,
    *TARIFF_CHARGES,
    *TARIFF_FILES,
    *URDB_CASES,
    *EXPORTS,
    *READINGS_CSV,
    *GREENBUTTON,
    *ACCOUNTS,
    *COINCIDENT_PEAKS,
    *COMMAND_LINE,
    *ESTIMATES,
]


# =========================================================================================
# The tests that run the tables
# =========================================================================================


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_bad_input(case: Case, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    began = time.perf_counter()
    result = run_inputs(capsys, case.inputs)
    elapsed = time.perf_counter() - began
    case.expect.check(result)
    if case.seconds is not None:
        assert elapsed < case.seconds, f"took {elapsed:.1f} s"
    # Reading the inputs leaves nothing behind (and runs nothing that would).
    assert sorted(path.name for path in workdir.iterdir()) == sorted(case.inputs.files)


@pytest.mark.parametrize("case", RAISES, ids=case_id)
def test_library_raises(case: Raises, workdir: Path) -> None:
    write_files(case.files)
    began = time.perf_counter()
    with pytest.raises(case.error, match=case.match) as caught:
        case.call(workdir)
    elapsed = time.perf_counter() - began
    assert isinstance(caught.value, ValueError)
    for name, expected in case.attributes.items():
        if isinstance(expected, Path):
            expected = str(workdir / expected)
        assert getattr(caught.value, name) == expected, name
    if case.seconds is not None:
        assert elapsed < case.seconds, f"took {elapsed:.1f} s"


@pytest.mark.parametrize("case", ALIKE, ids=case_id)
def test_accepted_alike(case: Alike, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert bill_json(run_inputs(capsys, case.inputs)) == bill_json(run_inputs(capsys, case.same_as))


def test_the_worked_out_amounts() -> None:
    # readings_large_value_is_priced_to_the_exact_cent:
    # 999999999999045774709891 × 56789 = 56788999999945810499999999999 × 10**-14.
    assert 999999999999045774709891 * 56789 == 56788999999945810499999999999
    # greenbutton_largest_value_is_priced_to_the_exact_cent: 999999999999999999 × 288 in
    # units of 10**-6, to the cent (10**-2) half up.
    assert 999999999999999999 * 288 == 287999999999999999712
    assert (287999999999999999712 + 5000) // 10000 == 28800000000000000
    assert LARGEST_VALLEY_AMOUNT == "288000000000000.00"


# =========================================================================================
# The doc and the cases name the same entries
# =========================================================================================

DOC = Path(__file__).resolve().parents[1] / "docs" / "bad-inputs.md"

# Some refusals are pinned by tests of their own modules (incomplete readings, URDB
# records, the command line, corrections, migrations, ...): the doc names those too, and
# they are found by name in the suite rather than imported here, where they would run
# a second time.
SUITE = Path(__file__).resolve().parent


def suite_test_names() -> set[str]:
    """The name of every test function of the suite's modules."""
    names: set[str] = set()
    for path in SUITE.rglob("test_*.py"):
        text = path.read_text(encoding="utf-8")
        names.update(re.findall(r"^def (test_[a-z0-9_]+)\(", text, re.MULTILINE))
    return names


# The tests that run tables or check the tables themselves: the doc names their cases.
DRIVERS = {
    "test_bad_input",
    "test_library_raises",
    "test_accepted_alike",
    "test_the_worked_out_amounts",
    "test_the_doc_and_the_cases_agree",
}


def names_in_the_doc(text: str) -> list[str]:
    """Where the doc says an entry is pinned: its tables' last column, and (`a`, `b`) lists."""
    names: list[str] = []
    for line in text.splitlines():
        if not line.startswith("|") or set(line) <= set("|- "):
            continue
        last = line.rstrip().removesuffix("|").rsplit("|", 1)[-1].strip()
        if last == "Pinned by":
            continue
        assert re.fullmatch(r"`[a-z0-9_]+`(, `[a-z0-9_]+`)*", last), line
        names += re.findall(r"`([a-z0-9_]+)`", last)
    prose = " ".join(text.split())
    for listed in re.findall(r"\((`[a-z0-9_]+`(?:, `[a-z0-9_]+`)*)\)", prose):
        names += re.findall(r"`([a-z0-9_]+)`", listed)
    return names


def test_an_account_the_eligibility_excludes_is_priced_with_a_warning(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The base tariff for households only, and the account F-001 of an industrial
    customer: the bill is priced as asked and says why the account may not take it."""
    tariff = after_reference("eligibility: {customer_classes: [residential]}\n")
    account = ACCOUNT + "customer_class: industrial\n"
    write_files({"tou.yaml": tariff, "account.yaml": account, "readings.csv": hourly_csv()})
    code, out, err = run(
        capsys, "price", "readings.csv", "--tariff", "tou.yaml", "--account", "account.yaml",
        "--format", "json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    warnings = json.loads(out)["bills"][0]["warnings"]
    assert warnings[-1] == (
        "account F-001 may not take tariff tou: customer_class industrial is not one of "
        "residential; priced as asked"
    )


def test_the_doc_and_the_cases_agree() -> None:
    ids = [case_id(case) for case in [*CASES, *RAISES, *ALIKE]]
    assert len(set(ids)) == len(ids), "two cases have the same id"
    entries = {case.entry for case in [*CASES, *RAISES, *ALIKE]}
    tests = {name for name in globals() if name.startswith("test_")} - DRIVERS
    assert not entries & tests
    named = set(names_in_the_doc(DOC.read_text(encoding="utf-8")))
    missing = named - entries - suite_test_names()
    assert sorted(missing) == [], "the doc names cases or tests that do not exist"
    assert sorted((entries | tests) - named) == [], "cases or tests the doc does not name"
