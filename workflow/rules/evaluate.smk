rule evaluate_tagger:
    """AUC and background rejection at 30 % and 50 % signal efficiency on the test split
    of every target mass, QCD sculpting, and every test jet's score, for one tagger.

    Wildcards: model, method, sources, zoom, seed.
    """
    input:
        model=paths.MODEL_WEIGHTS,
        tests=lambda wc: model_datasets(wc, config["masses"], "test"),
    output:
        metrics=paths.METRICS,
        scores=paths.SCORES,
    log:
        paths.log("evaluate_tagger", "{model}/{method}/{sources}/{zoom}/seed{seed}"),
    benchmark:
        paths.benchmark(
            "evaluate_tagger", "{model}/{method}/{sources}/{zoom}/seed{seed}"
        )
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
        "../scripts/evaluate_tagger.py"


rule summarise_scores:
    """One table of AUC, domain score and background rejection per model and target mass
    (scores/summary.csv)."""
    input:
        metrics=every_model(paths.METRICS),
    output:
        summary=report(
            paths.SUMMARY, caption="../report/summary.rst", category="Tables"
        ),
    log:
        paths.log("summarise_scores", "all"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    script:
        "../scripts/summarise_scores.py"


rule tabulate_claims:
    """The founding paper's Sec. V and VI claims tested on the score table and the QCD
    sculpting of every model (claims.md): numbers per seed and a verdict."""
    input:
        summary=paths.SUMMARY,
        metrics=every_model(paths.METRICS),
    output:
        claims=report(paths.CLAIMS, caption="../report/claims.rst", category="Tables"),
    log:
        paths.log("tabulate_claims", "all"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    params:
        masses=config["masses"],
    script:
        "../scripts/tabulate_claims.py"
