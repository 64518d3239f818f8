"""Rule summarise_scores: AUC and domain score table of all taggers."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.evaluation.summary import summarise

summarise(list(snakemake.input.metrics), snakemake.output.summary)
