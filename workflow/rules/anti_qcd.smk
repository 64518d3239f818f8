# Seed 004's anti-QCD study (config kind: anti_qcd): the training classes' jets and the
# unseen signals' jets in the pT window (rule select_jets), a K-class classifier per model,
# method and seed, its anomaly scores, and the seed's tables.


rule index_classes:
    """Index files of the training classes per split: every jet in the pT window, labelled
    by its class's position in anti_qcd.classes, equal numbers per class kept."""
    input:
        **{
            sample: expand(
                paths.SELECTED, study=STUDY, sample=sample, chunk=chunks_of(sample)
            )
            for sample in CLASSES
        },
        cutflows=expand(paths.CUTFLOW, study=STUDY, sample=CLASSES),
    output:
        **{split: paths.CLASS_INDEX.replace("{split}", split) for split in SPLITS},
    log:
        paths.log("index_classes", "all"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    params:
        classes=CLASSES,
    script:
        "../scripts/index_classes.py"


rule index_unseen:
    """Index file of one unseen signal: all its jets in the pT window, class K.

    Wildcards: sample."""
    input:
        selected=unseen_chunks,
        cutflow=paths.CUTFLOW,
    output:
        index=paths.UNSEEN_INDEX,
    log:
        paths.log("index_unseen", "{sample}"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    params:
        label=len(CLASSES),
    script:
        "../scripts/index_unseen.py"


rule build_class_datasets:
    """Datasets of one representation for the training classes, every split.

    Wildcards: representation."""
    input:
        **{
            sample: expand(
                paths.SELECTED, study=STUDY, sample=sample, chunk=chunks_of(sample)
            )
            for sample in CLASSES
        },
        index=expand(paths.CLASS_INDEX, study=STUDY, split=SPLITS),
    output:
        **{
            split: directory(paths.CLASS_DATASET.replace("{split}", split))
            for split in SPLITS
        },
    log:
        paths.log("build_class_datasets", "{representation}"),
    benchmark:
        paths.benchmark("build_class_datasets", "{representation}")
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    resources:
        mem_mb=6000,
        runtime=30,
    params:
        samples=CLASSES,
        representation=representation_job,
    script:
        "../scripts/build_class_datasets.py"


rule build_unseen_dataset:
    """Dataset of one representation for one unseen signal (all its jets).

    Wildcards: representation, sample."""
    input:
        selected=unseen_chunks,
        index=paths.UNSEEN_INDEX,
    output:
        dataset=directory(paths.UNSEEN_DATASET),
    log:
        paths.log("build_unseen_dataset", "{representation}/{sample}"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        n_classes=len(CLASSES),
        representation=representation_job,
    script:
        "../scripts/build_unseen_dataset.py"


rule train_classifier:
    """Train one classifier of the training classes: a model and a method, one seed.

    Wildcards: model, method, seed. Writes model.pt, history.json and hparams.json; uses
    CUDA when present."""
    input:
        train=lambda wc: classifier_dataset(wc, "train"),
        val=lambda wc: classifier_dataset(wc, "val"),
    output:
        model=paths.CLASSIFIER_WEIGHTS,
        history=paths.CLASSIFIER_HISTORY,
        hparams=paths.CLASSIFIER_HPARAMS,
    log:
        paths.log("train_classifier", "{model}/{method}/seed{seed}"),
    benchmark:
        paths.benchmark("train_classifier", "{model}/{method}/seed{seed}")
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


rule score_anomalies:
    """Anomaly scores (-p_QCD, Mahalanobis distance) of one classifier on the classes'
    test split and every unseen signal, and their AUC, 1/eps_B and eps_S/sqrt(eps_B).

    Wildcards: model, method, seed."""
    input:
        model=paths.CLASSIFIER_WEIGHTS,
        train=lambda wc: classifier_dataset(wc, "train"),
        test=lambda wc: classifier_dataset(wc, "test"),
        unseen=unseen_datasets,
    output:
        metrics=paths.ANOMALY_METRICS,
        scores=paths.ANOMALY_SCORES,
    log:
        paths.log("score_anomalies", "{model}/{method}/seed{seed}"),
    benchmark:
        paths.benchmark("score_anomalies", "{model}/{method}/seed{seed}")
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    resources:
        mem_mb=anomaly_memory,
        runtime=30,
    params:
        model_dir=model_dir,
        unseen=UNSEEN,
        scoring=params.anomaly_scoring(config),
    script:
        "../scripts/score_anomalies.py"


rule tabulate_anomalies:
    """Seed 004's tables from every classifier's scores: single models and ensembles, with
    the seed's numbers beside (anti_qcd.md)."""
    input:
        scores=every_classifier(paths.ANOMALY_SCORES),
    output:
        tables=report(
            paths.ANOMALY_TABLES, caption="../report/anti_qcd.rst", category="Tables"
        ),
    log:
        paths.log("tabulate_anomalies", "all"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    params:
        classifiers=params.classifier_grid(config),
        seeds=config["training"]["seeds"],
        classes=CLASSES,
        unseen=UNSEEN,
    script:
        "../scripts/tabulate_anomalies.py"
