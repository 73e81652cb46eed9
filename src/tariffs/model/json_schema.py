"""JSON Schemas of the tariff table and of the account file, for editors.

Generated from the pydantic models (`Tariff`, `Account`) with what the models check in
validators and not in types written out where a schema can say it:

- a decimal is a YAML number, or text that is a decimal number (``"0.6200"``); one that
  must be 0 or more has no minus sign;
- names, codes, clock windows, month-day dates and month numbers have their patterns
  and bounds;
- each field is described by the ``Attributes`` section of its model's docstring.

The schema checks the shape of a file: its keys, the type of each value, the choices of
``kind`` and of the other words. What depends on several fields (seasons that cover the
year, periods that do not overlap, a price for every period) is checked by the loader
only, so a file the schema accepts can still be refused by ``tariffs validate``.

The generated schemas are shipped in the package, ``tariffs/schemas/``; ``tariffs schema``
prints them.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from tariffs.model import account, calendar, common, tariff
from tariffs.model.account import Account
from tariffs.model.tariff import Tariff

__all__ = ["KINDS", "SCHEMA_DIR", "json_schema", "json_schema_text", "schema_file"]

#: What each schema describes: the model and the schema's title.
KINDS: dict[str, tuple[type[BaseModel], str]] = {
    "tariff": (Tariff, "tariffs: tariff table"),
    "account": (Account, "tariffs: account file"),
}

#: Where the generated schemas are shipped.
SCHEMA_DIR = Path(__file__).parents[1] / "schemas"

#: A decimal number as text, as `decimal.Decimal` reads it: digits, optionally grouped
#: by ``_``, with a point and an exponent; spaces around it are allowed.
_DIGITS = r"\d(?:_?\d)*"
_UNSIGNED = rf"(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][+-]?{_DIGITS})?"
DECIMAL_TEXT = rf"^\s*[+-]?{_UNSIGNED}\s*$"
NON_NEGATIVE_DECIMAL_TEXT = rf"^\s*\+?{_UNSIGNED}\s*$"

_WINDOW_TEXT = r"^\s*\d{2}:\d{2}-\d{2}:\d{2}\s*$"

#: Validator functions of the models whose rule the schema states (added to the schema
#: of the value they check).
_STATED: dict[Callable[..., Any], JsonSchemaValue] = {
    common._name: {"pattern": common._NAME.pattern},
    common._code: {"pattern": common._CODE.pattern},
    common._month: {"minimum": 1, "maximum": 12},
    common._window: {"type": "string", "pattern": _WINDOW_TEXT},
    calendar._month_day: {"pattern": calendar._MONTH_DAY.pattern},
}

#: Fields checked by a validator of their model whose rule the schema states.
_STATED_FIELDS: dict[tuple[type[BaseModel], str], JsonSchemaValue] = {
    (Tariff, "id"): {"pattern": tariff._ID.pattern},
    (Account, "demand_history_kw"): {"propertyNames": {"pattern": account._YEAR_MONTH.pattern}},
}

#: Fields whose validator takes more forms than their type: the schema of the forms.
_REPLACED_FIELDS: dict[tuple[type[BaseModel], str], JsonSchemaValue] = {
    # One transformer's name, or a list of them.
    (account.Transformer, "interlocked_with"): {
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]
    },
}


def _bound(value: Any) -> int | float:
    """A bound of a decimal as a JSON number (an integer when it is whole)."""
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else float(number)


def _markdown(text: str) -> str:
    """Docstring text as editors show it, in Markdown: double backquotes become single.

    >>> _markdown("``actual_days`` or ``days_over_30``")
    '`actual_days` or `days_over_30`'
    """
    return re.sub(r"``([^`]+)``", r"`\1`", text)


def _attribute_docs(docstring: str) -> tuple[str, dict[str, str]]:
    """A Google-style docstring split into its text and the text of each attribute."""
    docstring = _markdown(docstring)
    text, _, section = docstring.partition("\nAttributes:\n")
    described: dict[str, str] = {}
    name = None
    for line in section.splitlines():
        match = re.match(r"^    (\w+): (.*)$", line)
        if match:
            name = match.group(1)
            described[name] = match.group(2)
        elif line.startswith("        ") and name is not None:
            described[name] += " " + line.strip()
        else:
            name = None
    return text.strip(), described


class _Generator(GenerateJsonSchema):
    """pydantic's JSON Schema, with the rules of the project's validators stated."""

    def generate(
        self,
        schema: core_schema.CoreSchema,
        mode: Literal["validation", "serialization"] = "validation",
    ) -> JsonSchemaValue:
        generated = super().generate(schema, mode=mode)
        return {"$schema": self.schema_dialect, **_json_bounds(generated)}

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        number: JsonSchemaValue = {"type": "number"}
        for key, word in (
            ("ge", "minimum"),
            ("gt", "exclusiveMinimum"),
            ("le", "maximum"),
            ("lt", "exclusiveMaximum"),
        ):
            if schema.get(key) is not None:
                number[word] = _bound(schema.get(key))
        return {"anyOf": [number, {"type": "string", "pattern": DECIMAL_TEXT}]}

    def function_after_schema(
        self, schema: core_schema.AfterValidatorFunctionSchema
    ) -> JsonSchemaValue:
        inner = self.generate_inner(schema["schema"])
        function = schema["function"]["function"]
        if function is common._non_negative:
            return _non_negative(inner)
        return {**inner, **_STATED.get(function, {})}

    def function_before_schema(
        self, schema: core_schema.BeforeValidatorFunctionSchema
    ) -> JsonSchemaValue:
        inner = self.generate_inner(schema["schema"])
        return {**inner, **_STATED.get(schema["function"]["function"], {})}

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        generated = super().dict_schema(schema)
        # pydantic writes keys with a pattern as patternProperties, which lets any key
        # that does not match through with any value: every key must match instead.
        patterns = generated.pop("patternProperties", None)
        if patterns is not None:
            ((pattern, values),) = patterns.items()
            generated["propertyNames"] = {"pattern": pattern}
            generated["additionalProperties"] = values
        return generated

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        generated = super().model_schema(schema)
        text, described = _attribute_docs(inspect.cleandoc(schema["cls"].__doc__ or ""))
        if "description" in generated:
            generated["description"] = text
        for name, field in generated.get("properties", {}).items():
            if name in described and "description" not in field:
                field["description"] = described[name]
            field.update(_STATED_FIELDS.get((schema["cls"], name), {}))
            replaced = _REPLACED_FIELDS.get((schema["cls"], name))
            if replaced is not None:
                kept = {k: field[k] for k in ("title", "description", "default") if k in field}
                field.clear()
                field.update({**kept, **replaced})
        return generated


_BOUND_WORDS = {
    "ge": "minimum",
    "gt": "exclusiveMinimum",
    "le": "maximum",
    "lt": "exclusiveMaximum",
}


def _json_bounds(value: Any) -> Any:
    """Bounds left in pydantic's words written in JSON Schema's (``ge`` as ``minimum``).

    pydantic leaves them so for a constrained field whose type has a validator of its own.
    """
    if isinstance(value, list):
        return [_json_bounds(item) for item in value]
    if not isinstance(value, dict):
        return value
    numeric = value.get("type") in ("integer", "number")
    return {
        (_BOUND_WORDS[key] if numeric and key in _BOUND_WORDS else key): _json_bounds(item)
        for key, item in value.items()
    }


def _non_negative(decimal: JsonSchemaValue) -> JsonSchemaValue:
    """The schema of a decimal that is 0 or more."""
    number, text = decimal["anyOf"]
    number = {**number, "minimum": max(0, number.get("minimum", 0))}
    return {"anyOf": [number, {**text, "pattern": NON_NEGATIVE_DECIMAL_TEXT}]}


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``kind`` (``tariff`` or ``account``, `KINDS`)."""
    model, title = KINDS[kind]
    generated = model.model_json_schema(schema_generator=_Generator)
    return {**generated, "title": title}


def json_schema_text(kind: str) -> str:
    """`json_schema` as the text shipped and printed: indented JSON ending in a newline."""
    return json.dumps(json_schema(kind), ensure_ascii=False, indent=2) + "\n"


def schema_file(kind: str) -> Path:
    """The shipped file of the schema of ``kind``: ``tariffs/schemas/KIND.schema.json``."""
    return SCHEMA_DIR / f"{kind}.schema.json"
