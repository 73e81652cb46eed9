"""Text tables line up by display width: a CJK character takes two terminal columns.

Every table renderer lays out its rows with `tariffs.io.render.text.align_table`, which
pads each cell to the widest cell of its column in terminal columns (`display_width`), not
in characters. The checks below read each rendered table back by display column: the
spans of the rule line (``----  ------``) are the columns, and every row must hold its
cell inside its column's span, with only spaces in the two-column gaps between spans.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tables import flat_yaml, table_yaml
from tariffs import Readings, parse_tariff
from tariffs.cli import main
from tariffs.io.render.comparison import comparison_to_table
from tariffs.io.render.portfolio import portfolio_to_table
from tariffs.io.render.text import align_table, display_width
from tariffs.whatif.compare import compare_tariffs
from tariffs.whatif.portfolio import AccountOutcome, summarize

JULY_FIRST = 1751299200  # 2025-07-01T00:00 Asia/Shanghai (UTC+8)


def _columns_of(text: str) -> list[str]:
    """Each display column of ``text``: a wide character fills two, the second one ""."""
    columns: list[str] = []
    for char in text:
        width = display_width(char)
        if width == 0:
            columns[-1] += char  # a combining mark draws on the character before it
            continue
        columns.append(char)
        if width == 2:
            columns.append("")
    return columns


def _spans(rule: str) -> list[tuple[int, int]]:
    """The display-column spans [start, end) of the dash runs of a rule line."""
    spans, start = [], None
    for index, char in enumerate(rule + " "):
        if char == "-" and start is None:
            start = index
        elif char != "-" and start is not None:
            spans.append((start, index))
            start = None
    return spans


def _padded(row: str, spans: list[tuple[int, int]]) -> list[str]:
    """The display columns of ``row``, with the trailing spaces the layout removed."""
    columns = _columns_of(row)
    return columns + [" "] * (spans[-1][1] - len(columns))


def cells(row: str, spans: list[tuple[int, int]]) -> list[str]:
    """The cells of ``row`` read at the display columns of ``spans``.

    Raises:
        AssertionError: A wide character straddles a column edge, or a gap between two
            columns holds anything but spaces.
    """
    columns = _padded(row, spans)
    assert len(columns) == spans[-1][1], f"row wider than its table: {row!r}"
    edges = [edge for span in spans for edge in span]
    for edge in edges:
        assert edge >= len(columns) or columns[edge] != "", f"wide character cut: {row!r}"
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert "".join(columns[end:start]) == " " * (start - end), f"gap not blank: {row!r}"
    return ["".join(columns[a:b]).strip() for a, b in spans]


def table_after(text: str, header_start: str) -> tuple[list[tuple[int, int]], list[list[str]]]:
    """The column spans and the cells of the table whose header starts ``header_start``."""
    lines = text.splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith(header_start))
    spans = _spans(lines[first + 1])
    rows = [lines[first]]
    for line in lines[first + 2 :]:
        if not line.strip():
            break
        if set(line) <= {"-", " "}:
            continue  # a rule before the total row
        if line.startswith("warning:"):
            break
        rows.append(line)
    return spans, [cells(row, spans) for row in rows]


def test_display_width_counts_wide_as_two_and_combining_marks_as_none() -> None:
    assert display_width("峰时电量") == 8  # four ideographs, two columns each
    assert display_width("ｋＷｈ") == 6  # fullwidth forms: East Asian Width F
    assert display_width("ｶﾅ") == 2  # halfwidth katakana: one column each
    assert display_width("e\u0301") == 1  # e + COMBINING ACUTE ACCENT
    assert display_width("峰\u200d") == 2  # ZERO WIDTH JOINER: a format character
    assert display_width("peak 0.9920") == len("peak 0.9920")


def test_align_table_pads_by_display_width() -> None:
    lines = align_table([["时段", "kWh"], ["峰", "12"], ["off-peak", "3.5"]], right=(1,))
    # 时段 is 4 columns, 峰 2, off-peak 8: the first column is 8 wide.
    assert lines == [
        "时段      kWh",
        "--------  ---",
        "峰         12",
        "off-peak  3.5",
    ]


def _label(text: str) -> str:
    """A cell's text: composed, no blanks around it, not starting with a combining mark."""
    text = unicodedata.normalize("NFC", text).strip() or "x"
    return "a" + text if unicodedata.combining(text[0]) else text


LABELS = st.text(
    alphabet=st.sampled_from("ab 1.峰谷平电费ｋＷé\u0301-"), min_size=0, max_size=8
).map(_label)


@given(
    st.integers(1, 4).flatmap(
        lambda n: st.lists(st.lists(LABELS, min_size=n, max_size=n), min_size=2, max_size=6)
    ),
    st.sets(st.integers(0, 3)),
)
def test_every_row_has_its_column_edges_at_the_same_display_column(
    rows: list[list[str]], right: set[int]
) -> None:
    lines = align_table(rows, right=right)
    spans = _spans(lines[1])
    assert len(spans) == len(rows[0])
    assert [cells(line, spans) for line in [lines[0], *lines[2:]]] == rows
    for index in right & set(range(len(spans))):  # right-aligned cells end at the edge
        for line in [lines[0], *lines[2:]]:
            assert _padded(line, spans)[spans[index][1] - 1] != " "


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


CHINESE_LABELS = """\
    charges:
      - {kind: energy, price_per_kwh: "0.5", label: 电度电费}
      - {kind: fixed, amount: "10", per: month, code: basic.fee, label: 基本电费（按月）}
"""


def test_bill_table_with_chinese_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tariff = _write(tmp_path, "cn-labels.yaml", table_yaml("cn-labels", CHINESE_LABELS))
    rows = "".join(f"2025-07-01T{h:02d}:00,1\n" for h in range(24))
    readings = _write(tmp_path, "day.csv", "start,kwh\n" + rows)
    assert main(["price", readings, "--tariff", tariff, "--to", "2025-07-02"]) == 0
    spans, found = table_after(capsys.readouterr().out, "code")
    # 24 kWh × 0.5 = 12.00; the fixed 10 per month for 1 of 31 days = 0.32.
    assert [row[1] for row in found] == ["label", "电度电费", "基本电费（按月）", ""]
    assert [row[-1] for row in found][1:] == ["12.00", "0.32", "12.32"]
    assert len(spans) == 6


def test_tables_list_with_a_chinese_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, "zz-a.yaml", flat_yaml("zz-a", "0.5", name="上海 一般工商业"))
    _write(tmp_path, "zz-b.yaml", flat_yaml("zz-b", "0.5", name="flat"))
    assert main(["tables", "--tables", str(tmp_path), "--on", "2025-07-01"]) == 0
    _, found = table_after(capsys.readouterr().out, "id")
    names = {row[0]: row[1] for row in found}
    assert names["zz-a"] == "上海 一般工商业" and names["zz-b"] == "flat"


def test_portfolio_table_with_chinese_groups_and_accounts() -> None:
    kwh, ten, twelve, twenty, fifteen = map(Decimal, ("20", "10.00", "12.00", "20.00", "15.00"))
    outcomes = [
        AccountOutcome("甲-001", {"类别": "工业"}, kwh, ten, twelve, 1),
        AccountOutcome("b-002", {"类别": "居民"}, kwh, twenty, fifteen, 1),
    ]
    text = portfolio_to_table(summarize(outcomes, "a", "b", "CNY", ["类别"], top=2))
    _, groups = table_after(text, "类别")
    assert sorted(row[:3] for row in groups[1:]) == [["居民", "1", "20"], ["工业", "1", "20"]]
    assert groups[0][:3] == ["类别", "accounts", "kWh"]
    _, affected = table_after(text, "account ")
    # 甲-001: 10.00 → 12.00 (+2.00); b-002: 20.00 → 15.00 (-5.00), the larger change first.
    assert [row[0] for row in affected] == ["account", "b-002", "甲-001"]
    assert [row[3] for row in affected] == ["change", "-5.00", "+2.00"]


def test_comparison_table_with_a_wide_tariff_name() -> None:
    flat = parse_tariff(flat_yaml("flat-a", "0.5"), "flat-a.yaml")
    dear = parse_tariff(flat_yaml("flat-b", "0.6"), "flat-b.yaml")
    day = Readings("day.csv", 3600, [JULY_FIRST + 3600 * h for h in range(24)], 3, [1000] * 24)
    comparison = compare_tariffs([flat, dear], day)
    # A renderer is given what it shows; a name as wide as a CJK label must still align.
    renamed = dataclasses.replace(
        comparison,
        results=[dataclasses.replace(r, tariff="峰谷-" + r.tariff) for r in comparison.results],
    )
    spans, found = table_after(comparison_to_table(renamed), "rank")
    # 24 kWh × 0.5 = 12.00 and × 0.6 = 14.40, cheapest first.
    assert [row[1:3] for row in found] == [
        ["tariff", "total CNY"],
        ["峰谷-flat-a", "12.00"],
        ["峰谷-flat-b", "14.40"],
    ]
    assert spans[1] == (6, 6 + display_width("峰谷-flat-a"))
