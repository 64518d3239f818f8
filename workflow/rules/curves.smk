rule train_curve:
    """A learning-curve point: the baseline of one model at one mass trained on N jets per
    class of the train split (drawn with the seed), validated on the whole val split.

    Wildcards: model, sources (one mass), zoom, jets (per class), seed.
    """
    input:
        train=lambda wc: curve_datasets(wc, "train"),
        val=lambda wc: curve_datasets(wc, "val"),
    output:
        model=paths.CURVE_WEIGHTS,
        history=paths.CURVE_HISTORY,
        hparams=paths.CURVE_HPARAMS,
    log:
        paths.log("train_curve", "{model}/{sources}/{zoom}/n{jets}/seed{seed}"),
    benchmark:
        paths.benchmark("train_curve", "{model}/{sources}/{zoom}/n{jets}/seed{seed}")
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: config["training"]["threads"]
    resources:
        mem_mb=training_memory,
        runtime=training_runtime,
        gpu=1,
    params:
        model=training_value("model"),
        method=training_value("method"),
        loop=training_value("loop"),
        train_jets=lambda wc: int(wc.jets),
    script:
        "../scripts/train_curve.py"


rule evaluate_curve:
    """AUC and background rejection on the test split of every target mass, QCD
    sculpting and every test jet's score, for one learning-curve point.

    Wildcards: model, sources, zoom, jets, seed.
    """
    input:
        model=paths.CURVE_WEIGHTS,
        tests=lambda wc: model_datasets(wc, config["masses"], "test"),
    output:
        metrics=paths.CURVE_METRICS,
        scores=paths.CURVE_SCORES,
    log:
        paths.log("evaluate_curve", "{model}/{sources}/{zoom}/n{jets}/seed{seed}"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    resources:
        mem_mb=evaluation_memory,
        runtime=30,
    params:
        model_dir=model_dir,
        masses=config["masses"],
    script:
        "../scripts/evaluate_curve.py"


rule tabulate_curves:
    """The learning curves' AUC per seed and target mass (CSV), and their mean +- std over
    seeds (Markdown, beside it)."""
    input:
        metrics=every_curve_point(paths.CURVE_METRICS),
    output:
        table=paths.CURVE_TABLE,
        markdown=report(
            paths.CURVE_MARKDOWN,
            caption="../report/learning_curves.rst",
            category="Tables",
        ),
    log:
        paths.log("tabulate_curves", "all"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    script:
        "../scripts/tabulate_curves.py"


rule plot_learning_curves:
    """AUC against training jets per class of each learning-curve mass, on its own mass and
    on the others, without and with zoom (mean +- std over seeds)."""
    input:
        table=paths.CURVE_TABLE,
    output:
        png=report(
            paths.plot(paths.LEARNING_CURVES),
            caption="../report/learning_curves.rst",
            category="Figures",
        ),
        pdf=paths.plot(paths.LEARNING_CURVES, "pdf"),
    log:
        paths.log("plot_learning_curves", "all"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    params:
        sqrt_s=config["sqrt_s"],
    script:
        "../scripts/plot_learning_curves.py"
