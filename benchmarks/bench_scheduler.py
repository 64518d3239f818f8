"""Snakemake's re-evaluation timers, reproduced outside the study (the minimal case for an
upstream report) and measured with and without ``massgen.scheduler.single_reevaluation_timer``
(which the workflow applies; the module's docstring gives the cause).

Runs a toy Snakefile of ``--jobs`` short shell jobs, each with ``--inputs`` input files, on
one core, so that jobs wait for the core all along, once as Snakemake ships and once with
the patch, and prints the wall time, the Snakemake process's own CPU seconds and its
largest thread count::

    .venv/bin/python benchmarks/bench_scheduler.py [--jobs 150] [--inputs 20] [--sleep 0.2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from processes import run_watched

PATCH = """
from massgen.scheduler import single_reevaluation_timer

single_reevaluation_timer()
"""

SNAKEFILE = """
N = config["jobs"]
M = config["inputs"]


rule all:
    input:
        expand("done/{i}.txt", i=range(N)),


rule inputs:
    output:
        expand("in/{j}.txt", j=range(M)),
    shell:
        "for f in {output}; do echo 1 > $f; done"


rule job:
    input:
        expand("in/{j}.txt", j=range(M)),
    output:
        "done/{i}.txt",
    shell:
        "sleep {config[sleep]}; touch {output}"
"""


def run(workdir: Path, config: dict, patched: bool) -> tuple[float, float, int, float]:
    """(wall s, Snakemake's own CPU s, its most threads, CPU s of it and its jobs) of the toy
    workflow on one core."""
    snakefile = workdir / "Snakefile"
    snakefile.write_text((PATCH if patched else "") + SNAKEFILE)
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(snakefile)]
    command += ["--directory", str(workdir), "--cores", "1", "--quiet", "all", "--config"]
    command += [f"{key}={value}" for key, value in config.items()]
    return run_watched(command)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=150)
    parser.add_argument("--inputs", type=int, default=20)
    parser.add_argument("--sleep", type=float, default=0.2, help="seconds per job")
    args = parser.parse_args()
    config = {"jobs": args.jobs, "inputs": args.inputs, "sleep": args.sleep}
    print(f"{args.jobs} jobs of {args.sleep} s on one core, {args.inputs} inputs each,")
    print("--max-jobs-per-timespan 100/1s (Snakemake's default)")
    print("| scheduler | wall (s) | snakemake CPU (s) | CPU / wall | threads (most) |")
    print("|---|---|---|---|---|")
    for label, patched in (("as shipped", False), ("one pending timer", True)):
        with tempfile.TemporaryDirectory(prefix="bench-scheduler-") as tmp:
            wall, cpu, threads, _ = run(Path(tmp), config, patched)
        print(f"| {label} | {wall:.1f} | {cpu:.1f} | {cpu / wall:.2f} | {threads} |", flush=True)


if __name__ == "__main__":
    main()
