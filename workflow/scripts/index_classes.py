"""Rule index_classes: per-split index files of the anti-QCD study's training classes."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.grid import SPLITS
from massgen.selection import write_class_index

classes = snakemake.params.classes
write_class_index(
    {sample: list(snakemake.input[sample]) for sample in classes},
    {split: snakemake.output[split] for split in SPLITS},
    dict(zip(classes, snakemake.input.cutflows, strict=True)),
)
