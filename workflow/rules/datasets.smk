rule index_window:
    """Index files of one target mass window per split (Z' of that mass and the QCD pool).

    Wildcards: mass. One QCD pool serves every window; splits come from the event hash.
    """
    input:
        selected=expand(paths.SELECTED, study=STUDY, sample=["qcd", "zp{mass}"]),
    output:
        **{split: paths.INDEX.replace("{split}", split) for split in SPLITS},
    log:
        paths.log("index_window", "{mass}"),
    conda:
        "../../envs/pipeline.yaml"
    threads: 1
    script:
        "../../scripts/index_window.py"
