"""Exceptions that name what is wrong, for people who run the workflow."""

from __future__ import annotations


class ConfigError(ValueError):
    """A study configuration is invalid; the message names the key at fault."""


class InputFileError(OSError):
    """An input file is missing, truncated or not in the expected format."""
