"""L1 and L2 (paper Sec. II C): cross-entropy plus lambda * sum |w| (or w^2) over the
weight matrices of the head (the paper's task network T_theta); the paper's L1 strength
is lambda = 1e-3 and it gives none for L2 (config ``training.l1`` / ``training.l2``)."""

from __future__ import annotations

import torch
from torch import nn

from massgen.models import head_weights
from massgen.training.loop import Batch, Objective, cross_entropy
from massgen.training.methods import Context, Plan


def penalised(power: int, strength: float) -> Objective:
    """Cross-entropy plus ``strength`` * sum |w|^power over the head's weights."""

    def objective(model: nn.Module, batch: Batch) -> torch.Tensor:
        penalty = sum(w.abs().pow(power).sum() for w in head_weights(model).values())
        return cross_entropy(model, batch) + strength * penalty

    return objective


def prepare_l1(model: nn.Module, train: Batch, settings: dict, context: Context) -> Plan:
    """L1 penalty of ``settings["strength"]``."""
    return Plan(train, penalised(1, settings["strength"]), list(model.parameters()))


def prepare_l2(model: nn.Module, train: Batch, settings: dict, context: Context) -> Plan:
    """L2 penalty of ``settings["strength"]``."""
    return Plan(train, penalised(2, settings["strength"]), list(model.parameters()))
