"""Rule evaluate_tagger: AUC per target mass and QCD sculpting of one tagger."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.evaluation.metrics import evaluate_job

wc = snakemake.wildcards
tests = dict(zip(snakemake.params.masses, snakemake.input.tests, strict=True))
labels = {"method": wc.method, "sources": wc.sources, "zoom": wc.zoom, "seed": int(wc.seed)}
evaluate_job(snakemake.params.model_dir, tests, snakemake.output.metrics, labels)
