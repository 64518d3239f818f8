"""Exceptions that name what is wrong, for people who run the workflow."""

from __future__ import annotations

import os


class ConfigError(ValueError):
    """A study configuration is invalid; the message names the key at fault."""


class InputFileError(OSError):
    """An input file is missing, truncated or not in the expected format."""


class OutputFileError(OSError):
    """An output could not be written (full disk, permissions, missing directory)."""


OUR_ERRORS = (ConfigError, InputFileError, OutputFileError)


def system_cause(exc: BaseException) -> OSError | None:
    """The first operating-system error (one with an errno) in ``exc``'s chain.

    Libraries often hide it: pyarrow, writing to a full disk, raises "file metadata is
    only available after writer close" while closing, with the ENOSPC as its context.
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno:
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def one_line(exc: BaseException) -> str:
    """What went wrong, in one line that names the file where there is one."""
    if isinstance(exc, OUR_ERRORS):
        return str(exc)
    cause = system_cause(exc)
    if cause is not None:
        where = cause.filename if cause.filename is not None else "?"
        return f"{where}: {os.strerror(cause.errno)}"
    return f"{type(exc).__name__}: {exc}"
