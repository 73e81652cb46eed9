"""Write a file whole or not at all: the one atomic writer of every command's output.

Text goes to a temporary file beside the target, is flushed to disk, takes the mode the
target would have (the old file's, else what the umask gives a new file) and is renamed
over the target in one step. A failure at any point removes the temporary file and leaves
the target as it was; the error is an `OutputError` naming the target.

A long output can be streamed (`AtomicFile.write` as results come) and can add to what
the target holds (``append=True``: the temporary file starts as a copy of the target), and
it is still the whole new file or the old one that is found at the target, never a part.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
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

    def __init__(
        self, target: str | Path, mode: Literal["w", "wb"] = "w", *, append: bool = False
    ) -> None:
        """Make the temporary file beside the target.

        Args:
            target: The file to write.
            mode: ``"w"`` for text (UTF-8, line ends as written), ``"wb"`` for bytes.
            append: Start from a copy of the target (when there is one), so that what is
                written comes after its content; the target is still replaced whole.

        Raises:
            OutputError: The temporary file cannot be made, or the target cannot be
                copied into it (the temporary file is removed).
        """
        self.target = Path(target)
        self.name = str(target)
        self._open = False
        with self._removed_on_failure():
            handle, self.temporary = tempfile.mkstemp(
                dir=self.target.parent, prefix=f".{self.target.name}.", suffix=".partial"
            )
        binary = os.fdopen(handle, "wb")
        self.stream: IO[str] | IO[bytes] = binary
        self._open = True
        if append:
            with self._removed_on_failure():
                try:
                    old = open(self.target, "rb")
                except FileNotFoundError:
                    pass
                else:
                    with old:
                        shutil.copyfileobj(old, binary)
        if mode != "wb":
            self.stream = io.TextIOWrapper(binary, encoding="utf-8", newline="")

    @contextlib.contextmanager
    def _removed_on_failure(self) -> Iterator[None]:
        """Whatever is raised inside removes the temporary file; OSError is `OutputError`."""
        try:
            yield
        except OSError as exc:
            self.discard()
            raise OutputError(f"{self.name}: cannot write: {exc.strerror or exc}") from None
        except BaseException:
            self.discard()
            raise

    def write(self, data: str | bytes) -> None:
        """Write to the temporary file.

        Raises:
            OutputError: The write failed (the temporary file is removed, as it is when
                anything else is raised).
        """
        with self._removed_on_failure():
            self.stream.write(data)  # type: ignore[arg-type]

    def commit(self) -> None:
        """Put the written file in place of the target, in one rename.

        Raises:
            OutputError: Flushing or renaming failed (the target is left as it was).
        """
        with self._removed_on_failure():
            self.stream.flush()
            os.fsync(self.stream.fileno())
            self.stream.close()
            os.chmod(self.temporary, _mode_of(self.target))
            os.replace(self.temporary, self.target)
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
