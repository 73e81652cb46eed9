"""The registry test of the bundled tariff tables.

Every table loads, its ``id`` equals its file stem, ids are unique, every table cites its
source in ``reference``, and the tables the project's reference list asks for are there.

The reference list is ``REFERENCE_TARIFFS.md`` of the project documents: a ``## <id> —``
heading per tariff, plus named variants inside an entry (``Variant `<id>```). An entry
that marks a price or hours as *illustrative* asks its table to say so in ``reference``.
`REFERENCE_IDS` and `ILLUSTRATIVE_IDS` are those lists, transcribed by hand; when the
document itself is found next to the checkout, it is read and checked against them.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tariffs import describe_tariff, load_tariff
from tariffs.cli import main
from tariffs.io.tables import BUNDLED_TABLES
from tariffs.model.tariff import Rounding

ROOT = Path(__file__).resolve().parents[2]

#: Every table REFERENCE_TARIFFS.md asks for: headings, then named variants.
REFERENCE_IDS = {
    "cn-sh-industrial-two-part",
    "cn-zj-residential",
    "cn-sh-residential",
    "cn-bj-residential",
    "cn-hydro-seasonal-tou",
    "cn-gd-commercial-tou",
    "cn-zj-residential-tou",
    "cn-sh-residential-tou",
}

#: The tables whose entry in REFERENCE_TARIFFS.md marks something illustrative.
ILLUSTRATIVE_IDS = {
    "cn-sh-industrial-two-part",  # "Energy prices illustrative", funds "(illustrative)"
    "cn-zj-residential-tou",  # "(hours illustrative)"
    "cn-hydro-seasonal-tou",  # "Base price illustrative", funds "(illustrative)"
    "cn-gd-commercial-tou",  # "Flat price illustrative"
}

#: Where the reference list may be found: in the docs, or beside the checkout.
REFERENCE_DOCUMENT_PLACES = (
    ROOT / "docs" / "REFERENCE_TARIFFS.md",
    ROOT.parent / "shared" / "REFERENCE_TARIFFS.md",
)

TABLE_FILES = sorted(
    path for path in BUNDLED_TABLES.rglob("*") if path.suffix.lower() in {".yaml", ".yml"}
)


def test_there_are_bundled_tables() -> None:
    assert len(TABLE_FILES) >= len(REFERENCE_IDS)


@pytest.mark.parametrize("path", TABLE_FILES, ids=lambda path: path.stem)
def test_table_loads_with_id_equal_to_stem_and_a_reference(path: Path) -> None:
    tariff = load_tariff(path)
    assert tariff.id == path.stem
    assert tariff.reference.strip()
    # tariff_tables/<country>/<id>.yaml, the id starting with the country.
    assert path.parent.parent == BUNDLED_TABLES
    assert tariff.id.startswith(f"{path.parent.name}-")
    # Loading by id finds the same file.
    assert load_tariff(tariff.id) == tariff
    # And it can be described (``tariffs show``).
    assert describe_tariff(tariff).startswith(f"{tariff.id}: ")


def test_ids_are_unique() -> None:
    ids = Counter(load_tariff(path).id for path in TABLE_FILES)
    assert [tariff_id for tariff_id, count in ids.items() if count > 1] == []
    stems = Counter(path.stem for path in TABLE_FILES)
    assert [stem for stem, count in stems.items() if count > 1] == []


def test_every_reference_tariff_is_a_table() -> None:
    stems = {path.stem for path in TABLE_FILES}
    assert sorted(REFERENCE_IDS - stems) == []


@pytest.mark.parametrize("tariff_id", sorted(ILLUSTRATIVE_IDS))
def test_illustrative_tables_say_so(tariff_id: str) -> None:
    assert "illustrative" in load_tariff(tariff_id).reference.lower()


def test_validate_accepts_the_bundled_tables(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(BUNDLED_TABLES)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    reported = captured.out.splitlines()
    assert len(reported) == len(TABLE_FILES)
    for path in TABLE_FILES:
        assert any(str(path) in line and f"({path.stem})" in line for line in reported), path


# -- the reference document itself ------------------------------------------------------


def reference_entries(text: str) -> dict[str, str]:
    """Tariff id → the text of its entry.

    A bullet that names a ``Variant `id``` belongs to that variant, with its continuation
    lines (indented); everything else under a heading belongs to the heading's id.
    """
    entries: dict[str, str] = {}
    heading_id: str | None = None
    owner: str | None = None
    for line in text.splitlines():
        heading = re.match(r"^## (\S+) —", line)
        if heading:
            heading_id = owner = heading.group(1)
            entries[heading_id] = ""
            continue
        if line.startswith("#"):
            heading_id = owner = None
            continue
        if heading_id is None:
            continue
        if not line.startswith((" ", "\t")) or not line.strip():
            variant = re.search(r"Variant `([a-z0-9.-]+)`", line)
            owner = variant.group(1) if variant else heading_id
        assert owner is not None
        entries[owner] = entries.get(owner, "") + line + "\n"
    return entries


def test_reference_entries_parser() -> None:
    text = (
        "# Title\n"
        "Intro, illustrative.\n"
        "## aa-one — First\n"
        "Prices illustrative.\n"
        "- Variant `aa-one-tou`: hours as published.\n"
        "## aa-two — Second\n"
        "- Variant `aa-two-tou`: peak 08-22 at 0.568 (hours\n"
        "  illustrative); tier 2 adds 0.05.\n"
        "- Tiers reset every year.\n"
    )
    entries = reference_entries(text)
    assert set(entries) == {"aa-one", "aa-one-tou", "aa-two", "aa-two-tou"}
    assert "illustrative" in entries["aa-one"]
    assert "illustrative" not in entries["aa-one-tou"]
    assert "illustrative" not in entries["aa-two"]
    assert "illustrative" in entries["aa-two-tou"]
    assert "reset" in entries["aa-two"]


def reference_documents() -> list[str]:
    """The project's copy (``docs/``) and, beside a checkout, the shared original."""
    return [
        place.read_text(encoding="utf-8") for place in REFERENCE_DOCUMENT_PLACES if place.is_file()
    ]


def test_reference_document_matches_the_transcribed_lists() -> None:
    documents = reference_documents()
    assert documents, "docs/REFERENCE_TARIFFS.md is missing"
    assert all(text == documents[0] for text in documents), "the copy in docs/ is out of date"
    entries = reference_entries(documents[0])
    assert set(entries) == REFERENCE_IDS
    illustrative = {tariff_id for tariff_id, text in entries.items() if "illustrative" in text}
    assert illustrative == ILLUSTRATIVE_IDS


def test_show_names_the_holiday_calendar_and_the_rounding() -> None:
    text = describe_tariff(load_tariff(ROOT / "examples" / "cn-holiday-tou.yaml"))
    assert "    workday: mon, tue, wed, thu, fri; the CN calendar's make-up workdays\n" in text
    assert "    weekend: sat, sun\n" in text
    assert "    holiday: the CN calendar's days off\n" in text
    assert "rounded half-up to 2 decimals per line;" in text
    per_bill = load_tariff(ROOT / "examples" / "cn-holiday-tou.yaml").model_copy(
        update={"rounding": Rounding(per="bill", places=1, line_places=4)}
    )
    assert "rounded half-up to 1 decimals once per bill (lines carried to 4);" in (
        describe_tariff(per_bill)
    )
