"""Rule index_classes: per-split index files of a set of the anti-QCD training classes."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.grid import SPLITS
from massgen.selection import write_class_index

groups = snakemake.params.groups
samples = [sample for group in groups for sample in group]
write_class_index(
    {sample: list(snakemake.input[sample]) for sample in samples},
    groups,
    {split: snakemake.output[split] for split in SPLITS},
    dict(zip(samples, snakemake.input.cutflows, strict=True)),
    snakemake.params.mass_bin_width,
)
