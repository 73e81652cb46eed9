"""A Dask cluster to run batches and portfolios on: an existing one, or one started here.

`cluster` connects to a running scheduler (``tcp://HOST:PORT``, started with ``dask
scheduler`` and joined by ``dask worker`` processes) or starts a local cluster of worker
processes, and checks, before any account is sent, that the cluster can price as this
process would:

* it has at least one worker (waiting `WORKERS_TIMEOUT_SECONDS` for one to join);
* every worker imports the same `tariffs`: the same version and the same code and
  bundled tables, compared by a digest of the package's files (`code_digest`). A worker
  with other code would price other bills, silently; it is refused by name.

Work lost with a worker (its process killed, its machine gone) is run again on another
worker by the scheduler, and results are taken in the order of the accounts, so the
output has every account once, as a local run would have it. The optional extra
``tariffs[dask]`` brings ``dask[distributed]``; nothing here is imported without it.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tariffs.errors import ClusterError

__all__ = [
    "CONNECT_TIMEOUT_SECONDS",
    "LOG_LENGTH",
    "WORKERS_TIMEOUT_SECONDS",
    "cluster",
    "code_digest",
]

#: How long to wait for the scheduler to answer [s].
CONNECT_TIMEOUT_SECONDS = 10
#: How long to wait for a first worker to join the scheduler [s].
WORKERS_TIMEOUT_SECONDS = 30
#: The length of the developers' logs of a local cluster's scheduler and workers
#: (``distributed.admin.low-level-log-length``, 1,000 by default). The scheduler logs the
#: last messages sent to each worker, each a chunk of accounts with its tariffs, and the
#: workers their last profiles: at 1,000 they hold tens of MB more after a thousand
#: chunks than after a few, and nothing reads them in a batch.
LOG_LENGTH = 16

_PACKAGE = Path(__file__).resolve().parents[1]
_SUFFIXES = (".py", ".yaml", ".json")


def code_digest() -> str:
    """A digest of the installed package's code and bundled data (sha256, hex).

    Two processes with the same digest price the same bills from the same inputs.
    """
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in _SUFFIXES and "__pycache__" not in path.parts:
            digest.update(path.relative_to(_PACKAGE).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def _worker_code() -> tuple[str, str]:
    """What a worker runs: the version and `code_digest` of its `tariffs`."""
    import tariffs
    from tariffs.runs.cluster import code_digest

    return tariffs.__version__, code_digest()


@contextlib.contextmanager
def cluster(scheduler: str | None = None, *, local_workers: int | None = None) -> Iterator[Any]:
    """A checked ``distributed.Client``, closed on exit.

    The client of the scheduler at ``scheduler``, or of a local cluster of
    ``local_workers`` processes (one thread each), started here and stopped on exit.

    Raises:
        ImportError: ``distributed`` is not installed (the ``dask`` extra).
        ClusterError: The scheduler cannot be reached, has no worker, or a worker runs
            other code than this process.
    """
    if (scheduler is None) == (local_workers is None):
        raise ValueError("give either a scheduler address or a number of local workers")
    # Untyped: the package is an optional extra, and its calls are checked here by use.
    distributed: Any = importlib.import_module("distributed")
    with contextlib.ExitStack() as stack:
        if scheduler is not None:
            try:
                client = distributed.Client(
                    scheduler, timeout=f"{CONNECT_TIMEOUT_SECONDS}s", set_as_default=False
                )
            except (OSError, TimeoutError, ValueError) as error:
                raise ClusterError(
                    f"cannot reach the Dask scheduler at {scheduler}: {error}; start it "
                    "with 'dask scheduler' and give the address it prints"
                ) from None
            where = f"the Dask scheduler at {scheduler}"
        else:
            dask: Any = importlib.import_module("dask")
            stack.enter_context(
                dask.config.set({"distributed.admin.low-level-log-length": LOG_LENGTH})
            )
            local = stack.enter_context(
                distributed.LocalCluster(
                    n_workers=local_workers,
                    threads_per_worker=1,
                    processes=True,
                    # A free port: a cluster of the user's may hold Dask's 8787.
                    dashboard_address=":0",
                    silence_logs=logging.ERROR,
                )
            )
            client = distributed.Client(local, set_as_default=False)
            where = f"the local Dask cluster of {local_workers} workers"
        stack.callback(client.close)
        try:
            client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_SECONDS)
        except TimeoutError:
            raise ClusterError(
                f"{where} has no worker after {WORKERS_TIMEOUT_SECONDS} s; start one with "
                f"'dask worker {scheduler or 'ADDRESS'}'"
            ) from None
        _check_code(client, where)
        yield client


def _check_code(client: Any, where: str) -> None:
    """Refuse a cluster whose workers run other code than this process."""
    import tariffs

    mine = (tariffs.__version__, code_digest())
    try:
        found: dict[str, tuple[str, str]] = client.run(_worker_code)
    except ImportError as error:
        raise ClusterError(
            f"a worker of {where} cannot import tariffs ({error}); install the same "
            "tariffs where the workers run"
        ) from None
    for worker, theirs in sorted(found.items()):
        if tuple(theirs) != mine:
            raise ClusterError(
                f"worker {worker} of {where} runs tariffs {theirs[0]} (code {theirs[1][:12]}), "
                f"and this process tariffs {mine[0]} (code {mine[1][:12]}): its bills could "
                "differ; run the workers on the same installation"
            )
