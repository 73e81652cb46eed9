"""tariffs: exact, itemised electricity bills from tariff tables and interval readings.

The public API, re-exported here::

    tariff = load_tariff("cn-zj-residential-tou")          # YAML file or tariff id
    readings = read_readings_csv("readings.csv", tariff.timezone)
    bills = price(tariff, readings, load_account("account.yaml"))
"""

from tariffs.bill import Bill, Line
from tariffs.describe import describe_tariff
from tariffs.documents import load_account, load_tariff, parse_tariff
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
from tariffs.pricing import price
from tariffs.readings.csv_reader import parse_readings_csv, read_readings_csv
from tariffs.readings.model import Readings
from tariffs.render import bill_to_dict, bills_to_csv, bills_to_json, bills_to_table
from tariffs.schema.account import Account
from tariffs.schema.tariff import Tariff

__version__ = "0.1.0"

__all__ = [
    "Account",
    "AccountError",
    "Bill",
    "InputError",
    "Line",
    "OutputError",
    "Readings",
    "ReadingsError",
    "ScenarioError",
    "Tariff",
    "TariffFileError",
    "TariffsError",
    "UnsupportedFeatureError",
    "__version__",
    "bill_to_dict",
    "bills_to_csv",
    "bills_to_json",
    "bills_to_table",
    "describe_tariff",
    "load_account",
    "load_tariff",
    "parse_readings_csv",
    "parse_tariff",
    "price",
    "read_readings_csv",
]
