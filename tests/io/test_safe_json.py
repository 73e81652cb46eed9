"""The JSON reader: exact numbers, limits, duplicate keys, and where each problem is.

Positions are counted by hand in the texts written here; syntax errors are also checked
against the standard library's reader, which reports the same line and column.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tariffs.errors import ReadingsError, TariffFileError
from tariffs.io.safe_json import (
    MAX_DECIMAL_PLACES,
    MAX_DIGITS_BEFORE_POINT,
    MAX_NESTING_DEPTH,
    load_json,
    parse_json,
)

D = Decimal


def refused(text: str, match: str, **options: Any) -> TariffFileError:
    with pytest.raises(TariffFileError, match=match) as caught:
        parse_json(text, "a.json", **options)
    return caught.value


# -- values --------------------------------------------------------------------------------


def test_numbers_are_exact_integers_and_decimals() -> None:
    data = parse_json("[0, -0, 12, 0.10, 1E+3, -2.5e-3, 1.7976931348623157e308]", "a.json").data
    assert data == [0, 0, 12, D("0.10"), D("1E+3"), D("-0.0025"), D("1.7976931348623157e308")]
    assert [type(value) for value in data[:3]] == [int, int, int]
    assert str(data[3]) == "0.10"  # the digits as written, not 0.1 nor a float's
    assert all(isinstance(value, Decimal) for value in data[3:])


def test_strings_literals_and_nesting() -> None:
    text = '{"a": "x\\u00e9\\n", "b": [true, false, null], "c": {}, "d": []}'
    assert parse_json(text, "a.json").data == {
        "a": "xé\n",
        "b": [True, False, None],
        "c": {},
        "d": [],
    }


def test_a_byte_order_mark_is_allowed() -> None:
    assert parse_json('\ufeff{"a": 1}', "a.json").data == {"a": 1}


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.decimals(allow_nan=False, allow_infinity=False, places=6)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


def write(value: Any, indent: bool) -> str:
    """JSON text of a value, with decimals written as numbers (their digits)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(write(item, indent) for item in value) + "]"
    if isinstance(value, dict):
        separator = ",\n " if indent else ", "
        items = (f"{json.dumps(key)}: {write(item, indent)}" for key, item in value.items())
        return "{" + separator.join(items) + "}"
    return json.dumps(value)


@given(json_values, st.booleans())
def test_reads_what_the_standard_reader_reads(value: Any, indent: bool) -> None:
    text = write(value, indent)
    data = parse_json(text, "a.json").data
    assert data == json.loads(text, parse_float=Decimal)
    assert data == value


# -- locations -----------------------------------------------------------------------------


def test_every_value_is_located() -> None:
    text = '{\n  "rates": [0.1, {"max": 500}],\n  "name": "x"\n}'
    #        line 2: '  "rates": [' is 12 characters, so 0.1 is at column 13, the object
    #        after '0.1, ' at column 18, and 500 after '{"max": ' at column 26.
    document = parse_json(text, "a.json")
    assert document.locate([]) == (1, 1)
    assert document.locate(["rates"]) == (2, 12)
    assert document.locate(["rates", 0]) == (2, 13)
    assert document.locate(["rates", 1]) == (2, 18)
    assert document.locate(["rates", 1, "max"]) == (2, 26)
    assert document.locate(["name"]) == (3, 11)
    # A path that goes further than the data: its deepest existing ancestor.
    assert document.locate(["rates", 7]) == (2, 12)
    assert document.locate(["name", "x"]) == (3, 11)


# -- syntax errors: the standard library's messages and positions ------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"items": [',
        '{"label": "x",\n "name": "y" "z"}',
        "[1,]",
        '{"a" 1}',
        "{1: 2}",
        "[1] x",
        '["a\nb"]',
        '["abc',
        '["\\x"]',
        "[01]",
        "[-]",
        "[.5]",
        "[tru]",
        '\n\n  {"a": [1, 2,, 3]}',
    ],
)
def test_syntax_errors_are_located_as_the_standard_reader_locates_them(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as standard:
        json.loads(text)
    error = refused(text, r"^a\.json:\d+:\d+: not valid JSON: ")
    assert (error.line, error.column) == (standard.value.lineno, standard.value.colno)
    # The standard messages end with " at" or " starting at", which the position follows.
    reason = standard.value.msg.removesuffix(" at").removesuffix(" starting")
    assert error.message == "not valid JSON: " + reason


def test_empty_text() -> None:
    refused("  \n", r"^a\.json:2:1: not valid JSON: Expecting value \(the file holds no JSON")


# -- what the standard reader accepts and this one refuses ---------------------------------------


@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(word: str) -> None:
    # '{"a": [1, ' is 10 characters: the word starts at column 11.
    error = refused('{"a": [1, ' + word + "]}", rf"^a\.json:1:11: a\[1\]: {word} is not a finite")
    assert error.path == "a[1]"


def test_a_key_twice_with_different_values_is_refused_at_the_second() -> None:
    text = '{\n "rate": 0.10,\n "max": 5,\n "rate": 0.1\n}'
    error = refused(
        text,
        r"^a\.json:4:2: rate: duplicate key 'rate' \(first at line 2\) with a different value",
    )
    assert (error.line, error.column, error.path) == (4, 2, "rate")


def test_a_key_twice_inside_a_list_is_refused_with_its_path() -> None:
    refused('{"a": [{"b": 1, "b": [2]}]}', r"^a\.json:1:17: a\[0\]\.b: duplicate key 'b'")


@pytest.mark.parametrize(
    "repeat", ['"Residential"', '[1, {"x": 0.5}]', "0.50"], ids=["text", "list", "decimal"]
)
def test_the_same_key_and_value_twice_is_read_once(repeat: str) -> None:
    document = parse_json(f'{{"sector": {repeat}, "b": 1, "sector": {repeat}}}', "a.json")
    assert list(document.data) == ["sector", "b"]
    assert document.locate(["sector"]) == (1, 12)  # the first one


@pytest.mark.parametrize(("first", "second"), [("0.5", "0.50"), ("1", "1.0"), ("1", "true")])
def test_values_written_differently_are_different(first: str, second: str) -> None:
    # 0.50 and 0.5 are equal numbers, but not the same text: which one was meant?
    refused(f'{{"a": {first}, "a": {second}}}', "duplicate key 'a'")


def test_half_a_surrogate_pair_is_refused() -> None:
    refused('["ok", "\\ud800"]', r"^a\.json:1:8: \[1\]: the string holds U\+D800, half of a")
    assert parse_json('["\\ud83d\\ude00"]', "a.json").data == ["\U0001f600"]  # a whole pair


# -- numbers out of range -----------------------------------------------------------------------


def test_the_largest_numbers_allowed() -> None:
    largest = "9" * MAX_DIGITS_BEFORE_POINT
    smallest = "0." + "0" * (MAX_DECIMAL_PLACES - 1) + "1"
    data = parse_json(
        f"[{largest}, -{largest}.5, {smallest}, 4.9406564584124654e-324, 1e308, 0e999999]",
        "a.json",
    ).data
    assert data[0] == 10**309 - 1 and isinstance(data[0], int)
    assert str(data[1]) == f"-{largest}.5"  # every digit kept
    assert data[2] == D(1).scaleb(-340)
    assert data[3] == D("4.9406564584124654E-324")
    assert data[4] == D(10) ** 308
    assert data[5] == 0


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1e309", "the number 1e309 is too large: at most 309 digits before the point"),
        ("1" + "0" * 309, "the number 10000000000000000000... is too large"),
        ("-1" + "0" * 5000, "the number -1000000000000000000... is too large"),
        ("12.5e308", "the number 12.5e308 is too large"),
        ("1e400", "the number 1e400 is too large"),
        ("1e99999999999999999999", "the number 1e99999999999999999999 is too large"),
        ("1e" + "9" * 30, r"the number 1e999999999999999999\.\.\. is too large"),
        ("1e-341", "the number 1e-341 has 341 decimal places; at most 340 are allowed"),
        ("0." + "0" * 340 + "1", r"the number 0\.000000000000000000\.\.\. has 341 decimal places"),
        ("1.5e-340", r"the number 1\.5e-340 has 341 decimal places"),
        ("-1e-99999999999", "the number -1e-99999999999 has more than a billion decimal places"),
    ],
)
def test_numbers_out_of_range_are_refused_where_they_are_written(number: str, message: str) -> None:
    # '{"rate": [0, ' is 13 characters: the number starts at column 14.
    error = refused('{"rate": [0, ' + number + "]}", r"^a\.json:1:14: rate\[1\]: " + message)
    assert error.path == "rate[1]"


def test_an_integer_of_thousands_of_digits_is_refused_without_converting_it() -> None:
    # Python refuses to convert more than sys.get_int_max_str_digits() digits at all.
    digits = "7" * (sys.get_int_max_str_digits() + 10)
    refused(f"[{digits}]", r"^a\.json:1:2: \[0\]: the number 77777777777777777777\.\.\. is too")


# -- limits -------------------------------------------------------------------------------------


def test_nesting_up_to_the_limit_is_read() -> None:
    text = "[" * MAX_NESTING_DEPTH + "]" * MAX_NESTING_DEPTH
    data: Any = parse_json(text, "a.json").data
    for _ in range(MAX_NESTING_DEPTH - 1):
        (data,) = data
    assert data == []


@pytest.mark.parametrize("brackets", [MAX_NESTING_DEPTH + 1, 1_000_000])
def test_deeper_nesting_is_refused_at_the_first_bracket_too_deep(brackets: int) -> None:
    # A million brackets raise no RecursionError.
    text = '[{"a": ' * (brackets // 2) + "[" * (brackets % 2)
    error = refused(text, r"^a\.json:1:\d+: nesting is deeper than the limit of 64 levels$")
    # Each '[{"a": ' is 7 characters and two levels: level 65 is the '[' of the 33rd.
    assert error.column == 7 * 32 + 1


def test_the_number_of_values_is_limited() -> None:
    refused(
        "[" + "0, " * 10 + "0]",
        r"^a\.json:1:29: the document has more than 10 values$",
        max_values=10,
    )
    # The list is the first value, and the 10th number (at column 1 + 3 * 9 = 28 + 1) the
    # 11th. A list and 9 numbers are 10 values, allowed.
    assert len(parse_json("[" + "0, " * 8 + "0]", "a.json", max_values=10).data) == 9


def test_the_error_class_is_the_callers() -> None:
    with pytest.raises(ReadingsError, match=r"^r\.json:1:2: "):
        parse_json("[NaN]", "r.json", error=ReadingsError)


# -- files --------------------------------------------------------------------------------------


def test_load_reads_utf8_with_or_without_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b'\xef\xbb\xbf{"a": "\xc3\xa9"}')
    assert load_json(path).data == {"a": "é"}


def test_load_refuses_a_file_larger_than_the_limit_before_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with open(path, "wb") as stream:
        stream.truncate(101)
    with pytest.raises(
        TariffFileError,
        match=r"big\.json: file is 101 bytes, larger than the "
        r"limit of 100 bytes$",
    ):
        load_json(path, max_bytes=100)


def test_load_locates_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b'{\n  "a": "x\xff"}')  # line 2: '  "a": "x' is 9 characters
    with pytest.raises(TariffFileError, match=r"a\.json:2:10: not a text file: byte 0xFF"):
        load_json(path)


def test_load_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TariffFileError, match=r"none\.json: cannot read the file: No such file"):
        load_json(tmp_path / "none.json")


# -- mutated files ------------------------------------------------------------------------------

SAMPLE = (
    '{"items": [{"label": "x", "energyratestructure": [[{"max": 500, "rate": 0.10},\n'
    ' {"rate": 0.125, "adj": -0.0119}]], "startdate": 1420070400, "approved": true,\n'
    ' "name": "A \\"quoted\\" \\u00e9 name", "enddate": null, "flat": [1e3, -0, 2.5E-2]}]}'
)


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(SAMPLE)),
            st.integers(min_value=0, max_value=3),
            st.sampled_from(list('{}[],:"0123456789eE+-. \n\\utfnaINl') + ["NaN", "1e400"]),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_a_mutated_file_is_read_as_the_standard_reader_reads_it_or_refused_with_its_place(
    edits: list[tuple[int, int, str]],
) -> None:
    text = SAMPLE
    for position, deleted, inserted in edits:
        position = min(position, len(text))
        text = text[:position] + inserted + text[position + deleted :]
    try:
        standard: Any = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        error = refused(text, r"^a\.json:\d+:\d+: ")
        # A syntax error is found where the standard reader finds it, unless a refusal of
        # this reader comes first.
        if error.message.startswith("not valid JSON: "):
            assert (error.line, error.column) == (exc.lineno, exc.colno)
        return
    except RecursionError:  # pragma: no cover - mutations of a small file stay shallow
        return
    try:
        document = parse_json(text, "a.json")
    except TariffFileError as error:
        assert error.line is not None and error.column is not None
        assert not error.message.startswith("not valid JSON"), "the standard reader read it"
        return
    assert document.data == standard
