"""Which Snakemake executor a command line asks for, known before Snakemake picks it.

Snakemake tells a workflow its executor only when jobs start, not during a dry run;
the Snakefile uses this to say early that ``--profile slurm`` needs ``sbatch``.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml


def _option(argv: list[str], *names: str) -> str | None:
    """Value of the last ``--name value`` / ``--name=value`` / ``-n value`` in ``argv``."""
    value = None
    for i, arg in enumerate(argv):
        for name in names:
            if arg == name and i + 1 < len(argv):
                value = argv[i + 1]
            elif arg.startswith(name + "="):
                value = arg.split("=", 1)[1]
    return value


def _profile_dir(profile: str) -> Path | None:
    """A profile's directory: a path, or a name under Snakemake's profile folders."""
    candidates = [Path(profile)]
    candidates += [
        Path(base) / "snakemake" / profile
        for base in (
            os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"),
            "/etc/xdg",
        )
    ]
    return next((c for c in candidates if (c / "config.yaml").is_file()), None)


def requested_executor(argv: list[str]) -> str | None:
    """The executor named by ``--executor``/``-e`` or by the profile's ``executor`` key."""
    executor = _option(argv, "--executor", "-e")
    if executor:
        return executor
    profile = _option(argv, "--profile") or os.environ.get("SNAKEMAKE_PROFILE")
    directory = _profile_dir(profile) if profile else None
    if directory is None:
        return None
    settings = yaml.safe_load((directory / "config.yaml").read_text()) or {}
    return settings.get("executor")
