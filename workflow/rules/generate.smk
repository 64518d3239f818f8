if GENERATOR == "madgraph":

    rule madgraph_card:
        """MadGraph script of one sample: process, cuts, seed, Z' mass and coupling.

        Wildcards: sample (zp<mass> or qcd).
        """
        output:
            card=events_path(paths.MADGRAPH_CARD),
        log:
            events_path(paths.events_log("madgraph_card", "{sample}")),
        conda:
            "../envs/pipeline.yaml"
        container:
            IMAGES["python"]
        threads: 1
        resources:
            mem_mb=1000,
            runtime=5,
        params:
            card=madgraph_card_values,
        script:
            "../scripts/madgraph_card.py"

    rule madgraph_gridpack:
        """Build one sample's MadGraph gridpack (process output, survey, compilation) once.

        Wildcards: sample. Every chunk of the sample is generated from it.
        """
        input:
            card=events_path(paths.MADGRAPH_CARD),
        output:
            gridpack=events_path(paths.GRIDPACK),
        log:
            events_path(paths.events_log("madgraph_gridpack", "{sample}")),
        benchmark:
            events_path(paths.events_benchmark("madgraph_gridpack", "{sample}"))
        conda:
            "../envs/madgraph.yaml"
        container:
            IMAGES["madgraph"]
        threads: 2
        resources:
            mem_mb=4000,
            runtime=120,
        shell:
            "bash {workflow.basedir}/scripts/madgraph_gridpack.sh {input.card}"
            " {workflow.basedir}/models/SM_Zprime_UFO {output.gridpack} > {log} 2>&1"

    rule madgraph_events:
        """One chunk of LHE events from the sample's gridpack, with the chunk's own seed.

        Wildcards: sample, chunk.
        """
        input:
            gridpack=events_path(paths.GRIDPACK),
        output:
            lhe=events_path(paths.LHE),
        log:
            events_path(paths.events_log("madgraph_events", "{sample}/chunk{chunk}")),
        benchmark:
            events_path(
                paths.events_benchmark("madgraph_events", "{sample}/chunk{chunk}")
            )
        wildcard_constraints:
            sample=alternatives(s for s in SAMPLES if s not in LHE_FILES),
        conda:
            "../envs/madgraph.yaml"
        container:
            IMAGES["madgraph"]
        threads: 1
        resources:
            mem_mb=2000,
            runtime=60,
        params:
            n=lhe_events,
            seed=lhe_seed,
        shell:
            "bash {workflow.basedir}/scripts/madgraph_events.sh {input.gridpack} {params.n}"
            " {params.seed} {output.lhe} > {log} 2>&1"


if LHE_FILES:

    rule import_lhe:
        """A user's LHE file: checked once (complete, beams and energy of the study, sigma
        summed over its processes against its weights, MLM matching), described in
        lhe.json, and its first events split into chunks of events.chunk_size.

        Wildcards: sample (one named in generation.lhe).
        """
        input:
            lhe=lambda wildcards: LHE_FILES[wildcards.sample],
        output:
            report=events_path(paths.LHE_REPORT),
            chunks=directory(events_path(paths.LHE_CHUNKS)),
        log:
            events_path(paths.events_log("import_lhe", "{sample}")),
        benchmark:
            events_path(paths.events_benchmark("import_lhe", "{sample}"))
        wildcard_constraints:
            sample=alternatives(LHE_FILES),
        conda:
            "../envs/pipeline.yaml"
        container:
            IMAGES["python"]
        threads: 1
        resources:
            mem_mb=4000,
            runtime=60,
        params:
            job=lhe_import_job,
        script:
            "../scripts/import_lhe.py"


rule generate_events:
    """Generate one chunk of a sample with Pythia 8: final-state particles and metadata.

    Wildcards: sample (zp<mass> or qcd), chunk. Seed from (seed, study, sample, chunk).
    With generator: madgraph, Pythia showers the chunk's MadGraph LHE file instead.
    """
    input:
        unpack(generation_inputs),
    output:
        events=events_path(paths.EVENTS),
        meta=events_path(paths.EVENTS_META),
    log:
        events_path(paths.events_log("generate_events", "{sample}/chunk{chunk}")),
    benchmark:
        events_path(paths.events_benchmark("generate_events", "{sample}/chunk{chunk}"))
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        job=generation_job,
    script:
        "../scripts/generate_events.py"


rule export_hepmc:
    """Write one chunk's final-state particles as HepMC3 (beams -> one vertex -> particles).

    Wildcards: sample, chunk. The input of Delphes on the real simulation path.
    """
    input:
        events=events_path(paths.EVENTS),
        meta=events_path(paths.EVENTS_META),
    output:
        hepmc=events_path(paths.EVENTS_HEPMC),
    log:
        events_path(paths.events_log("export_hepmc", "{sample}/chunk{chunk}")),
    benchmark:
        events_path(paths.events_benchmark("export_hepmc", "{sample}/chunk{chunk}"))
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        sqrt_s=config["sqrt_s"],
    script:
        "../scripts/export_hepmc.py"
