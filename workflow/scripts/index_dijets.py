"""Rule index_dijets: per-split index files of one sample's signal-region and sideband
events (seed 001's search)."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.grid import SPLITS
from massgen.selection import write_dijet_index

write_dijet_index(
    snakemake.wildcards.sample,
    list(snakemake.input.selected),
    {split: snakemake.output[split] for split in SPLITS},
    snakemake.input.cutflow,
)
