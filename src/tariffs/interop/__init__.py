"""Moved to `tariffs.io` (this path stays for one release)."""
