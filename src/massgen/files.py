"""Reading and writing the pipeline's files.

Outputs are written under a temporary name next to the target, then renamed, so a
crash or a bad input never leaves a half-written file that Snakemake or a person could
mistake for a finished one. Inputs that are missing or corrupt raise InputFileError
naming the file.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import awkward as ak

from massgen.errors import InputFileError


@contextlib.contextmanager
def atomic_path(target: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` on success.

    The temporary path may become a file or a directory; an existing directory at
    ``target`` is replaced.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
    try:
        yield tmp
        if tmp.is_dir() and target.is_dir():
            shutil.rmtree(target)
        tmp.replace(target)
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
    """Write an awkward array as parquet, atomically."""
    with atomic_path(target) as tmp:
        ak.to_parquet(array, tmp, compression="zstd")


def read_parquet(path: Path | str, columns: list[str] | None = None) -> ak.Array:
    """Read a parquet file written by :func:`write_parquet` (optionally some columns only).

    Raises InputFileError if the file is missing or unreadable.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    try:
        return ak.from_parquet(path, columns=columns)
    except Exception as exc:  # pyarrow raises several types for truncated files
        raise InputFileError(f"{path}: not a readable parquet file ({exc})") from exc


def read_json(path: Path | str) -> Any:
    """Read a JSON file; InputFileError if missing or malformed."""
    path = Path(path)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError as exc:
        raise InputFileError(f"{path}: file not found") from exc
    except json.JSONDecodeError as exc:
        raise InputFileError(f"{path}: malformed JSON ({exc})") from exc
