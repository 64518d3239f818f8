# Mass-generalised jet tagging: events -> detector -> jets -> datasets -> models -> scores -> plots.
# Run: snakemake --cores 2  (config.yaml), or --configfile tests/smoke.yaml for a tiny study.


configfile: "config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/generate.smk"
include: "workflow/rules/detector.smk"
include: "workflow/rules/jets.smk"
include: "workflow/rules/datasets.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/plots.smk"


rule all:
    default_target: True
    input:
        final_outputs(),


onstart:
    check_executor(workflow)
