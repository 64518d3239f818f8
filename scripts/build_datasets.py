"""Rule build_datasets: balanced point clouds of one mass, all splits, both zooms."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.datasets import ZOOMS, build_window
from massgen.selection import SPLITS

out = snakemake.output
build_window(
    {p.split("/")[-2]: p for p in snakemake.input.selected},
    int(snakemake.wildcards.mass),
    {zoom: {split: out[f"{zoom}_{split}"] for split in SPLITS} for zoom in ZOOMS},
    {zoom: out[f"images_{zoom}"] for zoom in ZOOMS},
    snakemake.params.max_constituents,
)
