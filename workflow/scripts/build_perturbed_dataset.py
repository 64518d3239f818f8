"""Rule build_perturbed_dataset: the test jets of every class after one perturbation."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.datasets import build

groups = snakemake.params.groups
build(
    {sample: list(snakemake.input[sample]) for group in groups for sample in group},
    {"test": snakemake.input.index},
    {("nozoom", "test"): snakemake.output.dataset},
    snakemake.params.representation["name"],
    snakemake.params.representation["settings"],
    len(groups),
    snakemake.params.perturbation,
)
