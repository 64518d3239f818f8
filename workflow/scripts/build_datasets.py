"""Rule build_datasets: balanced datasets of one representation and mass, all splits,
both zooms."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.datasets import build_window
from massgen.grid import SPLITS, ZOOMS

mass = int(snakemake.wildcards.mass)
out = snakemake.output
build_window(
    {sample: list(snakemake.input[sample]) for sample in snakemake.params.samples},
    dict(zip(SPLITS, snakemake.input.index, strict=True)),
    mass,
    {zoom: {split: out[f"{zoom}_{split}"] for split in SPLITS} for zoom in ZOOMS},
    snakemake.params.representation["name"],
    snakemake.params.representation["settings"],
)
