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

import pytest

from tables import peak_valley_yaml
from tariffs import OutputError, Readings, Tariff, parse_tariff
from tariffs.cli import main
from tariffs.io.render.plot import (
    chart_format,
    comparison_chart,
    portfolio_chart,
    require_matplotlib,
)
from tariffs.whatif.compare import compare_scenarios, compare_tariffs
from tariffs.whatif.portfolio import AccountOutcome, PortfolioResult, summarize
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
