"""Rule tabulate_claims: the founding paper's claims tested on the study's scores."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.evaluation.claims import tabulate

tabulate(
    snakemake.input.summary,
    list(snakemake.input.metrics),
    snakemake.params.masses,
    snakemake.output.claims,
)
