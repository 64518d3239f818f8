"""Rule tabulate_cutflow: one markdown table of all samples' cutflows."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.selection import cutflow_table

cutflow_table(list(snakemake.input), snakemake.output.table)
