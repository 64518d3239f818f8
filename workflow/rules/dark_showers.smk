# Seed 001's search (config kind: weak_supervision): dark showers and QCD dijets, the two
# leading anti-kt R = 0.8 jets with pT > 750 GeV and |eta| < 2 (rule select_jets), the
# dijet mass's signal region and sidebands, and the seed's Fig. 1.


rule plot_dijet_mass:
    """Seed 001's Fig. 1: the dijet mass of every sample's selected events, the QCD
    cross-section per bin and every sample's shape, with the signal region and sidebands.
    """
    input:
        unpack(selected_chunks_by_sample),
        cutflows=expand(paths.CUTFLOW, study=STUDY, sample=SAMPLES),
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
        samples=SAMPLES,
        regions=SELECTION.get("regions"),
        sqrt_s=config["sqrt_s"],
    script:
        "../scripts/plot_dijet_mass.py"
