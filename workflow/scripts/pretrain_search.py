"""Rule pretrain_search: seed 001's pretraining on source data (Sec. 4)."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.transfer import pretrain

names = list(snakemake.params.samples)
pretrain(
    snakemake.params.model,
    snakemake.params.loop,
    samples={name: list(snakemake.input[name]) for name in names},
    background=names[-1],
    settings=dict(snakemake.params.settings),
    out_path=snakemake.output.model,
    history_path=snakemake.output.history,
    threads=snakemake.threads,
)
