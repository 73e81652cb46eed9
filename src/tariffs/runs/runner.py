"""One runner of many independent pure calls: in this process, across processes, or on Dask.

A run maps one picklable pure function over items (the accounts of a batch or of a
portfolio) and yields one result per item, in the order of the items, each as soon as it
and those before it are done. `Task` holds the function and what an item that fails
becomes; `run` runs it:

- ``workers=1``: in this process, item after item;
- ``workers=N``: across N processes of this machine
  (`concurrent.futures.ProcessPoolExecutor`);
- ``client=``: on a Dask cluster, through a ``distributed.Client`` (the optional extra
  ``tariffs[dask]``). The items and the function must then be usable where the workers
  are: readings as paths of a shared file system, or inside the items.

In the last two, items are sent in chunks (16 items, or about 2 MB of what they carry,
which the ``weight`` of an item tells), and at most 3 chunks per worker are in flight:
items are taken from the iterable only as workers become free, and a result is let go as
soon as it is yielded, so memory does not grow with the number of items as long as the
caller does not keep them.

The failure policy, the same wherever the run goes:

- An input error of one item is a failed item, and the other items go on: the function
  raised `tariffs.errors.InputError` (the item's tariff, readings or row of the accounts
  file is wrong) or `tariffs.errors.UnsupportedFeatureError` (the item's tariff asks for
  what cannot be priced exactly). `Task.failed` makes the item's result from it, which
  carries the error's located message (``file:line: ...``).
- Anything else is an error of the run: it stops the run, the items not yet done are
  cancelled, and it propagates to the caller of `run`. That is a bug (any other
  exception, from the function or from pickling), a worker process that died
  (`concurrent.futures.process.BrokenProcessPool`), `MemoryError`, an interruption. So is
  an input error that is not one item's but of an input every item shares, which the
  task names in `Task.run_errors` (a long readings file whose rows of one account are not
  together): the run stops, and the command line reports it as the input error it is.

A bug is never passed off as a failed account: its totals would be missing from the
revenue of a portfolio without anyone knowing why, and a wrong number is worse than no
number.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from tariffs.errors import InputError, UnsupportedFeatureError

__all__ = ["ITEM_ERRORS", "ItemError", "Task", "run"]

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")
_ResultT_co = TypeVar("_ResultT_co", covariant=True)

#: The errors that fail one item and let the run go on.
ItemError = InputError | UnsupportedFeatureError
ITEM_ERRORS = (InputError, UnsupportedFeatureError)

_CHUNK_ITEMS = 16
_CHUNK_BYTES = 2 << 20
_CHUNKS_IN_FLIGHT_PER_WORKER = 3


@dataclass(frozen=True, slots=True)
class Task(Generic[ItemT, ResultT]):
    """A pure function over items, with the failure policy of the module.

    Picklable when its functions are (functions of a module, or `functools.partial`
    of them with picklable arguments), so that it runs unchanged in worker processes.

    Attributes:
        function: Makes the result of an item.
        failed: Makes the result of an item whose function raised one of `ITEM_ERRORS`
            (from the item and the error).
        run_errors: Input errors that stop the run instead (errors of an input every
            item shares).
    """

    function: Callable[[ItemT], ResultT]
    failed: Callable[[ItemT, ItemError], ResultT]
    run_errors: tuple[type[InputError], ...] = ()

    def __call__(self, item: ItemT) -> ResultT:
        """The result of one item: its function's, or `failed`'s on an input error.

        Raises:
            Exception: Whatever the function raised that is not one of `ITEM_ERRORS`,
                or is one of `run_errors`.
        """
        try:
            return self.function(item)
        except self.run_errors:
            raise
        except ITEM_ERRORS as error:
            return self.failed(item, error)

    def chunk(self, items: list[ItemT]) -> list[ResultT]:
        """The results of a chunk of items, in order (the unit of work of a worker)."""
        return [self(item) for item in items]


class _Pending(Protocol[_ResultT_co]):
    """A chunk sent to a worker: a `concurrent.futures.Future` or a Dask future."""

    def result(self) -> Iterable[_ResultT_co]:
        """The chunk's results once it is done; raises what the worker raised."""
        ...


def run(
    task: Task[ItemT, ResultT],
    items: Iterable[ItemT],
    *,
    workers: int | None = None,
    client: Any = None,
    weight: Callable[[ItemT], int] | None = None,
) -> Generator[ResultT, None, None]:
    """Run a task over every item; results in the order of the items.

    Args:
        task: The function and its failure policy.
        items: The items (read lazily, as workers become free).
        workers: Worker processes (default: the CPU count); 1 runs in this process.
            Not used with a ``client``.
        client: A ``distributed.Client``: run on its Dask cluster.
        weight: Bytes an item carries to a worker (default: 0), to keep chunks small.

    Yields:
        One result per item, in the order of the items; an item with an input error
        yields what `Task.failed` made of it.

    Raises:
        Exception: An error of the run (see the module): whatever the function raised
            that is not an input error of its item, or
            `concurrent.futures.process.BrokenProcessPool` when a worker died; the items
            not yet done are cancelled.
    """
    chunks = _chunks(items, weight or _no_weight)
    if client is not None:
        threads = sum(client.nthreads().values())
        futures: deque[_Pending[ResultT]] = deque()
        try:
            yield from _in_order(
                lambda chunk: client.submit(task.chunk, chunk, pure=False),
                chunks,
                futures,
                max(1, threads) * _CHUNKS_IN_FLIGHT_PER_WORKER,
            )
        finally:
            if futures:
                client.cancel(list(futures))
        return
    workers = workers or os.cpu_count() or 1
    if workers <= 1:
        for item in items:
            yield task(item)
        return
    executor = ProcessPoolExecutor(max_workers=workers)
    pending: deque[_Pending[ResultT]] = deque()
    try:
        yield from _in_order(
            lambda chunk: executor.submit(task.chunk, chunk),
            chunks,
            pending,
            workers * _CHUNKS_IN_FLIGHT_PER_WORKER,
        )
    finally:
        executor.shutdown(wait=not pending, cancel_futures=bool(pending))


def _in_order(
    submit: Callable[[list[ItemT]], _Pending[ResultT]],
    chunks: Iterator[list[ItemT]],
    pending: deque[_Pending[ResultT]],
    most_pending: int,
) -> Iterator[ResultT]:
    """Submit chunks while fewer than `most_pending` are in flight; results in order.

    `pending` holds the chunks in flight: empty when every result was yielded, so that
    the caller knows what to cancel when it was not.
    """
    for chunk in chunks:
        pending.append(submit(chunk))
        while len(pending) >= most_pending:
            yield from pending[0].result()
            pending.popleft()
    while pending:
        yield from pending[0].result()
        pending.popleft()


def _no_weight(item: object) -> int:
    return 0


def _chunks(items: Iterable[ItemT], weight: Callable[[ItemT], int]) -> Iterator[list[ItemT]]:
    """Items in chunks of a few, or of about `_CHUNK_BYTES` of what they carry."""
    chunk: list[ItemT] = []
    carried = 0
    for item in items:
        chunk.append(item)
        carried += weight(item)
        if len(chunk) >= _CHUNK_ITEMS or carried >= _CHUNK_BYTES:
            yield chunk
            chunk, carried = [], 0
    if chunk:
        yield chunk
