"""The documentation's examples are real: every complete tariff and account in
docs/tariff-format.md loads, and README's library example runs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tariffs import parse_tariff
from tariffs.io.safe_yaml import parse_yaml
from tariffs.model.account import Account

ROOT = Path(__file__).resolve().parents[1]
FORMAT = ROOT / "docs" / "tariff-format.md"


def yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", FORMAT.read_text(encoding="utf-8"), re.S)


def test_the_format_guide_has_complete_examples() -> None:
    tariffs = [b for b in yaml_blocks() if re.match(r"(#.*\n)*id: ", b)]
    accounts = [b for b in yaml_blocks() if re.search(r"^account_id: ", b, re.M)]
    assert len(tariffs) >= 5
    assert len(accounts) >= 3


@pytest.mark.parametrize(
    "block", [b for b in yaml_blocks() if re.match(r"(#.*\n)*id: ", b)], ids=lambda b: b[:40]
)
def test_every_complete_tariff_in_the_format_guide_loads(block: str) -> None:
    tariff = parse_tariff(block, "tariff-format.md")
    assert tariff.versions


@pytest.mark.parametrize(
    "block",
    [b for b in yaml_blocks() if re.search(r"^account_id: ", b, re.M)],
    ids=lambda b: b[:40],
)
def test_every_account_in_the_format_guide_loads(block: str) -> None:
    Account.model_validate(parse_yaml(block, "tariff-format.md").data)


def test_readme_library_example_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", readme, re.S)
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the project's own example
    printed = capsys.readouterr().out.split()
    assert printed[0] == "2025-07-01"  # one bill, for July 2025


def test_example_script_runs(capsys: pytest.CaptureFixture[str]) -> None:
    import runpy

    runpy.run_path(str(ROOT / "examples" / "price_month.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "cn-sh-industrial-two-part" in out and "cn-gd-commercial-tou" in out
