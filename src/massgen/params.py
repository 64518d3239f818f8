"""What each rule's jobs read from a validated study configuration, as plain values.

The Snakefile puts these values in each rule's ``params:`` (so Snakemake reruns a job
exactly when one of them changes), the rule scripts pass them on by name, and tests call
the package with the same values. Kept free of heavy imports: the Snakefile reads it at
parse time.
"""

from __future__ import annotations

from massgen.cwola import SOURCE_SCHEMES
from massgen.errors import ConfigError
from massgen.generation.settings import QUIET
from massgen.grid import CLASSIFIER_KINDS, SPLITS
from massgen.paths import chunk_events, curve_sources, n_chunks, sample_events, sources_label
from massgen.registry import METHODS, MODELS, REPRESENTATIONS
from massgen.samples import class_set_groups, of_study, parse_sample
from massgen.seeding import MADGRAPH_SEED_MAX, derive_seed


def event_seed(config: dict, sample: str, chunk: int) -> int:
    """Pythia seed of one chunk, from (seed, study, sample, chunk); the study is the one
    whose events these are (``events.study``, the study's own name by default)."""
    return derive_seed(config["seed"], config["events"]["study"], sample, chunk)


def detector_seed(config: dict, sample: str, chunk: int) -> int:
    """Smearing seed (built-in detector or Delphes' RandomSeed) of one chunk."""
    return derive_seed(config["seed"], config["study"], "detector", sample, chunk)


def madgraph_seed(config: dict, sample: str, chunk: int | str) -> int:
    """MadGraph ``iseed`` of one chunk (or of the gridpack, chunk ``"gridpack"``)."""
    return derive_seed(
        config["seed"],
        config["events"]["study"],
        "madgraph",
        sample,
        chunk,
        modulus=MADGRAPH_SEED_MAX,
    )


def from_lhe(config: dict, sample: str) -> bool:
    """Whether Pythia showers an LHE file for ``sample`` (MadGraph's, or the user's
    ``generation.lhe`` file) rather than making the hard process itself."""
    generation = config["generation"]
    return generation["generator"] == "madgraph" or sample in generation["lhe"]


def lhe_import(config: dict, sample: str) -> dict:
    """Keyword arguments of :func:`massgen.generation.lhe.import_lhe` for a sample from
    the user's LHE file: the study's sqrt(s) (GeV), the sample's events, the chunk size."""
    return {
        "sqrt_s": config["sqrt_s"],
        "n_events": sample_events(config, sample),
        "chunk_size": config["events"]["chunk_size"],
    }


def generation(config: dict, sample: str, chunk: int) -> dict:
    """Keyword arguments of :func:`massgen.generation.pythia.generate_chunk` for one chunk.

    When Pythia showers an LHE file the number of events and the hard process come from
    the chunk's file, so they are absent here, and the user's jet-matching overrides
    are present.
    """
    spec = parse_sample(sample)
    pythia_alone = not from_lhe(config, sample)
    user = spec.module.user_process(spec, config) if pythia_alone else None
    matching = {} if pythia_alone else {"jet_matching": list(config["generation"]["jet_matching"])}
    return {
        **matching,
        "seed": event_seed(config, sample, chunk),
        "first_event_id": chunk * config["events"]["chunk_size"],
        "n_events": chunk_events(config, sample, chunk) if pythia_alone else None,
        "settings": pythia_settings(config, sample),
        "user_process": user["user_process"] if user else None,
        "coupling": user["coupling"] if user else None,
        "parton_eta_max": config["cuts"]["parton_eta_max"] if spec.module.PARTON_ETA_CUT else None,
        "process": spec.module.PROCESS if pythia_alone else None,
        "study": config["events"]["study"],
        "base_seed": config["seed"],
    }


def pythia_settings(config: dict, sample: str) -> list[str]:
    """All Pythia readString lines of ``sample`` except the seed (and the LHE file name).

    Pythia alone: √s and the family's phase-space cut (the founding study's parton-level
    MET cut, the 2->2 ``pTHatMin``), then the family's process and decays. Showering an
    LHE file (``Beams:frameType = 4``; the job adds ``Beams:LHEF``): the family's decays
    only; the LHE's SLHA decay table, which includes b quarks, is ignored so both paths
    decay alike.
    """
    spec = parse_sample(sample)
    showered = from_lhe(config, sample)
    if showered:
        # As MadGraph's own Pythia 8 driver: a looser energy-momentum check than Pythia's
        # 1e-4, which rejects events whose momenta the file rounds (aMC@NLO's do).
        beams = ["Beams:frameType = 4", "SLHA:useDecayTable = off", "Check:epTolErr = 1e-2"]
    else:
        beams = [f"Beams:eCM = {config['sqrt_s']}", *spec.module.phase_space(spec, config)]
    own = spec.module.pythia_settings(spec, config, showered)
    return beams + QUIET + own + list(config["generation"]["pythia_settings"])


def madgraph_card(config: dict, sample: str) -> dict:
    """Keyword arguments of :func:`massgen.generation.madgraph.process_card`."""
    spec = parse_sample(sample)
    if spec.module.MADGRAPH_PROCESS is None:
        raise ConfigError(
            f"generation.generator: MadGraph has no process for sample {sample} (family "
            f"{spec.family}); generate it with pythia"
        )
    return {
        "process": spec.module.MADGRAPH_PROCESS,
        "sample_lines": spec.module.madgraph_cuts(spec, config),
        "sqrt_s": config["sqrt_s"],
        "met_min": config["cuts"]["met_min"],
        "seed": madgraph_seed(config, sample, "gridpack"),
    }


def selection(config: dict) -> dict:
    """Keyword arguments of :func:`massgen.selection.select_chunk`: cuts, windows, split.

    The founding study cuts pT_J > ``cuts.jet_pt_min`` and flags its mass windows; the
    classifier studies (anti-QCD, recursive) keep the jets in ``anti_qcd.pt_window`` and
    have no windows; seed 001's search cuts both leading jets and flags the dijet mass's
    signal region and sidebands (``dark_showers``)."""
    fractions = {split: config["split"][split] for split in SPLITS}
    if config["kind"] == "weak_supervision":
        section = config["dark_showers"]
        return {
            "jet_pt_min": section["jet_pt_min"],
            "jet_eta_max": section["jet_eta_max"],
            "regions": {
                "signal_region": [list(section["signal_region"])],
                "sidebands": [list(band) for band in section["sidebands"]],
            },
            "fractions": fractions,
        }
    if config["kind"] in CLASSIFIER_KINDS:
        low, high = config["anti_qcd"]["pt_window"]
        return {"masses": [], "jet_pt_min": low, "jet_pt_max": high, "fractions": fractions}
    return {
        "masses": list(config["masses"]),
        "jet_pt_min": config["cuts"]["jet_pt_min"],
        "window_fraction": config["cuts"]["window_fraction"],
        "fractions": fractions,
    }


def representation(config: dict, name: str) -> dict:
    """What a build_datasets job of one representation reads: its name and its settings
    (the ``datasets`` keys its registry entry names, e.g. max_constituents)."""
    entry = REPRESENTATIONS[name]
    settings = {key: config["datasets"][key] for key in entry.settings} | dict(entry.fixed)
    return {"name": name, "settings": settings}


def model_representation(config: dict, model: str) -> str:
    """The representation ``model`` reads in this study: its registry entry's, except that
    a classifier study's (anti-QCD, recursive) point-cloud models read
    ``anti_qcd.representation``."""
    own = MODELS[model].representation
    if config["kind"] in CLASSIFIER_KINDS and own == "point_cloud":
        return config["anti_qcd"]["representation"]
    return own


def representations(config: dict) -> list[str]:
    """Representations the study builds: those of its models, and for the founding study
    point clouds (Fig. 1 reads them), in registry order."""
    wanted = {model_representation(config, m) for m in config["training"]["models"]}
    if config["kind"] == "mass_generalisation":
        wanted.add("point_cloud")
    return [name for name in REPRESENTATIONS if name in wanted]


ALL_CLASSES = "all"  # the class set of every training class, each its own label


def class_sets(config: dict) -> dict[str, list[list[str]]]:
    """The anti-QCD study's class sets, name -> groups of class samples (a group's
    position is its label): "all" (each class alone), then ``anti_qcd.class_sets`` by
    name (so that their order in the file changes nothing)."""
    section = config["anti_qcd"]
    own = {name: class_set_groups(spec) for name, spec in sorted(section["class_sets"].items())}
    return {ALL_CLASSES: [[c] for c in section["classes"]], **own}


def mass_bin_widths(config: dict) -> dict[str, float]:
    """The class sets whose labels share one jet-mass histogram (seed 004's mass
    augmentation), name -> bin width in GeV."""
    return {
        name: spec["mass_bin_width"]
        for name, spec in config["anti_qcd"]["class_sets"].items()
        if isinstance(spec, dict) and "mass_bin_width" in spec
    }


def anomaly_scoring(config: dict) -> dict:
    """What a score_anomalies job reads: the training classes (QCD first; the labels of
    the test jets, class set "all") and the QCD training jets the Mahalanobis distance is
    fitted on."""
    section = config["anti_qcd"]
    return {"classes": list(section["classes"]), "fit_jets": section["fit_jets"]}


def classifier_grid(config: dict) -> list[tuple[str, str, str]]:
    """(model, method, class set) of every classifier of the anti-QCD study: each model
    with each method on each class set (a set's own ``methods`` where it names them)."""
    section = config["training"]
    own = {
        name: spec["methods"]
        for name, spec in config["anti_qcd"]["class_sets"].items()
        if isinstance(spec, dict) and "methods" in spec
    }
    return [
        (model, method, class_set)
        for model in section["models"]
        for method in section["methods"]
        for class_set in class_sets(config)
        if method in own.get(class_set, section["methods"])
    ]


LOOP_KEYS = ("learning_rate", "batch_size", "max_epochs", "patience")


def training(config: dict, model: str, method: str) -> dict:
    """What one training job reads: the model, where its code lives and its
    hyper-parameters (``models.<model>``), the loop's settings, and the method, where its
    code lives and its own settings (``training.<method>``; none for a method without a
    section). The loop's settings hold the learning-rate schedule instead of the constant
    rate where one is set. Jobs need no registry: extensions are imported where the DAG is
    built."""
    section = config["training"]
    loop = {key: section[key] for key in LOOP_KEYS}
    if section["learning_rate_schedule"]:  # it replaces the constant rate
        loop["learning_rate"] = None
        loop["learning_rate_schedule"] = [
            list(point) for point in section["learning_rate_schedule"]
        ]
    return {
        "model": {
            "name": model,
            "target": MODELS[model].target,
            "hparams": dict(config["models"].get(MODELS[model].hparams or model, {})),
        },
        "loop": loop,
        "method": {
            "name": method,
            "target": METHODS[method],
            "settings": dict(section.get(method, {})),
        },
    }


def model_grid(config: dict) -> list[tuple[str, str, str]]:
    """(model, method, sources label) of every training: for each model, the baseline on
    each single mass (the domain-score denominators) and every configured method on each
    multi-mass split."""
    singles = [("baseline", sources_label([m])) for m in config["masses"]]
    splits = [sources_label(s) for s in config["training"]["source_splits"]]
    per_model = singles + [(m, s) for s in splits for m in config["training"]["methods"]]
    return [(model, *job) for model in config["training"]["models"] for job in per_model]


def curve_grid(config: dict) -> list[tuple[str, str, int]]:
    """(model, sources label, jets per class) of every learning-curve training: each model's
    baseline at each ``learning_curve.masses`` entry (a mass or a source split) on each
    ``learning_curve.jets``."""
    curve = config["learning_curve"]
    return [
        (model, sources_label(curve_sources(entry)), jets)
        for model in config["training"]["models"]
        for entry in curve["masses"]
        for jets in curve["jets"]
    ]


def search_grid(config: dict) -> list[tuple[str, int, str, int, int]]:
    """(signal, pixels, scheme, injected, experiment) of every pseudo-experiment of seed
    001's search (``dark_showers.search``); none for another kind of study."""
    if config["kind"] != "weak_supervision":
        return []
    signals, search = config["dark_showers"]["signals"], config["dark_showers"]["search"]
    return [
        (signal, pixels, scheme, injected, experiment)
        for signal in signals
        for pixels in search["pixels"]
        for scheme in search["schemes"]
        for injected in search["injected"]
        for experiment in range(search["experiments"])
    ]


def search_job(
    config: dict, signal: str, pixels: int, scheme: str, injected: int, experiment: int
) -> dict:
    """What one pseudo-experiment reads besides its model and loop
    (:func:`massgen.search.run_experiment`)."""
    search = config["dark_showers"]["search"]
    return {
        "signal": signal,
        "pixels": pixels,
        "scheme": scheme,
        "injected": injected,
        "experiment": experiment,
        **{key: search[key] for key in ("background", "test_events", "relative_systematic")},
        "background_efficiencies": list(search["background_efficiencies"]),
    }


def source_samples(config: dict, signal: str) -> list[str]:
    """The samples the source trainings of a search for ``signal`` read: every source
    benchmark but ``signal`` (seed 001: "all the models ... except the benchmark on which
    the model will be tested"), then the simulated background."""
    sources = config["dark_showers"]["sources"]
    others = [name for name in sources["signals"] if name != signal]
    return [*others, sources["background"]]


def source_training(config: dict, stage: str) -> dict:
    """The settings of one of seed 001's source trainings (``stage``: ``pretraining`` or
    ``meta_training``, config ``dark_showers.<stage>``), in a fixed key order: a job's
    parameters must not change with the order a config file lists them in."""
    return dict(sorted(config["dark_showers"][stage].items()))


def dijet_representation(config: dict, pixels: int) -> dict:
    """What a build_dijet_datasets job reads: the two-jet images at ``pixels`` per side
    (one of ``dark_showers.search.pixels``)."""
    job = representation(config, "dijet_image")
    return {**job, "settings": {**job["settings"], "image_pixels": pixels}}


class GridCheck:
    """Refuses a job outside the study's grid, as a config with that value is refused.

    A target asked for by path (``.../events/zp175/chunk0.parquet``) must name a sample,
    chunk, mass window, representation, (model, method, sources) training and (model,
    sources, jets) learning-curve training of the configured study. The grid is computed
    once: Snakemake calls the check for every job of the rules where a wildcard first
    enters, thousands of times at paper scale.
    """

    def __init__(self, config: dict) -> None:
        self.where = f"study {config['study']!r}"
        self.samples_key = (
            "anti_qcd.classes, anti_qcd.unseen" if config["kind"] in CLASSIFIER_KINDS else "masses"
        )
        self.classifiers = frozenset(classifier_grid(config))
        self.class_sets = list(class_sets(config))
        self.last_chunk = {s.name: n_chunks(config, s.name) - 1 for s in of_study(config)}
        self.masses = list(config["masses"])
        self.trainings = frozenset(model_grid(config))
        self.curve_points = frozenset(curve_grid(config))
        self.representations = representations(config)
        self.scenarios = config["robustness"]["scenarios"]
        self.searches = frozenset(search_grid(config))
        self.pixels = {point[1] for point in self.searches}
        self.pretrainings = {
            (point[0], point[1]) for point in self.searches if point[2] in SOURCE_SCHEMES
        }

    def __call__(self, wildcards: dict) -> None:
        """Raise :class:`ConfigError` naming the first wildcard value outside the grid."""
        where = self.where
        sample = wildcards.get("sample")
        if sample is not None and sample not in self.last_chunk:
            raise ConfigError(
                f"{sample}: not a sample of {where} (config key {self.samples_key} gives "
                f"{', '.join(self.last_chunk)})"
            )
        if sample is not None and "chunk" in wildcards:
            last = self.last_chunk[sample]
            if int(wildcards["chunk"]) > last:
                raise ConfigError(
                    f"{sample} chunk {wildcards['chunk']}: {where} has chunks 0-{last} "
                    "(config keys events, events.chunk_size)"
                )
        mass = wildcards.get("mass")
        if mass is not None and int(mass) not in self.masses:
            raise ConfigError(f"mass {mass}: not in the masses {self.masses} of {where}")
        if "jets" in wildcards:
            point = (wildcards["model"], wildcards["sources"], int(wildcards["jets"]))
            if point not in self.curve_points:
                raise ConfigError(
                    f"{point[0]}/{point[1]}/n{point[2]}: no such learning-curve training in "
                    f"{where} (config keys training.models, learning_curve.masses, "
                    "learning_curve.jets)"
                )
        elif "sources" in wildcards:
            training = (wildcards["model"], wildcards["method"], wildcards["sources"])
            if training not in self.trainings:
                raise ConfigError(
                    f"{'/'.join(training)}: no such training in {where} (config keys masses, "
                    "training.models, training.methods, training.source_splits)"
                )
        elif "method" in wildcards:
            # A robustness score belongs to the classifier of every class ("all").
            class_set = wildcards.get("class_set", ALL_CLASSES)
            classifier = (wildcards["model"], wildcards["method"], class_set)
            if classifier not in self.classifiers:
                raise ConfigError(
                    f"{'/'.join(classifier)}: no such classifier in {where} (config keys "
                    "training.models, training.methods, anti_qcd.class_sets)"
                )
        class_set = wildcards.get("class_set")
        if class_set is not None and class_set not in self.class_sets:
            raise ConfigError(
                f"class set {class_set}: not in {where} (config key anti_qcd.class_sets gives "
                f"{', '.join(self.class_sets)})"
            )
        scenario = wildcards.get("scenario")
        if scenario is not None and scenario not in self.scenarios:
            raise ConfigError(
                f"perturbation {scenario}: not in {where} (config key robustness.scenarios "
                f"gives {', '.join(self.scenarios)})"
            )
        if "scheme" in wildcards:
            point = (
                wildcards["signal"],
                int(wildcards["pixels"]),
                wildcards["scheme"],
                int(wildcards["injected"]),
                int(wildcards["experiment"]),
            )
            if point not in self.searches:
                raise ConfigError(
                    f"{point[0]}/px{point[1]}/{point[2]}/s{point[3]}/exp{point[4]}: no such "
                    f"pseudo-experiment in {where} (config keys dark_showers.signals, "
                    "dark_showers.search)"
                )
        elif "signal" in wildcards:
            point = (wildcards["signal"], int(wildcards["pixels"]))
            if point not in self.pretrainings:
                raise ConfigError(
                    f"{point[0]}/px{point[1]}: no transfer or meta-transfer search in "
                    f"{where} (config keys dark_showers.signals, dark_showers.search)"
                )
        elif "pixels" in wildcards and int(wildcards["pixels"]) not in self.pixels:
            raise ConfigError(
                f"{wildcards['pixels']} pixels: not a resolution of {where} (config key "
                f"dark_showers.search.pixels gives {sorted(self.pixels)})"
            )
        representation = wildcards.get("representation")
        if representation is not None and representation not in self.representations:
            raise ConfigError(
                f"representation {representation}: not built in {where} (its models need "
                f"{', '.join(self.representations)}; config key training.models)"
            )
