"""The test tiers: tests needing MadGraph, Delphes, podman or Slurm skip only outside CI."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib

import pytest

from .conftest import REPO
from .tiers import NEEDS, TOOL_MARKERS, Host, missing_for, skip_missing

LINUX = Host("linux", "x86_64", (2, 36), root=True)
EVERYTHING = {p for needs in NEEDS.values() for p in needs.programs}


def which_of(present):
    """A stand-in for shutil.which knowing only the programs in ``present``."""
    return lambda name: f"/usr/bin/{name}" if name in present else None


@pytest.fixture
def kits(tmp_path):
    """A kits folder holding every file the markers look for."""
    for needs in NEEDS.values():
        for name in needs.kit_files:
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).touch()
    return tmp_path


def reason(marker, *, present=EVERYTHING, env=None, kits, host=LINUX):
    return missing_for(marker, which=which_of(present), env=env or {}, kits=kits, host=host)


def test_markers_are_registered_in_pyproject():
    ini = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    registered = {line.split(":", 1)[0] for line in ini["markers"]}
    assert set(TOOL_MARKERS) <= registered
    assert "slow" not in TOOL_MARKERS  # slow tests are never skipped for a missing program


@pytest.mark.parametrize("marker", TOOL_MARKERS)
def test_ci_never_skips(marker, tmp_path):
    """Under CI=true nothing is missing, even with no programs, no kits and no root."""
    bare = Host("darwin", "arm64", (), root=False)
    env = {"CI": "true"}
    assert reason(marker, present=set(), env=env, kits=tmp_path / "none", host=bare) is None


@pytest.mark.parametrize("marker", TOOL_MARKERS)
def test_runs_where_everything_is_present(marker, kits):
    assert reason(marker, kits=kits) is None


@pytest.mark.parametrize("ci", [None, "", "false", "1"])
def test_only_ci_true_counts_as_ci(ci, kits):
    env = {} if ci is None else {"CI": ci}
    assert "gfortran" in reason("madgraph", present={"make"}, env=env, kits=kits)


@pytest.mark.parametrize(
    ("marker", "program"),
    [
        ("madgraph", "gfortran"),
        ("madgraph", "make"),
        ("podman", "podman"),
        ("slurm", "sbatch"),
        ("slurm", "slurmctld"),
    ],
)
def test_missing_program_is_named(marker, program, kits):
    why = reason(marker, present=EVERYTHING - {program}, kits=kits)
    assert why.startswith(f"needs {NEEDS[marker].name}: missing {program} (")
    assert "\n" not in why


@pytest.mark.parametrize("marker", ["madgraph", "delphes", "podman"])
def test_missing_kit_is_named(marker, tmp_path):
    why = reason(marker, kits=tmp_path)
    assert str(tmp_path / NEEDS[marker].kit_files[0]) in why


@pytest.mark.parametrize(
    "host",
    [
        Host("linux", "aarch64", (2, 36), root=True),
        Host("linux", "x86_64", (2, 31), root=True),
        Host("linux", "x86_64", (), root=True),
        Host("darwin", "x86_64", (), root=True),
    ],
)
def test_delphes_needs_a_host_for_the_prebuilt_binaries(host, kits):
    why = reason("delphes", kits=kits, host=host)
    assert "x86_64 Linux with glibc >= 2.36 for the kit's prebuilt binaries" in why
    assert reason("delphes", kits=kits, host=LINUX._replace(glibc=(2, 41))) is None


def test_slurm_needs_root(kits):
    assert "missing root" in reason("slurm", kits=kits, host=LINUX._replace(root=False))
    assert reason("madgraph", kits=kits, host=LINUX._replace(root=False)) is None


class Item:
    """The part of pytest.Item that skip_missing uses."""

    def __init__(self, *markers):
        self.markers = set(markers)
        self.added = []

    def get_closest_marker(self, name):
        return name if name in self.markers else None

    def add_marker(self, mark):
        self.added.append(mark)


def skips(items, env, kits):
    skip_missing(items, which=which_of(set()), env=env, kits=kits, host=LINUX)
    return [[m.kwargs["reason"] for m in item.added] for item in items]


def test_skip_missing_marks_only_tool_tests(kits):
    items = [Item(), Item("slow"), Item("podman"), Item("madgraph", "delphes")]
    reasons = skips(items, {}, kits)
    assert reasons[:2] == [[], []]
    assert reasons[2] == [reason("podman", present=set(), kits=kits)]
    assert len(reasons[3]) == 1
    assert reasons[3][0].startswith("needs MadGraph 3.5.7: missing gfortran, make (")


def test_skip_missing_leaves_everything_under_ci(tmp_path):
    items = [Item(marker) for marker in TOOL_MARKERS]
    assert skips(items, {"CI": "true"}, tmp_path / "none") == [[]] * len(items)


def test_conftest_hook_skips_with_the_reason(tmp_path):
    """A real pytest run, CI unset and an empty PATH (so nothing can be installed):
    the Slurm tests are skipped, naming what is missing."""
    env = {k: v for k, v in os.environ.items() if k != "CI" and not k.startswith("PYTEST_")}
    env["PATH"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", "tests/test_slurm.py"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    source = (REPO / "tests" / "test_slurm.py").read_text().splitlines()
    tests = sum(line.startswith("def test_") for line in source)
    assert f"{tests} skipped" in done.stdout
    assert "needs Slurm: missing sbatch, slurmctld, slurmdbd, mariadbd, munged" in done.stdout
