"""Rule export_hepmc: one chunk's final-state particles as HepMC3."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.generation.pythia import export_hepmc

export_hepmc(
    snakemake.input.events,
    snakemake.input.meta,
    snakemake.output.hepmc,
    snakemake.params.sqrt_s,
)
