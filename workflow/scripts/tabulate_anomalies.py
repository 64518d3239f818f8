"""Rule tabulate_anomalies: seed 004's tables from every classifier's scores."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.evaluation.anti_qcd import write_tables

p = snakemake.params
keys = [(*classifier, seed) for classifier in p.classifiers for seed in range(p.seeds)]
write_tables(
    dict(zip(keys, snakemake.input.scores, strict=True)),
    p.class_sets,
    p.unseen,
    snakemake.output.tables,
    frozenset(p.mass_bin_widths),
)
