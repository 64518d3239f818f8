"""Rule plot_comparison: domain scores of every tagger and method on one split."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.plots.figures import model_comparison, save

figure = model_comparison(
    snakemake.input.summary, snakemake.params.sources, snakemake.params.sqrt_s
)
save(figure, *snakemake.output)
