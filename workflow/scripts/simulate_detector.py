"""Rule simulate_detector: the built-in CMS-like detector on one chunk."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.detector.simulate import run_detector

run_detector(snakemake.input.events, snakemake.output.reco, snakemake.params.seed)
