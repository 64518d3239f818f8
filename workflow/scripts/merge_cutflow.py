"""Rule merge_cutflow: one sample's cutflow from its chunks."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.selection import write_sample_cutflow

write_sample_cutflow(list(snakemake.input), snakemake.output.cutflow)
