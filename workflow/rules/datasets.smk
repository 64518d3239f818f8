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
    """Balanced point-cloud datasets of one target mass: every split, with and without zoom.

    Wildcards: mass. Streams the selected chunks; also writes the average jet images of
    the train split (Fig. 1).
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
        **{f"images_{zoom}": paths.IMAGES.replace("{zoom}", zoom) for zoom in ZOOMS},
    log:
        paths.log("build_datasets", "{mass}"),
    benchmark:
        paths.benchmark("build_datasets", "{mass}")
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
        representation=REPRESENTATION,
    script:
        "../scripts/build_datasets.py"
