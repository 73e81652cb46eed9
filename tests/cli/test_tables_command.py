"""``tariffs tables``: every tariff an id can name, its versions and the one in force.

The tables written here have versions on dates chosen so that the version in force is
known on any day the tests run (1990 and 2000 are past, 2999 is to come), and others
are looked at on a given day with ``--on``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
from pathlib import Path

import pytest

import tariffs.cli.tables as tables_command
from tables import flat_body, flat_yaml
from tariffs.cli import main
from tariffs.io.tables import BUNDLED_TABLES, named_tables, resolve_tariff_path

BUNDLED_IDS = sorted(path.stem for path in BUNDLED_TABLES.rglob("*.yaml"))

#: Two versions, 1990-01-01 and 2000-01-01, never withdrawn.
TWO_VERSIONS = """\
id: two-versions
name: Two versions
currency: USD
timezone: America/New_York
reference: written for the tests
versions:
  "1990-01-01":
    charges:
      - {kind: energy, price_per_kwh: "0.10"}
  2000-01-01:
    charges:
      - {kind: energy, price_per_kwh: "0.20"}
"""

#: One version from 1990-01-01, withdrawn on 2001-01-01.
WITHDRAWN = """\
id: withdrawn
name: Withdrawn in 2001
currency: EUR
timezone: Europe/London
reference: written for the tests
withdrawn: 2001-01-01
versions:
  "1990-01-01":
    charges:
      - {kind: energy, price_per_kwh: "0.10"}
"""


def future_yaml(tariff_id: str = "future") -> str:
    """One version from 2999-01-01."""
    return flat_yaml(tariff_id, "0.5", name="Not yet").replace("2025-01-01", "2999-01-01")


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def no_tariffs_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TARIFFS_PATH", raising=False)


def write_local(tmp_path: Path) -> Path:
    """A tables directory with the three tables above, one of them in a sub-folder."""
    directory = tmp_path / "local"
    write(directory, "two-versions.yaml", TWO_VERSIONS)
    write(directory / "old", "withdrawn.yml", WITHDRAWN)
    write(directory, "future.yaml", future_yaml())
    return directory


@pytest.fixture
def local(tmp_path: Path) -> Path:
    return write_local(tmp_path)


def json_rows(out: str) -> dict[str, dict[str, object]]:
    document = json.loads(out)
    assert list(document) == ["tables"]
    return {row["id"]: row for row in document["tables"]}


def table_rows(out: str) -> list[list[str]]:
    """The cells of a text table: columns are two or more spaces apart."""
    return [re.split(r" {2,}", line) for line in out.splitlines()]


def test_bundled_tables_are_listed_sorted_by_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "tables", "--format", "json")
    assert (code, err) == (0, "")
    rows = json.loads(out)["tables"]
    assert [row["id"] for row in rows] == BUNDLED_IDS
    assert len(rows) == 8
    by_id = {row["id"]: row for row in rows}
    # As the file says: one version from 2022-01-01, in CNY on Shanghai time.
    assert by_id["cn-sh-industrial-two-part"] == {
        "id": "cn-sh-industrial-two-part",
        "name": "Shanghai two-part large industry, 35 kV and below (上海两部制大工业)",
        "currency": "CNY",
        "timezone": "Asia/Shanghai",
        "versions": ["2022-01-01"],
        "on": by_id["cn-sh-industrial-two-part"]["on"],
        "status": "in_force",
        "in_force": "2022-01-01",
        "withdrawn": None,
        "file": str(BUNDLED_TABLES / "cn" / "cn-sh-industrial-two-part.yaml"),
    }


def test_versions_and_the_one_in_force_today(
    capsys: pytest.CaptureFixture[str], local: Path
) -> None:
    code, out, err = run(capsys, "tables", "--tables", local, "--format", "json")
    assert (code, err) == (0, "")
    rows = json_rows(out)
    assert list(rows) == sorted(["future", "two-versions", "withdrawn", *BUNDLED_IDS])
    two = rows["two-versions"]
    assert two["versions"] == ["1990-01-01", "2000-01-01"]  # the quoted and the bare date
    assert (two["status"], two["in_force"], two["withdrawn"]) == ("in_force", "2000-01-01", None)
    assert (two["currency"], two["timezone"]) == ("USD", "America/New_York")
    assert two["file"] == str(local / "two-versions.yaml")
    old = rows["withdrawn"]
    assert (old["status"], old["in_force"], old["withdrawn"]) == ("withdrawn", None, "2001-01-01")
    assert old["file"] == str(local / "old" / "withdrawn.yml")
    future = rows["future"]
    assert (future["status"], future["in_force"], future["versions"]) == (
        "not_yet",
        None,
        ["2999-01-01"],
    )


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        # two-versions, withdrawn, future
        ("1989-12-31", [("not_yet", None), ("not_yet", None), ("not_yet", None)]),
        ("1990-01-01", [("in_force", "1990-01-01"), ("in_force", "1990-01-01"), ("not_yet", None)]),
        ("1999-12-31", [("in_force", "1990-01-01"), ("in_force", "1990-01-01"), ("not_yet", None)]),
        ("2000-01-01", [("in_force", "2000-01-01"), ("in_force", "1990-01-01"), ("not_yet", None)]),
        # The last day before the withdrawal, and the withdrawal's first day.
        ("2000-12-31", [("in_force", "2000-01-01"), ("in_force", "1990-01-01"), ("not_yet", None)]),
        ("2001-01-01", [("in_force", "2000-01-01"), ("withdrawn", None), ("not_yet", None)]),
        (
            "2999-01-01",
            [("in_force", "2000-01-01"), ("withdrawn", None), ("in_force", "2999-01-01")],
        ),
    ],
)
def test_the_version_in_force_on_a_day(
    capsys: pytest.CaptureFixture[str],
    local: Path,
    on: str,
    expected: list[tuple[str, str | None]],
) -> None:
    code, out, err = run(capsys, "tables", "--tables", local, "--on", on, "--format", "json")
    assert (code, err) == (0, "")
    rows = json_rows(out)
    found = [
        (rows[i]["status"], rows[i]["in_force"]) for i in ("two-versions", "withdrawn", "future")
    ]
    assert found == expected
    assert {row["on"] for row in rows.values()} == {on}


def test_today_is_the_date_in_each_tariffs_time_zone(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2025-06-30 20:00 UTC is 2025-07-01 04:00 in Shanghai (UTC+8) and 13:00 on 2025-06-30
    # in Los Angeles (UTC-7 in summer): the July version is in force in Shanghai only.
    body = flat_body("0.5") + '  "2025-07-01":\n' + flat_body("0.6")
    for tariff_id, zone in (("east", "Asia/Shanghai"), ("west", "America/Los_Angeles")):
        text = flat_yaml(tariff_id, "0.5").replace("Asia/Shanghai", zone)
        write(tmp_path, f"{tariff_id}.yaml", text.replace(flat_body("0.5"), body))
    now = dt.datetime(2025, 6, 30, 20, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(tables_command, "_utc_now", lambda: now)
    code, out, err = run(capsys, "tables", "--tables", tmp_path, "--format", "json")
    assert (code, err) == (0, "")
    rows = json_rows(out)
    assert (rows["east"]["on"], rows["east"]["in_force"]) == ("2025-07-01", "2025-07-01")
    assert (rows["west"]["on"], rows["west"]["in_force"]) == ("2025-06-30", "2025-01-01")


def test_text_table(capsys: pytest.CaptureFixture[str], local: Path) -> None:
    code, out, err = run(capsys, "tables", "--tables", local, "--on", "2001-06-01")
    assert (code, err) == (0, "")
    rows = table_rows(out)
    assert rows[0] == ["id", "name", "currency", "timezone", "versions", "in force", "file"]
    assert set(rows[1][0]) == {"-"}
    by_id = {row[0]: row for row in rows[2:]}
    assert list(by_id) == sorted(by_id)
    assert by_id["two-versions"] == [
        "two-versions", "Two versions", "USD", "America/New_York", "1990-01-01, 2000-01-01",
        "2000-01-01", str(local / "two-versions.yaml"),
    ]  # fmt: skip
    assert by_id["withdrawn"][4:6] == ["1990-01-01", "none: withdrawn 2001-01-01"]
    assert by_id["future"][4:6] == ["2999-01-01", "none: from 2999-01-01"]


def test_csv(capsys: pytest.CaptureFixture[str], local: Path) -> None:
    code, out, err = run(
        capsys, "tables", "--tables", local, "--on", "2001-06-01", "--format", "csv"
    )
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "id", "name", "currency", "timezone", "versions", "on", "status", "in_force",
        "withdrawn", "file",
    ]  # fmt: skip
    by_id = {row["id"]: row for row in rows}
    assert by_id["two-versions"]["versions"] == "1990-01-01 2000-01-01"
    assert by_id["two-versions"]["in_force"] == "2000-01-01"
    assert (by_id["withdrawn"]["status"], by_id["withdrawn"]["in_force"]) == ("withdrawn", "")
    assert by_id["withdrawn"]["withdrawn"] == "2001-01-01"
    assert by_id["future"]["status"] == "not_yet"


def test_output_file(capsys: pytest.CaptureFixture[str], local: Path, tmp_path: Path) -> None:
    output = tmp_path / "tables.json"
    code, out, err = run(
        capsys, "tables", "--tables", local, "--format", "json", "--output", output
    )
    assert (code, out, err) == (0, "", "")
    assert "two-versions" in json_rows(output.read_text(encoding="utf-8"))


def test_an_id_is_listed_once_with_the_file_the_lookup_finds(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    option, env = tmp_path / "option", tmp_path / "env"
    # The same id in --tables, in TARIFFS_PATH and bundled: --tables comes first.
    write(option, "cn-bj-residential.yaml", flat_yaml("cn-bj-residential", "0.5", name="Mine"))
    write(env, "cn-bj-residential.yaml", flat_yaml("cn-bj-residential", "0.6", name="Env"))
    # Only in TARIFFS_PATH, and in TARIFFS_PATH before the bundled tables.
    write(env, "env-only.yaml", flat_yaml("env-only", "0.5", name="From the environment"))
    write(env, "cn-zj-residential.yaml", flat_yaml("cn-zj-residential", "0.5", name="Env ZJ"))
    # A URDB record is named by its path only: not listed.
    write(option, "urdb-record.json", "{}")
    monkeypatch.setenv("TARIFFS_PATH", str(env))
    code, out, err = run(capsys, "tables", "--tables", option, "--format", "json")
    assert (code, err) == (0, "")
    rows = json.loads(out)["tables"]
    ids = [row["id"] for row in rows]
    assert ids == sorted({*BUNDLED_IDS, "env-only"})
    by_id = {row["id"]: row for row in rows}
    assert (by_id["cn-bj-residential"]["name"], by_id["cn-bj-residential"]["file"]) == (
        "Mine",
        str(option / "cn-bj-residential.yaml"),
    )
    assert by_id["cn-zj-residential"]["file"] == str(env / "cn-zj-residential.yaml")
    assert by_id["env-only"]["name"] == "From the environment"
    # What price and show would load for each id.
    for tariff_id, row in by_id.items():
        assert str(resolve_tariff_path(tariff_id, [option])) == row["file"]


def test_named_tables_agree_with_the_id_lookup(local: Path) -> None:
    found = named_tables([local])
    assert set(found) == {"two-versions", "withdrawn", "future", *BUNDLED_IDS}
    for tariff_id, path in found.items():
        assert resolve_tariff_path(tariff_id, [local]) == path


def test_tables_lists_the_others_when_a_table_does_not_load(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TARIFFS_PATH", raising=False)
    local = write_local(tmp_path)
    # Line 10 of the flat table is 'foo: 1'; its value starts at column 6.
    broken = write(local, "broken.yaml", flat_yaml("broken", "0.5") + "foo: 1\n")
    # An id that is not the file's name: line 1, column 5.
    other = write(local, "renamed.yaml", flat_yaml("original", "0.5"))
    code, out, err = run(capsys, "tables", "--tables", local, "--format", "json")
    assert code == 1
    assert err.splitlines() == [
        f"tariffs: error: {broken}:10:6: foo: Extra inputs are not permitted",
        f"tariffs: error: {other}:1:5: id: id 'original' differs from the file name 'renamed'; "
        "they must be equal",
    ]
    assert list(json_rows(out)) == sorted(["future", "two-versions", "withdrawn", *BUNDLED_IDS])


def test_tables_reports_a_tables_directory_that_does_not_exist(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TARIFFS_PATH", raising=False)
    local = write_local(tmp_path)
    missing = tmp_path / "no-such-dir"
    code, out, err = run(
        capsys, "tables", "--tables", missing, "--tables", local, "--format", "csv"
    )
    assert code == 1
    assert err == f"tariffs: error: {missing}: not a directory of tariff tables (--tables)\n"
    ids = [row["id"] for row in csv.DictReader(io.StringIO(out))]
    assert ids == sorted(["future", "two-versions", "withdrawn", *BUNDLED_IDS])


def test_no_tables_at_all(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tariffs.io.tables.BUNDLED_TABLES", tmp_path / "none")
    assert run(capsys, "tables") == (0, "no tariff tables\n", "")
    code, out, _ = run(capsys, "tables", "--format", "json")
    assert (code, json.loads(out)) == (0, {"tables": []})
    assert run(capsys, "tables", "--format", "csv")[1] == (
        "id,name,currency,timezone,versions,on,status,in_force,withdrawn,file\n"
    )


def test_on_must_be_a_date(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "tables", "--on", "2025-02-30")
    assert (code, out) == (2, "")
    assert err.splitlines()[-1] == (
        "tariffs tables: argument --on: '2025-02-30' is not a date: day is out of range for "
        "month; "
        "see 'tariffs tables --help'"
    )


def test_environment_paths_are_searched_in_order(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write(first, "shared-id.yaml", flat_yaml("shared-id", "0.5", name="First"))
    write(second, "shared-id.yaml", flat_yaml("shared-id", "0.5", name="Second"))
    monkeypatch.setenv("TARIFFS_PATH", os.pathsep.join([str(first), str(second)]))
    code, out, err = run(capsys, "tables", "--format", "json")
    assert (code, err) == (0, "")
    assert json_rows(out)["shared-id"]["name"] == "First"
