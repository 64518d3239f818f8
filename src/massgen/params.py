"""What each rule's jobs read from a validated study configuration, as plain values.

The Snakefile puts these values in each rule's ``params:`` (so Snakemake reruns a job
exactly when one of them changes), the rule scripts pass them on by name, and tests call
the package with the same values. Kept free of heavy imports: the Snakefile reads it at
parse time.
"""

from __future__ import annotations

from massgen.generation.settings import QUIET
from massgen.grid import SPLITS
from massgen.paths import chunk_events
from massgen.registry import METHODS, MODELS
from massgen.samples import parse_sample
from massgen.seeding import MADGRAPH_SEED_MAX, derive_seed


def event_seed(config: dict, sample: str, chunk: int) -> int:
    """Pythia seed of one chunk, from (seed, study, sample, chunk)."""
    return derive_seed(config["seed"], config["study"], sample, chunk)


def detector_seed(config: dict, sample: str, chunk: int) -> int:
    """Smearing seed (built-in detector or Delphes' RandomSeed) of one chunk."""
    return derive_seed(config["seed"], config["study"], "detector", sample, chunk)


def madgraph_seed(config: dict, sample: str, chunk: int | str) -> int:
    """MadGraph ``iseed`` of one chunk (or of the gridpack, chunk ``"gridpack"``)."""
    return derive_seed(
        config["seed"], config["study"], "madgraph", sample, chunk, modulus=MADGRAPH_SEED_MAX
    )


def generation(config: dict, sample: str, chunk: int) -> dict:
    """Keyword arguments of :func:`massgen.generation.pythia.generate_chunk` for one chunk.

    On the MadGraph path the number of events and the hard process come from the
    chunk's LHE file, so they are absent here.
    """
    spec = parse_sample(sample)
    pythia_alone = config["generation"]["generator"] == "pythia"
    user = spec.module.user_process(spec, config) if pythia_alone else None
    return {
        "seed": event_seed(config, sample, chunk),
        "first_event_id": chunk * config["events"]["chunk_size"],
        "n_events": chunk_events(config, sample, chunk) if pythia_alone else None,
        "settings": pythia_settings(config, sample),
        "user_process": user["user_process"] if user else None,
        "coupling": user["coupling"] if user else None,
        "parton_eta_max": config["cuts"]["parton_eta_max"],
        "process": spec.module.PROCESS if pythia_alone else None,
        "study": config["study"],
        "base_seed": config["seed"],
    }


def pythia_settings(config: dict, sample: str) -> list[str]:
    """All Pythia readString lines of ``sample`` except the seed (and the LHE file name).

    Pythia alone: √s and the parton-level MET cut (the 2->2 ``pTHatMin``), then the
    family's process and decays. Showering MadGraph's LHE (``Beams:frameType = 4``; the job
    adds ``Beams:LHEF``): the family's decays only; the LHE's SLHA decay table, which
    includes b quarks, is ignored so both paths decay alike.
    """
    spec = parse_sample(sample)
    from_lhe = config["generation"]["generator"] == "madgraph"
    if from_lhe:
        beams = ["Beams:frameType = 4", "SLHA:useDecayTable = off"]
    else:
        beams = [
            f"Beams:eCM = {config['sqrt_s']}",
            f"PhaseSpace:pTHatMin = {config['cuts']['met_min']}",
        ]
    own = spec.module.pythia_settings(spec, config, from_lhe)
    return beams + QUIET + own + list(config["generation"]["pythia_settings"])


def madgraph_card(config: dict, sample: str) -> dict:
    """Keyword arguments of :func:`massgen.generation.madgraph.process_card`."""
    spec = parse_sample(sample)
    return {
        "process": spec.module.MADGRAPH_PROCESS,
        "sample_lines": spec.module.madgraph_cuts(spec, config),
        "sqrt_s": config["sqrt_s"],
        "met_min": config["cuts"]["met_min"],
        "seed": madgraph_seed(config, sample, "gridpack"),
    }


def selection(config: dict) -> dict:
    """Keyword arguments of :func:`massgen.selection.select_chunk`: cuts, windows, split."""
    return {
        "masses": list(config["masses"]),
        "jet_pt_min": config["cuts"]["jet_pt_min"],
        "window_fraction": config["cuts"]["window_fraction"],
        "fractions": {split: config["split"][split] for split in SPLITS},
    }


def representation(config: dict) -> dict:
    """The representation build_datasets writes and its settings: point clouds of at
    most ``datasets.max_constituents`` constituents (the mass-generalisation study)."""
    return {
        "name": "point_cloud",
        "settings": {"max_constituents": config["datasets"]["max_constituents"]},
    }


LOOP_KEYS = ("learning_rate", "batch_size", "max_epochs", "patience")


def training(config: dict, method: str) -> dict:
    """What one training job reads: the model, where its code lives and its
    hyper-parameters (``models.<model>``), the loop's settings, and the method, where its
    code lives and its own settings (``training.<method>``; none for a method without a
    section). Jobs need no registry: extensions are imported where the DAG is built."""
    section = config["training"]
    name = section["model"]
    return {
        "model": {
            "name": name,
            "target": MODELS[name],
            "hparams": dict(config["models"].get(name, {})),
        },
        "loop": {key: section[key] for key in LOOP_KEYS},
        "method": {
            "name": method,
            "target": METHODS[method],
            "settings": dict(section.get(method, {})),
        },
    }
