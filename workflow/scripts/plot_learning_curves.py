"""Rule plot_learning_curves: AUC against training jets per class, in and across domains."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.plots.figures import learning_curves, save

save(learning_curves(snakemake.input.table, snakemake.params.sqrt_s), *snakemake.output)
