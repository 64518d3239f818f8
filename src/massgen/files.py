"""Reading and writing the pipeline's files.

Outputs are written under a temporary name next to the target, then renamed, so a
crash or a bad input never leaves a half-written file that Snakemake or a person could
mistake for a finished one. Inputs that are missing or corrupt raise InputFileError
naming the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import awkward as ak
import pyarrow.parquet as pq

from massgen.errors import InputFileError, OutputFileError, system_cause


@contextlib.contextmanager
def atomic_path(target: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    The temporary path may become a file or a directory; an existing directory at
    ``target`` is replaced. An operating-system error while writing (full disk, no
    permission), however deep a library buries it, becomes an OutputFileError naming
    ``target`` and the cause.
    """
    target = Path(target)
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
    try:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            yield tmp
            if tmp.is_dir() and target.is_dir():
                shutil.rmtree(target)
            tmp.replace(target)
        except (InputFileError, OutputFileError):
            raise
        except Exception as exc:
            cause = system_cause(exc)
            if cause is None or not str(cause.filename or tmp).startswith(str(tmp)):
                raise  # not a system error, or one that names another file (an input, say)
            raise OutputFileError(f"{target}: cannot write ({os.strerror(cause.errno)})") from exc
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp)
        tmp.unlink(missing_ok=True)


def write_text(text: str, target: Path | str) -> None:
    """Write ``text`` to a file, atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text)


def write_json(obj: Any, target: Path | str) -> None:
    """Write ``obj`` as indented JSON, atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n")


def write_parquet(array: ak.Array, target: Path | str) -> None:
    """Write an awkward array as parquet with a CRC checksum on every page, atomically."""
    with atomic_path(target) as tmp:
        ak.to_parquet(
            array, tmp, compression="zstd", parquet_extra_options={"write_page_checksum": True}
        )


def read_parquet(
    path: Path | str, columns: list[str] | None = None, optional: tuple[str, ...] = ()
) -> ak.Array:
    """Read a parquet file written by :func:`write_parquet` (optionally some columns only,
    and the ``optional`` ones where the file has them: files of earlier versions may
    lack a column added since), verifying its page checksums.

    ``ak.from_parquet`` cannot verify checksums, so pyarrow reads the table and awkward
    converts it (the same array). Raises InputFileError naming the file if it is missing,
    truncated or corrupt (a flipped byte fails its page's checksum).
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    try:
        # ParquetFile, not read_table: the same table, without importing pyarrow.dataset
        # (0.3 s of every reading job's start-up)
        with pq.ParquetFile(path, page_checksum_verification=True) as parquet:
            if optional and columns is not None:
                present = set(parquet.schema_arrow.names)
                columns = [*columns, *(name for name in optional if name in present)]
            table = parquet.read(columns=columns)
    except Exception as exc:  # pyarrow raises several types for truncated or corrupt files
        raise InputFileError(f"{path}: not a readable parquet file ({exc})") from exc
    return ak.from_arrow(table)


def read_json(path: Path | str) -> Any:
    """Read a JSON file; InputFileError if missing or malformed."""
    path = Path(path)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise InputFileError(f"{path}: file not found") from exc
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{path}: malformed JSON ({exc})") from exc


def file_digest(path: Path | str) -> str:
    """BLAKE2b digest (hex) of a file's bytes; InputFileError if it cannot be read."""
    try:
        with Path(path).open("rb") as stream:
            return hashlib.file_digest(stream, "blake2b").hexdigest()
    except OSError as exc:
        raise InputFileError(f"{path}: {exc.strerror or exc}") from exc
