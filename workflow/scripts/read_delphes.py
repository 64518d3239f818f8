"""Rule read_delphes: a Delphes ROOT file into the reco parquet schema."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.detector.delphes import delphes_to_reco

delphes_to_reco(snakemake.input.root, snakemake.input.events, snakemake.output.reco)
