"""Price many accounts, each under its own tariff: a batch of independent pure calls.

A batch is a stream of `BatchItem` (an account, its tariff, where its readings are) and
one pure, picklable function, `price_batch_item`, that turns an item into a
`BatchResult` (the bills, or why the account could not be priced). `price_batch` runs it
with the runner of `tariffs.runs.runner`: in this process (``workers=1``), across the
processes of one machine, or on a Dask cluster (``client=``, the optional extra
``tariffs[dask]``), in bounded chunks, results in the order of the items, to be written
out and forgotten::

    from distributed import Client
    for result in price_batch(items, client=Client("scheduler:8786")):
        ...

The readings must then be where the workers can read them (a shared file system: paths,
`ReadingsSpan`), or travel inside the items (`ReadingsRows`, `Readings`).
`price_batch_item` can also be mapped by any other engine as it is
(``client.map(price_batch_item, items)``).

The failure policy is the runner's: an input error of one account (its readings, its row
of the accounts file, its tariff) is a failed result that carries the message, and the
other accounts are priced; anything else (a bug, a worker that dies) stops the batch. So
does a long readings file whose rows of one account are not together
(`RowsNotTogetherError`): the file is wrong, not the account.

The items come from two loaders that stream their files:

- `directory_items`: an accounts CSV (`tariffs.io.accounts_csv.iter_accounts_csv`:
  ``account_id``, account fields, an optional ``tariff`` column) and a directory with one
  readings file per account, ``<account_id>.csv``;
- `long_file_items`: one long readings CSV whose first column is ``account_id``, with
  the rows of each account together, read in blocks and cut into one `ReadingsRows` per
  account (never loaded whole), or one `ReadingsSpan` (`LongReadingsFile` with
  ``by_position``: where the rows are, read again by the worker, so that they need not
  be sent to it, as the command line does on the processes of one machine); account
  fields optionally from an accounts CSV.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, BinaryIO, Literal

from tariffs.engine.estimate import Estimate, estimate
from tariffs.engine.pricing import price
from tariffs.errors import AccountError, ReadingsError, TariffsError
from tariffs.io.accounts_csv import (
    ACCOUNTS_CSV_COLUMNS,
    AccountRow,
    account_row,
    check_accounts_csv,
    iter_account_cells,
    iter_accounts_csv,
    read_readings_file,
    readings_file,
)
from tariffs.io.readings.csv_reader import parse_readings_bytes, parse_readings_header
from tariffs.model.account import Account, CoincidentPeak
from tariffs.model.bill import Bill
from tariffs.model.common import unprintable_in_id
from tariffs.model.readings import Readings
from tariffs.model.tariff import Tariff
from tariffs.runs.runner import ItemError, Task, run

__all__ = [
    "ACCOUNTS_CSV_COLUMNS",
    "AccountRow",
    "BatchItem",
    "BatchOptions",
    "BatchResult",
    "LongReadingsFile",
    "ReadingsChangedError",
    "ReadingsRows",
    "ReadingsSpan",
    "Render",
    "RowsNotTogetherError",
    "TariffLookup",
    "directory_items",
    "iter_accounts_csv",
    "long_file_items",
    "price_batch",
    "price_batch_item",
    "price_batch_items",
]

#: Finds a tariff by the name an accounts file or the command line gives (an id or a
#: path); raises `TariffsError` when there is none.
TariffLookup = Callable[[str], Tariff]

_READ_BLOCK_BYTES = 4 << 20


# -- items and results -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BatchOptions:
    """What to bill, the same for every account of a batch.

    Attributes:
        interval_seconds: Interval length of the readings, when not inferred [s].
        allow_gaps: Price readings with gaps (the bills say so).
        start: First local date to bill.
        end: Local date after the last day billed (exclusive).
        event_days: Declared critical-peak event days, besides each account's.
        coincident_peaks: Declared coincident-peak intervals, besides each account's.
        readings_format: How the readings files of `directory_items` are read: ``csv``
            (``<account_id>.csv``) or ``greenbutton`` (Green Button XML,
            ``<account_id>.xml``). Rows of a long readings file are always CSV.
        usage_point: Green Button: the usage point to read in each file (0-based, in
            file order), when a file has several.
        metering: The metering rule of exported energy for every account (see
            `tariffs.price`), instead of each account's and each tariff's.
        estimate: Fill the gaps of every account's readings by this method
            (`tariffs.engine.estimate`); gaps are then accepted whatever `allow_gaps`.
    """

    interval_seconds: int | None = None
    allow_gaps: bool = False
    start: dt.date | None = None
    end: dt.date | None = None
    event_days: tuple[dt.date, ...] = ()
    coincident_peaks: tuple[CoincidentPeak, ...] = ()
    readings_format: Literal["csv", "greenbutton"] = "csv"
    usage_point: int | None = None
    metering: str | None = None
    estimate: Estimate | None = None


class RowsNotTogetherError(ReadingsError):
    """The rows of an account in a long readings file are not all together.

    Not an error of one account but of the file: `price_batch_item` lets it through, and
    the batch stops (one of the task's `tariffs.runs.runner.Task.run_errors`).
    """


@dataclass(frozen=True, slots=True)
class ReadingsRows:
    r"""The rows of one account, cut from a long readings file whose first column is the id.

    Attributes:
        source: The long file's name, for messages.
        header: Its header line without the ``account_id`` column, e.g. ``b"start,kwh\n"``.
        rows: The account's lines, each starting with the account id and a comma (checked
            by `read`), each ending with a line feed.
        first_line: The line of the first row in the long file.
        lines: How many lines `rows` holds.
    """

    source: str
    header: bytes
    rows: bytes
    first_line: int
    lines: int

    def read(
        self, timezone: str, *, interval_seconds: int | None = None, allow_gaps: bool = False
    ) -> Readings:
        """Parse the rows as a readings CSV; messages name the long file and its lines.

        Raises:
            RowsNotTogetherError: A line between the account's first and last is another
                account's.
            ReadingsError: The rows break the readings format.
        """
        own = self.rows[: self.rows.index(b",") + 1]
        # One C-level replace takes the id off every line but the first; how much shorter
        # the rows get tells whether every line had it.
        body = self.rows[len(own) :].replace(b"\n" + own, b"\n")
        taken = (len(self.rows) - len(own) - len(body)) // len(own)
        if taken != self.lines - 1:
            self._not_together(own)
        return parse_readings_bytes(
            self.header + body,
            self.source,
            timezone,
            interval_seconds=interval_seconds,
            allow_gaps=allow_gaps,
            line_offset=self.first_line - 2,
        )

    def _not_together(self, own: bytes) -> None:
        for offset, text in enumerate(self.rows.split(b"\n")):
            if not text.startswith(own):
                other = text.split(b",", 1)[0].decode("utf-8", "replace").strip()
                account = own[:-1].decode("utf-8", "replace").strip()
                raise RowsNotTogetherError(
                    f"the rows of account {account} must be together: this row is of "
                    f"{other or 'no account'}, and account {account} has rows again after it",
                    file=self.source,
                    line=self.first_line + offset,
                )
        raise AssertionError("the rows of one account were found apart, yet are together")


class ReadingsChangedError(ReadingsError):
    """A long readings file changed while the batch read it (`ReadingsSpan.read`).

    An error of the file, not of one account: the batch stops (one of the task's
    `tariffs.runs.runner.Task.run_errors`).
    """


@dataclass(frozen=True, slots=True)
class ReadingsSpan:
    r"""The rows of one account in a long readings file, by where they are in the file.

    What `LongReadingsFile` gives with ``by_position``: the rows are read from the file
    where the account is priced (`read`), instead of travelling to the worker with the
    item, so the workers need the file at the same path (as with ``--readings-dir``).

    Attributes:
        source: The long file's name (its path).
        header: Its header line without the ``account_id`` column, e.g. ``b"start,kwh\n"``.
        own: The account id and the comma, as the account's first line starts.
        offset: Where the account's first line starts in the file [bytes].
        size: The bytes of the account's lines, each with its line feed (the last line
            of a file that ends without one counts one that it does not have).
        first_line: The line of the first row in the long file.
        lines: How many lines the rows are.
        stamp: The file's inode, size and time of last change when it was opened to find
            the accounts (`_stamp`): a file that has changed since is not read.
    """

    source: str
    header: bytes
    own: bytes
    offset: int
    size: int
    first_line: int
    lines: int
    stamp: tuple[int, int, int] | None = None

    def read(
        self, timezone: str, *, interval_seconds: int | None = None, allow_gaps: bool = False
    ) -> Readings:
        """Read the rows from the file and parse them as `ReadingsRows.read` does.

        Raises:
            ReadingsChangedError: The file does not hold the rows where they were found.
            RowsNotTogetherError: A line between the account's first and last is another
                account's.
            ReadingsError: The file cannot be read, or the rows break the readings format.
        """
        try:
            with open(self.source, "rb") as stream:
                stream.seek(self.offset)
                rows = stream.read(self.size)
                at_end = not stream.read(1)
        except OSError as exc:
            raise ReadingsError(f"cannot read the file: {exc.strerror}", file=self.source) from None
        if len(rows) == self.size - 1 and at_end and not rows.endswith(b"\n"):
            rows += b"\n"  # the file's last line, without its line feed
        changed = self.stamp is not None and _stamp(self.source) != self.stamp
        if (
            changed
            or len(rows) != self.size
            or not rows.startswith(self.own)
            or not rows.endswith(b"\n")
        ):
            raise ReadingsChangedError(
                "the file changed while the batch read it; run the batch again",
                file=self.source,
                line=self.first_line,
            )
        return ReadingsRows(self.source, self.header, rows, self.first_line, self.lines).read(
            timezone, interval_seconds=interval_seconds, allow_gaps=allow_gaps
        )


@dataclass(frozen=True, slots=True)
class BatchItem:
    """One account of a batch: what `price_batch_item` needs, and nothing else.

    Attributes:
        account_id: The account id.
        tariff: The account's tariff (None only with an `error`).
        account: The account's contract data.
        readings: A readings CSV file's path, rows cut from a long file (or where they
            are in it), or readings already in memory.
        options: What to bill.
        error: Why the account cannot be priced, found while reading the inputs (a row
            of the accounts file that is not valid, a tariff that cannot be loaded).
    """

    account_id: str
    tariff: Tariff | None
    account: Account | None
    readings: str | ReadingsRows | ReadingsSpan | Readings | None
    options: BatchOptions = field(default_factory=BatchOptions)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class BatchResult:
    """The bills of one account, or why it could not be priced.

    Attributes:
        account_id: The account id.
        bills: The account's bills in time order (empty when it failed, or when they
            were rendered into `rows`).
        error: The message of the input error that stopped the account, else None.
        rows: The bills as the batch's ``render`` made them (`price_batch`), where they
            were priced; None without a ``render``, or when the account failed.
    """

    account_id: str
    bills: tuple[Bill, ...] = ()
    error: str | None = None
    rows: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the account was priced."""
        return self.error is None


# -- pricing ---------------------------------------------------------------------------


def _read(
    readings: str | ReadingsRows | ReadingsSpan | Readings | None,
    timezone: str,
    options: BatchOptions,
) -> Readings:
    if options.estimate is None:
        return (
            readings
            if isinstance(readings, Readings)
            else _read_as_given(readings, timezone, options)
        )
    read = (
        readings
        if isinstance(readings, Readings)
        else _read_as_given(readings, timezone, replace(options, allow_gaps=True))
    )
    return estimate(read, timezone, options.estimate)


def _read_as_given(
    readings: str | ReadingsRows | ReadingsSpan | None, timezone: str, options: BatchOptions
) -> Readings:
    if isinstance(readings, ReadingsRows | ReadingsSpan):
        return readings.read(
            timezone, interval_seconds=options.interval_seconds, allow_gaps=options.allow_gaps
        )
    if readings is None:
        raise ReadingsError("no readings")
    if options.readings_format == "greenbutton":
        from tariffs.io.readings.greenbutton import read_greenbutton

        if not os.path.isfile(readings):
            raise ReadingsError("no such readings file", file=readings)
        return read_greenbutton(
            readings, allow_gaps=options.allow_gaps, usage_point=options.usage_point
        )
    return read_readings_file(
        readings,
        timezone,
        interval_seconds=options.interval_seconds,
        allow_gaps=options.allow_gaps,
    )


def _bills(item: BatchItem) -> BatchResult:
    if item.error is not None:
        return BatchResult(item.account_id, error=item.error)
    if item.tariff is None:
        return BatchResult(item.account_id, error="no tariff")
    tariff = item.tariff
    options = item.options
    readings = _read(item.readings, tariff.timezone, options)
    bills = price(
        tariff,
        readings,
        item.account,
        start=options.start,
        end=options.end,
        event_days=options.event_days,
        coincident_peaks=options.coincident_peaks,
        metering=options.metering,
    )
    return BatchResult(item.account_id, tuple(bills))


def _failed(item: BatchItem, error: ItemError) -> BatchResult:
    return BatchResult(item.account_id, error=str(error))


_PRICE_ITEM = Task(_bills, _failed, run_errors=(RowsNotTogetherError, ReadingsChangedError))

#: Renders the bills of one account as output text: ``render(account_id, bills)``.
Render = Callable[[str, Sequence[Bill]], str]


def _rendered(render: Render, item: BatchItem) -> BatchResult:
    result = _bills(item)
    if not result.ok:
        return result
    return BatchResult(result.account_id, rows=render(result.account_id, result.bills))


def _task(render: Render | None) -> Task[BatchItem, BatchResult]:
    """The task of a batch: its bills, or their rows made by ``render``."""
    if render is None:
        return _PRICE_ITEM
    return Task(partial(_rendered, render), _failed, run_errors=_PRICE_ITEM.run_errors)


def price_batch_item(item: BatchItem) -> BatchResult:
    """Price one account of a batch: read its readings, price them under its tariff.

    Pure apart from reading the account's readings file (when given as a path), and
    picklable with its argument and result, so that it runs unchanged in this process,
    in a process pool or on a cluster.

    Args:
        item: The account, its tariff, its readings and what to bill.

    Returns:
        The bills, or the message of the input error that stopped the account (the
        failure policy of `tariffs.runs.runner`).

    Raises:
        RowsNotTogetherError: The account's rows in a long readings file are not together
            (the file is wrong, not the account). Exceptions that are not input errors
            are not caught either: they are bugs, and stop the batch.
    """
    return _PRICE_ITEM(item)


def price_batch_items(
    items: Sequence[BatchItem], render: Render | None = None
) -> list[BatchResult]:
    """Price a chunk of items, in order (the unit of work sent to a worker process).

    With ``render``, each result holds its rows instead of its bills (`price_batch`).
    """
    return _task(render).chunk(list(items))


def _weight(item: BatchItem) -> int:
    """Bytes an item carries (readings rows travel with it; a path does not)."""
    return len(item.readings.rows) if isinstance(item.readings, ReadingsRows) else 0


def price_batch(
    items: Iterable[BatchItem],
    *,
    workers: int | None = None,
    client: Any = None,
    render: Render | None = None,
) -> Generator[BatchResult, None, None]:
    """Price every item, in parallel; results in the order of the items.

    The items are taken from the iterable only as workers become free (at most a few
    chunks per worker are in flight), and each result is yielded as soon as it and those
    before it are done, so memory does not grow with the number of items as long as the
    caller does not keep them (`tariffs.runs.runner.run`).

    Args:
        items: The accounts to price (read lazily).
        workers: Worker processes (default: the CPU count); 1 prices in this process.
        client: A ``distributed.Client``: price on its Dask cluster instead.
        render: Turns the bills of an account into its output text where they are
            priced (picklable: a function of a module, or a `functools.partial` of
            one), so that a worker sends back a string instead of the bills (e.g.
            `tariffs.io.render.bills.batch_csv_rows`); each result then has its
            `BatchResult.rows` and no bills.

    Yields:
        One result per item, in the order of the items.

    Raises:
        Exception: Whatever pricing raised that is not an input error of one account (a
            bug), `RowsNotTogetherError`, or
            `concurrent.futures.process.BrokenProcessPool` when a worker died; the items
            not yet done are cancelled.
    """
    return run(_task(render), items, workers=workers, client=client, weight=_weight)


# -- items from files ------------------------------------------------------------------


class _Tariffs:
    """Tariffs by name, each loaded once; a name that fails keeps its message."""

    def __init__(self, lookup: TariffLookup, default: str | None) -> None:
        self.lookup = lookup
        self.default = default
        self.found: dict[str, Tariff | str] = {}

    def get(self, name: str | None) -> Tariff | str:
        """The tariff of a name (the default when None), or why there is none."""
        name = name or self.default
        if name is None:
            return "no tariff: the tariff cell is empty and no default tariff is given"
        found = self.found.get(name)
        if found is None:
            try:
                found = self.lookup(name)
            except TariffsError as exc:
                found = f"tariff {name}: {exc}"
            self.found[name] = found
        return found


def _failed_item(account_id: str, options: BatchOptions, error: str) -> BatchItem:
    """An account that cannot be priced, for a reason found while reading the inputs."""
    return BatchItem(account_id, None, None, None, options, error=error)


def _item(
    account_id: str,
    row: AccountRow | None,
    tariffs: _Tariffs,
    readings: str | ReadingsRows | ReadingsSpan | None,
    options: BatchOptions,
    source: str = "",
) -> BatchItem:
    """The item of one account; ``source`` is the accounts CSV that holds ``row``.

    A tariff that cannot be had fails the account at its row (``accounts.csv:3: tariff
    x: ...``), where the tariff cell is.
    """
    if row is not None and row.error is not None:
        return _failed_item(account_id, options, row.error)
    tariff = tariffs.get(row.tariff if row is not None else None)
    if isinstance(tariff, str):
        where = f"{source}:{row.line}: " if row is not None and source else ""
        return _failed_item(account_id, options, where + tariff)
    account = row.account if row is not None else None
    if account is None:
        account = Account(account_id=account_id)
    return BatchItem(account_id, tariff, account, readings, options)


def directory_items(
    accounts_csv: str | os.PathLike[str],
    readings_dir: str | os.PathLike[str],
    tariff_lookup: TariffLookup,
    *,
    default_tariff: str | None = None,
    options: BatchOptions | None = None,
) -> Iterator[BatchItem]:
    """The accounts of an accounts CSV, with readings in ``<readings_dir>/<account_id>.csv``.

    With ``options.readings_format`` ``greenbutton``, the readings files are
    ``<readings_dir>/<account_id>.xml``, Green Button XML.

    Args:
        accounts_csv: The accounts CSV (see `iter_accounts_csv`).
        readings_dir: The directory of readings files.
        tariff_lookup: Loads a tariff by name (cached here: each name is loaded once).
        default_tariff: The tariff of accounts whose ``tariff`` cell is empty or absent.
        options: What to bill.

    Yields:
        One item per account, in file order; an account whose row, tariff or id is not
        usable carries the error.

    Raises:
        AccountError: The accounts file is not valid as a whole (see
            `tariffs.io.accounts_csv.iter_accounts_csv`), before any item is yielded:
            the file is checked through once first (`check_accounts_csv`); or it was
            changed while it was read (after the last item).
    """
    options = options or BatchOptions()
    tariffs = _Tariffs(tariff_lookup, default_tariff)
    source = os.fspath(accounts_csv)
    extension = ".xml" if options.readings_format == "greenbutton" else ".csv"
    # The file is checked whole first, so that reading it again need not keep every id
    # (memory flat in the number of accounts); a file changed in between is refused.
    checked = _stamp(source)
    check_accounts_csv(source)
    for row in iter_accounts_csv(source, unique=False):
        try:
            path = readings_file(
                readings_dir, row.account_id, source=source, line=row.line, extension=extension
            )
        except AccountError as error:
            yield _failed_item(row.account_id, options, str(error))
            continue
        yield _item(row.account_id, row, tariffs, path, options, source)
    if _stamp(source) != checked:
        raise AccountError(
            "the accounts file changed while the batch read it; run the batch again",
            file=source,
        )


def _stamp(path: str) -> tuple[int, int, int] | None:
    """What changes when a file is written: its inode, size and time of change."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_ino, found.st_size, found.st_mtime_ns


class LongReadingsFile:
    r"""A long readings CSV (``account_id,start,kwh,...``) cut into one part per account.

    The file is read in blocks of a few megabytes, so memory holds a block and one
    account, whatever the size of the file. The end of an account's rows is found by a
    binary search over the lines of the block (does this line start with the account id
    and a comma?): a few dozen short comparisons per account instead of a look at each
    of its lines. That the rows in between are all the account's is checked where they
    are read (`ReadingsRows.read`), in a worker process. The rows of an account must be
    together: an account whose rows appear again after another account's stops the
    batch with an error, since its bills would be wrong.

    Attributes:
        source: The file's name.
        header: The readings header without ``account_id`` (e.g. ``b"start,kwh\\n"``).
        size: The file's size [bytes].
        position: Bytes read so far (for progress).
    """

    def __init__(self, path: str | os.PathLike[str], *, by_position: bool = False) -> None:
        """Open the file and check its header.

        With ``by_position``, each account's part is a `ReadingsSpan` (where its rows are
        in the file, read where the account is priced), else a `ReadingsRows` (the rows).

        Raises:
            ReadingsError: The file cannot be read, or its header is not
                ``account_id`` followed by readings columns.
        """
        self.source = os.fspath(path)
        try:
            self._stream: BinaryIO = open(self.source, "rb")
            self.size = os.fstat(self._stream.fileno()).st_size
        except OSError as exc:
            raise ReadingsError(f"cannot read the file: {exc.strerror}", file=self.source) from None
        #: The file as opened (`ReadingsSpan.stamp`): inode, size, time of last change.
        self.stamp = _stamp(self.source)
        self.position = 0
        self.by_position = by_position
        self._buffer = b""
        self._base = 0  # where the buffer's first byte is in the file
        self._eof = False
        try:
            self.header = self._read_header()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Close the file."""
        self._stream.close()

    def __enter__(self) -> LongReadingsFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _more(self, keep: int) -> bool:
        """Keep the buffer from `keep` on and add a block; False at the end of the file.

        At the end, a last line without a line feed gets one, so that every line of the
        buffer ends with a line feed.
        """
        if self._eof:
            return False
        try:
            block = self._stream.read(_READ_BLOCK_BYTES)
        except OSError as exc:
            raise ReadingsError(f"cannot read the file: {exc.strerror}", file=self.source) from None
        self.position += len(block)
        if not block:
            self._eof = True
            if self._buffer and not self._buffer.endswith(b"\n"):
                self._buffer = self._buffer[keep:] + b"\n"
                self._base += keep
                return True
            return False
        self._buffer = self._buffer[keep:] + block  # one copy of what is kept
        self._base += keep
        return True

    def _read_header(self) -> bytes:
        while b"\n" not in self._buffer and self._more(0):
            pass
        end = self._buffer.find(b"\n")
        line = self._buffer if end < 0 else self._buffer[:end]
        self._base += len(self._buffer) if end < 0 else end + 1
        self._buffer = b"" if end < 0 else self._buffer[end + 1 :]
        try:
            text = line.decode("utf-8").removeprefix("\ufeff").rstrip("\r")
        except UnicodeDecodeError:
            raise ReadingsError(
                "not a text CSV file: invalid UTF-8", file=self.source, line=1
            ) from None
        names = [name.strip() for name in text.split(",")]
        if names[0] != "account_id":
            raise ReadingsError(
                f"the first column is {names[0]!r}; a readings file of many accounts starts "
                "with account_id, e.g. account_id,start,kwh",
                file=self.source,
                line=1,
            )
        rest = ",".join(names[1:])
        parse_readings_header(rest, self.source)
        return rest.encode("utf-8") + b"\n"

    def __iter__(self) -> Iterator[tuple[str, ReadingsRows | ReadingsSpan]]:
        """Yield ``(account_id, rows)`` per account, in file order.

        Raises:
            ReadingsError: A line has no account id, an id is not UTF-8 or holds a
                character that does not print (`unprintable_in_id`), a line is empty
                before the end, or an account's rows start again after other accounts'
                (file:line).
        """
        seen: dict[str, int] = {}
        line = 2
        start = 0
        while True:
            while self._buffer.find(b"\n", start) < 0:  # the next line must be whole
                if not self._more(start):
                    return  # nothing but an empty last line is left
                start = 0
            buffer = self._buffer
            line_end = buffer.index(b"\n", start)
            if not buffer[start:line_end].strip():
                if self._only_blank_lines_from(start):
                    return
                raise ReadingsError(
                    "empty line; only empty lines at the end of the file are allowed",
                    file=self.source,
                    line=line,
                )
            comma = buffer.find(b",", start, line_end)
            if comma < 0 or not buffer[start:comma].strip():
                raise ReadingsError(
                    "no account_id: each row starts with the account id, e.g. "
                    "A-1,2025-07-01T00:00,1.5",
                    file=self.source,
                    line=line,
                )
            try:
                account_id = buffer[start:comma].decode("utf-8").strip()
            except UnicodeDecodeError:
                raise ReadingsError(
                    "not a text CSV file: invalid UTF-8 in the account id",
                    file=self.source,
                    line=line,
                ) from None
            problem = unprintable_in_id(account_id)
            if problem is not None:
                raise ReadingsError(problem, file=self.source, line=line)
            if account_id in seen:
                raise ReadingsError(
                    f"the rows of account {account_id} must be together: they start again "
                    f"here, after other accounts (first at line {seen[account_id]})",
                    file=self.source,
                    line=line,
                )
            seen[account_id] = line
            own = buffer[start : comma + 1]
            start, end = self._account_end(start, own)
            count = self._buffer.count(b"\n", start, end)  # the lines of the next account
            part: ReadingsRows | ReadingsSpan
            if self.by_position:
                offset = self._base + start
                part = ReadingsSpan(
                    self.source, self.header, own, offset, end - start, line, count, self.stamp
                )
            else:
                part = ReadingsRows(self.source, self.header, self._buffer[start:end], line, count)
            yield account_id, part
            line += count
            start = end

    def _account_end(self, start: int, own: bytes) -> tuple[int, int]:
        """Where the rows of the account whose first line is at `start` end.

        Returns the (maybe moved, after reading more) start and the end: the start of
        the first line that does not begin with `own` (the account id and a comma), or
        the end of the file. Reads more while the last whole line of the buffer is still
        the account's.
        """
        while True:
            buffer = self._buffer
            last_end = len(buffer) - 1 if buffer.endswith(b"\n") else buffer.rfind(b"\n")
            last_start = buffer.rfind(b"\n", start, last_end) + 1 or start
            if buffer.startswith(own, last_start) or last_start == start:
                if self._more(start):
                    start = 0
                    continue
                if buffer.startswith(own, last_start):
                    return start, last_end + 1
            # Binary search between a line of the account (low) and one that is not (high).
            low, high = start, last_start
            while True:
                middle = buffer.find(b"\n", (low + high) // 2, high) + 1
                if not low < middle < high:
                    middle = buffer.find(b"\n", low, high) + 1
                    if not low < middle < high:
                        return start, high  # the line after low is high
                if buffer.startswith(own, middle):
                    low = middle
                else:
                    high = middle

    def _only_blank_lines_from(self, start: int) -> bool:
        """Whether the rest of the file, from `start`, is only blank lines (reads it)."""
        while True:
            if self._buffer[start:].strip():
                return False
            if not self._more(len(self._buffer)):
                return True
            start = 0


def long_file_items(
    readings: LongReadingsFile,
    tariff_lookup: TariffLookup,
    *,
    accounts_csv: str | os.PathLike[str] | None = None,
    default_tariff: str | None = None,
    options: BatchOptions | None = None,
) -> Iterator[BatchItem]:
    """The accounts of a long readings file, in file order.

    With an accounts CSV, each account takes its fields and tariff from its row there;
    the rows are kept in memory as text (a few hundred bytes per account, since the two
    files need not be in the same order) and validated when the account's readings
    come. Accounts of the accounts CSV that have no readings come last, as failed items.

    Args:
        readings: The long readings file, opened.
        tariff_lookup: Loads a tariff by name (cached here: each name is loaded once).
        accounts_csv: Account fields and tariffs, by account id.
        default_tariff: The tariff of accounts whose ``tariff`` cell is empty or absent.
        options: What to bill.

    Yields:
        One item per account.

    Raises:
        ReadingsError: The long file is not valid as a whole (see `LongReadingsFile`).
        AccountError: The accounts CSV is not valid as a whole.
    """
    options = options or BatchOptions()
    tariffs = _Tariffs(tariff_lookup, default_tariff)
    accounts_source = os.fspath(accounts_csv) if accounts_csv is not None else ""
    cells_by_id: dict[str, tuple[tuple[str, ...], int]] = {}
    header: list[str] = []
    if accounts_csv is not None:
        for account_id, cells, line, columns in iter_account_cells(accounts_source):
            cells_by_id[account_id] = (cells, line)
            header = columns
    for account_id, rows in readings:
        if accounts_csv is None:
            yield _item(account_id, None, tariffs, rows, options)
            continue
        found = cells_by_id.pop(account_id, None)
        if found is None:
            yield _failed_item(
                account_id,
                options,
                f"{rows.source}:{rows.first_line}: account {account_id} has no row in "
                f"{accounts_source}",
            )
            continue
        row = account_row(account_id, found[0], found[1], header, accounts_source)
        yield _item(account_id, row, tariffs, rows, options, accounts_source)
    for account_id, (_, line) in cells_by_id.items():
        yield _failed_item(
            account_id,
            options,
            f"{accounts_source}:{line}: no readings of account {account_id} in {readings.source}",
        )
