"""Converters between other tariff and readings formats and `tariffs`' own."""
