"""Rule run_search: one pseudo-experiment of seed 001's search (draw, train, score)."""

from pathlib import Path

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.cwola import CLASSES
from massgen.search import run_experiment

run_experiment(
    snakemake.params.model,
    snakemake.params.loop,
    pools={name: list(snakemake.input[f"{name}_pool"]) for name in CLASSES},
    test={name: snakemake.input[f"{name}_test"] for name in CLASSES},
    search=snakemake.params.search,
    out_dir=str(Path(snakemake.output.model).parent),
    metrics_path=snakemake.output.metrics,
    threads=snakemake.threads,
    pretrained=snakemake.input.get("pretrained"),
)
