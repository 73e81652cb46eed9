"""The exception tree of `tariffs`.

Every error the library raises on purpose is a `TariffsError`. Errors caused by bad
input also subclass `ValueError`, and carry where the input is wrong as data, so that a
caller can show it or act on it::

    TariffsError
    ├── InputError (also ValueError)         bad input: file, line, column, path
    │   ├── TariffFileError                  a tariff table (YAML or URDB JSON)
    │   ├── ReadingsError                    interval readings (CSV, Green Button, ...)
    │   ├── AccountError                     an account file, or a field a tariff needs
    │   └── ScenarioError                    a what-if scenario
    ├── UnsupportedFeatureError (also ValueError)
    │                                        the input asks for something that cannot be
    │                                        priced exactly; names the feature
    ├── OutputError                          a result could not be written
    └── ClusterError                         a Dask cluster cannot run the work

The text of every message is built in one place, `InputError.__str__`:
``file:line:column: path: message``, leaving out the parts that are not known.
"""

from __future__ import annotations

__all__ = [
    "AccountError",
    "ClusterError",
    "InputError",
    "OutputError",
    "ReadingsError",
    "ScenarioError",
    "TariffFileError",
    "TariffsError",
    "UnsupportedFeatureError",
]


class TariffsError(Exception):
    """Base of every error raised on purpose by `tariffs`."""


class InputError(TariffsError, ValueError):
    """An input (file or object) is wrong; says where and what.

    Attributes:
        message: What was found and what is allowed.
        file: The file name, when the input came from a file.
        line: 1-based line or row number in the file.
        column: 1-based column in the line.
        path: Dotted path of the field inside the document (e.g. ``charges[0].price``).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        path: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = self.file
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        path = f"{self.path}: " if self.path else ""
        return f"{where}{path}{self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        # Keep the structured fields through pickling (process pools send errors back).
        return (
            _rebuild_input_error,
            (type(self), self.message, self.file, self.line, self.column, self.path),
        )


def _rebuild_input_error(
    cls: type[InputError],
    message: str,
    file: str | None,
    line: int | None,
    column: int | None,
    path: str | None,
) -> InputError:
    return cls(message, file=file, line=line, column=column, path=path)


class TariffFileError(InputError):
    """A tariff table is not valid: YAML syntax, schema, or a rule that would misprice."""


class ReadingsError(InputError):
    """Interval readings are not valid: format, gaps, duplicates, DST, values."""


class AccountError(InputError):
    """An account file is not valid, or lacks a field the tariff needs."""


class ScenarioError(InputError):
    """A what-if scenario is not valid."""


class UnsupportedFeatureError(TariffsError, ValueError):
    """The input asks for a feature that cannot be priced exactly.

    Attributes:
        feature: Name of the feature, as written in the input (e.g. a URDB field).
        where: The file or tariff that asks for it.
        detail: What the feature asks for, and what is supported.
        line: 1-based line in the file where the feature is written, when known.
        column: 1-based column in that line.
    """

    def __init__(
        self,
        feature: str,
        where: str,
        detail: str = "",
        *,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.feature = feature
        self.where = where
        self.detail = detail
        self.line = line
        self.column = column
        location = where
        if line is not None:
            location += f":{line}" + (f":{column}" if column is not None else "")
        text = f"{location}: {feature}: not supported, refusing to price"
        if detail:
            text += f" ({detail})"
        super().__init__(text)

    def __reduce__(self) -> tuple[object, ...]:
        return (
            _rebuild_unsupported,
            (type(self), self.feature, self.where, self.detail, self.line, self.column),
        )


def _rebuild_unsupported(
    cls: type[UnsupportedFeatureError],
    feature: str,
    where: str,
    detail: str,
    line: int | None,
    column: int | None,
) -> UnsupportedFeatureError:
    return cls(feature, where, detail, line=line, column=column)


class OutputError(TariffsError):
    """A result could not be written to its destination."""


class ClusterError(TariffsError):
    """A Dask cluster cannot run the work: unreachable, no workers, or other code."""
