"""AUC, sculpting and the domain-score table."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import rankdata
from sklearn.metrics import roc_auc_score

from massgen.evaluation.metrics import sculpting
from massgen.evaluation.roc import (
    average_ranks,
    rejection_at,
    roc_auc,
    roc_curve,
    working_points,
)
from massgen.evaluation.summary import read_summary, summarise
from massgen.files import write_json

from .conftest import default_pfn


def test_auc_equals_sklearn_with_ties():
    rng = np.random.default_rng(0)
    label = rng.integers(0, 2, 5000)
    score = np.round(rng.normal(label * 0.7, 1.0), 1)  # rounding makes many ties
    assert roc_auc(label, score) == pytest.approx(roc_auc_score(label, score), abs=1e-12)


@pytest.mark.parametrize("decimals", [0, 1, 3, 8])
def test_average_ranks_are_scipys_to_the_bit(decimals):
    """The ranks behind the AUC equal scipy's exactly (half-integers), ties or none, so
    that the AUC's bytes do not depend on which computes them."""
    values = np.round(np.random.default_rng(decimals).normal(0, 1, 3001), decimals)
    assert np.array_equal(average_ranks(values), rankdata(values))
    assert np.isnan(average_ranks(np.array([0.2, np.nan, 0.1]))).all()


def test_auc_needs_both_classes():
    with pytest.raises(ValueError, match="both classes"):
        roc_auc(np.ones(5), np.arange(5))


def test_sculpting_bins():
    out = sculpting(
        np.array([110.0, 130.0, 140.0, 900.0]),
        np.array([0.1, 0.2, 0.4, 1.0]),
        np.array([100.0, 125.0, 150.0]),
    )
    assert out["mean_score"] == [pytest.approx(0.1), pytest.approx(0.3)]
    assert out["counts"] == [1, 2]


def test_sculpting_bin_edges():
    """Bins [lo, hi) (np.digitize's, which a port to hist must keep): a mass on an edge
    counts in the bin above; the top edge, masses outside and NaN count nowhere; an empty
    bin's mean is None."""
    mass = np.array([100.0, 125.0, 149.999, 175.0, 200.0, 99.9, 250.0, np.nan])
    score = np.array([0.1, 0.2, 0.4, 0.8, 0.9, 0.5, 0.5, 0.5], np.float32)
    out = sculpting(mass, score, np.array([100.0, 125.0, 150.0, 175.0, 200.0]))
    assert out["counts"] == [1, 2, 0, 1]
    assert out["mean_score"] == [
        pytest.approx(0.1),
        pytest.approx(0.3),
        None,
        pytest.approx(0.8),
    ]


def test_domain_score_uses_single_mass_baseline(tmp_path):
    """Each tagger's domain score divides by its own single-mass baselines."""

    def metrics(sources, seed, aucs, model="pfn"):
        path = tmp_path / f"{model}-{sources}-{seed}.json"
        write_json(
            {
                "model": model,
                "method": "baseline",
                "sources": sources,
                "zoom": "zoom",
                "seed": seed,
                "auc": {str(k): v for k, v in aucs.items()},
                "rejection": {str(k): {"0.3": 1 / (1 - v), "0.5": None} for k, v in aucs.items()},
            },
            path,
        )
        return str(path)

    paths = [
        metrics("150", 0, {150: 0.90, 600: 0.60}),
        metrics("150", 1, {150: 0.80, 600: 0.62}),
        metrics("600", 0, {150: 0.70, 600: 0.80}),
        metrics("150-600", 0, {150: 0.85, 600: 0.72}),
        metrics("150", 0, {150: 0.5, 600: 0.5}, "efn"),
        metrics("600", 0, {150: 0.5, 600: 0.5}, "efn"),
        metrics("150-600", 0, {150: 0.5, 600: 0.6}, "efn"),
    ]
    summarise(paths, tmp_path / "summary.csv")
    table = read_summary(tmp_path / "summary.csv")
    rows = {(r["sources"], r["seed"], r["target"]): r for r in table if r["model"] == "pfn"}
    efn = {(r["sources"], r["target"]): r for r in table if r["model"] == "efn"}
    assert efn[("150-600", 600)]["domain_score"] == pytest.approx(0.6 / 0.5)
    assert rows[("150-600", 0, 150)]["domain_score"] == pytest.approx(0.85 / 0.85)
    assert rows[("150-600", 0, 600)]["domain_score"] == pytest.approx(0.72 / 0.80)
    assert rows[("150", 0, 600)]["domain_score"] == pytest.approx(0.60 / 0.80)
    assert rows[("150", 0, 600)]["rejection_30"] == pytest.approx(1 / 0.4)
    assert rows[("150", 0, 600)]["rejection_50"] == float("inf")  # no background passed


def test_roc_curve_agrees_with_scikit_learn():
    """Every distinct threshold, ties included, as sklearn.metrics.roc_curve keeps them."""
    from sklearn.metrics import roc_curve as sklearn_roc

    rng = np.random.default_rng(3)
    label = rng.integers(0, 2, 2000)
    score = np.round(rng.random(2000) + 0.6 * label, 2)  # rounded: many ties
    signal_eff, background_eff = roc_curve(label, score)
    fpr, tpr, _ = sklearn_roc(label, score, drop_intermediate=False)
    np.testing.assert_allclose(signal_eff, tpr, rtol=0, atol=1e-12)
    np.testing.assert_allclose(background_eff, fpr, rtol=0, atol=1e-12)


def test_rejection_at_working_points():
    """A constructed curve: 10 signal jets scored 10 ... 19, 10 background jets of which
    two score 15.5 and 16.5 and the rest below 10."""
    label = np.r_[np.ones(10), np.zeros(10)]
    score = np.r_[np.arange(10, 20), 15.5, 16.5, np.arange(8.0)]
    points = working_points(label, score)
    # 30 % of the signal passes from 17 up: no background; 50 % from 15: two of ten.
    assert points["0.3"] is None
    assert points["0.5"] == pytest.approx(5.0)
    signal_eff, background_eff = roc_curve(label, score)
    # All the signal passes from 10 up, with the same two background jets; between the
    # curve's points at 30 % (no background) and 40 % (one jet), half way: 0.05.
    assert rejection_at(signal_eff, background_eff, 1.0) == pytest.approx(5.0)
    assert rejection_at(signal_eff, background_eff, 0.35) == pytest.approx(20.0)
    with pytest.raises(ValueError, match="both classes"):
        roc_curve(np.ones(3), np.arange(3.0))


def test_predict_on_memory_mapped_dataset(tmp_path):
    """Scores from read-only memory-mapped arrays (warnings are errors in this suite)."""
    import torch

    from massgen.datasets import load_dataset
    from massgen.evaluation.metrics import predict

    rng = np.random.default_rng(0)
    arrays = {
        "features": rng.normal(size=(30, 8, 4)).astype(np.float32),
        "mask": np.ones((30, 8), bool),
        "label": rng.integers(0, 2, 30).astype(np.int8),
        "jet_mass": np.zeros(30, np.float32),
        "jet_pt": np.zeros(30, np.float32),
    }
    for name, array in arrays.items():
        np.save(tmp_path / f"{name}.npy", array)
    write_json({"arrays": list(arrays)}, tmp_path / "meta.json")
    data = load_dataset(tmp_path)
    torch.manual_seed(0)
    scores = predict(default_pfn(), data["features"], data["mask"], batch_size=7)
    assert scores.shape == (30,)
    assert np.all((scores >= 0) & (scores <= 1))
