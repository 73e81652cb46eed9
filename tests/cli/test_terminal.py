"""Terminal conventions (`tariffs.cli.terminal`): colour, -q/--quiet and -v/--verbose.

The command is run in a child process, its stdout or stderr a pseudo-terminal (``pty``)
where a terminal is meant, or a pipe. On a terminal the ``total`` rows of a bill table
are bold, a ``warning:`` prefix yellow and the ``error:`` prefix red; piped, or with
``NO_COLOR`` set, the output is the stored snapshot byte for byte.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tables import flat_yaml
from tariffs.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = [
    "price",
    str(ROOT / "examples" / "readings.csv"),
    "--tariff",
    "cn-sh-industrial-two-part",
    "--account",
    str(ROOT / "examples" / "account.yaml"),
]
#: The table of `EXAMPLE` as the snapshot test stored it before colour existed (its stdout,
#: then ``--- stderr``, the stderr and ``--- exit CODE``).
STORED = (ROOT / "tests" / "data" / "snapshots" / "example-table.txt").read_text("utf-8")
SNAPSHOT = STORED.removesuffix("--- stderr\n--- exit 0\n")
assert SNAPSHOT != STORED
ANSI = re.compile(r"\033\[[0-9;]*m")
BOLD, RED, YELLOW, RESET = "\033[1m", "\033[1;31m", "\033[33m", "\033[0m"


def _environment(**changes: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["TERM"] = "xterm"
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_on_terminal(
    argv: list[str], *, stream: str = "stdout", **env: str | None
) -> tuple[int, str, str]:
    """Run ``tariffs ARGV`` with ``stream`` on a pseudo-terminal, the other one piped.

    Returns:
        The exit code, what the terminal showed (its ``\\r\\n`` read back as ``\\n``), and
        what the pipe got.
    """
    leader, follower = pty.openpty()
    other = subprocess.PIPE
    with subprocess.Popen(  # noqa: S603 - the interpreter running the tests
        [sys.executable, "-m", "tariffs", *argv],
        stdout=follower if stream == "stdout" else other,
        stderr=follower if stream == "stderr" else other,
        stdin=subprocess.DEVNULL,
        env=_environment(**env),
    ) as child:
        os.close(follower)
        shown = bytearray()
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal is closed once the child has ended
                break
            if not chunk:
                break
            shown += chunk
        piped = (child.stderr if stream == "stdout" else child.stdout).read()  # type: ignore[union-attr]
        code = child.wait()
    os.close(leader)
    return code, shown.decode("utf-8").replace("\r\n", "\n"), piped.decode("utf-8")


def run_piped(argv: list[str], **env: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tariffs", *argv],
        capture_output=True,
        text=True,
        check=False,
        env=_environment(**env),
    )


def test_a_bill_table_on_a_terminal_has_bold_totals_and_is_otherwise_the_same() -> None:
    code, shown, err = run_on_terminal(EXAMPLE)
    assert (code, err) == (0, "")
    total = next(line for line in SNAPSHOT.splitlines() if line.startswith("total "))
    assert f"{BOLD}{total}{RESET}\n" in shown
    assert ANSI.sub("", shown) == SNAPSHOT


def test_no_colour_on_a_terminal_with_no_color_set() -> None:
    code, shown, _ = run_on_terminal(EXAMPLE, NO_COLOR="1")
    assert (code, shown) == (0, SNAPSHOT)


def test_an_empty_no_color_does_not_turn_colour_off() -> None:
    # https://no-color.org: "when present and not an empty string".
    _, shown, _ = run_on_terminal(EXAMPLE, NO_COLOR="")
    assert BOLD in shown


def test_piped_output_is_byte_for_byte_the_snapshot() -> None:
    done = run_piped(EXAMPLE)
    assert (done.returncode, done.stdout, done.stderr) == (0, SNAPSHOT, "")


def test_force_color_and_the_color_option() -> None:
    assert BOLD in run_piped(EXAMPLE, FORCE_COLOR="1").stdout
    assert run_piped(EXAMPLE, FORCE_COLOR="1", NO_COLOR="1").stdout == SNAPSHOT
    # --color overrides both environment variables, as a per-run option should.
    assert BOLD in run_piped([*EXAMPLE, "--color", "always"], NO_COLOR="1").stdout
    assert run_piped(["--color", "never", *EXAMPLE], FORCE_COLOR="1").stdout == SNAPSHOT
    _, shown, _ = run_on_terminal(["--color", "never", *EXAMPLE])
    assert shown == SNAPSHOT


def test_other_formats_are_never_coloured() -> None:
    plain = run_piped([*EXAMPLE, "--format", "json"]).stdout
    _, shown, _ = run_on_terminal([*EXAMPLE, "--format", "json"])
    assert shown == plain and "\033" not in shown


def test_a_warning_prefix_is_yellow_on_a_terminal(tmp_path: Path) -> None:
    tariff = tmp_path / "flat.yaml"
    tariff.write_text(flat_yaml("flat", "0.5"), encoding="utf-8")
    hours = [h for h in range(24) if h != 5]  # 05:00 missing: a gap, billed with a warning
    readings = tmp_path / "day.csv"
    readings.write_text(
        "start,kwh\n" + "".join(f"2025-07-01T{h:02d}:00,1\n" for h in hours), encoding="utf-8"
    )
    argv = ["price", str(readings), "--tariff", str(tariff), "--allow-gaps"]
    _, shown, _ = run_on_terminal(argv)
    plain = run_piped(argv).stdout
    warning = next(line for line in plain.splitlines() if line.startswith("warning: "))
    assert f"{YELLOW}warning:{RESET}{warning[len('warning:') :]}" in shown
    assert ANSI.sub("", shown) == plain


def test_the_error_prefix_is_red_on_a_terminal_only() -> None:
    argv = ["price", str(ROOT / "examples" / "readings.csv"), "--tariff", "no-such-id"]
    code, shown, out = run_on_terminal(argv, stream="stderr")
    assert (code, out) == (1, "")
    assert shown.startswith(f"tariffs: {RED}error:{RESET} no tariff file and no tariff id")
    piped = run_piped(argv)
    assert piped.stderr == ANSI.sub("", shown)
    assert piped.stderr.startswith("tariffs: error: no tariff file")


def _batch_inputs(tmp_path: Path) -> list[str]:
    tariff = tmp_path / "flat.yaml"
    tariff.write_text(flat_yaml("flat", "0.5"), encoding="utf-8")
    (tmp_path / "accounts.csv").write_text("account_id\nA1\nA2\n", encoding="utf-8")
    readings = tmp_path / "readings"
    readings.mkdir()
    for account in ("A1", "A2"):
        rows = "".join(f"2025-07-01T{h:02d}:00,1\n" for h in range(24))
        (readings / f"{account}.csv").write_text("start,kwh\n" + rows, encoding="utf-8")
    return [
        "batch",
        "--accounts",
        str(tmp_path / "accounts.csv"),
        "--readings-dir",
        str(readings),
        "--tariff",
        str(tariff),
        "--workers",
        "1",
    ]


def test_quiet_draws_no_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    argv = _batch_inputs(tmp_path)
    code, shown, out = run_on_terminal(argv, stream="stderr")
    assert code == 0 and "100 %" in shown  # the bar, drawn on a terminal
    for quiet in (["-q", *argv], [*argv, "--quiet"]):
        code, quiet_shown, quiet_out = run_on_terminal(quiet, stream="stderr")
        assert (code, quiet_shown, quiet_out) == (0, "", out)


def test_quiet_still_writes_errors() -> None:
    done = run_piped(["-q", "price", "missing.csv", "--tariff", "cn-bj-residential"])
    assert done.returncode == 1
    assert done.stderr == "tariffs: error: missing.csv: no such readings file\n"


def _day(tmp_path: Path) -> tuple[Path, Path]:
    tariff = tmp_path / "flat.yaml"
    tariff.write_text(flat_yaml("flat", "0.5"), encoding="utf-8")
    readings = tmp_path / "day.csv"
    rows = "".join(f"2025-07-01T{h:02d}:{m:02d},1\n" for h in range(24) for m in (0, 30))
    readings.write_text("start,kwh\n" + rows, encoding="utf-8")
    return tariff, readings


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_says_what_was_read_and_the_time_taken(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    tariff, readings = _day(tmp_path)
    argv = ["price", str(readings), "--tariff", str(tariff)]
    assert main(argv) == 0
    plain = capsys.readouterr()
    assert main(["-v", *argv] if where == "before" else [*argv, "--verbose"]) == 0
    verbose = capsys.readouterr()
    assert verbose.out == plain.out and plain.err == ""
    lines = verbose.err.splitlines()
    assert lines[:2] == [
        # 48 half hours: 2025-07-01T00:00 to 2025-07-02T00:00 in the tariff's zone.
        f"tariffs: read {readings}: 48 intervals of 30 min, 2025-07-01T00:00 to "
        "2025-07-02T00:00 (Asia/Shanghai, end exclusive)",
        f"tariffs: tariff flat from {tariff}: version 2025-01-01 in force",
    ]
    assert re.fullmatch(r"tariffs: tariffs price: done in \d+\.\d{3} s", lines[2])
    assert len(lines) == 3


def test_verbose_compare_names_each_tariff(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff, readings = _day(tmp_path)
    dear = tmp_path / "dear.yaml"
    dear.write_text(flat_yaml("dear", "0.6"), encoding="utf-8")
    argv = ["compare", str(readings), "--tariff", str(tariff), "--tariff", str(dear), "-v"]
    assert main(argv) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[1:3] == [
        f"tariffs: tariff flat from {tariff}: version 2025-01-01 in force",
        f"tariffs: tariff dear from {dear}: version 2025-01-01 in force",
    ]


def test_quiet_and_verbose_together_are_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["-q", "tables", "-v"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        "tariffs tables: -q/--quiet and -v/--verbose are opposites: give one or the other; "
        "see 'tariffs tables --help'"
    )


def test_an_option_before_the_command_is_not_reset_after_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tariff, readings = _day(tmp_path)
    # -v before, --color after: both in force.
    assert main(["-v", "price", str(readings), "--tariff", str(tariff), "--color", "never"]) == 0
    assert "tariffs: read " in capsys.readouterr().err
    # An option value that looks like a command does not hide the real command.
    assert main(["--color", "never", "tables", "--ids"]) == 0
    assert "cn-bj-residential\n" in capsys.readouterr().out


def test_tables_ids_lists_every_id_one_a_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "zz-mine.yaml").write_text(flat_yaml("zz-mine", "0.5"), encoding="utf-8")
    (tmp_path / "zz-broken.yaml").write_text("not: [a table", encoding="utf-8")
    assert main(["tables", "--ids", "--tables", str(tmp_path)]) == 0
    ids = capsys.readouterr().out.splitlines()
    assert ids == sorted(ids)
    assert {"cn-bj-residential", "zz-mine", "zz-broken"} <= set(ids)  # read by name only


def test_verbose_portfolio_names_its_tariffs_and_accounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = _batch_inputs(tmp_path)  # two accounts of one day each under flat.yaml
    dear = tmp_path / "dear.yaml"
    dear.write_text(flat_yaml("dear", "0.6"), encoding="utf-8")
    flat = argv[argv.index("--tariff") + 1]
    accounts, readings = argv[argv.index("--accounts") + 1], argv[argv.index("--readings-dir") + 1]
    assert main(
        ["portfolio", "--accounts", accounts, "--readings-dir", readings, "--current", flat,
         "--proposed", str(dear), "--workers", "1", "-v"]
    ) == 0  # fmt: skip
    lines = capsys.readouterr().err.splitlines()
    assert lines[:3] == [
        f"tariffs: tariff flat from {flat} (current)",
        f"tariffs: tariff dear from {dear} (proposed)",
        f"tariffs: read {accounts}: 2 accounts; readings in {readings}",
    ]
    assert lines[3].startswith("tariffs: tariffs portfolio: done in ")


def test_verbose_batch_counts_the_accounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = _batch_inputs(tmp_path)
    accounts = argv[argv.index("--accounts") + 1]
    assert main([*argv, "--format", "csv", "-v"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == f"tariffs: read {accounts}: 2 accounts, 2 priced, 0 failed"
    assert lines[1].startswith("tariffs: tariffs batch: done in ")


def test_a_comparison_on_a_terminal_has_a_bold_recommendation(tmp_path: Path) -> None:
    tariff, readings = _day(tmp_path)
    dear = tmp_path / "dear.yaml"
    dear.write_text(flat_yaml("dear", "0.6"), encoding="utf-8")
    argv = ["compare", str(readings), "--tariff", str(tariff), "--tariff", str(dear)]
    argv += ["--current", str(dear)]
    plain = run_piped(argv).stdout
    # 48 kWh: 24.00 under flat (0.5), 28.80 under dear (0.6): flat is recommended.
    recommendation = next(line for line in plain.splitlines() if line.startswith("Recomm"))
    assert "flat" in recommendation
    _, shown, _ = run_on_terminal(argv)
    assert f"{BOLD}Recommendation:{RESET}{recommendation[len('Recommendation:') :]}" in shown
    assert ANSI.sub("", shown) == plain
