"""Exact reruns on a finished smoke study, with Snakemake's default rerun triggers.

For every leaf key of the config schema, a change in a copy of tests/smoke.yaml must
schedule exactly the jobs whose outputs depend on it (the table below, rule -> jobs);
adding a seed or a method schedules only the new jobs; the unchanged config, and moving
the checkout and the study to other folders, schedule nothing. Each case is a dry run
(``-n``) of the real workflow on the finished study of the ``smoke_run`` fixture.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from massgen.config import load_schema

from .conftest import REPO, SMOKE, SNAKEMAKE, TESTDATA, snakemake

SMOKE_CONFIG = yaml.safe_load(SMOKE.read_text())
SMOKE_CONFIG_METHODS = ["baseline", "planing", "l1", "l2", "mldg", "metareg", "feature_critic"]

# The smoke study: Z' 150 and 600 (one chunk each), QCD in two chunks, every method on
# the split 150-600, baselines on 150 and 600, 2 zooms x 2 seeds.
CHUNK_RULES = ("generate_events", "simulate_detector", "cluster_jets", "select_jets")
PER_METHOD = 4  # trainings of one method on the split: 2 zooms x 2 seeds
TRAININGS = 2 * 4 + 7 * PER_METHOD


def scores(trainings: int) -> dict[str, int]:
    """Trainings, their evaluations, the score table and its figures, the models' figures."""
    out = {"summarise_scores": 1, "tabulate_claims": 1, "plot_scores": 1, "plot_models": 1}
    if trainings:
        out |= {"train_tagger": trainings, "evaluate_tagger": trainings}
    return out


def from_datasets(windows: int = 2, trainings: int = TRAININGS) -> dict[str, int]:
    """build_datasets of ``windows`` masses and everything after it."""
    return {"build_datasets": windows, "plot_jet_images": 1, **scores(trainings)}


def from_chunks(first: str, chunks: int, cutflows: int) -> dict[str, int]:
    """The chunk rules from ``first`` on, for ``chunks`` chunks, and everything after;
    before the selection, the detector response too (it reads first chunks' jets)."""
    start = CHUNK_RULES.index(first)
    response = {"detector_response": 1} if first != "select_jets" else {}
    return {
        **dict.fromkeys(CHUNK_RULES[start:], chunks),
        **response,
        "merge_cutflow": cutflows,
        "tabulate_cutflow": 1,
        "index_window": 2,
        **from_datasets(),
    }


EVERYTHING = from_chunks("generate_events", 4, 3)
SIGNAL = from_chunks("generate_events", 2, 2)  # the two Z' chunks
SELECTION = from_chunks("select_jets", 4, 3)
TRAINING = scores(TRAININGS)
CURVES = {"train_curve": 12, "evaluate_curve": 12, "tabulate_curves": 1, "plot_learning_curves": 1}
ONE_METHOD = scores(PER_METHOD)

PARTICLENET_CHANGES = [
    (model, key, value)
    for model in ("particlenet", "particlenet_lite")
    for key, value in (
        ("k", 4),
        ("channels", [[16, 16]]),
        ("dense_sizes", [32]),
        ("dropout", 0.2),
        ("fusion", True),
        ("coordinates", ["eta_rot"]),
        ("input_batchnorm", False),
    )
]

# key -> (new value, rule -> jobs scheduled). Keys whose value cannot change alone
# (split fractions must sum to 1) are changed in pairs in PAIRED below.
RERUNS: dict[str, tuple[object, dict[str, int]]] = {
    "study": ("smoke2", EVERYTHING),
    "sqrt_s": (13600.0, EVERYTHING),
    "seed": (7, EVERYTHING),
    # zp300 is new; every chunk's selection gains a window column; a third window.
    "masses": (
        [150, 300, 600],
        {
            "generate_events": 1,
            "simulate_detector": 1,
            "cluster_jets": 1,
            "select_jets": 5,
            "merge_cutflow": 4,
            "tabulate_cutflow": 1,
            "index_window": 3,
            "detector_response": 1,
            **from_datasets(3, TRAININGS + 4),
        },
    ),
    "events.signal": (100, SIGNAL),
    # QCD chunk 0 is unchanged (same events, same ids); chunk 1 drops out.
    "events.qcd": (
        300,
        {"merge_cutflow": 1, "tabulate_cutflow": 1, "index_window": 2, **from_datasets()},
    ),
    # The Z' samples (200 events) stay one chunk of 200; QCD becomes 3 chunks of 200.
    "events.chunk_size": (200, from_chunks("generate_events", 3, 1)),
    # Events of a study not yet run: all four chunks made there, everything after anew.
    "events.study": ("other", EVERYTHING),
    "generation.generator": (
        "madgraph",
        {"madgraph_card": 3, "madgraph_gridpack": 3, "madgraph_events": 4, **EVERYTHING},
    ),
    "generation.zprime_coupling": (0.25, SIGNAL),
    "generation.zprime_decay_quarks": ([1, 2, 3], SIGNAL),
    "generation.hepmc": (True, {"export_hepmc": 4}),
    "generation.pythia_settings": (["PartonLevel:MPI = off"], EVERYTHING),
    # The QCD pool from a user's LHE file: checked once, split, showered; Z' unchanged.
    "generation.lhe": (
        {"qcd": str(TESTDATA / "madgraph5-3.5.8-pp_to_jj.lhe.gz")},
        {"import_lhe": 1, **from_chunks("generate_events", 2, 1)},
    ),
    # Only files made with MLM matching read it: nothing here.
    "generation.jet_matching": (["JetMatching:qCut = 60"], {}),
    "cuts.met_min": (1100.0, EVERYTHING),
    "cuts.parton_eta_max": (2.5, EVERYTHING),
    "cuts.jet_pt_min": (1100.0, SELECTION),
    "cuts.window_fraction": (0.3, SELECTION),
    "detector.kind": (
        "delphes",
        {
            "export_hepmc": 4,
            "run_delphes": 4,
            "read_delphes": 4,
            **from_chunks("cluster_jets", 4, 3),
        },
    ),
    "detector.delphes_card": ("other_card.tcl", {}),
    "tools.madgraph": ("/opt/madgraph", {}),
    "tools.delphes": ("/opt/delphes", {}),
    "images.python": ("docker://example.org/massgen:9", {}),
    "images.madgraph": ("docker://example.org/madgraph:9", {}),
    "images.delphes": ("docker://example.org/delphes:9", {}),
    "jets.radius": (0.8, from_chunks("cluster_jets", 4, 3)),
    "jets.n_leading": (None, {}),  # the study's selection takes one jet: test_config.py
    "jets.inputs": ("towers", from_chunks("cluster_jets", 4, 3)),
    "datasets.max_constituents": (50, from_datasets()),
    "datasets.image_pixels": (25, {}),  # no model of the smoke study reads images
    "extensions": (["tests.toy_extension"], {}),
    "models.pfn.phi_sizes": ([50, 50, 128], TRAINING),
    "models.pfn.f_sizes": ([50, 50], TRAINING),
    # Settings of models the smoke study does not train change nothing.
    **{
        f"models.{model}.{key}": (value, {})
        for model, key, value in (
            ("efn", "phi_sizes", [50, 50, 128]),
            ("efn", "f_sizes", [50, 50]),
            ("efn", "weight", "g_pid"),
            ("efn", "coordinates", ["eta_rot"]),
            ("cnn", "conv_channels", [32, 32, 64, 64]),
            ("cnn", "kernel_sizes", [3, 3, 3, 3]),
            ("cnn", "pool_after", [True, True, False, False]),
            ("cnn", "dense_sizes", [64]),
            ("recnn", "hidden", 20),
            ("fcn", "constituents", 10),
            ("fcn", "sizes", [64, 8]),
            ("fcn", "dropout", 0.1),
            *PARTICLENET_CHANGES,
        )
    },
    "training.models": (None, {}),  # other models: cases of their own
    "plots.comparison_split": ([150, 600], {}),  # one model: no comparison figure
    "training.source_splits": ([], scores(0)),
    "training.seeds": (3, scores(9 * 2)),  # 9 models x 2 zooms, seed 2 only
    "training.learning_rate": (0.002, TRAINING),
    "training.learning_rate_schedule": ([[0, 1.0e-3], [2, 1.0e-4]], TRAINING),
    "training.batch_size": (60, TRAINING),
    "training.max_epochs": (4, TRAINING),
    "training.patience": (2, TRAINING),
    "training.threads": (2, {}),
    "training.methods": (
        ["baseline", "planing", "l1", "mldg", "metareg", "feature_critic"],
        scores(0),
    ),
    "training.planing.bins": (32, ONE_METHOD),
    "training.l1.strength": (0.01, ONE_METHOD),
    "training.l2.strength": (0.01, ONE_METHOD),
    "training.mldg.alpha": (0.01, ONE_METHOD),
    "training.mldg.beta": (0.5, ONE_METHOD),
    "training.metareg.iterations": (4, ONE_METHOD),
    "training.metareg.beta": (0.001, ONE_METHOD),
    "training.metareg.regulariser": ("weighted_l2", ONE_METHOD),
    "training.metareg.k": (2, ONE_METHOD),
    "training.metareg.l": (2, ONE_METHOD),
    "training.metareg.alpha": (0.01, ONE_METHOD),
    "training.feature_critic.iterations": (4, ONE_METHOD),
    "training.feature_critic.beta": (0.001, ONE_METHOD),
    "training.feature_critic.gamma": (0.01, ONE_METHOD),
    "training.feature_critic.alpha": (0.01, ONE_METHOD),
    "training.feature_critic.held_out": (2, ONE_METHOD),
    # Settings of methods the smoke study does not train change nothing.
    "training.disco.strength": (10.0, {}),
    "training.adversary.strength": (5.0, {}),
    "training.adversary.components": (3, {}),
    "training.adversary.hidden": ([8], {}),
    "training.adversary.steps": (2, {}),
    "training.adversary.learning_rate": (0.01, {}),
    "training.adversary.classes": ([0, 1], {}),
    # The smoke study draws no learning curves: a mass adds them all (3 N x 2 zooms x 2
    # seeds), the ladder alone changes nothing.
    "learning_curve.masses": ([150], CURVES),
    "learning_curve.jets": ([100], {}),
    # Seed 004's samples and cuts are not the mass-generalisation study's.
    "anti_qcd.classes": (["qcd_dijet", "ttbar_zprime_m1500"], {}),
    "anti_qcd.unseen": (["hh4b_m174_mh80"], {}),
    "anti_qcd.events.classes": (100, {}),
    "anti_qcd.events.unseen": (100, {}),
    "anti_qcd.events.augmented": (100, {}),
    "anti_qcd.parton_pt_min": (400.0, {}),
    "anti_qcd.pt_window": ([500.0, 700.0], {}),
    "anti_qcd.representation": ("point_cloud", {}),
    "anti_qcd.fit_jets": (10, {}),
    "anti_qcd.class_sets": ({"qcd_top": [["qcd_dijet"], ["ttbar_zprime_m1500"]]}, {}),
    # Seed 003's perturbations score the recursive study only (test_recursive.py).
    "robustness.scenarios": (["nominal", "soft"], {}),
    # Seed 001's search is another study (its reruns: test_dark_showers.py).
    "dark_showers.signals": (["hv_direct_lambda10"], {}),
    "dark_showers.background": ("qcd_dijet", {}),
    "dark_showers.events.signal": (100, {}),
    "dark_showers.events.background": (100, {}),
    "dark_showers.parton_cuts.pt_min": (600.0, {}),
    "dark_showers.parton_cuts.mjj_min": (2500.0, {}),
    "dark_showers.jet_pt_min": (800.0, {}),
    "dark_showers.jet_eta_max": (1.5, {}),
    "dark_showers.signal_region": ([4800.0, 5500.0], {}),
    "dark_showers.sidebands": ([[4300.0, 4700.0]], {}),
    "dark_showers.search.model": ("cnn_dijet", {}),
    "dark_showers.search.schemes": (["cwola"], {}),
    "dark_showers.search.pixels": ([50], {}),
    "dark_showers.search.background": (10, {}),
    "dark_showers.search.injected": ([5], {}),
    "dark_showers.search.experiments": (2, {}),
    "dark_showers.search.test_events": (10, {}),
    "dark_showers.search.background_efficiencies": ([0.2], {}),
    "dark_showers.search.relative_systematic": (0.01, {}),
    "dark_showers.sources.signals": (["hv_direct_lambda1", "hv_direct_lambda5"], {}),
    "dark_showers.sources.background": ("qcd_dijet_sim", {}),
    "dark_showers.sources.events.signal": (100, {}),
    "dark_showers.sources.events.background": (100, {}),
    "dark_showers.pretraining.signal": (10, {}),
    "dark_showers.pretraining.background": (10, {}),
    "dark_showers.pretraining.learning_rate": (0.01, {}),
    "dark_showers.pretraining.patience": (2, {}),
    "dark_showers.pretraining.max_epochs": (2, {}),
    "dark_showers.pretraining.seed": (1, {}),
    "dark_showers.meta_training.events": (10, {}),
    "dark_showers.meta_training.base_epochs": (1, {}),
    "dark_showers.meta_training.base_learning_rate": (0.01, {}),
    "dark_showers.meta_training.learning_rate": (0.01, {}),
    "dark_showers.meta_training.patience": (2, {}),
    "dark_showers.meta_training.max_episodes": (2, {}),
    "dark_showers.meta_training.seed": (1, {}),
    # Another study altogether: its own rerun table is in test_anti_qcd.py.
    "kind": (None, {}),
}
PAIRED = {
    "split.train": {"train": 0.7, "val": 0.15},
    "split.val": {"val": 0.05, "test": 0.2},
    "split.test": {"test": 0.1, "train": 0.8},
}


def leaf_keys(schema: dict, prefix: str = "") -> list[str]:
    """Dotted paths of the schema's leaf keys (objects with properties are not leaves)."""
    keys = []
    for name, sub in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        if sub.get("type") == "object" and "properties" in sub:
            keys += leaf_keys(sub, path + ".")
        else:
            keys.append(path)
    return keys


def changed(key: str, value: object, config: dict | None = None) -> dict:
    """A copy of the smoke config (or of ``config``) with ``key`` (dotted) set to ``value``."""
    config = copy.deepcopy(SMOKE_CONFIG if config is None else config)
    *parents, leaf = key.split(".")
    node = config
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value
    return config


def dry_run(workdir, config: dict, tmp_path, name: str, *extra: str) -> dict[str, int]:
    """Jobs per rule that a dry run of ``config`` schedules in ``workdir`` ('all' left out)."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(config))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = snakemake(workdir, "--configfile", str(path), "-n", "--quiet", "rules", *extra, env=env)
    assert done.returncode == 0, f"{name}: {done.stdout[-2000:]}{done.stderr[-3000:]}"
    return job_counts(done.stdout)


def job_counts(stdout: str) -> dict[str, int]:
    """The 'Job stats' table of a dry run, without the 'all' and 'total' rows."""
    counts = {}
    for line in stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit() and parts[0] not in ("all", "total"):
            counts[parts[0]] = int(parts[1])
    return counts


def test_every_leaf_key_is_in_the_table():
    leaves = set(leaf_keys(load_schema()))
    assert leaves == set(RERUNS) | set(PAIRED)


@pytest.mark.slow
def test_a_change_reruns_exactly_what_it_touches(smoke_run, tmp_path):
    tested = {key: entry for key, entry in RERUNS.items() if entry[0] is not None}
    cases = {key: changed(key, value) for key, (value, jobs) in tested.items() if jobs}
    expected = {key: RERUNS[key][1] for key in cases}
    # The keys that change nothing (half the table) in one dry run, not one each: a key
    # that reran anything would show in the sum. It holds the unchanged config's case.
    untouched = copy.deepcopy(SMOKE_CONFIG)
    for key, (value, jobs) in tested.items():
        if not jobs:
            untouched = changed(key, value, untouched)
    cases["every key that changes nothing"], expected["every key that changes nothing"] = (
        untouched,
        {},
    )
    for key, fractions in PAIRED.items():
        cases[key] = changed("split", {"train": 0.75, "val": 0.10, "test": 0.15, **fractions})
        expected[key] = SELECTION
    # Adding a method (a study's own, registered by an extension) adds only its jobs.
    added = changed("extensions", ["tests.toy_extension"])
    added["training"]["methods"] = [*SMOKE_CONFIG_METHODS, "head_only"]
    cases["a new method"], expected["a new method"] = added, ONE_METHOD
    # The mass-decorrelating methods train on the split like any other.
    decorrelating = changed("training.methods", [*SMOKE_CONFIG_METHODS, "disco", "adversary"])
    cases["decorrelating methods"] = decorrelating
    expected["decorrelating methods"] = scores(2 * PER_METHOD)
    # Another model (training.models) trains and evaluates the whole grid for it.
    other = changed("extensions", ["tests.toy_extension"])
    other["training"]["models"], other["models"] = ["mean"], {"mean": {"width": 6}}
    cases["another model"], expected["another model"] = other, TRAINING
    # A second model on images adds its datasets, its grid, its figures and the
    # comparison; the PFN's figures are redrawn from the grown score table.
    added_model = changed("training.models", ["pfn", "cnn"])
    added_model["datasets"] = {"image_pixels": 25}
    cases["a new model"] = added_model
    expected["a new model"] = {
        "build_datasets": 2,
        **scores(TRAININGS),
        "plot_scores": 2,
        "plot_comparison": 1,
    }
    # Another study reading these events (events.study) makes none: detector onwards.
    reader = changed("study", "smoke2")
    reader["events"]["study"] = "smoke"
    cases["a study on these events"] = reader
    expected["a study on these events"] = from_chunks("simulate_detector", 4, 3)
    with ThreadPoolExecutor(2) as pool:
        found = dict(
            zip(
                cases,
                pool.map(
                    lambda item: dry_run(smoke_run, item[1], tmp_path, item[0]), cases.items()
                ),
                strict=True,
            )
        )
    wrong = {key: (found[key], expected[key]) for key in cases if found[key] != expected[key]}
    assert not wrong, "\n".join(f"{k}: scheduled {f}, expected {e}" for k, (f, e) in wrong.items())


@pytest.mark.slow
def test_other_events_settings_are_refused_before_anything_runs(smoke_run, tmp_path):
    """A study reading the smoke study's events with another chunk size would remake
    them under the smoke study: the run stops naming the first chunk that differs."""
    reader = changed("study", "smoke2")
    reader["events"] |= {"study": "smoke", "chunk_size": 100}
    path = tmp_path / "reader.yaml"
    path.write_text(yaml.safe_dump(reader))
    done = snakemake(smoke_run, "--configfile", str(path), "-n")
    assert done.returncode != 0
    message = "events.study: results/smoke/events/zp150/chunk0.json has n_generated 200 "
    assert message + "where this study asks 100;" in done.stdout


@pytest.mark.slow
def test_moved_checkout_and_study_schedule_nothing(smoke_run, tmp_path):
    """Both folders copied elsewhere with their times (as `mv` or `cp -a` keep them)."""
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    checkout = tmp_path / "elsewhere" / "massgen"
    for name in files:
        if (REPO / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, checkout / name)
    study = tmp_path / "elsewhere" / "study"
    shutil.copytree(smoke_run / "results", study / "results")
    shutil.copytree(smoke_run / ".snakemake", study / ".snakemake")
    snakefile = SNAKEMAKE.index("--snakefile") + 1
    config = checkout / "tests" / "smoke.yaml"
    command = [
        *SNAKEMAKE[:snakefile],
        str(checkout / "workflow" / "Snakefile"),
        "--directory",
        str(study),
    ]
    done = subprocess.run(
        [*command, "--configfile", str(config), "-n", "--quiet", "rules"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert job_counts(done.stdout) == {}
