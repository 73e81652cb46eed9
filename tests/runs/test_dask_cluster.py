"""``tariffs batch`` and ``tariffs portfolio`` on a real Dask cluster, from the command line.

A scheduler and two workers are started here as separate processes, with the commands a
user runs (``dask scheduler``, ``dask worker``); the commands are then given
``--scheduler tcp://HOST:PORT`` and must write, byte for byte, what the same run writes
in this process. One worker is killed while it prices a chunk: the scheduler runs the
chunk again on the other, and the output still has every account once, in order.
Needs the optional extra ``tariffs[dask]``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import distributed
import pytest

from tariffs.cli import main
from tariffs.runs import cluster as runs_cluster
from tariffs.runs.cluster import LOG_LENGTH, code_digest

DASK = Path(sys.executable).with_name("dask")
START_SECONDS = 90


class Cluster:
    def __init__(self, address: str, workers: list[subprocess.Popen[bytes]]) -> None:
        self.address = address
        self.workers = workers


def _wait_for(condition: object, what: str, seconds: float = START_SECONDS) -> None:
    assert callable(condition)
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen in {seconds} s")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    directory = tmp_path_factory.mktemp("cluster")
    scheduler_file = directory / "scheduler.json"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    processes = [
        subprocess.Popen(
            [
                str(DASK),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--dashboard-address",
                ":0",
                "--scheduler-file",
                str(scheduler_file),
            ],
            env=env,
            **quiet,
        )  # fmt: skip
    ]
    try:
        _wait_for(scheduler_file.exists, "the scheduler's start")
        _wait_for(lambda: scheduler_file.stat().st_size > 0, "the scheduler file")
        time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        workers = [
            subprocess.Popen(
                [
                    str(DASK),
                    "worker",
                    address,
                    "--nworkers",
                    "1",
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                    "--name",
                    f"w{number}",
                    "--no-nanny",
                ],
                env=env,
                **quiet,
            )  # fmt: skip
            for number in range(2)
        ]
        processes += workers
        with distributed.Client(address, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=START_SECONDS)
        yield Cluster(address, workers)
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()  # reaped, so that no process outlives the fixture


def write_accounts(directory: Path, count: int, days: int) -> tuple[Path, Path]:
    """``count`` accounts, each with ``days`` days of 15-minute readings of its own size."""
    readings = directory / "readings"
    readings.mkdir()
    start = dt.datetime(2025, 1, 1)
    rows = [f"{start + dt.timedelta(minutes=15 * k):%Y-%m-%dT%H:%M}" for k in range(96 * days)]
    ids = [f"A-{number:03d}" for number in range(count)]
    for number, account in enumerate(ids):
        body = "\n".join(f"{stamp},{(k % 11 + number % 5 + 1) / 4}" for k, stamp in enumerate(rows))
        (readings / f"{account}.csv").write_text(f"start,kwh\n{body}\n", encoding="utf-8")
    accounts = directory / "accounts.csv"
    accounts.write_text("account_id\n" + "\n".join(ids) + "\n", encoding="utf-8")
    return accounts, readings


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_batch_and_portfolio_on_a_cluster_write_what_a_local_run_writes(
    cluster: Cluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts, readings = write_accounts(tmp_path, 40, 31)
    common = ["--accounts", str(accounts), "--readings-dir", str(readings)]
    batch = ["batch", *common, "--tariff", "cn-zj-residential-tou", "--format", "csv"]
    code, local, err = run([*batch, "--workers", "1"], capsys)
    assert (code, err) == (0, "")
    assert len(local.splitlines()) == 1 + 40  # the header, and a month's bill each
    code, remote, err = run([*batch, "--scheduler", cluster.address], capsys)
    assert (code, err) == (0, "")
    assert remote == local
    portfolio = [
        "portfolio", *common, "--current", "cn-zj-residential-tou",
        "--proposed", "cn-sh-residential-tou", "--format", "csv",
    ]  # fmt: skip
    code, local, err = run([*portfolio, "--workers", "1"], capsys)
    assert (code, err) == (0, "")
    code, remote, err = run([*portfolio, "--scheduler", cluster.address], capsys)
    assert (code, err) == (0, "")
    assert remote == local


def test_a_lost_worker_loses_and_duplicates_no_account(
    cluster: Cluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 96 accounts of a year of quarter hours: chunks of 16 that take a while each, so that
    # a worker is killed while it prices one.
    accounts, readings = write_accounts(tmp_path, 96, 365)
    batch = [
        "batch", "--accounts", str(accounts), "--readings-dir", str(readings),
        "--tariff", "cn-zj-residential-tou", "--format", "jsonl",
    ]  # fmt: skip
    code, local, err = run([*batch, "--workers", "1"], capsys)
    assert (code, err) == (0, "")
    output = tmp_path / "remote.jsonl"
    command = [sys.executable, "-m", "tariffs", *batch, "--scheduler", cluster.address,
               "--output", str(output)]  # fmt: skip
    with distributed.Client(cluster.address, set_as_default=False) as client:
        by_name = {info["name"]: address for address, info in
                   client.scheduler_info()["workers"].items()}  # fmt: skip
        victim = by_name["w1"]
        running = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _wait_for(lambda: client.processing().get(victim), "work on the victim", 120)
        victim_process = cluster.workers[1]
        victim_process.send_signal(signal.SIGKILL)
        victim_process.wait(timeout=20)
        out, err = running.communicate(timeout=600)
    assert (running.returncode, err) == (0, b"")
    assert output.read_text(encoding="utf-8") == local
    lines = [json.loads(line)["account_id"] for line in local.splitlines()]
    assert len(lines) == 96 * 12 and len(set(lines)) == 96


def test_a_cluster_that_cannot_price_as_here_is_refused(
    cluster: Cluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts, readings = write_accounts(tmp_path, 2, 1)
    batch = ["batch", "--accounts", str(accounts), "--readings-dir", str(readings),
             "--tariff", "cn-zj-residential-tou"]  # fmt: skip
    code, out, err = run([*batch, "--scheduler", "tcp://127.0.0.1:9"], capsys)
    assert (code, out) == (1, "")
    assert err.startswith("tariffs: error: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert err.rstrip().endswith("start it with 'dask scheduler' and give the address it prints")
    code, out, err = run([*batch, "--scheduler", cluster.address, "--workers", "2"], capsys)
    assert (code, out) == (2, "")
    assert "argument --workers: not allowed with argument --scheduler" in err


def test_a_worker_with_other_code_is_refused_by_name() -> None:
    # What a worker reports (version, digest of its code) differs from this process's.
    import tariffs
    from tariffs.errors import ClusterError
    from tariffs.runs.cluster import _check_code

    class Other:
        def run(self, function: object) -> dict[str, tuple[str, str]]:
            return {
                "tcp://10.0.0.2:4000": (tariffs.__version__, code_digest()),
                "tcp://10.0.0.3:4000": (tariffs.__version__, "0" * 64),
            }

    with pytest.raises(ClusterError) as caught:
        _check_code(Other(), "the Dask scheduler at tcp://10.0.0.1:8786")
    assert str(caught.value) == (
        "worker tcp://10.0.0.3:4000 of the Dask scheduler at tcp://10.0.0.1:8786 runs "
        f"tariffs {tariffs.__version__} (code 000000000000), and this process tariffs "
        f"{tariffs.__version__} (code {code_digest()[:12]}): its bills could differ; run "
        "the workers on the same installation"
    )


def test_a_local_cluster_started_for_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts, readings = write_accounts(tmp_path, 20, 3)
    batch = ["batch", "--accounts", str(accounts), "--readings-dir", str(readings),
             "--tariff", "cn-zj-residential-tou", "--format", "csv"]  # fmt: skip
    code, local, err = run([*batch, "--workers", "1"], capsys)
    assert (code, err) == (0, "")
    code, on_dask, err = run([*batch, "--dask-workers", "2"], capsys)
    assert (code, err) == (0, "")
    assert on_dask == local


def _scheduler_log_lengths(dask_scheduler: Any) -> list[int | None]:
    sent = [comm.recent_message_log.maxlen for comm in dask_scheduler.stream_comms.values()]
    return [dask_scheduler.transition_log.maxlen, *sent]


def _worker_log_lengths(dask_worker: Any) -> list[int | None]:
    return [dask_worker.state.stimulus_log.maxlen, dask_worker.profile_history.maxlen]


def test_a_local_cluster_keeps_short_developers_logs() -> None:
    # The scheduler logs the last messages sent to each worker (each a chunk of accounts
    # with its tariffs), the workers their last profiles: 1,000 of each by default, tens
    # of MB that grow with the chunks of a batch until then. A local cluster keeps 16.
    with runs_cluster.cluster(local_workers=1) as client:
        assert client.run_on_scheduler(_scheduler_log_lengths) == [LOG_LENGTH, LOG_LENGTH]
        assert list(client.run(_worker_log_lengths).values()) == [[LOG_LENGTH, LOG_LENGTH]]
    assert LOG_LENGTH == 16
