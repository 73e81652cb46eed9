"""Small tariff tables written for the tests: a flat price, and peak and valley hours.

Each returns the YAML text of a whole table (one version from 2025-01-01), so that a test
can parse it or write it to a file.
"""

from __future__ import annotations

HEADER = """\
id: {id}
name: {name}
currency: {currency}
timezone: {timezone}
reference: written for the tests
versions:
  "2025-01-01":
"""


def table_yaml(
    tariff_id: str,
    body: str,
    *,
    name: str | None = None,
    currency: str = "CNY",
    timezone: str = "Asia/Shanghai",
) -> str:
    """A table of one version: the header, then ``body`` (the version's content)."""
    header = HEADER.format(
        id=tariff_id, name=name or tariff_id, currency=currency, timezone=timezone
    )
    return header + body


def flat_body(price_per_kwh: str) -> str:
    """One energy charge at one price [currency/kWh]."""
    return f'    charges:\n      - {{kind: energy, price_per_kwh: "{price_per_kwh}"}}\n'


def peak_valley_body(peak: str, valley: str, *, peak_hours: str = "08:00-20:00") -> str:
    """Two periods, ``peak`` in ``peak_hours`` and ``valley`` the rest, priced per kWh."""
    start, end = peak_hours.split("-")
    return (
        "    periods:\n"
        "      - windows:\n"
        f'          peak: ["{peak_hours}"]\n'
        f'          valley: ["{end}-{start}"]\n'
        "    charges:\n"
        "      - kind: energy\n"
        f'        prices: {{peak: "{peak}", valley: "{valley}"}}\n'
    )


def flat_yaml(tariff_id: str, price_per_kwh: str, *, name: str | None = None) -> str:
    """A table with one flat energy price."""
    return table_yaml(tariff_id, flat_body(price_per_kwh), name=name)


def peak_valley_yaml(
    tariff_id: str,
    peak: str,
    valley: str,
    *,
    peak_hours: str = "08:00-20:00",
    name: str | None = None,
    timezone: str = "Asia/Shanghai",
) -> str:
    """A table with peak and valley energy prices."""
    body = peak_valley_body(peak, valley, peak_hours=peak_hours)
    return table_yaml(tariff_id, body, name=name, timezone=timezone)
