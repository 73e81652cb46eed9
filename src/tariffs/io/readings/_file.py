"""Reading a readings file whole, with the error every reader gives when it cannot."""

from __future__ import annotations

import os

from tariffs.errors import ReadingsError

__all__ = ["read_bytes"]


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a readings file.

    Raises:
        ReadingsError: The file cannot be read; the message names it and says why.
    """
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError as error:
        raise ReadingsError(f"cannot read the file: {error.strerror}", file=str(path)) from error
