"""Price a month of 15-minute readings under two tariffs through the library API.

Run from the repository root: ``python examples/price_month.py``.
"""

from __future__ import annotations

from pathlib import Path

from tariffs import bills_to_table, load_account, load_tariff, price, read_readings_csv

HERE = Path(__file__).parent


def main() -> None:
    account = load_account(HERE / "account.yaml")
    for tariff_id in ("cn-sh-industrial-two-part", "cn-gd-commercial-tou"):
        tariff = load_tariff(tariff_id)
        readings = read_readings_csv(HERE / "readings.csv", tariff.timezone)
        bills = price(tariff, readings, account)
        print(bills_to_table(bills))


if __name__ == "__main__":
    main()
