"""Rule evaluate_curve: AUC, rejection and scores per target mass of a learning-curve point."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.evaluation.metrics import evaluate_job

wc = snakemake.wildcards
tests = dict(zip(snakemake.params.masses, snakemake.input.tests, strict=True))
labels = {
    "model": wc.model,
    "method": "baseline",
    "sources": wc.sources,
    "zoom": wc.zoom,
    "jets": int(wc.jets),
    "seed": int(wc.seed),
}
out = snakemake.output
evaluate_job(snakemake.params.model_dir, tests, out.metrics, out.scores, labels)
