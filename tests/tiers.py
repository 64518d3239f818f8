"""Test tiers: which marked tests can run on this machine.

A test that needs an outside program carries a marker naming it (``madgraph``, ``delphes``,
``podman``, ``slurm``). Under ``CI=true`` every such test runs: its fixture installs the
program (from the offline kits in ../shared/tools, or with apt-get as root) and a failed
install fails the test. Elsewhere a test whose program, or what installing it needs, is
absent is skipped with a one-line reason naming what is missing.
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pytest


class Host(NamedTuple):
    """What the prebuilt binaries and the installers care about on this machine."""

    system: str  # sys.platform
    machine: str  # platform.machine()
    glibc: tuple[int, ...]  # () where the C library is not glibc
    root: bool  # effective user id 0


def this_host() -> Host:
    """The :class:`Host` running the tests."""
    libc, version = platform.libc_ver()
    glibc = tuple(int(x) for x in version.split(".") if x.isdigit()) if libc == "glibc" else ()
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    return Host(sys.platform, platform.machine(), glibc, root)


@dataclass(frozen=True)
class Needs:
    """What a marker's fixture needs in place before it can install and run the program."""

    name: str
    programs: tuple[str, ...] = ()  # on PATH
    kit_files: tuple[str, ...] = ()  # relative to the kits folder
    prebuilt_glibc: tuple[int, ...] | None = None  # x86_64 Linux binaries needing this glibc
    root: bool = False
    hint: str = ""


NEEDS = {
    "madgraph": Needs(
        "MadGraph 3.5.7",
        programs=("gfortran", "make"),
        kit_files=("madgraph/install.sh", "madgraph/MG5_aMC_v3_5_7.tar.gz"),
        hint="it compiles Fortran at every launch: apt-get install gfortran make",
    ),
    "delphes": Needs(
        "Delphes 3.5.1",
        kit_files=("delphes/install.sh", "delphes/delphes-3.5.1-bin-root6.40.tar.gz"),
        prebuilt_glibc=(2, 36),
        hint="the kit ships prebuilt binaries; ROOT 6.40 comes from pip (root==0.1a12)",
    ),
    "podman": Needs(
        "podman",
        programs=("podman",),
        kit_files=("madgraph/install.sh", "delphes/install.sh"),  # the images install them
        hint="apt-get install podman runc debootstrap",
    ),
    "slurm": Needs(
        "Slurm",
        programs=("sbatch", "slurmctld", "slurmdbd", "mariadbd", "munged"),
        root=True,
        hint="tests/slurm/start_slurm.sh writes /etc/slurm; "
        "apt-get install slurm-wlm slurmdbd mariadb-server munge",
    ),
}
TOOL_MARKERS = tuple(NEEDS)


def in_ci(env: Mapping[str, str]) -> bool:
    """True when ``env`` says this is a CI run (``CI=true``): then nothing is skipped."""
    return env.get("CI") == "true"


def missing_for(
    marker: str,
    *,
    which: Callable[[str], str | None],
    env: Mapping[str, str],
    kits: Path,
    host: Host,
) -> str | None:
    """Why a test marked ``marker`` cannot run here, or None when it can.

    Parameters
    ----------
    marker : one of :data:`TOOL_MARKERS`.
    which : finds a program on PATH (``shutil.which``).
    env : the environment (``os.environ``); ``CI=true`` means nothing is missing.
    kits : the offline kits folder (``../shared/tools``).
    host : this machine (:func:`this_host`).

    Returns
    -------
    One line naming what is missing and how to get it, or None.
    """
    needs = NEEDS[marker]
    if in_ci(env):
        return None
    missing = [p for p in needs.programs if which(p) is None]
    missing += [str(kits / f) for f in needs.kit_files if not (kits / f).is_file()]
    if needs.prebuilt_glibc is not None and not (
        host.system == "linux" and host.machine == "x86_64" and host.glibc >= needs.prebuilt_glibc
    ):
        glibc = ".".join(map(str, needs.prebuilt_glibc))
        libc = ".".join(map(str, host.glibc)) if host.glibc else "no glibc"
        missing.append(
            f"x86_64 Linux with glibc >= {glibc} for the kit's prebuilt binaries "
            f"(this is {host.system} {host.machine}, {libc})"
        )
    if needs.root and not host.root:
        missing.append("root")
    if not missing:
        return None
    return f"needs {needs.name}: missing {', '.join(missing)} ({needs.hint}; under CI=true the test installs it)"


def skip_missing(
    items: Iterable[pytest.Item],
    *,
    which: Callable[[str], str | None],
    env: Mapping[str, str],
    kits: Path,
    host: Host,
) -> None:
    """Add a skip mark, with the reasons of :func:`missing_for`, to each item needing a
    program that is missing here. Under ``CI=true`` no item is touched."""
    if in_ci(env):
        return
    reasons: dict[str, str | None] = {}
    for item in items:
        found = []
        for marker in TOOL_MARKERS:
            if item.get_closest_marker(marker) is None:
                continue
            if marker not in reasons:
                reasons[marker] = missing_for(marker, which=which, env=env, kits=kits, host=host)
            if reasons[marker]:
                found.append(reasons[marker])
        if found:
            item.add_marker(pytest.mark.skip(reason="; ".join(found)))
