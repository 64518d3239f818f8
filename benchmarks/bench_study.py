"""A whole study from a clean results tree against its ideal and against bare Pythia.

Runs ``snakemake --cores N --configfile CONFIG`` in an empty work directory and prints,
measured in this one run on this machine:
- per rule: jobs, the summed wall seconds of its jobs (Snakemake's ``benchmark:``
  files), their CPU seconds (each job's own count on its log's last line; Snakemake's
  sampled one for jobs without it) and CPU / wall;
- the CPU of the Snakemake process itself (its own user + system time, read from
  /proc while it runs; its jobs are children and not counted) and its share of all CPU;
- the CPU of every job process from start to exit (the Snakemake process tree's CPU, read
  when it ends, less the Snakemake process's own);
- the study's wall time against the ideal (all jobs' CPU divided by the cores) and
  against bare Pythia: the time ``pythia.next()`` alone needs for the study's events
  (each sample's rate measured on ``--bare-events`` events, one core; spread over
  the cores).

Rules without a ``benchmark:`` file (tiny aggregation jobs) count in the ideal but not in
the per-rule table. Run by hand (the default study takes minutes to an hour, depending on the machine):

    .venv/bin/python benchmarks/bench_study.py [--config config/config.yaml] [--cores 2]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml
from processes import run_watched

from massgen import params, paths
from massgen.config import validate_config
from massgen.generation.pythia import make_generator
from massgen.logs import USAGE
from massgen.samples import of_study

REPO = Path(__file__).resolve().parents[1]


def run_study(config_path: Path, cores: int, workdir: Path) -> tuple[float, float, int, float]:
    """(wall seconds, CPU seconds of the Snakemake process, its most threads, CPU seconds of
    the Snakemake process and all its jobs) of the whole study."""
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "workflow" / "Snakefile"),
        "--directory",
        str(workdir),
        "--configfile",
        str(config_path),
        "--cores",
        str(cores),
        "--quiet",
        "all",
    ]
    return run_watched(command, interval=0.5)


def job_cpu(log: Path) -> float | None:
    """CPU seconds a job reported on its log's last line (massgen.logs.USAGE), if any."""
    if not log.is_file():
        return None
    lines = log.read_text().strip().splitlines()
    cpu = re.escape(USAGE.split("{cpu")[0]) + r"([0-9.]+)"  # "done: <CPU>"
    match = re.search(cpu, lines[-1]) if lines else None
    return float(match.group(1)) if match else None


def rule_table(results: Path) -> dict[str, dict[str, float]]:
    """Per rule: jobs and summed wall (s) and CPU (s) of its jobs.

    Wall from Snakemake's benchmark files; CPU from each job's log, exact (Snakemake
    samples CPU every 0.5 s for a job's first 15 s, then only every 30 s, and misses
    what a job uses after its last sample), or from the benchmark file for jobs that log
    none (shell rules), counted in ``sampled``."""
    table: dict[str, dict[str, float]] = defaultdict(
        lambda: {"jobs": 0, "wall": 0.0, "cpu": 0.0, "sampled": 0}
    )
    for tsv in sorted((results / "benchmarks").rglob("*.tsv")):
        relative = tsv.relative_to(results / "benchmarks")
        rule = relative.parts[0]
        with tsv.open() as stream:
            row = next(csv.DictReader(stream, delimiter="\t"))
        cpu = job_cpu((results / "logs" / relative).with_suffix(".log"))
        table[rule]["jobs"] += 1
        table[rule]["wall"] += float(row["s"])
        table[rule]["cpu"] += float(row["cpu_time"]) if cpu is None else cpu
        table[rule]["sampled"] += cpu is None
    return dict(table)


def timeless(path: Path) -> bytes:
    """A result file's bytes, without what records time: a training history's per-epoch
    ``seconds``."""
    if path.name != "history.json":
        return path.read_bytes()
    history = json.loads(path.read_text())
    for epoch in history["epochs"]:
        epoch.pop("seconds")
    return json.dumps(history, sort_keys=True).encode()


def differing_outputs(ours: Path, theirs: Path) -> tuple[int, list[str]]:
    """(files compared, files that differ or exist on one side only) between two results
    trees of a study, logs and benchmark files aside."""

    def outputs(root: Path) -> set[Path]:
        return {
            p.relative_to(root)
            for p in root.rglob("*")
            if p.is_file() and p.relative_to(root).parts[0] not in ("logs", "benchmarks")
        }

    names = outputs(ours) | outputs(theirs)
    differ = [
        str(name)
        for name in sorted(names)
        if not ((ours / name).is_file() and (theirs / name).is_file())
        or timeless(ours / name) != timeless(theirs / name)
    ]
    return len(names), differ


def bare_pythia_seconds(config: dict, events: int, cores: int) -> float:
    """Seconds bare Pythia needs for the study's events on ``cores`` cores: each
    sample's rate from ``events`` events of ``pythia.next()`` (initialisation
    included), its events divided by that rate, the sum spread over the cores."""
    total = 0.0
    for sample in of_study(config):
        job = params.generation(config, sample.name, 0)
        start = time.perf_counter()
        gen = make_generator(job["settings"], job["seed"], job["user_process"], job["coupling"])
        for _ in range(events):
            gen.pythia.next()
        rate = events / (time.perf_counter() - start)
        total += paths.sample_events(config, sample.name) / rate
    return total / cores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", type=Path, default=REPO / "config" / "config.yaml")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--bare-events", type=int, default=500)
    parser.add_argument(
        "--keep", type=Path, help="run in this new directory and keep it (default: a temporary one)"
    )
    parser.add_argument(
        "--compare",
        type=Path,
        help="a work directory of an earlier run of the same study: compare every output",
    )
    args = parser.parse_args()
    config = validate_config(yaml.safe_load(args.config.read_text()))
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.keep.resolve() if args.keep else Path(tmp)
        if any(workdir.glob("*")):
            raise SystemExit(f"{workdir}: not empty (the study must start from nothing)")
        wall, scheduler, threads, tree = run_study(args.config.resolve(), args.cores, workdir)
        results = workdir / "results" / config["study"]
        table = rule_table(results)
        if args.compare:
            compared, differ = differing_outputs(
                results, args.compare / "results" / config["study"]
            )
    bare = bare_pythia_seconds(config, args.bare_events, args.cores)
    jobs_cpu = tree - scheduler  # every job process from start to exit, shells included
    ideal = jobs_cpu / args.cores
    print(f"study {config['study']!r} on {args.cores} cores\n")
    print("| rule | jobs | wall (s) | CPU (s) | CPU / wall |")
    print("|---|---|---|---|---|")
    for rule, row in sorted(table.items(), key=lambda item: -item[1]["wall"]):
        ratio = row["cpu"] / row["wall"] if row["wall"] else 0.0
        sampled = " (Snakemake's sample)" if row["sampled"] else ""
        print(
            f"| {rule} | {row['jobs']} | {row['wall']:.0f} | {row['cpu']:.0f}{sampled}"
            f" | {ratio:.2f} |"
        )
    print(f"| the snakemake process | | | {scheduler:.0f} | |")
    rules_cpu = sum(row["cpu"] for row in table.values())
    print(f"| all job processes (start to exit) | | | {jobs_cpu:.0f} | |")
    print(f"\n(the rules' CPU sums to {rules_cpu:.0f} s: job start before logging begins,")
    print(" interpreter exit, and rules without a benchmark file are the difference)")
    print()
    print(f"wall {wall:.0f} s; ideal (job CPU {jobs_cpu:.0f} s / {args.cores} cores) {ideal:.0f} s")
    print(f"wall / ideal: {wall / ideal:.2f}")
    print(f"bare Pythia for the study's events: {bare:.0f} s; wall / bare: {wall / bare:.2f}")
    share = scheduler / (scheduler + jobs_cpu)
    print(f"snakemake process: {share:.1%} of the study's CPU, at most {threads} threads")
    if args.compare:
        print(f"outputs against {args.compare}: {compared - len(differ)} of {compared} identical")
        print("".join(f"  differs: {name}\n" for name in differ), end="")


if __name__ == "__main__":
    main()
