"""Rule tabulate_robustness: seed 003's Tables I and II (recursive.md)."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.evaluation.robustness import tables
from massgen.files import atomic_path, read_json

metrics = [read_json(path) for path in snakemake.input.metrics]
with atomic_path(snakemake.output.tables) as tmp:
    rows = [tuple(row) for row in snakemake.params.classifiers]
    tmp.write_text(tables(metrics, rows, snakemake.params.inputs))
