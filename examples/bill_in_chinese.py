"""Print the July bill of the two-part industrial example in Chinese, then its CSV rows.

Run from the repository root: ``python examples/bill_in_chinese.py``. The same as
``tariffs price examples/readings.csv --tariff cn-sh-industrial-two-part
--account examples/account.yaml --lang zh``.
"""

from __future__ import annotations

from pathlib import Path

from tariffs import (
    bills_to_csv,
    bills_to_table,
    load_account,
    load_tariff,
    price,
    read_readings_csv,
)

HERE = Path(__file__).parent


def main() -> None:
    tariff = load_tariff("cn-sh-industrial-two-part")
    readings = read_readings_csv(HERE / "readings.csv", tariff.timezone)
    bills = price(tariff, readings, load_account(HERE / "account.yaml"))
    print(bills_to_table(bills, lang="zh"))
    print(bills_to_csv(bills, lang="zh"), end="")


if __name__ == "__main__":
    main()
