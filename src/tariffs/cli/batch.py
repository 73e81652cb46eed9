"""The ``tariffs batch`` command: price many accounts, streaming bills to one output.

Parsing, output and progress only; the work is done by `tariffs.runs.batch`.

How the output is written, and how ``--resume`` fits with it:

- With ``--output FILE``, bills are written through `tariffs.io.atomic.AtomicFile`: to a
  temporary file next to FILE as each account finishes (in the order of the accounts),
  renamed to FILE when the batch ends, accounts that failed included (they are listed on
  stderr, not in FILE). So FILE is never half written: a batch that is interrupted or
  stopped by an error (an input file that is not valid as a whole, a bug, a worker
  process that dies) leaves FILE as it was, and removes its temporary file.
- ``--resume`` reads the accounts already in FILE, starts the temporary file as a copy of
  FILE (``AtomicFile(..., append=True)``), appends the bills of the other accounts, and
  renames it to FILE at the end. An
  account is in FILE only with all its bills (its rows are written together, and FILE
  only ever changes by a rename), so skipping it is safe; accounts that failed are not
  in FILE, so a resumed batch prices them again. A resumed batch that is itself
  interrupted leaves FILE as it was before it, ready to be resumed again.
- Without ``--output``, bills go to stdout as they are priced.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from tariffs.cli.options import (
    StdoutClosed,
    _UsageError,
    add_format_option,
    add_lang_option,
    add_many_accounts_options,
    add_metering_option,
    add_output_option,
    add_readings_format_options,
    add_tariff_lookup_options,
    check_workbook,
    dask_client,
    many_accounts_estimate,
)
from tariffs.cli.progress import ProgressBar
from tariffs.cli.terminal import note, progress_wanted
from tariffs.errors import InputError, OutputError
from tariffs.io.accounts_csv import (
    accounts_csv_header,
    count_accounts_csv_rows,
    require_readings_dir,
)
from tariffs.io.atomic import AtomicFile, write_atomic
from tariffs.io.coincident_peaks import read_coincident_peaks
from tariffs.io.render.bills import BATCH_CSV_COLUMNS, batch_csv_rows, batch_jsonl_rows
from tariffs.io.safe_json import parse_json
from tariffs.io.tables import load_tariff
from tariffs.model.tariff import Tariff
from tariffs.runs.batch import (
    BatchItem,
    BatchOptions,
    LongReadingsFile,
    directory_items,
    long_file_items,
    price_batch,
)

__all__ = ["BATCH_CSV_COLUMNS", "COMMANDS", "add_parsers", "cmd_batch"]


def add_parsers(commands: Any, readings_options: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the ``batch`` subcommand to the ``tariffs`` parser.

    Args:
        commands: The subparsers of the ``tariffs`` parser.
        readings_options: The options of commands that price one readings file (not
            used: a batch names its readings with ``--readings-dir`` or ``--readings``).
    """
    del readings_options
    sub = commands.add_parser(
        "batch",
        help="price many accounts, one bill a row, streamed to one output",
        description=(
            "Price every account: from --accounts ACCOUNTS.csv with readings in "
            "DIR/<account_id>.csv (--readings-dir; DIR/<account_id>.xml with "
            "--readings-format greenbutton), or from one long readings CSV whose "
            "first column is account_id, rows of each account together (--readings). "
            "Each account's tariff is its 'tariff' cell, else --tariff. Accounts that "
            "fail are listed on stderr (exit code 1); the others are written."
        ),
    )
    source = sub.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--readings-dir",
        metavar="DIR",
        help="directory of readings files <account_id>.csv (or .xml: Green Button)",
    )
    source.add_argument(
        "--readings",
        metavar="FILE",
        help="one readings CSV of many accounts: account_id,start,kwh,...",
    )
    sub.add_argument(
        "--accounts",
        metavar="ACCOUNTS.csv",
        help="account fields and an optional tariff column (needed with --readings-dir)",
    )
    sub.add_argument("--tariff", metavar="TARIFF", help="tariff of accounts without a tariff cell")
    add_tariff_lookup_options(sub)
    add_readings_format_options(
        sub, "csv; with --readings-dir only, greenbutton reads DIR/<account_id>.xml"
    )
    add_many_accounts_options(sub)
    add_metering_option(sub)
    add_format_option(
        sub,
        {
            "csv": "one row per bill (its total and warnings)",
            "jsonl": "a bill with its account_id, as tariffs price writes",
            "xlsx": "a sheet of the CSV's rows, written when the batch ends",
        },
        default="csv",
        not_offered="a batch streams its bills as the accounts are priced, and a table or "
        "one JSON document needs them all first",
    )
    add_output_option(sub)
    add_lang_option(sub)
    sub.add_argument(
        "--resume",
        action="store_true",
        help="with --output: skip the accounts already in FILE and add the others",
    )


# -- rendering -------------------------------------------------------------------------


def _csv_header() -> str:
    return ",".join(BATCH_CSV_COLUMNS) + "\n"


# -- output ----------------------------------------------------------------------------


def _previous_output(path: Path, output_format: str) -> tuple[set[str], bool]:
    """The accounts already in an earlier output (each with all its bills).

    Returns:
        The account ids, and whether the output ends with a line feed.
    """
    where = os.fspath(path)
    done: set[str] = set()
    try:
        with open(path, encoding="utf-8", newline="") as stream:
            if output_format == "csv":
                reader = csv.reader(stream)
                header = next(reader, None)
                if header is not None and tuple(header) != BATCH_CSV_COLUMNS:
                    raise InputError(
                        "--resume: not a batch CSV output (its first line is not "
                        f"{','.join(BATCH_CSV_COLUMNS)})",
                        file=where,
                        line=1,
                    )
                for row in reader:
                    if row:
                        done.add(row[0])
            else:
                for line_number, line in enumerate(stream, start=1):
                    if not line.strip():
                        continue
                    done.add(_account_of_line(line, where, line_number))
        with open(path, "rb") as raw:
            raw.seek(-1, os.SEEK_END)
            ends_with_newline = raw.read(1) == b"\n"
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"--resume: cannot read: {exc}", file=where) from None
    return done, ends_with_newline


def _account_of_line(line: str, where: str, line_number: int) -> str:
    """The account id of one line of a JSON lines output, read by `parse_json`."""
    not_ours = "--resume: not a batch JSON lines output (each line an object with an account_id)"
    try:
        document = parse_json(line, where, error=InputError, max_values=None).data
    except InputError as exc:
        inside = f"{exc.path}: " if exc.path else ""
        raise InputError(
            f"{not_ours}: {inside}{exc.message}", file=where, line=line_number, column=exc.column
        ) from None
    account_id = document.get("account_id") if isinstance(document, dict) else None
    if not isinstance(account_id, str):
        raise InputError(not_ours, file=where, line=line_number)
    return account_id


class _WorkbookOutput:
    """The bills of ``--format xlsx``: spooled as CSV rows, one workbook at the end.

    The rows wait in a temporary file (memory does not grow with them); `commit` turns
    them into the workbook and writes it to the output whole (`write_atomic`), so an
    interrupted batch leaves the output as it was.
    """

    def __init__(self, output: str) -> None:
        self.output = output
        self.done: set[str] = set()
        self.rows = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
        self.rows.write(_csv_header())

    def write(self, text: str) -> None:
        """Keep the rows of one account."""
        self.rows.write(text)

    def commit(self) -> None:
        """Write the workbook of every row kept."""
        from tariffs.io.render.xlsx import batch_workbook

        self.rows.seek(0)
        data = batch_workbook(self.rows.read())
        self.rows.close()
        write_atomic(self.output, data)

    def discard(self) -> None:
        """Drop the rows; the output stays as it was."""
        self.rows.close()


class _Output:
    """Where bills go: stdout, or an `AtomicFile` that becomes the output at the end."""

    def __init__(self, output: str | None, output_format: str, *, resume: bool) -> None:
        self.output = output
        self.file: AtomicFile | None = None
        self.done: set[str] = set()
        self._pending = ""
        header = _csv_header() if output_format == "csv" else ""
        if output is None:
            self.stream: TextIO = sys.stdout
            # The header goes out with the first rows (or at the end): an input refused
            # before any account is priced leaves stdout empty.
            self._pending = header
            return
        target = Path(output)
        previous = resume and target.exists() and target.stat().st_size > 0
        ends_with_newline = True
        if previous:
            self.done, ends_with_newline = _previous_output(target, output_format)
        self.file = AtomicFile(output, append=previous)
        self.write(header if not previous else "" if ends_with_newline else "\n")

    def write(self, text: str) -> None:
        """Write the rows of one account (to stdout: at once, flushed).

        Flushing each account's rows shows them to the reader as they are priced, and
        leaves nothing in the buffer when worker processes are started (which flushes
        stdout), so that a reader that has gone is seen here.

        Raises:
            OutputError: The write failed (the temporary file of ``--output`` is removed).
            StdoutClosed: The reader of stdout closed it (``| head``): not an error.
        """
        if self.file is not None:
            self.file.write(text)
            return
        text, self._pending = self._pending + text, ""
        try:
            self.stream.write(text)
            self.stream.flush()
        except BrokenPipeError:
            raise StdoutClosed from None
        except OSError as exc:
            raise OutputError(f"<stdout>: cannot write: {exc}") from None

    def commit(self) -> None:
        """Put the whole output in place (rename the temporary file to the output)."""
        if self.file is None:
            if self._pending:
                self.write("")
            try:
                self.stream.flush()
            except BrokenPipeError:
                raise StdoutClosed from None
            return
        self.file.commit()

    def discard(self) -> None:
        """Remove the temporary file; the output stays as it was."""
        if self.file is not None:
            self.file.discard()


# -- progress --------------------------------------------------------------------------


class _Progress(ProgressBar):
    """Accounts priced and failed, and the share of the input read."""

    def __init__(self, stream: TextIO, fraction: Callable[[], float | None]) -> None:
        super().__init__(stream)
        self.fraction = fraction

    def __call__(self, priced: int, failed: int, *, final: bool = False) -> None:
        share = 1.0 if final else min(1.0, max(0.0, self.fraction() or 0.0))
        elapsed = time.monotonic() - self.started
        self.draw(
            share, f"pricing: {priced} accounts, {failed} failed", f" {elapsed:.0f} s", final=final
        )


def _end_of_line(progress: _Progress | None) -> str:
    """What ends the progress line before a message ("" when none is shown)."""
    return "" if progress is None else progress.end_line()


# -- the command -----------------------------------------------------------------------


def _items(
    args: argparse.Namespace, files: contextlib.ExitStack
) -> tuple[Iterator[BatchItem], Callable[[], float | None]]:
    """The items of the batch, and how much of the input has been read (0 to 1).

    The long readings file is opened (and its header checked) here, and closed by `files`.
    """
    options = BatchOptions(
        interval_seconds=args.interval * 60 if args.interval else None,
        allow_gaps=args.allow_gaps,
        start=args.start,
        end=args.end,
        event_days=tuple(args.event_days),
        coincident_peaks=tuple(
            read_coincident_peaks(args.coincident_peaks) if args.coincident_peaks else ()
        ),
        readings_format=args.readings_format or "csv",
        usage_point=args.usage_point,
        metering=args.metering,
        estimate=many_accounts_estimate("tariffs batch", args),
    )

    def lookup(name: str) -> Tariff:
        return load_tariff(
            name,
            args.tables,
            timezone=args.timezone,
            past_enddate=args.past_enddate,
            unpriced_attributes=args.unpriced_attributes,
        )

    if args.readings_dir is not None:
        require_readings_dir(args.readings_dir)
        total = count_accounts_csv_rows(args.accounts)
        counted = 0

        def counting() -> Iterator[BatchItem]:
            nonlocal counted
            for item in directory_items(
                args.accounts,
                args.readings_dir,
                lookup,
                default_tariff=args.tariff,
                options=options,
            ):
                counted += 1
                yield item

        return counting(), lambda: counted / total if total else None
    # Worker processes of this machine read each account's rows from the file where they
    # are (nothing shared is needed on a Dask cluster: there the rows travel).
    on_dask = getattr(args, "scheduler", None) is not None or bool(
        getattr(args, "dask_workers", None)
    )
    readings = files.enter_context(LongReadingsFile(args.readings, by_position=not on_dask))
    items = long_file_items(
        readings,
        lookup,
        accounts_csv=args.accounts,
        default_tariff=args.tariff,
        options=options,
    )
    return items, lambda: readings.position / readings.size if readings.size else None


def _check_usage(args: argparse.Namespace) -> None:
    if args.readings_dir is not None and args.accounts is None:
        raise _UsageError("--readings-dir needs --accounts ACCOUNTS.csv")
    if args.resume and args.output is None:
        raise _UsageError("--resume needs --output")
    if args.resume and args.format == "xlsx":
        raise _UsageError("--resume reads back --format csv or jsonl output, not a workbook")
    check_workbook(args)
    if args.readings_format == "greenbutton" and args.readings is not None:
        raise _UsageError(
            "--readings-format greenbutton needs --readings-dir: a long --readings file is "
            "CSV (account_id,start,kwh,...)"
        )
    if args.usage_point is not None and args.readings_format != "greenbutton":
        raise _UsageError(
            f"--usage-point {args.usage_point} is for Green Button readings; give "
            "--readings-format greenbutton with --readings-dir, or leave it out"
        )
    if args.tariff is None:
        if args.accounts is None:
            raise _UsageError("give --tariff, or --accounts with a tariff column")
        # An unreadable file is let through: the accounts reader says what is wrong.
        if "tariff" not in (accounts_csv_header(args.accounts) or ["tariff"]):
            raise _UsageError(f"{args.accounts} has no tariff column; give --tariff")


def cmd_batch(args: argparse.Namespace) -> int:
    """``tariffs batch``: price many accounts, streaming one row per bill.

    Returns:
        0 when every account was priced, 1 when some failed (they are listed on stderr;
        the others are in the output), 130 when interrupted (the output is left as it
        was).
    """
    _check_usage(args)
    with contextlib.ExitStack() as files:
        items, fraction = _items(args, files)
        client = files.enter_context(dask_client(args))
        return _run(args, items, fraction, client)


def _run(
    args: argparse.Namespace,
    items: Iterator[BatchItem],
    fraction: Callable[[], float | None],
    client: Any = None,
) -> int:
    # The rows are rendered where the accounts are priced: text travels back, not bills.
    render = partial(batch_jsonl_rows if args.format == "jsonl" else batch_csv_rows, lang=args.lang)
    output: _Output | _WorkbookOutput = (
        _WorkbookOutput(args.output)
        if args.format == "xlsx"
        else _Output(args.output, args.format, resume=args.resume)
    )
    if output.done:
        items = (item for item in items if item.account_id not in output.done)
    progress = _Progress(sys.stderr, fraction) if progress_wanted(sys.stderr) else None
    priced = failed = 0
    results = price_batch(items, workers=args.workers, client=client, render=render)
    try:
        # Failures are spooled to a temporary file, so that memory does not grow with them.
        with tempfile.TemporaryFile("w+", encoding="utf-8") as failures:
            for result in results:
                if result.ok:
                    rows = result.rows
                    if rows is None:  # rendered here when the runner did not
                        rows = render(result.account_id, result.bills)
                    output.write(rows)
                    priced += 1
                else:
                    failures.write(f"tariffs: account {result.account_id} failed: {result.error}\n")
                    failed += 1
                if progress is not None:
                    progress(priced, failed)
            output.commit()
            source = args.accounts or args.readings
            note(f"read {source}: {priced + failed} accounts, {priced} priced, {failed} failed")
            if progress is not None:
                progress(priced, failed, final=True)
            if failed:
                failures.seek(0)
                shutil.copyfileobj(failures, sys.stderr)
                print(
                    f"tariffs: {failed} of {priced + failed} accounts failed; the others "
                    "were priced",
                    file=sys.stderr,
                )
    except KeyboardInterrupt:
        output.discard()
        kept = f"; {args.output} was left as it was" if args.output else ""
        print(f"{_end_of_line(progress)}tariffs: interrupted{kept}", file=sys.stderr)
        return 130
    except BaseException:
        output.discard()
        raise
    finally:
        results.close()  # stops the worker processes now if the batch did not finish
        if progress is not None:
            progress.close()
    return 1 if failed else 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"batch": cmd_batch}
