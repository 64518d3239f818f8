"""Planing (paper Sec. II B): cross-entropy with per-jet weights w = 1 / (dsigma_C/dm_J)
from a jet-mass histogram of the jet's class (times the event weight where events carry
one), so that neither class's mass distribution can be learnt; the loss normalises the
weights to unit mean per batch."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from massgen.training.loop import Batch, cross_entropy
from massgen.training.methods import Context, Plan, reweighted


def planing_weights(
    jet_mass: np.ndarray, label: np.ndarray, bins: int, event_weight: np.ndarray | None = None
) -> np.ndarray:
    """Per-jet weights flattening each class's jet-mass distribution (GeV).

    w = w_event / (histogram value of the jet's class at its mass bin), the histogram of
    the event weights ``event_weight`` (1 each without) in ``bins`` equal bins spanning
    the jets' mass range; normalised to unit mean over all jets (the loss normalises
    again per batch).
    """
    jet_mass = np.asarray(jet_mass, dtype=np.float64)
    event = np.ones(len(jet_mass)) if event_weight is None else np.asarray(event_weight, float)
    # numpy, not hist: a bin lookup and a weighted count, which hist would not shorten.
    edges = np.linspace(jet_mass.min(), jet_mass.max() + 1e-9, bins + 1)
    index = np.clip(np.digitize(jet_mass, edges) - 1, 0, bins - 1)
    weights = np.empty(len(jet_mass))
    for value in np.unique(label):
        sel = label == value
        density = np.bincount(index[sel], weights=event[sel], minlength=bins) / event[sel].sum()
        if np.any(density[index[sel]] <= 0):
            raise ValueError(
                f"planing: a jet-mass bin of class {value} holds jets whose event weights "
                "sum to <= 0; use fewer bins (config key training.planing.bins)"
            )
        weights[sel] = event[sel] / density[index[sel]]
    return (weights / weights.mean()).astype(np.float32)


def prepare(model: nn.Module, train: Batch, settings: dict, context: Context) -> Plan:
    """Cross-entropy on the planed jets (``settings``: ``bins`` of the mass histogram)."""
    if train.jet_mass is None:
        raise ValueError("planing needs the jets' masses: the training data has no jet_mass")
    weight = planing_weights(
        train.jet_mass.cpu().numpy(),
        train.label.cpu().numpy(),
        settings["bins"],
        train.weight.cpu().numpy(),
    )
    planed = reweighted(train, torch.as_tensor(weight, device=train.label.device))
    return Plan(planed, cross_entropy, list(model.parameters()))
