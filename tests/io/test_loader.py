"""Tests of the safe YAML loader: scalar rules, keys, limits, locations, pydantic errors."""

from __future__ import annotations

import re
import textwrap
import time
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from tariffs.errors import AccountError, InputError, TariffFileError
from tariffs.io import safe_yaml as loader
from tariffs.io.safe_yaml import (
    YamlDocument,
    format_path,
    input_error_from_validation,
    load_yaml,
    parse_yaml,
)


def parse(text: str) -> Any:
    return parse_yaml(textwrap.dedent(text), "test.yaml").data


# --- scalars -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("-0", 0),
        ("+5", 5),
        ("-17", -17),
        ("1250", 1250),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("tRuE", True),
        ("false", False),
        ("FALSE", False),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("~", None),
        ("", None),
        # YAML 1.1 would read these as numbers, dates or booleans; here they stay text.
        ("18:00", "18:00"),
        ("08:00", "08:00"),
        ("1:30:00", "1:30:00"),
        ("010", "010"),
        ("00", "00"),
        ("0x1F", "0x1F"),
        ("0o17", "0o17"),
        ("0b101", "0b101"),
        ("1_000", "1_000"),
        ("2025-01-01", "2025-01-01"),
        ("2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
        ("2025-01-01 08:00", "2025-01-01 08:00"),
        ("1.2.3", "1.2.3"),
        ("inf", "inf"),
        ("NaN", "NaN"),
        ("nULL", "nULL"),
        ("yes please", "yes please"),
        ("=", "="),
        ("'0.62'", "0.62"),
        ('"true"', "true"),
        ("'off'", "off"),
        ("'18:00'", "18:00"),
        ("!!str 5", "5"),
        ("!!str true", "true"),
    ],
)
def test_scalar_resolution(text: str, expected: object) -> None:
    value = parse(f"value: {text}\n")["value"]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.62", Decimal("0.62")),
        ("0.4883", Decimal("0.4883")),
        ("-0.10", Decimal("-0.10")),
        ("+1.5", Decimal("1.5")),
        ("1.", Decimal("1")),
        (".5", Decimal("0.5")),
        ("-.5", Decimal("-0.5")),
        ("1e3", Decimal((0, (1,), 3))),
        ("1.25E-2", Decimal("0.0125")),
        ("010.50", Decimal("10.50")),
        ("0.1000000000000000055511151231257827", Decimal("0.1000000000000000055511151231257827")),
    ],
)
def test_numbers_with_point_or_exponent_are_exact_decimals(text: str, expected: Decimal) -> None:
    value = parse(f"price_per_kwh: {text}\n")["price_per_kwh"]
    assert type(value) is Decimal
    # Same digits and exponent, not merely equal: 0.10 stays 0.10.
    assert value.as_tuple() == expected.as_tuple()


def test_decimal_keeps_the_digits_as_written() -> None:
    data = parse("prices: [0.62, 0.1, 0.30, 1.10]\n")
    assert data["prices"] == [Decimal("0.62"), Decimal("0.1"), Decimal("0.30"), Decimal("1.10")]
    # Trailing zeros are kept (a float would lose them) and 0.1 is not 0.1000000000000000055...
    assert [str(price) for price in data["prices"]] == ["0.62", "0.1", "0.30", "1.10"]
    assert sum(data["prices"]) == Decimal("2.12")


@given(
    st.decimals(allow_nan=False, allow_infinity=False).filter(
        lambda number: any(mark in str(number) for mark in ".E")
    )
)
def test_decimal_text_round_trips_exactly(number: Decimal) -> None:
    text = str(number)
    value = parse_yaml(f"quantity_kwh: {text}\n", "test.yaml").data["quantity_kwh"]
    assert type(value) is Decimal
    assert str(value) == text


@pytest.mark.parametrize(
    "word", ["yes", "Yes", "YES", "no", "No", "on", "ON", "off", "Off", "y", "Y", "n", "N"]
)
def test_yaml11_boolean_words_are_refused_as_values(word: str) -> None:
    text = f"enabled: {word}\n"
    with pytest.raises(
        TariffFileError,
        match=rf"^test\.yaml:1:10: enabled: '{word}' is a boolean in YAML 1\.1 .*"
        rf"write true/false, or quote the text \('{word}'\)$",
    ):
        parse_yaml(text, "test.yaml")


def test_yaml11_boolean_word_as_key_is_refused_at_the_key() -> None:
    text = textwrap.dedent(
        """\
        periods:
          peak: 1
          off: 2
        """
    )
    with pytest.raises(
        TariffFileError, match=r"^test\.yaml:3:3: periods: 'off' is a boolean in YAML 1\.1.*quote"
    ):
        parse_yaml(text, "test.yaml")


def test_yaml11_boolean_word_inside_a_list_reports_the_index() -> None:
    text = "days: [mon, tue]\nflags:\n  - true\n  - no\n"
    with pytest.raises(TariffFileError, match=r"^test\.yaml:4:5: flags\[1\]: 'no' is a boolean"):
        parse_yaml(text, "test.yaml")


@pytest.mark.parametrize("word", [".inf", ".Inf", "-.inf", "+.INF", ".nan", ".NaN", ".NAN"])
def test_non_finite_numbers_are_refused(word: str) -> None:
    with pytest.raises(
        TariffFileError,
        match=rf"^test\.yaml:2:8: limit: '{re.escape(word)}' is not a finite number",
    ):
        parse_yaml(f"id: x\nlimit: {word}\n", "test.yaml")


def test_integer_with_too_many_digits_is_refused() -> None:
    with pytest.raises(
        TariffFileError, match=r"^test\.yaml:1:4: a: the integer 1{20}\.\.\. has too many"
    ):
        parse_yaml("a: " + "1" * 5000 + "\n", "test.yaml")


# --- keys ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("true", "a boolean"),
        ("False", "a boolean"),
        ("null", "null"),
        ("~", "null"),
        ("240", "an integer"),
        ("0.5", "a number"),
    ],
)
def test_keys_must_be_text(key: str, kind: str) -> None:
    text = f"tiers:\n  {key}: 1\n"
    with pytest.raises(
        TariffFileError,
        match=rf"^test\.yaml:2:3: tiers: mapping key {re.escape(key)} is read as {kind}; "
        rf"keys must be text: quote it \('{re.escape(key)}'\)$",
    ):
        parse_yaml(text, "test.yaml")


def test_quoted_keys_that_look_like_numbers_are_text() -> None:
    assert parse("'240': a\n\"true\": b\n2025-01-01: c\n") == {
        "240": "a",
        "true": "b",
        "2025-01-01": "c",
    }


def test_empty_key_is_refused() -> None:
    with pytest.raises(TariffFileError, match=r"^test\.yaml:1:2: a mapping key is empty"):
        parse_yaml("? \n: 1\n", "test.yaml")


def test_collection_key_is_refused() -> None:
    with pytest.raises(
        TariffFileError, match=r"^test\.yaml:1:3: a mapping key must be text, not a sequence$"
    ):
        parse_yaml("? [a, b]\n: 1\n", "test.yaml")
    with pytest.raises(
        TariffFileError, match=r"^test\.yaml:1:2: a mapping key must be text, not a mapping$"
    ):
        parse_yaml("{{a: 1}: 2}\n", "test.yaml")


def test_duplicate_top_level_key() -> None:
    text = "id: a\nname: A\nid: b\n"
    with pytest.raises(
        TariffFileError, match=r"^test\.yaml:3:1: id: duplicate key 'id' \(first at line 1\)$"
    ):
        parse_yaml(text, "test.yaml")


def test_duplicate_key_in_nested_mapping() -> None:
    text = textwrap.dedent(
        """\
        versions:
          2025-01-01:
            charges:
              - kind: energy
                price_per_kwh: 0.5
                kind: fixed
        """
    )
    with pytest.raises(
        TariffFileError,
        match=r"^test\.yaml:6:9: versions\.2025-01-01\.charges\[0\]\.kind: "
        r"duplicate key 'kind' \(first at line 4\)$",
    ):
        parse_yaml(text, "test.yaml")


def test_duplicate_key_in_flow_mapping() -> None:
    with pytest.raises(
        TariffFileError,
        match=r"^test\.yaml:2:22: seasons\.summer: duplicate key 'summer' \(first at line 2\)$",
    ):
        parse_yaml("id: x\nseasons: {summer: 1, summer: 2}\n", "test.yaml")


def test_same_key_in_different_mappings_is_fine() -> None:
    assert parse("a: {kind: x}\nb: {kind: z}\n") == {"a": {"kind": "x"}, "b": {"kind": "z"}}


def test_merge_key_is_refused() -> None:
    text = "base: &base {a: 1}\nderived:\n  <<: *base\n  b: 2\n"
    with pytest.raises(
        TariffFileError, match=r"^test\.yaml:3:3: derived: merge keys \('<<'\) are not supported"
    ):
        parse_yaml(text, "test.yaml")


def test_quoted_merge_key_is_plain_text() -> None:
    assert parse("'<<': 1\n") == {"<<": 1}


# --- tags ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("!!python/object/apply:os.system ['echo unsafe']", "!!python/object/apply:os.system"),
        ("!!python/name:os.system", "!!python/name:os.system"),
        ("!!python/tuple [1, 2]", "!!python/tuple"),
        ("!!float 1.5", "!!float"),
        ("!!int 3", "!!int"),
        ("!!binary aGVsbG8=", "!!binary"),
        ("!!set {a, b}", "!!set"),
        ("!custom x", "!custom"),
        ("! 12", "!"),
        ("!!str [a]", "!!str"),
        ("!!map [a]", "!!map"),
    ],
)
def test_tags_other_than_plain_data_are_refused(value: str, shown: str) -> None:
    with pytest.raises(
        TariffFileError, match=rf"^test\.yaml:2:8: tag '{re.escape(shown)}' is not supported"
    ):
        parse_yaml(f"id: x\nvalue: {value}\n", "test.yaml")


def test_python_tag_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "created"
    text = (
        "value: !!python/object/apply:pathlib.Path.touch"
        f" [!!python/object/apply:pathlib.Path ['{marker}']]\n"
    )
    with pytest.raises(TariffFileError, match=r"tag '!!python/object/apply:pathlib\.Path\.touch'"):
        parse_yaml(text, "test.yaml")
    assert not marker.exists()


def test_standard_collection_tags_are_accepted() -> None:
    assert parse("a: !!seq [1]\nb: !!map {c: 2}\n") == {"a": [1], "b": {"c": 2}}


# --- document structure ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["", "\n\n", "# only a comment\n", "   # indented\n# two\n", "---\n", "--- # c\n...\n"]
)
def test_empty_file(text: str) -> None:
    with pytest.raises(TariffFileError, match=r"^test\.yaml: empty file"):
        parse_yaml(text, "test.yaml")


def test_more_than_one_document() -> None:
    with pytest.raises(
        TariffFileError, match=r"^test\.yaml:2:1: more than one YAML document in the file"
    ):
        parse_yaml("id: a\n---\nid: b\n", "test.yaml")


def test_explicit_document_markers_are_fine() -> None:
    assert parse("---\nid: a\n...\n") == {"id": "a"}


@pytest.mark.parametrize(
    ("text", "location", "problem"),
    [
        ("id: x\n  name: y\n", "2:7", "mapping values are not allowed here"),
        (
            "prices: [1, 2\n",
            "2:1",
            r"expected ',' or '\]', but got '<stream end>' "
            r"\(while parsing a flow sequence that starts at line 1, column 9\)",
        ),
        ("name: 'unterminated\n", "2:1", "found unexpected end of stream"),
        ("- a\n- b: c\n  - d\n", "3:3", "expected <block end>, but found '-'"),
        ("a:\n\t- 1\n", "2:1", "found character '\\\\t' that cannot start any token"),
    ],
)
def test_syntax_errors_report_pyyaml_problem_and_position(
    text: str, location: str, problem: str
) -> None:
    with pytest.raises(TariffFileError, match=rf"^test\.yaml:{location}: invalid YAML: {problem}"):
        parse_yaml(text, "test.yaml")


def test_undefined_alias() -> None:
    with pytest.raises(TariffFileError, match=r"^test\.yaml:2:4: alias \*missing is not defined"):
        parse_yaml("a: 1\nb: *missing\n", "test.yaml")


def test_duplicate_anchor() -> None:
    with pytest.raises(
        TariffFileError, match=r"^test\.yaml:2:4: anchor &x is defined twice \(first at line 1\)$"
    ):
        parse_yaml("a: &x 1\nb: &x 2\n", "test.yaml")


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(
        TariffFileError, match=r"^test\.yaml:1:11: alias \*x refers to a node that contains it"
    ):
        parse_yaml("a: &x [1, *x]\n", "test.yaml")


def test_aliases_are_expanded_as_copies() -> None:
    data = parse("base: &base {price_per_kwh: 0.5, unit: kWh}\nother: *base\n")
    assert data == {
        "base": {"price_per_kwh": Decimal("0.5"), "unit": "kWh"},
        "other": {"price_per_kwh": Decimal("0.5"), "unit": "kWh"},
    }
    assert data["other"] is not data["base"]


def test_alias_as_key() -> None:
    assert parse("name: &k peak\nprices: {*k : 1}\n") == {"name": "peak", "prices": {"peak": 1}}


# --- limits --------------------------------------------------------------------------


def nested_lists(depth: int) -> str:
    return "[" * depth + "]" * depth + "\n"


def test_nesting_up_to_the_limit_is_fine() -> None:
    data = parse_yaml(nested_lists(64), "test.yaml").data
    depth = 0
    while isinstance(data, list):
        depth += 1
        data = data[0] if data else None
    assert depth == 64


def test_nesting_beyond_the_limit_is_refused() -> None:
    with pytest.raises(
        TariffFileError, match=r"^test\.yaml:1:65: nesting is deeper than the limit of 64 levels$"
    ):
        parse_yaml(nested_lists(65), "test.yaml")


def test_very_deep_nesting_fails_without_recursion_error() -> None:
    with pytest.raises(
        TariffFileError, match=r"^test\.yaml:65:65: nesting is deeper than the limit"
    ):
        parse_yaml("".join(" " * level + "k:\n" for level in range(20_000)), "test.yaml")


def test_nesting_through_aliases_counts_the_expansion() -> None:
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, 70)]
    # The list of a63 is 64 levels deep once expanded; the list of a64 (line 65) is 65.
    with pytest.raises(
        TariffFileError,
        match=r"^test\.yaml:65:6: alias expansion nests deeper than the limit of 64 levels$",
    ):
        parse_yaml("\n".join(lines) + "\n", "test.yaml")


def billion_laughs(levels: int) -> str:
    lines = ["lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        aliases = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"lol{level}: &lol{level} [{aliases}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_fails_fast() -> None:
    started = time.perf_counter()
    with pytest.raises(
        TariffFileError,
        match=r"^test\.yaml:6:7: alias expansion makes more than 100000 nodes here, which exceeds",
    ):
        parse_yaml(billion_laughs(10), "test.yaml")
    assert time.perf_counter() - started < 1.0


def test_moderate_alias_expansion_is_fine() -> None:
    # 10 + 9 * 10 + 1 nodes in lol1, well under the limit.
    data = parse_yaml(billion_laughs(2), "test.yaml").data
    assert data["lol1"] == [["lol"] * 9] * 9


def test_node_limit_without_aliases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_EXPANDED_NODES", 10)
    parse_yaml("[1, 2, 3, 4, 5, 6, 7, 8, 9]\n", "test.yaml")
    with pytest.raises(
        TariffFileError, match=r"^test\.yaml:1:1: the document has more than 10 nodes$"
    ):
        parse_yaml("[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n", "test.yaml")


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    size = 11 * 1024 * 1024
    padding = b"# padding\n" * (size // 10)
    path.write_bytes(padding + b"a: 1\n" * ((size % 10) // 5) + b"\n" * (size % 5))
    assert path.stat().st_size == size
    started = time.perf_counter()
    with pytest.raises(
        TariffFileError,
        match=rf"^{re.escape(str(path))}: "
        r"file is 11534336 bytes, larger than the limit of 10485760 bytes$",
    ):
        load_yaml(path)
    assert time.perf_counter() - started < 1.0


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text("id: abc\n", encoding="utf-8")
    assert load_yaml(path, max_bytes=8).data == {"id": "abc"}
    with pytest.raises(TariffFileError, match=r"file is 8 bytes, larger than the limit of 7 bytes"):
        load_yaml(path, max_bytes=7)


# --- files and encodings ---------------------------------------------------------------


def test_load_yaml_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "tariff.yaml"
    path.write_text("id: tariff\nname: 北京居民\nprice: 0.4883\n", encoding="utf-8")
    document = load_yaml(path)
    assert document.data == {"id": "tariff", "name": "北京居民", "price": Decimal("0.4883")}
    assert document.source == str(path)
    assert document.locate(["price"]) == (3, 8)


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfid: x\nrate: 1.5\n")
    document = load_yaml(path)
    assert document.data == {"id": "x", "rate": Decimal("1.5")}
    assert document.locate(["id"]) == (1, 5)


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: x\nname: Zürich\n".encode("latin-1"))
    with pytest.raises(
        TariffFileError,
        match=rf"^{re.escape(str(path))}:2:8: not a text file: byte 0xFC is not valid UTF-8$",
    ):
        load_yaml(path)


def test_file_with_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"id: x\nab\x00cd\n")
    with pytest.raises(
        TariffFileError,
        match=rf"^{re.escape(str(path))}:2:3: not a text file: contains a NUL byte$",
    ):
        load_yaml(path)


def test_text_with_control_characters() -> None:
    with pytest.raises(
        TariffFileError,
        match=r"^test\.yaml:1:7: not a text file: contains control character U\+0007$",
    ):
        parse_yaml("name: \a\n", "test.yaml")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(TariffFileError, match=rf"^{re.escape(str(path))}: cannot read the file: "):
        load_yaml(path)


def test_error_class_is_chosen_by_the_caller(tmp_path: Path) -> None:
    path = tmp_path / "account.yaml"
    path.write_text("account_id: F-001\naccount_id: F-002\n", encoding="utf-8")
    with pytest.raises(
        AccountError, match=r"account\.yaml:2:1: account_id: duplicate key"
    ) as caught:
        load_yaml(path, error=AccountError)
    assert (caught.value.line, caught.value.column, caught.value.path) == (2, 1, "account_id")
    with pytest.raises(AccountError, match=r"^account\.yaml: empty file"):
        parse_yaml("", "account.yaml", error=AccountError)


# --- locations -------------------------------------------------------------------------

LOCATED = textwrap.dedent(
    """\
    id: cn-bj-residential
    versions:
      2025-01-01:
        charges:
          - kind: energy
            tiers:
              bounds_kwh: [240, 400]
              price_per_kwh: ["0.4883", "0.5383", "0.7883"]
          - kind: fixed
            amount: &amount 10.00
    extra:
      copy: *amount
      empty:
    """
)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ((), (1, 1)),
        (("id",), (1, 5)),
        (("versions",), (3, 3)),
        (("versions", "2025-01-01"), (4, 5)),
        (("versions", "2025-01-01", "charges"), (5, 7)),
        (("versions", "2025-01-01", "charges", 0), (5, 9)),
        (("versions", "2025-01-01", "charges", 0, "kind"), (5, 15)),
        (("versions", "2025-01-01", "charges", 0, "tiers", "bounds_kwh", 1), (7, 29)),
        (("versions", "2025-01-01", "charges", 0, "tiers", "price_per_kwh", 2), (8, 47)),
        (("versions", "2025-01-01", "charges", 1, "amount"), (10, 17)),
        # The alias is located where it is written, not at its anchor.
        (("extra", "copy"), (12, 9)),
        (("extra", "empty"), (13, 9)),
        # Missing keys and indexes: the deepest existing ancestor.
        (("versions", "2025-01-01", "charges", 0, "missing"), (5, 9)),
        (("versions", "2025-01-01", "charges", 7, "kind"), (5, 7)),
        (("id", "deeper"), (1, 5)),
        (("nowhere",), (1, 1)),
        (("versions", 0), (3, 3)),
    ],
)
def test_locate(path: tuple[str | int, ...], expected: tuple[int, int]) -> None:
    assert parse_yaml(LOCATED, "t.yaml").locate(path) == expected


def test_locate_through_alias_to_collection() -> None:
    text = "base: &b\n  rate: 1.5\n  unit: kWh\nuse: *b\n"
    document = parse_yaml(text, "t.yaml")
    assert document.locate(["use"]) == (4, 6)
    # Inside the alias, values are where the anchor's content is written.
    assert document.locate(["use", "unit"]) == (3, 9)


def test_document_built_by_hand_has_no_locations() -> None:
    document = YamlDocument(data={"a": 1}, source="memory")
    assert document.locate(["a"]) is None


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            ("versions", "2025-01-01", "charges", 0, "tiers", "price_per_kwh", 1),
            "versions.2025-01-01.charges[0].tiers.price_per_kwh[1]",
        ),
        ((), ""),
        (("id",), "id"),
        ((0, "kind"), "[0].kind"),
        (("matrix", 0, 1), "matrix[0][1]"),
        (("a.b", "c d", ""), '"a.b"."c d".""'),
    ],
)
def test_format_path(path: tuple[str | int, ...], expected: str) -> None:
    assert format_path(path) == expected


# --- pydantic validation errors --------------------------------------------------------


def check_not_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError(f"amount must not be negative, got {value}")
    return value


class Tiers(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bounds_kwh: list[int]
    price_per_kwh: list[Annotated[Decimal, Field(ge=0)]]


class EnergyCharge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["energy"]
    tiers: Tiers


class FixedCharge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["fixed"]
    amount: Annotated[Decimal, AfterValidator(check_not_negative)]
    label: str = "Fixed"

    @field_validator("label")
    @classmethod
    def label_not_blank(cls, label: str) -> str:
        if not label.strip():
            raise ValueError("label must not be blank")
        return label


Charge = Annotated[EnergyCharge | FixedCharge, Field(discriminator="kind")]


class Version(BaseModel):
    model_config = ConfigDict(extra="forbid")

    charges: list[Charge]


class Tariff(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    currency: str = "CNY"
    versions: dict[Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")], Version]


GOOD_TARIFF = textwrap.dedent(
    """\
    id: cn-bj-residential
    versions:
      2025-01-01:
        charges:
          - kind: energy
            tiers:
              bounds_kwh: [240, 400]
              price_per_kwh: ["0.4883", "0.5383", "0.7883"]
          - kind: fixed
            amount: 10.00
    """
)


def validation_error(text: str, *, error: type[InputError] = TariffFileError) -> InputError:
    document = parse_yaml(text, "tariff_tables/cn/cn-bj-residential.yaml")
    with pytest.raises(ValidationError) as caught:
        Tariff.model_validate(document.data)
    return input_error_from_validation(caught.value, document, error=error)


def test_valid_document_validates() -> None:
    tariff = Tariff.model_validate(parse(GOOD_TARIFF))
    fixed = FixedCharge(kind="fixed", amount=Decimal("10.00"))
    assert tariff.versions["2025-01-01"].charges[1] == fixed


def test_error_through_list_index_and_discriminated_union() -> None:
    text = GOOD_TARIFF.replace('"0.5383"', "-0.5383")
    error = validation_error(text)
    assert type(error) is TariffFileError
    assert str(error) == (
        "tariff_tables/cn/cn-bj-residential.yaml:8:37: "
        "versions.2025-01-01.charges[0].tiers.price_per_kwh[1]: "
        "Input should be greater than or equal to 0"
    )
    assert (error.line, error.column) == (8, 37)
    assert error.path == "versions.2025-01-01.charges[0].tiers.price_per_kwh[1]"


def test_unknown_key_is_located_at_its_value() -> None:
    text = GOOD_TARIFF.replace("    amount: 10.00\n", "    amount: 10.00\n        colour: red\n")
    error = validation_error(text)
    assert str(error) == (
        "tariff_tables/cn/cn-bj-residential.yaml:11:17: versions.2025-01-01.charges[1].colour: "
        "Extra inputs are not permitted"
    )


def test_wrong_type_is_located_at_the_value() -> None:
    text = GOOD_TARIFF.replace("[240, 400]", "[240, many]")
    error = validation_error(text)
    assert str(error) == (
        "tariff_tables/cn/cn-bj-residential.yaml:7:29: "
        "versions.2025-01-01.charges[0].tiers.bounds_kwh[1]: "
        "Input should be a valid integer, unable to parse string as an integer"
    )


def test_missing_field_is_located_at_the_mapping_that_lacks_it() -> None:
    text = GOOD_TARIFF.replace("          bounds_kwh: [240, 400]\n", "")
    error = validation_error(text)
    assert str(error) == (
        "tariff_tables/cn/cn-bj-residential.yaml:7:11: "
        "versions.2025-01-01.charges[0].tiers.bounds_kwh: Field required"
    )


def test_missing_field_of_a_union_member() -> None:
    text = GOOD_TARIFF.replace("        tiers:", "        tariers:")
    error = validation_error(text)
    # The first error is the missing "tiers" (pydantic's loc carries the tag 'energy').
    assert str(error) == (
        "tariff_tables/cn/cn-bj-residential.yaml:5:9: "
        "versions.2025-01-01.charges[0].tiers: Field required (and 1 more error)"
    )


def test_missing_top_level_field() -> None:
    error = validation_error("versions: {}\n")
    assert str(error) == "tariff_tables/cn/cn-bj-residential.yaml:1:1: id: Field required"


def test_value_error_prefix_is_removed_and_validator_name_skipped() -> None:
    text = GOOD_TARIFF.replace("amount: 10.00", "amount: -1.00")
    error = validation_error(text)
    assert str(error) == (
        "tariff_tables/cn/cn-bj-residential.yaml:10:17: versions.2025-01-01.charges[1].amount: "
        "amount must not be negative, got -1.00"
    )


def test_field_validator_message() -> None:
    text = GOOD_TARIFF.replace("amount: 10.00", "amount: 10.00\n        label: '  '")
    error = validation_error(text)
    assert str(error) == (
        "tariff_tables/cn/cn-bj-residential.yaml:11:16: versions.2025-01-01.charges[1].label: "
        "label must not be blank"
    )


def test_unknown_union_tag_is_located_at_the_list_item() -> None:
    text = GOOD_TARIFF.replace("kind: fixed", "kind: demand")
    error = validation_error(text)
    assert re.fullmatch(
        r"tariff_tables/cn/cn-bj-residential\.yaml:9:9: versions\.2025-01-01\.charges\[1\]: "
        r"Input tag 'demand' found using 'kind' does not match any of the expected tags: .*",
        str(error),
    )


def test_bad_dict_key_is_located_at_the_key() -> None:
    text = GOOD_TARIFF.replace("  2025-01-01:", "  Jan 2025:")
    error = validation_error(text)
    assert error.path == 'versions."Jan 2025"'
    assert (error.line, error.column) == (3, 3)
    assert error.message.startswith("String should match pattern")


def test_error_count_is_mentioned() -> None:
    text = GOOD_TARIFF.replace("id: cn-bj-residential\n", "").replace("[240, 400]", "[low, high]")
    error = validation_error(text)
    assert str(error).endswith(": id: Field required (and 2 more errors)")
    assert (error.line, error.column) == (1, 1)


def test_validation_error_class_is_chosen_by_the_caller() -> None:
    error = validation_error("versions: {}\n", error=AccountError)
    assert type(error) is AccountError
    assert isinstance(error, ValueError)


def test_function_after_in_loc_is_skipped() -> None:
    def no_op(value: dict[str, int]) -> dict[str, int]:
        return value

    class Wrapper(BaseModel):
        items: list[Annotated[dict[str, int], AfterValidator(no_op)] | int]

    document = parse_yaml("items:\n  - a: 1\n    b: two\n", "w.yaml")
    with pytest.raises(ValidationError) as caught:
        Wrapper.model_validate(document.data)
    loc = caught.value.errors()[0]["loc"]
    assert any(str(part).startswith("function-after[") for part in loc)
    error = input_error_from_validation(caught.value, document)
    assert str(error) == (
        "w.yaml:3:8: items[0].b: "
        "Input should be a valid integer, unable to parse string as an integer (and 1 more error)"
    )


def test_plain_union_type_names_are_skipped() -> None:
    class Choice(BaseModel):
        value: int | list[int]

    document = parse_yaml("value: abc\n", "c.yaml")
    with pytest.raises(ValidationError) as caught:
        Choice.model_validate(document.data)
    error = input_error_from_validation(caught.value, document)
    assert str(error) == (
        "c.yaml:1:8: value: Input should be a valid integer, unable to parse string as an integer"
        " (and 1 more error)"
    )


# --- round trip --------------------------------------------------------------------------

# PyYAML's dumper follows YAML 1.1, so it leaves unquoted some text that this loader reads by
# its stricter rules (YAML 1.1 booleans in odd case, 'y'/'n', numbers with an exponent but
# no point): those strings are not generated.
TRAP_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
NUMBER_LIKE = re.compile(r"[-+]?[0-9._]*[0-9][0-9._]*(?:[eE][-+]?[0-9]+)?|[-+]?\.(?i:inf|nan)")


def is_plain_text_for_both_schemas(text: str) -> bool:
    return text.lower() not in TRAP_WORDS and not NUMBER_LIKE.fullmatch(text)


texts = st.text(max_size=12).filter(is_plain_text_for_both_schemas)
documents = st.recursive(
    texts | st.integers(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=12,
)


@given(documents)
def test_safe_dump_round_trips(data: Any) -> None:
    text = yaml.safe_dump(data)
    assert parse_yaml(text, "dumped.yaml").data == data


@given(documents)
def test_safe_dump_round_trips_in_flow_style(data: Any) -> None:
    text = yaml.safe_dump(data, default_flow_style=True)
    assert parse_yaml(text, "dumped.yaml").data == data
