rule generate_events:
    """Generate one chunk of a sample with Pythia 8: final-state particles and metadata.

    Wildcards: sample (zp<mass> or qcd), chunk. Seed from (seed, study, sample, chunk).
    """
    output:
        events=paths.EVENTS,
        meta=paths.EVENTS_META,
    log:
        paths.log("generate_events", "{sample}/chunk{chunk}"),
    benchmark:
        paths.benchmark("generate_events", "{sample}/chunk{chunk}")
    conda:
        "../../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    script:
        "../../scripts/generate_events.py"


rule export_hepmc:
    """Write one chunk's final-state particles as HepMC3 (beams -> one vertex -> particles).

    Wildcards: sample, chunk. The input of Delphes on the real simulation path.
    """
    input:
        events=paths.EVENTS,
    output:
        hepmc=paths.EVENTS_HEPMC,
    log:
        paths.log("export_hepmc", "{sample}/chunk{chunk}"),
    benchmark:
        paths.benchmark("export_hepmc", "{sample}/chunk{chunk}")
    conda:
        "../../envs/pipeline.yaml"
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        sqrt_s=config["sqrt_s"],
    script:
        "../../scripts/export_hepmc.py"
