"""The engine: schedules, usage and measures, billing periods, pricing, charges, adjustments.

Pure functions of validated models and readings; no file is opened here.
"""
