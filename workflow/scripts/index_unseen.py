"""Rule index_unseen: the index file of one unseen signal of the anti-QCD study."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.selection import write_unseen_index

write_unseen_index(
    snakemake.wildcards.sample,
    list(snakemake.input.selected),
    snakemake.params.label,
    snakemake.output.index,
    snakemake.input.cutflow,
)
