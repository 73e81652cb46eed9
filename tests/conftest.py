"""Shared pytest set-up: the hypothesis profiles of the test suite.

``default`` is quick for local runs, ``ci`` is deterministic (chosen whenever the ``CI``
environment variable is set), and ``long`` is for a deliberate search
(``HYPOTHESIS_PROFILE=long python -m pytest tests/test_properties.py``).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings


def pytest_configure(config: pytest.Config) -> None:
    """Keep a failing property's report readable under ``filterwarnings = error``.

    When a property fails, hypothesis writes a patch with the failing example, through
    libcst; some libcst releases import ``mypy_extensions.TypedDict``, which warns. That
    warning is not about this project and must not turn the report into an internal error.
    """
    config.addinivalue_line(
        "filterwarnings",
        "ignore:mypy_extensions.TypedDict is deprecated:DeprecationWarning",
    )


settings.register_profile("default", max_examples=25, deadline=None)
settings.register_profile("ci", derandomize=True, max_examples=25, deadline=None, print_blob=True)
settings.register_profile("long", max_examples=1000, deadline=None)

if os.environ.get("CI"):
    settings.load_profile("ci")
else:
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or "default")
