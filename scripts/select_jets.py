"""Rule select_jets: reco cuts, window flags, splits and the cutflow of one sample."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.selection import select_sample

select_sample(
    snakemake.config,
    snakemake.wildcards.sample,
    list(snakemake.input.jets),
    list(snakemake.input.meta),
    snakemake.output.selected,
    snakemake.output.cutflow,
)
