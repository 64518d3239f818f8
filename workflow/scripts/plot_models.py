"""Rule plot_models: ROC and training curves of every model, one figure each."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

import logging
from pathlib import Path

import numpy as np

from massgen.files import read_json, read_parquet
from massgen.plots.figures import model_figure, save

log = logging.getLogger("plot_models")
inputs = snakemake.input
models = list(zip(snakemake.params.figures, inputs.scores, inputs.histories, strict=True))
for i, (name, scores_path, history_path) in enumerate(models):
    table = read_parquet(scores_path)
    scores = {key: np.asarray(table[key]) for key in ("target_mass", "label", "score")}
    figure = model_figure(read_json(history_path), scores, name, snakemake.params.sqrt_s)
    path = Path(snakemake.output[0], name).with_suffix(".png")  # for the report: no PDF
    save(figure, path)
    log.info("%d/%d %s", i + 1, len(models), path)
