"""Rule plot_scores: Figs. 3, 4 and 5."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.plots.figures import fig3_single_domain_auc, fig4_domain_scores, fig5_qcd_sculpting

fig3_single_domain_auc(snakemake.input.summary, snakemake.output.fig3)
fig4_domain_scores(snakemake.input.summary, snakemake.output.fig4)
fig5_qcd_sculpting(list(snakemake.input.metrics), snakemake.output.fig5)
