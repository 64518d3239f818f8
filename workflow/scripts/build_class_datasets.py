"""Rule build_class_datasets: the datasets of a set of anti-QCD training classes, every
split."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.datasets import build
from massgen.grid import SPLITS

groups = snakemake.params.groups
build(
    {sample: list(snakemake.input[sample]) for group in groups for sample in group},
    dict(zip(SPLITS, snakemake.input.index, strict=True)),
    {("nozoom", split): snakemake.output[split] for split in SPLITS},
    snakemake.params.representation["name"],
    snakemake.params.representation["settings"],
    len(groups),
)
