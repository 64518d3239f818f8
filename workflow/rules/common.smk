import os
import shutil
import sys

import numpy as np
from snakemake.exceptions import WorkflowError
from snakemake.logging import logger

from massgen import cwola, params, paths
from massgen.config import validate_config
from massgen.errors import ConfigError
from massgen.executor import requested_executor
from massgen.grid import SCENARIOS, SPLITS, ZOOMS
from massgen.registry import METHODS, MODELS, REPRESENTATIONS
from massgen.resources import dataset_jets, training_minutes
from massgen.samples import of_study, window_samples
from massgen.scheduler import single_reevaluation_timer
from massgen.shared_events import check_shared_events

validate_config(config)
# Another study's events (events.study) must be the ones this study would make.
check_shared_events(config)
single_reevaluation_timer()  # Snakemake's own scheduler, without its timer chains

STUDY = config["study"]
EVENTS_STUDY = config["events"]["study"]  # the study whose events this one reads
SAMPLES = [sample.name for sample in of_study(config)]
GENERATOR = config["generation"]["generator"]
DETECTOR = config["detector"]["kind"]
IMAGES = config["images"]
LHE_FILES = config["generation"]["lhe"]  # a user's LHE file per sample


wildcard_constraints:
    study=STUDY,
    sample=r"[A-Za-z][A-Za-z0-9_]*",
    chunk=r"\d+",
    mass=r"\d+",
    split="|".join(SPLITS),
    zoom="|".join(ZOOMS),
    representation="|".join(REPRESENTATIONS),
    model="|".join(MODELS),
    method="|".join(METHODS),
    sources=r"\d+(-\d+)*",
    class_set="|".join(params.class_sets(config)),
    scenario="|".join(SCENARIOS),
    seed=r"\d+",
    pixels=r"\d+",
    signal=r"[A-Za-z][A-Za-z0-9_]*",
    scheme="|".join(cwola.SCHEMES),
    injected=r"\d+",
    experiment=r"\d+",
    figure="|".join(paths.SIGNIFICANCE_FIGURES),


def events_path(pattern):
    """A pattern of the events' tree (generation, its logs) under the study that owns
    the events: this one, or the one events.study names."""
    return pattern.replace("{events_study}", EVENTS_STUDY)


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


check_target = params.GridCheck(config)


def on_grid(wildcards):
    """Refuse, with a line naming it, a job asked for by path outside the study's grid.

    Called by the input or params functions of the rules where each wildcard first
    enters (generation, mass windows, trainings); every later rule depends on those."""
    check_target(dict(wildcards.items()))


def window_sample_names(wildcards):
    """The samples whose jets enter the window of the job's mass, background first."""
    on_grid(wildcards)
    return [s.name for s in window_samples(config["masses"], int(wildcards.mass))]


def window_chunks(wildcards):
    """Selected chunks of the samples of the job's mass window, as named inputs."""
    return {
        sample: expand(
            paths.SELECTED, study=STUDY, sample=sample, chunk=chunks_of(sample)
        )
        for sample in window_sample_names(wildcards)
    }


def window_cutflows(wildcards):
    """Cutflows of the samples of the job's mass window, in window_sample_names order."""
    return [
        paths.CUTFLOW.format(study=STUDY, sample=sample)
        for sample in window_sample_names(wildcards)
    ]


def dataset_mb(paths_):
    """Size in MB of dataset directories (0 before they exist): sets jobs' memory."""
    total = 0
    for directory in paths_:
        if os.path.isdir(directory):
            total += sum(e.stat().st_size for e in os.scandir(directory) if e.is_file())
    return total / 1e6


def training_memory(wildcards, input):
    """MB a training job asks for: its train split three times, its val split twice."""
    return max(4000, 3 * dataset_mb(input.train) + 2 * dataset_mb(input.val))


def evaluation_memory(wildcards, input):
    """MB an evaluation job asks for: its test datasets twice."""
    return max(4000, 2 * dataset_mb(input.tests))


def anomaly_memory(wildcards, input):
    """MB a score_anomalies job asks for: its test and unseen datasets twice, and the
    QCD training jets it fits on."""
    return max(
        4000, 2 * dataset_mb([*input.test, *input.unseen]) + dataset_mb(input.train)
    )


def model_dir(wildcards, input):
    """Directory of the trained model an evaluation job reads."""
    return os.path.dirname(input.model)


def detector_seed(wildcards):
    """Smearing seed of one chunk, derived from (seed, study, detector, sample, chunk)."""
    return params.detector_seed(config, wildcards.sample, int(wildcards.chunk))


def generation_job(wildcards):
    """Everything a generate_events job reads: seed, event ids, Pythia settings, cuts."""
    on_grid(wildcards)
    return params.generation(config, wildcards.sample, int(wildcards.chunk))


def madgraph_card_values(wildcards):
    """Everything a madgraph_card job reads: beams, parton cuts, coupling, gridpack seed."""
    on_grid(wildcards)
    return params.madgraph_card(config, wildcards.sample)


SELECTION = params.selection(config)


def representation_job(wildcards):
    """What a build_datasets job reads: its representation and that one's settings."""
    on_grid(wildcards)
    return params.representation(config, wildcards.representation)


def job_method(wildcards):
    """The method of a training job: its wildcard, or the baseline of a learning curve."""
    return wildcards.get("method", "baseline")


def training_value(key):
    """Input function: one part (model, method or loop) of what a training job reads."""
    return lambda wildcards: params.training(
        config, wildcards.model, job_method(wildcards)
    )[key]


def model_datasets(wildcards, masses, split):
    """Dataset directories a job of the wildcards' model reads: its representation at
    ``masses`` for the job's zoom and one split."""
    representation = params.model_representation(config, wildcards.model)
    return [  # str.format, not expand(): called thousands of times at paper scale
        paths.DATASET.format(
            study=STUDY,
            representation=representation,
            mass=mass,
            zoom=wildcards.zoom,
            split=split,
        )
        for mass in masses
    ]


def source_datasets(wildcards, split):
    """Dataset directories of a training job's source masses for one split."""
    on_grid(wildcards)
    return model_datasets(wildcards, paths.sources_masses(wildcards.sources), split)


def training_runtime(wildcards, input):
    """Minutes a training job asks the batch system for, from its jets once its datasets
    exist (massgen.resources)."""
    job = params.training(config, wildcards.model, job_method(wildcards))
    # A learning-curve point trains on fewer jets: its datasets' count is an upper bound.
    jets = dataset_jets([*input.train, *input.val])
    return training_minutes(
        jets, job["loop"], job["method"]["settings"], wildcards.model
    )


def curve_datasets(wildcards, split):
    """Dataset directories of a learning-curve training's masses for one split."""
    on_grid(wildcards)
    return model_datasets(wildcards, paths.sources_masses(wildcards.sources), split)


def training_priority(wildcards):
    """Longest trainings first: a split's training set grows with its source masses (and
    its time with it, about 15, 21 and 33 s for one, two and three masses in the default
    study), and a study that starts its long trainings last ends on one of them while the
    other cores idle."""
    return len(paths.sources_masses(wildcards.sources))


def every_model(pattern, models=None):
    """``pattern`` (a file of one trained model) for every trained model (of ``models``,
    default all): grid x zoom x seed."""
    return [
        pattern.format(
            study=STUDY,
            model=model,
            method=method,
            sources=sources,
            zoom=zoom,
            seed=seed,
        )
        for model, method, sources in params.model_grid(config)
        if models is None or model in models
        for zoom in ZOOMS
        for seed in range(config["training"]["seeds"])
    ]


def every_curve_point(pattern):
    """``pattern`` (a file of one learning-curve training) for every point: curve grid x
    zoom x seed."""
    return [
        pattern.format(
            study=STUDY, model=model, sources=sources, zoom=zoom, jets=jets, seed=seed
        )
        for model, sources, jets in params.curve_grid(config)
        for zoom in ZOOMS
        for seed in range(config["training"]["seeds"])
    ]


CLASSES = config["anti_qcd"][
    "classes"
]  # the anti-QCD study's training classes, QCD first
UNSEEN = config["anti_qcd"]["unseen"]  # and its signals never seen in training


def unseen_chunks(wildcards):
    """Selected chunks of the job's unseen signal; refuses a sample that is not one."""
    if wildcards.sample not in UNSEEN:
        raise ConfigError(
            f"{wildcards.sample}: not an unseen signal of study {STUDY!r} (config key "
            f"anti_qcd.unseen gives {', '.join(UNSEEN)})"
        )
    return sample_chunks(paths.SELECTED)(wildcards)


CLASS_SETS = params.class_sets(config)  # name -> groups of classes, "all" first


def class_set_groups(wildcards):
    """The groups of classes of the job's class set (a group's position is its label)."""
    on_grid(wildcards)
    return CLASS_SETS[wildcards.class_set]


def class_set_mass_bin_width(wildcards):
    """The jet-mass bin width (GeV) in which the job's class set keeps equal numbers of
    every label (seed 004's mass augmentation), None for a set without."""
    on_grid(wildcards)
    return params.mass_bin_widths(config).get(wildcards.class_set)


def class_set_chunks(wildcards):
    """Selected chunks of every class of the job's class set, as named inputs."""
    return {
        sample: expand(
            paths.SELECTED, study=STUDY, sample=sample, chunk=chunks_of(sample)
        )
        for group in class_set_groups(wildcards)
        for sample in group
    }


def class_set_cutflows(wildcards):
    """Cutflows of the classes of the job's class set, in class_set_chunks order."""
    return [
        paths.CUTFLOW.format(study=STUDY, sample=sample)
        for group in class_set_groups(wildcards)
        for sample in group
    ]


def classifier_dataset(wildcards, split, class_set=None):
    """The dataset directory of one split of the job's class set (or of ``class_set``),
    in the representation of the job's model (a one-item list, as training jobs read
    lists)."""
    on_grid(wildcards)
    representation = params.model_representation(config, wildcards.model)
    return [
        paths.CLASS_DATASET.format(
            study=STUDY,
            representation=representation,
            class_set=class_set or wildcards.class_set,
            split=split,
        )
    ]


def unseen_datasets(wildcards):
    """Dataset directory of every unseen signal, in the representation of the job's model."""
    representation = params.model_representation(config, wildcards.model)
    return [
        paths.UNSEEN_DATASET.format(
            study=STUDY, representation=representation, sample=sample
        )
        for sample in UNSEEN
    ]


def every_classifier(pattern):
    """``pattern`` (a file of one trained classifier) for every (model, method, class
    set) x seed."""
    return [
        pattern.format(
            study=STUDY, model=model, method=method, class_set=class_set, seed=seed
        )
        for model, method, class_set in params.classifier_grid(config)
        for seed in range(config["training"]["seeds"])
    ]


def anti_qcd_outputs():
    """What the anti-QCD study's default target builds: its tables, cutflow, and every
    classifier's scores against the jet mass."""
    return [
        paths.ANOMALY_TABLES.format(study=STUDY),
        paths.CUTFLOW_TABLE.format(study=STUDY),
        *(
            paths.plot(paths.ANOMALY_MASS).format(
                study=STUDY, model=model, method=method, class_set=class_set
            )
            for model, method, class_set in params.classifier_grid(config)
        ),
    ]


SCENARIOS_RUN = config["robustness"]["scenarios"]  # seed 003's perturbations, in order


def all_classes_chunks(wildcards):
    """Selected chunks of every training class (class set "all"), as named inputs."""
    return {
        sample: expand(
            paths.SELECTED, study=STUDY, sample=sample, chunk=chunks_of(sample)
        )
        for group in CLASS_SETS[params.ALL_CLASSES]
        for sample in group
    }


def robustness_rows(wildcards=None):
    """(model, method) of every tagger of class set "all": the rows of seed 003's tables."""
    return [
        (model, method)
        for model, method, class_set in params.classifier_grid(config)
        if class_set == params.ALL_CLASSES
    ]


def robustness_datasets(wildcards):
    """Test datasets of class set "all" in the job's model's representation, one per
    scenario of robustness.scenarios (nominal: the test split itself)."""
    representation = params.model_representation(config, wildcards.model)
    return [
        (
            classifier_dataset(wildcards, "test", params.ALL_CLASSES)[0]
            if scenario == "nominal"
            else paths.ROBUSTNESS_DATASET.format(
                study=STUDY, representation=representation, scenario=scenario
            )
        )
        for scenario in SCENARIOS_RUN
    ]


def every_robustness_score(wildcards=None):
    """Robustness metrics of every tagger of class set "all" and seed."""
    return [
        paths.ROBUSTNESS_METRICS.format(
            study=STUDY, model=model, method=method, seed=seed
        )
        for model, method in robustness_rows()
        for seed in range(config["training"]["seeds"])
    ]


# Seed 001's searched samples (the source data of transfer learning stays out of Fig. 1).
SEARCHED_SAMPLES = (
    [config["dark_showers"]["background"], *config["dark_showers"]["signals"]]
    if config["kind"] == "weak_supervision"
    else []
)


def selected_chunks_by_sample(wildcards=None):
    """Selected chunks of every searched sample of seed 001's study, as named inputs."""
    return {
        sample: expand(
            paths.SELECTED, study=STUDY, sample=sample, chunk=chunks_of(sample)
        )
        for sample in SEARCHED_SAMPLES
    }


def dark_shower_outputs():
    """What seed 001's search builds by default: its cutflow, dijet-mass figure, tables
    and significance figure."""
    return [
        paths.CUTFLOW_TABLE.format(study=STUDY),
        paths.plot(paths.DIJET_MASS).format(study=STUDY),
        paths.SEARCH_TABLES.format(study=STUDY),
        *(paths.plot(name).format(study=STUDY) for name in significance_figures()),
    ]


def significance_figures():
    """Seed 001's Figs. 3-5 the configured schemes give: each whose first scheme runs."""
    schemes = config["dark_showers"]["search"]["schemes"]
    return [
        name
        for name, compared in paths.SIGNIFICANCE_FIGURES.items()
        if compared[0] in schemes
    ]


def figure_schemes(wildcards):
    """The configured schemes one of Figs. 3-5 compares."""
    schemes = config["dark_showers"]["search"]["schemes"]
    return [s for s in paths.SIGNIFICANCE_FIGURES[wildcards.figure] if s in schemes]


SEARCHES = params.search_grid(config)  # seed 001's pseudo-experiments


def every_search(pattern, schemes=None):
    """``pattern`` for every pseudo-experiment of the search (of ``schemes``: all)."""
    return [
        pattern.format(
            study=STUDY,
            signal=signal,
            pixels=pixels,
            scheme=scheme,
            injected=injected,
            experiment=experiment,
        )
        for signal, pixels, scheme, injected, experiment in SEARCHES
        if schemes is None or scheme in schemes
    ]


def figure_metrics(wildcards):
    """The pseudo-experiments one of Figs. 3-5 shows."""
    return every_search(paths.SEARCH_METRICS, figure_schemes(wildcards))


def dijet_representation(wildcards):
    """What a build_dijet_datasets job reads: the two-jet images at its resolution."""
    on_grid(wildcards)
    return params.dijet_representation(config, int(wildcards.pixels))


def search_inputs(wildcards):
    """A pseudo-experiment's inputs: per class (the background, its signal) the train and
    validation datasets it draws from and the test split's (each carries its events'
    regions and its sample's sideband ratio); a transfer scheme's start."""
    on_grid(wildcards)
    samples = {
        "background": config["dark_showers"]["background"],
        "signal": wildcards.signal,
    }
    out = {}
    for name, sample in samples.items():
        where = dict(study=STUDY, sample=sample, pixels=wildcards.pixels)
        # str.format, not expand: this runs for every pseudo-experiment (1 920 at paper
        # scale) and expand's cost showed in the dry run.
        out[f"{name}_pool"] = [
            paths.DIJET_DATASET.format(split=split, **where)
            for split in cwola.POOL_SPLITS
        ]
        out[f"{name}_test"] = paths.DIJET_DATASET.format(split="test", **where)
    start = {"transfer": paths.PRETRAINED, "meta_transfer": paths.META_TRAINED}
    if wildcards.scheme in start:
        out["pretrained"] = start[wildcards.scheme].format(
            study=STUDY, signal=wildcards.signal, pixels=wildcards.pixels
        )
    return out


def source_inputs(wildcards):
    """A source training's inputs: per source sample (massgen.params.source_samples) the
    train and validation datasets it draws from."""
    on_grid(wildcards)
    return {
        sample: expand(
            paths.DIJET_DATASET,
            split=cwola.POOL_SPLITS,
            study=STUDY,
            sample=sample,
            pixels=wildcards.pixels,
        )
        for sample in params.source_samples(config, wildcards.signal)
    }


def source_names(wildcards):
    """The source samples of a source training, the simulated background last."""
    return params.source_samples(config, wildcards.signal)


def pretraining_runtime(wildcards):
    """Minutes a pretraining asks the batch system for (as search_runtime)."""
    section = config["dark_showers"]["pretraining"]
    images = (
        2
        * (section["signal"] + section["background"])
        * (int(wildcards.pixels) / 50) ** 2
    )
    loop = {**SEARCH_TRAINING["loop"], "max_epochs": section["max_epochs"]}
    return training_minutes(round(images), loop, {}, "cnn")


def meta_training_runtime(wildcards):
    """Minutes a meta-training asks for: per episode and task three steps of a task's
    signal and background events through the feature extractor."""
    section = config["dark_showers"]["meta_training"]
    tasks = len(params.source_samples(config, wildcards.signal)) - 1
    images = tasks * 3 * 2 * section["events"] * 2 * (int(wildcards.pixels) / 50) ** 2
    loop = {**SEARCH_TRAINING["loop"], "max_epochs": section["max_episodes"]}
    return training_minutes(round(images), loop, {}, "cnn")


def source_memory(wildcards):
    """MB a source training asks for: the pretraining's drawn events' two images twice,
    and torch."""
    section = config["dark_showers"]["pretraining"]
    events = section["signal"] + section["background"]
    return round(2000 + 2 * events * 2 * int(wildcards.pixels) ** 2 * 4 / 1e6)


def search_values(wildcards):
    """A pseudo-experiment's own values (massgen.params.search_job)."""
    return params.search_job(
        config,
        wildcards.signal,
        int(wildcards.pixels),
        wildcards.scheme,
        int(wildcards.injected),
        int(wildcards.experiment),
    )


SEARCH_TRAINING = params.training(
    config, config["dark_showers"]["search"]["model"], "baseline"
)


def search_events(wildcards):
    """Events a pseudo-experiment draws (about as many sideband events as signal-region
    ones for the background, fewer for a signal) and the test events it scores."""
    search = config["dark_showers"]["search"]
    drawn = 2.2 * search["background"] + 1.5 * int(wildcards.injected)
    return drawn, 2 * search["test_events"]


def search_memory(wildcards):
    """MB a pseudo-experiment asks for: its drawn events' two images twice (the draw and
    its train/validation parts), the test events' once, and torch."""
    drawn, test = search_events(wildcards)
    return round(2000 + (2 * drawn + test) * 2 * int(wildcards.pixels) ** 2 * 4 / 1e6)


def search_runtime(wildcards):
    """Minutes a pseudo-experiment asks the batch system for: the CNN's cost per image at
    50 pixels per side (massgen.resources), scaled by the pixel count, two per event."""
    drawn, _ = search_events(wildcards)
    images = 2 * drawn * (int(wildcards.pixels) / 50) ** 2
    return training_minutes(round(images), SEARCH_TRAINING["loop"], {}, "cnn")


def recursive_outputs():
    """What seed 003's study builds by default: its tables and cutflow."""
    return [
        paths.ROBUSTNESS_TABLES.format(study=STUDY),
        paths.CUTFLOW_TABLE.format(study=STUDY),
    ]


def image_masses():
    """Masses shown in Fig. 1: up to four, spread over the study's grid."""
    masses = sorted(config["masses"])
    picks = np.unique(
        np.linspace(0, len(masses) - 1, min(4, len(masses))).round().astype(int)
    )
    return [masses[i] for i in picks]


def final_outputs():
    """Everything the default target builds: figures, score table, indices, cutflows, HepMC3
    (the anti-QCD study: :func:`anti_qcd_outputs`; seed 003's: :func:`recursive_outputs`;
    seed 001's: :func:`dark_shower_outputs`).
    """
    if config["kind"] == "anti_qcd":
        return anti_qcd_outputs()
    if config["kind"] == "recursive":
        return recursive_outputs()
    if config["kind"] == "weak_supervision":
        return dark_shower_outputs()
    out = expand(paths.INDEX, study=STUDY, mass=config["masses"], split=SPLITS)
    out.append(paths.CUTFLOW_TABLE.format(study=STUDY))
    out.append(paths.DETECTOR_RESPONSE.format(study=STUDY))
    out.append(paths.SUMMARY.format(study=STUDY))
    out.append(paths.CLAIMS.format(study=STUDY))
    out += expand(paths.PLOT, study=STUDY, name=paths.FIGURES)
    out += expand(
        paths.model_plot("{name}"),
        study=STUDY,
        model=config["training"]["models"],
        name=paths.MODEL_FIGURES,
    )
    if len(config["training"]["models"]) > 1:
        out.append(paths.plot(paths.COMPARISON).format(study=STUDY))
    out.append(paths.MODEL_PLOTS.format(study=STUDY))
    if config["learning_curve"]["masses"]:
        out.append(paths.plot(paths.LEARNING_CURVES).format(study=STUDY))
    if config["generation"]["hepmc"]:
        for sample in SAMPLES:
            out += expand(
                events_path(paths.EVENTS_HEPMC), sample=sample, chunk=chunks_of(sample)
            )
    return out


SBATCH_MISSING = (
    "snakemake --profile slurm needs Slurm's sbatch on PATH and there is none "
    "here: run it on a cluster login node, or start the local test Slurm with "
    "tests/slurm/start_slurm.sh; without a cluster, run snakemake --cores N"
)


def warn_if_sbatch_missing():
    """Say at once (dry runs included) that the Slurm executor cannot submit here."""
    if requested_executor(sys.argv) == "slurm" and shutil.which("sbatch") is None:
        logger.warning(f"WARNING: {SBATCH_MISSING}")


warn_if_sbatch_missing()


def check_executor(workflow):
    """Stop before any submission when the Slurm executor runs where sbatch is missing."""
    plugin = workflow.executor_plugin
    if plugin is not None and plugin.name == "slurm" and shutil.which("sbatch") is None:
        raise WorkflowError(SBATCH_MISSING)


def export_tool_locations():
    """Hand the external programs' installations to jobs through the environment
    (MASSGEN_MADGRAPH, MASSGEN_DELPHES, and MASSGEN_PYTHON, a Python with MadGraph's
    `six`), never through params: moving a checkout or a venv reruns nothing."""
    for name, home in config["tools"].items():
        if home:
            os.environ[f"MASSGEN_{name.upper()}"] = os.path.abspath(home)
    os.environ.setdefault("MASSGEN_PYTHON", sys.executable)


export_tool_locations()


def alternatives(names):
    """Wildcard pattern matching exactly ``names`` (nothing if there are none)."""
    names = list(names)
    return "|".join(names) if names else "(?!)"


def generation_inputs(wildcards):
    """Inputs of generate_events where Pythia showers an LHE file: the chunk's MadGraph
    file, or the chunks and the description of the user's file."""
    if wildcards.sample in LHE_FILES:
        return {
            "lhe_chunks": events_path(paths.LHE_CHUNKS).format(**wildcards),
            "lhe_report": events_path(paths.LHE_REPORT).format(**wildcards),
        }
    if params.from_lhe(config, wildcards.sample):
        return {"lhe": events_path(paths.LHE).format(**wildcards)}
    return {}


def lhe_import_job(wildcards):
    """What an import_lhe job reads: the study's energy, its events and chunk size."""
    on_grid(wildcards)
    return params.lhe_import(config, wildcards.sample)


def lhe_events(wildcards):
    """Events of one MadGraph chunk."""
    on_grid(wildcards)
    return paths.chunk_events(config, wildcards.sample, int(wildcards.chunk))


def lhe_seed(wildcards):
    """MadGraph seed of one chunk."""
    return params.madgraph_seed(config, wildcards.sample, int(wildcards.chunk))
