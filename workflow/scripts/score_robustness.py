"""Rule score_robustness: one tagger's AUC and rejection on every perturbation."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.evaluation.robustness import score_job

wc = snakemake.wildcards
score_job(
    snakemake.params.model_dir,
    dict(zip(snakemake.params.scenarios, snakemake.input.datasets, strict=True)),
    snakemake.output.metrics,
    {"model": wc.model, "method": wc.method, "seed": int(wc.seed)},
)
