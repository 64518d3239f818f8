"""Rule build_dijet_datasets: the two leading jets' images of one sample's indexed
events at one resolution, every split, with their regions and the sample's sideband
ratio."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.datasets import build
from massgen.event_pools import sideband_ratio
from massgen.grid import SPLITS

build(
    {snakemake.wildcards.sample: list(snakemake.input.selected)},
    dict(zip(SPLITS, snakemake.input.index, strict=True)),
    {("nozoom", split): snakemake.output[split] for split in SPLITS},
    snakemake.params.representation["name"],
    snakemake.params.representation["settings"],
    n_classes=2,
    index_columns=("region",),
    meta={"sideband_ratio": sideband_ratio(snakemake.input.cutflow)},
)
