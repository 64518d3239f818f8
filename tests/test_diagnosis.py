"""Diagnoses of the founding paper's failing claims: separation at fixed jet mass or
multiplicity, planing's effective statistics, mean output per window."""

from __future__ import annotations

import json

import awkward as ak
import numpy as np
import pytest
import torch

from massgen.evaluation.diagnosis import (
    binned_auc,
    effective_count,
    mass_bins,
    report,
    sculpting_by_range,
)
from massgen.evaluation.roc import roc_auc
from massgen.files import write_parquet
from massgen.models import build_model, head_weights
from massgen.training.methods.planing import planing_weights

MASSES = (150, 600)


def test_binned_auc_removes_what_the_bins_hold():
    """A score that is the binned variable itself separates well overall and not at all
    within its bins; a score independent of it keeps its AUC there."""
    rng = np.random.default_rng(1)
    label = np.repeat([0, 1], 2000)
    multiplicity = rng.poisson(40 - 10 * label)  # signal jets carry fewer constituents
    assert roc_auc(label, -multiplicity) > 0.8
    assert binned_auc(label, -multiplicity, multiplicity) == pytest.approx(0.5)
    other = rng.normal(label, 1.0)
    assert binned_auc(label, other, multiplicity // 4) == pytest.approx(
        roc_auc(label, other), abs=0.02
    )


def test_mass_bins_are_quintiles():
    assert np.bincount(mass_bins(np.arange(100.0))).tolist() == [20] * 5


def test_effective_count():
    assert effective_count(np.ones(50)) == pytest.approx(50)
    # One jet weighing as much as 99 others: (199)^2 / (99 + 100^2)
    assert effective_count(np.r_[np.ones(99), 100.0]) == pytest.approx(199**2 / 10099)


def write_dataset(directory, label, jet_mass, multiplicity):
    directory.mkdir(parents=True)
    arrays = {
        "label": label,
        "jet_mass": jet_mass,
        "mask": np.arange(60)[None, :] < multiplicity[:, None],
        "weight": np.ones(len(label), np.float32),
    }
    for name, values in arrays.items():
        np.save(directory / f"{name}.npy", values)
    (directory / "meta.json").write_text(json.dumps({"arrays": list(arrays)}))


def study(tmp_path, rng):
    """Test and train splits at 150 and 600 GeV, and per-jet scores of a baseline that
    is -multiplicity (in bins of 4) and of a planed model that is the label plus noise."""
    tests = {}
    for mass in MASSES:
        for split in ("train", "test"):
            label = np.repeat([0, 1], 300)
            jet_mass = np.where(
                label, rng.normal(mass, 0.05 * mass, 600), rng.uniform(0.75, 1.25, 600) * mass
            )
            multiplicity = rng.poisson(40 - 10 * label)
            for zoom in ("nozoom", "zoom"):
                write_dataset(
                    tmp_path / "datasets/point_cloud" / f"{mass}/{zoom}/{split}",
                    label,
                    jet_mass,
                    multiplicity,
                )
            if split == "test":
                tests[mass] = (label, jet_mass, multiplicity)
    for method, sources in (
        ("baseline", "150"),
        ("baseline", "600"),
        ("baseline", "150-600"),
        ("planing", "150-600"),
        ("l1", "150-600"),
    ):
        for zoom in ("nozoom", "zoom"):
            for seed in range(2):
                columns = {"target_mass": [], "label": [], "score": [], "jet_mass": []}
                for mass, (label, jet_mass, multiplicity) in tests.items():
                    noise = rng.normal(label, 1.0)
                    # The baseline: -multiplicity in the report's bins of 4 constituents.
                    score = -(multiplicity // 4) if method == "baseline" else noise
                    columns["target_mass"].append(np.full(len(label), mass))
                    columns["label"].append(label)
                    columns["score"].append(score.astype(np.float32))
                    columns["jet_mass"].append(jet_mass)
                out = tmp_path / f"scores/pfn/{method}/{sources}/{zoom}/seed{seed}.parquet"
                out.parent.mkdir(parents=True, exist_ok=True)
                write_parquet(ak.Array({k: np.concatenate(v) for k, v in columns.items()}), out)
    write_models(tmp_path)
    return tmp_path


def write_models(root):
    """Small PFNs on {150, 600}: the baseline's and, with its head's weights a hundredth
    of the baseline's, L1's (two seeds each)."""
    record = {
        "target": "massgen.models.pfn:build",
        "dataset": {"features": ["a", "b", "c", "d"], "max_constituents": 60, "n_classes": 2},
        "hparams": {"f_sizes": [8], "phi_sizes": [8, 4]},
    }
    for seed in range(2):
        torch.manual_seed(seed)
        model = build_model(record["target"], record["dataset"], **record["hparams"])
        for method, factor in (("baseline", 1.0), ("l1", 0.01)):
            state = {
                k: v * factor if k in head_weights(model) else v
                for k, v in model.state_dict().items()
            }
            out = root / f"models/pfn/{method}/150-600/nozoom/seed{seed}"
            out.mkdir(parents=True)
            (out / "hparams.json").write_text(json.dumps({"model": record}))
            torch.save(state, out / "model.pt")


def test_report_on_a_constructed_study(tmp_path):
    root = study(tmp_path, np.random.default_rng(2))
    text = report(root)
    rows = [line for line in text.splitlines() if line.startswith("| 600 |")]
    # The baseline trained at 150 is -multiplicity: at fixed multiplicity it is at 0.5.
    baseline_150 = [cell.strip(" |") for cell in rows[0].split(" | ")]
    assert float(baseline_150[2]) > 0.8  # -multiplicity alone
    assert float(baseline_150[3].split(" ")[0]) > 0.8
    assert baseline_150[5] == "0.500 ± 0.000"
    # Planing's effective statistics: the Z' mass peaks at 150 and 600 weigh little.
    planed = text.split("## Planing's effective training jets")[1]
    row = next(line for line in planed.splitlines() if line.startswith("| 150-600 |"))
    train = [
        np.load(root / f"datasets/point_cloud/{m}/nozoom/train/{n}.npy")
        for m in MASSES
        for n in ("label", "jet_mass")
    ]
    label, mass = np.r_[train[0], train[2]], np.r_[train[1], train[3]]
    weights = planing_weights(mass, label, 64)
    expected = [
        600,
        effective_count(weights[label == 1]),
        600,
        effective_count(weights[label == 0]),
    ]
    assert row == "| 150-600 | " + " | ".join(f"{x:.0f}" for x in expected) + " |"
    assert expected[1] < 0.5 * expected[0]
    assert "## Mean output per target window, single-mass baselines, zoom" in text
    # L1's head a hundredth of the baseline's: the sums of |w| say so.
    norms = text.split("## Sum of |w| over the head's weights, nozoom")[1].splitlines()[4]
    baseline, l1 = (float(cell.split(" ± ")[0]) for cell in norms.strip(" |").split(" | ")[1:])
    assert l1 == pytest.approx(baseline / 100, rel=0.02)


def test_sculpting_inside_and_outside_the_sources_span(tmp_path):
    """A model flat on QCD jets within its sources' windows and rising beyond them
    sculpts outside the span only."""
    rng = np.random.default_rng(3)
    jet_mass = np.r_[rng.uniform(112.5, 187.5, 400), rng.uniform(450, 750, 400)]
    score = np.where(jet_mass < 187.5, 0.3, jet_mass / 1000).astype(np.float32)
    out = tmp_path / "scores/pfn/planing/150/nozoom/seed0.parquet"
    out.parent.mkdir(parents=True)
    columns = {"target_mass": np.repeat([150, 600], 400), "label": np.zeros(800, np.int8)}
    write_parquet(ak.Array({**columns, "score": score, "jet_mass": jet_mass}), out)
    table = sculpting_by_range(tmp_path, ["150"], "nozoom", ["planing"], 0.25)
    inside, outside = table.splitlines()[2:4]
    assert inside == "| 150 | inside 112.5–187.5 GeV | 0.000 ± 0.000 |"
    assert float(outside.split(" | ")[2].split(" ± ")[0]) > 0.05
