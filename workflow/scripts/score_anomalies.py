"""Rule score_anomalies: one anti-QCD classifier's anomaly scores and figures of merit."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.evaluation.anti_qcd import score_job

wc = snakemake.wildcards
scoring = snakemake.params.scoring
score_job(
    snakemake.params.model_dir,
    snakemake.input.train[0],
    snakemake.input.test[0],
    dict(zip(snakemake.params.unseen, snakemake.input.unseen, strict=True)),
    scoring["classes"],
    snakemake.output.metrics,
    snakemake.output.scores,
    {"model": wc.model, "method": wc.method, "class_set": wc.class_set, "seed": int(wc.seed)},
    scoring["fit_jets"],
)
