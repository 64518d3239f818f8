"""MLDG (Li et al., arXiv:1710.03463): each batch is split into meta-train domains and one
held-out domain; the loss is L_tr(theta) + beta L_te(theta - alpha grad L_tr(theta)),
second order. Config ``training.mldg``: alpha (the inner learning rate; the paper's 1e-3)
and beta (the MLDG paper's default 1)."""

from __future__ import annotations

import torch
from torch import nn

from massgen.training.loop import Batch, Objective, cross_entropy
from massgen.training.methods import Context, Plan
from massgen.training.methods.meta import sgd_step


def mldg_loss(
    model: nn.Module, train: Batch, test: Batch, alpha: float, beta: float
) -> torch.Tensor:
    """L_tr(theta) + beta * L_te(theta - alpha * grad L_tr(theta)), second order."""
    params = dict(model.named_parameters())
    loss_train = cross_entropy(model, train, params)
    updated = sgd_step(params, loss_train, alpha, list(params), create_graph=True)
    return loss_train + beta * cross_entropy(model, test, updated)


def mldg_objective(alpha: float, beta: float) -> Objective:
    """MLDG loss on a mixed-domain batch: one domain held out per batch at random.

    The held-out domain is drawn from torch's global generator, which the training
    loop seeds and checkpoints.
    """

    def objective(model: nn.Module, batch: Batch) -> torch.Tensor:
        domains = batch.domain.unique()
        if len(domains) < 2:
            return cross_entropy(model, batch)
        held_out = domains[torch.randint(len(domains), (1,))]
        return mldg_loss(
            model,
            batch.take(batch.domain != held_out),
            batch.take(batch.domain == held_out),
            alpha,
            beta,
        )

    return objective


def prepare(model: nn.Module, train: Batch, settings: dict, context: Context) -> Plan:
    """The MLDG objective with ``settings`` alpha and beta."""
    objective = mldg_objective(settings["alpha"], settings["beta"])
    return Plan(train, objective, list(model.parameters()))
