"""Moved to `tariffs.engine.adjustments` (this path stays for one release)."""
