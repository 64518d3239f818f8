"""Rule import_lhe: check a user's LHE file, record what it holds, split it into chunks."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.generation.lhe import import_lhe

import_lhe(
    snakemake.input.lhe, snakemake.output.report, snakemake.output.chunks, **snakemake.params.job
)
