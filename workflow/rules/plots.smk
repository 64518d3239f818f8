rule plot_jet_images:
    """Fig. 1: average jet images, without and with zoom, QCD and Z' at several masses."""
    input:
        images=lambda wc: expand(
            paths.IMAGES, study=STUDY, mass=image_masses(), zoom=ZOOMS
        ),
    output:
        png=report(
            paths.plot("fig1_jet_images"),
            caption="../report/fig1.rst",
            category="Figures",
        ),
        pdf=paths.plot("fig1_jet_images", "pdf"),
    log:
        paths.log("plot_jet_images", "all"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    params:
        image_keys=[(m, z) for m in image_masses() for z in ZOOMS],
        sqrt_s=config["sqrt_s"],
    script:
        "../scripts/plot_jet_images.py"


rule plot_scores:
    """Figs. 3, 4 and 5: single-domain AUCs, domain scores and QCD sculpting."""
    input:
        summary=paths.SUMMARY,
        metrics=every_model(paths.METRICS),
    output:
        fig3=report(
            paths.plot("fig3_single_domain_auc"),
            caption="../report/fig3.rst",
            category="Figures",
        ),
        fig3_pdf=paths.plot("fig3_single_domain_auc", "pdf"),
        fig4=report(
            paths.plot("fig4_domain_scores"),
            caption="../report/fig4.rst",
            category="Figures",
        ),
        fig4_pdf=paths.plot("fig4_domain_scores", "pdf"),
        fig5=report(
            paths.plot("fig5_qcd_sculpting"),
            caption="../report/fig5.rst",
            category="Figures",
        ),
        fig5_pdf=paths.plot("fig5_qcd_sculpting", "pdf"),
    log:
        paths.log("plot_scores", "all"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    params:
        sqrt_s=config["sqrt_s"],
    script:
        "../scripts/plot_scores.py"


rule plot_models:
    """Every model's ROC curves on each target mass and its training curves (loss, and
    validation accuracy, per epoch): one figure (PNG) per model, for the report."""
    input:
        scores=every_model(paths.SCORES),
        histories=every_model(paths.MODEL_HISTORY),
    output:
        report(
            directory(paths.MODEL_PLOTS),
            patterns=["{method}/{sources}/{zoom}/seed{seed}.png"],
            caption="../report/models.rst",
            category="Models",
            subcategory="{method}",
            labels={"sources": "{sources}", "zoom": "{zoom}", "seed": "{seed}"},
        ),
    log:
        paths.log("plot_models", "all"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    params:
        sqrt_s=config["sqrt_s"],
        figures=every_model("{method}/{sources}/{zoom}/seed{seed}"),
    script:
        "../scripts/plot_models.py"
