"""Rule madgraph_card: the MadGraph script of one sample."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.files import write_text
from massgen.generation.madgraph import process_card

write_text(
    process_card(threads=2, **snakemake.params.card),
    snakemake.output.card,
)
