"""Find and load tariff tables and account files.

With the readers and the CLI, this is the only module that touches files.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tariffs.errors import AccountError, TariffFileError
from tariffs.io.safe_yaml import YamlDocument, input_error_from_validation, load_yaml, parse_yaml
from tariffs.model.account import Account
from tariffs.model.charges import DynamicEnergyCharge, PriceFileCharge
from tariffs.model.tariff import Tariff

__all__ = [
    "BUNDLED_TABLES",
    "iter_table_files",
    "load_account",
    "load_tariff",
    "named_tables",
    "resolve_tariff_path",
    "table_dirs",
    "tariff_from_document",
]

#: The tariff tables shipped with the package.
BUNDLED_TABLES = Path(__file__).parents[1] / "tariff_tables"


def table_dirs(extra: Sequence[str | os.PathLike[str]] = ()) -> list[Path]:
    """Directories searched for a tariff id, in order.

    First ``extra`` (``--tables``), then the ``TARIFFS_PATH`` environment variable
    (``os.pathsep``-separated), then the bundled tables.
    """
    dirs = [Path(d) for d in extra]
    env = os.environ.get("TARIFFS_PATH", "")
    dirs.extend(Path(d) for d in env.split(os.pathsep) if d)
    dirs.append(BUNDLED_TABLES)
    return dirs


def iter_table_files(directory: Path) -> Iterator[Path]:
    """Every tariff table file under a directory, sorted; links that leave it are skipped."""
    root = directory.resolve()
    for path in sorted(directory.rglob("*")):
        if path.suffix.lower() not in {".yaml", ".yml", ".json"} or not path.is_file():
            continue
        if not path.resolve().is_relative_to(root):
            continue
        yield path


def resolve_tariff_path(name: str, tables: Iterable[str | os.PathLike[str]] = ()) -> Path:
    """Turn a tariff argument (a file path or a tariff id) into a file path.

    Raises:
        TariffFileError: Neither a file nor an id found in the table directories.
    """
    path = Path(name)
    if path.suffix.lower() in {".yaml", ".yml", ".json"} or os.sep in name or "/" in name:
        if not path.is_file():
            raise TariffFileError("no such tariff file", file=name)
        return path
    searched = table_dirs(list(tables))
    known: list[str] = []
    for candidate in _named_files(searched):
        if candidate.stem == name:
            return candidate
        known.append(candidate.stem)
    where = ", ".join(str(d) for d in searched)
    raise TariffFileError(
        f"no tariff file and no tariff id {name!r} (searched {where}){_known_ids_hint(name, known)}"
    )


def _named_files(searched: Iterable[Path]) -> Iterator[Path]:
    """The files a tariff id can name, in the order the id lookup tries them.

    The YAML files (``.yaml``, ``.yml``; a URDB ``.json`` is named by its path only) of
    each directory of ``searched`` that exists, directory by directory.
    """
    for directory in searched:
        if not directory.is_dir():
            continue
        for candidate in iter_table_files(directory):
            if candidate.suffix.lower() in {".yaml", ".yml"}:
                yield candidate


def named_tables(tables: Iterable[str | os.PathLike[str]] = ()) -> dict[str, Path]:
    """Every tariff id that can be named, and the file that the id lookup finds for it.

    The directories are those of `table_dirs`, in its order; the id is the file stem.
    When several files have the same stem, the first one found is the one the id names
    (`resolve_tariff_path` finds the same file), and the others are left out.

    Returns:
        Tariff id → file, in the order the files are found.
    """
    found: dict[str, Path] = {}
    for candidate in _named_files(table_dirs(list(tables))):
        found.setdefault(candidate.stem, candidate)
    return found


def _known_ids_hint(name: str, known: list[str]) -> str:
    """What to try instead of an unknown tariff id: the closest ids, or some of those found.

    >>> _known_ids_hint("cn-sh-industrial", ["cn-sh-industrial-two-part", "cn-bj-residential"])
    "; did you mean 'cn-sh-industrial-two-part'?"
    >>> _known_ids_hint("x", [])
    '; no tariff ids are there'
    """
    import difflib

    ids = sorted(set(known))
    if not ids:
        return "; no tariff ids are there"
    close = difflib.get_close_matches(name, ids, n=3, cutoff=0.6)
    if close:
        return "; did you mean " + " or ".join(repr(found) for found in close) + "?"
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    return f"; the ids there are {shown}"


def tariff_from_document(document: YamlDocument, *, stem: str | None = None) -> Tariff:
    """Validate a parsed YAML document as a tariff table.

    Raises:
        TariffFileError: The document is not a valid tariff, with file:line:column.
    """
    data: Any = document.data
    if not isinstance(data, dict):
        raise TariffFileError(
            f"expected a mapping of tariff fields, found {type(data).__name__}",
            file=document.source,
            line=1,
        )
    try:
        tariff = Tariff.model_validate(data)
    except ValidationError as exc:
        raise input_error_from_validation(exc, document, error=TariffFileError) from None
    if stem is not None and tariff.id != stem:
        line_column = document.locate(("id",))
        raise TariffFileError(
            f"id {tariff.id!r} differs from the file name {stem!r}; they must be equal",
            file=document.source,
            line=line_column[0] if line_column else None,
            column=line_column[1] if line_column else None,
            path="id",
        )
    tariff._source = document.source
    if any(
        isinstance(c, PriceFileCharge)
        or (isinstance(c, DynamicEnergyCharge) and c.prices_file is not None)
        for v in tariff.versions.values()
        for c in v.charges
    ):
        from tariffs.io.price_files import attach_price_files

        directory = Path(document.source).parent if Path(document.source).is_file() else Path()
        attach_price_files(tariff, directory, document)
    return tariff


def load_tariff(
    name: str | os.PathLike[str],
    tables: Iterable[str | os.PathLike[str]] = (),
    *,
    timezone: str | None = None,
    past_enddate: bool = False,
    unpriced_attributes: bool = False,
) -> Tariff:
    """Load a tariff from a YAML file, a URDB JSON file, or a tariff id.

    Args:
        name: A path to ``.yaml``/``.yml``/``.json``, or a tariff id searched in
            ``tables``, ``TARIFFS_PATH`` and the bundled tables.
        tables: Extra directories to search for ids.
        timezone: IANA time zone of a URDB record (which carries none); not used for YAML.
        past_enddate: Price bills after a URDB record's ``enddate`` under it (each bill
            says so) instead of refusing them; not used for YAML.
        unpriced_attributes: Price a URDB record whose attributes may change prices,
            each attribute listed on every bill as ``not priced: ...``, instead of
            refusing it; not used for YAML.

    Raises:
        TariffFileError: The file is missing or not a valid tariff (file:line:column).
        UnsupportedFeatureError: A URDB record asks for something that cannot be priced.
    """
    path = resolve_tariff_path(os.fspath(name), tables)
    if path.suffix.lower() == ".json":
        from tariffs.io.urdb import load_urdb_tariff

        return load_urdb_tariff(
            path,
            timezone=timezone,
            past_enddate=past_enddate,
            unpriced_attributes=unpriced_attributes,
        )
    document = load_yaml(path, error=TariffFileError)
    return tariff_from_document(document, stem=path.stem)


def parse_tariff(text: str, source: str = "<tariff>") -> Tariff:
    """Validate a tariff table from YAML text (no id/file-name check)."""
    return tariff_from_document(parse_yaml(text, source, error=TariffFileError))


def load_account(path: str | os.PathLike[str]) -> Account:
    """Load and validate an account YAML file.

    Raises:
        AccountError: The file is missing or not a valid account (file:line:column).
    """
    if not Path(path).is_file():
        raise AccountError("no such account file", file=os.fspath(path))
    document = load_yaml(path, error=AccountError)
    if not isinstance(document.data, dict):
        raise AccountError("expected a mapping of account fields", file=document.source, line=1)
    try:
        account = Account.model_validate(document.data)
    except ValidationError as exc:
        raise input_error_from_validation(exc, document, error=AccountError) from None
    account._source = document.source
    return account
