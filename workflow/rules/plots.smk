rule plot_jet_images:
    """Fig. 1: average jet images, without and with zoom, QCD and Z' at several masses."""
    input:
        images=lambda wc: expand(
            paths.IMAGES, study=STUDY, mass=image_masses(), zoom=ZOOMS
        ),
    output:
        report(
            paths.PLOT.replace("{name}", "fig1_jet_images"),
            caption="../report/fig1.rst",
            category="Figures",
        ),
    log:
        paths.log("plot_jet_images", "all"),
    conda:
        "../../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    params:
        image_keys=[(m, z) for m in image_masses() for z in ZOOMS],
    script:
        "../../scripts/plot_jet_images.py"


rule plot_scores:
    """Figs. 3, 4 and 5: single-domain AUCs, domain scores and QCD sculpting."""
    input:
        summary=paths.SUMMARY,
        metrics=all_metrics(),
    output:
        fig3=report(
            paths.PLOT.replace("{name}", "fig3_single_domain_auc"),
            caption="../report/fig3.rst",
            category="Figures",
        ),
        fig4=report(
            paths.PLOT.replace("{name}", "fig4_domain_scores"),
            caption="../report/fig4.rst",
            category="Figures",
        ),
        fig5=report(
            paths.PLOT.replace("{name}", "fig5_qcd_sculpting"),
            caption="../report/fig5.rst",
            category="Figures",
        ),
    log:
        paths.log("plot_scores", "all"),
    conda:
        "../../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    script:
        "../../scripts/plot_scores.py"
