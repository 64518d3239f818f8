# Seed 004's anti-QCD study (config kind: anti_qcd): the training classes' jets and the
# unseen signals' jets in the pT window (rule select_jets), a K-class classifier per model,
# method and seed, its anomaly scores, and the seed's tables.


rule index_classes:
    """Index files of one class set per split: its classes' jets in the pT window, a
    group's jets labelled by the group's position, equal numbers per label kept (per
    jet-mass bin, for a mass-augmented set).

    Wildcards: class_set."""
    input:
        unpack(class_set_chunks),
        cutflows=class_set_cutflows,
    output:
        **{split: paths.CLASS_INDEX.replace("{split}", split) for split in SPLITS},
    log:
        paths.log("index_classes", "{class_set}"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    params:
        groups=class_set_groups,
        mass_bin_width=class_set_mass_bin_width,
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
    """Datasets of one representation for one class set, every split.

    Wildcards: representation, class_set."""
    input:
        unpack(class_set_chunks),
        index=expand(
            paths.CLASS_INDEX, study=STUDY, class_set="{class_set}", split=SPLITS
        ),
    output:
        **{
            split: directory(paths.CLASS_DATASET.replace("{split}", split))
            for split in SPLITS
        },
    log:
        paths.log("build_class_datasets", "{representation}/{class_set}"),
    benchmark:
        paths.benchmark("build_class_datasets", "{representation}/{class_set}")
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    resources:
        mem_mb=6000,
        runtime=30,
    params:
        groups=class_set_groups,
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
    """Train one classifier of a class set: a model and a method, one seed.

    Wildcards: model, method, class_set, seed. Writes model.pt, history.json and
    hparams.json; uses CUDA when present."""
    input:
        train=lambda wc: classifier_dataset(wc, "train"),
        val=lambda wc: classifier_dataset(wc, "val"),
    output:
        model=paths.CLASSIFIER_WEIGHTS,
        history=paths.CLASSIFIER_HISTORY,
        hparams=paths.CLASSIFIER_HPARAMS,
    log:
        paths.log("train_classifier", "{model}/{method}/{class_set}/seed{seed}"),
    benchmark:
        paths.benchmark("train_classifier", "{model}/{method}/{class_set}/seed{seed}")
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
    """Anomaly scores (-p_QCD, Mahalanobis distance fitted on the QCD jets of its own
    train split) of one classifier on the test split of all the classes and on every
    unseen signal, and their AUC, 1/eps_B and eps_S/sqrt(eps_B).

    Wildcards: model, method, class_set, seed."""
    input:
        model=paths.CLASSIFIER_WEIGHTS,
        train=lambda wc: classifier_dataset(wc, "train"),
        test=lambda wc: classifier_dataset(wc, "test", params.ALL_CLASSES),
        unseen=unseen_datasets,
    output:
        metrics=paths.ANOMALY_METRICS,
        scores=paths.ANOMALY_SCORES,
    log:
        paths.log("score_anomalies", "{model}/{method}/{class_set}/seed{seed}"),
    benchmark:
        paths.benchmark("score_anomalies", "{model}/{method}/{class_set}/seed{seed}")
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
        class_sets=params.class_sets(config),
        mass_bin_widths=params.mass_bin_widths(config),
        unseen=UNSEEN,
    script:
        "../scripts/tabulate_anomalies.py"


rule plot_anomaly_mass:
    """Seed 004's Figs. 6 and 7 for one classifier: its anomaly scores against the QCD
    test jets' mass, and their mass distribution after cuts on the score.

    Wildcards: model, method, class_set."""
    input:
        scores=lambda wc: [
            paths.ANOMALY_SCORES.format(
                study=STUDY,
                model=wc.model,
                method=wc.method,
                class_set=wc.class_set,
                seed=seed,
            )
            for seed in range(config["training"]["seeds"])
        ],
    output:
        png=report(
            paths.plot(paths.ANOMALY_MASS),
            caption="../report/anomaly_mass.rst",
            category="Figures",
            subcategory="anti-QCD",
        ),
        pdf=paths.plot(paths.ANOMALY_MASS, "pdf"),
    log:
        paths.log("plot_anomaly_mass", "{model}/{method}/{class_set}"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    params:
        sqrt_s=config["sqrt_s"],
    script:
        "../scripts/plot_anomaly_mass.py"
