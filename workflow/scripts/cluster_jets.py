"""Rule cluster_jets: anti-kt leading jets of one chunk."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.jets import cluster_file

cluster_file(snakemake.input.reco, snakemake.output.jets, **snakemake.params.clustering)
