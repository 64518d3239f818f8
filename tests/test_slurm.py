"""`snakemake --profile slurm` on a real single-node Slurm started by the test.

tests/slurm/start_slurm.sh installs Debian's slurm-wlm and munge if needed (root) and
starts slurmctld and slurmd with two fake GPUs. The smoke study then runs through the
repository's `slurm/` profile; one training job is cancelled mid-run and must be
retried. Checks: every job went through sbatch, training jobs got a GPU, and the
scores equal those of the local run of the same configuration.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest

from massgen import paths

from .conftest import REPO, SMOKE, SNAKEMAKE

pytestmark = pytest.mark.slurm

SLURM_ARGS = [
    "--profile",
    str(REPO / "slurm"),
    "--slurm-status-command",
    "squeue",
    "--slurm-no-account",
    "--slurm-init-seconds-before-status-checks",
    "2",
]


@pytest.fixture(scope="module")
def slurm():
    subprocess.run(["bash", str(REPO / "tests" / "slurm" / "start_slurm.sh")], check=True)
    yield
    subprocess.run(["bash", str(REPO / "tests" / "slurm" / "stop_slurm.sh")], check=False)


def running_training_job() -> str | None:
    """Slurm id of a running train_tagger job, if any."""
    out = subprocess.run(
        ["squeue", "-h", "-t", "RUNNING", "-o", "%i %k"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    for line in out.splitlines():
        job_id, _, comment = line.partition(" ")
        if comment.startswith("rule_train_tagger"):
            return job_id
    return None


@pytest.fixture(scope="module")
def slurm_run(slurm, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("slurm")
    log = (workdir / "snakemake.log").open("w")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*SNAKEMAKE, "--directory", str(workdir), "--configfile", str(SMOKE), *SLURM_ARGS],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    cancelled = None
    while proc.poll() is None:
        if cancelled is None and (job := running_training_job()):
            time.sleep(1)
            subprocess.run(["scancel", job], check=True)
            cancelled = job
        time.sleep(0.5)
    log.close()
    seconds = time.perf_counter() - start
    text = (workdir / "snakemake.log").read_text()
    (workdir / "seconds.txt").write_text(f"{seconds:.1f}\n")
    assert proc.returncode == 0, text[-4000:]
    return {"workdir": workdir, "log": text, "cancelled": cancelled, "seconds": seconds}


@pytest.mark.slow
def test_every_job_went_through_sbatch(slurm_run):
    log = slurm_run["log"]
    submitted = re.findall(r"Job (\d+) has been submitted with SLURM jobid (\d+)", log)
    finished = set(re.findall(r"Finished jobid: (\d+)", log))
    local = set(re.findall(r"localrule \w+:\n(?:[ \t]+.*\n)*?[ \t]+jobid: (\d+)", log))
    assert local  # the target rule 'all' runs locally
    assert {snakemake_id for snakemake_id, _ in submitted} == finished - local
    assert len(submitted) == len(finished - local) + 1  # one resubmission after the cancel


@pytest.mark.slow
def test_cancelled_training_was_retried(slurm_run):
    assert slurm_run["cancelled"] is not None
    ids = [
        slurm
        for _, slurm in re.findall(
            r"Job (\d+) has been submitted with SLURM jobid (\d+)", slurm_run["log"]
        )
    ]
    assert slurm_run["cancelled"] in ids


@pytest.mark.slow
def test_training_jobs_got_a_gpu(slurm_run):
    logs = Path(slurm_run["workdir"], "results", "smoke", "logs")
    train = list((logs / "train_tagger").rglob("*.log"))
    assert train
    for path in train:
        assert re.search(r"Slurm job \d+ on \S+, GPUs: \d", path.read_text()), path
    for path in (logs / "generate_events").rglob("*.log"):
        assert "GPUs: none" in path.read_text()


@pytest.mark.slow
def test_scores_match_the_local_run(slurm_run, smoke_run):
    summary = paths.SUMMARY.format(study="smoke")
    assert (slurm_run["workdir"] / summary).read_text() == (smoke_run / summary).read_text()
