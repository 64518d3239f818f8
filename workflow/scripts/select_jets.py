"""Rule select_jets: reco cuts, window flags, splits and the cutflow of one chunk."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.selection import select_chunk

select_chunk(
    snakemake.wildcards.sample,
    snakemake.input.jets,
    snakemake.input.meta,
    snakemake.output.selected,
    snakemake.output.cutflow,
    **dict(snakemake.params.items()),  # massgen.params.selection: cuts, windows, split
)
