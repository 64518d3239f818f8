# Seed 001's search (config kind: weak_supervision): dark showers and QCD dijets, the two
# leading anti-kt R = 0.8 jets with pT > 750 GeV and |eta| < 2 (rule select_jets), the
# dijet mass's signal region and sidebands, the seed's Fig. 1, and its CWoLa search:
# pseudo-experiments per signal, resolution, scheme and injected signal, their tables and
# Fig. 3.


rule plot_dijet_mass:
    """Seed 001's Fig. 1: the dijet mass of every searched sample's selected events, the QCD
    cross-section per bin and every sample's shape, with the signal region and sidebands.
    """
    input:
        unpack(selected_chunks_by_sample),
        cutflows=expand(paths.CUTFLOW, study=STUDY, sample=SEARCHED_SAMPLES),
    output:
        png=report(
            paths.plot(paths.DIJET_MASS),
            caption="../report/dijet_mass.rst",
            category="Figures",
            subcategory="dark showers",
        ),
        pdf=paths.plot(paths.DIJET_MASS, "pdf"),
    log:
        paths.log("plot_dijet_mass", "all"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    params:
        samples=SEARCHED_SAMPLES,
        regions=SELECTION.get("regions"),
        sqrt_s=config["sqrt_s"],
    script:
        "../scripts/plot_dijet_mass.py"


rule index_dijets:
    """Index files of one sample's events in the signal region or the sidebands, one per
    split, each event's region beside it.

    Wildcards: sample."""
    input:
        selected=sample_chunks(paths.SELECTED),
        cutflow=paths.CUTFLOW,
    output:
        **{split: paths.DIJET_INDEX.replace("{split}", split) for split in SPLITS},
    log:
        paths.log("index_dijets", "{sample}"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    script:
        "../scripts/index_dijets.py"


rule build_dijet_datasets:
    """The two leading jets' images of one sample's indexed events at one resolution,
    every split, with each event's region and the sample's sideband-to-signal-region
    ratio (from its cutflow): all a pseudo-experiment reads.

    Wildcards: pixels, sample."""
    input:
        selected=sample_chunks(paths.SELECTED),
        index=lambda wc: expand(
            paths.DIJET_INDEX, study=STUDY, sample=wc.sample, split=SPLITS
        ),
        cutflow=paths.CUTFLOW,
    output:
        **{
            split: directory(paths.DIJET_DATASET.replace("{split}", split))
            for split in SPLITS
        },
    log:
        paths.log("build_dijet_datasets", "px{pixels}/{sample}"),
    benchmark:
        paths.benchmark("build_dijet_datasets", "px{pixels}/{sample}")
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    resources:
        mem_mb=4000,
        runtime=30,
    params:
        representation=dijet_representation,
    script:
        "../scripts/build_dijet_datasets.py"


rule pretrain_search:
    """Sec. 4's pretraining for the search of one benchmark at one resolution: the
    two-jet CNN on pure simulated background against the pure mixture of every other
    source benchmark, signal-region events.

    Wildcards: signal, pixels. Uses CUDA when present."""
    input:
        unpack(source_inputs),
    output:
        model=paths.PRETRAINED,
        history=paths.PRETRAINED_HISTORY,
    log:
        paths.log("pretrain_search", "{signal}/px{pixels}"),
    benchmark:
        paths.benchmark("pretrain_search", "{signal}/px{pixels}")
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: config["training"]["threads"]
    resources:
        mem_mb=source_memory,
        runtime=pretraining_runtime,
        gpu=1,
    params:
        model=SEARCH_TRAINING["model"],
        loop=SEARCH_TRAINING["loop"],
        samples=source_names,
        settings=params.source_training(config, "pretraining"),
    script:
        "../scripts/pretrain_search.py"


rule meta_train_search:
    """Sec. 5's meta-training after the pretraining: the convolutions' scales and shifts
    and the dense layers over episodes of the other source benchmarks' tasks.

    Wildcards: signal, pixels. Uses CUDA when present."""
    input:
        unpack(source_inputs),
        pretrained=paths.PRETRAINED,
    output:
        model=paths.META_TRAINED,
        history=paths.META_HISTORY,
    log:
        paths.log("meta_train_search", "{signal}/px{pixels}"),
    benchmark:
        paths.benchmark("meta_train_search", "{signal}/px{pixels}")
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: config["training"]["threads"]
    resources:
        mem_mb=source_memory,
        runtime=meta_training_runtime,
        gpu=1,
    params:
        model=SEARCH_TRAINING["model"],
        loop=SEARCH_TRAINING["loop"],
        samples=source_names,
        settings=params.source_training(config, "meta_training"),
    script:
        "../scripts/meta_train_search.py"


rule run_search:
    """One pseudo-experiment of the search: draw the signal region's and the sidebands'
    events at one luminosity, train the two-jet CNN with the scheme's labels, score the
    test split's signal-region events.

    Wildcards: signal, pixels, scheme (cwola, supervised, transfer, meta_transfer: these
    two fine-tune the pretrained or meta-trained network), injected (signal events in
    the signal region), experiment (the draw's and the training's seed). Uses CUDA when
    present."""
    input:
        unpack(search_inputs),
    output:
        metrics=paths.SEARCH_METRICS,
        model=paths.SEARCH_WEIGHTS,
        history=paths.SEARCH_HISTORY,
    log:
        paths.log(
            "run_search", "{signal}/px{pixels}/{scheme}/s{injected}/exp{experiment}"
        ),
    benchmark:
        paths.benchmark(
            "run_search", "{signal}/px{pixels}/{scheme}/s{injected}/exp{experiment}"
        )
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: config["training"]["threads"]
    resources:
        mem_mb=search_memory,
        runtime=search_runtime,
        gpu=1,
    params:
        model=SEARCH_TRAINING["model"],
        loop=SEARCH_TRAINING["loop"],
        search=search_values,
    script:
        "../scripts/run_search.py"


rule tabulate_search:
    """Seed 001's results: significance and AUC per signal, resolution, scheme and injected
    signal, mean and std over pseudo-experiments, and the seed's findings measured."""
    input:
        metrics=every_search(paths.SEARCH_METRICS),
    output:
        tables=report(
            paths.SEARCH_TABLES,
            caption="../report/dark_showers.rst",
            category="Tables",
        ),
    log:
        paths.log("tabulate_search", "all"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    params:
        schemes=config["dark_showers"]["search"]["schemes"],
    script:
        "../scripts/tabulate_search.py"


rule plot_significance:
    """Seed 001's Figs. 3-5: significance after the classifier's cut against before, per
    signal and resolution, one scheme against another (figure: significance, CWoLa and
    supervised; significance_transfer, transfer and CWoLa; significance_meta_transfer,
    meta-transfer and transfer)."""
    input:
        metrics=figure_metrics,
    output:
        png=report(
            paths.plot("{figure}"),
            caption="../report/significance.rst",
            category="Figures",
            subcategory="dark showers",
        ),
        pdf=paths.plot("{figure}", "pdf"),
    log:
        paths.log("plot_significance", "{figure}"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    params:
        schemes=figure_schemes,
        sqrt_s=config["sqrt_s"],
    script:
        "../scripts/plot_significance.py"
