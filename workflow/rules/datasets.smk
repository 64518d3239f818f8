rule index_window:
    """Index files of one target mass window per split (Z' of that mass and the QCD pool).

    Wildcards: mass. One QCD pool serves every window; splits come from the event hash;
    event weights are scaled by their sample's mean (from its cutflow).
    """
    input:
        unpack(window_chunks),
        cutflows=window_cutflows,
    output:
        **{split: paths.INDEX.replace("{split}", split) for split in SPLITS},
    log:
        paths.log("index_window", "{mass}"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    params:
        samples=window_sample_names,
    script:
        "../scripts/index_window.py"


rule build_datasets:
    """Balanced datasets of one representation (point clouds, jet images) and target mass:
    every split, with and without zoom.

    Wildcards: representation, mass. Streams the selected chunks; every representation
    holds the same jets (the window's balanced index).
    """
    input:
        unpack(window_chunks),
        index=expand(paths.INDEX, study=STUDY, mass="{mass}", split=SPLITS),
    output:
        **{
            f"{zoom}_{split}": directory(
                paths.DATASET.replace("{zoom}", zoom).replace("{split}", split)
            )
            for zoom in ZOOMS
            for split in SPLITS
        },
    log:
        paths.log("build_datasets", "{representation}/{mass}"),
    benchmark:
        paths.benchmark("build_datasets", "{representation}/{mass}")
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    resources:
        mem_mb=6000,
        runtime=30,
    params:
        samples=window_sample_names,
        representation=representation_job,
    script:
        "../scripts/build_datasets.py"
