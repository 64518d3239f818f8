"""AUC, sculpting and the domain-score table."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import rankdata
from sklearn.metrics import roc_auc_score

from massgen.evaluation.metrics import average_ranks, roc_auc, sculpting
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


def test_domain_score_uses_single_mass_baseline(tmp_path):
    def metrics(sources, seed, aucs):
        path = tmp_path / f"{sources}-{seed}.json"
        write_json(
            {
                "method": "baseline",
                "sources": sources,
                "zoom": "zoom",
                "seed": seed,
                "auc": {str(k): v for k, v in aucs.items()},
            },
            path,
        )
        return str(path)

    paths = [
        metrics("150", 0, {150: 0.90, 600: 0.60}),
        metrics("150", 1, {150: 0.80, 600: 0.62}),
        metrics("600", 0, {150: 0.70, 600: 0.80}),
        metrics("150-600", 0, {150: 0.85, 600: 0.72}),
    ]
    summarise(paths, tmp_path / "summary.csv")
    rows = {
        (r["sources"], r["seed"], r["target"]): r for r in read_summary(tmp_path / "summary.csv")
    }
    assert rows[("150-600", 0, 150)]["domain_score"] == pytest.approx(0.85 / 0.85)
    assert rows[("150-600", 0, 600)]["domain_score"] == pytest.approx(0.72 / 0.80)
    assert rows[("150", 0, 600)]["domain_score"] == pytest.approx(0.60 / 0.80)


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
