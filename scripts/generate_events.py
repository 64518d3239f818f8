"""Rule generate_events: one chunk of Pythia 8 events (or of a MadGraph LHE shower)."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.generation.pythia import generate_chunk

generate_chunk(
    snakemake.wildcards.sample,
    int(snakemake.wildcards.chunk),
    snakemake.output.events,
    snakemake.output.meta,
    lhe=snakemake.input.get("lhe"),
    **snakemake.params.job,
)
