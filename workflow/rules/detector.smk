rule simulate_detector:
    """Built-in CMS-like detector on one chunk: particle-flow candidates and MET.

    Wildcards: sample, chunk. Writes reco parquet (the schema a Delphes reader fills).
    """
    input:
        events=paths.EVENTS,
    output:
        reco=paths.RECO,
    log:
        paths.log("simulate_detector", "{sample}/chunk{chunk}"),
    benchmark:
        paths.benchmark("simulate_detector", "{sample}/chunk{chunk}")
    conda:
        "../../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=3000,
        runtime=30,
    params:
        seed=detector_seed,
    script:
        "../../scripts/simulate_detector.py"
