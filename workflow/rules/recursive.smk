# Seed 003's study (config kind: recursive): the anti_qcd.classes jets in the pT window
# (rule select_jets), W against QCD, a tagger per model, method and seed (rule
# train_classifier, class set "all"), scored on its test jets as they are and after the
# infrared and collinear perturbations of robustness.scenarios, and the seed's tables.


rule build_perturbed_dataset:
    """Dataset of one representation of the test jets of class set "all" after one
    perturbation.

    Wildcards: representation, scenario."""
    input:
        unpack(all_classes_chunks),
        index=paths.CLASS_INDEX.format(
            study=STUDY, class_set=params.ALL_CLASSES, split="test"
        ),
    output:
        dataset=directory(paths.ROBUSTNESS_DATASET),
    log:
        paths.log("build_perturbed_dataset", "{representation}/{scenario}"),
    benchmark:
        paths.benchmark("build_perturbed_dataset", "{representation}/{scenario}")
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        groups=CLASS_SETS[params.ALL_CLASSES],
        representation=representation_job,
        perturbation=lambda wc: {
            "scenario": wc.scenario,
            "radius": config["jets"]["radius"],
        },
    script:
        "../scripts/build_perturbed_dataset.py"


rule score_robustness:
    """AUC and background rejection at 50 % signal efficiency of one tagger of class set
    "all" on its test jets after every perturbation.

    Wildcards: model, method, seed."""
    input:
        model=paths.CLASSIFIER_WEIGHTS.replace("{class_set}", params.ALL_CLASSES),
        datasets=robustness_datasets,
    output:
        metrics=paths.ROBUSTNESS_METRICS,
    log:
        paths.log("score_robustness", "{model}/{method}/seed{seed}"),
    benchmark:
        paths.benchmark("score_robustness", "{model}/{method}/seed{seed}")
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        model_dir=model_dir,
        scenarios=SCENARIOS_RUN,
    script:
        "../scripts/score_robustness.py"


rule tabulate_robustness:
    """Seed 003's Tables I and II from every tagger's scores, the seed's numbers beside
    (recursive.md)."""
    input:
        metrics=every_robustness_score,
    output:
        tables=report(
            paths.ROBUSTNESS_TABLES,
            caption="../report/recursive.rst",
            category="Tables",
        ),
    log:
        paths.log("tabulate_robustness", "all"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    params:
        classifiers=robustness_rows,
        inputs=config["jets"]["inputs"],
    script:
        "../scripts/tabulate_robustness.py"
