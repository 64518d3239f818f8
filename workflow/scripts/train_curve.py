"""Rule train_curve: a learning-curve point, the baseline of one model at one mass trained
on N jets per class, one zoom, one seed."""

from pathlib import Path

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.training.run import train_job

train_job(
    snakemake.params.model,
    snakemake.params.method,
    list(snakemake.input.train),
    list(snakemake.input.val),
    str(Path(snakemake.output.model).parent),
    int(snakemake.wildcards.seed),
    snakemake.params.loop,
    threads=snakemake.threads,
    train_jets=snakemake.params.train_jets,
)
