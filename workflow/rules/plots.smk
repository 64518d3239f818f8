rule plot_jet_images:
    """Fig. 1: average jet images of the train split's point clouds, without and with zoom,
    QCD and Z' at several masses."""
    input:
        datasets=expand(
            paths.DATASET,
            study=STUDY,
            representation="point_cloud",
            mass=image_masses(),
            zoom=ZOOMS,
            split="train",
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
    """Figs. 3, 4 and 5 of one model: single-domain AUCs, domain scores, QCD sculpting."""
    input:
        summary=paths.SUMMARY,
        metrics=lambda wc: every_model(paths.METRICS, [wc.model]),
    output:
        fig3=report(
            paths.model_plot("fig3_single_domain_auc"),
            caption="../report/fig3.rst",
            category="Figures",
            subcategory="{model}",
        ),
        fig3_pdf=paths.model_plot("fig3_single_domain_auc", "pdf"),
        fig4=report(
            paths.model_plot("fig4_domain_scores"),
            caption="../report/fig4.rst",
            category="Figures",
            subcategory="{model}",
        ),
        fig4_pdf=paths.model_plot("fig4_domain_scores", "pdf"),
        fig5=report(
            paths.model_plot("fig5_qcd_sculpting"),
            caption="../report/fig5.rst",
            category="Figures",
            subcategory="{model}",
        ),
        fig5_pdf=paths.model_plot("fig5_qcd_sculpting", "pdf"),
    log:
        paths.log("plot_scores", "{model}"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    params:
        sqrt_s=config["sqrt_s"],
    script:
        "../scripts/plot_scores.py"


rule plot_comparison:
    """Domain score per target mass of every model and method on one source split, without
    and with zoom (drawn when the study trains two models or more)."""
    input:
        summary=paths.SUMMARY,
    output:
        png=report(
            paths.plot(paths.COMPARISON),
            caption="../report/comparison.rst",
            category="Figures",
        ),
        pdf=paths.plot(paths.COMPARISON, "pdf"),
    log:
        paths.log("plot_comparison", "all"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    params:
        sources=lambda wc: paths.sources_label(config["plots"]["comparison_split"]),
        sqrt_s=config["sqrt_s"],
    script:
        "../scripts/plot_comparison.py"


rule plot_models:
    """Every model's ROC curves on each target mass and its training curves (loss, and
    validation accuracy, per epoch): one figure (PNG) per model, for the report."""
    input:
        scores=every_model(paths.SCORES),
        histories=every_model(paths.MODEL_HISTORY),
    output:
        report(
            directory(paths.MODEL_PLOTS),
            patterns=["{model}/{method}/{sources}/{zoom}/seed{seed}.png"],
            caption="../report/models.rst",
            category="Models",
            subcategory="{model} {method}",
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
        figures=every_model("{model}/{method}/{sources}/{zoom}/seed{seed}"),
    script:
        "../scripts/plot_models.py"
