"""Rule detector_response: the study's reco jets against truth jets, first chunk of each sample."""

from massgen.logs import setup_logging

setup_logging(snakemake.log[0])

from massgen.detector.validate import study_table, study_validation
from massgen.files import read_parquet, write_text
from massgen.plots.figures import detector_figure, save
from massgen.samples import parse_sample

inputs, params = snakemake.input, snakemake.params
results = {
    sample: study_validation(
        read_parquet(events), read_parquet(jets), params.radius, parse_sample(sample).mass
    )
    for sample, events, jets in zip(params.samples, inputs.events, inputs.jets, strict=True)
}
write_text(study_table(results, params.detector), snakemake.output.table)
save(detector_figure(results, params.sqrt_s), snakemake.output.png, snakemake.output.pdf)
