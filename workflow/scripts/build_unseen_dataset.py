"""Rule build_unseen_dataset: the dataset of one unseen signal of the anti-QCD study."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.datasets import build

build(
    {snakemake.wildcards.sample: list(snakemake.input.selected)},
    {"test": snakemake.input.index},
    {("nozoom", "test"): snakemake.output.dataset},
    snakemake.params.representation["name"],
    snakemake.params.representation["settings"],
    snakemake.params.n_classes,
)
