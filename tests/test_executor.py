"""`snakemake --profile slurm` where Slurm is missing: a clear message, dry run included."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from pathlib import Path

import snakemake as snakemake_package

from massgen.executor import requested_executor

from .conftest import REPO, SMOKE, snakemake

SLURM_TOOLS = {"sbatch", "squeue", "scancel", "sacct", "srun", "sinfo", "scontrol"}


def test_requested_executor_from_options_and_profiles(tmp_path, monkeypatch):
    monkeypatch.delenv("SNAKEMAKE_PROFILE", raising=False)
    assert requested_executor(["snakemake", "-e", "slurm"]) == "slurm"
    assert requested_executor(["snakemake", "--executor=local"]) == "local"
    assert requested_executor(["snakemake", "--profile", str(REPO / "slurm"), "-n"]) == "slurm"
    assert requested_executor(["snakemake", "--cores", "2"]) is None
    profile = tmp_path / "site"
    profile.mkdir()
    (profile / "config.yaml").write_text("jobs: 4\n")
    assert requested_executor(["snakemake", f"--profile={profile}"]) is None
    (profile / "config.yaml").write_text("executor: slurm\njobs: 4\n")
    assert requested_executor(["snakemake", f"--profile={profile}"]) == "slurm"
    monkeypatch.setenv("SNAKEMAKE_PROFILE", str(REPO / "slurm"))
    assert requested_executor(["snakemake"]) == "slurm"
    main = str(Path(snakemake_package.__file__).parent / "__main__.py")  # python -m snakemake
    assert requested_executor([main, "-e", "slurm"]) == "slurm"
    assert requested_executor(["pytest", "-e", "slurm"]) is None  # the API, not the CLI


def path_without_slurm(directory: Path) -> str:
    """A PATH with every program of the current one except Slurm's clients."""
    directory.mkdir()
    for folder in os.environ["PATH"].split(os.pathsep):
        if not Path(folder).is_dir():
            continue
        with os.scandir(folder) as entries:
            for entry in entries:
                target = directory / entry.name
                if entry.name not in SLURM_TOOLS and not os.path.lexists(target):
                    target.symlink_to(entry.path)
    return str(directory)


def test_slurm_profile_without_sbatch(tmp_path):
    env = {**os.environ, "PATH": path_without_slurm(tmp_path / "bin")}
    args = ("--profile", str(REPO / "slurm"), "--configfile", str(SMOKE))
    dry = snakemake(tmp_path, *args, "-n", env=env)
    assert dry.returncode == 0, dry.stderr[-2000:]
    assert "needs Slurm's sbatch on PATH and there is none here" in dry.stdout + dry.stderr
    assert "Traceback" not in dry.stdout + dry.stderr
    # The dry run shows where each job would go: training on the GPU partition.
    blocks = re.findall(r"\nrule (\w+):\n((?:[ \t]+.*\n)+)", dry.stdout)
    partitions = defaultdict(set)
    for rule, block in blocks:
        partitions[rule] |= set(re.findall(r"slurm_partition=(\w+)", block))
    assert partitions["train_tagger"] == {"gpu"}
    assert partitions["generate_events"] == partitions["evaluate_tagger"] == {"cpu"}
    real = snakemake(tmp_path, *args, env=env)
    assert real.returncode != 0
    assert "needs Slurm's sbatch on PATH and there is none here" in real.stdout + real.stderr
    assert not (tmp_path / "results").exists()
