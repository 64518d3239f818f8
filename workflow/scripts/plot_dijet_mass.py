"""Rule plot_dijet_mass: seed 001's Fig. 1, the dijet mass with its regions."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.plots.dijet import dijet_mass
from massgen.plots.figures import save

samples = snakemake.params.samples
figure = dijet_mass(
    {sample: list(snakemake.input[sample]) for sample in samples},
    dict(zip(samples, snakemake.input.cutflows, strict=True)),
    snakemake.params.regions,
    snakemake.params.sqrt_s,
)
save(figure, snakemake.output.png, snakemake.output.pdf)
