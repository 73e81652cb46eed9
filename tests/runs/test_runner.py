"""Tests of the runner of many accounts (`tariffs.runs.runner`) and its failure policy.

The task squares a number, fails the item on an input error (negative numbers: a located
`ReadingsError`; 13: an `UnsupportedFeatureError`), and has a bug on 7 (a `ZeroDivisionError`)
or kills its worker process on 99. The policy: an input error is a failed item and the
others go on; anything else stops the run and propagates.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from decimal import Decimal
from typing import Any

import pytest

import tariffs.whatif.portfolio as portfolio
from tariffs import Account, Readings, ReadingsError, UnsupportedFeatureError, load_tariff
from tariffs.runs import runner
from tariffs.runs.runner import ItemError, Task, run
from tariffs.whatif.portfolio import PortfolioAccount, price_accounts


def square(number: int) -> int:
    if number < 0:
        raise ReadingsError(f"{number} is negative", file="numbers.csv", line=-number)
    if number == 13:
        raise UnsupportedFeatureError("thirteen", "numbers.csv")
    if number == 7:
        return number // 0  # a bug
    if number == 99:
        os._exit(3)  # a worker process that dies
    return number * number


def failed(number: int, error: ItemError) -> str:
    return f"failed {number}: {error}"


class SharedFileError(ReadingsError):
    """An input error of a file every item comes from."""


def shared_file_error(number: int) -> int:
    raise SharedFileError("the shared file is wrong", file="all.csv", line=number)


SQUARE = Task(square, failed)


def test_an_input_error_is_a_failed_item_and_the_others_go_on() -> None:
    assert SQUARE(3) == 9
    assert SQUARE(-4) == "failed -4: numbers.csv:4: -4 is negative"
    assert SQUARE(13) == ("failed 13: numbers.csv: thirteen: not supported, refusing to price")
    assert list(run(SQUARE, [1, -2, 3, 13, 5], workers=1)) == [
        1, "failed -2: numbers.csv:2: -2 is negative", 9,
        "failed 13: numbers.csv: thirteen: not supported, refusing to price", 25,
    ]  # fmt: skip


@pytest.mark.parametrize("workers", [1, 2])
def test_a_bug_in_the_function_stops_the_run(workers: int) -> None:
    items = [1, 2, -3, 7, 8]
    with pytest.raises(ZeroDivisionError):
        list(run(SQUARE, items, workers=workers))
    with pytest.raises(ZeroDivisionError):
        SQUARE(7)


@pytest.mark.parametrize("workers", [1, 2])
def test_the_results_before_a_bug_are_yielded_then_it_propagates(workers: int) -> None:
    # In worker processes, the chunk of 16 items that holds the bug has no results.
    fine = [n for n in range(41) if n not in (7, 13)]
    results = run(SQUARE, iter([*fine, 7, *range(8)]), workers=workers)
    assert [next(results) for _ in range(32)] == [n * n for n in fine[:32]]
    with pytest.raises(ZeroDivisionError):
        list(results)


def test_a_dead_worker_process_stops_the_run() -> None:
    with pytest.raises(BrokenProcessPool):
        list(run(SQUARE, [1, 2, 99, 4], workers=2))


@pytest.mark.parametrize("workers", [1, 2])
def test_input_errors_of_the_run_stop_it(workers: int) -> None:
    task = Task(shared_file_error, failed, run_errors=(SharedFileError,))
    with pytest.raises(SharedFileError, match=r"^all\.csv:5: the shared file is wrong$"):
        list(run(task, [5, 6], workers=workers))
    # Without being named, it is an input error of its item like any other.
    assert Task(shared_file_error, failed)(5) == "failed 5: all.csv:5: the shared file is wrong"


def test_order_is_kept_and_one_process_and_two_agree() -> None:
    # Items of very different cost, so that chunks finish out of order in the pool.
    items = [(n * 7919) % 1000 - 100 for n in range(300)]
    items = [n for n in items if n not in (7, 13, 99)] + [13]
    alone = list(run(SQUARE, items, workers=1))
    parallel = list(run(SQUARE, items, workers=2))
    assert parallel == alone
    assert alone == [SQUARE(n) for n in items]
    assert alone[-1].startswith("failed 13")  # type: ignore[union-attr]


def test_items_are_taken_only_as_workers_become_free(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "_CHUNK_ITEMS", 2)
    taken: list[int] = []

    def items() -> Iterator[int]:
        for number in range(1000):
            taken.append(number)
            yield number

    results = run(SQUARE, (n for n in items() if n not in (7, 13, 99)), workers=2)
    assert next(results) == 0
    # 2 workers x 3 chunks in flight x 2 items, and the chunk being filled.
    assert len(taken) <= 2 * 3 * 2 + 2
    results.close()


def test_chunks_by_weight(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "_CHUNK_BYTES", 10)
    chunks = list(runner._chunks(range(40), lambda n: 4))
    assert [len(chunk) for chunk in chunks] == [3] * 13 + [1]
    assert [n for chunk in chunks for n in chunk] == list(range(40))
    assert [len(chunk) for chunk in runner._chunks(range(40), lambda n: 0)] == [16, 16, 8]


# -- the runner's policy in the portfolio ------------------------------------------------


def july_accounts(count: int) -> list[PortfolioAccount]:
    """Accounts of 48 hours from 2025-07-01 00:00 in Beijing, 0.1 × (n + 1) kWh an hour."""
    start = 1751299200  # 2025-07-01T00:00+08:00
    return [
        PortfolioAccount(
            f"P-{n}",
            Account(account_id=f"P-{n}"),
            {},
            Readings("m", 3600, [start + 3600 * h for h in range(48)], 3, [(n + 1) * 100] * 48),
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_bug_in_a_portfolio_stops_it(monkeypatch: pytest.MonkeyPatch, workers: int) -> None:
    """A portfolio in worker processes used to turn any exception into failed accounts."""
    tariff = load_tariff("cn-bj-residential")
    accounts = july_accounts(20)
    real_price = portfolio.price

    def price_or_bug(tariff: Any, readings: Any, account: Any, **options: Any) -> Any:
        if account.account_id == "P-17":
            raise RuntimeError("a bug")
        return real_price(tariff, readings, account, **options)

    monkeypatch.setattr(portfolio, "price", price_or_bug)
    with pytest.raises(RuntimeError, match="a bug"):
        price_accounts(accounts, tariff, tariff, workers=workers)


def test_a_dead_worker_process_stops_a_portfolio(monkeypatch: pytest.MonkeyPatch) -> None:
    tariff = load_tariff("cn-bj-residential")
    real_price = portfolio.price

    def price_or_die(tariff: Any, readings: Any, account: Any, **options: Any) -> Any:
        if account.account_id == "P-3":
            os._exit(3)
        return real_price(tariff, readings, account, **options)

    monkeypatch.setattr(portfolio, "price", price_or_die)
    with pytest.raises(BrokenProcessPool):
        price_accounts(july_accounts(6), tariff, tariff, workers=2)


def test_portfolio_input_errors_fail_their_accounts_only() -> None:
    tariff = load_tariff("cn-bj-residential")
    good = july_accounts(3)
    accounts = [
        good[0],
        PortfolioAccount("BAD-ROW", None, {}, "nowhere.csv", error="accounts.csv:3:2: bad"),
        PortfolioAccount("NO-FILE", Account(account_id="NO-FILE"), {}, "nowhere.csv"),
        *good[1:],
    ]
    seen: list[str] = []

    def note(outcomes: list[Any]) -> None:
        seen.extend(outcome.account_id for outcome in outcomes)

    for workers in (1, 2):
        seen.clear()
        outcomes = price_accounts(accounts, tariff, tariff, workers=workers, on_outcomes=note)
        assert [outcome.account_id for outcome in outcomes] == seen == [
            "P-0", "BAD-ROW", "NO-FILE", "P-1", "P-2",
        ]  # fmt: skip
        assert [outcome.error for outcome in outcomes] == [
            None, "accounts.csv:3:2: bad", "nowhere.csv: no such readings file", None, None,
        ]  # fmt: skip
        # P-2: 48 h × 0.3 kWh = 14.4 kWh.
        assert outcomes[4].energy_kwh == Decimal("14.4")


def test_on_dask_the_same_results_in_order_and_a_bug_stops_the_run() -> None:
    distributed = pytest.importorskip("distributed")
    items = [n for n in range(-20, 60) if n not in (7, 99)]
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            silence_logs=True,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert list(run(SQUARE, items, client=client)) == list(run(SQUARE, items, workers=1))
        with pytest.raises(ZeroDivisionError):
            list(run(SQUARE, [*items, 7, *items], client=client))
