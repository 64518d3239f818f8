"""Rule build_class_datasets: the anti-QCD training classes' datasets, every split."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.datasets import build
from massgen.grid import SPLITS

classes = snakemake.params.samples
build(
    {sample: list(snakemake.input[sample]) for sample in classes},
    dict(zip(SPLITS, snakemake.input.index, strict=True)),
    {("nozoom", split): snakemake.output[split] for split in SPLITS},
    snakemake.params.representation["name"],
    snakemake.params.representation["settings"],
    len(classes),
)
