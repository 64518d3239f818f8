"""Rule generate_events: one chunk of Pythia 8 events (or of an LHE file's shower)."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.generation.pythia import generate_chunk
from massgen.paths import lhe_chunk

chunk = int(snakemake.wildcards.chunk)
lhe = snakemake.input.get("lhe")
if chunks := snakemake.input.get("lhe_chunks"):  # the user's file, split into chunks
    lhe = lhe_chunk(chunks, chunk)
generate_chunk(
    snakemake.wildcards.sample,
    chunk,
    snakemake.output.events,
    snakemake.output.meta,
    lhe=lhe,
    lhe_report=snakemake.input.get("lhe_report"),
    **snakemake.params.job,
)
