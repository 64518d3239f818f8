"""Rule plot_anomaly_mass: seed 004's Figs. 6 and 7 for one classifier."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.plots.anomaly import anomaly_vs_mass
from massgen.plots.figures import save

w = snakemake.wildcards
title = f"{w.model}, {w.method}, classes {w.class_set}"
figure = anomaly_vs_mass(list(snakemake.input.scores), title, snakemake.params.sqrt_s)
save(figure, snakemake.output.png, snakemake.output.pdf)
