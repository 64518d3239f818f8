"""`snakemake --profile slurm` on a real single-node Slurm started by the test.

tests/slurm/start_slurm.sh installs Debian's slurm-wlm, slurmdbd, MariaDB and munge if
needed (root) and starts a cluster of two partitions, `cpu` and `gpu`, on one node with
two fake GPUs, with job accounting and the account `massgen`. The smoke study then runs
through the repository's `slurm/` profile as it stands; one training job is cancelled
mid-run and must be retried. Checks: every job but the local rules went through sbatch,
each in the partition and account the profile routes its rule to (read back with
sacct), training jobs got a GPU, and the scores equal those of the local run of the
same configuration.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections import Counter
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
    started = time.strftime("%Y-%m-%dT%H:%M:%S")
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
    return {
        "workdir": workdir,
        "log": text,
        "cancelled": cancelled,
        "seconds": seconds,
        "started": started,
    }


@pytest.mark.slow
def test_every_job_went_through_sbatch(slurm_run):
    log = slurm_run["log"]
    submitted = re.findall(r"Job (\d+) has been submitted with SLURM jobid (\d+)", log)
    finished = set(re.findall(r"Finished jobid: (\d+)", log))
    local = set(re.findall(r"localrule \w+:\n(?:[ \t]+.*\n)*?[ \t]+jobid: (\d+)", log))
    assert local  # the target rule 'all' runs locally
    assert {snakemake_id for snakemake_id, _ in submitted} == finished - local
    assert len(submitted) == len(finished - local) + 1  # one resubmission after the cancel


def slurm_jobs_by_rule(log: str) -> dict[str, str]:
    """Slurm job id -> rule, from Snakemake's log of a run."""
    rules = {
        jobid: rule
        for rule, jobid in re.findall(r"\nrule (\w+):\n(?:[ \t]+.*\n)*?[ \t]+jobid: (\d+)", log)
    }
    submitted = re.findall(r"Job (\d+) has been submitted with SLURM jobid (\d+)", log)
    return {slurm: rules[jobid] for jobid, slurm in submitted}


def accounting(since: str) -> dict[str, tuple[str, str, str]]:
    """Slurm job id -> (partition, account, state) of every job submitted from ``since``
    (sacct's time format), from Slurm's accounting (slurmdbd)."""
    out = subprocess.run(
        ["sacct", "-X", "-n", "-P", "-a", "-S", since, "-o", "JobID,Partition,Account,State"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = (line.split("|") for line in out.splitlines() if line)
    return {job: (partition, account, state) for job, partition, account, state in rows}


@pytest.mark.slow
def test_each_rule_ran_in_its_partition_and_account(slurm_run):
    """The profile's routing, read back from Slurm's accounting: training in `gpu`, every
    other batch job in `cpu`, all under the account `massgen`."""
    jobs = slurm_jobs_by_rule(slurm_run["log"])
    for _ in range(30):  # slurmdbd records a job's end a moment after squeue drops it
        recorded = accounting(slurm_run["started"])
        if set(jobs) <= set(recorded):
            break
        time.sleep(1)
    assert set(jobs) <= set(recorded), sorted(set(jobs) - set(recorded))
    table = Counter((rule, *recorded[job][:2]) for job, rule in jobs.items())
    rows = [f"{rule}\t{part}\t{account}\t{n}" for (rule, part, account), n in sorted(table.items())]
    (slurm_run["workdir"] / "sacct.tsv").write_text(
        "rule\tpartition\taccount\tjobs\n" + "\n".join(rows) + "\n"
    )
    assert {rule for rule, _, _ in table} >= {"generate_events", "train_tagger", "evaluate_tagger"}
    for rule, partition, account in table:
        assert partition == ("gpu" if rule == "train_tagger" else "cpu"), (rule, partition)
        assert account == "massgen", (rule, account)
    states = Counter(recorded[job][2].split()[0] for job in jobs)  # "CANCELLED by 0"
    assert states == {"COMPLETED": len(jobs) - 1, "CANCELLED": 1}, states


@pytest.mark.slow
def test_tiny_rules_ran_beside_snakemake(slurm_run):
    """The local rules of the Snakefile were not submitted to Slurm."""
    submitted = set(slurm_jobs_by_rule(slurm_run["log"]).values())
    assert submitted.isdisjoint(
        {"merge_cutflow", "tabulate_cutflow", "summarise_scores", "plot_scores"}
    )
    assert re.search(r"localrule summarise_scores:", slurm_run["log"])


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
