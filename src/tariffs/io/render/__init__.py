"""Rendering: bills, comparisons, portfolios and tariffs as text, JSON and CSV; plots."""
