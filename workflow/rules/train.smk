rule train_tagger:
    """Train one tagger: a model and a method on the train split of its source masses, one
    zoom, one seed.

    Wildcards: model, method, sources (e.g. 150 or 150-200), zoom (zoom/nozoom), seed.
    Writes model.pt, history.json and hparams.json; uses CUDA when present.
    """
    input:
        train=lambda wc: source_datasets(wc, "train"),
        val=lambda wc: source_datasets(wc, "val"),
    output:
        model=paths.MODEL_WEIGHTS,
        history=paths.MODEL_HISTORY,
        hparams=paths.MODEL_HPARAMS,
    log:
        paths.log("train_tagger", "{model}/{method}/{sources}/{zoom}/seed{seed}"),
    benchmark:
        paths.benchmark("train_tagger", "{model}/{method}/{sources}/{zoom}/seed{seed}")
    priority: training_priority
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
    script:
        "../scripts/train_tagger.py"
