"""Training methods as objectives for the one training loop (paper Sec. II and IV).

- ``baseline``: cross-entropy.
- ``planing``: cross-entropy with per-jet weights w = 1 / (dsigma_C/dm_J) from a 64-bin
  jet-mass histogram of the jet's class, normalised to unit mean in every batch.
- ``l1`` / ``l2``: cross-entropy plus lambda * sum |w| (or w^2) over the weights of the
  jet-level network F (the paper's T_theta), lambda = 1e-3 (the paper's L1 strength;
  the paper gives none for L2, we use the same).
- ``mldg``, ``metareg``, ``feature_critic``: meta-learning, in :mod:`massgen.training.meta`.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from massgen.training.loop import Batch, Objective, cross_entropy

PLANING_BINS = 64
PENALTY_STRENGTH = 1e-3


def planing_weights(
    jet_mass: np.ndarray, label: np.ndarray, bins: int = PLANING_BINS
) -> np.ndarray:
    """Per-jet weights flattening each class's jet-mass distribution (GeV).

    w = 1 / (histogram value of the jet's class at its mass bin), with ``bins`` equal bins
    spanning the jets' mass range; normalised to unit mean over all jets (the loop
    normalises again per batch).
    """
    jet_mass = np.asarray(jet_mass, dtype=np.float64)
    edges = np.linspace(jet_mass.min(), jet_mass.max() + 1e-9, bins + 1)
    index = np.clip(np.digitize(jet_mass, edges) - 1, 0, bins - 1)
    weights = np.empty(len(jet_mass))
    for value in np.unique(label):
        sel = label == value
        density = np.bincount(index[sel], minlength=bins) / sel.sum()
        weights[sel] = 1.0 / density[index[sel]]
    return (weights / weights.mean()).astype(np.float32)


def task_weights(model: nn.Module) -> list[torch.Tensor]:
    """Weight matrices (not biases) of the jet-level network F."""
    return [m.weight for m in model.f.modules() if isinstance(m, nn.Linear)]


def penalised(kind: str, strength: float = PENALTY_STRENGTH) -> Objective:
    """Cross-entropy plus an L1 or L2 penalty on the jet-level network's weights."""
    power = {"l1": 1, "l2": 2}[kind]

    def objective(model: nn.Module, batch: Batch) -> torch.Tensor:
        penalty = sum(w.abs().pow(power).sum() for w in task_weights(model))
        return cross_entropy(model, batch) + strength * penalty

    return objective
