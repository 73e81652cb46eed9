"""tariffs: exact, itemised electricity bills from tariff tables and interval readings.

The public API, re-exported here::

    tariff = load_tariff("cn-zj-residential-tou")          # YAML file or tariff id
    readings = read_readings_csv("readings.csv", tariff.timezone)
    bills = price(tariff, readings, load_account("account.yaml"))
"""

from tariffs.engine._kept import clear_caches
from tariffs.engine.pricing import price
from tariffs.errors import (
    AccountError,
    InputError,
    OutputError,
    ReadingsError,
    ScenarioError,
    TariffFileError,
    TariffsError,
    UnsupportedFeatureError,
)
from tariffs.io.readings.csv_reader import parse_readings_csv, read_readings_csv
from tariffs.io.render.bills import bill_to_dict, bills_to_csv, bills_to_json, bills_to_table
from tariffs.io.tables import load_account, load_tariff, parse_tariff
from tariffs.model.account import Account
from tariffs.model.bill import Bill, Line
from tariffs.model.readings import Readings
from tariffs.model.tariff import Tariff

__version__ = "0.1.0"

# The what-if API, explanations, descriptions and their rendering are imported on first
# use, so that pricing does not pay for them at start-up.
_LAZY = {
    "describe_tariff": "tariffs.io.render.describe",
    "BillExplanation": "tariffs.engine.explain",
    "LineExplanation": "tariffs.engine.explain",
    "explain": "tariffs.engine.explain",
    "Comparison": "tariffs.whatif.compare",
    "compare_scenarios": "tariffs.whatif.compare",
    "compare_tariffs": "tariffs.whatif.compare",
    "Correction": "tariffs.whatif.corrections",
    "LineCorrection": "tariffs.whatif.corrections",
    "correct": "tariffs.whatif.corrections",
    "load_issued_bills": "tariffs.io.issued",
    "parse_issued_bills": "tariffs.io.issued",
    "price_portfolio": "tariffs.whatif.portfolio",
    "apply_scenario": "tariffs.whatif.scenarios",
    "parse_scenario": "tariffs.whatif.scenarios",
    "comparison_to_csv": "tariffs.io.render.comparison",
    "comparison_to_json": "tariffs.io.render.comparison",
    "comparison_to_table": "tariffs.io.render.comparison",
    "portfolio_to_csv": "tariffs.io.render.portfolio",
    "portfolio_to_json": "tariffs.io.render.portfolio",
    "portfolio_to_table": "tariffs.io.render.portfolio",
}


def __getattr__(name: str) -> object:
    """Import the what-if API on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'tariffs' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "Account",
    "AccountError",
    "Bill",
    "BillExplanation",
    "Comparison",
    "Correction",
    "InputError",
    "Line",
    "LineCorrection",
    "LineExplanation",
    "OutputError",
    "Readings",
    "ReadingsError",
    "ScenarioError",
    "Tariff",
    "TariffFileError",
    "TariffsError",
    "UnsupportedFeatureError",
    "__version__",
    "apply_scenario",
    "bill_to_dict",
    "bills_to_csv",
    "bills_to_json",
    "bills_to_table",
    "clear_caches",
    "compare_scenarios",
    "compare_tariffs",
    "comparison_to_csv",
    "comparison_to_json",
    "comparison_to_table",
    "correct",
    "describe_tariff",
    "explain",
    "load_account",
    "load_issued_bills",
    "load_tariff",
    "parse_issued_bills",
    "parse_readings_csv",
    "parse_scenario",
    "parse_tariff",
    "portfolio_to_csv",
    "portfolio_to_json",
    "portfolio_to_table",
    "price",
    "price_portfolio",
    "read_readings_csv",
]
