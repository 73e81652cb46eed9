"""The account's dated capacity states and its transformers (model only; bills elsewhere)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from tariffs import AccountError, load_account
from tariffs.model.account import MAX_INTERLOCKED_GROUP, Account, billed_transformers


def account(**fields: object) -> Account:
    return Account.model_validate({"account_id": "A-1", **fields})


def transformers(*specs: tuple[str, int, list[str]]) -> list[dict[str, object]]:
    return [{"id": i, "capacity_kva": kva, "interlocked_with": linked} for i, kva, linked in specs]


def test_states_carry_what_a_change_leaves_out() -> None:
    states = account(
        capacity_kva=1575,
        capacity_changes=[
            {"from": "2025-07-10", "capacity_kva": 945},
            {"from": "2025-07-20", "suspended_kva": 315, "suspended_billed_percent": 50},
            {"from": "2025-07-25", "capacity_kva": 630},  # suspended part and share kept
            {"from": "2025-08-20", "suspended_kva": 0},
        ],
    ).capacity_states()
    july = dt.date(2025, 7, 1)
    assert [(s.start, s.end, s.capacity_kva, s.suspended_kva) for s in states] == [
        (None, july.replace(day=10), 1575, 0),
        (july.replace(day=10), july.replace(day=20), 945, 0),
        (july.replace(day=20), july.replace(day=25), 945, 315),
        (july.replace(day=25), dt.date(2025, 8, 20), 630, 315),
        (dt.date(2025, 8, 20), None, 630, 0),
    ]
    assert [s.suspended_billed_percent for s in states] == [0, 0, 50, 50, 50]
    # One suspension from 20 July to 20 August: 11 + 20 = 31 days, for both its states.
    assert [s.suspension_days for s in states] == [None, None, 31, 31, None]


def test_a_suspension_no_change_ends_has_no_length() -> None:
    states = account(
        capacity_kva=630, capacity_changes=[{"from": "2025-07-20", "suspended_kva": 315}]
    ).capacity_states()
    assert [s.suspension_days for s in states] == [None, None]


def test_two_suspensions_are_measured_each() -> None:
    states = account(
        capacity_kva=630,
        capacity_changes=[
            {"from": "2025-03-01", "suspended_kva": 315},
            {"from": "2025-03-11", "suspended_kva": 0},
            {"from": "2025-06-01", "suspended_kva": 630},
            {"from": "2025-07-01", "suspended_kva": 0},
        ],
    ).capacity_states()
    assert [s.suspension_days for s in states] == [None, 10, None, 30, None]


def test_an_interlock_written_on_either_side_is_the_same() -> None:
    one = account(transformers=transformers(("T1", 500, ["T2"]), ("T2", 630, []), ("T3", 200, [])))
    other = account(
        transformers=transformers(("T1", 500, []), ("T2", 630, ["T1"]), ("T3", 200, []))
    )
    # T2 + T3 = 830 kVA, the larger of the sets that can run together (T1 + T3 = 700).
    assert one.capacity_kva == other.capacity_kva == Decimal(830)
    assert one.billed_transformers == other.billed_transformers == ("T2", "T3")


def test_a_group_of_three_interlocked_with_each_other_bills_the_largest() -> None:
    # 互为备用 three ways: only one runs at a time. 400 is the largest; T4 is on its own.
    found = account(
        transformers=transformers(
            ("T1", 315, ["T2", "T3"]), ("T2", 400, ["T3"]), ("T3", 250, []), ("T4", 100, [])
        )
    )
    assert (found.capacity_kva, found.billed_transformers) == (Decimal(500), ("T2", "T4"))


def test_equal_totals_take_the_set_first_in_the_account() -> None:
    found = billed_transformers(
        account(transformers=transformers(("T1", 630, ["T2"]), ("T2", 630, []))).transformers
    )
    assert found == ("T1",)


def test_the_largest_set_is_found_where_taking_the_largest_first_would_not() -> None:
    # T1 300 – T2 500 – T3 300: the largest transformer, T2, runs alone (500); T1 and T3,
    # not interlocked with each other, run together: 300 + 300 = 600 kVA.
    chain = transformers(("T1", 300, ["T2"]), ("T2", 500, ["T3"]), ("T3", 300, []))
    found = account(transformers=chain)
    assert (found.capacity_kva, found.billed_transformers) == (Decimal(600), ("T1", "T3"))


def test_a_ring_of_five_bills_the_largest_pair_apart() -> None:
    # T1–T2–T3–T4–T5–T1: no three are pairwise apart. The pairs apart: T1+T3 550,
    # T1+T4 700, T2+T4 600, T2+T5 650, T3+T5 500; the largest is T1 + T4.
    ring = transformers(
        ("T1", 400, ["T2"]),
        ("T2", 300, ["T3"]),
        ("T3", 150, ["T4"]),
        ("T4", 300, ["T5"]),
        ("T5", 350, ["T1"]),
    )
    found = account(transformers=ring)
    assert (found.capacity_kva, found.billed_transformers) == (Decimal(700), ("T1", "T4"))


def test_a_capacity_that_agrees_with_the_transformers_is_accepted() -> None:
    found = account(capacity_kva=830, transformers=transformers(("T1", 830, [])))
    assert found.capacity_kva == Decimal(830)


def test_an_interlocked_group_too_large_to_evaluate_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    size = MAX_INTERLOCKED_GROUP + 1
    chain = [(f"T{i}", 100, [f"T{i + 1}"] if i < size else []) for i in range(1, size + 1)]
    with pytest.raises(ValidationError, match=rf"one interlocked group of {size}; at most 16"):
        account(transformers=transformers(*chain))
    # From a file, the message is at the list (line 3, column 3).
    monkeypatch.chdir(tmp_path)
    rows = "".join(
        f"  - {{id: {name}, capacity_kva: {kva}, interlocked_with: [{', '.join(linked)}]}}\n"
        for name, kva, linked in chain
    )
    Path("account.yaml").write_text(f"account_id: A-1\ntransformers:\n{rows}", encoding="utf-8")
    names = ", ".join(f"T{i}" for i in range(1, size + 1))
    with pytest.raises(AccountError) as raised:
        load_account("account.yaml")
    assert str(raised.value) == (
        f"account.yaml:3:3: transformers: transformers {names} form one interlocked group "
        f"of {size}; at most {MAX_INTERLOCKED_GROUP} are evaluated"
    )


def test_the_account_round_trips_with_its_changes_and_transformers() -> None:
    first = account(
        basic_charge_method="capacity",
        transformers=transformers(("T1", 500, ["T2"]), ("T2", 630, [])),
        capacity_changes=[{"from": "2025-07-10", "suspended_kva": 630, "reason": "suspension"}],
    )
    again = Account.model_validate(first.model_dump(by_alias=True))
    assert again == first
    assert again.capacity_kva == Decimal(630)
