"""Rule plot_significance: one of seed 001's Figs. 3-5 from its pseudo-experiments."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.evaluation.search_summary import summarise
from massgen.files import read_json
from massgen.plots.dijet import significance
from massgen.plots.figures import save

rows = summarise([read_json(path) for path in snakemake.input.metrics])
figure = significance(rows, list(snakemake.params.schemes), snakemake.params.sqrt_s)
save(figure, snakemake.output.png, snakemake.output.pdf)
