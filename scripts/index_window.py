"""Rule index_window: per-split index files of one target mass window."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.selection import write_index

selected = {p.split("/")[-2]: p for p in snakemake.input.selected}
write_index(selected, int(snakemake.wildcards.mass), dict(snakemake.output.items()))
