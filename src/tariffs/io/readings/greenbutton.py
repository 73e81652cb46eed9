"""Read Green Button XML (NAESB REQ.21, ESPI) interval data into exact `Readings`.

A Green Button file is an Atom feed whose entries each hold one ESPI resource in their
``content``. The resources that matter here, and how they are tied together through the
entries' ``link`` hrefs, as the standard lays them out:

- ``UsagePoint``: one metered service; ``ServiceCategory/kind`` 0 is electricity. Its
  ``related`` link names the collection of its MeterReadings.
- ``MeterReading``: one measured quantity. Its entry's ``up`` link is that collection; its
  ``related`` links name its IntervalBlock collection and its ReadingType.
- ``ReadingType``: what the values mean: ``uom`` (72 Wh, 73 VArh, 38 W),
  ``powerOfTenMultiplier``, ``flowDirection`` (1 forward: delivered to the customer;
  19 reverse: received from the customer), ``accumulationBehaviour`` (4 deltaData).
- ``IntervalBlock``: ``IntervalReading`` elements with ``timePeriod/start`` (UTC epoch
  seconds), ``timePeriod/duration`` [s] and an integer ``value``; the entry's ``up`` link
  is the MeterReading's IntervalBlock collection.

A child is tied to a parent when its ``up`` href is one of the parent's ``related`` hrefs,
or when its own or its ``up`` href lies under the parent's ``self`` href. When a file has
a single candidate parent, a child without a matching link is tied to it.

What is read, and the rules:

- One electricity UsagePoint. A file with several that have readings is refused with a
  list of them unless ``usage_point`` (0-based, counting every UsagePoint in file order)
  picks one. Other services (gas, water, ...) are left aside. A file without any
  UsagePoint entry is read as one usage point.
- In that usage point, each MeterReading with readings fills one column: energy (Wh)
  delivered (``flowDirection`` 1, 0 or absent) is ``kwh``, received (19) is
  ``export_kwh``; reactive energy (VArh) is ``kvarh``; power (W) is ``kw``. Net energy
  (``flowDirection`` 4) is only accepted, and then left aside, beside both delivered and
  received energy, which it is the difference of. Two MeterReadings for one column, any
  other unit, direction or accumulation are refused, naming what was found.
- A value is an integer times ``10**powerOfTenMultiplier`` of the unit; it is converted
  exactly to kWh (kvarh, kW) with ``scale`` the larger of 3 and what the multiplier needs.
  As in CSV readings, a converted value has at most 15 digits before the point and 9
  after, and negative values are refused.
- ESPI elements are read in the ESPI namespace (``http://naesb.org/espi``) only. A
  resource (``IntervalBlock``, ``ReadingType``, ...) or an element read inside one
  (``IntervalReading``, ``value``, ``uom``, ...) under another namespace, or none, is
  refused at its line, never read as ESPI nor skipped; resources of other vocabularies
  (a customer record) are left aside.
- Starts are from 1970 to the end of 9998, as in CSV readings.
- Readings may come in any order across blocks; they are sorted by start. Every interval
  must have one length, which divides a day. Duplicates, overlaps and starts off the
  interval grid are refused; so are gaps unless ``allow_gaps``, which records them in
  `Readings.gaps`. Every column must cover the same intervals as ``kwh``.
- Starts stay in UTC: ``LocalTimeParameters`` are not needed here, as the engine checks
  alignment to the tariff's own time zone. Daily readings over a daylight-saving change
  (local days of 23 or 25 hours) cannot be uniform intervals and are refused.
- ``cost`` and summaries (``ElectricPowerUsageSummary``) are not read: the bill is
  computed from the energy, not copied from the utility's figures.

Only the standard library parses the XML: ElementTree's parser, whose tree builder refuses
a document type declaration (``<!DOCTYPE``, where ``<!ENTITY`` lives) as soon as the
parser reads its name, so no document with a DTD is accepted. Expat still goes through
the rest of the bytes it was handed before that refusal comes out; what bounds the work
of an entity-expansion file ("billion laughs") is Expat's own limit on amplification
(Expat 2.4.0 and later, see ``pyexpat.EXPAT_VERSION``), which stops it within a fraction
of a second. defusedxml is not used: it would be a new runtime dependency for what these
few lines do already, since it too refuses entity declarations from a handler on the same
Expat parser, and it cannot mend weaknesses of the Expat that Python links (the "XML
security" section of the Python documentation lists them by Expat version).

Errors are `ReadingsError` naming the file, the line where known, and the resource as
``IntervalBlock 3, IntervalReading 17`` (1-based, in file order).
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ElementTree  # noqa: S405  (DTDs are refused, see _RefusingTreeBuilder)
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import NoReturn
from xml.parsers import expat  # noqa: S407  (only re-reads a document already accepted)

from tariffs.engine.reclock import WallClock
from tariffs.errors import ReadingsError
from tariffs.io.readings._file import read_bytes
from tariffs.model.readings import Readings

__all__ = ["parse_greenbutton", "read_greenbutton"]

# Codes of the ESPI enumerations used here. Source: NAESB REQ.21 ESPI schema (espi.xsd),
# as transcribed in the Green Button Alliance resource server, enums UnitSymbolKind,
# FlowDirectionKind, AccumulationKind and ServiceKind
# (github.com/GreenButtonAlliance/UTD-GBA-Resource-Server, .../model/enums/).
_UOM_WATT = 38
_UOM_WATT_HOUR = 72
_UOM_VAR_HOUR = 73
_UNIT_NAMES = {
    0: "none",
    5: "A",
    29: "V",
    33: "Hz",
    38: "W",
    42: "m3",
    61: "VA",
    63: "VAr",
    65: "cos theta",
    71: "VAh",
    72: "Wh",
    73: "VArh",
    80: "money",
    119: "ft3",
    125: "m3/h",
    128: "US gallon",
    132: "BTU",
    169: "therm",
}
_FLOW_NONE = 0
_FLOW_FORWARD = 1
_FLOW_NET = 4
_FLOW_REVERSE = 19
_FLOW_NAMES = {
    0: "none",
    1: "forward",
    2: "lagging",
    3: "leading",
    4: "net",
    19: "reverse",
    20: "total",
    21: "total by phase",
}
_ACCUMULATION_NONE = 0
_ACCUMULATION_DELTA_DATA = 4
_ACCUMULATION_NAMES = {
    0: "none",
    1: "bulkQuantity",
    2: "continuousCumulative",
    3: "cumulative",
    4: "deltaData",
    6: "indicating",
    9: "summation",
    10: "timeDelay",
    12: "instantaneous",
    13: "latchingQuantity",
    14: "boundedQuantity",
}
_SERVICE_ELECTRICITY = 0
_SERVICE_NAMES = {
    0: "electricity",
    1: "gas",
    2: "water",
    3: "time",
    4: "heat",
    5: "refuse",
    6: "sewerage",
    7: "rates",
    8: "TV licence",
    9: "internet",
}

_SECONDS_PER_DAY = 86400
_MINIMUM_SCALE = 3
_MAXIMUM_SCALE = 9
_KILO_EXPONENT = 3
# Starts are kept to years 1970..9998, as in CSV readings: a bill of a day in 9999 would
# end in a year that no date can hold.
_LAST_START = 253370764799  # 9998-12-31T23:59:59Z

_INTEGER = re.compile(r"\s*([+-]?\d{1,19})\s*", re.ASCII)
_MAXIMUM_VALUE_DIGITS = 19  # what _INTEGER reads
# Digits before the point of a quantity once scaled to kWh (kvarh, kW), as in CSV readings.
_MAXIMUM_INTEGER_DIGITS = 15
_UNITS = {"kwh": "kWh", "export_kwh": "kWh", "kvarh": "kvarh", "kw": "kW", "net": "kWh"}
_PARSE_ERROR_POSITION = re.compile(r": line \d+, column \d+$")

_COLUMN_WORDS = {
    "kwh": "energy delivered to the customer (Wh, flowDirection 1)",
    "export_kwh": "energy received from the customer (Wh, flowDirection 19)",
    "kvarh": "reactive energy (VArh)",
    "kw": "power (W)",
    "net": "net energy (Wh, flowDirection 4)",
}

_ESPI_NAMESPACE = "http://naesb.org/espi"
_ESPI_PREFIX = "{" + _ESPI_NAMESPACE + "}"
#: The ESPI resources this reader reads, and the names it reads inside them.
_ESPI_RESOURCES = frozenset({"UsagePoint", "MeterReading", "ReadingType", "IntervalBlock"})
_ESPI_READ = _ESPI_RESOURCES | {
    "ServiceCategory",
    "kind",
    "uom",
    "powerOfTenMultiplier",
    "flowDirection",
    "accumulationBehaviour",
    "intervalLength",
    "IntervalReading",
    "timePeriod",
    "start",
    "duration",
    "value",
}

#: One interval reading: start [s], duration [s], value, IntervalBlock number, reading number.
_Reading = tuple[int, int, int, int, int]


class _DoctypeRefused(Exception):
    """Raised from inside the parser when the document declares a DTD."""


class _RefusingTreeBuilder(ElementTree.TreeBuilder):
    """A tree builder that refuses a document type declaration.

    The parser calls `doctype` as soon as it reads ``<!DOCTYPE name``; the exception comes
    out of ``feed`` once Expat has gone through the bytes it was given (see the module
    docstring for what bounds that).
    """

    def doctype(self, name: str, pubid: str | None, system: str | None) -> NoReturn:
        """Refuse any document type declaration."""
        raise _DoctypeRefused(name)


@dataclass(slots=True)
class _Resource:
    """One ESPI resource found in an entry's content, with the entry's links."""

    kind: str
    number: int
    element: ElementTree.Element
    title: str
    self_href: str
    up_href: str
    related: tuple[str, ...]

    @property
    def label(self) -> str:
        """The resource as messages name it: ``MeterReading 2 'Hourly'``."""
        title = f" '{self.title}'" if self.title else ""
        return f"{self.kind} {self.number}{title}"


@dataclass(slots=True)
class _Series:
    """The readings of one MeterReading, bound for one column."""

    column: str
    meter_reading: _Resource
    reading_type: _Resource
    power_of_ten: int
    readings: list[_Reading] = field(default_factory=list)


@dataclass(slots=True)
class _Sequence:
    """Readings of one column in time order, checked."""

    interval_seconds: int
    starts: list[int]
    values: list[int]
    gaps: tuple[tuple[int, int], ...]


class _Context:
    """The document being read, to build errors that say where."""

    def __init__(self, data: bytes, source: str) -> None:
        self.data = data
        self.source = source

    def fail(
        self,
        message: str,
        resource: _Resource | None = None,
        reading_number: int | None = None,
        *,
        child: str | None = None,
    ) -> NoReturn:
        """Raise a `ReadingsError` at a resource, or at one of its readings or children."""
        if resource is None:
            raise ReadingsError(message, file=self.source)
        path = resource.label
        if reading_number is not None:
            path = f"{resource.kind} {resource.number}, IntervalReading {reading_number}"
            child = "IntervalReading"
        line = _find_line(self.data, resource.kind, resource.number, child, reading_number)
        raise ReadingsError(message, file=self.source, line=line, path=path)

    def fail_at_reading(self, message: str, reading: _Reading, blocks: list[_Resource]) -> NoReturn:
        """Raise a `ReadingsError` at one interval reading."""
        self.fail(message, blocks[reading[3] - 1], reading[4])


def read_greenbutton(
    path: str | os.PathLike[str],
    *,
    allow_gaps: bool = False,
    usage_point: int | None = None,
    wall_clock: WallClock | None = None,
) -> Readings:
    """Read a Green Button XML file.

    Args:
        path: The XML file (an Atom feed of ESPI resources).
        allow_gaps: Accept missing intervals and record them in `Readings.gaps` instead
            of rejecting the file.
        usage_point: Which UsagePoint to read, as a 0-based index counting every
            UsagePoint of the file in order; needed only when the file has several
            electricity usage points with readings.
        wall_clock: Moves every reading from the wall clock of one zone to another
            before the readings are checked (see `parse_greenbutton`).

    Returns:
        The readings, with ``source`` set to ``str(path)``.

    Raises:
        ReadingsError: The file cannot be read, is not well-formed XML, declares a DTD, or
            its readings break the rules of this module; the message says where.
    """
    return parse_greenbutton(
        read_bytes(path),
        str(path),
        allow_gaps=allow_gaps,
        usage_point=usage_point,
        wall_clock=wall_clock,
    )


def parse_greenbutton(
    data: bytes,
    source: str,
    *,
    allow_gaps: bool = False,
    usage_point: int | None = None,
    wall_clock: WallClock | None = None,
) -> Readings:
    """Parse the bytes of a Green Button XML file.

    Args:
        data: The whole file.
        source: File name used in messages and kept in `Readings.source`.
        allow_gaps: Accept missing intervals and record them in `Readings.gaps` instead
            of rejecting the file.
        usage_point: Which UsagePoint to read, as a 0-based index counting every
            UsagePoint of the file in order; needed only when the file has several
            electricity usage points with readings.
        wall_clock: Moves each reading's start and end from the wall clock of one zone to
            the same wall times in another, before the lengths are checked: daily readings
            that follow the meter's local days (23 or 25 hours when its clocks change)
            become days of the other clock. The bill says so.

    Returns:
        Exact readings: starts as UTC epoch seconds, energy delivered in ``kwh``, energy
        received in ``export_kwh``, reactive energy in ``kvarh`` and power in ``kw``, as
        integers in units of ``10**-scale``.

    Raises:
        ReadingsError: The file is empty, not well-formed XML, declares a DTD, or its
            readings break the rules of this module; the message says where.
    """
    context = _Context(data, source)
    root = _parse_xml(context)
    resources = _collect_resources(root, context)
    blocks = resources["IntervalBlock"]
    blocks_of = _link_children(blocks, resources.get("MeterReading", []), context)
    meter_readings = _meter_readings_of_usage_point(resources, blocks_of, usage_point, context)

    series_list: list[_Series] = []
    for meter_reading in meter_readings:
        own_blocks = blocks_of.get(meter_reading.number, [])
        if not own_blocks:
            continue
        reading_type = _reading_type_of(meter_reading, resources.get("ReadingType", []), context)
        column, power_of_ten, interval_length = _describe_reading_type(reading_type, context)
        series = _Series(column, meter_reading, reading_type, power_of_ten)
        for block in own_blocks:
            series.readings.extend(_read_block(block, interval_length, context))
        if series.readings:
            series_list.append(series)

    if wall_clock is not None:
        for series in series_list:
            moved = [wall_clock.move_interval(r[0], r[1]) for r in series.readings]
            series.readings = [
                (start, length, r[2], r[3], r[4])
                for (start, length), r in zip(moved, series.readings, strict=True)
            ]
    columns = _assign_columns(series_list, context)
    if "kwh" not in columns:
        if not series_list:
            context.fail("no IntervalReading found for the usage point; nothing to bill")
        found = ", ".join(sorted({_COLUMN_WORDS[series.column] for series in series_list}))
        context.fail(
            f"no readings of {_COLUMN_WORDS['kwh']}; found only {found}",
            series_list[0].meter_reading,
        )

    scale = max(
        [_MINIMUM_SCALE] + [_KILO_EXPONENT - series.power_of_ten for series in columns.values()]
    )
    if scale > _MAXIMUM_SCALE:
        worst = min(columns.values(), key=lambda series: series.power_of_ten)
        context.fail(
            f"powerOfTenMultiplier {worst.power_of_ten} needs {scale} decimal places of "
            f"kWh; at most {_MAXIMUM_SCALE} are kept",
            worst.reading_type,
            child="powerOfTenMultiplier",
        )

    for series in columns.values():
        _check_magnitude(series, blocks, context)
    energy = columns["kwh"]
    energy_sequence = _check_sequence(energy, blocks, allow_gaps, context)
    converted: dict[str, list[int]] = {}
    for name, series in columns.items():
        sequence = (
            energy_sequence
            if series is energy
            else _check_sequence(series, blocks, allow_gaps, context)
        )
        if series is not energy:
            _check_same_intervals(series, sequence, energy, energy_sequence, blocks, context)
        factor = 10 ** (series.power_of_ten - _KILO_EXPONENT + scale)
        converted[name] = (
            sequence.values if factor == 1 else [value * factor for value in sequence.values]
        )

    return Readings(
        source=source,
        interval_seconds=energy_sequence.interval_seconds,
        starts=energy_sequence.starts,
        scale=scale,
        kwh=converted["kwh"],
        kvarh=converted.get("kvarh"),
        export_kwh=converted.get("export_kwh"),
        kw=converted.get("kw"),
        gaps=energy_sequence.gaps,
        notes=() if wall_clock is None else (wall_clock.note,),
    )


# --- XML ----------------------------------------------------------------------------------


def _parse_xml(context: _Context) -> ElementTree.Element:
    """Parse the document, refusing a DTD; turn every failure into a `ReadingsError`."""
    data = context.data
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if not body.strip():
        context.fail("the file is empty; expected Green Button XML (an Atom feed)")
    parser = ElementTree.XMLParser(target=_RefusingTreeBuilder())  # noqa: S314  (DTD refused)
    try:
        parser.feed(data)
        root: ElementTree.Element = parser.close()
    except _DoctypeRefused as refused:
        offset = data.find(b"<!DOCTYPE")
        line, column = _position_of(data, offset) if offset >= 0 else (None, None)
        raise ReadingsError(
            f"a document type declaration (<!DOCTYPE {refused}>) is not allowed: Green Button "
            "files have none, and the entities it may declare could expand without bound",
            file=context.source,
            line=line,
            column=column,
        ) from None
    except LookupError as error:  # the XML declaration names an unknown encoding
        context.fail(f"malformed XML: {error}")
    except ElementTree.ParseError as error:
        if not body.lstrip().startswith(b"<") and not body.startswith((b"\xff\xfe", b"\xfe\xff")):
            context.fail(
                "not an XML file: it does not start with '<' (binary or other data); "
                "expected Green Button XML"
            )
        line, column = error.position
        reason = _PARSE_ERROR_POSITION.sub("", str(error))
        raise ReadingsError(
            f"malformed XML: {reason}", file=context.source, line=line, column=column + 1
        ) from None
    if _local_name(root.tag) not in ("feed", "entry"):
        raise ReadingsError(
            f"not a Green Button file: the root element is <{_local_name(root.tag)}>, "
            "expected an Atom <feed> (or <entry>)",
            file=context.source,
            line=_find_line(data, _local_name(root.tag), 1, None, None, parent=None),
        )
    return root


def _position_of(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def _local_name(tag: str) -> str:
    """The name of an element without its namespace (``{ns}name`` or ``prefix:name``)."""
    return tag.rpartition("}")[2].rpartition(":")[2]


class _Found(Exception):
    """Carries a line number out of the expat callbacks."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _find_line(
    data: bytes,
    kind: str,
    number: int,
    child: str | None,
    child_number: int | None,
    *,
    parent: str | None = "content",
) -> int | None:
    """Line of the ``number``-th resource of a kind, or of one of its child elements.

    ElementTree keeps no line numbers, so errors re-read the (already accepted) document
    with expat and count elements the way `_collect_resources` does: resources are the
    elements of that kind directly inside an entry's ``content``; a child is the
    ``child_number``-th element of that name directly inside the resource (the first when
    ``child_number`` is None).
    """
    parser = expat.ParserCreate()
    stack: list[str] = []
    seen = 0
    inside_depth = -1
    children_seen = 0

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal seen, inside_depth, children_seen
        local = _local_name(name)
        parent_name = stack[-1] if stack else None
        stack.append(local)
        if inside_depth < 0:
            if local == kind and parent_name == parent:
                seen += 1
                if seen == number:
                    if child is None:
                        raise _Found(parser.CurrentLineNumber)
                    inside_depth = len(stack)
        elif len(stack) == inside_depth + 1 and local == child:
            children_seen += 1
            if children_seen == (child_number or 1):
                raise _Found(parser.CurrentLineNumber)

    def end(name: str) -> None:
        nonlocal inside_depth
        if len(stack) == inside_depth:
            inside_depth = -2  # the resource ended without that child: stop looking
        stack.pop()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except _Found as found:
        return found.line
    except expat.ExpatError:
        return None
    return None


# --- resources and links ------------------------------------------------------------------


def _collect_resources(root: ElementTree.Element, context: _Context) -> dict[str, list[_Resource]]:
    """Every resource of every entry, by kind, numbered from 1 in file order."""
    entries = [root] if _local_name(root.tag) == "entry" else _children(root, "entry")
    resources: dict[str, list[_Resource]] = {}
    for entry in entries:
        title = ""
        self_href = up_href = ""
        related: list[str] = []
        contents: list[ElementTree.Element] = []
        for element in entry:
            name = _local_name(element.tag)
            if name == "link":
                href = _normal_href(element.get("href"))
                rel = element.get("rel", "")
                if rel == "self":
                    self_href = href
                elif rel == "up":
                    up_href = href
                elif rel == "related" and href:
                    related.append(href)
            elif name == "title":
                title = " ".join("".join(element.itertext()).split())
            elif name == "content":
                contents.append(element)
        for content in contents:
            for element in content:
                if not isinstance(element.tag, str):
                    continue  # a comment or processing instruction
                kind = _local_name(element.tag)
                _check_namespace(element, root, kind, resources, context)
                same_kind = resources.setdefault(kind, [])
                same_kind.append(
                    _Resource(
                        kind,
                        len(same_kind) + 1,
                        element,
                        title,
                        self_href,
                        up_href,
                        tuple(related),
                    )
                )
    if not resources.get("IntervalBlock"):
        context.fail(
            "no IntervalBlock found: the file holds no interval readings "
            f"(resources found: {', '.join(sorted(resources)) or 'none'})"
        )
    return resources


def _namespace(tag: str) -> str:
    """The namespace of an element's tag (``{ns}name``), or ``""`` for none."""
    return tag[1 : tag.index("}")] if tag.startswith("{") else ""


def _check_namespace(
    resource: ElementTree.Element,
    root: ElementTree.Element,
    kind: str,
    resources: dict[str, list[_Resource]],
    context: _Context,
) -> None:
    """Refuse an element this reader reads by its name when it is not in the ESPI namespace.

    A resource of another vocabulary (a customer record, say) is left aside; but inside
    an ESPI resource, or as a resource, a name such as ``IntervalReading`` or ``value`` in
    another namespace would be read as ESPI, or skipped, without saying so.
    """
    if _namespace(resource.tag) != _ESPI_NAMESPACE:
        if kind in _ESPI_RESOURCES:
            _refuse_namespace(resource, root, None, context)
        return
    for element in resource.iter():
        tag = element.tag
        if (
            isinstance(tag, str)
            and not tag.startswith(_ESPI_PREFIX)
            and _local_name(tag) in _ESPI_READ
        ):
            label = f"{kind} {len(resources.get(kind, [])) + 1}"
            _refuse_namespace(element, root, label, context)


def _refuse_namespace(
    element: ElementTree.Element,
    root: ElementTree.Element,
    label: str | None,
    context: _Context,
) -> NoReturn:
    namespace = _namespace(element.tag)
    where = f"the namespace '{namespace}'" if namespace else "no namespace"
    occurrence = next(
        number for number, found in enumerate(root.iter(element.tag), 1) if found is element
    )
    raise ReadingsError(
        f"<{_local_name(element.tag)}> is in {where}, not in the ESPI namespace "
        f"({_ESPI_NAMESPACE}): it is not read as a Green Button element, and not skipped",
        file=context.source,
        line=_line_of_element(context.data, element.tag, occurrence),
        path=label,
    )


def _line_of_element(data: bytes, tag: str, occurrence: int) -> int | None:
    """Line of the ``occurrence``-th element (1-based, in document order) with this tag."""
    parser = expat.ParserCreate(namespace_separator="}")
    name = tag[1:] if tag.startswith("{") else tag
    seen = 0

    def start(found: str, attributes: dict[str, str]) -> None:
        nonlocal seen
        if found == name:
            seen += 1
            if seen == occurrence:
                raise _Found(parser.CurrentLineNumber)

    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except _Found as found:
        return found.line
    except expat.ExpatError:  # pragma: no cover - the document was parsed already
        return None
    return None  # pragma: no cover - the element is in the document


def _children(element: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    """Direct children with a given local name, whatever their namespace."""
    return [child for child in element if _local_name(str(child.tag)) == name]


def _child_text(element: ElementTree.Element, *names: str) -> str | None:
    """Text of the first descendant along a path of local names, or None."""
    current = element
    for name in names:
        found = _children(current, name)
        if not found:
            return None
        current = found[0]
    return (current.text or "").strip()


def _normal_href(href: str | None) -> str:
    """An href as compared: without surrounding spaces or a trailing slash."""
    return (href or "").strip().rstrip("/")


def _belongs(child: _Resource, parent: _Resource) -> bool:
    """Whether the links of ``child`` tie it to ``parent``."""
    if child.up_href and child.up_href in parent.related:
        return True
    if parent.self_href:
        prefix = parent.self_href + "/"
        return child.self_href.startswith(prefix) or child.up_href.startswith(prefix)
    return False


def _link_children(
    children: list[_Resource], parents: list[_Resource], context: _Context
) -> dict[int, list[_Resource]]:
    """Tie each child to its parent; return the children by parent number, in file order."""
    by_parent: dict[int, list[_Resource]] = {}
    for child in children:
        matches = [parent for parent in parents if _belongs(child, parent)]
        if len(matches) > 1:
            exact = [parent for parent in matches if child.up_href in parent.related]
            matches = exact or matches
        if not matches and len(parents) == 1:
            matches = parents
        if len(matches) != 1:
            parent_kind = "MeterReading" if child.kind == "IntervalBlock" else "UsagePoint"
            if not parents:
                context.fail(f"the file has no {parent_kind} for the {child.kind}", child)
            if matches:
                names = ", ".join(parent.label for parent in matches)
                context.fail(f"{child.kind} is linked to several {parent_kind}s: {names}", child)
            context.fail(
                f"{child.kind} is linked to no {parent_kind}: its up link "
                f"'{child.up_href or '(none)'}' is not a related link of any of the "
                f"{len(parents)} {parent_kind}s",
                child,
            )
        by_parent.setdefault(matches[0].number, []).append(child)
    return by_parent


def _integer_field(
    resource: _Resource, context: _Context, *names: str, default: int | None = None
) -> int | None:
    """An integer field of a resource, or ``default`` when it is absent."""
    text = _child_text(resource.element, *names)
    if text is None:
        return default
    match = _INTEGER.fullmatch(text)
    if match is None:
        context.fail(
            f"{'/'.join(names)} '{_shorten(text)}' is not an integer of at most 19 digits",
            resource,
            child=names[0],
        )
    return int(match.group(1))


def _meter_readings_of_usage_point(
    resources: dict[str, list[_Resource]],
    blocks_of: dict[int, list[_Resource]],
    usage_point: int | None,
    context: _Context,
) -> list[_Resource]:
    """The MeterReadings of the electricity UsagePoint to read."""
    usage_points = resources.get("UsagePoint", [])
    meter_readings = resources.get("MeterReading", [])
    if not usage_points:
        if usage_point is not None:
            context.fail(
                f"usage_point={usage_point} was given, but the file has no UsagePoint; leave it out"
            )
        return meter_readings

    readings_of = _link_children(meter_readings, usage_points, context)

    def has_readings(point: _Resource) -> bool:
        return any(blocks_of.get(reading.number) for reading in readings_of.get(point.number, []))

    def service_kind(point: _Resource) -> int | None:
        return _integer_field(point, context, "ServiceCategory", "kind")

    if usage_point is not None:
        if not 0 <= usage_point < len(usage_points):
            context.fail(
                f"usage_point={usage_point} is out of range: the file has "
                f"{len(usage_points)} UsagePoint{'s' if len(usage_points) != 1 else ''} "
                f"(usage_point=0 to {len(usage_points) - 1})"
            )
        chosen = usage_points[usage_point]
        kind = service_kind(chosen)
        if kind not in (None, _SERVICE_ELECTRICITY):
            context.fail(
                f"usage_point={usage_point} is a {_SERVICE_NAMES.get(kind, 'non-electricity')} "
                f"service (ServiceCategory kind {kind}), not electricity",
                chosen,
            )
        return readings_of.get(chosen.number, [])

    electric = [
        (index, point)
        for index, point in enumerate(usage_points)
        if service_kind(point) in (None, _SERVICE_ELECTRICITY) and has_readings(point)
    ]
    if not electric:
        kinds = sorted(
            {
                f"{_SERVICE_NAMES.get(kind, 'unknown')} ({kind})"
                for kind in map(service_kind, usage_points)
                if kind is not None
            }
        )
        context.fail(
            "no electricity UsagePoint with readings in the file"
            + (f"; services found: {', '.join(kinds)}" if kinds else "")
        )
    if len(electric) > 1:
        listing = "; ".join(
            f"usage_point={index}: {point.label} ({point.self_href or 'no self link'})"
            for index, point in electric
        )
        context.fail(
            f"the file has {len(electric)} electricity UsagePoints with readings; choose "
            f"one with usage_point=N: {listing}"
        )
    return readings_of.get(electric[0][1].number, [])


def _reading_type_of(
    meter_reading: _Resource, reading_types: list[_Resource], context: _Context
) -> _Resource:
    """The ReadingType a MeterReading's related link names."""
    matches = [
        reading_type
        for reading_type in reading_types
        if reading_type.self_href and reading_type.self_href in meter_reading.related
    ]
    if not matches and len(reading_types) == 1:
        matches = reading_types
    if len(matches) > 1:
        context.fail(
            f"{len(matches)} ReadingTypes have the self link the MeterReading names", matches[1]
        )
    if not matches:
        context.fail(
            f"no ReadingType found for the MeterReading: none of its related links "
            f"({', '.join(meter_reading.related) or 'none'}) is the self link of one of the "
            f"{len(reading_types)} ReadingTypes",
            meter_reading,
        )
    return matches[0]


#: Largest powerOfTenMultiplier read (ESPI uses -3 to 9: milli to giga).
_MAXIMUM_POWER_OF_TEN = 24


def _describe_reading_type(
    reading_type: _Resource, context: _Context
) -> tuple[str, int, int | None]:
    """The column a ReadingType's values go to, its power of ten and interval length [s]."""
    uom = _integer_field(reading_type, context, "uom")
    power_of_ten = _integer_field(reading_type, context, "powerOfTenMultiplier", default=0)
    flow = _integer_field(reading_type, context, "flowDirection")
    accumulation = _integer_field(reading_type, context, "accumulationBehaviour")
    interval_length = _integer_field(reading_type, context, "intervalLength")
    assert power_of_ten is not None  # noqa: S101  (it has a default)
    if not -_MAXIMUM_POWER_OF_TEN <= power_of_ten <= _MAXIMUM_POWER_OF_TEN:
        # ESPI multipliers are small (kilo, mega: 3, 6); a huge one would only build a
        # huge number.
        context.fail(
            f"powerOfTenMultiplier {power_of_ten} is outside -{_MAXIMUM_POWER_OF_TEN} to "
            f"{_MAXIMUM_POWER_OF_TEN}",
            reading_type,
            child="powerOfTenMultiplier",
        )
    if uom is None:
        context.fail("the ReadingType has no uom (unit of measure)", reading_type)
    if uom == _UOM_WATT_HOUR:
        if flow in (None, _FLOW_NONE, _FLOW_FORWARD):
            column = "kwh"
        elif flow == _FLOW_REVERSE:
            column = "export_kwh"
        elif flow == _FLOW_NET:
            column = "net"
        else:
            context.fail(
                f"flowDirection {flow} ({_FLOW_NAMES.get(flow, 'unknown')}) is not supported "
                "for energy: expected 1 (forward: delivered to the customer) or 19 (reverse: "
                "received from the customer)",
                reading_type,
                child="flowDirection",
            )
    elif uom == _UOM_VAR_HOUR:
        column = "kvarh"
    elif uom == _UOM_WATT:
        if flow not in (None, _FLOW_NONE, _FLOW_FORWARD):
            context.fail(
                f"flowDirection {flow} ({_FLOW_NAMES.get(flow, 'unknown')}) is not supported "
                "for power: expected 1 (forward)",
                reading_type,
                child="flowDirection",
            )
        return "kw", power_of_ten, interval_length
    else:
        context.fail(
            f"uom {uom} ({_UNIT_NAMES.get(uom, 'unknown unit')}) is not supported: expected "
            f"{_UOM_WATT_HOUR} (Wh), {_UOM_VAR_HOUR} (VArh) or {_UOM_WATT} (W)",
            reading_type,
            child="uom",
        )
    if accumulation not in (None, _ACCUMULATION_NONE, _ACCUMULATION_DELTA_DATA):
        context.fail(
            f"accumulationBehaviour {accumulation} "
            f"({_ACCUMULATION_NAMES.get(accumulation, 'unknown')}) is not supported: energy "
            f"must be given per interval, accumulationBehaviour {_ACCUMULATION_DELTA_DATA} "
            "(deltaData)",
            reading_type,
            child="accumulationBehaviour",
        )
    return column, power_of_ten, interval_length


def _read_block(
    block: _Resource, interval_length: int | None, context: _Context
) -> Iterable[_Reading]:
    """The interval readings of one IntervalBlock, as integers, in file order."""
    tag = block.element.tag
    namespace = tag[: tag.index("}") + 1] if tag.startswith("{") else ""
    reading_tag = namespace + "IntervalReading"
    period_tag = namespace + "timePeriod"
    start_tag = namespace + "start"
    duration_tag = namespace + "duration"
    value_tag = namespace + "value"
    integer = _INTEGER.fullmatch
    block_number = block.number
    readings: list[_Reading] = []
    for reading_number, reading in enumerate(block.element.iterfind(reading_tag), 1):
        period = reading.find(period_tag)
        start_text = duration_text = None
        if period is not None:
            start_text = period.findtext(start_tag)
            duration_text = period.findtext(duration_tag)
        value_text = reading.findtext(value_tag)
        start_match = integer(start_text) if start_text is not None else None
        value_match = integer(value_text) if value_text is not None else None
        duration_match = integer(duration_text) if duration_text is not None else None
        if (
            start_match is None
            or value_match is None
            or (duration_match is None and (duration_text is not None or interval_length is None))
        ):
            _explain_reading(
                block,
                reading_number,
                (start_text, duration_text, value_text),
                interval_length,
                context,
            )
        start = int(start_match.group(1))
        value = int(value_match.group(1))
        duration = int(duration_match.group(1)) if duration_match else interval_length
        assert duration is not None  # noqa: S101  (checked above)
        if not 0 <= start <= _LAST_START or value < 0 or duration <= 0:
            _explain_reading(
                block,
                reading_number,
                (start_text, duration_text, value_text),
                interval_length,
                context,
            )
        readings.append((start, duration, value, block_number, reading_number))
    return readings


def _explain_reading(
    block: _Resource,
    reading_number: int,
    texts: tuple[str | None, str | None, str | None],
    interval_length: int | None,
    context: _Context,
) -> NoReturn:
    """Raise the error for an IntervalReading that `_read_block` could not take.

    Args:
        block: The IntervalBlock.
        reading_number: 1-based number of the reading in the block.
        texts: The texts of ``timePeriod/start``, ``timePeriod/duration`` and ``value``.
        interval_length: The ReadingType's intervalLength [s], if any.
        context: The document.
    """
    start_text, duration_text, value_text = texts
    for name, text in (
        ("timePeriod/start", start_text),
        ("value", value_text),
        ("timePeriod/duration", duration_text),
    ):
        if text is None:
            if name == "timePeriod/duration":
                continue
            context.fail(f"the IntervalReading has no {name}", block, reading_number)
        if _INTEGER.fullmatch(text) is None:
            context.fail(
                f"{name} '{_shorten(text)}' is not an integer of at most 19 digits",
                block,
                reading_number,
            )
    assert start_text is not None and value_text is not None  # noqa: S101  (checked above)
    start, value = int(start_text), int(value_text)
    if not 0 <= start <= _LAST_START:
        context.fail(
            f"timePeriod/start {start} is not a time from 1970 to 9998 in UTC epoch seconds",
            block,
            reading_number,
        )
    if value < 0:
        context.fail(
            f"value {value} is negative; readings must be 0 or more", block, reading_number
        )
    if duration_text is None and interval_length is None:
        context.fail(
            "the IntervalReading has no timePeriod/duration, and its ReadingType no intervalLength",
            block,
            reading_number,
        )
    duration = int(duration_text) if duration_text is not None else interval_length
    context.fail(
        f"the interval length of {duration} s is not a positive number of seconds",
        block,
        reading_number,
    )


# --- columns and sequences ------------------------------------------------------------------


def _assign_columns(series_list: list[_Series], context: _Context) -> dict[str, _Series]:
    """One series per column; refuse two for one column and unusable net energy."""
    by_column: dict[str, list[_Series]] = {}
    for series in series_list:
        by_column.setdefault(series.column, []).append(series)
    for column, same in by_column.items():
        if len(same) > 1:
            names = ", ".join(series.meter_reading.label for series in same)
            context.fail(
                f"{len(same)} MeterReadings hold {_COLUMN_WORDS[column]}: {names}; expected one",
                same[1].meter_reading,
            )
    net = by_column.pop("net", None)
    if net and not ("kwh" in by_column and "export_kwh" in by_column):
        context.fail(
            "net energy (flowDirection 4) is not supported on its own: the readings need "
            "energy delivered (flowDirection 1) and received (flowDirection 19) apart",
            net[0].meter_reading,
        )
    return {column: same[0] for column, same in by_column.items()}


def _check_magnitude(series: _Series, blocks: list[_Resource], context: _Context) -> None:
    """Refuse a value of more than 15 digits before the point once scaled, as in CSV files."""
    exponent = series.power_of_ten - _KILO_EXPONENT  # from Wh (VArh, W) to kWh (kvarh, kW)
    limit = 10 ** max(0, _MAXIMUM_INTEGER_DIGITS - exponent)
    if _MAXIMUM_INTEGER_DIGITS - exponent > _MAXIMUM_VALUE_DIGITS:
        return  # every value of at most 19 digits fits
    if max(reading[2] for reading in series.readings) < limit:
        return
    reading = next(reading for reading in series.readings if reading[2] >= limit)
    scaled = Decimal(reading[2]).scaleb(exponent).normalize()
    context.fail_at_reading(
        f"value {reading[2]} with powerOfTenMultiplier {series.power_of_ten} is {scaled} "
        f"{_UNITS[series.column]}, too large; at most {_MAXIMUM_INTEGER_DIGITS} digits before "
        "the decimal point are allowed",
        reading,
        blocks,
    )


def _check_sequence(
    series: _Series, blocks: list[_Resource], allow_gaps: bool, context: _Context
) -> _Sequence:
    """Sort a series by start and check lengths, duplicates, overlaps and gaps."""
    readings = series.readings
    if any(readings[index][0] > readings[index + 1][0] for index in range(len(readings) - 1)):
        readings = sorted(readings, key=lambda reading: reading[0])
    first = readings[0]
    interval = first[1]
    for reading in readings:
        if reading[1] != interval:
            hint = ""
            if interval % _SECONDS_PER_DAY == 0 and abs(reading[1] - interval) == 3600:
                hint = (
                    "; intervals that follow local days or months change length at a "
                    "daylight-saving change, and readings must have one interval length"
                )
            context.fail_at_reading(
                f"intervals of different lengths: {interval} and {reading[1]} s (the reading "
                f"starting {_format_instant(first[0])} lasts {interval} s, this one starting "
                f"{_format_instant(reading[0])} lasts {reading[1]} s){hint}",
                reading,
                blocks,
            )
    if _SECONDS_PER_DAY % interval:
        context.fail_at_reading(
            f"intervals of {interval} s do not divide a day; expected a length such as "
            "300, 900, 1800 or 3600 s",
            first,
            blocks,
        )
    starts = [reading[0] for reading in readings]
    values = [reading[2] for reading in readings]
    gaps: list[tuple[int, int]] = []
    if starts != list(range(starts[0], starts[0] + len(starts) * interval, interval)):
        for index in range(1, len(readings)):
            previous, current = readings[index - 1], readings[index]
            step = current[0] - previous[0]
            if step == interval:
                continue
            where = _reading_words(previous)
            if step == 0:
                message = f"{_format_instant(current[0])} appears twice (first at {where})"
            elif step < interval:
                message = (
                    f"the reading starting {_format_instant(current[0])} begins {step} s "
                    f"after the one at {where}, so intervals of {interval} s overlap"
                )
            elif step % interval:
                message = (
                    f"the reading starting {_format_instant(current[0])} begins {step} s after "
                    f"the one at {where}, not a whole number of {interval} s intervals"
                )
            elif allow_gaps:
                gaps.append((previous[0] + interval, current[0]))
                continue
            else:
                missing = step // interval - 1
                message = (
                    f"gap: no readings from {_format_instant(previous[0] + interval)} to "
                    f"{_format_instant(current[0])} ({missing} interval"
                    f"{'' if missing == 1 else 's'} missing); allow gaps to bill anyway"
                )
            context.fail_at_reading(message, current, blocks)
    return _Sequence(interval, starts, values, tuple(gaps))


def _check_same_intervals(
    series: _Series,
    sequence: _Sequence,
    energy: _Series,
    energy_sequence: _Sequence,
    blocks: list[_Resource],
    context: _Context,
) -> None:
    """Refuse a column whose intervals are not exactly those of ``kwh``."""
    if sequence.starts == energy_sequence.starts and (
        sequence.interval_seconds == energy_sequence.interval_seconds
    ):
        return
    words = _COLUMN_WORDS[series.column]
    if sequence.interval_seconds != energy_sequence.interval_seconds:
        context.fail(
            f"{words} has intervals of {sequence.interval_seconds} s, but "
            f"{_COLUMN_WORDS['kwh']} ({energy.meter_reading.label}) has "
            f"{energy_sequence.interval_seconds} s",
            series.meter_reading,
        )
    own = set(sequence.starts)
    others = set(energy_sequence.starts)
    extra = min(own - others, default=None)
    missing = min(others - own, default=None)
    if extra is not None and (missing is None or extra < missing):
        reading = next(reading for reading in series.readings if reading[0] == extra)
        context.fail_at_reading(
            f"{words} has a reading at {_format_instant(extra)}, but "
            f"{_COLUMN_WORDS['kwh']} ({energy.meter_reading.label}) has none",
            reading,
            blocks,
        )
    assert missing is not None  # noqa: S101  (the start lists differ)
    context.fail(
        f"{words} has no reading at {_format_instant(missing)}, but {_COLUMN_WORDS['kwh']} "
        f"({energy.meter_reading.label}) has one; every column must cover the same intervals",
        series.meter_reading,
    )


def _reading_words(reading: _Reading) -> str:
    """Where a reading is, in words: ``IntervalBlock 2, IntervalReading 5``."""
    return f"IntervalBlock {reading[3]}, IntervalReading {reading[4]}"


def _shorten(text: str) -> str:
    """A text as quoted in a message: stripped, and cut after 30 characters."""
    text = text.strip()
    return text if len(text) <= 30 else text[:30] + "..."


def _format_instant(seconds: int) -> str:
    """UTC epoch seconds as ISO 8601: ``2014-01-01T05:00Z``."""
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ" if moment.second else "%Y-%m-%dT%H:%MZ")
