"""A large readings file is read in pieces; the readings and every message are the same
as for the file read whole.

The pieces here are made tiny (`read_pieces(..., piece_bytes=n)`), so that every file is
cut in many places, joins fall between every kind of pair of rows, and each result is
compared with the file parsed whole (`parse_readings_bytes`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffs.errors import ReadingsError
from tariffs.io.readings.csv_reader import parse_readings_bytes, read_pieces
from tariffs.io.readings.layout import CsvLayout
from tariffs.model.readings import Readings


def outcome(call: object) -> object:
    try:
        return call()  # type: ignore[operator]
    except ReadingsError as error:
        return ("error", str(error))


def both(tmp_path: Path, data: bytes, piece_bytes: int, **options: object) -> tuple[object, object]:
    path = tmp_path / "r.csv"
    path.write_bytes(data)
    whole = outcome(lambda: parse_readings_bytes(data, str(path), "Asia/Shanghai", **options))  # type: ignore[arg-type]
    pieces = outcome(
        lambda: read_pieces(path, "Asia/Shanghai", piece_bytes=piece_bytes, **options)  # type: ignore[arg-type]
    )
    return whole, pieces


def hours(count: int, value: str = "1.5", start_hour: int = 0) -> list[str]:
    return [
        f"2025-07-{1 + (start_hour + h) // 24:02d}T{(start_hour + h) % 24:02d}:00,{value}"
        for h in range(count)
    ]


def csv_bytes(rows: list[str], header: str = "start,kwh", end: str = "\n") -> bytes:
    return (end.join([header, *rows]) + end).encode()


_NO_ROWS_MESSAGE = "no readings: the file has a header but no rows"

CASES = {
    "plain": csv_bytes(hours(60)),
    "crlf and bom": b"\xef\xbb\xbf" + csv_bytes(hours(60), end="\r\n"),
    "places differ between pieces": csv_bytes(
        hours(20) + [r.replace("1.5", "1.123456") for r in hours(20, start_hour=20)]
    ),
    "duplicate row": csv_bytes(hours(30) + hours(1, start_hour=29) + hours(20, start_hour=30)),
    "row out of order": csv_bytes(hours(30) + hours(1, start_hour=5) + hours(5, start_hour=30)),
    "gap": csv_bytes(hours(30) + hours(30, start_hour=33)),
    "empty values": csv_bytes(
        [r if i % 7 else r.replace("1.5", "") for i, r in enumerate(hours(60))]
    ),
    "blank line inside": csv_bytes(hours(30) + [""] + hours(30, start_hour=30)),
    "blank lines at the end": csv_bytes(hours(40)) + b"\n\n \n",
    "bad value late": csv_bytes(hours(50) + ["2025-07-03T02:00,x"]),
    "invalid utf-8 late": csv_bytes(hours(50)) + b"2025-07-03T02:00,1\xe9\n",
    "nul late": csv_bytes(hours(50)) + b"2025-07-03T02:00,1\x00\n",
    "off the grid late": csv_bytes(hours(50) + ["2025-07-03T02:07,1"]),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("piece_bytes", [1, 17, 64, 100, 1000])
@pytest.mark.parametrize("allow_gaps", [False, True])
def test_pieces_read_as_the_whole_file(
    tmp_path: Path, name: str, piece_bytes: int, allow_gaps: bool
) -> None:
    whole, pieces = both(tmp_path, CASES[name], piece_bytes, allow_gaps=allow_gaps)
    assert pieces == whole


def test_a_join_between_pieces_is_named_like_any_row(tmp_path: Path) -> None:
    # The duplicate is the 31st data row, line 32, whichever piece it falls in.
    _, pieces = both(tmp_path, CASES["duplicate row"], 64)
    message = f"{tmp_path / 'r.csv'}:32: 2025-07-02T05:00 appears twice (first at row 31)"
    assert pieces == ("error", message)


def test_a_layout_is_read_in_pieces_too(tmp_path: Path) -> None:
    rows = [f"2025-07-01T{h:02d}:00,{h}.5,-1" for h in range(1, 24)]
    data = csv_bytes(rows, header="hour_ending,kw_avg,pv")
    layout = CsvLayout(
        columns={"end": "hour_ending", "kwh": "kw_avg"}, units={"kwh": "kW"}, ignore=("pv",)
    )
    whole, pieces = both(tmp_path, data, 50, layout=layout)
    assert pieces == whole
    # Read, not refused: 23 hours from 00:00, each x.5 kW over one hour, x.5 kWh.
    assert isinstance(pieces, Readings)
    assert pieces.kwh == [1000 * h + 500 for h in range(1, 24)]
    assert pieces.starts[0] == 1751299200  # 2025-07-01T00:00+08:00


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.sampled_from(["1", "0.5", "12.25", "", "x", "3.000001", "-1"]), min_size=2, max_size=40
    ),
    skip=st.sets(st.integers(0, 39), max_size=3),
    swap=st.none() | st.tuples(st.integers(0, 39), st.integers(0, 39)),  # out of order
    piece_bytes=st.integers(1, 120),
    allow_gaps=st.booleans(),
)
def test_any_file_reads_the_same_in_pieces(
    tmp_path_factory: pytest.TempPathFactory,
    values: list[str],
    skip: set[int],
    swap: tuple[int, int] | None,
    piece_bytes: int,
    allow_gaps: bool,
) -> None:
    rows = [
        row.rsplit(",", 1)[0] + "," + value
        for i, (row, value) in enumerate(zip(hours(len(values)), values, strict=True))
        if i not in skip
    ]
    if swap is not None and max(swap) < len(rows):
        i, j = swap
        rows[i], rows[j] = rows[j], rows[i]
    tmp_path = tmp_path_factory.mktemp("pieces")
    whole, pieces = both(tmp_path, csv_bytes(rows), piece_bytes, allow_gaps=allow_gaps)
    assert pieces == whole


@pytest.mark.parametrize("piece_bytes", [1, 30, 1000])
def test_a_file_of_empty_readings_only_is_refused_at_its_first_row(
    tmp_path: Path, piece_bytes: int
) -> None:
    rows = [row.replace("1.5", "") for row in hours(5)]
    whole, pieces = both(tmp_path, csv_bytes(rows), piece_bytes, allow_gaps=True)
    assert (
        pieces
        == whole
        == (
            "error",
            f"{tmp_path / 'r.csv'}:2: no readings: the file has a header but no rows",
        )
    )


def test_a_header_alone_is_refused_at_the_first_row_in_pieces_too(tmp_path: Path) -> None:
    # The header fills the first piece exactly; no row follows.
    whole, pieces = both(tmp_path, b"start,kwh\n", 10)
    assert pieces == whole == ("error", f"{tmp_path / 'r.csv'}:2: " + _NO_ROWS_MESSAGE)
