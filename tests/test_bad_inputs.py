"""The catalogue of bad inputs (docs/bad-inputs.md), one test per entry.

Each test writes a small input that is wrong in exactly one way and checks what the
engine says about it: through the command line where a user would meet it (exit code 1,
nothing on stdout, one line on stderr of the form ``tariffs: error: FILE:LINE[:COLUMN]:
...``), or through the library where the command line adds nothing.

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
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

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


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty directory, so that messages name files as ``tou.yaml``."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    """Run the command line in-process: exit code, stdout, stderr."""
    code = main([str(argument) for argument in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def price(
    capsys: pytest.CaptureFixture[str],
    *,
    tariff: str = TARIFF,
    readings: str | bytes = READINGS,
    account: str | None = None,
    tariff_name: str = "tou.yaml",
    readings_name: str = "readings.csv",
    extra: Sequence[str] = (),
) -> tuple[int, str, str]:
    """Write the inputs into the current directory and run ``tariffs price`` on them."""
    Path(tariff_name).write_text(tariff, encoding="utf-8")
    if isinstance(readings, bytes):
        Path(readings_name).write_bytes(readings)
    else:
        Path(readings_name).write_text(readings, encoding="utf-8", newline="")
    argv = ["price", readings_name, "--tariff", tariff_name, "--format", "json", *extra]
    if account is not None:
        Path("account.yaml").write_text(account, encoding="utf-8")
        argv += ["--account", "account.yaml"]
    return run(capsys, *argv)


def refused(result: tuple[int, str, str], where: str, message: str) -> str:
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


def bill_json(result: tuple[int, str, str]) -> dict[str, object]:
    code, out, err = result
    assert code == 0, err
    assert err == ""
    document = json.loads(out)
    assert isinstance(document, dict)
    return document


# =========================================================================================
# Tariff tables: YAML
# =========================================================================================


def test_tariff_unknown_key(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, "reference: test table\n", "reference: test table\nfoo: 1\n")
    refused(price(capsys, tariff=tariff), "tou.yaml:6:6", r"foo: Extra inputs are not permitted$")


def test_tariff_duplicate_key(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, "reference: test table\n", "reference: test table\nname: again\n")
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:6:1",
        re.escape("name: duplicate key 'name' (first at line 2)") + "$",
    )


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "n", "Yes", "OFF"])
def test_tariff_yaml11_boolean_value(
    workdir: Path, capsys: pytest.CaptureFixture[str], word: str
) -> None:
    tariff = edit(
        TARIFF, "reference: test table\n", f"reference: test table\ndescription: {word}\n"
    )
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:6:14",
        re.escape(
            f"description: '{word}' is a boolean in YAML 1.1 and text elsewhere; "
            f"write true/false, or quote the text ('{word}')"
        )
        + "$",
    )


def test_tariff_yaml11_boolean_key(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A period named on: (or off:) would be read as the boolean True by a YAML 1.1 reader.
    tariff = edit(TARIFF, '          peak: ["08:00-22:00"]', '          on: ["08:00-22:00"]')
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:10:11",
        re.escape(
            f"{VERSION_PATH}.periods[0].windows: 'on' is a boolean in YAML 1.1 and text "
            "elsewhere; write true/false, or quote the text ('on')"
        )
        + "$",
    )


def test_tariff_key_that_is_not_text(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, "reference: test table\n", "reference: test table\n1: x\n")
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:6:1",
        re.escape("mapping key 1 is read as an integer; keys must be text: quote it ('1')") + "$",
    )


def test_tariff_bare_date_is_read_as_text_and_accepted(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # YAML 1.1 would turn 2025-01-01 into a date object; here it stays text until the
    # schema parses it, so quoting it or not gives the same table and the same bill.
    quoted = bill_json(price(capsys, tariff=TARIFF))
    bare = bill_json(price(capsys, tariff=edit(TARIFF, '"2025-01-01":', "2025-01-01:")))
    assert bare == quoted


def test_tariff_bare_date_that_does_not_exist(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = edit(TARIFF, '"2025-01-01":', "2025-02-30:")
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:7:3",
        re.escape(
            "versions.2025-02-30: Input should be a valid date or datetime, "
            "day value is outside expected range"
        )
        + "$",
    )


def test_tariff_date_and_time_where_a_date_is_expected(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = edit(TARIFF, '"2025-01-01":', "2025-01-01 10:00:00:")
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:7:3",
        re.escape('versions."2025-01-01 10:00:00": Datetimes provided to dates should have zero')
        + ".*",
    )


def test_tariff_bare_date_where_a_price_is_expected(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = edit(TARIFF, '"0.288"', "2025-01-01")
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:16:19",
        re.escape(
            f"{VERSION_PATH}.charges[0].prices.valley: expected a decimal number, "
            "found '2025-01-01'"
        ),
    )


@pytest.mark.parametrize("text", ["1:30", "0x1F", "0o17", "0b101"])
def test_tariff_yaml11_number_forms_are_text(
    workdir: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    # YAML 1.1 reads 1:30 as 90 (base 60), 0x1F as 31, 1_000 as 1000: here they are text,
    # and text is not a price.
    tariff = edit(TARIFF, '"0.288"', text)
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:16:19",
        re.escape(
            f"{VERSION_PATH}.charges[0].prices.valley: expected a decimal number, found '{text}'"
        ),
    )


def test_tariff_not_yaml(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, 'peak: ["08:00-22:00"]', 'peak: ["08:00-22:00"')
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:11:11",
        re.escape(
            "invalid YAML: expected ',' or ']', but got '<scalar>' (while parsing a flow "
            "sequence that starts at line 10, column 17)"
        )
        + "$",
    )


def test_tariff_tab_indentation(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, '  "2025-01-01":', '\t"2025-01-01":')
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:7:1",
        re.escape("invalid YAML: found character '\\t' that cannot start any token"),
    )


@pytest.mark.parametrize("text", ["", "\n\n", "# nothing but a comment\n"])
def test_tariff_empty_file(workdir: Path, capsys: pytest.CaptureFixture[str], text: str) -> None:
    refused(
        price(capsys, tariff=text),
        "tou.yaml",
        re.escape("empty file: no YAML document, only blank lines or comments") + "$",
    )


@pytest.mark.parametrize(("text", "found"), [("- 1\n- 2\n", "list"), ("hello\n", "str")])
def test_tariff_not_a_mapping(
    workdir: Path, capsys: pytest.CaptureFixture[str], text: str, found: str
) -> None:
    refused(
        price(capsys, tariff=text),
        "tou.yaml:1",
        re.escape(f"expected a mapping of tariff fields, found {found}") + "$",
    )


def test_tariff_more_than_one_document(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused(
        price(capsys, tariff=TARIFF + "---\nid: again\n"),
        "tou.yaml:17:1",
        re.escape("more than one YAML document in the file (another starts here)"),
    )


def test_tariff_nul_byte(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, "name: Two-period", "name: Two\0period")
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:2:10",
        re.escape("not a text file: contains a NUL byte") + "$",
    )


def test_tariff_control_character(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, "name: Two-period", "name: Two\x07period")
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:2:10",
        re.escape("not a text file: contains control character U+0007") + "$",
    )


def test_tariff_not_utf8(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("tou.yaml").write_bytes(edit(TARIFF, "test table", "t\xe9st table").encode("latin-1"))
    Path("readings.csv").write_text(READINGS, encoding="utf-8")
    refused(
        run(capsys, "price", "readings.csv", "--tariff", "tou.yaml"),
        "tou.yaml:5:13",
        re.escape("not a text file: byte 0xE9 is not valid UTF-8") + "$",
    )


def test_tariff_binary_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Bytes 0 to 255: 0x80 is the first that is not UTF-8. Before it come a line feed
    # (byte 10) and a carriage return (byte 13), so it is on line 3, column 128 - 14 + 1.
    Path("tou.yaml").write_bytes(bytes(range(256)))
    Path("readings.csv").write_text(READINGS, encoding="utf-8")
    refused(
        run(capsys, "price", "readings.csv", "--tariff", "tou.yaml"),
        "tou.yaml:3:115",
        re.escape("not a text file: byte 0x80 is not valid UTF-8") + "$",
    )


def test_tariff_file_of_100_megabytes_is_refused_before_reading_it(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    size = 100 * 1024 * 1024
    with open("tou.yaml", "wb") as stream:  # sparse: no 100 MB is written
        stream.truncate(size)
    Path("readings.csv").write_text(READINGS, encoding="utf-8")
    began = time.perf_counter()
    result = run(capsys, "price", "readings.csv", "--tariff", "tou.yaml")
    elapsed = time.perf_counter() - began
    refused(
        result,
        "tou.yaml",
        re.escape(f"file is {size} bytes, larger than the limit of 10485760 bytes") + "$",
    )
    assert elapsed < 5, f"took {elapsed:.1f} s"


def test_tariff_billion_laughs(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Nine levels of ten aliases each: 10**9 nodes once expanded, 1 kB of text.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    began = time.perf_counter()
    result = price(capsys, tariff="\n".join(lines) + "\n")
    elapsed = time.perf_counter() - began
    # a0 has 11 nodes, a1 111, a2 1 111, a3 11 111 and a4 111 111: a4 (line 5, its anchor
    # at column 5) is the first node over the limit.
    refused(
        result,
        "tou.yaml:5:5",
        re.escape(
            f"alias expansion makes more than {MAX_EXPANDED_NODES} nodes here, which exceeds "
            "the limit; write the data out instead"
        )
        + "$",
    )
    assert elapsed < 5, f"took {elapsed:.1f} s"


def test_tariff_deep_nesting(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # "a: " then 100 "[": counting the top mapping as level 1, the bracket at column
    # 3 + k is level k + 1, so the 64th bracket (column 67) is level 65, one too deep.
    text = "a: " + "[" * 100 + "]" * 100 + "\n"
    refused(
        price(capsys, tariff=text),
        "tou.yaml:1:67",
        re.escape(f"nesting is deeper than the limit of {MAX_NESTING_DEPTH} levels") + "$",
    )


def test_tariff_deep_nesting_through_aliases(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # l0 is one list deep; l{k} wraps l{k - 1} in one more list, so l64 (line 65, its
    # anchor at column 6) is 65 levels deep once expanded.
    lines = ["l0: &l0 [x]"] + [f"l{level}: &l{level} [*l{level - 1}]" for level in range(1, 70)]
    refused(
        price(capsys, tariff="\n".join(lines) + "\n"),
        "tou.yaml:65:6",
        re.escape(f"alias expansion nests deeper than the limit of {MAX_NESTING_DEPTH} levels")
        + "$",
    )


def test_tariff_many_nodes_without_aliases_are_refused_quickly(workdir: Path) -> None:
    # A flat list of two million items is a 4 MB file, under the 10 MB size limit. The
    # limit of 100 000 nodes must stop it while it is read, not after all of it is read.
    Path("tou.yaml").write_text("a: [" + "1," * 2_000_000 + "1]\n", encoding="utf-8")
    Path("readings.csv").write_text(READINGS, encoding="utf-8")
    command = [sys.executable, "-m", "tariffs", "price", "readings.csv", "--tariff", "tou.yaml"]
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("a 4 MB list of 2 000 000 items was still being read after 20 s")
    assert completed.returncode == 1
    assert completed.stderr.startswith(
        f"tariffs: error: tou.yaml:1:4: the document has more than {MAX_EXPANDED_NODES} nodes"
    )


def test_tariff_python_tag_never_runs(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # With an unsafe loader this would create the directory "created-by-yaml".
    tariff = edit(
        TARIFF,
        "reference: test table",
        "reference: !!python/object/apply:os.mkdir [created-by-yaml]",
    )
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:5:12",
        re.escape(
            "tag '!!python/object/apply:os.mkdir' is not supported here; tariff files hold "
            "plain data (quote text instead of tagging it)"
        )
        + "$",
    )
    assert not Path("created-by-yaml").exists()


@pytest.mark.parametrize("tag", ["!!float", "!!int", "!!binary", "!custom"])
def test_tariff_other_tags(workdir: Path, capsys: pytest.CaptureFixture[str], tag: str) -> None:
    tariff = edit(TARIFF, 'valley: "0.288"', f'valley: {tag} "0.288"')
    shown = tag
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:16:19",
        re.escape(f"tag '{shown}' is not supported here"),
    )


def test_tariff_merge_key(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "base: &base {a: 1}\nother:\n  <<: *base\n"
    refused(
        price(capsys, tariff=text),
        "tou.yaml:3:3",
        re.escape("other: merge keys ('<<') are not supported; write the entries out in full")
        + "$",
    )


def test_tariff_alias_not_defined(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, "reference: test table", "reference: *nothing")
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:5:12",
        re.escape("alias *nothing is not defined before it is used") + "$",
    )


def test_tariff_anchor_defined_twice(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(
        TARIFF, "reference: test table\n", "reference: &a test table\ndescription: &a text\n"
    )
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:6:14",
        re.escape("anchor &a is defined twice (first at line 5)") + "$",
    )


def test_tariff_integer_with_too_many_digits(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = edit(TARIFF, '"0.288"', "9" * 5000)
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:16:19",
        re.escape(
            f"{VERSION_PATH}.charges[0].prices.valley: the integer 99999999999999999999... "
            "has too many digits"
        )
        + "$",
    )


# =========================================================================================
# Tariff tables: metadata
# =========================================================================================


def test_tariff_missing_field(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, "reference: test table\n", "")
    refused(price(capsys, tariff=tariff), "tou.yaml:1:1", r"reference: Field required$")


def test_tariff_id_differs_from_file_name(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = edit(TARIFF, "id: tou", "id: other")
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:1:5",
        re.escape("id: id 'other' differs from the file name 'tou'; they must be equal") + "$",
    )


def test_tariff_invalid_id(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, "id: tou", "id: Tou")
    refused(
        price(capsys, tariff=tariff, tariff_name="Tou.yaml"),
        "Tou.yaml:1:5",
        re.escape("id: 'Tou' is not a valid id: lower-case letters, digits, '-', '_', '.'") + "$",
    )


def test_tariff_unknown_time_zone(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, "Asia/Shanghai", "asia/shanghai")
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:4:11",
        re.escape("timezone: unknown time zone 'asia/shanghai' (did you mean 'Asia/Shanghai'?)")
        + "$",
    )


def test_tariff_currency_not_an_iso_code(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, "currency: CNY", "currency: yuan")
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:3:11",
        re.escape("currency: String should match pattern '^[A-Z]{3}$'") + "$",
    )


def test_tariff_rounding_places_out_of_range(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = edit(
        TARIFF, "reference: test table\n", "reference: test table\nrounding: {places: 7}\n"
    )
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:6:20",
        re.escape("rounding.places: Input should be less than or equal to 6") + "$",
    )


def test_tariff_unknown_choice(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, "reference: test table\n", "reference: test table\nproration: weekly\n")
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:6:12",
        re.escape("proration: Input should be 'actual_days' or 'days_over_30'") + "$",
    )


# =========================================================================================
# Tariff tables: versions
# =========================================================================================


def test_tariff_versions_in_reversed_order(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    later = '  "2026-01-01":\n    charges:\n      - kind: fixed\n        amount: "1"\n'
    tariff = edit(TARIFF, "versions:\n", "versions:\n" + later)
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:7:3",
        re.escape(
            "versions: versions must be in increasing date order, found 2026-01-01 then 2025-01-01"
        )
        + "$",
    )


def test_tariff_two_versions_on_one_date(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Versions have only a start date (each runs until the next), so two versions can only
    # overlap by starting on the same date: a duplicate key.
    same = '  "2025-01-01":\n    charges:\n      - kind: fixed\n        amount: "1"\n'
    tariff = TARIFF + same
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:17:3",
        re.escape("versions.2025-01-01: duplicate key '2025-01-01' (first at line 7)") + "$",
    )


def test_tariff_no_version_in_force_for_the_readings(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = edit(TARIFF, '"2025-01-01":', '"2026-01-01":')
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml",
        re.escape(
            "tariff tou has no version in force on 2025-07-01 (first version from 2026-01-01)"
        )
        + "$",
    )


def test_tariff_no_versions(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = TARIFF.split("versions:")[0] + "versions: {}\n"
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:6:11",
        re.escape("versions: Dictionary should have at least 1 item after validation, not 0") + "$",
    )


def test_tariff_version_without_charges(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = TARIFF.split("    charges:")[0] + "    charges: []\n"
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:12:14",
        re.escape(f"{VERSION_PATH}.charges: List should have at least 1 item after validation"),
    )


# =========================================================================================
# Tariff tables: seasons, day types, periods and windows
# =========================================================================================

SEASONS = "    seasons:\n      summer: {months: [6, 7, 8]}\n      other: {months: %s}\n"


def with_seasons(other_months: str) -> str:
    return edit(TARIFF, "    periods:\n", SEASONS % other_months + "    periods:\n")


def test_tariff_periods_overlap(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, '["08:00-22:00"]', '["07:00-22:00"]')
    refused(
        price(capsys, tariff=tariff),
        f"tou.yaml:{VERSION_AT}",
        re.escape(
            f"{VERSION_PATH}: periods: season 'all', day type 'all': 07:00 is in both period "
            "'peak' and period 'valley'; periods must not overlap"
        )
        + "$",
    )


def test_tariff_hours_in_no_period(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, '["08:00-22:00"]', '["09:00-22:00"]')
    refused(
        price(capsys, tariff=tariff),
        f"tou.yaml:{VERSION_AT}",
        re.escape(
            f"{VERSION_PATH}: periods: season 'all', day type 'all': 08:00-09:00 is in no "
            "period; every minute of every day must belong to a period"
        )
        + "$",
    )


def test_tariff_price_for_a_period_not_defined(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = edit(TARIFF, 'valley: "0.288"', 'valley: "0.288"\n          shoulder: "0.3"')
    refused(
        price(capsys, tariff=tariff),
        f"tou.yaml:{VERSION_AT}",
        re.escape(
            f"{VERSION_PATH}: charges[0]: price for period 'shoulder', which the schedule does "
            "not define (periods: peak, valley)"
        )
        + "$",
    )


def test_tariff_period_without_a_price(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, '          valley: "0.288"\n', "")
    refused(
        price(capsys, tariff=tariff),
        f"tou.yaml:{VERSION_AT}",
        re.escape(
            f"{VERSION_PATH}: charges[0]: no price for period 'valley'; every period of the "
            "schedule needs a price, or its kWh would go unbilled"
        )
        + "$",
    )


def test_tariff_rule_names_a_season_not_defined(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = edit(TARIFF, "      - windows:", "      - seasons: [winter]\n        windows:")
    refused(
        price(capsys, tariff=tariff),
        f"tou.yaml:{VERSION_AT}",
        re.escape(f"{VERSION_PATH}: periods[0] names season 'winter', not defined") + "$",
    )


def test_tariff_price_refers_to_nothing(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, 'peak: "0.568"', "peak: {of: nothing}")
    refused(
        price(capsys, tariff=tariff),
        f"tou.yaml:{VERSION_AT}",
        re.escape(
            f"{VERSION_PATH}: charges[0].peak: refers to 'nothing', which is neither a base "
            "price nor a period"
        )
        + "$",
    )


def test_tariff_prices_refer_to_each_other(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = edit(TARIFF, 'peak: "0.568"', "peak: {of: valley}")
    tariff = edit(tariff, 'valley: "0.288"', "valley: {of: peak}")
    refused(
        price(capsys, tariff=tariff),
        f"tou.yaml:{VERSION_AT}",
        re.escape(f"{VERSION_PATH}: charges[0].peak: prices refer to each other in a cycle") + "$",
    )


def test_tariff_seasons_overlap(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = with_seasons("[1, 2, 3, 4, 5, 8, 9, 10, 11, 12]")
    refused(
        price(capsys, tariff=tariff),
        f"tou.yaml:{VERSION_AT}",
        re.escape(f"{VERSION_PATH}: 08-01 is in both season 'summer' and season 'other'") + "$",
    )


def test_tariff_seasons_leave_days_out(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = with_seasons("[1, 2, 3, 4, 5, 9, 10, 11]")
    refused(
        price(capsys, tariff=tariff),
        f"tou.yaml:{VERSION_AT}",
        re.escape(f"{VERSION_PATH}: 12-01 is in no season; seasons must cover the year") + "$",
    )


def test_tariff_month_out_of_range(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = with_seasons("[1, 2, 3, 4, 5, 9, 10, 11, 13]")
    # Line 10 is "      other: {months: [1, 2, 3, 4, 5, 9, 10, 11, 13]}": the list's first
    # item is at column 24, and 13, item 8, 26 characters further.
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:10:50",
        re.escape(f"{VERSION_PATH}.seasons.other.months[8]: month must be 1 to 12, found 13") + "$",
    )


def test_tariff_day_types_leave_days_out(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    day_types = "    day_types:\n      work: {weekdays: [mon, tue, wed, thu, fri]}\n"
    tariff = edit(TARIFF, "    periods:\n", day_types + "    periods:\n")
    refused(
        price(capsys, tariff=tariff),
        f"tou.yaml:{VERSION_AT}",
        re.escape(
            f"{VERSION_PATH}: no day type for sat, sun; the weekday day types must cover the week"
        )
        + "$",
    )


def test_tariff_weekday_in_two_day_types(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    day_types = (
        "    day_types:\n"
        "      work: {weekdays: [mon, tue, wed, thu, fri, sat]}\n"
        "      rest: {weekdays: [sat, sun]}\n"
    )
    tariff = edit(TARIFF, "    periods:\n", day_types + "    periods:\n")
    refused(
        price(capsys, tariff=tariff),
        f"tou.yaml:{VERSION_AT}",
        re.escape(f"{VERSION_PATH}: sat is in both day type 'work' and 'rest'") + "$",
    )


def test_tariff_holiday_rule_not_a_recurrence_rule(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    day_types = (
        "    day_types:\n"
        "      days: {weekdays: [mon, tue, wed, thu, fri, sat, sun]}\n"
        '      holiday: {rrules: ["FREQ=SOMETIMES"]}\n'
    )
    tariff = edit(TARIFF, "    periods:\n", day_types + "    periods:\n")
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:10:26",
        re.escape(
            f"{VERSION_PATH}.day_types.holiday.rrules[0]: not an RFC 5545 recurrence rule: "
            "invalid 'FREQ': SOMETIMES"
        )
        + "$",
    )


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ("8:00-22:00", "window '8:00-22:00' is not of the form 'HH:MM-HH:MM' (e.g. '08:00-11:30')"),
        ("08:00-25:00", "window '08:00-25:00' has a time outside 00:00-24:00"),
        ("08:00-08:00", "window '08:00-08:00' is empty; write '00:00-24:00' for the whole day"),
    ],
)
def test_tariff_malformed_window(
    workdir: Path, capsys: pytest.CaptureFixture[str], window: str, message: str
) -> None:
    tariff = edit(TARIFF, '"08:00-22:00"', f'"{window}"')
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:10:18",
        re.escape(f"{VERSION_PATH}.periods[0].windows.peak[0]: {message}") + "$",
    )


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


def test_tariff_critical_peak_outside_its_season(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refused(
        price(capsys, tariff=with_critical_peak("[7, 12]")),
        f"tou.yaml:{VERSION_AT}",
        re.escape(
            f"{VERSION_PATH}: overrides[0]: month 12 is outside its seasons ['summer']; "
            "the window would never apply"
        )
        + "$",
    )


def test_tariff_critical_peak_windows_overlap(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = with_critical_peak("[7]", '["11:00-13:00", "12:00-14:00"]')
    refused(
        price(capsys, tariff=tariff),
        f"tou.yaml:{VERSION_AT}",
        re.escape(f"{VERSION_PATH}: overrides[0]: its windows overlap each other") + "$",
    )


def test_tariff_override_replaces_a_period_not_scheduled(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = edit(
        with_critical_peak("[7]"), "        months: [7]\n", "        replaces: [shoulder]\n"
    )
    refused(
        price(capsys, tariff=tariff),
        f"tou.yaml:{VERSION_AT}",
        re.escape(f"{VERSION_PATH}: overrides[0] replaces period 'shoulder', not in the schedule")
        + "$",
    )


def test_tariff_season_multipliers_do_not_name_every_season(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = edit(
        TARIFF, 'valley: "0.288"', 'valley: "0.288"\n        season_multipliers: {wet: "0.9"}'
    )
    refused(
        price(capsys, tariff=tariff),
        f"tou.yaml:{VERSION_AT}",
        re.escape(
            f"{VERSION_PATH}: charges[0]: season_multipliers must name every season exactly "
            "(all), found wet"
        )
        + "$",
    )


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


def with_tiers(bounds: str, prices: str) -> str:
    head = TARIFF.split("    periods:")[0]
    return head + TIERED % (bounds, prices)


def test_tariff_tier_bounds_not_increasing(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = with_tiers("[400, 240]", '["1", "2", "3"]')
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:11:11",
        re.escape(
            f"{VERSION_PATH}.charges[0].tiers: tier bounds must increase strictly, "
            "found 400 then 240"
        )
        + "$",
    )


def test_tariff_first_tier_bound_zero(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = with_tiers("[0, 240]", '["1", "2", "3"]')
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:11:11",
        re.escape(f"{VERSION_PATH}.charges[0].tiers: the first tier bound must be above 0, found 0")
        + "$",
    )


def test_tariff_tier_prices_do_not_match_tiers(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = with_tiers("[240, 400]", '["1", "2"]')
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:9:9",
        re.escape(
            f"{VERSION_PATH}.charges[0].energy: price_per_kwh needs a list of 3 prices "
            "(one per tier), found 2"
        )
        + "$",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"-0.288"', "must be 0 or more, found -0.288"),
        ("-0.288", "must be 0 or more, found -0.288"),
        ('"abc"', "expected a decimal number, found 'abc'"),
        ("true", "expected a number, found True"),
        ("~", "expected a decimal number, found NoneType"),
        ('"NaN"', "expected a finite number, found 'NaN'"),
        ('"-Infinity"', "expected a finite number, found '-Infinity'"),
    ],
)
def test_tariff_price_not_a_non_negative_number(
    workdir: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    tariff = edit(TARIFF, '"0.288"', text)
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:16:19",
        re.escape(f"{VERSION_PATH}.charges[0].prices.valley: {message}"),
    )


@pytest.mark.parametrize("text", [".inf", "-.Inf", ".nan", ".NaN"])
def test_tariff_price_yaml_infinity_or_nan(
    workdir: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    tariff = edit(TARIFF, '"0.288"', text)
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:16:19",
        re.escape(
            f"{VERSION_PATH}.charges[0].prices.valley: '{text}' is not a finite number; "
            "write a number, or quote the text"
        )
        + "$",
    )


def test_tariff_unknown_charge_kind(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, "kind: energy", "kind: magic")
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:13:9",
        re.escape(
            f"{VERSION_PATH}.charges[0]: Input tag 'magic' found using 'kind' does not match "
            "any of the expected tags: 'energy', "
        ),
    )


def test_tariff_charge_without_kind(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = edit(TARIFF, "kind: energy", "label: Energy")
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:13:9",
        re.escape(f"{VERSION_PATH}.charges[0]: Unable to extract tag using discriminator 'kind'")
        + "$",
    )


def test_tariff_unknown_power_factor_table(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    charge = '\n      - kind: power_factor\n        table: "1999-0.90"'
    tariff = edit(TARIFF, 'valley: "0.288"', 'valley: "0.288"' + charge)
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:17:9",
        re.escape(
            f"{VERSION_PATH}.charges[1].power_factor: unknown power-factor table '1999-0.90'; "
            "known: 1983-0.90, 1983-0.85, 1983-0.80"
        )
        + "$",
    )


def test_tariff_basic_charge_without_a_price(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = edit(
        TARIFF, 'valley: "0.288"', 'valley: "0.288"\n      - kind: basic\n        label: Basic'
    )
    refused(
        price(capsys, tariff=tariff),
        "tou.yaml:17:9",
        re.escape(
            f"{VERSION_PATH}.charges[1].basic: give capacity_price_per_kva and/or "
            "demand_price_per_kw"
        )
        + "$",
    )


def test_tariff_demand_price_for_a_period_not_defined(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    charge = '\n      - kind: demand\n        prices: {shoulder: "10"}'
    tariff = edit(TARIFF, 'valley: "0.288"', 'valley: "0.288"' + charge)
    refused(
        price(capsys, tariff=tariff),
        f"tou.yaml:{VERSION_AT}",
        re.escape(
            f"{VERSION_PATH}: charges[1]: demand price for period 'shoulder', which the "
            "schedule does not define (periods: peak, valley)"
        )
        + "$",
    )


# Exactness: prices whose size or digits the engine cannot carry exactly must be refused
# at their line, or priced exactly; never a traceback, a hang, or a wrong cent.


def exact_or_refused(
    result: tuple[int, str, str], where: str, expected_amounts: Sequence[str]
) -> None:
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


def test_tariff_price_with_a_large_exponent(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 24 h × 0.5 kWh × 2 days in the valley window 22-08: 10 h a day = 10 kWh;
    # 10 × 1e30 = 10000000000000000000000000000000.00 exactly.
    tariff = edit(TARIFF, '"0.288"', "1e30")
    # Peak: 14 h a day × 0.5 kWh × 2 days = 14 kWh × 0.568 = 7.952 → 7.95.
    expected = ["7.95", "10000000000000000000000000000000.00"]
    exact_or_refused(price(capsys, tariff=tariff), r"tou\.yaml:16:19", expected)


def test_tariff_price_beyond_the_decimal_range(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = edit(TARIFF, '"0.288"', "1e999999999")
    refused(price(capsys, tariff=tariff), "tou.yaml:16:19", r".+")


def test_tariff_price_with_a_tiny_exponent(workdir: Path) -> None:
    # 1e-999999999 is a finite decimal; written out as a plain number it would take a
    # thousand million digits. The command must refuse it, or bill it without writing
    # those digits: it runs here with 1 GiB of memory and 60 s at most.
    Path("tou.yaml").write_text(edit(TARIFF, '"0.288"', "1e-999999999"), encoding="utf-8")
    Path("readings.csv").write_text(READINGS, encoding="utf-8")
    command = [sys.executable, "-m", "tariffs", "price", "readings.csv", "--tariff", "tou.yaml"]

    def limit_memory() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    try:
        completed = subprocess.run(
            [*command, "--format", "json"],
            capture_output=True,
            text=True,
            timeout=60,
            preexec_fn=limit_memory,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("pricing with a price of 1e-999999999 did not end within 60 s")
    if completed.returncode == 1:
        assert completed.stdout == ""
        assert re.fullmatch(r"tariffs: error: tou\.yaml:16:19: .+\n", completed.stderr)
    else:
        assert completed.returncode == 0, completed.stderr[-2000:]
        assert len(completed.stdout) < 100_000


def test_tariff_price_with_more_digits_than_arithmetic_keeps(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 0.0199999999999999999999999999999 (31 significant digits) × 1 kWh, rounded down to
    # the cent, is 0.01: the exact amount is below 0.02.
    tariff = edit(FLAT, '"0.56789"', '"0.0199999999999999999999999999999"')
    tariff = edit(
        tariff, "reference: test table\n", "reference: test table\nrounding: {mode: down}\n"
    )
    readings = "start,kwh\n2025-07-01T00:00,1\n2025-07-01T01:00,0\n"
    exact_or_refused(
        price(capsys, tariff=tariff, readings=readings, tariff_name="flat.yaml"),
        r"flat\.yaml:11:24",
        ["0.01"],
    )


def test_tariff_tier_bound_with_more_digits_than_arithmetic_keeps(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Bounds [1e-40, 400] kWh, 24 kWh read: tier 1 holds 1e-40 kWh × 0.5 (0.00), tier 2
    # 24 - 1e-40 kWh × 0.6 = 14.4 - 6e-41, which rounds half-up to 14.40.
    tariff = with_tiers("[1e-40, 400]", '["0.5", "0.6", "0.7"]')
    exact_or_refused(price(capsys, tariff=tariff), r"tou\.yaml:11:\d+", ["14.40"])


def test_tariff_discount_above_100_percent(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A discount of 1000 % would turn the bill into a payment to the customer.
    charge = '\n      - kind: discount\n        percent: "1000"'
    tariff = edit(TARIFF, 'valley: "0.288"', 'valley: "0.288"' + charge)
    code, out, err = price(capsys, tariff=tariff)
    assert (code, out) == (1, ""), out[-300:]
    assert len(err.splitlines()) == 1
    assert re.match(r"tariffs: error: tou\.yaml:(17:9|18:18): ", err), err


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


def test_tariff_id_not_found(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("readings.csv").write_text(READINGS, encoding="utf-8")
    Path("tables").mkdir()
    code, out, err = run(
        capsys, "price", "readings.csv", "--tariff", "no-such-id", "--tables", "tables"
    )
    assert code == 1
    assert out == ""
    assert re.fullmatch(
        r"tariffs: error: no tariff file and no tariff id 'no-such-id' \(searched tables, .+\)\n",
        err,
    )


def test_tariff_file_missing(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("readings.csv").write_text(READINGS, encoding="utf-8")
    refused(
        run(capsys, "price", "readings.csv", "--tariff", "missing.yaml"),
        "missing.yaml",
        r"no such tariff file$",
    )


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


def test_tariff_urdb_file_not_json(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("rate.json").write_text('{"items": [', encoding="utf-8")
    Path("readings.csv").write_text(READINGS, encoding="utf-8")
    refused(
        run(capsys, "price", "readings.csv", "--tariff", "rate.json", "--timezone", "UTC"),
        "rate.json:1:12",
        r"not valid JSON: ",
    )


# =========================================================================================
# Readings: CSV
# =========================================================================================

QUARTER = "start,kwh\n2025-07-01T00:00,1.5\n2025-07-01T00:15,1.5\n2025-07-01T00:30,1.5\n"


def readings_refused(
    capsys: pytest.CaptureFixture[str],
    readings: str | bytes,
    where: str,
    message: str,
    **options: str,
) -> str:
    return refused(price(capsys, readings=readings, **options), f"readings.csv:{where}", message)


ALLOWED = "start, kwh, kvarh, export_kwh, kw"


def test_readings_missing_column(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readings_refused(
        capsys,
        QUARTER.replace("start,kwh", "start,kvarh"),
        "1",
        re.escape(f"missing column 'kwh'; required: start, kwh; allowed: {ALLOWED}") + "$",
    )


def test_readings_unknown_column(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "start,kwh,temperature\n2025-07-01T00:00,1.5,20\n2025-07-01T00:15,1.5,21\n"
    readings_refused(
        capsys,
        text,
        "1",
        re.escape(
            f"unknown column 'temperature'; allowed: {ALLOWED} (the first line must name "
            "the columns)"
        )
        + "$",
    )


def test_readings_column_twice(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "start,kwh,kwh\n2025-07-01T00:00,1.5,1\n2025-07-01T00:15,1.5,1\n"
    readings_refused(
        capsys,
        text,
        "1",
        re.escape(f"column 'kwh' appears twice; allowed, each once: {ALLOWED}") + "$",
    )


def test_readings_without_header(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readings_refused(
        capsys,
        QUARTER.removeprefix("start,kwh\n"),
        "1",
        re.escape(f"unknown column '2025-07-01T00:00'; allowed: {ALLOWED}"),
    )


def test_readings_empty_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readings_refused(
        capsys,
        "",
        "1",
        re.escape(
            f"empty header; the first line must name the columns, e.g. start,kwh (allowed: "
            f"{ALLOWED})"
        )
        + "$",
    )


def test_readings_header_only(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readings_refused(
        capsys,
        "start,kwh\n",
        "2",
        re.escape("no readings: the file has a header but no rows") + "$",
    )


def test_readings_row_with_an_extra_field(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = QUARTER.replace("00:15,1.5", "00:15,1.5,9")
    readings_refused(
        capsys, text, "3", re.escape("3 fields, expected 2 as in the header (start,kwh)") + "$"
    )


def test_readings_row_with_a_missing_field(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = QUARTER.replace("00:15,1.5", "00:15")
    readings_refused(
        capsys, text, "3", re.escape("1 field, expected 2 as in the header (start,kwh)") + "$"
    )


def test_readings_empty_line_inside(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = QUARTER.replace("1.5\n2025-07-01T00:15", "1.5\n\n2025-07-01T00:15")
    readings_refused(
        capsys,
        text,
        "3",
        re.escape("empty line; only empty lines at the end of the file are allowed") + "$",
    )


def test_readings_mixed_interval_lengths_overlap(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = QUARTER + "2025-07-01T00:40,1.5\n"
    readings_refused(
        capsys,
        text,
        "5",
        re.escape(
            "2025-07-01T00:40 is only 10 minutes after 2025-07-01T00:30 on row 4, so intervals "
            "of 15 minutes overlap"
        )
        + "$",
    )


def test_readings_mixed_interval_lengths_off_the_grid(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = QUARTER + "2025-07-01T00:50,1.5\n"
    readings_refused(
        capsys,
        text,
        "5",
        re.escape(
            "2025-07-01T00:50 is 20 minutes after 2025-07-01T00:30 on row 4, not a whole number "
            "of intervals of 15 minutes (mixed interval lengths)"
        )
        + "$",
    )


def test_readings_gap(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = QUARTER + "2025-07-01T01:15,1.5\n"
    readings_refused(
        capsys,
        text,
        "5",
        re.escape(
            "gap: no readings from 2025-07-01T00:45 to 2025-07-01T01:15 (2 intervals missing)"
        )
        + "$",
    )


def test_readings_gap_allowed_is_billed_with_a_warning(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = QUARTER + "2025-07-01T01:15,1.5\n"
    document = bill_json(price(capsys, readings=text, extra=["--allow-gaps"]))
    (bill,) = document["bills"]  # type: ignore[misc]
    assert bill["energy_kwh"] == "6.000"  # 4 × 1.5 kWh, nothing invented for the gap
    assert any("2 intervals missing" in warning for warning in bill["warnings"])


def test_readings_duplicate_row(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = QUARTER + "2025-07-01T00:30,1.5\n"
    readings_refused(
        capsys, text, "5", re.escape("2025-07-01T00:30 appears twice (first at row 4)") + "$"
    )


def test_readings_rows_out_of_order(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = QUARTER + "2025-07-01T00:15,1.5\n"
    readings_refused(
        capsys,
        text,
        "5",
        re.escape(
            "2025-07-01T00:15 is earlier than 2025-07-01T00:30 on row 4; rows must be in time order"
        )
        + "$",
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1.5", "kwh is '-1.5', a negative value"),
        ("NaN", "kwh is 'NaN', not a finite number"),
        ("nan", "kwh is 'nan', not a finite number"),
        ("inf", "kwh is 'inf', not a finite number"),
        ("-Infinity", "kwh is '-Infinity', not a finite number"),
        ("abc", "kwh is 'abc', not a number"),
        ("1,5", None),
        ("", "kwh is empty"),
    ],
)
def test_readings_value_not_a_non_negative_number(
    workdir: Path, capsys: pytest.CaptureFixture[str], value: str, message: str | None
) -> None:
    text = QUARTER.replace("00:15,1.5", f"00:15,{value}")
    if message is None:  # a decimal comma makes a third field
        readings_refused(capsys, text, "3", re.escape("3 fields, expected 2"))
        return
    readings_refused(
        capsys,
        text,
        "3",
        re.escape(f"{message}; expected a number of 0 or more, such as 12.5") + "$",
    )


def test_readings_value_with_too_many_decimal_places(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = QUARTER.replace("00:15,1.5", "00:15,0.1234567891")
    readings_refused(
        capsys,
        text,
        "3",
        re.escape("kwh is '0.1234567891', with 10 decimal places; at most 9 are allowed") + "$",
    )


def test_readings_value_too_large(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = QUARTER.replace("00:15,1.5", "00:15,1E+999999999999")
    readings_refused(
        capsys,
        text,
        "3",
        re.escape(
            "kwh is '1E+999999999999', too large; at most 15 digits before the decimal point "
            "are allowed"
        )
        + "$",
    )


def test_readings_large_value_is_priced_to_the_exact_cent(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 999999999999045.774709891 kWh (15 digits before the point, 9 after: allowed)
    # × 0.56789 CNY/kWh = 567889999999458.10499999999999 exactly (worked out with integers:
    # 999999999999045774709891 × 56789 = 56788999999945810499999999999 × 10**-14), which
    # rounds half-up to 567889999999458.10. Rounding the product to 28 digits first would
    # give ...458.105 and then ...458.11.
    readings = "start,kwh\n2025-07-01T00:00,999999999999045.774709891\n2025-07-01T01:00,0\n"
    assert 999999999999045774709891 * 56789 == 56788999999945810499999999999
    exact_or_refused(
        price(capsys, tariff=FLAT, readings=readings, tariff_name="flat.yaml"),
        r"readings\.csv:2",
        ["567889999999458.10"],
    )


def test_readings_start_not_a_date(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = QUARTER.replace("2025-07-01T00:15", "2025-13-01T00:15")
    readings_refused(
        capsys,
        text,
        "3",
        re.escape(
            "start '2025-13-01T00:15' is not a valid date between 1900 and 9998; expected a "
            "date and time such as 2025-07-01T00:15 or 2025-07-01T00:15+08:00"
        )
        + "$",
    )


def test_readings_start_not_a_time(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = QUARTER.replace("2025-07-01T00:15", "1 July 2025 00:15")
    readings_refused(
        capsys,
        text,
        "3",
        re.escape(
            "start '1 July 2025 00:15' is not valid; expected a date and time such as "
            "2025-07-01T00:15 or 2025-07-01T00:15+08:00"
        )
        + "$",
    )


def test_readings_quoted_fields(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = 'start,kwh\n"2025-07-01T00:00","1.5"\n"2025-07-01T00:15","1.5"\n'
    readings_refused(
        capsys, text, "2", re.escape("start '\"2025-07-01T00:00\"' is not valid; expected a date")
    )


def test_readings_start_off_the_interval_grid(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "start,kwh\n2025-07-01T00:07,1.5\n2025-07-01T00:22,1.5\n"
    readings_refused(
        capsys,
        text,
        "2",
        re.escape(
            "2025-07-01T00:07 does not start an interval: with intervals of 15 minutes, starts "
            "must be whole multiples of 15 minutes after midnight on the clock in Asia/Shanghai"
        )
        + "$",
    )


def test_readings_single_row(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readings_refused(
        capsys,
        "start,kwh\n2025-07-01T00:00,1.5\n",
        "2",
        re.escape(
            "only one reading, so the interval length cannot be inferred; give the interval "
            "length (e.g. 900 s)"
        )
        + "$",
    )


def test_readings_interval_that_cannot_be_inferred(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "start,kwh\n2025-07-01T00:00,1.5\n2025-07-01T02:00,1.5\n"
    readings_refused(
        capsys,
        text,
        "3",
        re.escape(
            "the first two readings, 2025-07-01T00:00 and 2025-07-01T02:00, are 2 hours apart, "
            "so the interval length cannot be inferred; allowed: 5, 15, 30 or 60 minutes, or "
            "give the interval length"
        )
        + "$",
    )


LOS_ANGELES = edit(TARIFF, "Asia/Shanghai", "America/Los_Angeles")


def test_readings_local_time_that_does_not_exist(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 2025-03-09 02:00-03:00 does not exist in Los Angeles (IANA tz database, northamerica).
    text = (
        "start,kwh\n2025-03-09T01:00,1\n2025-03-09T01:15,1\n2025-03-09T01:30,1\n"
        "2025-03-09T01:45,1\n2025-03-09T02:00,1\n"
    )
    refused(
        price(capsys, tariff=LOS_ANGELES, readings=text),
        "readings.csv:6",
        re.escape(
            "2025-03-09T02:00 does not exist in America/Los_Angeles: the clocks skip it when "
            "they move forward; a file in local time leaves the skipped times out"
        )
        + "$",
    )


def test_readings_local_time_that_is_ambiguous(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 2025-11-02 01:00-02:00 happens twice in Los Angeles (PDT, then PST).
    text = "start,kwh\n2025-11-02T00:30,1\n2025-11-02T00:45,1\n2025-11-02T01:00,1\n"
    refused(
        price(capsys, tariff=LOS_ANGELES, readings=text),
        "readings.csv:4",
        re.escape(
            "2025-11-02T01:00 is ambiguous in America/Los_Angeles: the clocks pass it twice when "
            "they move back; write the UTC offset, 2025-11-02T01:00-07:00 for the first or "
            "2025-11-02T01:00-08:00 for the second, on every row"
        )
        + "$",
    )


def test_readings_some_rows_with_an_offset(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "start,kwh\n2025-07-01T00:00+08:00,1.5\n2025-07-01T00:15,1.5\n"
    readings_refused(
        capsys,
        text,
        "3",
        re.escape(
            "2025-07-01T00:15 has no UTC offset but row 2 has one; write an offset on every row "
            "or on none"
        )
        + "$",
    )


def test_readings_offsets_that_put_rows_out_of_order(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 00:15+09:00 is 15:15 UTC the day before, earlier than 00:00+08:00 (16:00 UTC).
    text = "start,kwh\n2025-07-01T00:00+08:00,1.5\n2025-07-01T00:15+09:00,1.5\n"
    readings_refused(
        capsys,
        text,
        "3",
        re.escape("2025-07-01T00:15+09:00 is earlier than 2025-07-01T00:00+08:00 on row 2"),
    )


def test_readings_different_offsets_for_consecutive_instants_are_accepted(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same two instants, written with different offsets, bill as in local time.
    local = "start,kwh\n2025-07-01T00:00,1.5\n2025-07-01T00:15,2.5\n"
    offsets = "start,kwh\n2025-07-01T00:00+08:00,1.5\n2025-06-30T17:15+01:00,2.5\n"
    assert bill_json(price(capsys, readings=offsets)) == bill_json(price(capsys, readings=local))


def test_readings_byte_order_mark_and_crlf_are_accepted(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    windows_style = ("\ufeff" + READINGS.replace("\n", "\r\n")).encode("utf-8")
    assert bill_json(price(capsys, readings=windows_style)) == bill_json(price(capsys))


def test_readings_carriage_return_alone(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readings_refused(
        capsys,
        QUARTER.replace("\n", "\r"),
        "1",
        re.escape("carriage return without a line feed; lines must end with LF or CRLF") + "$",
    )


def test_readings_binary_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readings_refused(
        capsys,
        bytes(range(256)) * 4,
        "1",
        re.escape("not a text CSV file: it contains a NUL byte") + "$",
    )


def test_readings_not_utf8(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Header 10 bytes + 3 rows of 21 bytes + "2025-07-01T00:45,1" (18 bytes): byte 91.
    text = QUARTER.encode() + b"2025-07-01T00:45,1\xe9\n"
    readings_refused(
        capsys,
        text,
        "5",
        re.escape("not a text CSV file: invalid UTF-8 at byte 91; save it as UTF-8") + "$",
    )


def test_readings_file_of_100_megabytes_of_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("tou.yaml").write_text(TARIFF, encoding="utf-8")
    with open("readings.csv", "wb") as stream:
        stream.truncate(100 * 1024 * 1024)
    began = time.perf_counter()
    result = run(capsys, "price", "readings.csv", "--tariff", "tou.yaml")
    elapsed = time.perf_counter() - began
    refused(result, "readings.csv:1", re.escape("not a text CSV file: it contains a NUL byte"))
    assert elapsed < 10, f"took {elapsed:.1f} s"


def test_readings_file_missing(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("tou.yaml").write_text(TARIFF, encoding="utf-8")
    refused(
        run(capsys, "price", "missing.csv", "--tariff", "tou.yaml"),
        "missing.csv",
        r"no such readings file$",
    )


def test_readings_year_out_of_range(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "start,kwh\n0001-01-01T00:00,1\n0001-01-01T00:15,1\n"
    readings_refused(
        capsys,
        text,
        "2",
        re.escape("start '0001-01-01T00:00' is not a valid date between 1900 and 9998"),
    )


def test_readings_interval_too_long_for_the_tariff_periods(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff = edit(TARIFF, '["08:00-22:00"]', '["08:30-22:00"]')
    tariff = edit(tariff, '["22:00-08:00"]', '["22:00-08:30"]')
    refused(
        price(capsys, tariff=tariff),
        "readings.csv",
        re.escape(
            "intervals of 60 min cannot be split at the 30-minute period boundaries of tariff "
            "tou; give readings at a finer interval"
        )
        + "$",
    )


def test_readings_without_kvarh_for_a_power_factor_charge(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    charge = '\n      - kind: power_factor\n        table: "1983-0.90"'
    tariff = edit(TARIFF, 'valley: "0.288"', 'valley: "0.288"' + charge)
    refused(
        price(capsys, tariff=tariff),
        "readings.csv",
        re.escape(
            "tariff tou has a power-factor adjustment (1983-0.90), which needs reactive "
            "energy: the readings have no kvarh column"
        )
        + "$",
    )


@pytest.mark.parametrize("minutes", ["7", "-15", "fifteen"])
def test_readings_interval_option_that_does_not_divide_a_day(
    workdir: Path, capsys: pytest.CaptureFixture[str], minutes: str
) -> None:
    # An option, not a file: a usage error (exit code 2), before any file is read.
    # 86400 = 420 × 205 + 300: seven minutes do not divide a day.
    code, out, err = price(capsys, extra=["--interval", minutes])
    assert (code, out) == (2, "")
    assert f"argument --interval: not a number of minutes that divides a day: '{minutes}'" in err


def test_readings_outside_the_dates_asked_for(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refused(
        price(capsys, extra=["--from", "2025-08-01"]),
        "readings.csv",
        re.escape("no readings in the dates to bill"),
    )


# =========================================================================================
# Readings: Green Button XML
# =========================================================================================

JULY_UTC = int(dt.datetime(2025, 6, 30, 16, tzinfo=dt.UTC).timestamp())  # 00:00 in Shanghai
HOUR = 3600


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


def greenbutton_refused(
    capsys: pytest.CaptureFixture[str], text: str | bytes, where: str, message: str
) -> str:
    return refused(
        price(capsys, readings=text, readings_name="readings.xml"), f"readings.xml{where}", message
    )


def test_greenbutton_accepted(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = bill_json(price(capsys, readings=greenbutton(DAY), readings_name="readings.xml"))
    (bill,) = document["bills"]  # type: ignore[misc]
    assert bill["energy_kwh"] == "12.000"  # 24 × 500 Wh


def test_greenbutton_doctype_and_entities(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    laughs = (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n<feed>&c;</feed>\n'
    )
    greenbutton_refused(
        capsys,
        laughs,
        ":2:1",
        re.escape(
            "a document type declaration (<!DOCTYPE feed>) is not allowed: Green Button files "
            "have none, and the entities it may declare could expand without bound"
        )
        + "$",
    )


def test_greenbutton_external_entity(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        "<feed>&x;</feed>\n"
    )
    greenbutton_refused(capsys, text, ":2:1", re.escape("a document type declaration"))


def test_greenbutton_malformed_xml(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = greenbutton(DAY).replace("</IntervalBlock></content>", "</content>")
    greenbutton_refused(capsys, text, ":47:5", re.escape("malformed XML: mismatched tag") + "$")


def test_greenbutton_not_xml(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    greenbutton_refused(
        capsys,
        bytes(range(256)),
        "",
        re.escape("not an XML file: it does not start with '<' (binary or other data)"),
    )


def test_greenbutton_empty_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    greenbutton_refused(
        capsys,
        "",
        "",
        re.escape("the file is empty; expected Green Button XML (an Atom feed)") + "$",
    )


def test_greenbutton_other_xml(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    greenbutton_refused(
        capsys,
        '<?xml version="1.0"?>\n<html/>\n',
        ":2",
        re.escape("not a Green Button file: the root element is <html>, expected an Atom <feed>"),
    )


def test_greenbutton_without_interval_blocks(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    greenbutton_refused(
        capsys,
        '<feed xmlns="http://www.w3.org/2005/Atom"></feed>\n',
        "",
        re.escape("no IntervalBlock found: the file holds no interval readings"),
    )


def test_greenbutton_negative_value(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readings = [*DAY[:3], (DAY[3][0], HOUR, -5), *DAY[4:]]
    greenbutton_refused(
        capsys,
        greenbutton(readings),
        ":26",
        re.escape(
            "IntervalBlock 1, IntervalReading 4: value -5 is negative; readings must be 0 or more"
        )
        + "$",
    )


def test_greenbutton_value_not_an_integer(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readings = [*DAY[:3], (DAY[3][0], HOUR, "1.5"), *DAY[4:]]
    greenbutton_refused(
        capsys,
        greenbutton(readings),
        ":26",
        re.escape(
            "IntervalBlock 1, IntervalReading 4: value '1.5' is not an integer of at most 19 digits"
        )
        + "$",
    )


def test_greenbutton_gap(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    greenbutton_refused(
        capsys,
        greenbutton(DAY[:3] + DAY[5:]),
        ":26",
        re.escape(
            "IntervalBlock 1, IntervalReading 4: gap: no readings from 2025-06-30T19:00Z to "
            "2025-06-30T21:00Z (2 intervals missing); allow gaps to bill anyway"
        )
        + "$",
    )


def test_greenbutton_duplicate(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    greenbutton_refused(
        capsys,
        greenbutton([*DAY, DAY[0]]),
        ":47",
        re.escape(
            "IntervalBlock 1, IntervalReading 25: 2025-06-30T16:00Z appears twice (first at "
            "IntervalBlock 1, IntervalReading 1)"
        )
        + "$",
    )


def test_greenbutton_mixed_interval_lengths(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readings = [*DAY[:3], (DAY[3][0], 1800, 5)]
    greenbutton_refused(
        capsys,
        greenbutton(readings),
        ":26",
        re.escape(
            "IntervalBlock 1, IntervalReading 4: intervals of different lengths: 3600 and 1800 s"
        ),
    )


def test_greenbutton_unsupported_unit(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    greenbutton_refused(
        capsys,
        greenbutton(DAY, uom=42),
        ":17",
        re.escape(
            "ReadingType 1: uom 42 (m3) is not supported: expected 72 (Wh), 73 (VArh) or 38 (W)"
        )
        + "$",
    )


def test_greenbutton_cumulative_register(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    greenbutton_refused(
        capsys,
        greenbutton(DAY, accumulation=1),
        ":17",
        re.escape(
            "ReadingType 1: accumulationBehaviour 1 (bulkQuantity) is not supported: energy must "
            "be given per interval, accumulationBehaviour 4 (deltaData)"
        )
        + "$",
    )


def test_greenbutton_start_out_of_range(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    greenbutton_refused(
        capsys,
        greenbutton([(-HOUR, HOUR, 1), (0, HOUR, 1)]),
        ":23",
        re.escape(
            "IntervalBlock 1, IntervalReading 1: timePeriod/start -3600 is not a time from 1970 "
            "to 9999 in UTC epoch seconds"
        )
        + "$",
    )


def test_greenbutton_no_electricity(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    greenbutton_refused(
        capsys,
        greenbutton(DAY, service=1),
        "",
        re.escape("no electricity UsagePoint with readings in the file; services found: gas (1)")
        + "$",
    )


def test_greenbutton_power_of_ten_beyond_the_scale(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    greenbutton_refused(
        capsys,
        greenbutton(DAY, power_of_ten=-20),
        ":17",
        re.escape(
            "ReadingType 1: powerOfTenMultiplier -20 needs 23 decimal places of kWh; at most 9 "
            "are kept"
        )
        + "$",
    )


def test_greenbutton_power_of_ten_with_nineteen_digits(workdir: Path) -> None:
    # 10 ** 9999999999999999999 cannot be computed: the multiplier must be refused at its
    # ReadingType (line 17) before any reading is scaled. The reader runs in its own
    # process, stopped after 20 s.
    Path("readings.xml").write_text(
        greenbutton(DAY[:2], power_of_ten=9999999999999999999), encoding="utf-8"
    )
    Path("tou.yaml").write_text(TARIFF, encoding="utf-8")
    command = [sys.executable, "-m", "tariffs", "price", "readings.xml", "--tariff", "tou.yaml"]

    def limit_memory() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (1 << 31, 1 << 31))

    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, timeout=20, preexec_fn=limit_memory
        )
    except subprocess.TimeoutExpired:
        pytest.fail("a powerOfTenMultiplier of 9999999999999999999 was still being used after 20 s")
    assert completed.returncode == 1, completed.stderr[-2000:]
    assert completed.stdout == ""
    assert re.fullmatch(
        r"tariffs: error: readings\.xml:17: ReadingType 1: powerOfTenMultiplier "
        r"9999999999999999999 .+\n",
        completed.stderr,
    ), completed.stderr


def test_greenbutton_huge_value_times_power_of_ten(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 9999999999999999999 × 10**20 Wh = 9999999999999999999 × 10**17 kWh at 0.568 CNY/kWh
    # (00:00-01:00 is valley: 0.288): refused at its reading, or priced exactly.
    readings = [(JULY_UTC, HOUR, 9999999999999999999), (JULY_UTC + HOUR, HOUR, 0)]
    result = price(
        capsys, readings=greenbutton(readings, power_of_ten=20), readings_name="readings.xml"
    )
    # Worked out in integers: kWh × 288 / 1000, exact since kWh is a multiple of 1000.
    valley_amount = 9999999999999999999 * 10**17 * 288 // 1000
    assert valley_amount == 287999999999999999971200000000000000
    exact_or_refused(result, r"readings\.xml:(17|23)", [f"{valley_amount}.00"])


# =========================================================================================
# Account files
# =========================================================================================


def account_price(
    capsys: pytest.CaptureFixture[str], account: str | None, tariff: str = TWO_PART
) -> tuple[int, str, str]:
    return price(capsys, tariff=tariff, account=account, tariff_name="two-part.yaml")


def test_account_accepted(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = bill_json(account_price(capsys, ACCOUNT))
    (bill,) = document["bills"]  # type: ignore[misc]
    assert bill["account"] == "F-001"


def test_account_unknown_key(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused(
        account_price(capsys, ACCOUNT + "colour: red\n"),
        "account.yaml:5:9",
        r"colour: Extra inputs are not permitted$",
    )


def test_account_missing_field_the_tariff_needs(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The account file is known, so the message starts with it (it may add a line).
    account = edit(ACCOUNT, "capacity_kva: 1250\n", "")
    code, out, err = account_price(capsys, account)
    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1
    assert re.match(r"tariffs: error: account\.yaml(:\d+(:\d+)?)?: ", err), err
    assert "two-part" in err
    assert "'capacity_kva'" in err


def test_account_missing_method_the_tariff_needs(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    account = edit(ACCOUNT, "basic_charge_method: capacity\n", "")
    code, out, err = account_price(capsys, account)
    assert (code, out) == (1, "")
    assert re.match(r"tariffs: error: account\.yaml(:\d+(:\d+)?)?: ", err), err
    assert "'basic_charge_method' (capacity | contract_demand | actual_demand)" in err


def test_account_not_given_when_the_tariff_needs_one(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # No account file: the tariff file is what asks for the field, so the message starts
    # with it.
    code, out, err = account_price(capsys, None)
    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1
    assert re.match(r"tariffs: error: two-part\.yaml(:\d+(:\d+)?)?: ", err), err
    assert "'basic_charge_method' (capacity | contract_demand | actual_demand)" in err
    assert "no account was given" in err


def test_account_contract_demand_above_capacity(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    account = edit(ACCOUNT, "capacity_kva: 1250", "capacity_kva: 500")
    refused(
        account_price(capsys, account),
        "account.yaml:1:1",
        re.escape(
            "contract_demand_kw 600 is above capacity_kva 500; a contract demand cannot exceed "
            "the transformer capacity"
        )
        + "$",
    )


def test_account_service_end_before_start(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    account = ACCOUNT + "service_start: 2025-07-10\nservice_end: 2025-07-01\n"
    refused(
        account_price(capsys, account),
        "account.yaml:1:1",
        re.escape("service_end 2025-07-01 is before service_start 2025-07-10") + "$",
    )


def test_account_service_outside_the_readings(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = account_price(capsys, ACCOUNT + "service_start: 2026-01-01\n")
    assert (code, out) == (1, "")
    assert "no readings in the dates to bill" in err


def test_account_without_id(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    account = edit(ACCOUNT, "account_id: F-001\n", "")
    refused(account_price(capsys, account), "account.yaml:1:1", r"account_id: Field required$")


def test_account_negative_quantity(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    account = edit(ACCOUNT, "capacity_kva: 1250", "capacity_kva: -1")
    refused(
        account_price(capsys, account),
        "account.yaml:2:15",
        re.escape("capacity_kva: must be 0 or more, found -1") + "$",
    )


def test_account_date_that_does_not_exist(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refused(
        account_price(capsys, ACCOUNT + "service_start: 2025-02-30\n"),
        "account.yaml:5:16",
        re.escape(
            "service_start: Input should be a valid date or datetime, day value is outside "
            "expected range"
        )
        + "$",
    )


def test_account_unknown_method(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    account = edit(ACCOUNT, "method: capacity", "method: capacity_kva")
    refused(
        account_price(capsys, account),
        "account.yaml:4:22",
        re.escape(
            "basic_charge_method: Input should be 'capacity', 'contract_demand' or 'actual_demand'"
        )
        + "$",
    )


def test_account_meter_read_day_out_of_range(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refused(
        account_price(capsys, ACCOUNT + "meter_read_day: 31\n"),
        "account.yaml:5:17",
        re.escape("meter_read_day: Input should be less than or equal to 28") + "$",
    )


def test_account_demand_history_key_not_a_month(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refused(
        account_price(capsys, ACCOUNT + "demand_history_kw: {'2025-13': 500}\n"),
        "account.yaml:5:20",
        re.escape("demand_history_kw: demand_history_kw keys are months 'YYYY-MM', found '2025-13'")
        + "$",
    )


def test_account_meter_multiplier_with_too_many_places(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Readings have 3 decimal places; a multiplier of 0.0000001 needs 10: the multiplier
    # is what is wrong, and it is written in the account file.
    code, out, err = account_price(capsys, ACCOUNT + "meter_multiplier: 0.0000001\n")
    assert (code, out) == (1, "")
    assert "needs more than 9 decimal places" in err
    assert err.startswith("tariffs: error: account.yaml:5:"), err


def test_account_duplicate_key(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused(
        account_price(capsys, ACCOUNT + "account_id: F-002\n"),
        "account.yaml:5:1",
        re.escape("account_id: duplicate key 'account_id' (first at line 1)") + "$",
    )


def test_account_yaml11_boolean(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused(
        account_price(capsys, ACCOUNT + "critical_peak_days: no\n"),
        "account.yaml:5:21",
        re.escape("critical_peak_days: 'no' is a boolean in YAML 1.1"),
    )


def test_account_empty_file(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused(
        account_price(capsys, ""),
        "account.yaml",
        re.escape("empty file: no YAML document, only blank lines or comments") + "$",
    )


def test_account_not_a_mapping(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused(
        account_price(capsys, "- F-001\n"),
        "account.yaml:1",
        re.escape("expected a mapping of account fields") + "$",
    )


def test_account_file_of_100_megabytes(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open("big.yaml", "wb") as stream:
        stream.truncate(100 * 1024 * 1024)
    began = time.perf_counter()
    with pytest.raises(AccountError, match=r"^big\.yaml: file is 104857600 bytes, larger than"):
        load_account("big.yaml")
    assert time.perf_counter() - began < 5


def test_account_file_missing(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("two-part.yaml").write_text(TWO_PART, encoding="utf-8")
    Path("readings.csv").write_text(READINGS, encoding="utf-8")
    refused(
        run(capsys, "price", "readings.csv", "--tariff", "two-part.yaml", "--account", "none.yaml"),
        "none.yaml",
        r"no such account file$",
    )


# =========================================================================================
# The library raises the same errors, with the location as data
# =========================================================================================


def test_library_errors_carry_their_location(tmp_path: Path) -> None:
    path = tmp_path / "readings.csv"
    path.write_text(QUARTER + "2025-07-01T00:30,1.5\n", encoding="utf-8")
    with pytest.raises(ReadingsError, match=r"readings\.csv:5: ") as caught:
        read_readings_csv(path, "Asia/Shanghai")
    assert (caught.value.file, caught.value.line) == (str(path), 5)
    assert isinstance(caught.value, ValueError)

    feed = tmp_path / "readings.xml"
    feed.write_text(greenbutton([*DAY[:3], (DAY[3][0], HOUR, -5)]), encoding="utf-8")
    with pytest.raises(ReadingsError, match=r"readings\.xml:26: ") as caught:
        read_greenbutton(feed)
    assert caught.value.line == 26

    with pytest.raises(TariffFileError, match=r"^t\.yaml:1:4: ") as caught_tariff:
        parse_yaml("a: yes\n", "t.yaml")
    assert (caught_tariff.value.line, caught_tariff.value.column) == (1, 4)
