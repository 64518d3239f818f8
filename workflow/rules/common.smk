import os

from massgen import paths
from massgen.config import validate_config
from massgen.generation.pythia import sample_names
from massgen.selection import SPLITS
from massgen.seeding import derive_seed

validate_config(
    config, os.path.join(workflow.basedir, "workflow", "schemas", "config.schema.yaml")
)

STUDY = config["study"]
SAMPLES = sample_names(config["masses"])


wildcard_constraints:
    study=STUDY,
    sample=r"zp\d+|qcd",
    chunk=r"\d+",
    mass=r"\d+",
    split="|".join(SPLITS),


def chunks_of(sample):
    """Chunk numbers of one sample."""
    return range(paths.n_chunks(config, sample))


def sample_chunks(pattern):
    """Input function: ``pattern`` expanded over all chunks of the job's sample."""

    def inputs(wildcards):
        return expand(
            pattern,
            study=STUDY,
            sample=wildcards.sample,
            chunk=chunks_of(wildcards.sample),
        )

    return inputs


def detector_seed(wildcards):
    """Smearing seed of one chunk, derived from (seed, study, detector, sample, chunk)."""
    return derive_seed(
        config["seed"], STUDY, "detector", wildcards.sample, int(wildcards.chunk)
    )


def final_outputs():
    """Everything the default target builds: index files, cutflows and optional HepMC3."""
    out = expand(paths.INDEX, study=STUDY, mass=config["masses"], split=SPLITS)
    out.append(paths.CUTFLOW_TABLE.format(study=STUDY))
    if config["generation"]["hepmc"]:
        for sample in SAMPLES:
            out += expand(
                paths.EVENTS_HEPMC, study=STUDY, sample=sample, chunk=chunks_of(sample)
            )
    return out
