"""Rule index_window: per-split index files of one target mass window."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.selection import write_index

mass = int(snakemake.wildcards.mass)
samples = snakemake.params.samples
selected = {sample: list(snakemake.input[sample]) for sample in samples}
cutflows = dict(zip(samples, snakemake.input.cutflows, strict=True))
write_index(selected, mass, dict(snakemake.output.items()), cutflows)
