"""The results tree, spelled once: Snakemake rules, scripts and tests import these patterns.

Patterns hold Snakemake wildcards in braces ({study}, {events_study}, {sample}, {chunk},
{mass}, {split}, {representation}, {zoom}, {model}, {method}, {sources}, {seed}, {jets},
{class_set}, {scenario}, {pixels}, {signal}, {scheme}, {injected}, {experiment}).
"""

from __future__ import annotations

from massgen.samples import parse_sample

RESULTS = "results/{study}"
# Events belong to the study that made them ({events_study}: config events.study, the
# study's own name unless it reads another's).
EVENTS_RESULTS = "results/{events_study}"

EVENTS = EVENTS_RESULTS + "/events/{sample}/chunk{chunk}.parquet"
EVENTS_META = EVENTS_RESULTS + "/events/{sample}/chunk{chunk}.json"
EVENTS_HEPMC = EVENTS_RESULTS + "/events/{sample}/chunk{chunk}.hepmc3"
MADGRAPH_CARD = EVENTS_RESULTS + "/events/{sample}/madgraph/proc_card.mg5"
GRIDPACK = EVENTS_RESULTS + "/events/{sample}/madgraph/gridpack.tar.gz"
LHE = EVENTS_RESULTS + "/events/{sample}/chunk{chunk}.lhe.gz"
LHE_REPORT = EVENTS_RESULTS + "/events/{sample}/lhe.json"
LHE_CHUNKS = EVENTS_RESULTS + "/events/{sample}/lhe"  # a user's file in chunks: chunk<k>.lhe.gz
RECO = RESULTS + "/reco/{sample}/chunk{chunk}.parquet"
DELPHES_ROOT = RESULTS + "/reco/{sample}/chunk{chunk}.root"
JETS = RESULTS + "/jets/{sample}/chunk{chunk}.parquet"
SELECTED = RESULTS + "/jets/{sample}/selected/chunk{chunk}.parquet"
CHUNK_CUTFLOW = RESULTS + "/jets/{sample}/cutflow/chunk{chunk}.json"
CUTFLOW = RESULTS + "/jets/{sample}/cutflow.json"
CUTFLOW_TABLE = RESULTS + "/cutflow.md"
DETECTOR_RESPONSE = RESULTS + "/detector_response.md"  # figure: plot("detector_response")
INDEX = RESULTS + "/datasets/index/{mass}/{split}.parquet"
DATASET = RESULTS + "/datasets/{representation}/{mass}/{zoom}/{split}"
MODEL = RESULTS + "/models/{model}/{method}/{sources}/{zoom}/seed{seed}"
MODEL_WEIGHTS = MODEL + "/model.pt"
MODEL_HISTORY = MODEL + "/history.json"
MODEL_HPARAMS = MODEL + "/hparams.json"
METRICS = RESULTS + "/scores/{model}/{method}/{sources}/{zoom}/seed{seed}.json"
SCORES = RESULTS + "/scores/{model}/{method}/{sources}/{zoom}/seed{seed}.parquet"  # per test jet
MODEL_PLOTS = RESULTS + "/plots/models"  # <model>/<method>/<sources>/<zoom>/seed<k>.png
SUMMARY = RESULTS + "/scores/summary.csv"
CLAIMS = RESULTS + "/claims.md"  # the founding paper's claims tested on the scores
# Learning curves: the baseline on N jets per class ({jets}) of one mass ({sources}).
CURVE_MODEL = RESULTS + "/curves/{model}/{sources}/{zoom}/n{jets}/seed{seed}"
CURVE_WEIGHTS = CURVE_MODEL + "/model.pt"
CURVE_HISTORY = CURVE_MODEL + "/history.json"
CURVE_HPARAMS = CURVE_MODEL + "/hparams.json"
CURVE_METRICS = CURVE_MODEL + ".json"
CURVE_SCORES = CURVE_MODEL + ".parquet"  # per test jet
CURVE_TABLE = RESULTS + "/curves/learning_curves.csv"  # AUC per seed
CURVE_MARKDOWN = RESULTS + "/curves/learning_curves.md"  # mean +- std over seeds
# Seed 004's anti-QCD study: classifiers of sets of the training classes ({class_set}:
# "all" or a name of config anti_qcd.class_sets), scored on unseen signals.
CLASS_INDEX = RESULTS + "/datasets/index/{class_set}/{split}.parquet"
UNSEEN_INDEX = RESULTS + "/datasets/index/unseen/{sample}.parquet"
CLASS_DATASET = RESULTS + "/datasets/{representation}/{class_set}/{split}"
UNSEEN_DATASET = RESULTS + "/datasets/{representation}/unseen/{sample}"
CLASSIFIER = RESULTS + "/models/{model}/{method}/{class_set}/seed{seed}"
CLASSIFIER_WEIGHTS = CLASSIFIER + "/model.pt"
CLASSIFIER_HISTORY = CLASSIFIER + "/history.json"
CLASSIFIER_HPARAMS = CLASSIFIER + "/hparams.json"
ANOMALY_METRICS = RESULTS + "/scores/{model}/{method}/{class_set}/seed{seed}.json"
ANOMALY_SCORES = RESULTS + "/scores/{model}/{method}/{class_set}/seed{seed}.parquet"  # per jet
ANOMALY_TABLES = RESULTS + "/anti_qcd.md"  # seed 004's tables with its numbers beside
# Seed 003's robustness test: the test jets of class set "all" after a perturbation
# ({scenario}), and each classifier's AUC and rejection on every scenario.
ROBUSTNESS_DATASET = RESULTS + "/robustness/datasets/{representation}/{scenario}"
ROBUSTNESS_METRICS = RESULTS + "/robustness/{model}/{method}/seed{seed}.json"
ROBUSTNESS_TABLES = RESULTS + "/recursive.md"  # seed 003's Tables I and II beside ours
# Seed 001's CWoLa search: every selected event of a sample in the signal region or the
# sidebands, its two leading jets' images at {pixels} per side, and one pseudo-experiment
# per ({signal}, {pixels}, {scheme}, {injected} signal events, {experiment}).
DIJET_INDEX = RESULTS + "/datasets/index/dijets/{sample}/{split}.parquet"
DIJET_DATASET = RESULTS + "/datasets/dijet_image/px{pixels}/{sample}/{split}"
SEARCH = RESULTS + "/search/{signal}/px{pixels}/{scheme}/s{injected}/exp{experiment}"
SEARCH_WEIGHTS = SEARCH + "/model.pt"
SEARCH_HISTORY = SEARCH + "/history.json"
SEARCH_METRICS = SEARCH + ".json"  # AUC and significance after cuts on the test events
SEARCH_TABLES = RESULTS + "/dark_showers.md"  # significance and AUC per injected signal
# Seed 001's source trainings per searched benchmark and resolution (Secs. 4-5).
PRETRAINING = RESULTS + "/pretraining/{signal}/px{pixels}"
PRETRAINED = PRETRAINING + "/pretrained.pt"  # weights after pretraining
PRETRAINED_HISTORY = PRETRAINING + "/pretrained.json"
META_TRAINED = PRETRAINING + "/meta_trained.pt"  # with the convolutions' scales and shifts
META_HISTORY = PRETRAINING + "/meta_trained.json"
PLOT = RESULTS + "/plots/{name}.png"  # and beside it {name}.pdf
FIGURES = ("fig1_jet_images",)  # one per study
MODEL_FIGURES = ("fig3_single_domain_auc", "fig4_domain_scores", "fig5_qcd_sculpting")  # per model
COMPARISON = "model_comparison"  # domain scores of every model on one split (two models or more)
LEARNING_CURVES = "learning_curves"  # AUC against training jets per class (learning_curve)
ANOMALY_MASS = "anti_qcd/{model}/{method}/{class_set}"  # seed 004's Figs. 6-7, per classifier
DIJET_MASS = "dijet_mass"  # seed 001's Fig. 1: M_jj of the selected events, SR and SB
# Seed 001's Figs. 3-5: significance after cuts against before, a scheme against another.
SIGNIFICANCE_FIGURES = {
    "significance": ("cwola", "supervised"),
    "significance_transfer": ("transfer", "cwola"),
    "significance_meta_transfer": ("meta_transfer", "transfer"),
}


def plot(name: str, ext: str = "png") -> str:
    """One figure's file (PNG, and the PDF written beside it) under results/{study}/plots/."""
    return PLOT.replace("{name}", name).removesuffix(".png") + "." + ext


def model_plot(name: str, ext: str = "png") -> str:
    """One of a model's figures (:data:`MODEL_FIGURES`): results/{study}/plots/{model}/."""
    return plot("{model}/" + name, ext)


def log(rule: str, wildcards: str) -> str:
    """Log file of one job: results/{study}/logs/<rule>/<wildcards>.log."""
    return f"{RESULTS}/logs/{rule}/{wildcards}.log"


def benchmark(rule: str, wildcards: str) -> str:
    """Snakemake benchmark file of one job: results/{study}/benchmarks/<rule>/<wildcards>.tsv."""
    return f"{RESULTS}/benchmarks/{rule}/{wildcards}.tsv"


def events_log(rule: str, wildcards: str) -> str:
    """Log file of one job making events: under the events' study, beside its events."""
    return log(rule, wildcards).replace(RESULTS, EVENTS_RESULTS, 1)


def events_benchmark(rule: str, wildcards: str) -> str:
    """Snakemake benchmark file of one job making events, under the events' study."""
    return benchmark(rule, wildcards).replace(RESULTS, EVENTS_RESULTS, 1)


def sample_events(config: dict, sample: str) -> int:
    """Events requested for a sample, as its family reads them from the config
    (events.signal per Z', events.qcd for the Z+jets pool)."""
    spec = parse_sample(sample)
    return spec.module.n_events(spec, config)


def n_chunks(config: dict, sample: str) -> int:
    """Number of generation chunks of a sample (the last one may be short)."""
    return -(-sample_events(config, sample) // config["events"]["chunk_size"])


def lhe_chunk(directory: str, chunk: int | str) -> str:
    """One chunk's file in the directory of a user's LHE file split into chunks."""
    return f"{directory}/chunk{chunk}.lhe.gz"


def chunk_events(config: dict, sample: str, chunk: int) -> int:
    """Number of events requested for chunk ``chunk`` of ``sample`` (the last may be short)."""
    chunk_size = config["events"]["chunk_size"]
    total = sample_events(config, sample)
    n_events = min(chunk_size, total - chunk * chunk_size)
    if n_events <= 0:
        raise ValueError(f"chunk {chunk} of {sample} is beyond the {total} requested events")
    return n_events


def sources_label(masses: list[int]) -> str:
    """Wildcard value of a source split: masses joined by '-', e.g. '150-200'."""
    return "-".join(str(m) for m in sorted(masses))


def sources_masses(label: str) -> list[int]:
    """Inverse of :func:`sources_label`."""
    return [int(m) for m in label.split("-")]


def curve_sources(entry: int | list[int]) -> list[int]:
    """The source masses of a ``learning_curve.masses`` entry: one mass, or a split's."""
    return [entry] if isinstance(entry, int) else sorted(entry)
