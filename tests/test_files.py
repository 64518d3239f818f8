"""Errors a person reads: one line naming the file and the cause, however deep a library
buries the operating system's error."""

from __future__ import annotations

import errno

import pytest

from massgen.errors import InputFileError, OutputFileError, one_line
from massgen.files import atomic_path


def _buried(code: int) -> RuntimeError:
    """pyarrow's way: the close after a failed write raises, the OS error its context."""
    exc = RuntimeError("file metadata is only available after writer close")
    exc.__context__ = OSError(code, "Error writing bytes to file")
    return exc


def test_a_buried_full_disk_names_the_output(tmp_path):
    target = tmp_path / "chunk0.parquet"
    with pytest.raises(OutputFileError) as error, atomic_path(target):
        raise _buried(errno.ENOSPC)
    assert str(error.value) == f"{target}: cannot write (No space left on device)"
    assert list(tmp_path.iterdir()) == []


def test_an_error_naming_another_file_passes_unchanged(tmp_path):
    with pytest.raises(FileNotFoundError) as error, atomic_path(tmp_path / "out.json"):
        (tmp_path / "missing-input.json").read_text()
    assert one_line(error.value) == f"{tmp_path / 'missing-input.json'}: No such file or directory"


@pytest.mark.parametrize(
    ("exc", "line"),
    [
        (
            PermissionError(errno.EACCES, "Permission denied", "/data/x.lhe"),
            "/data/x.lhe: Permission denied",
        ),
        (InputFileError("/data/x.lhe: truncated"), "/data/x.lhe: truncated"),
        (ValueError("bad value"), "ValueError: bad value"),
    ],
)
def test_one_line(exc, line):
    assert one_line(exc) == line
