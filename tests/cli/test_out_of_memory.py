"""Out of memory is an error that names the command and its input, never a traceback,
and leaves no partial output."""

from __future__ import annotations

from pathlib import Path

import pytest

import tariffs.cli.price
from tariffs.cli import main


def test_memory_running_out_is_an_error_naming_the_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    readings = tmp_path / "r.csv"
    readings.write_text("start,kwh\n2025-07-01T00:00,1\n2025-07-01T01:00,2\n", encoding="utf-8")
    output = tmp_path / "bills.json"

    def exhausted(*_: object, **__: object) -> None:
        raise MemoryError

    monkeypatch.setattr(tariffs.cli.price, "price", exhausted)
    argv = ["price", str(readings), "--tariff", "cn-sh-residential", "--output", str(output)]
    code = main(argv)
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    assert err == (
        f"tariffs: error: out of memory in tariffs price on {readings}; price fewer days at a "
        "time (--from, --to), or give the process more memory\n"
    )
    assert not output.exists()
