"""Everything kept between calls, in one place, bounded, cleared by one call.

Pricing is a pure function of a tariff, readings and an account, so anything derived
from its inputs may be kept and reused without changing a result. What is kept, and why:

=================  ===================================================  ==============
store              key (all values, no object identity)                 bound
=================  ===================================================  ==============
``schedules``      version's value key, tariff file, energy or demand   256 schedules
``day_tables``     schedule key, local date, event day                  100,000 days
``year_days``      schedule key, year, interval length: the day table   100,000 days
                   of each date and the code of each interval
``day_offsets``    day table (season and runs), interval length         4,096 tables
``windows``        clock windows as written: their spans of minutes     4,096 lists
``prices``         version's and charge's value keys                    4,096 charges
``lines``          version's and charge's value keys, price bucket      16,384 buckets
``needs``          schedule key (version, file): what its charges       256 versions
                   ask to be measured
``price_classes``  tariff's value key, tariff file, price class: the    256 tables
                   table as it prices that class (`price_class_of`)
``bill_plans``     tariff's value key, time axis, account calendar,     500,000
                   dates asked for, event days                          intervals
``segment_plans``  schedule key, zone, time axis, segment, event days   500,000
                                                                        intervals
``plan_runs``      segment plan key, periods                            500,000 slices
``zone_offsets``   time zone, year (and each zone's file: the instants  4,096 years
                   of change it lists)
``local_days``     time zone, year                                      256 years
``reader_days``    time zone, date text of a readings file              8,192 days
``reader_spans``   zone, interval, rows, first and last start text of   140,544 rows
                   a readings file (its starts, parsed, with the text)  (4 leap years
                                                                        of 15 minutes)
``reader_values``  the text of a plain value of a readings file (its    32,768 values
                   units of 10**-3)
``reader_words``   the digits of a value of a file in fixed columns,    32,768 values
                   as one machine word (its units of 10**-3)
=================  ===================================================  ==============

The last two are dictionaries of the CSV reader (`tariffs.io.readings.csv_reader`) that
read a value the first time its text is met, looked up in C for every row after; they
are registered here (`register_table`), so that `clear_caches` empties them and `sizes`
reports them.

A tariff, a version or a charge is keyed by its *value key*: a digest of its canonical
JSON form (`value_key`), so that two equal tariffs (e.g. loaded twice, or in two worker
processes) share what is derived from them, and a changed copy (``model_copy``) never
meets the original's entries. The digest of an object is worked out once and remembered
for that object while it lives (``value_keys``, by id, with a weak reference that drops
the entry when the object goes, so that its id is never mistaken for another's and a
model is never kept alive by its key: a worker that is sent a fresh copy of each tariff
with each chunk of accounts holds only the copies in use); models are frozen, so the
digest cannot go stale.

A store that would pass its bound forgets everything and starts again: the next call
rebuilds what it needs. `clear_caches` empties every store at once (e.g. after a
billing run); `sizes` says what each holds. Every fast path that a store feeds has a slow
twin in the tests (`tests/engine/test_kept.py`, `tests/engine/test_plans.py`) that prices
without it and compares.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

__all__ = ["Store", "clear_caches", "forget_time_axes", "register_table", "sizes", "value_key"]

V = TypeVar("V")


class Store(Generic[V]):
    """Values kept by a hashable key, bounded by the total weight of what is held.

    Each value has a weight (e.g. the intervals it covers; 1 by default); when keeping a
    value would pass `limit`, everything is forgotten first, and a value heavier than the
    whole limit is not kept at all, so what is held never weighs more than `limit`.
    """

    def __init__(self, name: str, limit: int) -> None:
        self.name = name
        self.limit = limit
        self.held = 0
        self._values: dict[Hashable, V] = {}
        _STORES.append(self)

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: Hashable) -> V | None:
        """The value kept for ``key``, or None."""
        return self._values.get(key)

    def keep(self, key: Hashable, value: V, weight: int = 1) -> V:
        """Keep ``value`` for ``key`` (unless it alone weighs more than the limit); return it."""
        if weight > self.limit:
            return value
        if self.held + weight > self.limit:
            self.clear()
        self._values[key] = value
        self.held += weight
        return value

    def clear(self) -> None:
        """Forget every value."""
        self._values.clear()
        self.held = 0


_STORES: list[Store[Any]] = []

#: Tables kept elsewhere (`register_table`): name → (clear, entries held, limit).
_TABLES: dict[str, tuple[Callable[[], None], Callable[[], int], int]] = {}


def register_table(
    name: str, clear: Callable[[], None], held: Callable[[], int], limit: int
) -> None:
    """Have a table kept by another module cleared by `clear_caches` and shown by `sizes`.

    For a table that is a plain dictionary, looked up at C speed, rather than a `Store`;
    it keeps itself within ``limit`` entries.
    """
    _TABLES[name] = (clear, held, limit)


def clear_caches() -> None:
    """Forget everything kept between calls (every store and table, and the value keys).

    Pricing never needs this: kept values are keyed by everything they depend on, and
    bounded. It frees their memory at once, e.g. after a billing run.
    """
    for store in _STORES:
        store.clear()
    for clear, _, _ in _TABLES.values():
        clear()
    _VALUE_KEYS.clear()


def forget_time_axes() -> None:
    """Forget what is kept per time axis: the bill plans, segment plans and their runs.

    The next meter priced is the first meter of its time axis, as in a billing run that
    meets a new axis; what a tariff gives alone (its schedules, day tables, years of
    codes, prices, lines, value keys) is still kept.
    """
    for store in (bill_plans, segment_plans, plan_runs):
        store.clear()


def sizes() -> dict[str, tuple[int, int, int]]:
    """What each store holds: ``name → (entries, weight held, weight limit)``."""
    found = {store.name: (len(store), store.held, store.limit) for store in _STORES}
    for name, (_, held, limit) in _TABLES.items():
        count = held()
        found[name] = (count, count, limit)
    return found


class _Ref(weakref.ref):  # type: ignore[type-arg]
    """A weak reference to a model that knows the id it is kept under."""

    __slots__ = ("ident",)
    ident: int


def _forget(ref: _Ref) -> None:
    """Drop the value key of a model that has gone (unless its id was kept anew)."""
    entry = _VALUE_KEYS.get(ref.ident)
    if entry is not None and entry[0] is ref:
        del _VALUE_KEYS[ref.ident]


#: id(object) → (weak reference to it, digest): the value key of each live model met,
#: worked out once. An entry goes with its model; the limit bounds the models held
#: elsewhere at once.
_VALUE_KEYS: dict[int, tuple[_Ref, bytes]] = {}
_VALUE_KEYS_LIMIT = 4096


def value_key(model: BaseModel) -> bytes:
    """A digest of a frozen model's value: equal models have equal keys.

    >>> from tariffs.model.common import StrictModel
    >>> class Price(StrictModel):
    ...     amount: int
    >>> value_key(Price(amount=1)) == value_key(Price(amount=1)) != value_key(Price(amount=2))
    True
    """
    ident = id(model)
    found = _VALUE_KEYS.get(ident)
    if found is not None and found[0]() is model:
        return found[1]
    text = f"{type(model).__module__}.{type(model).__qualname__}:{model.model_dump_json()}"
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
    if len(_VALUE_KEYS) >= _VALUE_KEYS_LIMIT:
        _VALUE_KEYS.clear()
    ref = _Ref(model, _forget)
    ref.ident = ident
    _VALUE_KEYS[ident] = (ref, digest)
    return digest


# The stores, in the order of the table above (each module imports its own).
schedules: Store[Any] = Store("schedules", 256)
day_tables: Store[Any] = Store("day_tables", 100_000)
year_days: Store[Any] = Store("year_days", 100_000)
day_offsets: Store[Any] = Store("day_offsets", 4096)
windows: Store[Any] = Store("windows", 4096)
prices: Store[Any] = Store("prices", 4096)
lines: Store[Any] = Store("lines", 16_384)
needs: Store[Any] = Store("needs", 256)
price_classes: Store[Any] = Store("price_classes", 256)
bill_plans: Store[Any] = Store("bill_plans", 500_000)
segment_plans: Store[Any] = Store("segment_plans", 500_000)
plan_runs: Store[Any] = Store("plan_runs", 500_000)
zone_offsets: Store[Any] = Store("zone_offsets", 4096)
local_days: Store[Any] = Store("local_days", 256)
reader_days: Store[Any] = Store("reader_days", 8192)
reader_spans: Store[Any] = Store("reader_spans", 4 * 366 * 96)
