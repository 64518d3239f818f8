"""A whole study from a clean results tree against its ideal and against bare Pythia.

Runs ``snakemake --cores N --configfile CONFIG`` in an empty work directory and prints,
measured in this one run on this machine:
- per rule: jobs, the summed wall and CPU seconds of its jobs (Snakemake's own
  ``benchmark:`` files) and CPU / wall;
- the CPU of the Snakemake process itself (its own user + system time, read from
  /proc while it runs; its jobs are children and not counted) and its share of all CPU;
- the study's wall time against the ideal (the jobs' CPU divided by the cores) and
  against bare Pythia: the time ``pythia.next()`` alone needs for the study's events
  (each sample's rate measured on ``--bare-events`` events, one core; spread over
  the cores).

Rules without a ``benchmark:`` file (tiny aggregation jobs) count in the wall time
only. Run by hand (the default study takes minutes to an hour, depending on the machine):

    .venv/bin/python benchmarks/bench_study.py [--config config.yaml] [--cores 2]
"""

from __future__ import annotations

import argparse
import csv
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
from massgen.samples import study_samples

REPO = Path(__file__).resolve().parents[1]


def run_study(config_path: Path, cores: int, workdir: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the Snakemake process) of the whole study."""
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(REPO / "Snakefile"),
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


def rule_table(results: Path) -> dict[str, dict[str, float]]:
    """Per rule: jobs and summed wall (s) and CPU (s) from the benchmark files."""
    table: dict[str, dict[str, float]] = defaultdict(lambda: {"jobs": 0, "wall": 0.0, "cpu": 0.0})
    for tsv in sorted((results / "benchmarks").rglob("*.tsv")):
        rule = tsv.relative_to(results / "benchmarks").parts[0]
        with tsv.open() as stream:
            row = next(csv.DictReader(stream, delimiter="\t"))
        table[rule]["jobs"] += 1
        table[rule]["wall"] += float(row["s"])
        table[rule]["cpu"] += float(row["cpu_time"])
    return dict(table)


def bare_pythia_seconds(config: dict, events: int, cores: int) -> float:
    """Seconds bare Pythia needs for the study's events on ``cores`` cores: each
    sample's rate from ``events`` events of ``pythia.next()`` (initialisation
    included), its events divided by that rate, the sum spread over the cores."""
    total = 0.0
    for sample in study_samples(config["masses"]):
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
    parser.add_argument("--config", type=Path, default=REPO / "config.yaml")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--bare-events", type=int, default=500)
    args = parser.parse_args()
    config = validate_config(yaml.safe_load(args.config.read_text()))
    with tempfile.TemporaryDirectory() as tmp:
        wall, scheduler = run_study(args.config.resolve(), args.cores, Path(tmp))
        table = rule_table(Path(tmp) / "results" / config["study"])
    bare = bare_pythia_seconds(config, args.bare_events, args.cores)
    jobs_cpu = sum(row["cpu"] for row in table.values())
    ideal = jobs_cpu / args.cores
    print(f"study {config['study']!r} on {args.cores} cores\n")
    print("| rule | jobs | wall (s) | CPU (s) | CPU / wall |")
    print("|---|---|---|---|---|")
    for rule, row in sorted(table.items(), key=lambda item: -item[1]["wall"]):
        ratio = row["cpu"] / row["wall"] if row["wall"] else 0.0
        print(f"| {rule} | {row['jobs']} | {row['wall']:.0f} | {row['cpu']:.0f} | {ratio:.2f} |")
    print(f"| the snakemake process | | | {scheduler:.0f} | |")
    print()
    print(f"wall {wall:.0f} s; ideal (job CPU {jobs_cpu:.0f} s / {args.cores} cores) {ideal:.0f} s")
    print(f"wall / ideal: {wall / ideal:.2f}")
    print(f"bare Pythia for the study's events: {bare:.0f} s; wall / bare: {wall / bare:.2f}")
    share = scheduler / (scheduler + jobs_cpu)
    print(f"snakemake process: {share:.1%} of the study's CPU")


if __name__ == "__main__":
    main()
