"""Rule plot_scores: Figs. 3, 4 and 5 of one tagger."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.plots.figures import (
    fig3_single_domain_auc,
    fig4_domain_scores,
    fig5_qcd_sculpting,
    save,
)

out, sqrt_s, model = snakemake.output, snakemake.params.sqrt_s, snakemake.wildcards.model
save(fig3_single_domain_auc(snakemake.input.summary, model, sqrt_s), out.fig3, out.fig3_pdf)
save(fig4_domain_scores(snakemake.input.summary, model, sqrt_s), out.fig4, out.fig4_pdf)
save(fig5_qcd_sculpting(list(snakemake.input.metrics), sqrt_s), out.fig5, out.fig5_pdf)
