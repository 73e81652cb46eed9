"""``tariffs --version`` prints the version the package was installed with."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_version_is_the_project_version_and_exits_zero() -> None:
    declared = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]
    done = subprocess.run(
        [sys.executable, "-m", "tariffs", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, f"tariffs {declared}\n", "")


def test_version_does_not_need_a_subcommand_and_help_lists_it() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tariffs", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "--version" in done.stdout
