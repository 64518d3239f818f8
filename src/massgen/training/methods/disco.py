"""DisCo (Kasieczka & Shih, arXiv:2001.05310; seed 004 App. A): cross-entropy plus
lambda * dCor^2(m_J, p_QCD) over the batch's QCD (label 0) jets, so that the QCD output
cannot follow the jet mass and a cut on it cannot sculpt the QCD mass spectrum.

Seed 004 (Eq. A.1) writes the term as dCor(M, p_k(x)) for "the k-th class prediction
corresponding to the data class k" and does not say over which jets; DisCo's own
definition takes the background jets, whose true-class probability is p_QCD, and that
is what this method does. Early stopping watches the same loss on the validation jets
(in batches of 2000: the term needs O(n^2) memory). Its "dCor" is the squared distance correlation (the seed's
footnote 9). Config ``training.disco``: ``strength`` (lambda, the seed's 100).

The term is estimated per batch, and for independent samples its estimate is positive,
about c / n for n QCD jets: lambda times that bias must stay below what the
cross-entropy gains, or the tagger learns a constant (a toy with a weak mass-blind
feature learnt nothing at lambda = 10 with 100 QCD jets per batch, and decorrelated
while keeping that feature's power at lambda = 3). Larger batches lower the bias.
"""

from __future__ import annotations

import torch
from torch import nn

from massgen.training.loop import Batch, weighted_cross_entropy
from massgen.training.methods import Context, Plan

BACKGROUND = 0  # the class whose output is decorrelated from the jet mass (QCD)


def distance_correlation_sqr(
    x: torch.Tensor, y: torch.Tensor, weight: torch.Tensor | None = None
) -> torch.Tensor:
    """The squared distance correlation of two 1-D samples (the V-statistic, as
    ``dcor.distance_correlation_sqr``), with per-sample weights as in DisCo's reference
    code (weights normalised to unit mean; 0 where either sample is constant).

    Written here because the libraries that compute it (dcor, scipy) work in numpy and
    give no gradient; this is DisCo's weighted double centring in torch, O(n^2) memory.
    """
    w = torch.ones_like(x) if weight is None else weight / weight.mean()

    def centred(values: torch.Tensor) -> torch.Tensor:
        distance = (values[:, None] - values[None, :]).abs()
        row = (distance * w).mean(dim=1)
        return distance - row[None, :] - row[:, None] + (row * w).mean()

    a, b = centred(x), centred(y)

    def mean(product: torch.Tensor) -> torch.Tensor:
        return ((product * w).mean(dim=1) * w).mean()

    return mean(a * b) / torch.sqrt(mean(a * a) * mean(b * b)).clamp_min(1e-12)


def disco_objective(strength: float):
    """Weighted cross-entropy plus ``strength`` * dCor^2(jet mass, p_QCD) over the batch's
    QCD jets (their weights as the loss's)."""

    def objective(model: nn.Module, batch: Batch) -> torch.Tensor:
        logits = model(batch.features, batch.mask)
        loss = weighted_cross_entropy(logits, batch)
        background = batch.label == BACKGROUND
        if int(background.sum()) < 2:
            return loss
        p_qcd = torch.softmax(logits[background], dim=1)[:, BACKGROUND]
        mass = batch.jet_mass[background].to(p_qcd.dtype)
        return loss + strength * distance_correlation_sqr(mass, p_qcd, batch.weight[background])

    return objective


def prepare(model: nn.Module, train: Batch, settings: dict, context: Context) -> Plan:
    """Cross-entropy plus the DisCo term of strength ``settings["strength"]``."""
    if train.jet_mass is None:
        raise ValueError("disco needs the jets' masses: the training data has no jet_mass")
    objective = disco_objective(settings["strength"])
    return Plan(train, objective, list(model.parameters()), validation=objective)
