"""The JSON Schemas shipped for editors accept every real table and account, and refuse
what the loader refuses for its shape: an unknown key, a value of the wrong type.

Documents are read by the project's YAML loader and handed to the schema as JSON data
(decimals as JSON numbers), as an editor reads them: YAML 1.2, where ``2025-01-01`` and
``08:00`` are text.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import ValidationError

from tariffs.errors import AccountError, TariffFileError
from tariffs.io.safe_yaml import load_yaml, parse_yaml
from tariffs.io.tables import BUNDLED_TABLES
from tariffs.model.account import Account
from tariffs.model.json_schema import KINDS, SCHEMA_DIR, json_schema, schema_file
from tariffs.model.tariff import Tariff

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "docs").glob("*.md"))


def shipped(kind: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_file(kind).read_text(encoding="utf-8"))
    return loaded


def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


TARIFF = validator(shipped("tariff"))
ACCOUNT = validator(shipped("account"))


def as_json(data: Any) -> Any:
    """The data as an editor sees it: YAML numbers are JSON numbers."""
    return json.loads(json.dumps(data, default=float))


def errors(check: jsonschema.Draft202012Validator, data: Any) -> list[str]:
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in check.iter_errors(data)]


def path_of(error: jsonschema.ValidationError) -> str:
    return ".".join(map(str, error.absolute_path))


def located(check: jsonschema.Draft202012Validator, data: Any, where: str) -> bool:
    """Whether every error is at ``where`` or above it, and one of them (or one of the
    errors of the alternatives of an ``anyOf`` or ``oneOf``) is at ``where`` itself."""

    def tree(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError]:
        return [error, *(found for inner in error.context or [] for found in tree(inner))]

    found = list(check.iter_errors(data))
    above = all(f"{where}.".startswith(f"{path_of(e)}.") or not path_of(e) for e in found)
    return bool(found) and above and any(path_of(e) == where for f in found for e in tree(f))


def yaml_blocks() -> list[tuple[str, str]]:
    """Every YAML block of the docs: (file name, text)."""
    return [
        (path.name, block)
        for path in DOCS
        for block in re.findall(r"```yaml[^\n]*\n(.*?)```", path.read_text(encoding="utf-8"), re.S)
    ]


def is_table(block: str) -> bool:
    return re.match(r"(#.*\n)*id: ", block) is not None


def is_account(block: str) -> bool:
    return re.search(r"^account_id: ", block, re.M) is not None


# -- the schemas are valid and shipped ------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_shipped_schema_is_a_valid_json_schema(kind: str) -> None:
    schema = shipped(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_shipped_schema_is_the_generated_one(kind: str) -> None:
    assert shipped(kind) == json_schema(kind)


def test_the_schemas_are_package_data() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["tariffs"]
    package = SCHEMA_DIR.parent
    included = {path for pattern in patterns for path in package.glob(pattern)}
    assert {schema_file(kind) for kind in KINDS} <= included
    assert sorted(path.name for path in SCHEMA_DIR.iterdir()) == [
        "account.schema.json",
        "tariff.schema.json",
    ]


def test_jsonschema_is_a_dev_dependency_only() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not any(d.startswith("jsonschema") for d in project["dependencies"])
    assert any(d.startswith("jsonschema") for d in project["optional-dependencies"]["dev"])


# -- every real document is accepted --------------------------------------------------------


@pytest.mark.parametrize("path", sorted(BUNDLED_TABLES.rglob("*.yaml")), ids=lambda path: path.stem)
def test_every_bundled_table_is_accepted(path: Path) -> None:
    data = load_yaml(path, error=TariffFileError).data
    assert errors(TARIFF, as_json(data)) == []


def test_the_docs_have_the_examples_checked() -> None:
    blocks = yaml_blocks()
    assert sum(is_table(text) for _, text in blocks) >= 9
    assert sum(is_account(text) for _, text in blocks) >= 5


@pytest.mark.parametrize(
    ("doc", "block"),
    [(doc, text) for doc, text in yaml_blocks() if is_table(text)],
    ids=lambda value: value[:40],
)
def test_every_table_in_the_docs_is_accepted(doc: str, block: str) -> None:
    data = parse_yaml(block, doc, error=TariffFileError).data
    assert errors(TARIFF, as_json(data)) == []


@pytest.mark.parametrize(
    ("doc", "block"),
    [(doc, text) for doc, text in yaml_blocks() if is_account(text)],
    ids=lambda value: value[:40],
)
def test_every_account_in_the_docs_is_accepted(doc: str, block: str) -> None:
    data = parse_yaml(block, doc, error=AccountError).data
    assert errors(ACCOUNT, as_json(data)) == []


def part(schema: dict[str, Any], definitions: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """A schema without its required keys, for a part of a document."""
    return validator({"$defs": definitions, **{k: v for k, v in schema.items() if k != "required"}})


def test_every_part_of_a_table_in_the_docs_is_accepted() -> None:
    """The blocks that show a part of a table: tariff fields, version fields, charges."""
    schema = shipped("tariff")
    definitions = schema["$defs"]
    version = definitions["Version"]
    checked = 0
    for doc, block in yaml_blocks():
        if is_table(block) or is_account(block):
            continue
        data = as_json(parse_yaml(block, doc, error=TariffFileError).data)
        if isinstance(data, list):
            check = validator({"$defs": definitions, **version["properties"]["charges"]})
        elif set(data) <= set(schema["properties"]):
            check = part(schema, definitions)
        else:
            assert set(data) <= set(version["properties"]), block
            check = part(version, definitions)
        assert errors(check, data) == [], block
        checked += 1
    assert checked >= 25


@pytest.mark.parametrize(
    "name",
    [
        "account.yaml",
        "capacity-account.yaml",
        "meter-change-account.yaml",
        "household-allowance.yaml",
    ],
)
def test_the_example_account_is_accepted(name: str) -> None:
    data = load_yaml(ROOT / "examples" / name, error=AccountError).data
    Account.model_validate(data)
    assert errors(ACCOUNT, as_json(data)) == []


# -- what the loader refuses for its shape, the schema refuses ------------------------------

BASE = BUNDLED_TABLES / "cn" / "cn-sh-industrial-two-part.yaml"
VERSION = ("versions", "2022-01-01")


def base() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(BASE, error=TariffFileError).data
    return data


def at(data: Any, path: tuple[str | int, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def setting(path: tuple[str | int, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        at(data, path[:-1])[path[-1]] = value

    return change


def renaming(path: tuple[str | int, ...], new: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        mapping = at(data, path[:-1])
        mapping[new] = mapping.pop(path[-1])

    return change


CHARGES = (*VERSION, "charges")
#: Where the version is, in the schema's errors.
V = "versions.2022-01-01"

#: Changes of the Shanghai two-part table that the loader refuses: (name, change, the
#: location of the schema's error).
REFUSED: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("unknown_key_at_the_top", setting(("foo",), "bar"), ""),
    ("unknown_key_in_a_version", setting((*VERSION, "tarifs"), []), V),
    ("unknown_key_in_a_charge", setting((*CHARGES, 2, "rate"), "1"), f"{V}.charges.2"),
    (
        "unknown_key_in_a_season",
        setting((*VERSION, "seasons", "summer", "month"), [7]),
        f"{V}.seasons.summer",
    ),
    ("unknown_charge_kind", setting((*CHARGES, 2, "kind"), "surcharges"), f"{V}.charges.2.kind"),
    ("charge_without_kind", lambda data: at(data, CHARGES)[2].pop("kind"), f"{V}.charges.2"),
    ("missing_required_field", lambda data: data.pop("reference"), ""),
    (
        "price_is_a_boolean",
        setting((*CHARGES, 2, "price_per_kwh"), True),
        f"{V}.charges.2.price_per_kwh",
    ),
    (
        "price_is_not_a_number",
        setting((*CHARGES, 2, "price_per_kwh"), "0.019 CNY"),
        f"{V}.charges.2.price_per_kwh",
    ),
    (
        "price_is_negative_text",
        setting((*CHARGES, 2, "price_per_kwh"), "-0.019"),
        f"{V}.charges.2.price_per_kwh",
    ),
    (
        "price_is_a_negative_number",
        setting((*VERSION, "base_prices", "flat"), Decimal("-0.62")),
        f"{V}.base_prices.flat",
    ),
    (
        "price_is_infinite",
        setting((*VERSION, "base_prices", "flat"), "Infinity"),
        f"{V}.base_prices.flat",
    ),
    ("name_is_a_number", setting(("name",), 5), "name"),
    ("currency_in_lower_case", setting(("currency",), "cny"), "currency"),
    ("id_with_upper_case", setting(("id",), "CN-SH"), "id"),
    (
        "month_13",
        setting((*VERSION, "seasons", "summer", "months"), [7, 8, 13]),
        f"{V}.seasons.summer.months.2",
    ),
    (
        "months_not_a_list",
        setting((*VERSION, "seasons", "summer", "months"), "7-9"),
        f"{V}.seasons.summer.months",
    ),
    (
        "window_without_minutes",
        setting((*VERSION, "periods", 0, "windows", "valley"), ["22-06"]),
        f"{V}.periods.0.windows.valley.0",
    ),
    (
        "window_not_in_a_list",
        setting((*VERSION, "periods", 0, "windows", "valley"), "22:00-06:00"),
        f"{V}.periods.0.windows.valley",
    ),
    (
        "period_name_in_upper_case",
        renaming((*VERSION, "periods", 0, "windows", "valley"), "Valley"),
        f"{V}.periods.0.windows",
    ),
    (
        "season_name_with_a_space",
        renaming((*VERSION, "seasons", "other"), "other months"),
        f"{V}.seasons",
    ),
    (
        "code_with_upper_case",
        setting((*CHARGES, 2, "code"), "Fund.renewable"),
        f"{V}.charges.2.code",
    ),
    ("choice_not_offered", setting(("proration",), "days_over_31"), "proration"),
    (
        "demand_window_of_20_minutes",
        setting((*VERSION, "demand_window", "minutes"), 20),
        f"{V}.demand_window.minutes",
    ),
    ("rounding_places_as_words", setting(("rounding",), {"places": "two"}), "rounding.places"),
    ("version_date_that_does_not_exist", renaming(VERSION, "2022-02-30"), "versions"),
    ("version_key_not_a_date", renaming(VERSION, "from 2022"), "versions"),
    ("no_versions", setting(("versions",), {}), "versions"),
    ("no_charges", setting((*VERSION, "charges"), []), f"{V}.charges"),
    (
        "discount_over_100_percent",
        lambda data: at(data, CHARGES).append({"kind": "discount", "percent": 101}),
        f"{V}.charges.5.percent",
    ),
]


@pytest.mark.parametrize(
    ("change", "where"),
    [(change, where) for _, change, where in REFUSED],
    ids=[name for name, _, _ in REFUSED],
)
def test_the_schema_refuses_what_the_loader_refuses(
    change: Callable[[dict[str, Any]], None], where: str
) -> None:
    data = base()
    change(data)
    with pytest.raises(ValidationError):
        Tariff.model_validate(data)
    assert located(TARIFF, as_json(data), where), errors(TARIFF, as_json(data))


#: Changes that the loader accepts, and the schema too.
ACCEPTED: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("price_as_a_yaml_number", setting((*CHARGES, 2, "price_per_kwh"), Decimal("0.019"))),
    ("price_as_a_whole_number", setting((*CHARGES, 2, "price_per_kwh"), 1)),
    ("price_with_an_exponent", setting((*CHARGES, 2, "price_per_kwh"), "19E-3")),
    ("price_with_a_plus_sign", setting((*CHARGES, 2, "price_per_kwh"), "+0.019")),
    ("price_with_spaces", setting((*CHARGES, 2, "price_per_kwh"), " 0.019 ")),
    ("price_grouped_by_underscores", setting((*CHARGES, 1, "demand_price_per_kw"), "1_040.80")),
    ("price_without_a_leading_zero", setting((*CHARGES, 2, "price_per_kwh"), ".019")),
    # (A ratio below zero is refused by the loader as a negative derived price: a rule
    # across fields, which the schema leaves to the loader, as it says.)
    ("null_for_an_optional_field", setting(("description",), None)),
    (
        "window_ending_at_midnight",
        setting((*VERSION, "periods", 0, "windows", "valley"), ["22:00-24:00", "00:00-06:00"]),
    ),
]


@pytest.mark.parametrize(
    "change", [change for _, change in ACCEPTED], ids=[name for name, _ in ACCEPTED]
)
def test_what_the_loader_accepts_the_schema_accepts(
    change: Callable[[dict[str, Any]], None],
) -> None:
    data = base()
    change(data)
    Tariff.model_validate(copy.deepcopy(data))
    assert errors(TARIFF, as_json(data)) == []


def test_an_account_with_an_unknown_key_or_a_wrong_type_is_refused() -> None:
    account = {"account_id": "A-1", "capacity_kva": "630", "critical_peak_days": ["2025-07-01"]}
    Account.model_validate(account)
    assert errors(ACCOUNT, account) == []
    for changed, where in (
        ({**account, "capacity": "630"}, ""),
        ({**account, "capacity_kva": "630 kVA"}, "capacity_kva"),
        ({**account, "meter_read_day": 29}, "meter_read_day"),
        ({**account, "basic_charge_method": "demand"}, "basic_charge_method"),
        ({**account, "critical_peak_days": "2025-07-01"}, "critical_peak_days"),
        ({**account, "losses": {"percent": "2", "kwh": "1"}}, "losses"),
        ({**account, "demand_history_kw": {"2025-1": "600"}}, "demand_history_kw"),
        ({**account, "demand_history_kw": {"2025-01": "600 kW"}}, "demand_history_kw.2025-01"),
        ({"capacity_kva": "630"}, ""),
        (
            {**account, "meter_changes": [{"from": "2025-07-16", "multiplier": 80}]},
            "meter_changes.0",
        ),
        (
            {**account, "meter_changes": [{"from": "2025-07-16", "meter_multiplier": "80x"}]},
            "meter_changes.0.meter_multiplier",
        ),
        ({**account, "meter_changes": [{"meter_multiplier": 80}]}, "meter_changes.0"),
        (
            {**account, "tier_allowance_changes": [{"from": "2025-07-01"}]},
            "tier_allowance_changes.0",
        ),
        ({**account, "tier_allowance_year": "restart"}, "tier_allowance_year"),
    ):
        with pytest.raises(ValidationError):
            Account.model_validate(changed)
        assert located(ACCOUNT, changed, where), (changed, errors(ACCOUNT, changed))


def test_fields_are_described_from_the_docstrings() -> None:
    schema = shipped("tariff")
    assert schema["properties"]["withdrawn"]["description"] == (
        "The first day on which the table is no longer in force (the last version is in "
        "force up to the day before); None while it is in force."
    )
    tiers = schema["$defs"]["Tiers"]
    assert tiers["description"] == "Block tiers (阶梯) on the kWh of a reset period."
    assert tiers["properties"]["bounds_kwh"]["description"] == (
        "Upper bounds of every tier but the last, strictly increasing [kWh]."
    )
