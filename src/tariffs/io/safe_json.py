r"""Safe JSON reading with line and column locations.

URDB rate records are JSON, and so are the outputs that ``--resume`` reads back. This
module turns JSON text into plain Python data (``dict`` with ``str`` keys, ``list``,
``str``, ``int``, `decimal.Decimal`, ``bool`` and ``None``) and remembers where each value
was written, so that a later error can name the file, line and column, as
`tariffs.io.safe_yaml` does for YAML. It is stricter than `json.loads`:

* Numbers are read exactly from their text: integers as ``int``, numbers with a point or
  an exponent as `decimal.Decimal`, never through ``float``.
* Numbers are limited to `MAX_DIGITS_BEFORE_POINT` digits before the point and
  `MAX_DECIMAL_PLACES` after it, which holds every finite 64-bit float as tools write
  them: ``1e400`` or an integer of thousands of digits is refused where it is written.
* ``NaN``, ``Infinity`` and ``-Infinity`` (which `json.loads` accepts) are refused.
* A key that appears twice in an object with different values is refused at its second
  place (`json.loads` keeps the last silently). The same key and value written twice
  (as in OpenStudio-HPXML's sample real-time pricing rate) is read once.
* A string holding half of a UTF-16 surrogate pair (``"\ud800"``) is refused: it is not
  text and cannot be written back.

Limits protect against hostile or broken files, as for YAML: the file size
(``max_bytes``), the nesting depth (`MAX_NESTING_DEPTH`, counted by the parser itself,
which keeps its own stack and never recurses) and the number of values (``max_values``).

Example:
    >>> document = parse_json('{"rate": 0.10,\n "max": [500, 1e3]}', "rate.json")
    >>> document.data
    {'rate': Decimal('0.10'), 'max': [500, Decimal('1E+3')]}
    >>> document.locate(["max", 1])
    (2, 15)
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from json.decoder import JSONDecodeError, scanstring  # type: ignore[attr-defined]
from typing import Any, NoReturn

from tariffs.errors import InputError, TariffFileError
from tariffs.io.safe_yaml import MAX_EXPANDED_NODES, MAX_NESTING_DEPTH, format_path

__all__ = [
    "MAX_DECIMAL_PLACES",
    "MAX_DIGITS_BEFORE_POINT",
    "MAX_JSON_VALUES",
    "MAX_NESTING_DEPTH",
    "JsonDocument",
    "load_json",
    "number_out_of_range",
    "parse_json",
]

MAX_DIGITS_BEFORE_POINT = 309
"""Most digits before the decimal point of a number: the largest 64-bit float is 1.8e308."""

MAX_DECIMAL_PLACES = 340
"""Most decimal places of a number: the smallest 64-bit float written with 17 digits,
4.9406564584124654e-324, has 340."""

MAX_JSON_VALUES = MAX_EXPANDED_NODES
"""Most values (keys not counted) in a document, by default: the YAML limit of nodes."""

_DEFAULT_MAX_BYTES = 10 * 1024 * 1024

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([-+]?[0-9]+))?")
_NUMBER_STARTS = frozenset("-0123456789")
# A number without an exponent written in at most this many characters is within the
# limits: its digits before the point and after it are each fewer than the limits.
_SHORT_NUMBER = min(MAX_DIGITS_BEFORE_POINT, MAX_DECIMAL_PLACES)
_WHITESPACE_CHARACTERS = frozenset(" \t\n\r")
_NON_FINITE = ("NaN", "Infinity", "-Infinity")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LITERALS = (("true", True), ("false", False), ("null", None))


@dataclass(frozen=True, slots=True)
class _Location:
    """Where a collection starts, and where its values and keys start (text offsets)."""

    offset: int
    items: dict[str, _Location | int] | list[_Location | int]
    keys: dict[str, int] | None = None


@dataclass(frozen=True)
class JsonDocument:
    """Plain data read from one JSON text, with the location of every value.

    Attributes:
        data: The document: ``dict`` with ``str`` keys, ``list``, ``str``, ``int``,
            `decimal.Decimal`, ``bool`` or ``None``.
        source: The file name used in messages.
    """

    data: Any
    source: str
    _root: _Location | int | None = field(default=None, repr=False, compare=False)
    _line_starts: list[int] = field(default_factory=list, repr=False, compare=False)

    def locate(self, path: Sequence[str | int]) -> tuple[int, int] | None:
        """Find where the value at ``path`` is written.

        Args:
            path: Keys and list indexes from the top of the document, e.g.
                ``["items", 0, "energyratestructure"]``.

        Returns:
            The 1-based ``(line, column)`` where the value at ``path`` starts; for a path
            that does not exist, that of its deepest existing ancestor. ``None`` when the
            document carries no locations.
        """
        location = self._root
        if location is None:
            return None
        for element in path:
            if not isinstance(location, _Location):
                break
            items = location.items
            child: _Location | int | None = None
            if isinstance(items, dict) and isinstance(element, str):
                child = items.get(element)
            elif (
                isinstance(items, list)
                and isinstance(element, int)
                and not isinstance(element, bool)
                and 0 <= element < len(items)
            ):
                child = items[element]
            if child is None:
                break
            location = child
        offset = location.offset if isinstance(location, _Location) else location
        return _line_and_column(self._line_starts, offset)


def parse_json(
    text: str,
    source: str,
    *,
    error: type[InputError] = TariffFileError,
    max_values: int | None = MAX_JSON_VALUES,
) -> JsonDocument:
    """Read one JSON value from text.

    Args:
        text: The JSON text (a byte order mark, already decoded, is allowed at its start).
        source: The file name to use in messages.
        error: The exception class to raise for bad input.
        max_values: The most values the document may hold; ``None`` for no limit.

    Returns:
        The document's data and the locations of its values.

    Raises:
        InputError: An instance of ``error``: the text is not JSON, breaks one of the rules
            of this module, or exceeds a limit. It names the line and column.
    """
    return _Parser(text.removeprefix("\ufeff"), source, error, max_values).parse()


def load_json(
    path: str | os.PathLike[str],
    *,
    error: type[InputError] = TariffFileError,
    max_bytes: int | None = _DEFAULT_MAX_BYTES,
    max_values: int | None = MAX_JSON_VALUES,
) -> JsonDocument:
    """Read one JSON value from a UTF-8 file (a byte order mark is allowed).

    Args:
        path: The file to read; its name is used in messages as given.
        error: The exception class to raise for bad input.
        max_bytes: The largest file accepted [bytes], checked before reading; ``None``
            for no limit.
        max_values: The most values the document may hold; ``None`` for no limit.

    Returns:
        The document's data and the locations of its values.

    Raises:
        InputError: An instance of ``error``: the file cannot be read, is too large, is not
            UTF-8 text, or its content is refused by `parse_json`.
    """
    source = os.fspath(path)
    try:
        with open(path, "rb") as stream:
            size_bytes = os.fstat(stream.fileno()).st_size
            if max_bytes is not None and size_bytes > max_bytes:
                raise error(
                    f"file is {size_bytes} bytes, larger than the limit of {max_bytes} bytes",
                    file=source,
                )
            raw = stream.read() if max_bytes is None else stream.read(max_bytes + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise error(f"cannot read the file: {reason}", file=source) from None
    if max_bytes is not None and len(raw) > max_bytes:
        raise error(f"file is larger than the limit of {max_bytes} bytes", file=source)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8")
        line = prefix.count("\n") + 1
        column = len(prefix) - (prefix.rfind("\n") + 1) + 1
        raise error(
            f"not a text file: byte 0x{raw[exc.start]:02X} is not valid UTF-8",
            file=source,
            line=line,
            column=column,
        ) from None
    return parse_json(text, source, error=error, max_values=max_values)


def _line_and_column(line_starts: list[int], offset: int) -> tuple[int, int]:
    """The 1-based line and column of a text offset, from the offsets where lines start."""
    index = bisect.bisect_right(line_starts, offset) - 1
    return index + 1, offset - line_starts[index] + 1


def number_out_of_range(number: Decimal, written: str) -> str | None:
    """Why a finite number is beyond the limits of JSON numbers here, or None.

    For numbers read from elsewhere than a JSON number (text such as ``"1e999"`` in a
    field that holds a number), with the same limits and words.

    >>> print(number_out_of_range(Decimal("1e-400"), "1e-400"))
    the number 1e-400 has 400 decimal places; at most 340 are allowed
    >>> number_out_of_range(Decimal("0.25"), "0.25") is None
    True
    """
    before_point = 0 if number.is_zero() else max(0, number.adjusted() + 1)
    exponent = number.as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return _range_problem(written, before_point, places)


def _range_problem(written: str, before_point: int, places: int) -> str | None:
    if before_point > MAX_DIGITS_BEFORE_POINT:
        return (
            f"the number {_shown(written)} is too large: at most {MAX_DIGITS_BEFORE_POINT} "
            "digits before the point are allowed (the range of a 64-bit float)"
        )
    if places > MAX_DECIMAL_PLACES:
        count = f"{places}" if places < 10**10 else "more than a billion"
        return (
            f"the number {_shown(written)} has {count} decimal places; at most "
            f"{MAX_DECIMAL_PLACES} are allowed"
        )
    return None


def _same(first: Any, second: Any) -> bool:
    """Whether two values are written alike: same types, numbers with the same digits."""
    if type(first) is not type(second):
        return False
    if isinstance(first, Decimal):
        return bool(first.as_tuple() == second.as_tuple())
    if isinstance(first, list):
        return len(first) == len(second) and all(map(_same, first, second))
    if isinstance(first, dict):
        return list(first) == list(second) and all(map(_same, first.values(), second.values()))
    return bool(first == second)


def _shown(text: str) -> str:
    return text if len(text) <= 24 else text[:20] + "..."


class _Frame:
    """An object or array being read: its data, its locations, the key being read."""

    __slots__ = ("data", "items", "key", "key_offset", "keys", "offset")

    def __init__(self, offset: int, is_object: bool) -> None:
        self.offset = offset
        self.data: dict[str, Any] | list[Any] = {} if is_object else []
        self.items: dict[str, _Location | int] | list[_Location | int] = {} if is_object else []
        self.keys: dict[str, int] | None = {} if is_object else None
        self.key = ""
        self.key_offset = 0

    def location(self) -> _Location:
        return _Location(self.offset, self.items, self.keys)


class _Parser:
    """A JSON reader that keeps its own stack (no recursion) and every value's offset."""

    def __init__(
        self, text: str, source: str, error: type[InputError], max_values: int | None
    ) -> None:
        self.text = text
        self.source = source
        self.error = error
        self.max_values = max_values
        self.values = 0
        self.line_starts = [0, *(match.end() for match in re.finditer("\n", text))]
        self.stack: list[_Frame] = []

    def fail(
        self, message: str, offset: int, *, key: str | None = None, with_path: bool = True
    ) -> NoReturn:
        """Raise the input error for the value (or with ``key``, the key) at ``offset``."""
        line, column = _line_and_column(self.line_starts, offset)
        path: list[str | int] = []  # the value being read, in each open collection
        for frame in self.stack if with_path else ():
            if isinstance(frame.data, dict):
                path.append(frame.key)
            else:
                path.append(len(frame.data))
        if key is not None and path:
            path[-1] = key
        raise self.error(
            message,
            file=self.source,
            line=line,
            column=column,
            path=format_path(path) or None,
        )

    def syntax(self, message: str, offset: int) -> NoReturn:
        line, column = _line_and_column(self.line_starts, offset)
        raise self.error(f"not valid JSON: {message}", file=self.source, line=line, column=column)

    def skip(self, offset: int) -> int:
        if self.text[offset : offset + 1] not in _WHITESPACE_CHARACTERS:
            return offset  # the common case: no white space to skip
        match = _WHITESPACE.match(self.text, offset)
        assert match is not None  # noqa: S101 - the pattern matches the empty text
        return match.end()

    def parse(self) -> JsonDocument:
        text = self.text
        offset = self.skip(0)
        if offset == len(text):
            self.syntax("Expecting value (the file holds no JSON value)", offset)
        stack = self.stack
        while True:
            # A value starts at `offset`.
            character = text[offset : offset + 1]
            start = offset
            value: Any
            location: _Location | int
            self.values += 1
            if self.max_values is not None and self.values > self.max_values:
                self.fail(
                    f"the document has more than {self.max_values} values",
                    offset,
                    with_path=False,
                )
            if character in ("{", "["):
                if len(stack) >= MAX_NESTING_DEPTH:
                    self.fail(
                        f"nesting is deeper than the limit of {MAX_NESTING_DEPTH} levels",
                        offset,
                        with_path=False,
                    )
                frame = _Frame(offset, character == "{")
                stack.append(frame)
                offset = self.skip(offset + 1)
                closing = "}" if character == "{" else "]"
                if text[offset : offset + 1] != closing:
                    if character == "{":
                        offset = self.key(offset, frame)
                    continue
                offset += 1
                stack.pop()
                value, location = frame.data, frame.location()
            else:
                value, offset = self.scalar(offset)
                location = start
            # A value is complete: put it in its collection, and close those that end.
            while True:
                if not stack:
                    offset = self.skip(offset)
                    if offset != len(text):
                        self.syntax("Extra data", offset)
                    return JsonDocument(value, self.source, location, self.line_starts)
                frame = stack[-1]
                if isinstance(frame.data, dict):
                    assert isinstance(frame.items, dict)  # noqa: S101 - set together
                    if frame.key not in frame.data:
                        frame.data[frame.key] = value
                        frame.items[frame.key] = location
                    elif not _same(frame.data[frame.key], value):
                        assert frame.keys is not None  # noqa: S101 - set with the data
                        first, _ = _line_and_column(self.line_starts, frame.keys[frame.key])
                        self.fail(
                            f"duplicate key {frame.key!r} (first at line {first}) with a "
                            "different value; write each key once",
                            frame.key_offset,
                        )
                    closing = "}"
                else:
                    assert isinstance(frame.items, list)  # noqa: S101 - set together
                    frame.data.append(value)
                    frame.items.append(location)
                    closing = "]"
                offset = self.skip(offset)
                character = text[offset : offset + 1]
                if character == ",":
                    offset = self.skip(offset + 1)
                    if closing == "}":
                        offset = self.key(offset, frame)
                    break
                if character != closing:
                    self.syntax("Expecting ',' delimiter", offset)
                offset += 1
                stack.pop()
                value, location = frame.data, frame.location()

    def key(self, offset: int, frame: _Frame) -> int:
        """Read a key and its colon at ``offset``; return where its value starts."""
        text = self.text
        if text[offset : offset + 1] != '"':
            self.syntax("Expecting property name enclosed in double quotes", offset)
        key, end = self.string(offset)
        assert isinstance(frame.data, dict) and frame.keys is not None  # noqa: S101
        frame.key = key
        frame.key_offset = offset
        frame.keys.setdefault(key, offset)
        offset = self.skip(end)
        if text[offset : offset + 1] != ":":
            self.syntax("Expecting ':' delimiter", offset)
        return self.skip(offset + 1)

    def string(self, offset: int) -> tuple[str, int]:
        """Read the string whose opening quote is at ``offset``."""
        try:
            value, end = scanstring(self.text, offset + 1, True)
        except JSONDecodeError as exc:
            # The standard messages end with "at" or "starting at", before the position.
            message = exc.msg.removesuffix(" at").removesuffix(" starting")
            self.syntax(message, exc.pos)
        surrogate = _SURROGATE.search(value)
        if surrogate is not None:
            self.fail(
                f"the string holds U+{ord(surrogate.group()):04X}, half of a UTF-16 surrogate "
                "pair, which is not text; write the character itself",
                offset,
            )
        return value, end

    def scalar(self, offset: int) -> tuple[Any, int]:
        """Read a string, number or literal at ``offset``; return it and where it ends."""
        text = self.text
        character = text[offset : offset + 1]
        if character == '"':
            return self.string(offset)
        if character in _NUMBER_STARTS:
            match = _NUMBER.match(text, offset)
            if match is not None:
                return self.number(match, offset), match.end()
        for word, literal in _LITERALS:
            if text.startswith(word, offset):
                return literal, offset + len(word)
        for word in _NON_FINITE:
            if text.startswith(word, offset):
                self.fail(f"{word} is not a finite number; JSON numbers are finite", offset)
        self.syntax("Expecting value", offset)

    def number(self, match: re.Match[str], offset: int) -> int | Decimal:
        written = match.group()
        whole, fraction, exponent_text = match.groups()
        if exponent_text is None and len(written) <= _SHORT_NUMBER:  # within every limit
            return Decimal(written) if fraction else int(written)
        fraction = fraction or ""
        digits = whole + fraction
        significant = digits.lstrip("0")
        if exponent_text is None:
            exponent = 0
        elif len(exponent_text.lstrip("+-").lstrip("0")) > 9:
            # An exponent beyond a billion: out of every range unless the number is 0.
            exponent = (10**10) * (-1 if exponent_text.startswith("-") else 1)
        else:
            exponent = int(exponent_text)
        places = max(0, len(fraction) - exponent)
        before_point = max(0, len(whole) + exponent - (len(digits) - len(significant)))
        if not significant:
            before_point = 0
            if exponent > MAX_DECIMAL_PLACES:  # 0e400 is 0, whatever the exponent
                return Decimal(0)
        problem = _range_problem(written, before_point, places)
        if problem is not None:
            self.fail(problem, offset)
        if fraction or exponent_text is not None:
            return Decimal(written)
        return int(written)
