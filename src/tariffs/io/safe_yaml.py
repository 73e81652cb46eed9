r"""Safe YAML loading with line and column locations.

Tariff tables, account files and scenario files are YAML. This module turns their text
into plain Python data (``dict`` with ``str`` keys, ``list``, ``str``, ``int``,
`decimal.Decimal`, ``bool`` and ``None``) and remembers where each value was written, so
that a later validation error can name the file, line and column.

The reading is stricter than YAML 1.1 (PyYAML's default) and close to the YAML 1.2 core
schema, to avoid the well-known traps of tariff data:

* ``true``/``false`` (any case) are booleans; the YAML 1.1 words ``yes``, ``no``, ``on``,
  ``off``, ``y`` and ``n`` are refused unless quoted (``off:`` would otherwise be read as
  ``False``).
* ``null``, ``Null``, ``NULL``, ``~`` and an empty value are ``None``.
* Plain decimal integers are ``int``; plain decimal numbers with a point or an exponent
  are `decimal.Decimal` built from the text, never ``float``; ``.inf`` and ``.nan`` are
  refused.
* Everything else is text, exactly as written: ``18:00`` (a YAML 1.1 base-60 integer),
  ``010`` (a YAML 1.1 octal), ``0x1F`` and dates such as ``2025-01-01``.
* Mapping keys must be text; duplicate keys, merge keys (``<<``), tags other than
  ``!!str``, ``!!seq`` and ``!!map``, and more than one document are refused.

Limits protect against hostile or broken files: the file size (``max_bytes``), the
nesting depth (`MAX_NESTING_DEPTH`) and the number of nodes once every alias is expanded
(`MAX_EXPANDED_NODES`, which stops "billion laughs" documents while they are composed).

Example:
    >>> document = parse_yaml("price_per_kwh: 0.4883\nstart: 08:00\n", "example.yaml")
    >>> document.data
    {'price_per_kwh': Decimal('0.4883'), 'start': '08:00'}
    >>> document.locate(["start"])
    (2, 8)
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NoReturn, Protocol, TypeGuard, cast

import yaml
from yaml.events import (
    AliasEvent,
    Event,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from tariffs.errors import InputError, TariffFileError
from tariffs.model.common import NestedValueError

if TYPE_CHECKING:
    from pydantic import ValidationError
    from pydantic_core import ErrorDetails

__all__ = [
    "MAX_EXPANDED_NODES",
    "MAX_NESTING_DEPTH",
    "YAML11_BOOLEAN_WORDS",
    "YamlDocument",
    "format_path",
    "input_error_from_validation",
    "load_yaml",
    "nested_loc",
    "parse_yaml",
    "read_yaml_text",
]

MAX_NESTING_DEPTH = 64
"""Deepest nesting of mappings and sequences allowed, aliases expanded."""

MAX_EXPANDED_NODES = 100_000
"""Most nodes (keys, values, items) allowed in a document, counting every alias as a copy."""

_DEFAULT_MAX_BYTES = 10 * 1024 * 1024

_STRING_TAG = "tag:yaml.org,2002:str"
_SEQUENCE_TAG = "tag:yaml.org,2002:seq"
_MAPPING_TAG = "tag:yaml.org,2002:map"
_PLAIN_TAG = "tariffs:plain"  # internal marker: a plain scalar with no explicit tag

# YAML 1.1 booleans other than true/false (https://yaml.org/type/bool.html).
#: The YAML 1.1 words for booleans (any case), which this loader refuses unquoted.
YAML11_BOOLEAN_WORDS = frozenset({"yes", "no", "on", "off", "y", "n"})
_NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
_INTEGER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
# Float pattern of the YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution),
# without .inf/.nan; a point or an exponent is required, or it would be an integer.
_DECIMAL = re.compile(
    r"[-+]?(?:(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+)"
)
_NON_FINITE = re.compile(r"[-+]?\.(?:inf|nan)", re.IGNORECASE)
# Characters YAML does not allow in a stream (https://yaml.org/spec/1.2.2/#51-character-set).
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_VALIDATOR_NAME = re.compile(r"function-(?:after|before|wrap|plain)\[.*\]")
_PATH_KEY_NEEDS_QUOTES = re.compile(r"[.\[\]\s\"]|^$")


@dataclass(frozen=True, slots=True)
class _Location:
    """Where a value starts, and where the values and keys inside it start."""

    line: int
    column: int
    items: dict[str, _Location] | list[_Location] | None = None
    keys: dict[str, tuple[int, int]] | None = None


@dataclass(frozen=True)
class YamlDocument:
    """Plain data read from one YAML document, with the location of every value.

    Attributes:
        data: The document: ``dict`` with ``str`` keys, ``list``, ``str``, ``int``,
            `decimal.Decimal`, ``bool`` or ``None``.
        source: The file name used in messages.
    """

    data: Any
    source: str
    _root: _Location | None = field(default=None, repr=False, compare=False)

    def locate(self, path: Sequence[str | int]) -> tuple[int, int] | None:
        """Find where the value at ``path`` is written.

        Args:
            path: Keys and list indexes from the top of the document, e.g.
                ``["versions", "2025-01-01", "charges", 0]``.

        Returns:
            The 1-based ``(line, column)`` where the value at ``path`` starts; for a path
            that does not exist, that of its deepest existing ancestor (for a missing key,
            the start of the mapping that lacks it). ``None`` when the document carries no
            locations (it was not read from text).
        """
        return self._locate(path, key=False)

    def _locate(self, path: Sequence[str | int], *, key: bool) -> tuple[int, int] | None:
        """Find the value at ``path``, or with ``key`` the key that leads to it."""
        location = self._root
        if location is None:
            return None
        key_position: tuple[int, int] | None = None
        for element in path:
            items = location.items
            child: _Location | None = None
            if isinstance(items, dict) and isinstance(element, str):
                child = items.get(element)
                if child is not None and location.keys is not None:
                    key_position = location.keys.get(element)
            elif isinstance(items, list) and _is_index(element) and 0 <= element < len(items):
                child = items[element]
                key_position = None
            if child is None:
                return (location.line, location.column)
            location = child
        if key and key_position is not None:
            return key_position
        return (location.line, location.column)


def format_path(path: Sequence[str | int]) -> str:
    """Write a path inside a document the way messages show it.

    Keys are joined with dots and list indexes are written in brackets. A key that is
    empty or holds a dot, a bracket, a quote or white space is written in double quotes.

    Args:
        path: Keys and list indexes from the top of the document.

    Returns:
        The path as text; empty for the whole document.

    Example:
        >>> format_path(["versions", "2025-01-01", "charges", 0, "tiers", "price_per_kwh", 1])
        'versions.2025-01-01.charges[0].tiers.price_per_kwh[1]'
    """
    text = ""
    for element in path:
        if _is_index(element):
            text += f"[{element}]"
            continue
        key = str(element)
        if _PATH_KEY_NEEDS_QUOTES.search(key):
            key = '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'
        text += f".{key}" if text else key
    return text


def parse_yaml(
    text: str, source: str, *, error: type[InputError] = TariffFileError
) -> YamlDocument:
    """Read one YAML document from text.

    Args:
        text: The YAML text.
        source: The file name to use in messages.
        error: The exception class to raise for bad input.

    Returns:
        The document's data and the locations of its values.

    Raises:
        InputError: An instance of ``error``: the text is not valid YAML, breaks one of
            the rules of this module, or exceeds a limit. It names the line and column.
    """
    bad_character = _NON_PRINTABLE.search(text)
    if bad_character is not None:
        line, column = _position(text, bad_character.start())
        character = bad_character.group()
        what = "a NUL byte" if character == "\0" else f"control character U+{ord(character):04X}"
        raise error(f"not a text file: contains {what}", file=source, line=line, column=column)
    loader = _Loader(text, source, error)
    try:
        root = loader.compose_single_document()
        if root is None or (
            isinstance(root, ScalarNode) and root.tag == _PLAIN_TAG and root.value == ""
        ):
            raise error("empty file: no YAML document, only blank lines or comments", file=source)
        data, location = loader.build(root, ())
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, source, error) from None
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", file=source) from None
    finally:
        loader.dispose()
    return YamlDocument(data=data, source=source, _root=location)


def load_yaml(
    path: str | os.PathLike[str],
    *,
    error: type[InputError] = TariffFileError,
    max_bytes: int = _DEFAULT_MAX_BYTES,
) -> YamlDocument:
    """Read one YAML document from a UTF-8 file.

    Args:
        path: The file to read; its name is used in messages as given.
        error: The exception class to raise for bad input.
        max_bytes: The largest file accepted [bytes]; checked before reading.

    Returns:
        The document's data and the locations of its values.

    Raises:
        InputError: An instance of ``error``: the file cannot be read, is too large, is not
            UTF-8 text, or its content is refused by `parse_yaml`.
    """
    text = read_yaml_text(path, error=error, max_bytes=max_bytes)
    return parse_yaml(text, os.fspath(path), error=error)


def read_yaml_text(
    path: str | os.PathLike[str],
    *,
    error: type[InputError] = TariffFileError,
    max_bytes: int = _DEFAULT_MAX_BYTES,
) -> str:
    """The text of a YAML file, as `load_yaml` reads it (its size limit, UTF-8 checked).

    For a caller that needs the text as written besides its document (e.g. to rewrite
    one number of it in place).

    Raises:
        InputError: An instance of ``error``: the file cannot be read, is too large, or is
            not UTF-8 text (the line and column of the first byte that is not).
    """
    source = os.fspath(path)
    try:
        with open(path, "rb") as stream:
            size_bytes = os.fstat(stream.fileno()).st_size
            if size_bytes > max_bytes:
                raise error(
                    f"file is {size_bytes} bytes, larger than the limit of {max_bytes} bytes",
                    file=source,
                )
            raw = stream.read(max_bytes + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise error(f"cannot read the file: {reason}", file=source) from None
    if len(raw) > max_bytes:
        raise error(f"file is larger than the limit of {max_bytes} bytes", file=source)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = raw[: exc.start].decode("utf-8")
        line, column = _position(prefix, len(prefix))
        byte = raw[exc.start]
        raise error(
            f"not a text file: byte 0x{byte:02X} is not valid UTF-8",
            file=source,
            line=line,
            column=column,
        ) from None


def input_error_from_validation(
    exc: ValidationError,
    document: YamlDocument,
    *,
    error: type[InputError] = TariffFileError,
) -> InputError:
    """Turn a pydantic validation error on a document's data into an input error.

    The first error is reported, at the line and column of the value it concerns. Parts
    of pydantic's ``loc`` that are not in the data (the tag of a discriminated union, the
    name of a validator function, the type names of a union) are left out of the path;
    a missing key at the end of ``loc`` is kept, and located at the mapping that lacks it.

    Args:
        exc: The error from validating ``document.data``.
        document: The document that was validated.
        error: The exception class to return.

    Returns:
        An instance of ``error`` (to be raised by the caller), e.g. ``tariff.yaml:9:27:
        versions.2025-01-01.charges[0].tiers.price_per_kwh[1]: Input should be greater
        than or equal to 0``.
    """
    details = exc.errors(include_url=False)
    if not details:
        return error(str(exc), file=document.source)
    first = details[0]
    # A validator's ValueError reaches pydantic's message with this prefix; the text after
    # it is the project's own wording.
    message = str(first["msg"]).removeprefix("Value error, ")
    if len(details) > 1:
        more = len(details) - 1
        message += f" (and {more} more error{'s' if more > 1 else ''})"
    path, at_key = _path_in_data(document.data, nested_loc(first))
    position = document._locate(path, key=at_key)
    line, column = position if position is not None else (None, None)
    return error(
        message,
        file=document.source,
        line=line,
        column=column,
        path=format_path(path) or None,
    )


def nested_loc(error: ErrorDetails) -> tuple[str | int, ...]:
    """Pydantic's ``loc`` of an error, continued by the path of a `NestedValueError`.

    A model's check about one value inside the model says where the value is; the error
    is then located at that value rather than at the start of the model.
    """
    cause = error.get("ctx", {}).get("error")
    inner = cause.path if isinstance(cause, NestedValueError) else ()
    return (*error["loc"], *inner)


def _path_in_data(data: Any, loc: Sequence[str | int]) -> tuple[list[str | int], bool]:
    """Follow pydantic's ``loc`` through the data; say whether it ends at a key.

    Only an existing key or index is followed. An element that is absent and not last can
    only be something pydantic inserted (errors are never reported below a value that is
    not there), so it is skipped; an absent last key of a mapping is a missing field.
    """
    path: list[str | int] = []
    current = data
    for index, element in enumerate(loc):
        is_last = index == len(loc) - 1
        if isinstance(current, dict) and isinstance(element, str) and element in current:
            current = current[element]
            path.append(element)
        elif isinstance(current, list) and _is_index(element) and 0 <= element < len(current):
            current = current[element]
            path.append(element)
        elif element == "[key]" and is_last and path:
            # A dict key failed validation: point at the key, not at its value.
            return path, True
        elif (
            is_last
            and isinstance(current, dict)
            and isinstance(element, str)
            and not _VALIDATOR_NAME.fullmatch(element)
        ):
            path.append(element)  # a missing key
        # Anything else was inserted by pydantic (union tag, validator name): skip it.
    return path, False


def _is_index(element: object) -> TypeGuard[int]:
    return isinstance(element, int) and not isinstance(element, bool)


def _position(text: str, index: int) -> tuple[int, int]:
    """Return the 1-based line and column of ``text[index]``, with YAML's line breaks."""
    line = 1
    line_start = 0
    for match in _LINE_BREAK.finditer(text, 0, index):
        line += 1
        line_start = match.end()
    return line, index - line_start + 1


def _syntax_error(exc: yaml.MarkedYAMLError, source: str, error: type[InputError]) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    message = f"invalid YAML: {exc.problem or exc.context or 'syntax error'}"
    if exc.problem and exc.context:
        message += f" ({exc.context}"
        if exc.context_mark is not None and exc.context_mark is not mark:
            message += (
                f" that starts at line {exc.context_mark.line + 1},"
                f" column {exc.context_mark.column + 1}"
            )
        message += ")"
    if mark is None:
        return error(message, file=source)
    return error(message, file=source, line=mark.line + 1, column=mark.column + 1)


def _show_tag(tag: str) -> str:
    if tag.startswith("tag:yaml.org,2002:"):
        return "!!" + tag.removeprefix("tag:yaml.org,2002:")
    return tag


class _Mark(Protocol):
    """A position in the text, as PyYAML reports it (0-based)."""

    @property
    def line(self) -> int: ...  # noqa: D102

    @property
    def column(self) -> int: ...  # noqa: D102


class _AliasNode(Node):
    """An alias (``*name``) in the node tree: the node it refers to, and where it is."""

    def __init__(self, target: Node, start_mark: Any, end_mark: Any) -> None:
        super().__init__(target.tag, target, start_mark, end_mark)
        self.target = target


class _Loader(yaml.SafeLoader):
    """PyYAML's safe reader, scanner, parser and composer, with checks while composing.

    Only the node tree is composed; the data is built by `build`, never by PyYAML's
    constructors, so no tag can create a Python object.
    """

    def __init__(self, text: str, source: str, error: type[InputError]) -> None:
        super().__init__(text)
        self.source = source
        self.error = error
        self.depth = 0
        self.uses_aliases = False
        self.composed = 0
        self.open_marks: list[Any] = []  # start of each collection being composed
        # id(node) -> (nodes counted with aliases expanded, nesting depth); filled as each
        # node is completed, so an alias only ever looks up a finished count.
        self.measures: dict[int, tuple[int, int]] = {}

    def fail(self, message: str, mark: _Mark | None, path: Sequence[str | int] = ()) -> NoReturn:
        """Raise the input error for a problem at ``mark``."""
        raise self.error(
            message,
            file=self.source,
            line=None if mark is None else mark.line + 1,
            column=None if mark is None else mark.column + 1,
            path=format_path(path) or None,
        )

    def resolve(self, kind: type[Node], value: str | None, implicit: tuple[bool, bool]) -> str:
        """Tag untagged nodes; plain scalars are resolved later, by `build`."""
        if kind is ScalarNode:
            return _PLAIN_TAG if implicit[0] else _STRING_TAG
        return _SEQUENCE_TAG if kind is SequenceNode else _MAPPING_TAG

    def next_event(self) -> Event:
        """Take the next parser event."""
        return cast(Event, self.get_event())  # type: ignore[no-untyped-call]

    def compose_single_document(self) -> Node | None:
        """Compose the only document of the stream, or return None for an empty stream."""
        self.next_event()  # stream start
        if self.check_event(StreamEndEvent):
            return None
        root = self.compose_document()
        if not self.check_event(StreamEndEvent):
            event = self.next_event()
            self.fail(
                "more than one YAML document in the file (another starts here);"
                " keep one document per file",
                event.start_mark,
            )
        return root

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        """Compose one node, checking tags, anchors, aliases, depth and expanded size."""
        if self.check_event(AliasEvent):
            alias_event = cast(AliasEvent, self.next_event())
            target = self.anchors.get(alias_event.anchor)
            if target is None:
                self.fail(
                    f"alias *{alias_event.anchor} is not defined before it is used",
                    alias_event.start_mark,
                )
            if id(target) not in self.measures:
                self.fail(
                    f"alias *{alias_event.anchor} refers to a node that contains it",
                    alias_event.start_mark,
                )
            self.uses_aliases = True
            return _AliasNode(target, alias_event.start_mark, alias_event.end_mark)
        event = cast(NodeEvent, self.peek_event())  # type: ignore[no-untyped-call]
        # Count every node as it starts, so that a huge flat document stops early rather
        # than after it has all been read.
        self.composed += 1
        if self.composed > MAX_EXPANDED_NODES:
            where = self.open_marks[-1] if self.open_marks else event.start_mark
            self.fail(f"the document has more than {MAX_EXPANDED_NODES} nodes", where)
        self._check_tag(event)
        if event.anchor is not None and event.anchor in self.anchors:
            first = self.anchors[event.anchor].start_mark
            self.fail(
                f"anchor &{event.anchor} is defined twice (first at line {first.line + 1})",
                event.start_mark,
            )
        is_collection = isinstance(event, SequenceStartEvent | MappingStartEvent)
        if is_collection:
            self.depth += 1
            if self.depth > MAX_NESTING_DEPTH:
                self.fail(
                    f"nesting is deeper than the limit of {MAX_NESTING_DEPTH} levels",
                    event.start_mark,
                )
        if is_collection:
            self.open_marks.append(event.start_mark)
        node = super().compose_node(parent, index)
        if is_collection:
            self.depth -= 1
            self.open_marks.pop()
        if node is None:  # pragma: no cover - every event left here starts a node
            self.fail("invalid YAML: expected a node", event.start_mark)
        self._measure(node)
        return node

    def _check_tag(self, event: Event) -> None:
        tag = getattr(event, "tag", None)
        if tag is None:
            return
        allowed = {
            ScalarEvent: _STRING_TAG,
            SequenceStartEvent: _SEQUENCE_TAG,
            MappingStartEvent: _MAPPING_TAG,
        }[type(event)]
        if tag != allowed:
            self.fail(
                f"tag {_show_tag(tag)!r} is not supported here; tariff files hold plain data"
                " (quote text instead of tagging it)",
                event.start_mark,
            )

    def _measure_of(self, node: Node) -> tuple[int, int]:
        if isinstance(node, _AliasNode):
            node = node.target
        return self.measures[id(node)]

    def _measure(self, node: Node) -> None:
        if isinstance(node, ScalarNode):
            self.measures[id(node)] = (1, 0)
            return
        children: list[Node]
        if isinstance(node, MappingNode):
            children = [child for pair in node.value for child in pair]
        else:
            children = list(node.value)
        size = 1
        depth = 0
        for child in children:
            child_size, child_depth = self._measure_of(child)
            size += child_size
            depth = max(depth, child_depth)
        depth += 1
        if size > MAX_EXPANDED_NODES:
            if self.uses_aliases:
                message = (
                    f"alias expansion makes more than {MAX_EXPANDED_NODES} nodes here,"
                    " which exceeds the limit; write the data out instead"
                )
            else:
                message = f"the document has more than {MAX_EXPANDED_NODES} nodes"
            self.fail(message, node.start_mark)
        if depth > MAX_NESTING_DEPTH:
            self.fail(
                f"alias expansion nests deeper than the limit of {MAX_NESTING_DEPTH} levels",
                node.start_mark,
            )
        self.measures[id(node)] = (size, depth)

    def build(self, node: Node, path: tuple[str | int, ...]) -> tuple[Any, _Location]:
        """Build the data of a node and its location table (aliases are copied)."""
        if isinstance(node, _AliasNode):
            data, location = self.build(node.target, path)
            return data, replace(
                location, line=node.start_mark.line + 1, column=node.start_mark.column + 1
            )
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        if isinstance(node, ScalarNode):
            return self._scalar(node, path), _Location(line, column)
        if isinstance(node, SequenceNode):
            values: list[Any] = []
            locations: list[_Location] = []
            for index, item in enumerate(node.value):
                value, location = self.build(item, (*path, index))
                values.append(value)
                locations.append(location)
            return values, _Location(line, column, items=locations)
        mapping: dict[str, Any] = {}
        item_locations: dict[str, _Location] = {}
        key_positions: dict[str, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path)
            if key in mapping:
                self.fail(
                    f"duplicate key {key!r} (first at line {key_positions[key][0]})",
                    key_node.start_mark,
                    (*path, key),
                )
            key_positions[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            mapping[key], item_locations[key] = self.build(value_node, (*path, key))
        return mapping, _Location(line, column, items=item_locations, keys=key_positions)

    def _key(self, node: Node, path: tuple[str | int, ...]) -> str:
        target = node.target if isinstance(node, _AliasNode) else node
        if not isinstance(target, ScalarNode):
            kind = "mapping" if isinstance(target, MappingNode) else "sequence"
            self.fail(f"a mapping key must be text, not a {kind}", node.start_mark, path)
        if target.tag == _PLAIN_TAG and target.value == "<<":
            self.fail(
                "merge keys ('<<') are not supported; write the entries out in full",
                node.start_mark,
                path,
            )
        key = self._scalar(target, path, mark=node.start_mark)
        if isinstance(key, str):
            return key
        if target.value == "":
            self.fail("a mapping key is empty; keys must be text", node.start_mark, path)
        kinds = {bool: "a boolean", type(None): "null", int: "an integer", Decimal: "a number"}
        self.fail(
            f"mapping key {target.value} is read as {kinds[type(key)]}; keys must be text:"
            f" quote it ('{target.value}')",
            node.start_mark,
            path,
        )

    def _scalar(
        self, node: ScalarNode, path: tuple[str | int, ...], mark: _Mark | None = None
    ) -> Any:
        text: str = node.value
        if node.tag != _PLAIN_TAG:
            return text
        mark = mark or node.start_mark
        if text in _NULL_WORDS:
            return None
        lowered = text.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        if lowered in YAML11_BOOLEAN_WORDS:
            self.fail(
                f"{text!r} is a boolean in YAML 1.1 and text elsewhere; write true/false,"
                f" or quote the text ('{text}')",
                mark,
                path,
            )
        if _INTEGER.fullmatch(text):
            try:
                return int(text)
            except ValueError:  # more digits than Python converts
                self.fail(f"the integer {text[:20]}... has too many digits", mark, path)
        if _DECIMAL.fullmatch(text):
            return Decimal(text)
        if _NON_FINITE.fullmatch(text):
            self.fail(
                f"{text!r} is not a finite number; write a number, or quote the text",
                mark,
                path,
            )
        return text
