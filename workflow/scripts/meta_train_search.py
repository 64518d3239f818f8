"""Rule meta_train_search: seed 001's meta-training after pretraining (Sec. 5)."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.transfer import meta_train

names = list(snakemake.params.samples)
meta_train(
    snakemake.params.model,
    snakemake.params.loop,
    samples={name: list(snakemake.input[name]) for name in names},
    background=names[-1],
    settings=dict(snakemake.params.settings),
    pretrained=snakemake.input.pretrained,
    out_path=snakemake.output.model,
    history_path=snakemake.output.history,
    threads=snakemake.threads,
)
