# Mass-generalised jet tagging: events -> detector -> jets -> selection (-> datasets ...).
# Run: snakemake --cores 2  (config.yaml), or --configfile tests/smoke.yaml for a tiny study.


configfile: "config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/generate.smk"
include: "workflow/rules/detector.smk"
include: "workflow/rules/jets.smk"
include: "workflow/rules/datasets.smk"


rule all:
    default_target: True
    input:
        final_outputs(),
