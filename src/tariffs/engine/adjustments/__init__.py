"""Adjustments applied to a bill's lines: power factor, discounts, funds, taxes, minimum bill."""
