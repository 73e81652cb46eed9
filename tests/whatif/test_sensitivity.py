"""Tests of sensitivity grids (`tariffs.whatif.sensitivity`) and ``tariffs compare --grid``.

The readings are 1 kWh in every hour of July 2025 (744 kWh: 12 kWh a day in the peak
hours 08-20, 12 kWh in the valley hours 20-08). Worked out by hand:

- ``flat`` (0.51 CNY/kWh): 744 × 0.51 = 379.44 whatever is shifted.
- ``tou`` (peak 1.0, valley 0.2): a shift of s % moves 12 × s / 100 kWh a day, 31 days:
  0 %: 372.00 + 74.40 = 446.40; 10 %: 37.2 kWh moved, 334.80 + 409.2 × 0.2 = 81.84,
  416.64; 20 %: 74.4 moved, 297.60 + 89.28 = 386.88; 30 %: 111.6 moved, 260.40 + 96.72 =
  357.12 (saves 379.44 − 357.12 = 22.32).
- Break-even: at 22.5 % 83.7 kWh move, 288.30 + 455.7 × 0.2 = 91.14, 379.44: the same as
  flat, and a tie ranks flat first (by id); at 22.6 % 84.072 kWh move, 287.928 → 287.93
  and 456.072 × 0.2 = 91.2144 → 91.21, 379.14 < 379.44: tou is the cheapest from 22.6 %.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tables import flat_body, peak_valley_body, table_yaml
from tariffs import Readings, ScenarioError, Tariff, parse_tariff
from tariffs.cli import main
from tariffs.io.render.sensitivity import grid_to_csv, grid_to_json, grid_to_table
from tariffs.whatif.compare import compare_scenarios, compare_tariffs
from tariffs.whatif.scenarios import Scenario, ScenarioOutcome, parse_scenario
from tariffs.whatif.sensitivity import (
    MAX_CELLS,
    GridAxis,
    SensitivityGrid,
    check_axes,
    parse_grid_axis,
    sensitivity_grid,
)

JULY_FIRST = 1751299200  # 2025-07-01T00:00 Asia/Shanghai (UTC+8)
ROOT = Path(__file__).resolve().parents[2]
SVG_ROOT = "{http://www.w3.org/2000/svg}svg"

BODIES = {
    "flat": flat_body("0.51"),
    "tou": peak_valley_body("1.0", "0.2"),
    # 30.00 a month besides tou's prices: growth makes it relatively cheaper.
    "tou-fixed": peak_valley_body("1.0", "0.2")
    + '      - {kind: fixed, code: service, amount: "30.00", per: month}\n',
}


def tariff(tariff_id: str) -> Tariff:
    return parse_tariff(table_yaml(tariff_id, BODIES[tariff_id]), f"{tariff_id}.yaml")


def july(kwh_units: int = 1000) -> Readings:
    hours = 744
    return Readings(
        "july.csv", 3600, [JULY_FIRST + 3600 * i for i in range(hours)], 3, [kwh_units] * hours
    )


def totals(grid: SensitivityGrid, *index: int) -> dict[str, Decimal]:
    return {r.tariff: r.total for r in grid.cell(*index).comparison.results}


# -- axes ------------------------------------------------------------------------------


def test_axes_are_read_from_lists_and_ranges() -> None:
    shift = parse_grid_axis("shift:0..40:10%:peak->valley")
    assert shift == GridAxis(
        "shift",
        tuple(Decimal(v) for v in ("0", "10", "20", "30", "40")),
        ("peak",),
        ("valley",),
        text="shift:0..40:10%:peak->valley",
    )
    assert parse_grid_axis("shift:0,10,20,30,40%:peak->valley").values == shift.values
    growth = parse_grid_axis("scale:-10,0,10,20%")
    assert growth.growth and [str(growth.step(v).factor) for v in growth.values] == [
        "0.9",
        "1",
        "1.1",
        "1.2",
    ]
    assert [growth.label(v) for v in growth.values] == ["-10%", "0%", "+10%", "+20%"]
    scale = parse_grid_axis("scale:0.9..1.2:0.1")
    assert [str(v) for v in scale.values] == ["0.9", "1.0", "1.1", "1.2"]
    cap = parse_grid_axis("cap:400,500kW")
    assert (cap.kind, cap.values, cap.label(Decimal(400))) == (
        "cap",
        (Decimal(400), Decimal(500)),
        "400kW",
    )
    # A range includes its end when the steps land on it, and never passes it.
    assert [str(v) for v in parse_grid_axis("cap:400..550:100kW").values] == ["400", "500"]
    # Clock windows in a shift.
    window = parse_grid_axis("shift:0..20:10%:08:00-11:00->22:00-06:00")
    assert window.from_periods == ("08:00-11:00",) and window.to == ("22:00-06:00",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("shift:0,ten%:peak->valley", r"'ten' is not a number"),
        ("shift:٠,10%:peak->valley", r"is not a number"),
        ("scale:1.1,1.0", r"must increase, found 1 after 1.1"),
        ("scale:1.0,1.0", r"must increase"),
        ("shift:0,50,120%:peak->valley", r"percent must be 0 to 100"),
        ("cap:0,100kW", r"more than 0 kW"),
        ("scale:-120,0%", r"growth is -100 % or more \(a factor of 0 or more\), found -120 %"),
        ("scale:-1.5,1", r"a scale factor is 0 or more, found -1.5"),
        ("shift:-10,0%:peak->valley", r"a shift's percent is 0 or more, found -10"),
        ("cap:100..50:10kW", r"ends before it starts"),
        ("cap:100..200:0kW", r"step must be above 0"),
        ("shift:0..100:0.1%:peak->valley", r"1001 values, more than a grid's 400 cells"),
        ("solar:1,2kWp", r"is not understood"),
        ("scale:", r"is not understood"),
    ],
)
def test_bad_axes_are_refused(text: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_grid_axis(text)


def test_a_grid_has_one_or_two_axes_of_different_kinds_and_at_most_400_cells() -> None:
    shift = parse_grid_axis("shift:0,10%:peak->valley")
    with pytest.raises(ScenarioError, match="given twice"):
        check_axes([shift, parse_grid_axis("shift:0,10%:flat->valley")])
    with pytest.raises(ScenarioError, match="one or two axes"):
        check_axes([shift, parse_grid_axis("scale:1,2"), parse_grid_axis("cap:1,2kW")])
    with pytest.raises(ScenarioError, match="one or two axes"):
        check_axes([])
    wide = parse_grid_axis("scale:0..20.1:0.1")  # 202 values
    with pytest.raises(ScenarioError, match=r"2 × 202 = 404 cells, more than 400"):
        check_axes([shift, wide])
    assert MAX_CELLS == 400
    check_axes([parse_grid_axis("scale:0..19.9:0.1"), shift])  # 200 × 2 = 400: allowed


# -- the grid's laws -------------------------------------------------------------------


def test_a_shift_axis_golden() -> None:
    grid = sensitivity_grid(
        july(),
        [tariff("flat"), tariff("tou")],
        [parse_grid_axis("shift:0..30:10%:peak->valley")],
        current="flat",
    )
    assert [totals(grid, k) for k in range(4)] == [
        {"flat": Decimal("379.44"), "tou": Decimal("446.40")},
        {"flat": Decimal("379.44"), "tou": Decimal("416.64")},
        {"flat": Decimal("379.44"), "tou": Decimal("386.88")},
        {"flat": Decimal("379.44"), "tou": Decimal("357.12")},
    ]
    cheapest = [grid.cell(k).cheapest for k in range(4)]
    assert [(c.tariff, c.savings) for c in cheapest if c is not None] == [
        ("flat", Decimal("0.00")),
        ("flat", Decimal("0.00")),
        ("flat", Decimal("0.00")),
        ("tou", Decimal("22.32")),
    ]
    (mark,) = grid.marks
    assert (mark.axis, mark.fixed_index, mark.low_index) == (0, None, 2)
    assert (mark.value, mark.resolution) == (Decimal("22.6"), Decimal("0.1"))
    assert (mark.cheaper_below, mark.cheaper_above, mark.error) == ("flat", "tou", None)
    table = grid_to_table(grid)
    assert "30%                     379.44   357.12  tou       22.32" in table
    assert (
        "  from shift peak->valley 22.6% (between 20% and 30%, to 0.1%) tou is the cheapest "
        "(flat below)" in table
    )


def test_each_cell_is_applied_once_and_the_search_applies_only_values_between_cells(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tariffs.whatif.compare as compare_module
    import tariffs.whatif.sensitivity as sensitivity_module

    applied: list[Decimal] = []

    def recording(apply: Callable[..., ScenarioOutcome]) -> Callable[..., ScenarioOutcome]:
        def apply_and_record(
            readings: Readings, scenario: Scenario, **kwargs: Any
        ) -> ScenarioOutcome:
            (step,) = scenario.steps
            applied.append(step.percent)  # type: ignore[attr-defined]
            return apply(readings, scenario, **kwargs)

        return apply_and_record

    for module in (compare_module, sensitivity_module):
        monkeypatch.setattr(module, "apply_scenario", recording(module.apply_scenario))
    grid = sensitivity_grid(
        july(),
        [tariff("flat"), tariff("tou")],
        [parse_grid_axis("shift:0..30:10%:peak->valley")],
        current="flat",
    )
    (mark,) = grid.marks
    assert mark.value == Decimal("22.6")
    cells, search = applied[:4], applied[4:]
    assert cells == [Decimal(0), Decimal(10), Decimal(20), Decimal(30)]
    # The search between 20 % and 30 % in steps of 0.1 %: 100 steps, halved at most 7 times
    # (2**7 = 128), each value once and none a cell's.
    assert 1 <= len(search) <= 7
    assert len(set(search)) == len(search)
    assert all(Decimal(20) < value < Decimal(30) for value in search)
    assert Decimal("22.6") in search and Decimal("22.5") in search


def shift_and_growth(rows_first: bool = True) -> SensitivityGrid:
    axes = [parse_grid_axis("shift:0..40:10%:peak->valley"), parse_grid_axis("scale:-20..40:20%")]
    return sensitivity_grid(
        july(),
        [tariff("flat"), tariff("tou-fixed")],
        axes if rows_first else axes[::-1],
        current="flat",
    )


def test_the_zero_change_cell_prices_as_the_readings_as_read() -> None:
    grid = shift_and_growth()
    plain = compare_tariffs([tariff("flat"), tariff("tou-fixed")], july(), current="flat")
    zero = grid.cell(0, 1)  # shift 0 %, growth 0 %
    assert zero.scenario.name == "scale:1+shift:0%:peak->valley"
    assert [(r.tariff, r.total, r.savings) for r in zero.comparison.results] == [
        (r.tariff, r.total, r.savings) for r in plain.results
    ]
    # flat 379.44; tou-fixed 30.00 + 446.40 = 476.40.
    assert totals(grid, 0, 1) == {"flat": Decimal("379.44"), "tou-fixed": Decimal("476.40")}
    assert [(r.tariff, r.total) for r in grid.base.results] == [
        (r.tariff, r.total) for r in plain.results
    ]


def test_every_cell_prices_as_compare_with_its_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readings = tmp_path / "july.csv"
    readings.write_text(
        "start,kwh\n"
        + "".join(f"2025-07-{1 + h // 24:02d}T{h % 24:02d}:00,1.000\n" for h in range(744)),
        encoding="utf-8",
    )
    names = []
    for tariff_id in ("flat", "tou-fixed"):
        path = tmp_path / f"{tariff_id}.yaml"
        path.write_text(table_yaml(tariff_id, BODIES[tariff_id]), encoding="utf-8")
        names += ["--tariff", str(path)]
    common = [str(readings), *names, "--current", "flat", "--format", "json"]
    assert (
        main(["compare", *common, "--grid", "scale:0.9,1.3", "--grid", "shift:0,35%:peak->valley"])
        == 0
    )
    grid = json.loads(capsys.readouterr().out)
    assert len(grid["cells"]) == 4
    for cell in grid["cells"]:
        assert main(["compare", *common, "--scenario", cell["scenario"]]) == 0
        (case,) = json.loads(capsys.readouterr().out)["scenarios"]
        assert case["name"] == cell["scenario"]
        assert [(r["tariff"], r["total"], r["savings"]) for r in case["results"]] == [
            (r["tariff"], r["total"], r["savings"]) for r in cell["results"]
        ]


def test_swapping_the_axes_transposes_the_grid() -> None:
    rows, columns = shift_and_growth(), shift_and_growth(rows_first=False)
    assert rows.shape == (5, 4) and columns.shape == (4, 5)
    for i in range(5):
        for j in range(4):
            one, other = rows.cell(i, j), columns.cell(j, i)
            assert one.scenario.name == other.scenario.name
            assert totals(rows, i, j) == totals(columns, j, i)
    document, swapped = json.loads(grid_to_json(rows)), json.loads(grid_to_json(columns))
    for tariff_id, matrix in document["totals"].items():
        assert [list(row) for row in zip(*matrix, strict=True)] == swapped["totals"][tariff_id]
    assert [list(row) for row in zip(*document["cheapest"], strict=True)] == swapped["cheapest"]
    # The same break-even marks, found along the same axes.
    assert sorted((m.value, m.cheaper_below, m.cheaper_above) for m in rows.marks) == sorted(
        (m.value, m.cheaper_below, m.cheaper_above) for m in columns.marks
    )


def test_shift_cells_conserve_energy_and_growth_scales_it() -> None:
    grid = shift_and_growth()
    for cell in grid.cells:
        growth = cell.values[1]
        expected = Decimal(744) * (1 + growth / 100)
        assert {r.energy_kwh for r in cell.comparison.results} == {expected}
        (moved,) = [s for s in cell.steps if s.step.startswith("shift:")]
        # 12 kWh a day in the peak × share × 31 days × growth.
        assert moved.quantities["moved_kwh"] == 12 * cell.values[0] / 100 * 31 * (1 + growth / 100)


def test_break_even_marks_lie_between_cells_whose_cheapest_differs() -> None:
    grid = shift_and_growth()
    rows, columns = grid.shape
    tariffs = [tariff("flat"), tariff("tou-fixed")]

    def cheapest_at(values: list[Decimal]) -> str:
        steps = [grid.axes[0].step(values[0]), grid.axes[1].step(values[1])]
        scenario = parse_scenario("+".join(_text(step) for step in steps))
        whatif = compare_scenarios(tariffs, july(), [scenario], current="flat")
        return whatif.scenarios[0].comparison.results[0].tariff

    pairs = set()
    for i in range(rows):
        for j in range(columns):
            here = grid.cell(i, j).cheapest
            for along, (k, m) in ((0, (i + 1, j)), (1, (i, j + 1))):
                if k < rows and m < columns:
                    there = grid.cell(k, m).cheapest
                    assert here is not None and there is not None
                    if here.tariff != there.tariff:
                        pairs.add((along, j if along == 0 else i, i if along == 0 else j))
    assert pairs, "the grid has a change of cheapest tariff"
    assert {(m.axis, m.fixed_index, m.low_index) for m in grid.marks} == pairs
    for mark in grid.marks:
        axis = grid.axes[mark.axis]
        low, high = axis.values[mark.low_index], axis.values[mark.low_index + 1]
        assert mark.value is not None and low < mark.value <= high
        fixed = grid.axes[1 - mark.axis].values[mark.fixed_index or 0]

        def values(at: Decimal, mark_axis: int = mark.axis, held: Decimal = fixed) -> list[Decimal]:
            return [at, held] if mark_axis == 0 else [held, at]

        assert cheapest_at(values(mark.value)) == mark.cheaper_above
        assert cheapest_at(values(mark.value - mark.resolution)) == mark.cheaper_below


def _text(step: object) -> str:
    from tariffs.whatif.scenarios import describe_step

    return describe_step(step)  # type: ignore[arg-type]


def test_a_cell_that_cannot_be_priced_fails_alone() -> None:
    """1 kWh an hour cannot be held under 0.5 kW; under 2 kW nothing changes."""
    grid = sensitivity_grid(
        july(), [tariff("flat"), tariff("tou")], [parse_grid_axis("cap:0.5,2kW")], current="flat"
    )
    failed, kept = grid.cell(0), grid.cell(1)
    assert failed.error is not None and "cannot be held under 0.5 kW" in failed.error
    assert failed.comparison.results == ()
    assert totals(grid, 1) == {"flat": Decimal("379.44"), "tou": Decimal("446.40")}
    assert kept.error is None
    assert grid.marks == ()
    assert f"failed: cap 0.5kW: {failed.error}" in grid_to_table(grid)
    rows = list(csv.DictReader(io.StringIO(grid_to_csv(grid))))
    assert [(r["scenario"], r["tariff"], r["error"] != "") for r in rows] == [
        ("cap:0.5kW", "", True),
        ("cap:2kW", "flat", False),
        ("cap:2kW", "tou", False),
    ]


def test_csv_has_a_row_per_cell_and_tariff_and_json_both_views() -> None:
    grid = shift_and_growth()
    rows = list(csv.DictReader(io.StringIO(grid_to_csv(grid))))
    assert len(rows) == 20 * 2
    first = rows[0]
    assert list(first)[:4] == ["scenario", "shift peak->valley %", "growth %", "rank"]
    # shift 0 %, growth −20 %: 595.2 kWh; flat 303.55 (595.2 × 0.51 = 303.552 → 303.55),
    # tou-fixed 30.00 + 297.60 + 59.52 = 387.12.
    assert [(r["tariff"], r["rank"], r["total"]) for r in rows[:2]] == [
        ("flat", "1", "303.55"),
        ("tou-fixed", "2", "387.12"),
    ]
    assert {r["cheapest"] for r in rows[:2]} == {"flat"}
    assert first["scenario"] == "scale:0.8+shift:0%:peak->valley"
    assert (first["shift peak->valley %"], first["growth %"]) == ("0", "-20")
    document = json.loads(grid_to_json(grid))
    assert document["cheapest"][0][0] == {"tariff": "flat", "total": "303.55", "savings": "0.00"}
    assert document["totals"]["tou-fixed"][0][0] == "387.12"
    assert [axis["values"] for axis in document["axes"]] == [
        ["0", "10", "20", "30", "40"],
        ["-20", "0", "20", "40"],
    ]
    assert len(document["break_even"]) == len(grid.marks)


# -- the command -----------------------------------------------------------------------


def write_inputs(tmp_path: Path) -> list[str]:
    readings = tmp_path / "july.csv"
    readings.write_text(
        "start,kwh\n"
        + "".join(f"2025-07-{1 + h // 24:02d}T{h % 24:02d}:00,1.000\n" for h in range(744)),
        encoding="utf-8",
    )
    argv = [str(readings)]
    for tariff_id in ("flat", "tou"):
        path = tmp_path / f"{tariff_id}.yaml"
        path.write_text(table_yaml(tariff_id, BODIES[tariff_id]), encoding="utf-8")
        argv += ["--tariff", str(path)]
    return argv


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--scenario", "scale:1.1"], 2, "does not take --scenario"),
        (["--break-even", "consumption"], 2, "does not take --break-even"),
        (["--lang", "zh"], 2, "does not take --lang zh"),
        (
            ["--grid", "shift:0,x%:peak->valley"],
            1,
            "--grid: grid axis 'shift:0,x%:peak->valley': 'x' is not a number",
        ),
        (
            ["--grid", "scale:1,2", "--grid", "scale:3,4"],
            1,
            "--grid: a grid axis of kind 'scale' is given twice",
        ),
        (
            ["--grid", "scale:1,2", "--grid", "cap:1,2kW", "--grid", "shift:0,1%:peak->valley"],
            1,
            "one or two axes",
        ),
        (["--grid", "scale:0..30:0.1", "--grid", "cap:1,2kW"], 1, "more than 400"),
    ],
)
def test_the_command_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], code: int, message: str
) -> None:
    argv = ["compare", *write_inputs(tmp_path), "--output", str(tmp_path / "out.txt")]
    if not any(item == "--grid" for item in extra):
        argv += ["--grid", "shift:0,10%:peak->valley"]
    assert main([*argv, *extra]) == code
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out.txt").exists()


def test_the_command_writes_what_it_could_and_exits_1_for_a_failed_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["compare", *write_inputs(tmp_path), "--current", "flat", "--grid", "cap:0.5,2kW"]
    assert main([*argv, "--format", "csv"]) == 1
    captured = capsys.readouterr()
    assert "cap:2kW,2,1,flat,CNY,379.44" in captured.out
    assert "tariffs: grid cell cap 0.5kW failed: " in captured.err


# -- the heat map ----------------------------------------------------------------------


def test_the_heat_map_has_a_cell_per_grid_cell_and_a_line_per_break_even() -> None:
    from tariffs.io.render.plot import sensitivity_chart, sensitivity_figure

    grid = shift_and_growth()
    figure = sensitivity_figure(grid)
    (axes, _colorbar) = figure.axes
    (image,) = axes.images
    assert image.get_array().shape == (5, 4)
    found = [mark for mark in grid.marks if mark.value is not None]
    assert found
    assert len(axes.lines) == len(found)
    # One annotation per cell (the cheapest tariff and its saving) and one per mark.
    texts = [text.get_text() for text in axes.texts]
    assert len(texts) == 20 + len(found)
    assert texts[0] == "flat\n0.00"
    assert {grid.axes[m.axis].label(m.value) for m in found} <= set(texts)  # type: ignore[arg-type]
    png = sensitivity_chart(grid, "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000
    svg = sensitivity_chart(grid, "svg")
    assert ElementTree.fromstring(svg).tag == SVG_ROOT  # noqa: S314 - our own chart


def test_the_heat_map_of_one_axis_has_a_row_per_tariff(tmp_path: Path) -> None:
    from tariffs.io.render.plot import sensitivity_figure

    grid = sensitivity_grid(
        july(),
        [tariff("flat"), tariff("tou")],
        [parse_grid_axis("shift:0..30:10%:peak->valley")],
        current="flat",
    )
    axes = sensitivity_figure(grid).axes[0]
    assert axes.images[0].get_array().shape == (2, 4)
    (line,) = axes.lines
    # 22.6 % lies 0.26 of the way from the 20 % cell (index 2) to the 30 % cell.
    assert list(line.get_xdata()) == [pytest.approx(2.26), pytest.approx(2.26)]
    assert "22.6%" in [text.get_text() for text in axes.texts]
    out = tmp_path / "grid.svg"
    argv = ["compare", *write_inputs(tmp_path), "--current", "flat"]
    argv += [
        "--grid",
        "shift:0..30:10%:peak->valley",
        "--plot",
        str(out),
        "--output",
        str(tmp_path / "t"),
    ]
    assert main(argv) == 0
    assert ElementTree.fromstring(out.read_bytes()).tag == SVG_ROOT  # noqa: S314 - our own file


# -- the example -----------------------------------------------------------------------


def test_the_example_readme_shows_what_the_command_prints(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (ROOT / "examples" / "sensitivity" / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in text.split("```") if b.lstrip("\n").startswith("$ tariffs compare")]
    assert blocks
    monkeypatch.chdir(ROOT)
    for block in blocks:
        command, _, printed = block.lstrip("\n").partition("\n\n")
        command = command.removeprefix("$ tariffs ").replace("\\\n", " ")
        import shlex

        main(shlex.split(command))
        assert capsys.readouterr().out == printed


def test_the_readme_use_block_shows_a_grid_that_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shlex

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    use = readme.split("## Use", 1)[1].split("```", 2)[1]
    lines = use.replace("\\\n", " ").splitlines()
    (command,) = [line for line in lines if "--grid" in line]
    assert "[--plot grid.png]" in command
    argv = shlex.split(command.replace("[--plot grid.png]", "").strip())[1:]
    monkeypatch.chdir(ROOT)
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "Sensitivity grid: shift peak->valley % × growth %; savings against two-part"
    )


def test_a_tariff_that_does_not_apply_is_said_once() -> None:
    usd = parse_tariff(table_yaml("usd", flat_body("0.1"), currency="USD"), "usd.yaml")
    grid = sensitivity_grid(
        july(), [tariff("flat"), usd], [parse_grid_axis("scale:1,2")], current="flat"
    )
    reason = grid.base.not_applicable[0].reason
    assert "USD" in reason
    assert all(cell.comparison.not_applicable[0].reason == reason for cell in grid.cells)
    table = grid_to_table(grid)
    assert table.count("usd") == 1 and f"not applicable: usd: {reason}\n" in table
    document = json.loads(grid_to_json(grid))
    assert document["not_applicable"] == [{"tariff": "usd", "reason": reason}]
    assert document["cells"][1]["not_applicable"] == [{"tariff": "usd", "reason": reason}]
    # 2 × 744 kWh × 0.51 = 758.88.
    assert document["totals"] == {"flat": ["379.44", "758.88"]}
    rows = list(csv.DictReader(io.StringIO(grid_to_csv(grid))))
    assert [(r["scenario"], r["tariff"], r["not_applicable"] == reason) for r in rows] == [
        ("base", "usd", True),
        ("scale:1", "flat", False),
        ("scale:1", "usd", True),
        ("scale:2", "flat", False),
        ("scale:2", "usd", True),
    ]


@given(
    day=st.lists(st.integers(0, 5000), min_size=24, max_size=24),
    shares=st.lists(st.integers(0, 100), min_size=1, max_size=3, unique=True),
    factors=st.lists(st.integers(0, 30), min_size=1, max_size=3, unique=True),
)
def test_any_grid_is_its_scenarios_and_transposes(
    day: list[int], shares: list[int], factors: list[int]
) -> None:
    """Any load (the same random day, 3 days), any shifts and scale factors (0 to 3)."""
    readings = Readings("days.csv", 3600, [JULY_FIRST + 3600 * i for i in range(72)], 3, day * 3)
    shift = parse_grid_axis(f"shift:{','.join(map(str, sorted(shares)))}%:peak->valley")
    scale = parse_grid_axis("scale:" + ",".join(str(Decimal(f) / 10) for f in sorted(factors)))
    tariffs = [tariff("flat"), tariff("tou-fixed")]
    grid = sensitivity_grid(readings, tariffs, [shift, scale], current="flat", break_even=False)
    swapped = sensitivity_grid(readings, tariffs, [scale, shift], current="flat", break_even=False)
    whatif = compare_scenarios(
        tariffs, readings, [cell.scenario for cell in grid.cells], current="flat"
    )
    for cell, case in zip(grid.cells, whatif.scenarios, strict=True):
        i, j = cell.index
        assert cell.scenario == case.scenario
        priced = [(r.tariff, r.total, r.savings) for r in cell.comparison.results]
        assert priced == [(r.tariff, r.total, r.savings) for r in case.comparison.results]
        other = swapped.cell(j, i)
        assert [(r.tariff, r.total) for r in other.comparison.results] == [
            (r.tariff, r.total) for r in cell.comparison.results
        ]
        # A shift keeps the kWh; the scale multiplies them.
        expected = Decimal(sum(day) * 3).scaleb(-3) * cell.values[1]
        assert {r.energy_kwh for r in cell.comparison.results} == {expected}
