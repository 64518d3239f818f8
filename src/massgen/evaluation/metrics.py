"""Scores of a trained tagger on every target mass; AUC, domain score and sculpting.

AUC per target mass on its test split; the domain score (paper Sec. IV) is the AUC
divided by the AUC of the single-domain baseline PFN trained at that mass (mean over
seeds, same zoom); sculpting is the mean tagger output on QCD test jets in jet-mass
bins, pooled over all targets (paper Fig. 5).
"""

from __future__ import annotations

import numpy as np
import torch

from massgen.datasets import load_dataset
from massgen.files import write_json
from massgen.models import load_model
from massgen.training.loop import choose_device

MASS_BINS = np.arange(100.0, 775.0, 25.0)  # GeV, spanning all windows (112.5 - 750)


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n of ``values``, tied values sharing the mean of their ranks (as
    ``scipy.stats.rankdata``, whose import alone costs an evaluation job about 1 s of
    CPU, a quarter of the job; tests/test_metrics.py checks the two agree). Any NaN
    makes every rank NaN, as there."""
    if np.isnan(values).any():
        return np.full(len(values), np.nan)
    order = np.argsort(values, kind="stable")
    ordered = np.asarray(values)[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(ordered)]  # a tie group's ranks are starts+1 .. ends
    ranks = np.empty(len(ordered), np.float64)
    ranks[order] = np.repeat(0.5 * (starts + 1 + ends), ends - starts)
    return ranks


def roc_auc(label: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney U with tied ranks averaged)."""
    label = np.asarray(label).astype(bool)
    n_pos, n_neg = label.sum(), (~label).sum()
    if n_pos == 0 or n_neg == 0:
        raise ValueError("AUC needs both classes")
    ranks = average_ranks(np.asarray(score))
    return float((ranks[label].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


@torch.no_grad()
def predict(
    model: torch.nn.Module, features: np.ndarray, mask: np.ndarray, batch_size: int = 4000
) -> np.ndarray:
    """Signal probability (softmax output 1) of each jet."""
    device = next(model.parameters()).device
    out = []
    for start in range(0, len(features), batch_size):
        x = torch.as_tensor(np.array(features[start : start + batch_size]), device=device)
        m = torch.as_tensor(np.array(mask[start : start + batch_size]), device=device)
        out.append(torch.softmax(model(x, m), dim=1)[:, 1].cpu().numpy())
    return np.concatenate(out) if out else np.zeros(0, np.float32)


def sculpting(jet_mass: np.ndarray, score: np.ndarray, bins: np.ndarray = MASS_BINS) -> dict:
    """Mean score of jets in jet-mass bins (GeV); empty bins give None."""
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
    model_dir: str, test_dirs: dict[int, str], metrics_path: str, labels: dict[str, str]
) -> dict:
    """AUC on the test split of every target mass and QCD sculpting; writes metrics.json.

    ``labels`` (method, sources, zoom, seed) are stored with the numbers.
    """
    model = load_model(model_dir, choose_device())
    aucs, qcd_mass, qcd_score = {}, [], []
    for mass, directory in sorted(test_dirs.items()):
        data = load_dataset(directory)
        score = predict(model, data["features"], data["mask"])
        label = np.asarray(data["label"])
        aucs[str(mass)] = roc_auc(label, score)
        qcd_mass.append(np.asarray(data["jet_mass"])[label == 0])
        qcd_score.append(score[label == 0])
    metrics = {
        **labels,
        "auc": aucs,
        "sculpting": sculpting(np.concatenate(qcd_mass), np.concatenate(qcd_score)),
    }
    write_json(metrics, metrics_path)
    return metrics
