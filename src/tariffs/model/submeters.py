"""Schema of an account's sub-meters (套扣) and of a mixed-use split (定比 / 定量).

A main meter (the account's readings, ``meter_multiplier`` and ``losses``) may have
sub-meters downstream of it: each sub-meter's kWh are subtracted from the main meter's,
interval by interval, and billed under another tariff or another price class of the
same tariff (套扣). A mixed-use main meter may
also have a part of what remains billed under another tariff: a fixed ratio (定比, e.g.
15 % at the commercial price) or a fixed quantity a month (定量, e.g. 2,000 kWh at the
residential price). See docs/tariff-format.md, "Sub-meters and splits".
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, field_validator, model_validator

from tariffs.model.common import Name, NonNegativeDecimal, StrictModel

__all__ = ["Split", "SubMeter"]


class SubMeter(StrictModel):
    """A sub-meter whose kWh are subtracted from the main meter's (套扣).

    Attributes:
        id: The sub-meter's number or name, shown on the bills.
        readings: Its readings file, relative to the account file (the library takes the
            readings themselves and leaves this out).
        meter_multiplier: Its own metering multiplier (倍率); its readings are multiplied
            by it before they are subtracted.
        tariff: The tariff its kWh are billed under: a tariff id, or a file relative to
            the account file (the main meter's own tariff, by its id, with
            ``price_class``).
        price_class: The price class of ``tariff`` its kWh are billed under (one of the
            tariff's ``price_classes``); None: the tariff's first.
    """

    id: str = Field(min_length=1)
    readings: str | None = Field(default=None, min_length=1)
    meter_multiplier: NonNegativeDecimal = Decimal(1)
    tariff: str = Field(min_length=1)
    price_class: Name | None = None

    @field_validator("meter_multiplier")
    @classmethod
    def _multiplier(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError(f"meter_multiplier must be above 0, found {value}")
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -6:
            raise ValueError(f"meter_multiplier {value} has more than 6 decimal places")
        return value


class Split(StrictModel):
    """A part of a mixed-use meter billed under another tariff: 定比 or 定量.

    The part is taken from what the main meter read less its sub-meters.

    Attributes:
        ratio: 定比: the share of each interval's kWh billed under ``tariff``, a fraction
            from 0 to 1 (``"0.15"`` for 15 %), at most 6 decimal places.
        kwh_per_month: 定量: the kWh a month billed under ``tariff``; a billing period
            takes it × its days / the days of the calendar month each day falls in.
        tariff: The tariff the part is billed under: an id, or a file relative to the
            account file (the main meter's own tariff, by its id, with ``price_class``).
        price_class: The price class of ``tariff`` the part is billed under; None: the
            tariff's first.
    """

    ratio: NonNegativeDecimal | None = None
    kwh_per_month: NonNegativeDecimal | None = None
    tariff: str = Field(min_length=1)
    price_class: Name | None = None

    @field_validator("ratio")
    @classmethod
    def _ratio(cls, value: Decimal | None) -> Decimal | None:
        if value is None:
            return None
        if value > 1:
            raise ValueError(f"ratio is a fraction from 0 to 1 (0.15 for 15 %), found {value}")
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < -6:
            raise ValueError(f"ratio {value} has more than 6 decimal places")
        return value

    @model_validator(mode="after")
    def _one(self) -> Split:
        if (self.ratio is None) == (self.kwh_per_month is None):
            raise ValueError(
                "a split gives either ratio (定比) or kwh_per_month (定量), exactly one"
            )
        return self
