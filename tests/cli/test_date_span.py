"""``--from`` must come before ``--to`` (exclusive): otherwise a usage error, exit 2.

The message shows the dates as they were typed and names the subcommand, and nothing is
read or priced (the readings file named here does not exist, so any reading would fail
with exit 1 instead).
"""

from __future__ import annotations

import pytest

from tariffs.cli import main

SPANS = [
    # (--from, --to, relation in the message)
    ("2025-03-01", "2025-02-01", "after"),
    ("2025-03-01", "2025-03-01", "the same day as"),
    ("2025-12-31", "2025-01-01", "after"),
]


@pytest.mark.parametrize(("first", "last", "relation"), SPANS)
@pytest.mark.parametrize(
    "argv",
    [
        ["price", "missing.csv", "--tariff", "cn-sh-residential"],
        [
            "compare",
            "missing.csv",
            "--tariff",
            "cn-sh-residential",
            "--tariff",
            "cn-bj-residential",
        ],
        ["batch", "--accounts", "missing.csv", "--readings-dir", "missing-dir"],
    ],
    ids=["price", "compare", "batch"],
)
def test_from_not_before_to_is_a_usage_error(
    argv: list[str], first: str, last: str, relation: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--from", first, "--to", last]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"usage: tariffs {argv[0]} [-h]")
    assert err.splitlines()[-1] == (
        f"tariffs {argv[0]}: --from {first} is {relation} --to {last}; --from must be before "
        f"--to (--to is the day after the last day billed); see 'tariffs {argv[0]} --help'"
    )


def test_from_before_to_is_not_refused(capsys: pytest.CaptureFixture[str]) -> None:
    # One day apart is a span of one day: the run goes on to read the readings (exit 1
    # because the file does not exist), so the order check let it through.
    argv = ["price", "missing.csv", "--tariff", "cn-sh-residential"]
    assert main([*argv, "--from", "2025-03-01", "--to", "2025-03-02"]) == 1
    assert "--from" not in capsys.readouterr().err
