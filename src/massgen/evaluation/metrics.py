"""Scores of a trained tagger on every target mass; AUC, domain score and sculpting.

AUC and background rejection at fixed signal efficiency (massgen.evaluation.roc) per
target mass on its test split; the domain score (paper Sec. IV) is the AUC
divided by the AUC of the same tagger's single-domain baseline trained at that mass (mean over
seeds, same zoom); sculpting is the mean tagger output on QCD test jets in jet-mass
bins, pooled over all targets (paper Fig. 5).
"""

from __future__ import annotations

import awkward as ak
import numpy as np
import torch

from massgen.datasets import load_dataset
from massgen.evaluation.roc import roc_auc, working_points
from massgen.files import write_json, write_parquet
from massgen.models import Tagger, load_model
from massgen.training.loop import choose_device

MASS_BINS = np.arange(100.0, 775.0, 25.0)  # GeV, spanning all windows (112.5 - 750)


@torch.no_grad()
def class_probabilities(
    model: Tagger,
    features: np.ndarray,
    mask: np.ndarray | None = None,
    batch_size: int = 4000,
) -> np.ndarray:
    """Softmax output (n_jets, n_classes) of each jet; ``mask`` marks the real entries of
    padded inputs (point clouds), None for inputs without padding (images)."""
    device = next(model.parameters()).device
    out = [np.zeros((0, model.n_classes), np.float32)]
    for start in range(0, len(features), batch_size):
        x = torch.as_tensor(np.array(features[start : start + batch_size]), device=device)
        m = (
            torch.ones(len(x), dtype=torch.bool, device=device)
            if mask is None
            else torch.as_tensor(np.array(mask[start : start + batch_size]), device=device)
        )
        out.append(torch.softmax(model(x, m), dim=1).cpu().numpy())
    return np.concatenate(out)


def predict(
    model: Tagger,
    features: np.ndarray,
    mask: np.ndarray | None = None,
    batch_size: int = 4000,
) -> np.ndarray:
    """Signal probability (softmax output 1) of each jet (see :func:`class_probabilities`)."""
    return class_probabilities(model, features, mask, batch_size)[:, 1]


def sculpting(jet_mass: np.ndarray, score: np.ndarray, bins: np.ndarray = MASS_BINS) -> dict:
    """Mean score of jets in jet-mass bins (GeV); empty bins give None."""
    # Not hist's Mean storage: same bins and counts, but means that differ by up to 1e-7.
    idx = np.digitize(jet_mass, bins) - 1
    means = []
    for i in range(len(bins) - 1):
        sel = idx == i
        means.append(float(score[sel].mean()) if sel.any() else None)
    return {
        "bin_edges": bins.tolist(),
        "mean_score": means,
        "counts": np.bincount(
            idx[(idx >= 0) & (idx < len(bins) - 1)], minlength=len(bins) - 1
        ).tolist(),
    }


def evaluate_job(
    model_dir: str,
    test_dirs: dict[int, str],
    metrics_path: str,
    scores_path: str,
    labels: dict[str, str],
) -> dict:
    """AUC and background rejection at fixed signal efficiency on the test split of every
    target mass, and QCD sculpting; writes metrics.json and the per-jet scores.

    ``labels`` (model, method, sources, zoom, seed) are stored with the numbers. The scores
    (parquet) hold one row per test jet and target: target_mass, label (1 = Z'), score
    (signal probability), jet_mass and jet_pt (GeV), weight (the event weight over its
    sample's mean).
    """
    model = load_model(model_dir, choose_device())
    aucs, rejections, rows = {}, {}, []
    for mass, directory in sorted(test_dirs.items()):
        data = load_dataset(directory)
        score = predict(model, data["features"], data.get("mask"))
        label = np.asarray(data["label"])
        aucs[str(mass)] = roc_auc(label, score)
        rejections[str(mass)] = working_points(label, score)
        rows.append(
            {
                "target_mass": np.full(len(label), mass, np.int16),
                "label": label.astype(np.int8),
                "score": score.astype(np.float32),
                "jet_mass": np.asarray(data["jet_mass"], np.float32),
                "jet_pt": np.asarray(data["jet_pt"], np.float32),
                "weight": np.asarray(data["weight"], np.float32),
            }
        )
    jets = {key: np.concatenate([r[key] for r in rows]) for key in rows[0]}
    qcd = jets["label"] == 0  # sculpting pools the QCD jets of every target
    metrics = {
        **labels,
        "auc": aucs,
        "rejection": rejections,
        "sculpting": sculpting(jets["jet_mass"][qcd], jets["score"][qcd]),
    }
    write_parquet(ak.Array(jets), scores_path)
    write_json(metrics, metrics_path)
    return metrics
