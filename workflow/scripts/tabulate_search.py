"""Rule tabulate_search: seed 001's significance and AUC tables from every
pseudo-experiment."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.evaluation.search_summary import summarise, tables
from massgen.files import read_json, write_text

rows = summarise([read_json(path) for path in snakemake.input.metrics])
write_text(tables(rows, list(snakemake.params.schemes)), snakemake.output.tables)
