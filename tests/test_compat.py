"""The old import paths of the reorganised package still work for one release.

Each moved module's old path re-exports the names of the new one (the same objects), and
the public API of `tariffs` is unchanged.
"""

from __future__ import annotations

import importlib

import pytest

import tariffs

MOVED = {
    "tariffs.schema": "tariffs.model",
    "tariffs.schema.tariff": "tariffs.model.tariff",
    "tariffs.schema.charges": "tariffs.model.charges",
    "tariffs.schema.calendar": "tariffs.model.calendar",
    "tariffs.schema.account": "tariffs.model.account",
    "tariffs.schema.common": "tariffs.model.common",
    "tariffs.readings.model": "tariffs.model.readings",
    "tariffs.bill": "tariffs.model.bill",
    "tariffs.schedule": "tariffs.engine.schedule",
    "tariffs.demand": "tariffs.engine.measures",
    "tariffs.usage": "tariffs.engine.usage",
    "tariffs.pricing": "tariffs.engine.pricing",
    "tariffs.charges": "tariffs.engine.charges",
    "tariffs.charges.context": "tariffs.engine.charges.context",
    "tariffs.charges.basic": "tariffs.engine.charges.basic",
    "tariffs.charges.demand": "tariffs.engine.charges.demand",
    "tariffs.charges.dynamic": "tariffs.engine.charges.dynamic",
    "tariffs.charges.energy": "tariffs.engine.charges.energy",
    "tariffs.charges.fixed": "tariffs.engine.charges.fixed",
    "tariffs.charges.surcharge": "tariffs.engine.charges.surcharge",
    "tariffs.charges.tax": "tariffs.engine.adjustments.tax",
    "tariffs.charges.minimum": "tariffs.engine.adjustments.minimum",
    "tariffs.charges.power_factor": "tariffs.engine.adjustments.power_factor",
    "tariffs.adjustments.power_factor_tables": "tariffs.engine.adjustments.power_factor_tables",
    "tariffs.loader": "tariffs.io.safe_yaml",
    "tariffs.documents": "tariffs.io.tables",
    "tariffs.readings": "tariffs.io.readings",
    "tariffs.readings.csv_reader": "tariffs.io.readings.csv_reader",
    "tariffs.readings.greenbutton": "tariffs.io.readings.greenbutton",
    "tariffs.interop.urdb": "tariffs.io.urdb",
    "tariffs.render": "tariffs.io.render.bills",
    "tariffs.describe": "tariffs.io.render.describe",
    "tariffs.plot": "tariffs.io.render.plot",
    "tariffs.scenarios": "tariffs.whatif.scenarios",
    "tariffs.compare": "tariffs.whatif.compare",
    "tariffs.portfolio": "tariffs.whatif.portfolio",
    "tariffs.batch": "tariffs.runs.batch",
    "tariffs.progress": "tariffs.cli.progress",
}


@pytest.mark.parametrize(("old", "new"), sorted(MOVED.items()))
def test_the_old_path_re_exports_the_new_module(old: str, new: str) -> None:
    moved, kept = importlib.import_module(new), importlib.import_module(old)
    names = moved.__all__
    assert names and kept.__all__ == names
    for name in names:
        assert getattr(kept, name) is getattr(moved, name), name


def test_the_public_api_is_unchanged() -> None:
    for name in (
        "Account", "AccountError", "Bill", "Comparison", "InputError", "Line", "OutputError",
        "Readings", "ReadingsError", "ScenarioError", "Tariff", "TariffFileError",
        "TariffsError", "UnsupportedFeatureError", "apply_scenario", "bill_to_dict",
        "bills_to_csv", "bills_to_json", "bills_to_table", "compare_scenarios",
        "compare_tariffs", "describe_tariff", "load_account", "load_tariff",
        "parse_readings_csv", "parse_scenario", "parse_tariff", "price", "price_portfolio",
        "read_readings_csv", "clear_caches",
    ):  # fmt: skip
        assert name in tariffs.__all__ and getattr(tariffs, name) is not None, name
    from tariffs.engine._kept import clear_caches

    assert tariffs.clear_caches is clear_caches


def test_the_command_line_entry_points_are_unchanged() -> None:
    from tariffs.cli import main, run

    assert callable(main) and callable(run)
