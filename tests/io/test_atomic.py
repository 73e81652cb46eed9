"""Tests of the one atomic writer (`tariffs.io.atomic`): the whole new file or the old one."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tariffs.errors import OutputError
from tariffs.io.atomic import AtomicFile, write_atomic


def names(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def test_commit_puts_the_whole_file_in_place(tmp_path: Path) -> None:
    target = tmp_path / "bills.csv"
    with AtomicFile(target) as out:
        out.write("a,b\r\n")
        out.write("1,2\n")
        assert not target.exists()  # nothing is seen before the end
        assert len(names(tmp_path)) == 1 and names(tmp_path)[0].endswith(".partial")
    assert target.read_bytes() == b"a,b\r\n1,2\n"  # text as written, UTF-8
    assert names(tmp_path) == ["bills.csv"]
    write_atomic(target, "é\n")
    assert target.read_bytes() == "é\n".encode()
    write_atomic(target, b"\x00\xff")
    assert target.read_bytes() == b"\x00\xff"
    assert names(tmp_path) == ["bills.csv"]


def test_an_exception_discards_and_leaves_the_old_target(tmp_path: Path) -> None:
    target = tmp_path / "bills.csv"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="stopped"), AtomicFile(target) as out:
        out.write("new, half written\n")
        raise RuntimeError("stopped")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert names(tmp_path) == ["bills.csv"]
    out = AtomicFile(target)
    out.write("never\n")
    out.discard()
    out.discard()  # twice is nothing
    assert target.read_text(encoding="utf-8") == "old\n"
    assert names(tmp_path) == ["bills.csv"]


def test_a_failed_write_leaves_no_temporary_file_and_the_old_target(tmp_path: Path) -> None:
    target = tmp_path / "bills.csv"
    target.write_text("old\n", encoding="utf-8")
    out = AtomicFile(target)
    with pytest.raises(TypeError):
        out.write(b"bytes to a text file")
    assert names(tmp_path) == ["bills.csv"]  # removed at once, not only on leaving a block

    out = AtomicFile(target)
    temporary = out.temporary

    class Full:
        """The stream of the temporary file, on a full disk."""

        def write(self, data: object) -> None:
            raise OSError(28, "No space left on device")

        close = out.stream.close

    out.stream = Full()  # type: ignore[assignment]
    with pytest.raises(OutputError, match=rf"^{target}: cannot write: No space left on device$"):
        out.write("x")
    assert not os.path.exists(temporary)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert names(tmp_path) == ["bills.csv"]


def test_a_failed_commit_leaves_no_temporary_file_and_the_old_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "bills.csv"
    target.write_text("old\n", encoding="utf-8")

    def no_rename(source: object, destination: object) -> None:
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", no_rename)
    with pytest.raises(OutputError, match=rf"^{target}: cannot write: Permission denied$"):
        with AtomicFile(target) as out:
            out.write("new\n")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "old\n"
    assert names(tmp_path) == ["bills.csv"]


def test_no_temporary_file_where_the_target_cannot_be(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"missing/bills\.csv: cannot write: No such file"):
        write_atomic(tmp_path / "missing" / "bills.csv", "x")
    assert names(tmp_path) == []


def test_the_mode_of_the_old_file_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "bills.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    write_atomic(target, "new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text(encoding="utf-8") == "new\n"


def test_a_new_file_gets_the_mode_of_the_umask(tmp_path: Path) -> None:
    umask = os.umask(0o027)
    try:
        write_atomic(tmp_path / "new.csv", "x")
    finally:
        os.umask(umask)
    # mkstemp makes 0600 files; the output is what any new file would be.
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640


def test_append_starts_from_the_old_target(tmp_path: Path) -> None:
    target = tmp_path / "bills.csv"
    target.write_bytes(b"a,b\r\n1,\xc3\xa9\n")
    target.chmod(0o604)
    with AtomicFile(target, append=True) as out:
        out.write("2,3\n")
        assert target.read_bytes() == b"a,b\r\n1,\xc3\xa9\n"  # not yet
    assert target.read_bytes() == b"a,b\r\n1,\xc3\xa9\n2,3\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o604
    with pytest.raises(KeyboardInterrupt), AtomicFile(target, append=True) as out:
        out.write("4,5\n")
        raise KeyboardInterrupt
    assert target.read_bytes() == b"a,b\r\n1,\xc3\xa9\n2,3\n"
    assert names(tmp_path) == ["bills.csv"]
    with AtomicFile(tmp_path / "new.csv", append=True) as out:  # nothing to start from
        out.write("x\n")
    assert (tmp_path / "new.csv").read_text(encoding="utf-8") == "x\n"


def test_append_from_a_target_that_cannot_be_read(tmp_path: Path) -> None:
    target = tmp_path / "bills.csv"
    target.mkdir()  # a directory: it cannot be opened as a file
    with pytest.raises(OutputError, match=r"bills\.csv: cannot write: Is a directory"):
        AtomicFile(target, append=True)
    assert names(tmp_path) == ["bills.csv"]
