"""``tariffs schema``: the JSON Schemas, exactly as shipped in the package.

The shipped files are compared byte for byte with what the command prints, so that a
change of the models that changes the schema fails here until the files are written
again (``tariffs schema tariff --output src/tariffs/schemas/tariff.schema.json``, and the
same for ``account``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tariffs.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "src" / "tariffs" / "schemas"


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("kind", ["tariff", "account"])
def test_the_shipped_schema_is_what_the_command_prints(
    capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    shipped = (SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert run(capsys, "schema", kind) == (0, shipped, "")


def test_the_default_is_the_tariff_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "schema")
    assert (code, err) == (0, "")
    schema = json.loads(out)
    assert schema["title"] == "tariffs: tariff table"
    assert schema["required"] == ["id", "name", "currency", "timezone", "reference", "versions"]
    assert schema["additionalProperties"] is False


def test_the_account_schema(capsys: pytest.CaptureFixture[str]) -> None:
    schema = json.loads(run(capsys, "schema", "account")[1])
    assert schema["title"] == "tariffs: account file"
    assert schema["required"] == ["account_id"]
    assert "meter_multiplier" in schema["properties"]


def test_output_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    output = tmp_path / "account.schema.json"
    assert run(capsys, "schema", "account", "--output", output) == (0, "", "")
    assert output.read_bytes() == (SCHEMAS / "account.schema.json").read_bytes()


def test_an_unknown_kind_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "schema", "readings")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (
        "tariffs schema: argument kind: invalid choice: 'readings' (choose from 'tariff', "
        "'account'); see 'tariffs schema --help'"
    )


def test_the_format_guide_points_editors_to_the_schemas() -> None:
    guide = (ROOT / "docs" / "tariff-format.md").read_text(encoding="utf-8")
    assert "# yaml-language-server: $schema=tariff.schema.json" in guide
    assert "# yaml-language-server: $schema=account.schema.json" in guide
    assert "tariffs schema tariff --output tariff.schema.json" in guide
    assert "tariffs schema account --output account.schema.json" in guide


def test_the_installed_command_prints_the_schema() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tariffs", "schema", "tariff"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (SCHEMAS / "tariff.schema.json").read_text(encoding="utf-8")
