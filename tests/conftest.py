"""Shared pytest set-up: the hypothesis profiles of the test suite.

``default`` is quick for local runs, ``ci`` is deterministic (chosen whenever the ``CI``
environment variable is set), and ``long`` is for a deliberate search
(``HYPOTHESIS_PROFILE=long python -m pytest tests/test_properties.py``).
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("default", max_examples=25, deadline=None)
settings.register_profile(
    "ci", derandomize=True, max_examples=25, deadline=None, print_blob=True
)
settings.register_profile("long", max_examples=1000, deadline=None)

if os.environ.get("CI"):
    settings.load_profile("ci")
else:
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "default")
