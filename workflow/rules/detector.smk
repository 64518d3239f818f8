if DETECTOR == "builtin":

    rule simulate_detector:
        """Built-in CMS-like detector on one chunk: particle-flow candidates and MET.

        Wildcards: sample, chunk. Writes reco parquet (the schema the Delphes reader fills).
        """
        input:
            events=events_path(paths.EVENTS),
        output:
            reco=paths.RECO,
        log:
            paths.log("simulate_detector", "{sample}/chunk{chunk}"),
        benchmark:
            paths.benchmark("simulate_detector", "{sample}/chunk{chunk}")
        conda:
            "../envs/pipeline.yaml"
        container:
            IMAGES["python"]
        threads: 1
        resources:
            mem_mb=3000,
            runtime=30,
        params:
            seed=detector_seed,
        script:
            "../scripts/simulate_detector.py"

else:

    rule run_delphes:
        """Delphes 3.5.1 (DelphesHepMC3, CMS card seeded per chunk) on one chunk's HepMC3.

        Wildcards: sample, chunk.
        """
        input:
            hepmc=events_path(paths.EVENTS_HEPMC),
        output:
            root=paths.DELPHES_ROOT,
        log:
            paths.log("run_delphes", "{sample}/chunk{chunk}"),
        benchmark:
            paths.benchmark("run_delphes", "{sample}/chunk{chunk}")
        conda:
            "../envs/delphes.yaml"
        container:
            IMAGES["delphes"]
        threads: 1
        resources:
            mem_mb=2000,
            runtime=60,
        params:
            card=config["detector"]["delphes_card"],
            seed=detector_seed,
        shell:
            "bash {workflow.basedir}/scripts/delphes.sh {input.hepmc} {params.card}"
            " {params.seed} {output.root} > {log} 2>&1"

    rule read_delphes:
        """Delphes EFlow candidates and MissingET of one chunk into the reco parquet schema,
        with each event's weight from the generated events.

        Wildcards: sample, chunk.
        """
        input:
            root=paths.DELPHES_ROOT,
            events=events_path(paths.EVENTS),
        output:
            reco=paths.RECO,
        log:
            paths.log("read_delphes", "{sample}/chunk{chunk}"),
        conda:
            "../envs/pipeline.yaml"
        container:
            IMAGES["python"]
        threads: 1
        resources:
            mem_mb=3000,
            runtime=30,
        script:
            "../scripts/read_delphes.py"


rule detector_response:
    """The study's detector (built-in or Delphes) on the first chunk of every sample: its
    leading jets against the truth jets of the same events (pT response, jet mass)."""
    input:
        events=expand(events_path(paths.EVENTS), sample=SAMPLES, chunk=0),
        jets=expand(paths.JETS, study=STUDY, sample=SAMPLES, chunk=0),
    output:
        table=report(
            paths.DETECTOR_RESPONSE,
            caption="../report/detector.rst",
            category="Detector",
        ),
        png=report(
            paths.plot("detector_response"),
            caption="../report/detector.rst",
            category="Detector",
        ),
        pdf=paths.plot("detector_response", "pdf"),
    log:
        paths.log("detector_response", "all"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    resources:
        mem_mb=4000,
    params:
        samples=SAMPLES,
        radius=config["jets"]["radius"],
        detector=DETECTOR,
        sqrt_s=config["sqrt_s"],
    script:
        "../scripts/detector_response.py"
