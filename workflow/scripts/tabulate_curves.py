"""Rule tabulate_curves: the learning curves' AUC per seed (CSV) and mean +- std (Markdown)."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.evaluation.curves import tabulate

tabulate(list(snakemake.input.metrics), snakemake.output.table, snakemake.output.markdown)
