"""Which Snakemake executor the running command line asks for, known before Snakemake
picks it.

Snakemake tells a workflow its executor only when jobs start, not during a dry run; the
Snakefile uses this to say early that ``--profile slurm`` needs ``sbatch``. The command
line is read with Snakemake's own parser, so that profiles (``--profile``,
``SNAKEMAKE_PROFILE``, the workflow's ``profiles/default``) count exactly as they do for
Snakemake.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path


def _is_snakemake_cli(argv: list[str]) -> bool:
    """Whether ``argv`` is a command line of Snakemake's own program (not the Python API,
    which a test or a notebook drives with its own arguments)."""
    program = Path(argv[0]) if argv else Path()
    return program.name == "snakemake" or program.parts[-2:] == ("snakemake", "__main__.py")


def requested_executor(argv: list[str]) -> str | None:
    """The executor that Snakemake's command-line parser finds in ``argv`` (``--executor``
    or a profile's ``executor``); None for the local executor or outside Snakemake's CLI."""
    if not _is_snakemake_cli(argv):
        return None
    from snakemake.cli import parse_args

    # The parser repeats Snakemake's "Using profile ..." line on stderr; it is said once.
    with contextlib.redirect_stderr(io.StringIO()):
        try:
            _, args = parse_args(argv[1:])
        except SystemExit:  # a bad command line: Snakemake itself says so
            return None
    return args.executor
