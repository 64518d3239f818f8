"""Rule train_tagger: one tagger (method) on its source masses, one zoom, one seed."""

from pathlib import Path

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.training.loop import TrainSettings
from massgen.training.run import train_job

cfg = snakemake.params.settings
train_job(
    snakemake.wildcards.method,
    list(snakemake.input.train),
    list(snakemake.input.val),
    str(Path(snakemake.output.model).parent),
    int(snakemake.wildcards.seed),
    TrainSettings(cfg["learning_rate"], cfg["batch_size"], cfg["max_epochs"], cfg["patience"]),
    options={key: cfg[key] for key in ("penalty_strength", "mldg", "metareg", "feature_critic")},
    threads=snakemake.threads,
)
