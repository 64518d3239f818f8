rule cluster_jets:
    """Anti-kt clustering of one chunk's candidates or towers (jets.inputs); keeps the
    leading jets and their constituents.

    Wildcards: sample, chunk.
    """
    input:
        reco=paths.RECO,
    output:
        jets=paths.JETS,
    log:
        paths.log("cluster_jets", "{sample}/chunk{chunk}"),
    benchmark:
        paths.benchmark("cluster_jets", "{sample}/chunk{chunk}")
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    resources:
        mem_mb=3000,
        runtime=30,
    params:
        clustering={
            "radius": config["jets"]["radius"],
            "n_jets": config["jets"]["n_leading"],
            "inputs": config["jets"]["inputs"],
        },
    script:
        "../scripts/cluster_jets.py"


rule select_jets:
    """Leading-jet pT cut, window flags per target mass, split by event-id hash, for one chunk.

    Wildcards: sample, chunk. Also writes the chunk's cutflow.
    """
    input:
        jets=paths.JETS,
        meta=events_path(paths.EVENTS_META),
    output:
        selected=paths.SELECTED,
        cutflow=paths.CHUNK_CUTFLOW,
    log:
        paths.log("select_jets", "{sample}/chunk{chunk}"),
    benchmark:
        paths.benchmark("select_jets", "{sample}/chunk{chunk}")
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    resources:
        mem_mb=3000,
        runtime=30,
    params:
        **SELECTION,
    script:
        "../scripts/select_jets.py"


rule merge_cutflow:
    """The cutflow of one sample from its chunks' cutflows. Wildcards: sample."""
    input:
        sample_chunks(paths.CHUNK_CUTFLOW),
    output:
        cutflow=paths.CUTFLOW,
    log:
        paths.log("merge_cutflow", "{sample}"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    script:
        "../scripts/merge_cutflow.py"


rule tabulate_cutflow:
    """Markdown cutflow table of every sample of the study."""
    input:
        expand(paths.CUTFLOW, study=STUDY, sample=SAMPLES),
    output:
        table=report(
            paths.CUTFLOW_TABLE, caption="../report/cutflow.rst", category="Cutflow"
        ),
    log:
        paths.log("tabulate_cutflow", "all"),
    conda:
        "../envs/pipeline.yaml"
    container:
        IMAGES["python"]
    threads: 1
    script:
        "../scripts/tabulate_cutflow.py"
