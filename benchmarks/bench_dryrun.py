"""Dry-run time of the workflow per job, against Snakemake's own floor in the same run.

Runs ``snakemake -n --quiet rules`` for each config (from an empty work directory, so that
every job is scheduled), and a toy workflow of as many jobs with no code of ours (one
shell rule, each job reading one file another rule makes). Runs are interleaved, the
fastest of ``--repeat`` is kept, and the time per job is given against the toy's: a dry
run grows with the job count, and this machine class varies up to 2.6x in speed, so the
ratio is the number to compare::

    .venv/bin/python benchmarks/bench_dryrun.py config/paper.yaml my_four_models.yaml
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from processes import run_watched

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = [sys.executable, "-m", "snakemake", "-n", "--quiet", "rules"]

TOY = """
N = config["jobs"] // 2


rule all:
    input:
        expand("done/{i}.txt", i=range(N)),


rule source:
    output:
        "in/{i}.txt",
    shell:
        "touch {output}"


rule job:
    input:
        "in/{i}.txt",
    output:
        "done/{i}.txt",
    shell:
        "touch {output}"
"""


def workflow_command(config: Path, workdir: Path) -> list[str]:
    """The dry run of the study ``config`` in ``workdir``."""
    return [
        *SNAKEMAKE,
        "--snakefile",
        str(REPO / "workflow" / "Snakefile"),
        "--configfile",
        str(config),
        "--directory",
        str(workdir),
    ]


def toy_command(jobs: int, workdir: Path) -> list[str]:
    """The dry run of the toy workflow with about ``jobs`` jobs in ``workdir``."""
    snakefile = workdir / "Snakefile"
    snakefile.write_text(TOY)
    return [
        *SNAKEMAKE,
        "--snakefile",
        str(snakefile),
        "--config",
        f"jobs={jobs}",
        "-d",
        str(workdir),
    ]


def job_count(command: list[str]) -> int:
    """Jobs a dry run schedules (the ``total`` line of Snakemake's job table)."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    found = re.search(r"^total\s+(\d+)", done.stdout, re.MULTILINE)
    if done.returncode or not found:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("configs", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases = {}
        for config in args.configs:
            workdir = Path(tmp) / config.stem
            workdir.mkdir()
            command = workflow_command(config.resolve(), workdir)
            cases[config.name] = (command, job_count(command))
            toy = Path(tmp) / f"toy_{config.stem}"
            toy.mkdir()
            jobs = cases[config.name][1]
            command = toy_command(jobs, toy)
            cases[f"toy, {config.name}'s job count"] = (command, job_count(command))
        best = dict.fromkeys(cases, float("inf"))
        for _ in range(args.repeat):
            for name, (command, _) in cases.items():
                _, cpu, _, _ = run_watched(command)
                best[name] = min(best[name], cpu)
    print("| dry run | jobs | CPU (s) | ms per job | per job / toy's |")
    print("|---|---|---|---|---|")
    names = list(cases)
    for i in range(0, len(names), 2):
        ours, toy = names[i], names[i + 1]
        toy_ms = 1000 * best[toy] / cases[toy][1]
        for name in (ours, toy):
            ms = 1000 * best[name] / cases[name][1]
            print(
                f"| {name} | {cases[name][1]} | {best[name]:.1f} | {ms:.2f} | {ms / toy_ms:.2f} |"
            )


if __name__ == "__main__":
    main()
