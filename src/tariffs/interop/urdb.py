"""OpenEI Utility Rate Database (URDB) records as tariffs."""

from __future__ import annotations

import os

from tariffs.errors import UnsupportedFeatureError
from tariffs.schema.tariff import Tariff

__all__ = ["load_urdb_tariff"]


def load_urdb_tariff(path: str | os.PathLike[str]) -> Tariff:
    """Load a URDB JSON record as a tariff.

    Raises:
        UnsupportedFeatureError: Not yet supported: URDB import is a separate feature.
    """
    raise UnsupportedFeatureError(
        "URDB JSON tariffs", os.fspath(path), "convert the record to a YAML tariff table"
    )
