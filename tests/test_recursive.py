"""Seed 003's study (kind recursive): its figures of merit and tables, its config checks,
and the workflow end to end on tests/recursive_smoke.yaml (real Pythia W' -> W Z and QCD
dijet events, RecNNs on kt trees and on the descending-pT chain, every perturbation),
with an exact rerun."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

from massgen import paths
from massgen.config import validate_config
from massgen.datasets import load_dataset, load_meta
from massgen.errors import ConfigError
from massgen.evaluation.robustness import SEED_TABLE_I, figures_of_merit, recnn_variant, tables
from massgen.files import read_json
from massgen.grid import SCENARIOS

from .conftest import RECURSIVE_SMOKE
from .test_reruns import dry_run

CONFIG = yaml.safe_load(RECURSIVE_SMOKE.read_text())
STUDY = CONFIG["study"]


def test_model_names_give_the_tree_order_and_gating():
    assert recnn_variant("recnn_kt") == ("kt", False)
    assert recnn_variant("recnn_gated_desc_pt") == ("desc_pt", True)
    assert recnn_variant("pfn") is None
    for rows in SEED_TABLE_I.values():
        assert {recnn_variant(f"recnn_{o}") for o in ("kt", "cambridge")} <= set(rows)


def test_figures_of_merit():
    label = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    score = np.array([0.1, 0.2, 0.3, 0.6, 0.4, 0.7, 0.8, 0.9])
    merit = figures_of_merit(label, score)
    assert merit["auc"] == pytest.approx(15 / 16)
    assert merit["r50"] is None  # the two best signal jets pass before any background
    score[3] = 0.85
    assert figures_of_merit(label, score)["r50"] == pytest.approx(4.0)  # 1 of 4 QCD passes


def test_tables_pair_each_seeds_perturbed_auc_with_its_nominal():
    metrics = [
        {
            "model": "recnn_kt",
            "method": "baseline",
            "seed": seed,
            "scenarios": {
                "nominal": {"auc": 0.90 + 0.01 * seed, "r50": 20.0, "jets": 100},
                "soft": {"auc": 0.89 + 0.01 * seed, "r50": 19.0, "jets": 100},
            },
        }
        for seed in range(2)
    ]
    text = tables(metrics, [("recnn_kt", "baseline")], "eflow")
    table_one = next(line for line in text.splitlines() if line.startswith("| recnn_kt"))
    assert "0.9050 ± 0.0050" in table_one
    assert "0.9185 ± 0.0006" in table_one
    assert "68.3 ± 1.8" in table_one
    soft = next(line for line in text.splitlines() if line.startswith("| soft | recnn_kt"))
    assert "-0.0100 ± 0.0000" in soft  # paired: each seed lost exactly 0.01
    assert "-0.0006" in soft  # the seed's soft minus nominal, 0.9179 - 0.9185
    # Jets of towers stand beside the seed's tower rows; its Table II has none.
    towers = tables(metrics, [("recnn_kt", "baseline")], "towers")
    table_one = next(line for line in towers.splitlines() if line.startswith("| recnn_kt"))
    assert "0.8807 ± 0.0010" in table_one
    assert "24.1 ± 0.6" in table_one
    soft = next(line for line in towers.splitlines() if line.startswith("| soft | recnn_kt"))
    assert soft.endswith("|  |  |  |")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"classes": ["qcd_dijet", "wprime_m600", "ttbar_zprime_m1500"]}, "give two classes"),
        ({"unseen": ["hh4b_m174_mh20"]}, "scores no unseen signals"),
        ({"class_sets": {"w": [["qcd_dijet"], ["wprime_m600"]]}}, "both classes only"),
    ],
)
def test_recursive_kind_is_checked(change, message):
    config = copy.deepcopy(CONFIG)
    config["anti_qcd"].update(change)
    with pytest.raises(ConfigError, match=message):
        validate_config(config)


def test_recursive_smoke_config_is_valid():
    config = validate_config(copy.deepcopy(CONFIG))
    assert config["robustness"]["scenarios"] == list(SCENARIOS)


@pytest.mark.slow
def test_recursive_study_end_to_end(recursive_run, tmp_path):
    results = recursive_run / "results" / STUDY
    text = (results / "recursive.md").read_text()
    for model in CONFIG["training"]["models"]:
        assert f"| {model} | baseline |" in text
        for scenario in SCENARIOS[1:]:
            assert f"| {scenario} | {model} | baseline |" in text
        for seed in range(CONFIG["training"]["seeds"]):
            metrics = read_json(
                recursive_run
                / paths.ROBUSTNESS_METRICS.format(
                    study=STUDY, model=model, method="baseline", seed=seed
                )
            )
            assert set(metrics["scenarios"]) == set(SCENARIOS)
            for merit in metrics["scenarios"].values():
                assert 0.0 <= merit["auc"] <= 1.0
            if model == "recnn_kt":  # W jets are told from QCD jets (0.71 on 190 test jets)
                assert metrics["scenarios"]["nominal"]["auc"] > 0.6
    # The perturbed test jets are the nominal ones with more constituents: more nodes.
    nominal = load_dataset(results / "datasets/tree_kt/all/test")
    for scenario in ("collinear10_max", "soft"):
        directory = recursive_run / paths.ROBUSTNESS_DATASET.format(
            study=STUDY, representation="tree_kt", scenario=scenario
        )
        perturbed = load_dataset(directory)
        assert load_meta(directory)["perturbation"]["scenario"] == scenario
        np.testing.assert_array_equal(perturbed["label"], nominal["label"])
        more = perturbed["mask"].sum(axis=1) - nominal["mask"].sum(axis=1)
        assert (more >= 0).all()
        assert more.mean() > (10 if scenario == "collinear10_max" else 2)
    # Nothing left to do: an exact rerun schedules no job; a change reruns what it touches.
    assert dry_run(recursive_run, CONFIG, tmp_path, "again") == {}
    fewer = copy.deepcopy(CONFIG) | {"robustness": {"scenarios": ["nominal", "soft"]}}
    assert dry_run(recursive_run, fewer, tmp_path, "fewer") == {
        "score_robustness": 4,
        "tabulate_robustness": 1,
    }
    wider = copy.deepcopy(CONFIG) | {"models": {"recnn": {"hidden": 20}}}
    assert dry_run(recursive_run, wider, tmp_path, "wider") == {
        "train_classifier": 4,
        "score_robustness": 4,
        "tabulate_robustness": 1,
    }
