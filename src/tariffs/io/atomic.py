"""Write a file whole or not at all: the one atomic writer of every command's output.

Text goes to a temporary file beside the target, is flushed to disk, takes the mode the
target would have (the old file's, else what the umask gives a new file) and is renamed
over the target in one step. A failure at any point removes the temporary file and leaves
the target as it was; the error is an `OutputError` naming the target.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Literal

from tariffs.errors import OutputError

__all__ = ["AtomicFile", "write_atomic"]


class AtomicFile:
    """A temporary file that becomes ``target`` on `commit`, or vanishes on `discard`.

    Use as a context manager: leaving the block normally commits, leaving it by an
    exception discards::

        with AtomicFile("bills.json") as out:
            out.write(text)
    """

    def __init__(self, target: str | Path, mode: Literal["w", "wb"] = "w") -> None:
        self.target = Path(target)
        self.name = str(target)
        try:
            handle, self.temporary = tempfile.mkstemp(
                dir=self.target.parent, prefix=f".{self.target.name}.", suffix=".partial"
            )
        except OSError as exc:
            raise self._error(exc) from None
        if mode == "wb":
            self.stream: IO[str] | IO[bytes] = os.fdopen(handle, "wb")
        else:
            self.stream = os.fdopen(handle, "w", encoding="utf-8", newline="")
        self._open = True

    def _error(self, exc: OSError) -> OutputError:
        return OutputError(f"{self.name}: cannot write: {exc.strerror or exc}")

    def write(self, data: str | bytes) -> None:
        """Write to the temporary file.

        Raises:
            OutputError: The write failed (the temporary file is removed).
        """
        try:
            self.stream.write(data)  # type: ignore[arg-type]
        except OSError as exc:
            self.discard()
            raise self._error(exc) from None

    def commit(self) -> None:
        """Put the written file in place of the target, in one rename.

        Raises:
            OutputError: Flushing or renaming failed (the target is left as it was).
        """
        try:
            self.stream.flush()
            os.fsync(self.stream.fileno())
            self.stream.close()
            os.chmod(self.temporary, _mode_of(self.target))
            os.replace(self.temporary, self.target)
        except OSError as exc:
            self.discard()
            raise self._error(exc) from None
        self._open = False

    def discard(self) -> None:
        """Remove the temporary file; the target stays as it was."""
        if not self._open:
            return
        self._open = False
        try:
            self.stream.close()
        except OSError:
            pass
        try:
            os.unlink(self.temporary)
        except FileNotFoundError:
            pass

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def write_atomic(target: str | Path, data: str | bytes) -> None:
    """Write all of ``data`` (text as UTF-8) to ``target``, or nothing.

    Raises:
        OutputError: The file cannot be written; the target is left as it was.
    """
    with AtomicFile(target, "wb" if isinstance(data, bytes) else "w") as out:
        out.write(data)


def _mode_of(target: Path) -> int:
    """The mode of the output: the old file's, else what a new file gets (umask)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
