"""The per-account function of a batch runs unchanged on a Dask cluster.

Needs the optional extra ``tariffs[dask]`` (``dask[distributed]``). A local cluster of two
worker processes is started, the same `price_batch_item` is mapped over a few accounts
(readings given as a file path, as rows cut from a long file, and in memory), and the
results must equal those of the same function run in this process.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import distributed

from tariffs import Account, load_tariff
from tariffs.io.readings.csv_reader import read_readings_csv
from tariffs.runs.batch import BatchItem, BatchOptions, LongReadingsFile, price_batch_item


def readings_lines(first: dt.datetime, days: int, scale: int) -> list[str]:
    """15-minute rows: interval k of the span uses ((k mod 7) + 1) × scale Wh."""
    return [
        f"{first + dt.timedelta(minutes=15 * k):%Y-%m-%dT%H:%M},{(k % 7 + 1) * scale / 1000:.3f}"
        for k in range(96 * days)
    ]


def test_price_batch_item_on_a_local_dask_cluster(tmp_path: Path) -> None:
    first = dt.datetime(2025, 7, 25)
    long_lines = ["account_id,start,kwh"]
    for number in range(4):
        lines = readings_lines(first, 12, number + 1)
        (tmp_path / f"D-{number}.csv").write_text(
            "\n".join(["start,kwh", *lines]) + "\n", encoding="utf-8"
        )
        long_lines += [f"D-{number},{line}" for line in lines]
    long_lines[-5] = long_lines[-5].rsplit(",", 1)[0] + ",x"  # D-3 fails, at line 4605
    (tmp_path / "long.csv").write_text("\n".join(long_lines) + "\n", encoding="utf-8")
    with LongReadingsFile(tmp_path / "long.csv") as long_file:
        rows = dict(long_file)

    tou = load_tariff("cn-zj-residential-tou")
    tiers = load_tariff("cn-bj-residential")
    options = BatchOptions(end=dt.date(2025, 8, 5))
    items = [
        BatchItem("D-0", tou, Account(account_id="D-0"), str(tmp_path / "D-0.csv"), options),
        BatchItem("D-1", tiers, Account(account_id="D-1"), rows["D-1"], options),
        BatchItem(
            "D-2",
            tou,
            Account(account_id="D-2", year_to_date_kwh=100),
            read_readings_csv(tmp_path / "D-2.csv", tou.timezone),
            options,
        ),
        BatchItem("D-3", tiers, Account(account_id="D-3"), rows["D-3"], options),
    ]
    local = [price_batch_item(item) for item in items]

    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # a free port: another cluster may hold 8787
            silence_logs=True,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        futures = client.map(price_batch_item, items, pure=False)
        remote = client.gather(futures)

    assert remote == local
    assert [len(result.bills) for result in local] == [2, 2, 2, 0]  # July, August to the 5th
    assert local[3].error == (
        f"{tmp_path / 'long.csv'}:4605: kwh is 'x', not a number; "
        "expected a number of 0 or more, such as 12.5"
    )
