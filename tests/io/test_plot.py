"""Tests of charts (`tariffs.io.render.plot`) and of ``--plot``.

Plotting is an optional extra. Where matplotlib is installed, the charts are written
(a PNG signature, an SVG root element); where it is not, ``--plot`` must fail with a
clear message. The message is also checked with matplotlib hidden from the import system.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tables import peak_valley_yaml
from tariffs import OutputError, Readings, Tariff, parse_tariff
from tariffs.cli import main
from tariffs.io.render.plot import (
    chart_format,
    comparison_chart,
    comparison_months_chart,
    portfolio_chart,
    portfolio_months_chart,
    require_matplotlib,
)
from tariffs.whatif.compare import compare_scenarios, compare_tariffs
from tariffs.whatif.portfolio import (
    AccountOutcome,
    PortfolioResult,
    price_accounts,
    read_accounts_csv,
    summarize,
)
from tariffs.whatif.scenarios import parse_scenario

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"  # PNG specification, section 5.2
SVG_ROOT = "{http://www.w3.org/2000/svg}svg"
MISSING = (
    "charts need matplotlib, which is not installed; install the plot extra: "
    "python -m pip install 'tariffs[plot]'"
)


def has_matplotlib() -> bool:
    try:
        importlib.import_module("matplotlib.figure")
    except ImportError:
        return False
    return True


def hide_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import matplotlib`` fail, as it does where it is not installed."""
    for name in ("matplotlib", "matplotlib.figure"):
        monkeypatch.setitem(sys.modules, name, None)


def readings() -> Readings:
    """1 kWh every hour of July and August 2025 (Asia/Shanghai)."""
    start = 1751299200  # 2025-07-01T00:00+08:00
    hours = 62 * 24
    return Readings("m.csv", 3600, [start + 3600 * h for h in range(hours)], 3, [1000] * hours)


def tariffs() -> list[Tariff]:
    return [
        parse_tariff(peak_valley_yaml("tou", "1.0", "0.2")),
        parse_tariff(peak_valley_yaml("tou-cheap", "0.6", "0.3")),
    ]


def portfolio() -> PortfolioResult:
    outcomes = [
        AccountOutcome(f"A-{i}", {}, Decimal(100), Decimal(50), Decimal(50 + i - 10), 1)
        for i in range(40)
    ]
    return summarize(outcomes, "a", "b", "CNY")


def check_image(data: bytes, image_format: str) -> None:
    if image_format == "png":
        assert data.startswith(PNG_SIGNATURE)
    else:
        assert ElementTree.fromstring(data).tag == SVG_ROOT  # noqa: S314 - our own file


@pytest.mark.parametrize("image_format", ["png", "svg"])
def test_charts(image_format: str, monkeypatch: pytest.MonkeyPatch) -> None:
    comparison = compare_tariffs(tariffs(), readings(), current="tou")
    whatif = compare_scenarios(tariffs(), readings(), [parse_scenario("shift:30%:peak->valley")])
    if not has_matplotlib():
        with pytest.raises(OutputError, match=re.escape(MISSING)):
            comparison_chart(comparison, image_format)
        return
    check_image(comparison_chart(comparison, image_format), image_format)
    check_image(comparison_chart(whatif, image_format), image_format)
    check_image(portfolio_chart(portfolio(), image_format), image_format)
    if image_format == "svg":
        # The same chart gives the same file.
        assert comparison_chart(whatif, "svg") == comparison_chart(whatif, "svg")


def test_charts_without_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    hide_matplotlib(monkeypatch)
    with pytest.raises(OutputError, match=re.escape(MISSING)):
        require_matplotlib()
    comparison = compare_tariffs(tariffs(), readings())
    with pytest.raises(OutputError, match=re.escape(MISSING)):
        comparison_chart(comparison, "png")
    with pytest.raises(OutputError, match=re.escape(MISSING)):
        portfolio_chart(portfolio(), "svg")


def test_chart_format() -> None:
    assert chart_format("a/b.PNG") == "png"
    assert chart_format(Path("c.svg")) == "svg"
    with pytest.raises(OutputError, match=r"c\.pdf: a chart is written as \.png or \.svg"):
        chart_format("c.pdf")


# -- the command ------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    tables = tmp_path / "tables"
    tables.mkdir()
    for tariff_id, peak, valley in (("tou", "1.0", "0.2"), ("tou-cheap", "0.6", "0.3")):
        (tables / f"{tariff_id}.yaml").write_text(
            peak_valley_yaml(tariff_id, peak, valley), encoding="utf-8"
        )
    rows = ["start,kwh"]
    moment = dt.datetime(2025, 7, 1)
    while moment.month < 9:
        rows.append(f"{moment:%Y-%m-%dT%H:%M},1")
        moment += dt.timedelta(hours=1)
    text = "\n".join(rows) + "\n"
    readings_dir = tmp_path / "readings"
    readings_dir.mkdir()
    (readings_dir / "A-1.csv").write_text(text, encoding="utf-8")
    (readings_dir / "A-2.csv").write_text(text.replace(",1\n", ",2\n"), encoding="utf-8")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,class\nA-1,x\nA-2,y\n", encoding="utf-8")
    readings = tmp_path / "readings.csv"
    readings.write_text(text, encoding="utf-8")
    return {"tables": tables, "readings": readings, "accounts": accounts, "dir": readings_dir}


def compare_argv(files: dict[str, Path], plot: Path) -> list[str]:
    return [
        "compare", str(files["readings"]), "--tables", str(files["tables"]),
        "--current", "tou", "--plot", str(plot),
    ]  # fmt: skip


def portfolio_argv(files: dict[str, Path], plot: Path) -> list[str]:
    return [
        "portfolio", "--accounts", str(files["accounts"]), "--readings-dir", str(files["dir"]),
        "--tables", str(files["tables"]), "--current", "tou", "--proposed", "tou-cheap",
        "--workers", "1", "--plot", str(plot),
    ]  # fmt: skip


@pytest.mark.parametrize("image_format", ["png", "svg"])
def test_plot_option(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path], tmp_path: Path, image_format: str
) -> None:
    for argv, plot in (
        (compare_argv, tmp_path / f"compare.{image_format}"),
        (portfolio_argv, tmp_path / f"portfolio.{image_format}"),
    ):
        code = main(argv(files, plot))
        captured = capsys.readouterr()
        if has_matplotlib():
            assert (code, captured.err) == (0, "")
            check_image(plot.read_bytes(), image_format)
        else:
            assert (code, captured.out) == (1, "")
            assert captured.err == f"tariffs: error: {MISSING}\n"
            assert not plot.exists()


@pytest.mark.parametrize("argv", [compare_argv, portfolio_argv])
def test_plot_option_without_matplotlib(
    capsys: pytest.CaptureFixture[str],
    files: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: Callable[[dict[str, Path], Path], list[str]],
) -> None:
    hide_matplotlib(monkeypatch)
    plot = tmp_path / "chart.png"
    code = main(argv(files, plot))
    captured = capsys.readouterr()
    assert (code, captured.out) == (1, "")
    assert captured.err == f"tariffs: error: {MISSING}\n"
    assert not plot.exists()


def test_plot_option_needs_png_or_svg(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path], tmp_path: Path
) -> None:
    code = main(compare_argv(files, tmp_path / "chart.pdf"))
    captured = capsys.readouterr()
    assert (code, captured.out) == (1, "")
    assert "chart.pdf: a chart is written as .png or .svg" in captured.err


# -- the charts of months and periods ---------------------------------------------------


def drawn(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The figures the charts draw, kept as they are rendered (to look inside them)."""
    import tariffs.io.render.plot as plot_module

    figures: list[Any] = []
    render = plot_module._render

    def keep(figure: Any, image_format: str) -> bytes:
        figures.append(figure)
        return render(figure, image_format)

    monkeypatch.setattr(plot_module, "_render", keep)
    return figures


def bars(axes: Any) -> dict[str, list[tuple[float, float, float]]]:
    """Each bar container of an axes by label: (x centre, bottom, height) of its bars."""
    return {
        container.get_label(): [
            (round(p.get_x() + p.get_width() / 2, 6), round(p.get_y(), 6), round(p.get_height(), 6))
            for p in container.patches
        ]
        for container in axes.containers
    }


@pytest.mark.parametrize("image_format", ["png", "svg"])
def test_the_month_chart_of_a_comparison(
    image_format: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    figures = drawn(monkeypatch)
    comparison = compare_tariffs(tariffs(), readings(), current="tou")
    check_image(comparison_months_chart(comparison, image_format), image_format)
    (figure,) = figures
    # One panel per tariff, cheapest first; 2 months × 2 tariffs = 4 bars, each stacked
    # from its energy cost in peak and in valley hours (see `readings`: 372 kWh of each a
    # month): tou-cheap 372 × 0.6 = 223.20 and 372 × 0.3 = 111.60; tou 372.00 and 74.40.
    cheap, tou = figure.axes
    assert [cheap.get_title(), tou.get_title()] == ["tou-cheap: 669.60 CNY", "tou: 892.80 CNY"]
    assert bars(cheap) == {
        "energy.peak": [(0.0, 0.0, 223.2), (1.0, 0.0, 223.2)],
        "energy.valley": [(0.0, 223.2, 111.6), (1.0, 223.2, 111.6)],
    }
    assert bars(tou) == {
        "energy.peak": [(0.0, 0.0, 372.0), (1.0, 0.0, 372.0)],
        "energy.valley": [(0.0, 372.0, 74.4), (1.0, 372.0, 74.4)],
    }
    for axes in (cheap, tou):
        assert [t.get_text() for t in axes.get_xticklabels()] == ["2025-07-01", "2025-08-01"]
    bars_drawn = {(id(axes), x) for axes in figure.axes for b in bars(axes).values() for x, *_ in b}
    assert len(bars_drawn) == 2 * 2
    (legend,) = figure.legends
    assert [t.get_text() for t in legend.get_texts()] == ["energy.peak", "energy.valley"]
    # A segment has one colour in every panel.
    colours = [axes.containers[0].patches[0].get_facecolor() for axes in (cheap, tou)]
    assert colours[0] == colours[1]


def test_the_month_chart_stacks_credits_below_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    figures = drawn(monkeypatch)
    discounted = parse_tariff(
        peak_valley_yaml("tou", "1.0", "0.2") + '      - {kind: discount, percent: "10"}\n'
    )
    comparison_months_chart(compare_tariffs([discounted], readings()), "svg")
    (axes,) = figures[0].axes
    found = bars(axes)
    # 10 % off 372.00 + 74.40 = 446.40 is -44.64 a month, below the axis; peak and
    # valley stack above it.
    assert found == {
        "energy.peak": [(0.0, 0.0, 372.0), (1.0, 0.0, 372.0)],
        "energy.valley": [(0.0, 372.0, 74.4), (1.0, 372.0, 74.4)],
        "discount": [(0.0, 0.0, -44.64), (1.0, 0.0, -44.64)],
    }


def month_outcomes() -> list[AccountOutcome]:
    july, august = dt.date(2025, 7, 1), dt.date(2025, 8, 1)
    return [
        AccountOutcome(
            "A-1", {}, Decimal(1), Decimal("100.00"), Decimal("130.00"), 2,
            months=((july, Decimal("60.00"), Decimal("80.00")),
                    (august, Decimal("40.00"), Decimal("50.00"))),
        ),
        AccountOutcome(
            "A-2", {}, Decimal(1), Decimal("30.00"), Decimal("20.00"), 1,
            months=((august, Decimal("30.00"), Decimal("20.00")),),
        ),
    ]  # fmt: skip


@pytest.mark.parametrize("image_format", ["png", "svg"])
def test_the_month_chart_of_a_portfolio(image_format: str, monkeypatch: pytest.MonkeyPatch) -> None:
    figures = drawn(monkeypatch)
    result = summarize(month_outcomes(), "a", "b", "CNY")
    check_image(portfolio_months_chart(result, image_format), image_format)
    revenue, change = figures[0].axes
    # July: 60.00 → 80.00 (A-1 alone); August: 40.00 + 30.00 = 70.00 → 50.00 + 20.00 = 70.00;
    # the current bar left of each month, the proposed one right of it.
    assert bars(revenue) == {
        "current: a": [(-0.2, 0.0, 60.0), (0.8, 0.0, 70.0)],
        "proposed: b": [(0.2, 0.0, 80.0), (1.2, 0.0, 70.0)],
    }
    assert [height for _, _, height in next(iter(bars(change).values()))] == [20.0, 0.0]
    assert [t.get_text() for t in change.get_xticklabels()] == ["2025-07", "2025-08"]
    assert revenue.get_title() == (
        "Revenue by month, 2 accounts: current 130.00, proposed 150.00 CNY"
    )


def test_the_months_of_a_portfolio_add_up_to_its_totals(files: dict[str, Path]) -> None:
    accounts, _ = read_accounts_csv(files["accounts"], files["dir"])
    current, cheap = tariffs()
    outcomes = price_accounts(accounts, current, cheap, workers=1)
    # 1 kWh an hour, July and August (372 peak + 372 valley kWh each): tou 446.40,
    # tou-cheap 334.80 a month; A-2 twice that.
    assert [outcome.months for outcome in outcomes] == [
        ((dt.date(2025, 7, 1), Decimal("446.40"), Decimal("334.80")),
         (dt.date(2025, 8, 1), Decimal("446.40"), Decimal("334.80"))),
        ((dt.date(2025, 7, 1), Decimal("892.80"), Decimal("669.60")),
         (dt.date(2025, 8, 1), Decimal("892.80"), Decimal("669.60"))),
    ]  # fmt: skip
    for outcome in outcomes:
        assert sum(now for _, now, _ in outcome.months) == outcome.current_total
        assert sum(new for _, _, new in outcome.months) == outcome.proposed_total


@pytest.mark.parametrize("image_format", ["png", "svg"])
def test_plot_months_option(
    capsys: pytest.CaptureFixture[str],
    files: dict[str, Path],
    tmp_path: Path,
    image_format: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    figures = drawn(monkeypatch)
    for argv, name in ((compare_argv, "compare"), (portfolio_argv, "portfolio")):
        plot = tmp_path / f"{name}.{image_format}"
        months = tmp_path / f"{name}-months.{image_format}"
        code = main([*argv(files, plot), "--plot-months", str(months)])
        assert (code, capsys.readouterr().err) == (0, "")
        check_image(plot.read_bytes(), image_format)
        check_image(months.read_bytes(), image_format)
    # compare: the comparison chart, then a panel per tariff of 2 months each;
    # portfolio: the histogram, then revenue by month: A-1 + A-2 = 446.40 + 892.80 =
    # 1339.20 under tou and 334.80 + 669.60 = 1004.40 under tou-cheap, each month.
    assert len(figures) == 4
    assert [len(axes.containers[0].patches) for axes in figures[1].axes] == [2, 2]
    assert bars(figures[3].axes[0]) == {
        "current: tou": [(-0.2, 0.0, 1339.2), (0.8, 0.0, 1339.2)],
        "proposed: tou-cheap": [(0.2, 0.0, 1004.4), (1.2, 0.0, 1004.4)],
    }


def test_plot_months_needs_the_months_of_every_account(
    capsys: pytest.CaptureFixture[str], files: dict[str, Path], tmp_path: Path
) -> None:
    months = tmp_path / "months.png"
    argv = [*portfolio_argv(files, tmp_path / "p.png"), "--plot-months", str(months)]
    code = main([*argv, "--format", "csv", "--output", str(tmp_path / "p.csv"), "--resume"])
    captured = capsys.readouterr()
    assert (code, captured.out) == (2, "")
    assert "--plot-months needs the months of every account" in captured.err
    assert not months.exists()


def test_plot_months_without_matplotlib(
    capsys: pytest.CaptureFixture[str],
    files: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hide_matplotlib(monkeypatch)
    months = tmp_path / "months.svg"
    argv = [
        "compare", str(files["readings"]), "--tables", str(files["tables"]),
        "--plot-months", str(months),
    ]  # fmt: skip
    code = main(argv)
    captured = capsys.readouterr()
    assert (code, captured.out) == (1, "")
    assert captured.err == f"tariffs: error: {MISSING}\n"
    assert not months.exists()


def test_a_stack_is_not_cut_by_a_segment_of_no_height_and_legends_cover_no_bar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """tou (no surcharge) is the higher stack: 2 × (372.00 + 74.40) = 892.80 over July and
    August; its surcharge segment is a bar of no height on top of it, which must not pin
    the y axis to 892.80. Each legend of the comparison chart is beside its panel."""
    figures = drawn(monkeypatch)
    surcharged = parse_tariff(
        peak_valley_yaml("tou-fund", "0.6", "0.3")
        + '      - {kind: surcharge, code: fund, price_per_kwh: "0.01"}\n'
    )
    tou = parse_tariff(peak_valley_yaml("tou", "1.0", "0.2"))
    whatif = compare_scenarios([tou, surcharged], readings(), [parse_scenario("scale:1.1")])
    comparison_chart(whatif, "png")
    comparison_months_chart(whatif, "png")
    stacked, _, grouped = figures[0].axes
    # tou-fund: 1488 kWh × (0.45 + 0.01) = 684.48; tou: 892.80, cheapest first.
    assert [t.get_text() for t in stacked.get_xticklabels()] == ["tou-fund", "tou"]
    assert stacked.get_ylim()[1] > 892.80
    for axes in figures[1].axes:  # a month of tou: 446.40
        assert axes.get_ylim()[1] > 446.40
    for axes in (stacked, grouped):
        legend = axes.get_legend()
        assert legend.get_bbox_to_anchor().x0 >= axes.get_window_extent().x1


def test_the_histograms_count_whole_accounts(monkeypatch: pytest.MonkeyPatch) -> None:
    figures = drawn(monkeypatch)
    portfolio_chart(summarize(month_outcomes(), "a", "b", "CNY"), "png")
    (axes,) = figures[0].axes
    ticks = [tick for tick in axes.get_yticks() if axes.get_ylim()[0] <= tick <= axes.get_ylim()[1]]
    assert ticks and all(tick == int(tick) for tick in ticks)
